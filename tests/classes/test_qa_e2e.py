"""QA dashboard actions through admin-ajax.php: figures computed from qa_visits, nothing invented."""
import datetime
import json

import psycopg2.extras
import pytest

from devstack import class_pages as pages
from sidecar.classes import qa
from sidecar.phpjson import php_json_encode

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


def php_json(value) -> str:
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")


@pytest.fixture(scope="module")
def visits_of_1987(made, db):
    """Visits in a year no other test uses: a class without subject or type, officers with non-ASCII, slashes and
    quotes, an officer left blank, reports on some."""
    x = made.class_row(class_code="QA-1987-X", class_subject="QA1987", class_type="AET")
    y = made.class_row(class_code="QA-1987-Y", class_subject=None, class_type=None)
    z = made.class_row(class_code="QA-1987-Z", class_subject="QA1987Z", class_type="GETC")
    report = json.dumps({"filename": "r.pdf", "file_path": "qa-reports/qa_report_1987.pdf"})
    rows = [(x, "1987-03-05", "Initial QA Visit", "\u00c9va Ndlovu/QA", report),
            (x, "1987-03-20", "Follow-up QA", "\u00c9va Ndlovu/QA", None),
            (y, "1987-03-21", "Compliance Check", "", report),
            (y, "1987-05-01", "Final Assessment", 'Sipho "Q" Mokoena', report),
            (z, "1987-05-31", "Initial QA Visit", "\u00c9va Ndlovu/QA", None)]
    for row in rows:
        db.run("INSERT INTO qa_visits (class_id, visit_date, visit_type, officer_name, latest_document) "
               "VALUES (%s, %s, %s, %s, %s)", row)


def analytics_text(page, start, end, department=""):
    response = page.post("get_qa_analytics", {"nonce": page.nonce("admin", DASHBOARD), "start_date": start,
                                              "end_date": end, "department": department})
    assert response.status_code == 200
    return response.text


def test_analytics_bytes_with_nulls_ties_and_escapes(page, visits_of_1987):
    assert analytics_text(page, "1987-01-01", "1987-12-31") == (
        '{"success":true,"data":{"monthly_rates":['
        '{"month":"1987-03-01 00:00:00","total_visits":3,"classes_visited":2},'
        '{"month":"1987-05-01 00:00:00","total_visits":2,"classes_visited":2}],'
        '"average_ratings":[{"class_subject":"QA1987","class_type":"AET","visit_count":2},'
        '{"class_subject":null,"class_type":null,"visit_count":2},'
        '{"class_subject":"QA1987Z","class_type":"GETC","visit_count":1}],'
        '"officer_performance":['
        '{"officer_name":"\\u00c9va Ndlovu\\/QA","total_visits":3,"unique_classes":2,"reports_uploaded":1},'
        '{"officer_name":"Sipho \\"Q\\" Mokoena","total_visits":1,"unique_classes":1,"reports_uploaded":1}],'
        '"trending_issues":[],'
        '"overall_stats":{"classes_visited":3,"total_visits":5,"active_officers":2,"reports_uploaded":3}}}')
    assert analytics_text(page, "1987-01-01", "1987-12-31", department="QA1987") == (
        '{"success":true,"data":{"monthly_rates":['
        '{"month":"1987-03-01 00:00:00","total_visits":2,"classes_visited":1}],'
        '"average_ratings":[{"class_subject":"QA1987","class_type":"AET","visit_count":2}],'
        '"officer_performance":['
        '{"officer_name":"\\u00c9va Ndlovu\\/QA","total_visits":2,"unique_classes":1,"reports_uploaded":1}],'
        '"trending_issues":[],'
        '"overall_stats":{"classes_visited":1,"total_visits":2,"active_officers":1,"reports_uploaded":1}}}')


def test_analytics_of_a_range_without_visits(page, visits_of_1987):
    assert analytics_text(page, "1986-01-01", "1986-12-31") == (
        '{"success":true,"data":{"monthly_rates":[],"average_ratings":[],"officer_performance":[],'
        '"trending_issues":[],'
        '"overall_stats":{"classes_visited":0,"total_visits":0,"active_officers":0,"reports_uploaded":0}}}')


def test_summary_bytes_of_the_latest_visits(page, made, db):
    s1 = made.class_row(class_code="QA-SUM/1", class_subject="SUMM", class_type="AET")
    s2 = made.class_row(class_code="QA-SUM-2", class_subject=None, class_type=None)
    report = json.dumps({"filename": "r.pdf", "file_path": "qa-reports/qa_report_summary.pdf"})
    day = today()
    rows = [(s1, "Initial QA Visit", "Old", None), (s1, "Follow-up QA", "\u00c9va", report),
            (s2, "Compliance Check", "", None), (s1, "Final Assessment", 'A "B"', report),
            (s2, "Initial QA Visit", "Officer/One", None), (s2, "Follow-up QA", "Officer Two", report)]
    ids = [db.scalar("INSERT INTO qa_visits (class_id, visit_date, visit_type, officer_name, latest_document) "
                     "VALUES (%s, %s, %s, %s, %s) RETURNING id", (c, day, t, o, doc)) for c, t, o, doc in rows]
    try:
        response = page.post("get_qa_summary", {"nonce": page.nonce("admin", DASHBOARD)})
        classes = {s1: ("QA-SUM/1", "SUMM"), s2: ("QA-SUM-2", None)}
        recent = [{"visit_id": visit_id, "class_id": c, "visit_date": day.isoformat(), "visit_type": t,
                   "officer_name": o, "has_report": doc is not None, "class_code": classes[c][0],
                   "class_subject": classes[c][1], "notes": ""}
                  for visit_id, (c, t, o, doc) in reversed(list(zip(ids, rows, strict=True)))][:5]
        month = db.one("SELECT count(DISTINCT class_id) AS classes, count(*) AS visits FROM qa_visits "
                       "WHERE visit_date >= date_trunc('month', %s::date) AND visit_date <= %s", (day, day))
        missing = db.scalar("SELECT count(*) FROM qa_visits WHERE latest_document IS NULL AND visit_date <= %s",
                            (day,))
        upcoming = db.scalar("SELECT count(*) FROM qa_visits WHERE visit_date > %s AND visit_date <= %s::date + 30",
                             (day, day))
        alerts = [{"type": "warning", "message": f"{missing} QA visit(s) have no report uploaded"}]
        if upcoming:
            alerts.append({"type": "info", "message": f"{upcoming} QA visit(s) scheduled in the next 30 days"})
        assert response.text == '{"success":true,"data":' + php_json({
            "recent_visits": recent,
            "key_metrics": {"classes_this_month": month["classes"], "visits_this_month": month["visits"]},
            "alerts": alerts}) + "}"
    finally:
        db.run("DELETE FROM qa_visits WHERE id = ANY(%s)", (ids,))


def test_summary_before_any_visit(pg_database):
    conn = pg_database.connect()
    try:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            data = qa.summary(cur, datetime.date(1900, 1, 1))
    finally:
        conn.close()
    assert php_json_encode(data) == (
        '{"recent_visits":[],"key_metrics":{"classes_this_month":0,"visits_this_month":0},'
        '"alerts":[{"type":"success","message":"All QA visit reports are uploaded"}]}')


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
