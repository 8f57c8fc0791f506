"""One realistic, successful administrator request for every action of the sidecar's registry and for both learner
form posts, sent the real way (admin-ajax.php or the form page -> shim -> sidecar), and the PostgreSQL and MySQL
round trips each one costs, counted by devstack/tcp_proxy.py in front of a sidecar of its own.

Recorded actions (devstack/recording.py) send their recorded body with a fresh nonce, the recorded ids replaced by
rows made here; the others are built from docs/contracts/ and the registry. Each request gets fresh rows (made with
SQL straight to PostgreSQL, not through the proxy), so a delete always has something to delete.

    ActionRequests(site, session, db, uploads_root, form_pages)
        .labels            every request's label: the action name, "save_class (update)", or the form name
        .send(label)       make the rows, send, return the response (succeeded() says whether it did what it asked)
        .cleanup()         remove every row and file made here and what the requests made from them
    proxied_sidecar(root, site, pg, secret)   a sidecar reaching PostgreSQL and MySQL through CountingProxy
    measure(requests, meter, label)           the mean round trips of label's request, and whether it succeeded
"""
from __future__ import annotations

import contextlib
import datetime
import json
import statistics
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urljoin

from sidecar.actions import registry
from sidecar.registry import READS

from . import class_pages, recording
from .ajax import ajax_url, create_nonce
from .rows import Db, remove_classes_and_learners
from .sa_id import sa_id_number
from .sidecar_server import SidecarServer, connect_shim
from .tcp_proxy import CountingProxy

# The seed rows every schema source has (../shared/reference/seed_minimal.sql, devstack/schema/seed.sql).
LOCATION = QUALIFICATION = EMPLOYER = CLIENT = SITE = PRODUCT = 1
CLASS_TYPE, SUBJECT = "AET", "COMM"
FORM_PAGES = {"learners_create": "/app/new-learner/", "learners_update": "/app/update-learners/"}
RECORDED = {  # label -> the recorded request it sends (test_id of devstack/recording.py)
    "fetch_learners_dropdown_data": "learner-capture-0-fetch_learners_dropdown_data",
    "learners_create": "learner-capture-1-form",
    "learners_update": "learner-update-0-form",
    "save_class (create)": "class-capture-0-save_class",
    "save_class (update)": "class-edit-0-save_class",
    "get_calendar_events": "single-class-0-get_calendar_events",
    "get_public_holidays": "single-class-1-get_public_holidays",
    "get_class_notes": "class-notes-0-get_class_notes",
    "save_class_note": "class-notes-1-save_class_note",
    "delete_learner": "learner-delete-0-delete_learner",
    "delete_learner_portfolio": "learner-portfolio-1-delete_learner_portfolio",
    "mark_progression_complete": "learner-portfolio-2-mark_progression_complete",
    "upload_attachment": "class-note-attachment-0-upload_attachment",
    "delete_class_note": "class-note-attachment-2-delete_class_note",
}


def labels() -> list[str]:
    """Every action of the registry (save_class twice: it creates and updates), then the two form posts."""
    out = []
    for name in sorted(registry.actions):
        out += ["save_class (create)", "save_class (update)"] if name == "save_class" else [name]
    return out + sorted(registry.forms)


def action_of(label: str) -> str:
    return label.split(" ", 1)[0]


def is_read(label: str) -> bool:
    action = registry.actions.get(action_of(label))
    return action is not None and action.methods == READS


class ActionRequests:
    def __init__(self, site, session, db, uploads_root, form_pages: dict[str, str]):
        """``form_pages``: {recorded page path: URL of a published page} for the two learner forms."""
        self.site, self.session, self.db, self.uploads_root = site, session, db, uploads_root
        self.form_pages = form_pages
        self.labels = labels()
        self.recorded = {r["test_id"]: r for r in recording.load()}
        self._nonces: dict[str, str] = {}
        self.learner_ids: list[int] = []
        self.class_ids: list[int] = []
        self.files: list = []
        self.first_class_id = (db.scalar("SELECT coalesce(max(class_id), 0) FROM classes") or 0) + 1
        self.first_learner_id = (db.scalar("SELECT coalesce(max(id), 0) FROM learners") or 0) + 1

    # --- rows ---------------------------------------------------------------------------------------------

    def learner(self, first_name="Roundtrip") -> int:
        learner_id = self.db.scalar(
            "INSERT INTO learners (title, first_name, initials, surname, gender, race, sa_id_no, tel_number, "
            "email_address, address_line_1, city_town_id, province_region_id, postal_code, highest_qualification, "
            "assessment_status, employment_status, employer_id, disability_status, created_at, updated_at) "
            "VALUES ('Ms', %s, 'R', 'Counted (FAKE)', 'Female', 'Black', %s, '0710000000', %s, "
            "'1 Counted Road (FAKE)', %s, %s, '0001', %s, 'Not Assessed', true, %s, false, now(), now()) "
            "RETURNING id",
            (first_name, sa_id_number(datetime.date(1990, 1, 1), True, len(self.learner_ids)),
             f"roundtrip-{uuid.uuid4().hex[:8]}@example.invalid", LOCATION, LOCATION, QUALIFICATION, EMPLOYER))
        self.learner_ids.append(learner_id)
        return learner_id

    def lp(self, learner_id: int) -> int:
        return self.db.scalar(
            "INSERT INTO learner_lp_tracking (learner_id, product_id, hours_trained, hours_present, hours_absent, "
            "status, start_date) VALUES (%s, %s, 40, 38, 2, 'in_progress', '2026-10-05') RETURNING tracking_id",
            (learner_id, PRODUCT))

    def file(self, relative: str) -> str:
        path = self.uploads_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(class_pages.PDF_BYTES)
        self.files.append(path)
        return relative

    def portfolio(self, learner_id: int) -> int:
        relative = self.file(f"portfolios/portfolio_roundtrip_{uuid.uuid4().hex}.pdf")
        self.db.run("UPDATE learners SET scanned_portfolio = %s WHERE id = %s", (relative, learner_id))
        return self.db.scalar("INSERT INTO learner_portfolios (learner_id, file_path, upload_date) "
                              "VALUES (%s, %s, now()) RETURNING portfolio_id", (learner_id, relative))

    def class_row(self, notes=()) -> int:
        learner = self.learner("Classmate")
        schedule = weekly_schedule()
        class_id = self.db.scalar(
            "INSERT INTO classes (client_id, site_id, class_type, class_subject, class_code, class_duration, "
            "original_start_date, schedule_data, learner_ids, class_notes_data, initial_class_agent, "
            "project_supervisor_id) VALUES (%s, %s, %s, %s, 'ROUNDTRIP', 120, %s, %s, %s, %s, 1, 1) "
            "RETURNING class_id",
            (CLIENT, SITE, CLASS_TYPE, SUBJECT, schedule["startDate"], json.dumps(schedule),
             json.dumps([class_pages.learner_entry(learner)]), json.dumps(list(notes))))
        self.class_ids.append(class_id)
        return class_id

    def qa_visit(self, class_id: int) -> int:
        relative = self.file(f"qa-reports/qa_report_roundtrip_{uuid.uuid4().hex}.pdf")
        document = {"filename": relative.rsplit("/", 1)[1], "file_path": relative, "original_name": "visit.pdf"}
        return self.db.scalar("INSERT INTO qa_visits (class_id, visit_date, visit_type, officer_name, latest_document) "
                              "VALUES (%s, current_date, 'Initial QA Visit', 'Officer One', %s) RETURNING id",
                              (class_id, json.dumps(document)))

    def cleanup(self):
        classes = [r["class_id"] for r in self.db.all("SELECT class_id FROM classes WHERE class_id >= %s",
                                                      (self.first_class_id,))]
        learners = [r["id"] for r in self.db.all("SELECT id FROM learners WHERE id >= %s", (self.first_learner_id,))]
        files = remove_classes_and_learners(self.db, classes, learners)
        for path in [*self.files, *(self.uploads_root / relative for relative in files)]:
            path.unlink(missing_ok=True)

    # --- requests -----------------------------------------------------------------------------------------

    def nonce(self, action: str) -> str:
        if action not in self._nonces:
            self._nonces[action] = create_nonce(self.site, self.session, action)
        return self._nonces[action]

    def post(self, action: str, fields: dict, nonce_action: str | None, files=None):
        data = [("action", action), *fields.items()]
        if nonce_action:
            data.append(("nonce", self.nonce(nonce_action)))
        return self.session.post(ajax_url(self.site), data=data, files=files, timeout=60, allow_redirects=False)

    def get(self, action: str, params: dict, nonce_action: str | None):
        query = {"action": action, **params, **({"nonce": self.nonce(nonce_action)} if nonce_action else {})}
        return self.session.get(ajax_url(self.site), params=query, timeout=60, allow_redirects=False)

    def replay(self, label: str, replace: dict | None = None, query: str | None = None):
        """The recorded request of ``label``, its ids replaced, sent as the page sent it."""
        request = self.recorded[RECORDED[label]]
        action = recording.nonce_action(request)
        fields = recording.fields_to_send(request, self.nonce(action) if action else None, replace)
        body, content_type = recording.encode(request["content_type"], fields)
        if request["action"] is not None:
            url = ajax_url(self.site)
        else:
            page = self.form_pages[request["sent_to"]]
            url = page if query is None else f"{page}{'&' if '?' in page else '?'}{query}"
        return self.session.post(url, data=body, headers={"Content-Type": content_type}, timeout=60,
                                 allow_redirects=False)

    def prepare(self, label: str):
        """Make the rows ``label`` needs; return the call that sends its request (rows are not counted)."""
        return getattr(self, "_" + label.replace(" ", "_").replace("(", "").replace(")", ""))()

    def send(self, label: str):
        return self.prepare(label)()

    # learners: reads
    def _wecoza_get_learner(self):
        learner = self.learner()
        return lambda: self.post("wecoza_get_learner", {"id": str(learner)}, "learners_nonce_action")

    def _wecoza_get_learner_form_values(self):
        learner = self.learner()
        return lambda: self.post("wecoza_get_learner_form_values", {"id": str(learner)}, "learners_nonce_action")

    def _fetch_learners_data(self):
        self.learner()
        return lambda: self.post("fetch_learners_data", {}, "learners_nonce")

    def _fetch_learners_dropdown_data(self):
        return lambda: self.replay("fetch_learners_dropdown_data")

    def _wecoza_get_learners(self):
        self.learner()
        return lambda: self.get("wecoza_get_learners", {"limit": "50", "offset": "0", "mappings": "yes"},
                                "learners_nonce_action")

    def _get_learner_progressions(self):
        learner = self.learner()
        self.lp(learner)
        return lambda: self.get("get_learner_progressions", {"learner_id": str(learner)}, "learners_nonce")

    # learners: writes
    def _update(self, action, nonce_action):
        learner = self.learner()
        return lambda: self.post(action, {"id": str(learner), "surname": "Updated (FAKE)", "tel_number": "0710000456",
                                          "gender": "Female"}, nonce_action)

    def _update_learner(self):
        return self._update("update_learner", "learners_nonce")

    def _wecoza_update_learner(self):
        return self._update("wecoza_update_learner", "learners_nonce_action")

    def _update_learner_data(self):
        return self._update("update_learner_data", "learners_nonce_action")

    def _delete_learner(self):
        learner = self.learner()
        return lambda: self.replay("delete_learner", {"id": str(learner)})

    def _wecoza_delete_learner(self):
        learner = self.learner()
        return lambda: self.post("wecoza_delete_learner", {"id": str(learner)}, "learners_nonce_action")

    def _delete_learner_portfolio(self):
        learner = self.learner()
        portfolio = self.portfolio(learner)
        return lambda: self.replay("delete_learner_portfolio",
                                   {"portfolio_id": str(portfolio), "learner_id": str(learner)})

    def _mark_progression_complete(self):
        tracking = self.lp(self.learner())
        return lambda: self.replay("mark_progression_complete", {"tracking_id": str(tracking)})

    def _upload_progression_portfolio(self):
        tracking = self.lp(self.learner())
        return lambda: self.post("upload_progression_portfolio", {"tracking_id": str(tracking)}, "learners_nonce",
                                 files={"portfolio_file": ("week1.pdf", class_pages.PDF_BYTES, "application/pdf")})

    # the learner form posts
    def _learners_create(self):
        return lambda: self.replay("learners_create", LOOKUPS)

    def _learners_update(self):
        learner = self.learner()
        page = FORM_PAGES["learners_update"]
        return lambda: self.replay("learners_update", {**LOOKUPS, "learner_id": str(learner),
                                                       "_wp_http_referer": f"{page}?learner_id={learner}"},
                                   query=f"learner_id={learner}")

    # classes
    def _save_class_create(self):
        learner = self.learner()
        return lambda: self.replay("save_class (create)", {**CLASS_FIELDS, "class_learners_data": json.dumps(
            [class_pages.learner_entry(learner, "Roundtrip Counted (FAKE)", level="")])})

    def _save_class_update(self):
        class_id = self.class_row()
        learners = [self.learner(), self.learner()]
        return lambda: self.replay("save_class (update)", {
            **CLASS_FIELDS, "class_id": str(class_id), "class_code_hidden": "ROUNDTRIP",
            "class_learners_data": json.dumps([class_pages.learner_entry(i, "Roundtrip (FAKE)", level="")
                                               for i in learners])})

    def _delete_class(self):
        class_id = self.class_row()
        return lambda: self.post("delete_class", {"class_id": str(class_id)}, "wecoza_class_nonce")

    def _get_calendar_events(self):
        class_id = self.class_row()
        return lambda: self.replay("get_calendar_events", {"class_id": str(class_id)})

    def _get_public_holidays(self):
        return lambda: self.replay("get_public_holidays")

    def _get_class_subjects(self):
        return lambda: self.get("get_class_subjects", {"class_type": CLASS_TYPE}, None)

    def _get_class_types(self):
        return lambda: self.get("get_class_types", {}, None)

    def _get_class_notes(self):
        class_id = self.class_row(notes=[note()])
        return lambda: self.replay("get_class_notes", {"class_id": str(class_id)})

    def _save_class_note(self):
        class_id = self.class_row()
        return lambda: self.replay("save_class_note", {"class_id": str(class_id)})

    def _delete_class_note(self):
        kept = note()
        class_id = self.class_row(notes=[kept])
        return lambda: self.replay("delete_class_note", {"class_id": str(class_id), "note_id": kept["id"]})

    def _upload_attachment(self):
        return lambda: self.replay("upload_attachment")

    # QA
    def _get_qa_analytics(self):
        self.qa_visit(self.class_row())
        return lambda: self.post("get_qa_analytics", {"start_date": "", "end_date": "", "department": ""},
                                 "qa_dashboard_nonce")

    def _get_qa_summary(self):
        self.qa_visit(self.class_row())
        return lambda: self.post("get_qa_summary", {}, "qa_dashboard_nonce")

    def _get_qa_visits(self):
        class_id = self.class_row()
        self.qa_visit(class_id)
        return lambda: self.post("get_qa_visits", {"class_id": str(class_id)}, "qa_dashboard_nonce")

    def _get_class_qa_data(self):
        class_id = self.class_row()
        self.qa_visit(class_id)
        return lambda: self.post("get_class_qa_data", {"class_id": str(class_id)}, "wecoza_class_nonce")

    def _create_qa_visit(self):
        class_id = self.class_row()
        return lambda: self.post("create_qa_visit", {"class_id": str(class_id), "visit_date": "2026-02-14",
                                                     "visit_type": "Final Assessment", "qa_officer_id": "4",
                                                     "visit_notes": ""}, "qa_dashboard_nonce")

    def _export_qa_reports(self):
        self.qa_visit(self.class_row())
        today = datetime.date.today().isoformat()
        return lambda: self.post("export_qa_reports", {"format": "csv", "start_date": today, "end_date": today},
                                 "qa_dashboard_nonce")

    def _delete_qa_report(self):
        class_id = self.class_row()
        self.qa_visit(class_id)
        return lambda: self.post("delete_qa_report", {"class_id": str(class_id), "report_index": "0"},
                                 "wecoza_class_nonce")

    def _submit_qa_question(self):
        class_id = self.class_row()
        return lambda: self.post("submit_qa_question", {"class_id": str(class_id), "question": "Is the venue ok?",
                                                        "context": "Room 2"}, "wecoza_class_nonce",
                                 files=[("attachment", ("question.pdf", class_pages.PDF_BYTES, "application/pdf"))])

    # --- answers ------------------------------------------------------------------------------------------

    def succeeded(self, label: str, response) -> bool:
        """Whether the request did what it asked: the success envelope, the JSON list, the CSV, or the form's
        redirect to a page whose flash says so."""
        if label in FORM_PAGES:
            if response.status_code != 303:
                return False
            landing = self.session.get(urljoin(self.site.url, response.headers["Location"]), timeout=30).text
            return "successfully" in landing
        if response.status_code != 200:
            return False
        style = registry.actions[action_of(label)].response
        if style == "csv":
            return response.headers.get("Content-Type", "").startswith("text/csv")
        body = response.json()
        return isinstance(body, list) if style == "array" else body.get("success") is True


# The recorded requests' lookup ids (9001 in the recording session) are the seed rows here.
LOOKUPS = {"city_town_id": str(LOCATION), "province_region_id": str(LOCATION),
           "highest_qualification": str(QUALIFICATION), "employer_id": str(EMPLOYER)}
CLASS_FIELDS = {"client_id": str(CLIENT), "site_id": str(SITE), "class_type": CLASS_TYPE, "class_subject": SUBJECT,
                "class_duration": "120"}


def weekly_schedule() -> dict:
    """A weekly Wednesday class, the schedule_data JSON the class pages store."""
    return {"version": "2.0", "pattern": "weekly", "startDate": "2027-02-03", "endDate": "2027-05-05",
            "timeData": {"mode": "per-day", "perDayTimes": {
                "Wednesday": {"start_time": "09:00", "end_time": "12:00", "duration": "3.00"}}},
            "selectedDays": ["Wednesday"], "exceptionDates": [], "holidayOverrides": {}}


def note() -> dict:
    return {"id": f"note_{uuid.uuid4().hex[:13]}", "content": "Counted note (FAKE)", "category": ["Class on track"],
            "priority": "low", "author_id": 1, "created_at": "2026-02-01T10:00:00+00:00",
            "updated_at": "2026-02-01T10:00:00+00:00", "attachments": []}


# --- counting -----------------------------------------------------------------------------------------------

class Meter:
    """The proxies of one sidecar: PostgreSQL and MySQL behind it, and HTTP in front of it (the shim's requests),
    so the round trips of the forwarded request and those of the shim's acknowledgement of its events (POST
    /events/ack, a second request to the sidecar after the browser has the answer) are told apart."""

    def __init__(self, postgres: CountingProxy, mysql: CountingProxy, front: CountingProxy):
        self.postgres, self.mysql, self.front = postgres, mysql, front
        self.marks: list[int] = []  # PostgreSQL round trips so far, as each request reached the sidecar
        front.on_connect = lambda: self.marks.append(postgres.round_trips)

    def totals(self) -> tuple[int, int, int]:
        return self.postgres.round_trips, self.mysql.round_trips, self.front.connections

    def settled(self, quiet: float = 0.3, limit: float = 10.0) -> tuple[int, int, int]:
        """The counters once nothing has moved for ``quiet`` seconds."""
        deadline = time.monotonic() + limit
        last, since = self.totals(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.totals()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return last


@dataclass
class Counted:
    response: object
    postgres: int          # PostgreSQL round trips of the forwarded request
    mysql: int             # MySQL round trips of the whole exchange (the acknowledgement has none)
    acknowledgement: int   # PostgreSQL round trips of the shim's POST /events/ack (0 without events)
    sidecar_requests: int  # requests the shim sent to the sidecar: 1, or 2 with the acknowledgement


def count(meter: Meter, send) -> Counted:
    """The round trips of one request, read once the counters have settled."""
    pg_before, mysql_before, _ = meter.settled()
    meter.marks.clear()
    response = send()
    pg_after, mysql_after, _ = meter.settled()
    marks = list(meter.marks)
    split = marks[1] if len(marks) > 1 else pg_after
    return Counted(response, split - pg_before, mysql_after - mysql_before, pg_after - split, len(marks))


@dataclass
class ProxiedSidecar:
    server: SidecarServer
    meter: Meter
    url: str      # the front proxy: what the shim is pointed at (connect_shim(site, this, pg))
    secret: str


@contextlib.contextmanager
def proxied_sidecar(root, site, pg, secret: str | None = None):
    """A sidecar (one worker, so one pool and one cache warm up) whose PostgreSQL and MySQL connections pass
    through counting proxies without delay, behind a proxy that marks each request of the shim; yields a
    ProxiedSidecar. Everything is stopped at the end."""
    postgres = CountingProxy(pg.host, pg.port).start()
    mysql = CountingProxy(site.db.host, site.db.port).start()
    server = SidecarServer(root, site, pg, workers=1, secret=secret)
    server.env.update({"WECOZA_PG_HOST": postgres.host, "WECOZA_PG_PORT": str(postgres.port),
                       "WECOZA_WP_DB_HOST": mysql.host, "WECOZA_WP_DB_PORT": str(mysql.port)})
    front = None
    try:
        server.start()
        front = CountingProxy(server.host, server.port).start()
        yield ProxiedSidecar(server, Meter(postgres, mysql, front), f"http://{front.host}:{front.port}",
                             server.secret)
    finally:
        server.stop()
        for proxy in (front, postgres, mysql):
            if proxy is not None:
                proxy.stop()


@contextlib.contextmanager
def forwarding_to_proxied_sidecar(root, site, pg, session_sidecar, uploads_root):
    """``site``'s WordPress forwarding to a ``proxied_sidecar`` of its own (``session_sidecar``'s secret), with the
    ActionRequests of its administrator: yields (ProxiedSidecar, ActionRequests). The shim is pointed back at
    ``session_sidecar`` and the rows the requests made are removed afterwards."""
    with proxied_sidecar(root, site, pg, secret=session_sidecar.secret) as sidecar:
        connect_shim(site, sidecar, pg)
        requests_ = ActionRequests(site, site.login("admin"), Db(pg), uploads_root, publish_form_pages(site))
        try:
            yield sidecar, requests_
        finally:
            connect_shim(site, session_sidecar, pg)
            requests_.cleanup()


def measure(requests_: ActionRequests, meter: Meter, label: str, repeats: int = 3, warmups: int = 2) -> dict:
    """Round trips of ``label``'s request over ``repeats`` requests after ``warmups`` (pool open, the action's
    caches as in steady use), each with fresh rows: the mean of each count, and its median (``typical``: a
    request that happens to reload a cache, such as the site data every minute, does not move it).
    ``ok``: every counted request succeeded."""
    for _ in range(warmups):
        requests_.send(label)
    counted = [count(meter, requests_.prepare(label)) for _ in range(repeats)]
    names = ("postgres", "mysql", "acknowledgement", "sidecar_requests")
    return {"label": label, "read": is_read(label), "statuses": sorted({c.response.status_code for c in counted}),
            "ok": all(requests_.succeeded(label, c.response) for c in counted),
            **{name: sum(getattr(c, name) for c in counted) / repeats for name in names},
            "typical": {name: statistics.median(getattr(c, name) for c in counted) for name in names}}


def publish_form_pages(site) -> dict[str, str]:
    """{recorded page path: URL} of a published page for each learner form (the shim serves the post on any page)."""
    return {path: site.publish_page(f"roundtrip-{path.strip('/').replace('/', '-')}", "<p>Learner form page</p>")
            for path in FORM_PAGES.values()}
