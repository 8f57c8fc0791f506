"""create_qa_visit and delete_qa_report where their checks travel with other statements: the visit is inserted
by the statement that checks the class and the officer, the report's visit is chosen from the visits read with
the class, and the refusals stay what they were with nothing written."""
import json
import secrets

import pytest

from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

DASHBOARD = "qa_dashboard_nonce"
CLASS = "wecoza_class_nonce"


def post(page, action, nonce_action, **fields):
    return page.post(action, {**fields, "nonce": page.nonce("admin", nonce_action)})


def refusal(message):
    return 400, {"success": False, "data": {"message": message}}


def visits_of(db, class_id):
    return db.all("SELECT visit_date::text AS day, visit_type, officer_name, latest_document FROM qa_visits "
                  "WHERE class_id = %s ORDER BY id", (class_id,))


@pytest.mark.parametrize("class_known,fields,message", [
    (True, {"qa_officer_id": "999999"}, "Unknown QA officer"),
    (False, {"qa_officer_id": "999999"}, "Class not found"),        # the class is named first, as before
    (False, {"qa_officer_id": "4"}, "Class not found"),
    (False, {"officer_name": "Typed"}, "Class not found"),
])
def test_create_visit_refusals_write_nothing(page, made, db, class_known, fields, message):
    class_id = made.class_row(class_code="QA-REFUSE") if class_known else 2147483000
    before = db.count("qa_visits")
    response = post(page, "create_qa_visit", DASHBOARD, class_id=str(class_id), visit_date="2026-02-14", **fields)
    assert (response.status_code, response.json()) == refusal(message)
    assert db.count("qa_visits") == before


@pytest.mark.parametrize("fields,officer", [
    ({"qa_officer_id": "4"}, "Agent Test4"),                       # the agent's name
    ({"officer_name": "Typed Name", "qa_officer_id": "999999"}, "Typed Name"),   # a typed name wins, unchecked
    ({"qa_officer_id": "0"}, ""),                                  # no officer
    ({}, ""),
])
def test_create_visit_names_its_officer(page, made, db, fields, officer):
    class_id = made.class_row(class_code="QA-CREATE")
    response = post(page, "create_qa_visit", DASHBOARD, class_id=str(class_id), visit_date="2026-02-14",
                    visit_type="Final Assessment", **fields)
    assert response.status_code == 200
    visit_id = response.json()["data"]["visit_id"]
    assert response.json() == {"success": True, "data": {"visit_id": visit_id,
                                                         "message": "QA visit created successfully"}}
    assert visits_of(db, class_id) == [{"day": "2026-02-14", "visit_type": "Final Assessment",
                                        "officer_name": officer, "latest_document": None}]


def report(uploads_root, name=None):
    relative = f"qa-reports/{name or 'qa_report_' + secrets.token_hex(8)}.pdf"
    (uploads_root / "qa-reports").mkdir(exist_ok=True)
    (uploads_root / relative).write_bytes(pages.PDF_BYTES)
    return relative


def test_delete_report_by_index_newest_first_keeps_a_file_another_visit_uses(page, made, db, uploads_root):
    class_id = made.class_row(class_code="QA-DELETE")
    other_class = made.class_row(class_code="QA-OTHER")
    shared, own = report(uploads_root), report(uploads_root)
    for cid, day, path in ((class_id, "2026-01-10", own), (class_id, "2026-03-10", shared),
                           (class_id, "2026-02-10", None), (other_class, "2026-03-10", shared)):
        db.run("INSERT INTO qa_visits (class_id, visit_date, visit_type, officer_name, latest_document) "
               "VALUES (%s, %s, 'Initial QA Visit', 'Officer', %s)",
               (cid, day, json.dumps({"filename": path, "file_path": path}) if path else None))
    for garbage in ("abc", "1.9", "0x1", "-1"):  # intval() would make "abc" 0, the newest report
        response = post(page, "delete_qa_report", CLASS, class_id=str(class_id), report_index=garbage)
        assert (response.status_code, response.json()) == refusal("Invalid input data"), garbage
    assert [bool(v["latest_document"]) for v in visits_of(db, class_id)] == [True, True, False]  # nothing deleted
    response = post(page, "delete_qa_report", CLASS, class_id=str(class_id), report_index="0")   # the newest
    assert (response.status_code, response.json()) == (200, {"success": True, "data": {
        "remaining_reports": 1, "message": "Report deleted successfully"}})
    assert [v["latest_document"] and v["latest_document"]["file_path"] for v in visits_of(db, class_id)] == \
        [own, None, None]
    assert (uploads_root / shared).is_file()                           # the other class's visit still has it
    response = post(page, "delete_qa_report", CLASS, class_id=str(class_id), report_index="1")  # no report there
    assert (response.status_code, response.json()) == refusal("Report not found")
    response = post(page, "delete_qa_report", CLASS, class_id=str(class_id), report_index="2")
    assert response.json()["data"]["remaining_reports"] == 0
    assert not (uploads_root / own).exists()
    missing = post(page, "delete_qa_report", CLASS, class_id="2147483000", report_index="0")
    assert (missing.status_code, missing.json()) == refusal("Class not found")
