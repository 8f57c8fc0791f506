"""get_calendar_events, get_public_holidays, get_class_subjects and get_class_types through admin-ajax.php:
classes saved with each schedule pattern by the capture page produce the expected calendar."""
import datetime
import json
from pathlib import Path

import pytest

from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

CLASS_NONCE = "wecoza_class_nonce"
CALENDAR_NONCE = "wecoza_calendar_nonce"


def create(page, schedule, end, **kwargs):
    fields = pages.capture_form(page.nonce("admin", CLASS_NONCE), schedule=schedule, end=end, **kwargs)
    response = page.class_form(fields)
    assert response.status_code == 200 and response.json()["success"], response.text
    return response.json()["data"]["class_id"]


def calendar(page, class_id, who="admin"):
    response = page.post("get_calendar_events", {"class_id": str(class_id), "nonce": page.nonce(who, CALENDAR_NONCE),
                                                 "start": "2026-01-01T00:00:00+02:00", "end": "2027-01-01"}, who=who)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    events = response.json()
    assert isinstance(events, list), response.text
    return events


def sessions(events):
    return [e["start"] for e in events if e["extendedProps"]["type"] == "class_session"]


def test_weekly_with_exception_and_stop_period(page):
    schedule = pages.schedule_fields(start="2026-03-02", end="2026-03-31", exceptions=[("2026-03-09", "Agent Absent")])
    class_id = create(page, schedule, "2026-03-31", stops=[("2026-03-10", "2026-03-16")],
                      exceptions=[("2026-03-09", "Agent Absent")])
    events = calendar(page, class_id)
    assert sessions(events) == ["2026-03-02T09:00", "2026-03-04T13:00", "2026-03-16T09:00", "2026-03-18T13:00",
                                "2026-03-23T09:00", "2026-03-25T13:00", "2026-03-30T09:00"]
    first = events[0]
    assert first == {"id": f"class_{class_id}_2026-03-02", "title": "Monday: 09:00 - 11:00 (2.0h)",
                     "start": "2026-03-02T09:00", "end": "2026-03-02T11:00",
                     "classNames": ["wecoza-class-event", "text-primary"],
                     "extendedProps": {"type": "class_session", "classCode": "TES030209", "classSubject": "COMM",
                                       "notes": "", "scheduleFormat": "v2.0", "dayOfWeek": "Monday",
                                       "pattern": "weekly", "timeMode": "per-day", "duration": 2}}
    assert events[1]["title"] == "Wednesday: 13:00 - 15:30 (2.5h)" and events[1]["extendedProps"]["duration"] == 2.5
    others = [(e["extendedProps"]["type"], e["start"]) for e in events[7:]]
    assert others == [("exception", "2026-03-09"), ("stop_date", "2026-03-10"), ("restart_date", "2026-03-16")] + [
        ("stop_period", f"2026-03-{d}") for d in range(11, 16)]
    assert events[8]["extendedProps"]["description"] == "Class Stopped: 2026-03-10\\nClass: COMM"


def test_biweekly_skips_odd_weeks_and_public_holidays(page):
    schedule = pages.schedule_fields(pattern="biweekly", start="2026-03-04", end="2026-04-30")
    class_id = create(page, schedule, "2026-04-30", start="2026-03-04")
    assert [s[:10] for s in sessions(calendar(page, class_id))] == [
        "2026-03-04", "2026-03-16", "2026-03-18", "2026-03-30", "2026-04-01", "2026-04-13", "2026-04-15",
        "2026-04-29"]  # 27 April (Freedom Day) falls in week 8 and is a holiday


def test_holiday_override_keeps_the_session(page):
    schedule = pages.schedule_fields(start="2026-04-20", end="2026-05-06", overrides=["2026-04-27"])
    class_id = create(page, schedule, "2026-05-06", start="2026-04-20")
    assert [s[:10] for s in sessions(calendar(page, class_id))] == [
        "2026-04-20", "2026-04-22", "2026-04-27", "2026-04-29", "2026-05-04", "2026-05-06"]


def test_monthly_with_the_chosen_day_and_no_times(page):
    schedule = pages.schedule_fields(pattern="monthly", start="2026-01-31", end="2026-06-30", day_of_month=31,
                                     per_day={})
    class_id = create(page, schedule, "2026-06-30", start="2026-01-31")
    events = calendar(page, class_id)
    assert sessions(events) == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"]
    assert events[0]["allDay"] is True and events[0]["title"] == "Class session"


def test_monthly_last_day_with_a_single_time(page):
    schedule = pages.schedule_fields(pattern="monthly", start="2026-02-01", end="2026-04-30", day_of_month="last",
                                     per_day={}, single=("10:00", "12:30"))
    class_id = create(page, schedule, "2026-04-30", start="2026-02-01")
    events = calendar(page, class_id)
    assert sessions(events) == ["2026-02-28T10:00", "2026-03-31T10:00", "2026-04-30T10:00"]
    assert events[0]["title"] == "10:00 - 12:30 (2.5h)" and events[0]["extendedProps"]["timeMode"] == "single"


def test_custom_is_one_session(page):
    schedule = pages.schedule_fields(pattern="custom", start="2026-03-03", end="",
                                     per_day={"Tuesday": ("08:00", "12:00")})
    class_id = create(page, schedule, "", start="2026-03-03")
    assert sessions(calendar(page, class_id)) == ["2026-03-03T08:00"]


def test_open_ended_weekly_runs_to_the_class_hours(page):
    schedule = pages.schedule_fields(start="2026-03-02", end="")
    class_id = create(page, schedule, "", duration="20")
    events = calendar(page, class_id)
    hours = sum(e["extendedProps"]["duration"] for e in events if e["extendedProps"]["type"] == "class_session")
    assert hours >= 20 and len(sessions(events)) == 9  # 2 + 2.5 per week


def test_missing_and_unknown_class(page):
    nonce = page.nonce("admin", CALENDAR_NONCE)
    for class_id, message in (("", "Invalid class ID provided."), ("abc", "Invalid class ID provided."),
                              ("999999", "Class not found.")):
        response = page.post("get_calendar_events", {"class_id": class_id, "nonce": nonce})
        assert (response.status_code, response.json()) == (200, {"success": False, "data": message})


# --- public holidays ----------------------------------------------------------------------

def test_public_holidays_for_anonymous_and_logged_in_callers(page):
    for who in (None, "subscriber", "admin"):
        response = page.post("get_public_holidays", {"year": "2026", "nonce": page.nonce(who, CALENDAR_NONCE),
                                                     "start": "2026-01-01", "end": "2027-01-01"}, who=who)
        assert response.status_code == 200, (who, response.text)
        holidays = response.json()
        assert [h["start"] for h in holidays][:4] == ["2026-01-01", "2026-03-21", "2026-04-03", "2026-04-06"]
        assert {h["title"] for h in holidays} >= {"Good Friday", "Family Day", "National Women's Day (observed)"}
    assert response.text.startswith('[{"id":"holiday_2026-01-01","title":"New Year\'s Day","start":"2026-01-01",'
                                    '"allDay":true,"display":"background","classNames":["wecoza-public-holiday"],')


def test_public_holidays_year_out_of_range_is_this_year_and_bad_nonce_is_refused(page):
    this_year = datetime.datetime.now(datetime.timezone.utc).year
    response = page.post("get_public_holidays", {"year": "1066", "nonce": page.nonce(None, CALENDAR_NONCE)}, who=None)
    assert response.json()[0]["start"] == f"{this_year}-01-01"
    refused = page.post("get_public_holidays", {"year": "2026", "nonce": "0123456789"}, who=None)
    assert (refused.status_code, refused.text) == (200, '{"success":false,"data":"Security check failed"}')


# --- class types and subjects -------------------------------------------------------------

def test_subjects_by_mode_for_anonymous_visitors(page):
    own = page.get("get_class_subjects", {"class_type": "AET"}, who=None)
    assert own.status_code == 200
    assert own.json() == {"success": True, "data": [{"id": "COMM", "name": "Communication (test)", "duration": 120},
                                                    {"id": "NUM", "name": "Numeracy (test)", "duration": 120}]}
    everything = page.get("get_class_subjects", {"class_type": "SOFT"}, who=None).json()["data"]
    assert [s["id"] for s in everything] == ["COMM", "NUM", "IPC", "TM"]
    progression = page.get("get_class_subjects", {"class_type": "GETC"}, who="subscriber").json()
    assert progression == {"success": True, "data": [{"id": "LP", "name": "Learner Progression", "duration": 564}]}


def test_subject_errors(page):
    for params, message in (({}, "Class type is required."), ({"class_type": "NOPE"},
                                                               "No subjects found for the selected class type."),
                            ({"class_type": "X" * 21}, "No subjects found for the selected class type.")):
        response = page.get("get_class_subjects", params, who=None)
        assert (response.status_code, response.json()) == (200, {"success": False, "data": message})


def test_class_types(page):
    response = page.get("get_class_types", who=None)
    assert response.json()["data"][:1] == [{"id": "AET", "name": "AET Communication & Numeracy (test)",
                                            "mode": "own", "progression_hours": None}]


@pytest.fixture
def filter_plugin(wordpress_site):
    mu_dir = Path(wordpress_site.path) / "wp-content" / "mu-plugins"
    mu_dir.mkdir(exist_ok=True)
    plugin = mu_dir / "wecoza-class-tests-filters.php"
    plugin.write_text("<?php\n"
                      "// the reference's signature: the subjects and the class type they are for\n"
                      "add_filter('wecoza_classes_get_subjects', function ($subjects, $class_type) {\n"
                      "  $subjects[] = array('id' => 'EXTRA', 'name' => 'Added for ' . $class_type, 'duration' => 1);\n"
                      "  return $subjects; }, 10, 2);\n"
                      "add_filter('wecoza_classes_get_class_types', function ($types) {\n"
                      "  return array_values(array_filter($types,\n"
                      "                                   function ($t) { return $t['id'] !== 'SOFT'; })); });\n")
    try:
        yield
    finally:
        plugin.unlink()


def test_wordpress_filters_still_apply(page, filter_plugin):
    subjects = page.get("get_class_subjects", {"class_type": "AET"}, who=None).json()["data"]
    assert subjects[-1] == {"id": "EXTRA", "name": "Added for AET", "duration": 1}
    types = page.get("get_class_types", who=None).json()["data"]
    assert "SOFT" not in [t["id"] for t in types] and "AET" in [t["id"] for t in types]


def test_lookup_cache_notices_a_change_in_the_tables(pg_database):
    """In process, against the real database: the fingerprint check drops stale entries."""
    import types

    from sidecar.classes import lookups
    services = types.SimpleNamespace(caches={})
    clock = [1000.0]
    conn = pg_database.connect()
    try:
        import psycopg2.extras
        cur = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
        def get():
            return lookups.cached(services, cur, ("subjects", "AET"), lambda c: lookups.subjects_for(c, "AET"),
                                  clock=lambda: clock[0])
        assert [s["id"] for s in get()] == ["COMM", "NUM"]
        cur.execute("INSERT INTO class_type_subjects (class_type_id, subject_code, subject_name, subject_duration, "
                    "display_order) VALUES (1, 'ZZZ', 'Cache test', 5, 99)")
        clock[0] += 1
        assert [s["id"] for s in get()] == ["COMM", "NUM"]          # served from the cache
        clock[0] += lookups.RECHECK
        assert [s["id"] for s in get()] == ["COMM", "NUM", "ZZZ"]   # the tables changed: rebuilt
    finally:
        conn.rollback()
        conn.close()


def test_calendar_of_a_class_saved_by_the_reference_shape(page, made):
    """A row as the legacy plugin stored it (snake_case per-day times, selectedDays as an object)."""
    schedule = {"version": "2.0", "pattern": "weekly", "startDate": "2026-03-02", "endDate": "2026-03-13",
                "timeData": {"mode": "per-day", "perDayTimes": {"Friday": {"start_time": "08:30", "end_time": "10:00",
                                                                          "duration": "1.50"}}},
                "selectedDays": {"4": "Friday"}, "dayOfMonth": None, "exceptionDates": [], "holidayOverrides": []}
    class_id = made.class_row(schedule_data=json.dumps(schedule), class_code="LEGACY-1")
    events = calendar(page, class_id)
    assert sessions(events) == ["2026-03-06T08:30", "2026-03-13T08:30"]
    assert events[0]["title"] == "Friday: 08:30 - 10:00 (1.5h)"
