"""The class capture page's flows as the unchanged page really posts them (recordings/page-requests.json,
create-class.php): the admin's own rows of each group first, then the group's hidden template row, whose date
the start-date handler has filled with the class start date. What the admin entered is stored, nothing else;
the calendar shows it; a QA visit recorded on the edit page shows on the QA widget."""
import datetime
import json

import pytest

from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

CLASS_NONCE = "wecoza_class_nonce"
CALENDAR_NONCE = "wecoza_calendar_nonce"


def capture_post(nonce, *, start, end, pattern, schedule, days=(), day_of_month="", per_day=None, exceptions=(),
                 stops=(), events=(), backups=(), learners=(), agent="3", supervisor="2", code="PAGE-FLOW"):
    """create-class.php's FormData in DOM order (as recorded), template rows last in each group."""
    per_day = per_day or {}
    fields = [("class_id", "auto-generated"), ("redirect_url", ""), ("nonce", nonce), ("client_id", "1"),
              ("site_id", "1"), ("site_address", "1 Test Street"), ("class_type", "AET"), ("class_subject", "COMM"),
              ("class_duration", "120"), ("class_code", code), ("class_start_date", start),
              ("schedule_start_date", start), ("schedule_pattern", pattern)]
    fields += [("schedule_days[]", day) for day in days] + [("schedule_day_of_month", day_of_month)]
    for day, (begin, finish) in per_day.items():
        fields += [(f"day_start_time[{day}]", begin), (f"day_end_time[{day}]", finish)]
    fields.append(("schedule_total_hours", "120"))
    for date, reason in exceptions:
        fields += [("exception_dates[]", date), ("exception_reasons[]", reason)]
    fields += [("exception_dates[]", start), ("exception_reasons[]", "")]              # filled template row
    fields.append(("schedule_data[holiday_overrides]", "{}"))
    for stop, restart in stops:
        fields += [("stop_dates[]", stop), ("restart_dates[]", restart)]
    fields += [("stop_dates[]", ""), ("restart_dates[]", ""), ("schedule_end_date", end)]
    for event in [*events, ("", "", "", "Pending", "")]:                                 # empty trailing row
        fields += list(zip(("event_types[]", "event_descriptions[]", "event_dates_input[]", "event_statuses[]",
                            "event_notes[]"), event, strict=True))
    fields += [("seta_funded", "No"), ("seta_id", ""), ("exam_class", "No"), ("exam_type", "")]
    fields += schedule
    fields += [("class_learners_data", json.dumps(list(learners))), ("exam_learners", "[]"),
               ("initial_class_agent", agent), ("initial_agent_start_date", start), ("project_supervisor", supervisor)]
    for agent_id, date in backups:
        fields += [("backup_agent_ids[]", agent_id), ("backup_agent_dates[]", date)]
    fields += [("backup_agent_ids[]", ""), ("backup_agent_dates[]", start)]             # filled template row
    fields += [("exam_learner_count", "0"), ("action", "save_class"), ("nonce", nonce)]
    return fields


def saved_class(page, fields, db):
    response = page.class_form(fields)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True, body
    return db.one("SELECT * FROM classes WHERE class_id = %s", (body["data"]["class_id"],))


def calendar(page, class_id):
    response = page.post("get_calendar_events", [("class_id", str(class_id)),
                                                 ("nonce", page.nonce("admin", CALENDAR_NONCE)),
                                                 ("start", "2027-02-28T00:00:00+02:00"),
                                                 ("end", "2027-08-01T00:00:00+02:00")])
    assert response.status_code == 200, response.text
    return response.json()


def of_type(events, kind):
    return [e["start"] for e in events if e["extendedProps"]["type"] == kind]


def test_weekly_capture_stores_what_the_admin_entered(page, made, db):
    learner_a, learner_b = made.learners(2, surname="Page-Flow")
    learners = [pages.learner_entry(learner_a, "Learner A"), pages.learner_entry(learner_b, "Learner B")]
    exceptions = [("2027-03-10", "Client Cancelled")]
    per_day = {"Monday": ("09:00", "11:00"), "Wednesday": ("13:00", "15:30")}
    events = [("Deliveries", "Deliver packs", "2027-02-25", "Completed", ""),
              ("Exams", "Final exam", "2027-04-28", "Pending", "Hall B")]
    fields = capture_post(
        page.nonce("admin", CLASS_NONCE), start="2027-03-01", end="2027-04-30", pattern="weekly",
        days=("Monday", "Wednesday"), per_day=per_day, exceptions=exceptions,
        stops=[("2027-03-22", "2027-04-05")], events=events, backups=[("5", "2027-03-15"), ("6", "2027-04-12")],
        learners=learners, code="PAGE-WEEKLY",
        schedule=pages.schedule_fields(start="2027-03-01", end="2027-04-30", per_day=per_day, exceptions=exceptions))
    row = saved_class(page, fields, db)

    schedule = row["schedule_data"]
    assert (schedule["pattern"], schedule["startDate"], schedule["endDate"]) == ("weekly", "2027-03-01", "2027-04-30")
    assert schedule["selectedDays"] == ["Monday", "Wednesday"]
    assert schedule["exceptionDates"] == [{"date": "2027-03-10", "reason": "Client Cancelled"}]
    assert row["backup_agent_ids"] == [{"agent_id": 5, "date": "2027-03-15"}, {"agent_id": 6, "date": "2027-04-12"}]
    assert row["stop_restart_dates"] == [{"stop_date": "2027-03-22", "restart_date": "2027-04-05"}]
    assert row["event_dates"] == [
        {"type": "Deliveries", "description": "Deliver packs", "date": "2027-02-25", "status": "Completed",
         "notes": ""},
        {"type": "Exams", "description": "Final exam", "date": "2027-04-28", "status": "Pending", "notes": "Hall B"}]
    assert row["learner_ids"] == learners
    assert (row["initial_class_agent"], row["project_supervisor_id"], row["class_code"]) == (3, 2, "PAGE-WEEKLY")

    events_ = calendar(page, row["class_id"])
    # The first day is a session (the template row's start date cancels nothing); 10 March is the admin's
    # exception; 22 March to 5 April is stopped (22 March is also Human Rights Day observed, 29 March Family Day).
    assert [s[:10] for s in of_type(events_, "class_session")] == [
        "2027-03-01", "2027-03-03", "2027-03-08", "2027-03-15", "2027-03-17", "2027-04-05", "2027-04-07",
        "2027-04-12", "2027-04-14", "2027-04-19", "2027-04-21", "2027-04-26", "2027-04-28"]
    assert of_type(events_, "exception") == ["2027-03-10"]
    assert (of_type(events_, "stop_date"), of_type(events_, "restart_date")) == (["2027-03-22"], ["2027-04-05"])


def test_monthly_capture_stores_what_the_admin_entered(page, made, db):
    (learner,) = made.learners(1, surname="Page-Flow-Monthly")
    learners = [pages.learner_entry(learner, "Learner M")]
    fields = capture_post(
        page.nonce("admin", CLASS_NONCE), start="2027-03-15", end="2027-07-15", pattern="monthly", day_of_month="15",
        stops=[("2027-05-01", "2027-06-01")], events=[("Deliveries", "Deliver packs", "2027-03-10", "Pending", "")],
        backups=[("6", "2027-04-01")], learners=learners, agent="4", supervisor="3", code="PAGE-MONTHLY",
        schedule=pages.schedule_fields(pattern="monthly", start="2027-03-15", end="2027-07-15", day_of_month=15,
                                       per_day={}, single=("10:00", "12:30")))
    row = saved_class(page, fields, db)

    schedule = row["schedule_data"]
    assert (schedule["pattern"], schedule["startDate"], schedule["endDate"]) == ("monthly", "2027-03-15", "2027-07-15")
    assert str(schedule["dayOfMonth"]) == "15"
    assert schedule["timeData"]["mode"] == "single"
    assert schedule["exceptionDates"] == []              # the admin entered none; the template row is no exception
    assert row["backup_agent_ids"] == [{"agent_id": 6, "date": "2027-04-01"}]
    assert row["stop_restart_dates"] == [{"stop_date": "2027-05-01", "restart_date": "2027-06-01"}]
    assert row["event_dates"] == [{"type": "Deliveries", "description": "Deliver packs", "date": "2027-03-10",
                                   "status": "Pending", "notes": ""}]
    assert row["learner_ids"] == learners
    assert (row["initial_class_agent"], row["project_supervisor_id"]) == (4, 3)

    events_ = calendar(page, row["class_id"])
    assert of_type(events_, "class_session") == [
        "2027-03-15T10:00", "2027-04-15T10:00", "2027-06-15T10:00", "2027-07-15T10:00"]   # May is stopped
    assert of_type(events_, "exception") == []


def test_qa_visit_recorded_on_the_edit_page_shows_on_the_qa_widget(page, made, db, uploads_root):
    """The edit page's QA row (with its report) makes a visit; the dashboard widget (qa-dashboard-widget.php)
    then renders every recent visit's date, class code, subject and ``notes.substring(0, 80)``."""
    visit_day = (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)).isoformat()
    class_id = made.class_row(class_code="PAGE-QA", class_subject="COMM")
    qa_visits = json.dumps([{"date": visit_day, "type": "Initial QA Visit", "officer": "Jane QA", "hasNewFile": True}])
    fields = pages.update_form(page.nonce("admin", CLASS_NONCE), class_id, code="PAGE-QA",
                               qa_rows=[(visit_day, "Initial QA Visit", "Jane QA")], qa_visits_data=qa_visits)
    response = page.class_form(fields, files=pages.qa_files(pages.PDF_BYTES))
    assert response.status_code == 200 and response.json()["success"] is True, response.text
    [visit] = db.all("SELECT * FROM qa_visits WHERE class_id = %s", (class_id,))
    assert (visit["visit_date"].isoformat(), visit["visit_type"], visit["officer_name"]) == \
        (visit_day, "Initial QA Visit", "Jane QA")
    assert (uploads_root / visit["latest_document"]["file_path"]).read_bytes() == pages.PDF_BYTES

    summary = page.post("get_qa_summary", {"nonce": page.nonce("admin", "qa_dashboard_nonce")}).json()
    assert summary["success"] is True, summary
    recent = summary["data"]["recent_visits"]
    assert visit["id"] in [v["visit_id"] for v in recent]
    for entry in recent:
        assert isinstance(entry["visit_date"], str) and isinstance(entry["class_code"], str)
        assert isinstance(entry.get("notes"), str), f"the widget calls notes.substring(): {entry}"
