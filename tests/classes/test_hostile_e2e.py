"""Hostile and broken input to the class actions: a clear error in the action's own shape, nothing changed,
no file written or removed outside what the sidecar owns."""
import json

import pytest

from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

CLASS = "wecoza_class_nonce"
BIG = 10 * 1024 * 1024 + 1


@pytest.fixture(scope="module")
def nonce(page):
    return page.nonce("admin", CLASS)


def state(db, uploads_root):
    files = sorted(str(p.relative_to(uploads_root)) for p in uploads_root.rglob("*") if p.is_file())
    return (db.count("classes"), db.count("qa_visits"), db.count("agent_replacements"),
            db.count("learner_lp_tracking"), db.count("wecoza_sidecar.outbox"), files)


def refused(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is False, body
    assert isinstance(body["data"], str)
    return body["data"]


def replace(fields, name, value):
    """The form with ``name``'s (first) value replaced, or added when missing."""
    out, done = [], False
    for key, old in fields:
        if key == name and not done:
            out.append((key, value))
            done = True
        else:
            out.append((key, old))
    return out if done else out + [(name, value)]


def before_template(fields, pairs):
    """``pairs`` (one row of a repeatable group) inserted before the group's hidden template row, its last."""
    at = max(i for i, (key, _) in enumerate(fields) if key == pairs[0][0])
    return fields[:at] + pairs + fields[at:]


def without(fields, prefix):
    return [(k, v) for k, v in fields if not k.startswith(prefix)]


@pytest.mark.parametrize("change, message", [
    (lambda f: without(f, "schedule_data[") + [("schedule_data", "{not json")],
     "The schedule data could not be read. Please reload the page and try again."),
    (lambda f: replace(f, "schedule_data[pattern]", "fortnightly"),
     "Unknown schedule pattern. Choose weekly, bi-weekly, monthly or custom."),
    (lambda f: replace(replace(f, "schedule_data[start_date]", "2026-02-30"), "schedule_start_date", "2026-02-30"),
     "The class start date is not a valid date (YYYY-MM-DD)."),
    (lambda f: replace(f, "schedule_end_date", "2025-01-01"), "The schedule end date is before its start date."),
    (lambda f: replace(f, "schedule_data[per_day_times][Monday][end_time]", "08:00"),
     "The end time for Monday must be after the start time."),
    (lambda f: replace(f, "schedule_data[selected_days][0]", "Funday"), "Unknown day in the schedule: Funday."),
    (lambda f: replace(f, "class_learners_data", '[{"id": "1", "name": '), "The learner list could not be read. "
                                                                         "Please reload the page and try again."),
    (lambda f: replace(f, "class_learners_data", '[{"id": "1 OR 1=1"}]'),
     "The learner list holds an invalid learner id."),
    (lambda f: replace(f, "class_learners_data", '[{"id": "999999"}]'), "Unknown learner id(s): 999999."),
    (lambda f: replace(f, "client_id", "99999"), "Unknown client id(s): 99999."),
    (lambda f: replace(f, "client_id", "1; DROP TABLE classes"), "The client is not valid."),
    (lambda f: replace(f, "site_id", "424242"), "Unknown site id(s): 424242."),
    (lambda f: replace(f, "initial_class_agent", "777"), "Unknown agent id(s): 777."),
    (lambda f: replace(f, "project_supervisor", "55"), "Unknown project supervisor id(s): 55."),
    (lambda f: replace(f, "class_code", "X" * 51), "Class code is too long (50 characters at most)."),
    (lambda f: replace(f, "class_duration", "12abc"), "The class duration must be a whole number of hours."),
    (lambda f: replace(f, "initial_agent_start_date", "yesterday"),
     "The initial agent start date is not a valid date (YYYY-MM-DD)."),
    (lambda f: replace(f, "stop_dates[]", "2026-05-01"),
     "Class stop 1: give both the stop date and the restart date."),
    (lambda f: replace(replace(f, "stop_dates[]", "2026-05-10"), "restart_dates[]", "2026-05-01"),
     "Class stop 1: the restart date is before the stop date."),
    (lambda f: replace(f, "event_types[]", "Exams"), "The event 'Exams' needs a date."),
    # a real row: the last one, the page's template, carries the start date without an agent (test_page_rows.py)
    (lambda f: before_template(f, [("backup_agent_ids[]", ""), ("backup_agent_dates[]", "2026-05-01")]),
     "Backup agent 1: a date was given without choosing the agent."),
])
def test_bad_class_forms_are_refused_and_change_nothing(change, message, page, nonce, db, uploads_root):
    fields = change(pages.capture_form(nonce, learners=[]))
    before = state(db, uploads_root)
    assert refused(page.class_form(fields)) == message
    assert state(db, uploads_root) == before


def test_unknown_and_malformed_class_ids(page, nonce, db, uploads_root):
    before = state(db, uploads_root)
    assert refused(page.class_form(pages.update_form(nonce, 999999))) == "Class not found for update."
    assert refused(page.class_form(replace(pages.update_form(nonce, 1), "class_id", "1abc"))) == \
        "Invalid class ID provided."
    for class_id in ("999999", "0", "-3", "x"):
        message = refused(page.post("delete_class", {"class_id": class_id, "nonce": nonce}))
        assert message in ("Class not found or already deleted.", "Invalid class ID provided.")
        assert refused(page.post("get_class_notes", {"class_id": class_id, "nonce": nonce})) in (
            "Class not found", "Invalid class ID")
    assert state(db, uploads_root) == before


@pytest.fixture(scope="module")
def qa_class(page, nonce, made, db):
    class_id = made.class_row(class_code="HOSTILE-QA")
    return class_id


def test_qa_document_paths_from_the_client_are_never_used(page, nonce, qa_class, db, uploads_root, wordpress_site):
    sentinel = uploads_root.parent / "wecoza-sentinel.txt"
    sentinel.write_text("must survive")
    try:
        forged = {"filename": "wp-config.php", "file_path": "../../wp-config.php",
                  "file_url": "https://evil.example/x.pdf", "file_size": 1}
        qa_visits = json.dumps([{"date": "2026-03-20", "type": "Initial QA Visit", "officer": "<b>Eve</b>",
                                 "hasNewFile": False, "existingDocument": forged}])
        fields = pages.update_form(nonce, qa_class, code="HOSTILE-QA",
                                   qa_rows=[("2026-03-20", "Initial QA Visit", "Eve")], qa_visits_data=qa_visits)
        assert page.class_form(fields).json()["success"] is True
        visit = db.one("SELECT id, officer_name, latest_document FROM qa_visits WHERE class_id = %s", (qa_class,))
        assert visit["latest_document"] is None           # the client's document was not stored
        assert visit["officer_name"] == "Eve"             # tags stripped
        # A hostile path already in the database (as the reference let clients store) is never unlinked.
        db.run("UPDATE qa_visits SET latest_document = %s WHERE id = %s",
               (json.dumps({"filename": "x", "file_path": "../wecoza-sentinel.txt"}), visit["id"]))
        response = page.post("delete_qa_report", {"class_id": str(qa_class), "report_id": str(visit["id"]),
                                                  "nonce": nonce})
        assert response.json() == {"success": True, "data": {"remaining_reports": 0,
                                                             "message": "Report deleted successfully"}}
        db.run("UPDATE qa_visits SET latest_document = %s WHERE id = %s",
               (json.dumps({"filename": "x", "file_path": "qa-reports/../../wecoza-sentinel.txt"}), visit["id"]))
        fields = pages.update_form(nonce, qa_class, code="HOSTILE-QA", qa_visits_data="[]")
        assert page.class_form(fields).json()["success"] is True
        assert db.count("qa_visits", "class_id = %s", (qa_class,)) == 0
        assert sentinel.read_text() == "must survive"
        assert (uploads_root.parent.parent / "wp-config.php").is_file()
    finally:
        sentinel.unlink(missing_ok=True)


@pytest.mark.parametrize("files, qa_data, message", [
    ([("qa_reports[]", ("big.pdf", b"%PDF-1.4\n" + b"0" * BIG, "application/pdf"))],
     [{"date": "2026-03-20", "type": "Initial QA Visit", "officer": "", "hasNewFile": True}],
     "QA report: File is too large. Maximum size is 10MB."),
    ([("qa_reports[]", ("report.pdf", pages.PNG_BYTES, "application/pdf"))],
     [{"date": "2026-03-20", "type": "Initial QA Visit", "officer": "", "hasNewFile": True}],
     "QA report: Invalid file type. Allowed: PDF."),
    ([("qa_reports[]", ("shell.php", b"<?php system($_GET['c']);", "application/pdf"))],
     [{"date": "2026-03-20", "type": "Initial QA Visit", "officer": "", "hasNewFile": True}],
     "QA report: Invalid file type. Allowed: PDF."),
    ([("qa_reports[]", ("a.pdf", pages.PDF_BYTES, "application/pdf"))],
     [{"date": "2026-03-20", "type": "Initial QA Visit", "officer": "", "hasNewFile": False}],
     "The QA report files do not match the QA visits (1 file(s) for 0 visit(s) marked with a new report). "
     "Please choose the files again."),
    ([], [{"date": "2026-13-40", "type": "Initial QA Visit", "officer": "", "hasNewFile": False}],
     "A QA visit date is not a valid date (YYYY-MM-DD)."),
    ([], [{"date": "2026-03-20", "type": "Drop table", "officer": "", "hasNewFile": False}],
     "Unknown QA visit type. Choose Initial QA Visit, Follow-up QA, Compliance Check, Final Assessment."),
])
def test_bad_qa_reports_are_refused(files, qa_data, message, page, nonce, qa_class, db, uploads_root):
    before = state(db, uploads_root)
    fields = pages.update_form(nonce, qa_class, code="HOSTILE-QA", qa_visits_data=json.dumps(qa_data))
    assert refused(page.class_form(fields, files=files or None)) == message
    assert state(db, uploads_root) == before


def test_bad_attachments_are_refused(page, nonce, db, uploads_root):
    before = state(db, uploads_root)
    for upload, message in (
            (("big.pdf", b"%PDF-1.4\n" + b"0" * BIG, "application/pdf"), "File size exceeds maximum of 10MB"),
            (("photo.pdf", pages.PNG_BYTES, "application/pdf"), "Invalid file type"),
            (("page.html", b"<html><script>alert(1)</script></html>", "text/html"), "Invalid file type"),
            (("x.php", pages.PDF_BYTES, "application/pdf"), "Invalid file type")):
        response = page.post("upload_attachment", {"nonce": nonce, "context": "class_notes"}, files=[("file", upload)])
        assert refused(response) == message
    assert refused(page.post("upload_attachment", {"nonce": nonce})) == "No file uploaded"
    assert state(db, uploads_root) == before


def test_bad_notes_are_refused(page, nonce, qa_class, db):
    before = db.scalar("SELECT class_notes_data FROM classes WHERE class_id = %s", (qa_class,))
    cid = str(qa_class)
    for fields, message in (
            ({}, "No note data provided"),
            ({"note[content]": "   ", "note[category][]": "x", "note[priority]": "low"}, "Note content is required"),
            ({"note[content]": "x", "note[priority]": "low"}, "At least one class note type is required"),
            ({"note[content]": "x", "note[category][]": "", "note[priority]": "low"},
             "At least one class note type is required"),
            ({"note[content]": "x", "note[category][]": "a"}, "Priority is required"),
            ({"note[content]": "x", "note[category][]": "a", "note[priority]": "urgent!"},
             "Priority must be low, medium or high"),
            ({"note[id]": "../../etc", "note[content]": "x", "note[category][]": "a", "note[priority]": "low"},
             "Invalid note ID")):
        response = page.post("save_class_note", {"class_id": cid, "nonce": nonce, **fields})
        assert refused(response) == message
    assert refused(page.post("delete_class_note", {"class_id": cid, "nonce": nonce})) == "Note ID not provided"
    assert refused(page.post("delete_class_note", {"class_id": cid, "nonce": nonce, "note_id": "nope"})) == \
        "Note not found"
    assert db.scalar("SELECT class_notes_data FROM classes WHERE class_id = %s", (qa_class,)) == before


def test_bad_qa_requests_get_the_message_shape(page, qa_class):
    dashboard = "qa_dashboard_nonce"
    cases = (
        ("get_qa_visits", {"class_id": "abc"}, dashboard, "Invalid class ID"),
        ("get_qa_visits", {"class_id": "999999"}, dashboard, "Class not found"),
        ("get_qa_analytics", {"start_date": "2026-99-01"}, dashboard, "Invalid date range."),
        ("create_qa_visit", {"class_id": str(qa_class), "visit_date": "soon"}, dashboard,
         "A valid visit date (YYYY-MM-DD) is required"),
        ("create_qa_visit", {"class_id": "999999", "visit_date": "2026-01-01"}, dashboard, "Class not found"),
        ("export_qa_reports", {"format": "pdf"}, dashboard, "PDF export not implemented yet"),
        ("export_qa_reports", {"format": "xml"}, dashboard, "Unsupported export format"),
        ("delete_qa_report", {"class_id": str(qa_class)}, "wecoza_class_nonce", "Invalid input data"),
        ("delete_qa_report", {"class_id": str(qa_class), "report_id": "999999"}, "wecoza_class_nonce",
         "Report not found"),
        ("get_class_qa_data", {"class_id": "0"}, "wecoza_class_nonce", "Invalid class ID"),
        ("submit_qa_question", {"class_id": str(qa_class)}, "wecoza_class_nonce", "Invalid input data"),
        ("submit_qa_question", {"class_id": "999999", "question": "?"}, "wecoza_class_nonce", "Class not found"),
    )
    for action, fields, nonce_action, message in cases:
        response = page.post(action, {**fields, "nonce": page.nonce("admin", nonce_action)})
        expected = (400, {"success": False, "data": {"message": message}})
        assert (response.status_code, response.json()) == expected, action


def test_question_attachment_checked_before_anything_is_written(page, qa_class, db, uploads_root):
    before = state(db, uploads_root)
    nonce = page.nonce("admin", "wecoza_class_nonce")
    response = page.post("submit_qa_question", {"class_id": str(qa_class), "question": "?", "nonce": nonce},
                         files=[("attachment", ("shell.phar", b"<?php echo 1;", "image/png"))])
    assert response.json() == {"success": False, "data": {"message": "Invalid file type"}}
    response = page.post("submit_qa_question", {"class_id": "999999", "question": "?", "nonce": nonce},
                         files=[("attachment", ("a.pdf", pages.PDF_BYTES, "application/pdf"))])
    assert response.json()["data"]["message"] == "Class not found"
    # a file PHP refused (over the form's MAX_FILE_SIZE here) is answered with PHP's reason, not "Invalid file type"
    response = page.post("submit_qa_question", {"class_id": str(qa_class), "question": "?", "nonce": nonce,
                                                "MAX_FILE_SIZE": "16"},
                         files=[("attachment", ("a.pdf", pages.PDF_BYTES, "application/pdf"))])
    assert response.json() == {"success": False, "data": {"message": "File exceeds form maximum size"}}
    assert state(db, uploads_root) == before


def test_notes_too_large_for_the_production_trigger_are_a_clear_error(page, nonce, made, db):
    many = [{"id": f"note_{i:013d}", "content": "A long operational note. " * 8, "category": ["Class on track"],
             "priority": "low", "author_id": 1, "created_at": "2026-02-01T10:00:00+00:00",
             "updated_at": "2026-02-01T10:00:00+00:00", "attachments": []} for i in range(12)]
    class_id = made.class_row(class_code="MANY-NOTES", class_notes_data=many)
    before = db.scalar("SELECT class_notes_data FROM classes WHERE class_id = %s", (class_id,))
    response = page.post("save_class_note", {"class_id": str(class_id), "nonce": nonce, "note[content]": "One more",
                                             "note[category][]": "Class on track", "note[priority]": "low"})
    assert refused(response).startswith("The class notes could not be changed: they are too large for the "
                                        "database's change-notification trigger (log_class_change")
    assert db.scalar("SELECT class_notes_data FROM classes WHERE class_id = %s", (class_id,)) == before
