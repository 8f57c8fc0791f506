"""mark_progression_complete and upload_progression_portfolio through admin-ajax.php (multipart), as the
progression page sends them: rows, files on disk, events, and hostile uploads refused with nothing changed."""
from __future__ import annotations

import datetime
import re

import pytest

from . import samples
from .conftest import files_under

pytestmark = pytest.mark.every_wordpress

MARK = "mark_progression_complete"
UPLOAD = "upload_progression_portfolio"


def lp_row(db, tracking_id):
    return db.one("SELECT * FROM learner_lp_tracking WHERE tracking_id = %s", (tracking_id,))


def today_utc():
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


@pytest.fixture()
def lp(learners):
    learner = learners.make(first_name="Zanele", surname="Complete")
    tracking = learners.lp(learner, product_id=2, status="in_progress", trained=50, present=45.5,
                           notes="Auto-created on class assignment.")
    return learner, tracking


def snapshot(db, uploads_root, tracking_id):
    return (lp_row(db, tracking_id),
            db.all("SELECT * FROM learner_progression_portfolios WHERE tracking_id = %s", (tracking_id,)),
            db.all("SELECT * FROM learner_progressions WHERE learner_id = "
                   "(SELECT learner_id FROM learner_lp_tracking WHERE tracking_id = %s)", (tracking_id,)),
            files_under(uploads_root))


def test_mark_complete_as_the_page_sends_it(ajax, db, lp, uploads_root):
    learner, tracking = lp
    pdf = samples.pdf("evidence")
    response = ajax.post(MARK, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                         files={"portfolio_file": ("Final Portfolio (v2).pdf", pdf, "application/pdf")})
    assert response.status_code == 200
    assert response.text == ('{"success":true,"data":{"message":"LP marked as complete successfully.",'
                             '"tracking_id":%d,"completion_date":"%s"}}' % (tracking, today_utc()))
    row = lp_row(db, tracking)
    assert row["status"] == "completed" and row["completion_date"].isoformat() == today_utc()
    assert row["marked_complete_by"] > 0 and row["marked_complete_date"] is not None
    assert float(row["hours_absent"]) == 4.5
    assert re.fullmatch(rf"portfolios/progression_{tracking}_[0-9a-f]{{24}}\.pdf", row["portfolio_file_path"])
    assert (uploads_root / row["portfolio_file_path"]).read_bytes() == pdf
    [stored] = db.all("SELECT * FROM learner_progression_portfolios WHERE tracking_id = %s", (tracking,))
    assert (stored["file_name"], stored["file_path"], stored["file_type"], stored["file_size"]) == \
        ("Final Portfolio (v2).pdf", row["portfolio_file_path"], "application/pdf", len(pdf))
    [progression] = db.all("SELECT * FROM learner_progressions WHERE learner_id = %s", (learner,))
    assert (progression["from_product_id"], progression["to_product_id"], progression["notes"]) == \
        (2, 2, "LP completed: Auto-created on class assignment.")
    assert progression["progression_date"] == row["completion_date"]
    [event] = db.all("SELECT payload FROM wecoza_sidecar.outbox WHERE name = 'wecoza_progression_completed' "
                     "AND payload->>'tracking_id' = %s", (str(tracking),))
    assert event["payload"]["previous_status"] == "in_progress" and event["payload"]["file_id"] == stored["file_id"]

    again = ajax.post(MARK, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                      files={"portfolio_file": ("again.pdf", pdf, "application/pdf")})
    assert again.text == '{"success":false,"data":"This LP is already marked as complete."}'
    assert db.scalar("SELECT count(*) FROM learner_progression_portfolios WHERE tracking_id = %s", (tracking,)) == 1


def test_a_failing_progression_insert_rolls_the_completion_back(ajax, db, lp, uploads_root):
    """The LP's UPDATE and the progression INSERT travel with the outbox insert and the COMMIT: when one of them
    fails, nothing of the completion is kept, its document neither."""
    learner, tracking = lp
    before = snapshot(db, uploads_root, tracking)
    function = f"test_refuse_progression_{learner}"
    db.run(f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
           f"IF NEW.learner_id = {learner} THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$")
    db.run(f"CREATE TRIGGER {function} BEFORE INSERT ON learner_progressions FOR EACH ROW "
           f"EXECUTE FUNCTION {function}()")
    try:
        response = ajax.post(MARK, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                             files={"portfolio_file": ("evidence.pdf", samples.pdf("evidence"), "application/pdf")})
    finally:
        db.run(f"DROP TRIGGER {function} ON learner_progressions")
        db.run(f"DROP FUNCTION {function}()")
    assert (response.status_code, response.text) == (
        500, '{"success":false,"data":"An unexpected error occurred. Please try again."}')
    assert snapshot(db, uploads_root, tracking) == before
    assert db.all("SELECT payload FROM wecoza_sidecar.outbox WHERE name = 'wecoza_progression_completed' "
                  "AND payload->>'tracking_id' = %s", (str(tracking),)) == []


def test_on_hold_lp_can_be_completed_with_a_docx(ajax, db, learners, uploads_root):
    learner = learners.make(first_name="On", surname="Hold")
    tracking = learners.lp(learner, status="on_hold", trained=2, present=2)
    response = ajax.post(MARK, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                         files={"portfolio_file": ("report.docx", samples.docx(), "application/octet-stream")})
    assert response.json()["success"] is True
    row = lp_row(db, tracking)
    assert row["status"] == "completed" and row["portfolio_file_path"].endswith(".docx")
    file_type = db.scalar("SELECT file_type FROM learner_progression_portfolios WHERE tracking_id = %s", (tracking,))
    assert file_type == "docx"          # the docx MIME type (71 characters) does not fit varchar(50)


@pytest.mark.parametrize("name,data,message", [
    ("evil.pdf", b"<html><script>alert(1)</script></html>", "Invalid file type. Allowed: PDF, DOC, DOCX."),
    ("shell.php", samples.pdf(), "Invalid file type. Allowed: PDF, DOC, DOCX."),
    ("report.docx", samples.pdf(), "Invalid file type. Allowed: PDF, DOC, DOCX."),
    ("photo.pdf", samples.png(), "Invalid file type. Allowed: PDF, DOC, DOCX."),
    ("big.pdf", samples.pdf() + b"0" * (10 * 1024 * 1024), "File is too large. Maximum size is 10MB."),
    ("empty.pdf", b"", "The uploaded file is empty."),
])
def test_hostile_uploads_change_nothing(ajax, db, lp, uploads_root, name, data, message):
    _, tracking = lp
    before = snapshot(db, uploads_root, tracking)
    response = ajax.post(MARK, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                         files={"portfolio_file": (name, data, "application/pdf")})
    assert (response.status_code, response.json()) == (200, {"success": False, "data": message})
    assert snapshot(db, uploads_root, tracking) == before


def test_hostile_file_names_never_choose_the_path(ajax, db, lp, uploads_root, wordpress_site):
    _, tracking = lp
    nul = ajax.post(UPLOAD, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                    files={"portfolio_file": ("../../../wp-config.php\x00.pdf", samples.pdf(), "application/pdf")})
    assert nul.text == '{"success":false,"data":"Invalid file type. Allowed: PDF, DOC, DOCX."}'
    response = ajax.post(UPLOAD, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                         files={"portfolio_file": ("../../../wp-config.php.pdf", samples.pdf(), "application/pdf")})
    data = response.json()["data"]
    assert re.fullmatch(rf"portfolios/progression_{tracking}_[0-9a-f]{{24}}\.pdf", data["file_path"])
    stored = db.one("SELECT file_name FROM learner_progression_portfolios WHERE file_id = %s", (data["file_id"],))
    assert "/" not in stored["file_name"] and "\x00" not in stored["file_name"]
    assert (uploads_root / data["file_path"]).is_file()


def test_missing_tracking_or_file_and_unknown_lp(ajax, db, lp, uploads_root):
    _, tracking = lp
    before = snapshot(db, uploads_root, tracking)
    pdf = ("p.pdf", samples.pdf(), "application/pdf")
    assert ajax.post(MARK, data={}, nonce_action="learners_nonce", files={"portfolio_file": pdf}).text == \
        '{"success":false,"data":"Missing tracking ID."}'
    assert ajax.post(MARK, data={"tracking_id": "1 OR 1=1"}, nonce_action="learners_nonce",
                     files={"portfolio_file": pdf}).text == '{"success":false,"data":"Missing tracking ID."}'
    assert ajax.post(MARK, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce").text == \
        '{"success":false,"data":"Please upload the portfolio document to mark this LP as complete."}'
    assert ajax.post(MARK, data={"tracking_id": "2147480000"}, nonce_action="learners_nonce",
                     files={"portfolio_file": pdf}).text == '{"success":false,"data":"Progression not found."}'
    assert ajax.post(UPLOAD, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce").text == \
        '{"success":false,"data":"No file uploaded."}'
    assert snapshot(db, uploads_root, tracking) == before


def test_mark_complete_denials(ajax, db, lp, uploads_root):
    _, tracking = lp
    before = snapshot(db, uploads_root, tracking)
    pdf = {"portfolio_file": ("p.pdf", samples.pdf(), "application/pdf")}
    for action in (MARK, UPLOAD):
        for who in ("editor", "subscriber"):
            response = ajax.post(action, who=who, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                                 files=pdf)
            assert response.text == '{"success":false,"data":"You do not have permission to perform this action."}'
        for nonce in ("", ajax.nonce("admin", "learners_nonce_action"), ajax.nonce("editor", "learners_nonce")):
            response = ajax.post(action, data={"tracking_id": str(tracking), "nonce": nonce}, files=pdf)
            assert response.text == '{"success":false,"data":"Security check failed."}'
        assert ajax.post(action, who=None, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                         files=pdf).text == "0"
    assert snapshot(db, uploads_root, tracking) == before


def test_upload_progression_portfolio(ajax, db, lp, uploads_root, wordpress_site):
    learner, tracking = lp
    response = ajax.post(UPLOAD, data={"tracking_id": str(tracking)}, nonce_action="learners_nonce",
                         files={"portfolio_file": ("week1.doc", samples.doc(), "application/msword")})
    data = response.json()["data"]
    assert list(data) == ["message", "file_id", "file_path", "file_url"]
    assert data["message"] == "Portfolio uploaded successfully."
    assert data["file_url"] == f"{wordpress_site.url}/wp-content/uploads/{data['file_path']}"
    assert (uploads_root / data["file_path"]).read_bytes() == samples.doc()
    assert lp_row(db, tracking)["status"] == "in_progress"
    row = db.one("SELECT * FROM learner_progression_portfolios WHERE file_id = %s", (data["file_id"],))
    assert (row["file_name"], row["file_type"]) == ("week1.doc", "application/msword")
    assert db.scalar("SELECT count(*) FROM wecoza_sidecar.outbox WHERE name = "
                     "'wecoza_progression_portfolio_uploaded' AND payload->>'file_id' = %s",
                     (str(data["file_id"]),)) == 1
