"""QA dashboard actions through admin-ajax.php: figures computed from qa_visits, nothing invented."""
import datetime
import json

import pytest

from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

DASHBOARD = "qa_dashboard_nonce"
CLASS = "wecoza_class_nonce"


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


@pytest.fixture(scope="module")
def visits(made, db):
    """Two classes and four visits this month and last month (relative to today)."""
    first = today().replace(day=1)
    last_month = (first - datetime.timedelta(days=1)).replace(day=1)
    a = made.class_row(class_code="QA-A", class_subject="COMM", class_type="AET")
    b = made.class_row(class_code="QA-B", class_subject="NUM", class_type="AET")
    report = {"filename": "r.pdf", "file_path": "qa-reports/qa_report_r.pdf", "original_name": "=cmd|' /C calc'!A0.pdf"}
    rows = [(a, first, "Initial QA Visit", "Officer One", report),
            (a, last_month, "Follow-up QA", "Officer Two", None),
            (b, first, "Compliance Check", "Officer One", None),
            (b, last_month + datetime.timedelta(days=3), "Initial QA Visit", "", None)]
    ids = [db.scalar("INSERT INTO qa_visits (class_id, visit_date, visit_type, officer_name, latest_document) "
                     "VALUES (%s, %s, %s, %s, %s) RETURNING id", (c, d, t, o, json.dumps(doc) if doc else None))
           for c, d, t, o, doc in rows]
    return {"a": a, "b": b, "ids": ids, "first": first, "last_month": last_month}


def ok(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True, body
    return body["data"]


def test_analytics_are_computed_from_the_visits(page, visits, db):
    data = ok(page.post("get_qa_analytics", {"nonce": page.nonce("admin", DASHBOARD), "start_date": "",
                                              "end_date": "", "department": ""}))
    mine = [r for r in data["monthly_rates"]]
    this_month = next(r for r in mine if r["month"].startswith(visits["first"].isoformat()))
    expected = db.one("SELECT count(*) AS n, count(DISTINCT class_id) AS c FROM qa_visits WHERE visit_date >= %s "
                      "AND visit_date < %s + interval '1 month'", (visits["first"], visits["first"]))
    assert (this_month["total_visits"], this_month["classes_visited"]) == (expected["n"], expected["c"])
    assert this_month["month"] == visits["first"].isoformat() + " 00:00:00"
    assert data["trending_issues"] == []
    assert "overall_rating" not in data["overall_stats"]
    assert all("avg_rating" not in r for r in data["average_ratings"])
    officers = {o["officer_name"]: o for o in data["officer_performance"]}
    assert officers["Officer One"]["total_visits"] >= 2
    filtered = ok(page.post("get_qa_analytics", {"nonce": page.nonce("admin", DASHBOARD), "department": "NUM",
                                                  "start_date": visits["last_month"].isoformat(),
                                                  "end_date": today().isoformat()}))
    assert filtered["overall_stats"]["total_visits"] == db.scalar(
        "SELECT count(*) FROM qa_visits v JOIN classes c USING (class_id) WHERE c.class_subject = 'NUM' "
        "AND v.visit_date BETWEEN %s AND %s", (visits["last_month"], today()))
    assert {r["class_subject"] for r in filtered["average_ratings"]} == {"NUM"}


def test_summary(page, visits, db):
    data = ok(page.post("get_qa_summary", {"nonce": page.nonce("admin", DASHBOARD)}))
    assert len(data["recent_visits"]) <= 5
    assert {"visit_date", "class_code", "class_subject", "visit_type", "officer_name"} <= set(data["recent_visits"][0])
    assert data["key_metrics"]["visits_this_month"] == db.scalar(
        "SELECT count(*) FROM qa_visits WHERE visit_date >= date_trunc('month', %s::date) AND visit_date <= %s",
        (today(), today()))
    missing = db.scalar("SELECT count(*) FROM qa_visits WHERE latest_document IS NULL AND visit_date <= %s", (today(),))
    assert {"type": "warning", "message": f"{missing} QA visit(s) have no report uploaded"} in data["alerts"]


def test_visits_of_a_class_and_class_qa_data(page, visits):
    rows = ok(page.post("get_qa_visits", {"nonce": page.nonce("admin", DASHBOARD), "class_id": str(visits["a"])}))
    assert [r["visit_id"] for r in rows] == [visits["ids"][0], visits["ids"][1]]
    assert rows[0]["document"]["file_path"] == "qa-reports/qa_report_r.pdf" and rows[1]["document"] is None
    data = ok(page.post("get_class_qa_data", {"nonce": page.nonce("admin", CLASS), "class_id": str(visits["a"])}))
    assert data["qa_visit_dates"] == [visits["first"].isoformat(), visits["last_month"].isoformat()]
    assert data["qa_reports"][0]["officer"] == "Officer One"


def test_create_visit(page, visits, db):
    response = page.post("create_qa_visit", {"nonce": page.nonce("admin", DASHBOARD), "class_id": str(visits["b"]),
                                             "visit_date": "2026-02-14", "visit_type": "Final Assessment",
                                             "qa_officer_id": "4", "visit_notes": "not stored"})
    data = ok(response)
    assert data["message"] == "QA visit created successfully"
    row = db.one("SELECT class_id, visit_date, visit_type, officer_name FROM qa_visits WHERE id = %s",
                 (data["visit_id"],))
    assert (row["class_id"], row["visit_date"].isoformat(), row["visit_type"], row["officer_name"]) == (
        visits["b"], "2026-02-14", "Final Assessment", "Agent Test4")


def test_csv_export_is_formula_safe(page, visits):
    response = page.post("export_qa_reports", {"nonce": page.nonce("admin", DASHBOARD), "format": "csv",
                                               "start_date": visits["first"].isoformat(),
                                               "end_date": visits["first"].isoformat()})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == f'attachment; filename="qa-reports-{today().isoformat()}.csv"'
    lines = response.text.splitlines()
    assert lines[0] == '"Visit ID","Class ID","Class Code",Subject,"Visit Date","Visit Type",Officer,Report'
    report_line = next(line for line in lines if "QA-A" in line)
    assert report_line.endswith('"Officer One","\'=cmd|\' /C calc\'!A0.pdf"')


def test_delete_report_and_submit_question(page, visits, db, uploads_root):
    nonce = page.nonce("admin", CLASS)
    (uploads_root / "qa-reports").mkdir(exist_ok=True)
    report = uploads_root / "qa-reports" / "qa_report_r.pdf"
    report.write_bytes(pages.PDF_BYTES)
    response = page.post("delete_qa_report", {"nonce": nonce, "class_id": str(visits["a"]), "report_index": "0"})
    assert ok(response) == {"remaining_reports": 0, "message": "Report deleted successfully"}
    assert not report.exists()
    assert db.scalar("SELECT latest_document FROM qa_visits WHERE id = %s", (visits["ids"][0],)) is None

    response = page.post("submit_qa_question", {"nonce": nonce, "class_id": str(visits["a"]),
                                                "question": "Is the <i>venue</i> ok?", "context": "line 1\nline 2"},
                         files=[("attachment", ("../../evil name.pdf", pages.PDF_BYTES, "application/pdf"))])
    question = ok(response)["question"]
    assert (question["question"], question["context"], question["status"], question["answers"]) == (
        "Is the venue ok?", "line 1\nline 2", "pending", [])
    assert question["author"] == "admin" and question["author_id"] == 1
    path = question["attachment"]["path"]
    assert path.startswith(f"qa-questions/{visits['a']}/question_") and ".." not in path
    assert (uploads_root / path).read_bytes() == pages.PDF_BYTES
