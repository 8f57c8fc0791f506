"""Fixtures of the replay tests: the rows the recorded ids (9001...) refer to, made with SQL and removed at the
end of the module; the learner form pages; a Replayer that sends each recorded request through WordPress,
the shim and the sidecar as an admin.

    recorded_rows   RecordedRows: the ids below exist (learners, classes, client/site, location, ...)
    replayer        Replayer: .response(request) sends the request (and the earlier ones of its flow, once)
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import pytest

from devstack.ajax import ajax_url, create_nonce
from devstack.rows import Db, remove_classes_and_learners

from devstack import recording

FAKE_ID = 9001                      # location, qualification, employer, client, site, class type
CLASS_LEARNER, ADDED_LEARNER = 9001, 9002
UPDATED_LEARNER, DELETED_LEARNER, PORTFOLIO_LEARNER = 9004, 9005, 9007
CALENDAR_CLASS, EDITED_CLASS = 9001, 9003
CAPTURE_EMAIL = "accpage.capture@example.invalid"
STORED_POSTAL_CODE = "0007"         # the learner's own code; the city's (location 9001) is 0001
CITY_POSTAL_CODE = "0001"

# The class the single-class page showed: weekly Wednesday 09:00-12:00 through the recorded calendar range.
CALENDAR_SCHEDULE = {
    "version": "2.0", "pattern": "weekly", "startDate": "2026-12-02", "endDate": "2027-01-06",
    "timeData": {"mode": "per-day", "perDayTimes": {
        "Wednesday": {"start_time": "09:00", "end_time": "12:00", "duration": "3.00"}}},
    "selectedDays": ["Wednesday"], "exceptionDates": [], "holidayOverrides": {}}
# The class as class-capture made it (the edit page changed it from this).
EDITED_SCHEDULE = {**CALENDAR_SCHEDULE, "startDate": "2027-02-03", "endDate": "2027-05-05"}
DELIVERY = {"type": "Deliveries", "description": "Deliver initial material (FAKE)", "date": "2027-02-01",
            "status": "Pending", "notes": ""}


def learner_entry(learner_id, name):
    return {"id": str(learner_id), "name": name, "level": "", "status": "CIC - Currently in Class"}


LEARNERS = {
    CLASS_LEARNER: ("Testy", "McTestface (FAKE)", "testy@example.invalid", "9001015800088"),
    ADDED_LEARNER: ("Fakey", "Fakerson (FAKE)", "fakey@example.invalid", "8807075800086"),
    UPDATED_LEARNER: ("Accpage", "Capture (FAKE)", CAPTURE_EMAIL, "9001015800088"),
    DELETED_LEARNER: ("Accpage", "Delete (FAKE)", "accpage.delete@example.invalid", "9001015800088"),
    PORTFOLIO_LEARNER: ("Accpagemore", "Portfolio (FAKE)", "accpagemore@example.invalid", "8807075800086"),
}


class RecordedRows:
    """The rows behind the recorded ids; ``cleanup`` removes them and whatever the replay made from them."""

    def __init__(self, db: Db, uploads_root: Path):
        self.db = db
        self.uploads_root = uploads_root
        self.first_class_id = (db.scalar("SELECT coalesce(max(class_id), 0) FROM classes") or 0) + 1
        self.tracking_id = None

    def make(self):
        run = self.db.run
        run("INSERT INTO locations (location_id, street_address, suburb, town, province, postal_code) "
            "VALUES (%s, '1 Nowhere Street', 'Nowhere (FAKE)', 'Fictionton (FAKE)', 'Fiction Province (FAKE)', %s)",
            (FAKE_ID, CITY_POSTAL_CODE))
        run("INSERT INTO learner_qualifications (id, qualification) VALUES (%s, 'Fictional NQF 1 (FAKE)')", (FAKE_ID,))
        run("INSERT INTO employers (employer_id, employer_name) VALUES (%s, 'Fictional Employer (FAKE)')", (FAKE_ID,))
        run("INSERT INTO clients (client_id, client_name, client_status) VALUES (%s, 'Fictional Client (FAKE)', "
            "'Active Client')", (FAKE_ID,))
        run("INSERT INTO sites (site_id, client_id, site_name, place_id) VALUES (%s, %s, 'Fictional Site (FAKE)', %s)",
            (FAKE_ID, FAKE_ID, FAKE_ID))
        run("INSERT INTO class_types (class_type_id, class_type_code, class_type_name, subject_selection_mode, "
            "display_order) VALUES (%s, 'FAKE_OWN', 'Fictional own-subject type (FAKE)', 'own', 99)", (FAKE_ID,))
        run("INSERT INTO class_type_subjects (class_type_subject_id, class_type_id, subject_code, subject_name, "
            "subject_duration, display_order) VALUES (%s, %s, 'FAKE-S1', 'Fictional subject (FAKE)', 40, 1)",
            (FAKE_ID, FAKE_ID))
        for learner_id, (first, surname, email, sa_id) in LEARNERS.items():
            run("INSERT INTO learners (id, title, first_name, initials, surname, gender, race, sa_id_no, tel_number, "
                "email_address, address_line_1, city_town_id, province_region_id, postal_code, highest_qualification, "
                "assessment_status, employment_status, employer_id, disability_status, created_at, updated_at) "
                "VALUES (%s, 'Mr', %s, 'A', %s, 'Male', 'Black', %s, '0710000000', %s, '7 Fictional Road (FAKE)', "
                "%s, %s, %s, %s, 'Not Assessed', true, %s, false, now(), now())",
                (learner_id, first, surname, sa_id, email, FAKE_ID, FAKE_ID, STORED_POSTAL_CODE, FAKE_ID, FAKE_ID))
        self.tracking_id = self.db.scalar(
            "INSERT INTO learner_lp_tracking (learner_id, product_id, hours_trained, hours_present, hours_absent, "
            "status, start_date, notes) VALUES (%s, 1, 40, 38, 2, 'in_progress', '2026-10-05', 'Recorded flow LP') "
            "RETURNING tracking_id", (PORTFOLIO_LEARNER,))
        common = {"client_id": FAKE_ID, "site_id": FAKE_ID, "class_type": "FAKE_OWN", "class_subject": "FAKE-S1",
                  "class_duration": 40, "seta_funded": False, "exam_class": False, "project_supervisor_id": 1,
                  "initial_class_agent": 1, "event_dates": json.dumps([DELIVERY]),
                  "learner_ids": json.dumps([learner_entry(CLASS_LEARNER, "Testy McTestface (FAKE)")])}
        self._class(CALENDAR_CLASS, class_code="ACCPAGE-SINGLE", original_start_date="2026-12-02",
                    initial_agent_start_date="2026-12-02", schedule_data=json.dumps(CALENDAR_SCHEDULE), **common)
        self._class(EDITED_CLASS, class_code="ACCPAGE-EDIT", original_start_date="2027-02-03",
                    initial_agent_start_date="2027-02-03", schedule_data=json.dumps(EDITED_SCHEDULE), **common)
        return self

    def _class(self, class_id, **columns):
        names = ["class_id", *columns]
        self.db.run(f"INSERT INTO classes ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                    (class_id, *columns.values()))

    def class_ids(self) -> list[int]:
        return [CALENDAR_CLASS, EDITED_CLASS] + [r["class_id"] for r in self.db.all(
            "SELECT class_id FROM classes WHERE class_id >= %s AND class_id NOT IN (%s, %s)",
            (self.first_class_id, CALENDAR_CLASS, EDITED_CLASS))]

    def learner_ids(self) -> list[int]:
        return list(LEARNERS) + [r["id"] for r in self.db.all(
            "SELECT id FROM learners WHERE email_address = %s AND id <> ALL(%s)", (CAPTURE_EMAIL, list(LEARNERS)))]

    def cleanup(self):
        run = self.db.run
        files = remove_classes_and_learners(self.db, self.class_ids(), self.learner_ids())
        run("DELETE FROM class_type_subjects WHERE class_type_subject_id = %s", (FAKE_ID,))
        for table, column in (("class_types", "class_type_id"), ("sites", "site_id"), ("clients", "client_id"),
                              ("employers", "employer_id"), ("learner_qualifications", "id"),
                              ("locations", "location_id")):
            run(f"DELETE FROM {table} WHERE {column} = %s", (FAKE_ID,))
        for relative in files:
            (self.uploads_root / relative).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def db(pg_database):
    return Db(pg_database)


@pytest.fixture(scope="module")
def recorded_rows(db, uploads_root, routed, sidecar_server):
    rows = RecordedRows(db, uploads_root)
    try:
        yield rows.make()
    finally:
        rows.cleanup()
        # The sidecar's workers keep lookup tables for minutes (sidecar/learners/lookups.py, classes/lookups.py),
        # and these fake rows came and went behind their back: later modules get workers that never saw them.
        sidecar_server.restart()


@pytest.fixture(scope="module")
def form_pages(wordpress_site, routed):
    """{recorded page path: URL of a published page on the test site} for the learner form posts."""
    return {path: wordpress_site.publish_page(f"replay-{path.strip('/').replace('/', '-')}",
                                              "<p>Recorded learner form page</p>")
            for path in ("/app/new-learner/", "/app/update-learners/")}


class Replayer:
    """Sends recorded requests as an admin; a flow's earlier requests are sent first, each once.

    ``remaps`` (flow, step) -> function(replayer) -> {field: value} puts the ids an earlier request created
    where the recording has the ids of the recording session (a portfolio, a note, an attachment)."""

    def __init__(self, site, session, form_pages, requests, remaps, ajax: str | None = None):
        """``ajax``: where admin-ajax.php requests go (WordPress's own by default; nginx's in direct mode)."""
        self.site = site
        self.ajax = ajax or ajax_url(site)
        self.session = session
        self.form_pages = form_pages
        self.requests = requests
        self.remaps = remaps
        self.sent: dict[tuple[str, int], object] = {}
        self._nonces: dict[str, str] = {}

    def nonce(self, action):
        if action not in self._nonces:
            self._nonces[action] = create_nonce(self.site, self.session, action)
        return self._nonces[action]

    def url(self, request):
        if request["action"] is not None:
            assert request["sent_to"] == "/wp-admin/admin-ajax.php" and not request["query"]
            return self.ajax
        page = self.form_pages[request["sent_to"]]
        if not request["query"]:
            return page
        return f"{page}{'&' if '?' in page else '?'}{request['query']}"

    def response(self, request):
        flow, step = request["flow"], request["step"]
        for earlier in self.requests:
            if earlier["flow"] == flow and earlier["step"] < step and (flow, earlier["step"]) not in self.sent:
                self.response(earlier)
        key = (flow, step)
        if key not in self.sent:
            action = recording.nonce_action(request)
            replace = self.remaps[key](self) if key in self.remaps else None
            fields = recording.fields_to_send(request, self.nonce(action) if action else None, replace)
            body, content_type = recording.encode(request["content_type"], fields)
            self.sent[key] = self.session.post(self.url(request), data=body, timeout=60, allow_redirects=False,
                                               headers={"Content-Type": content_type})
        return self.sent[key]

    def landing(self, response) -> str:
        """The page a form post's 303 leads to, with the shim's flash message."""
        assert response.status_code == 303, (response.status_code, response.text[:500])
        return self.session.get(urljoin(self.site.url, response.headers["Location"]), timeout=30).text
