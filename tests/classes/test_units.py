"""Pure pieces of the Classes module: the form reader, CSV cells, text cleaning (no services)."""
import datetime

import pytest

from sidecar.classes import form, qa
from sidecar.classes.form import FormInvalid
from sidecar.phpform import parse_body
from devstack import class_pages as pages


def parsed(fields, files=()):
    body, content_type = pages.encode_multipart(fields, files)
    post, _files = parse_body(body, content_type)
    return post


def test_capture_form_reads_into_columns():
    learners = [pages.learner_entry(12, "Thabo M Nkosi"), pages.learner_entry("15", "Second", status="DRO - Drop Out")]
    post = parsed(pages.capture_form("n", learners=learners + [learners[0]], backups=[("5", "2026-03-10")],
                                     stops=[("2026-04-10", "2026-04-20")], schedule=pages.schedule_fields(
                                         pattern="monthly", day_of_month="last", per_day={},
                                         single=("08:00", "10:30"))))
    result = form.parse_class_form(post, now=datetime.datetime(2026, 2, 1, 10, 0, 0))
    assert result.class_id is None
    values = result.values
    assert values["learner_ids"] == [
        {"id": "12", "name": "Thabo M Nkosi", "level": "COMM", "status": "CIC - Currently in Class"},
        {"id": "15", "name": "Second", "level": "COMM", "status": "DRO - Drop Out"}]   # duplicates dropped
    assert values["schedule_data"] == {
        "version": "2.0", "pattern": "monthly", "startDate": "2026-03-02", "endDate": "2026-06-26",
        "timeData": {"mode": "single", "single": {"startTime": "08:00", "endTime": "10:30", "duration": 2.5}},
        "selectedDays": ["Monday", "Wednesday"], "dayOfMonth": "last", "exceptionDates": [], "holidayOverrides": [],
        "metadata": {"lastUpdated": "2026-02-01T10:00:00+00:00", "validatedAt": "2026-02-01T10:00:00+00:00"}}
    assert values["original_start_date"] == datetime.date(2026, 3, 2)
    assert values["backup_agent_ids"] == [{"agent_id": 5, "date": "2026-03-10"}]
    assert values["seta_funded"] is True and values["exam_class"] is False


def test_update_form_leaves_out_what_it_does_not_send():
    post = parsed([("class_id", "12"), ("nonce", "n"), ("exam_type", "Oral")])
    result = form.parse_class_form(post)
    assert result.class_id == 12 and result.values == {"exam_type": "Oral"}
    assert result.replacements is None and result.start_date_candidate is None


def test_json_schedule_string_and_holiday_override_variants():
    post = parsed([("class_id", "auto-generated"), ("schedule_data", '{"pattern":"weekly","startDate":"2026-03-02",'
                   '"selectedDays":["Monday"],"timeData":{"mode":"per-day","perDayTimes":{"Monday":{"startTime":"09:00",'
                   '"endTime":"10:00"}}},"holidayOverrides":{"2026-04-27":true}}')])
    schedule = form.parse_class_form(post).values["schedule_data"]
    assert schedule["timeData"]["perDayTimes"] == {"Monday": {"start_time": "09:00", "end_time": "10:00",
                                                              "duration": "1.00"}}
    assert schedule["holidayOverrides"] == {"2026-04-27": True}
    assert schedule["endDate"] == ""


@pytest.mark.parametrize("value", ["12abc", "-1", "1.5", "９"])
def test_ids_must_be_plain_digits(value):
    with pytest.raises(FormInvalid):
        form.parse_class_form(parsed([("class_id", "auto-generated"), ("client_id", value)]))


def test_same_schedule_ignores_save_metadata():
    a = {"pattern": "weekly", "holidayOverrides": [], "metadata": {"lastUpdated": "1"}}
    b = {"pattern": "weekly", "holidayOverrides": {}, "metadata": {"lastUpdated": "2"}}
    assert form.same_schedule(a, b)
    assert not form.same_schedule(a, {**b, "pattern": "monthly"})


@pytest.mark.parametrize("cell, expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "\"'\tx\""),
    ("\rx", "\"'\rx\""), ("plain", "plain"), ("a,b", '"a,b"'), ('say "hi"', '"say ""hi"""'), (None, ""), (7, "7"),
])
def test_csv_cells_are_formula_safe(cell, expected):
    assert qa.csv_cell(cell) == expected


def test_qa_report_paths_are_only_our_own():
    assert qa.safe_report_path({"file_path": "qa-reports/qa_report_ab12.pdf"}) == "qa-reports/qa_report_ab12.pdf"
    for path in ("../../wp-config.php", "qa-reports/../x.pdf", "/etc/passwd", "qa-reports/a/b.pdf",
                 "qa-reports/.htaccess", "qa-reports/x.php"):
        assert qa.safe_report_path({"file_path": path}) is None
