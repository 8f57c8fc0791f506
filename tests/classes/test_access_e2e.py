"""Roles and nonces for every class and QA action: administrator, editor, subscriber, logged out; bad, stale
and foreign nonces. A refused call changes nothing."""
import json

import pytest

from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

CLASS = "wecoza_class_nonce"
CALENDAR = "wecoza_calendar_nonce"
DASHBOARD = "qa_dashboard_nonce"

NO_PERMISSION = '{"success":false,"data":"You do not have permission to manage classes."}'
MVC_CAPABILITY = (403, '{"success":false,"data":{"message":"Insufficient permissions."}}')
MVC_NONCE = (403, '{"success":false,"data":{"message":"Invalid security token."}}')

# action -> (nonce action, capability refusal, nonce refusal)
ACTIONS = {
    "save_class": (CLASS, (200, NO_PERMISSION),
                   (200, '{"success":false,"data":"Security check failed. Please refresh the page and try again."}')),
    "delete_class": (CLASS, (200, '{"success":false,"data":"You do not have permission to delete classes."}'),
                     (200, '{"success":false,"data":"Security check failed."}')),
    "get_calendar_events": (CALENDAR, (200, NO_PERMISSION), (200, '{"success":false,"data":"Security check failed."}')),
    "get_class_notes": (CLASS, (200, NO_PERMISSION), (200, '{"success":false,"data":"Invalid nonce"}')),
    "save_class_note": (CLASS, (200, NO_PERMISSION), (200, '{"success":false,"data":"Invalid nonce"}')),
    "delete_class_note": (CLASS, (200, NO_PERMISSION), (200, '{"success":false,"data":"Invalid nonce"}')),
    "upload_attachment": (CLASS, (200, NO_PERMISSION), (200, '{"success":false,"data":"Invalid security token"}')),
    "get_qa_analytics": (DASHBOARD, MVC_CAPABILITY, MVC_NONCE),
    "get_qa_summary": (DASHBOARD, MVC_CAPABILITY, MVC_NONCE),
    "get_qa_visits": (DASHBOARD, MVC_CAPABILITY, MVC_NONCE),
    "create_qa_visit": (DASHBOARD, MVC_CAPABILITY, MVC_NONCE),
    "export_qa_reports": (DASHBOARD, MVC_CAPABILITY, MVC_NONCE),
    "delete_qa_report": (CLASS, MVC_CAPABILITY, MVC_NONCE),
    "get_class_qa_data": (CLASS, MVC_CAPABILITY, MVC_NONCE),
    "submit_qa_question": (CLASS, MVC_CAPABILITY, MVC_NONCE),
}


@pytest.fixture(scope="module")
def target(made, db):
    class_id = made.class_row(class_code="ACCESS-1", class_notes_data=[{
        "id": "note_access", "content": "x", "category": ["Class on track"], "priority": "low", "author_id": 1,
        "created_at": "2026-02-01T10:00:00+00:00", "updated_at": "2026-02-01T10:00:00+00:00", "attachments": []}])
    visit_id = db.scalar("INSERT INTO qa_visits (class_id, visit_date, visit_type, officer_name, latest_document) "
                         "VALUES (%s, '2026-03-01', 'Initial QA Visit', 'Officer', %s) RETURNING id",
                         (class_id, json.dumps({"filename": "x.pdf", "file_path": "qa-reports/qa_report_x.pdf"})))
    return {"class_id": class_id, "visit_id": visit_id}


def request_for(action, target, nonce):
    """A request each action would accept from an administrator (so only the refusal differs)."""
    cid = str(target["class_id"])
    fields = {"nonce": nonce, "class_id": cid}
    files = None
    if action == "save_class":
        return pages.update_form(nonce, target["class_id"], code="ACCESS-1"), [
            ("qa_reports[]", ("", b"", "application/octet-stream"))]
    if action == "save_class_note":
        fields.update({"note[content]": "refused?", "note[category][]": "Class on track", "note[priority]": "low"})
    elif action == "delete_class_note":
        fields["note_id"] = "note_access"
    elif action == "upload_attachment":
        files = [("file", ("a.pdf", pages.PDF_BYTES, "application/pdf"))]
    elif action == "create_qa_visit":
        fields.update({"visit_date": "2026-03-05", "officer_name": "New"})
    elif action == "export_qa_reports":
        fields.update({"format": "csv", "start_date": "2026-01-01", "end_date": "2026-12-31"})
    elif action == "delete_qa_report":
        fields["report_id"] = str(target["visit_id"])
    elif action == "submit_qa_question":
        fields["question"] = "Refused?"
    return list(fields.items()), files


def snapshot(db, target):
    return (db.one("SELECT * FROM classes WHERE class_id = %s", (target["class_id"],)),
            db.all("SELECT * FROM qa_visits WHERE class_id = %s ORDER BY id", (target["class_id"],)),
            db.count("classes"), db.count("wecoza_sidecar.outbox"))


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_editor_and_subscriber_are_refused(action, page, target, db):
    nonce_action, (status, body), _ = ACTIONS[action]
    before = snapshot(db, target)
    for who in ("editor", "subscriber"):
        fields, files = request_for(action, target, page.nonce(who, nonce_action))
        response = page.post(action, fields, who=who, files=files)
        assert (response.status_code, response.text) == (status, body), who
    assert snapshot(db, target) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_logged_out_gets_what_wordpress_gives(action, page, target, db):
    nonce_action = ACTIONS[action][0]
    before = snapshot(db, target)
    fields, files = request_for(action, target, page.nonce(None, nonce_action))
    response = page.post(action, fields, who=None, files=files)
    assert (response.status_code, response.text) == (400, "0")
    assert snapshot(db, target) == before


@pytest.fixture(scope="module")
def bad_nonces(wordpress_site, sessions, page):
    from devstack.ajax import create_nonce
    foreign = {action: create_nonce(wordpress_site, wordpress_site.login("admin"), action)
               for action in (CLASS, CALENDAR, DASHBOARD)}
    stale = {action: wordpress_site.php(
        "add_filter('nonce_life', function () { return 2; }); "
        f"wp_set_current_user(1); echo wp_create_nonce({json.dumps(action)});").strip()
        for action in (CLASS, CALENDAR, DASHBOARD)}
    return lambda action: [foreign[action], stale[action], page.nonce("admin", "some_other_action"), "",
                           "0123456789"]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_bad_stale_and_foreign_nonces_are_refused(action, page, target, db, bad_nonces):
    nonce_action, _, (status, body) = ACTIONS[action]
    before = snapshot(db, target)
    for nonce in bad_nonces(nonce_action):
        fields, files = request_for(action, target, nonce)
        response = page.post(action, fields, files=files)
        assert (response.status_code, response.text) == (status, body), nonce
    assert snapshot(db, target) == before


def test_the_other_pages_nonce_is_not_accepted(page, target):
    """A calendar nonce does not open the class actions, nor the dashboard nonce the class QA actions."""
    response = page.post("get_class_notes",
                         {"class_id": str(target["class_id"]), "nonce": page.nonce("admin", CALENDAR)})
    assert response.text == '{"success":false,"data":"Invalid nonce"}'
    response = page.post("get_class_qa_data", {"class_id": str(target["class_id"]),
                                                "nonce": page.nonce("admin", DASHBOARD)})
    assert response.status_code == 403


def test_administrator_passes_every_check(page, target):
    """The same requests succeed for the administrator with the page's nonce (last: some of them write)."""
    for action in ("get_calendar_events", "get_class_notes", "get_qa_analytics", "get_qa_summary", "get_qa_visits",
                   "get_class_qa_data", "export_qa_reports"):
        nonce_action = ACTIONS[action][0]
        fields, files = request_for(action, target, page.nonce("admin", nonce_action))
        response = page.post(action, fields, files=files)
        assert response.status_code == 200, (action, response.text)
        if action not in ("get_calendar_events", "export_qa_reports"):
            assert response.json()["success"] is True, (action, response.text)
