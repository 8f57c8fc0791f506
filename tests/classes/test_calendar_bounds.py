"""Calendars are bounded (issue 14 point 7): a stop period's days are drawn only while the class runs, only the days
FullCalendar asks for are built, the answer holds at most calendar.MAX_EVENTS, and the class form refuses a stop
period longer than the class runs. Pure; the end-to-end tests are in test_calendar_bounds_e2e.py."""
import datetime
import json

import pytest

from sidecar.classes import calendar, form
from sidecar.classes import schedule as sched
from sidecar.classes.form import FormInvalid
from sidecar.phpform import parse_body
from devstack import class_pages as pages

D = datetime.date
FOREVER = {"stop_date": "1900-01-01", "restart_date": "2200-12-31"}
MONDAY_WEDNESDAY = {"Monday": {"start_time": "09:00", "end_time": "11:00"},
                    "Wednesday": {"start_time": "13:00", "end_time": "15:30"}}


def schedule(start="2026-03-02", end="2026-06-26", days=MONDAY_WEDNESDAY):
    return {"version": "2.0", "pattern": "weekly", "startDate": start, "endDate": end,
            "timeData": {"mode": "per-day", "perDayTimes": days}, "selectedDays": list(days)}


def row(schedule_data, stops, duration=120):
    return {"class_id": 7, "class_code": "BOUND", "class_subject": "COMM", "class_duration": duration,
            "schedule_data": schedule_data, "stop_restart_dates": stops}


def days_of(events, kind):
    return [e["start"][:10] for e in events if e["extendedProps"]["type"] == kind]


def every_day(first, last):
    return [(first + datetime.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


# --- the class's range ---------------------------------------------------------------------------------------------

def test_a_stop_from_1900_to_2200_is_drawn_only_between_the_start_and_end_dates():
    events = calendar.class_events(row(schedule(), [FOREVER]))
    assert days_of(events, "stop_period") == every_day(D(2026, 3, 2), D(2026, 6, 26))
    # the markers show what was entered, so the admin sees the typing error
    assert days_of(events, "stop_date") == ["1900-01-01"] and days_of(events, "restart_date") == ["2200-12-31"]
    assert days_of(events, "class_session") == []


def test_a_schedule_from_1900_to_2200_is_bounded_like_its_sessions():
    events = calendar.class_events(row(schedule(start="1900-01-01", end="2200-12-31"), [FOREVER]))
    start = D(1900, 1, 1)
    assert days_of(events, "stop_period")[-1] <= (start + datetime.timedelta(days=sched.MAX_SPAN_DAYS)).isoformat()


def test_an_open_ended_class_is_drawn_up_to_its_last_session():
    # 120 hours of Monday 2 h + Wednesday 2.5 h from 2 March: the stop pushes the sessions after 15 April
    pause = {"stop_date": "2026-04-01", "restart_date": "2026-04-15"}
    events = calendar.class_events(row(schedule(end=""), [pause]))
    assert days_of(events, "stop_period") == every_day(D(2026, 4, 2), D(2026, 4, 14))
    assert days_of(events, "class_session")[-1] > "2026-04-15"

    events = calendar.class_events(row(schedule(end=""), [{"stop_date": "2026-04-01", "restart_date": "2200-01-01"}]))
    last_session = days_of(events, "class_session")[-1]
    assert last_session < "2026-04-01" and days_of(events, "stop_period") == []


def test_a_class_without_a_schedule_draws_only_the_markers():
    events = calendar.class_events(row([], [FOREVER]))
    assert [e["extendedProps"]["type"] for e in events] == ["stop_date", "restart_date"]


def test_class_range():
    plan = sched.from_stored(schedule())
    assert sched.class_range(plan, []) == (D(2026, 3, 2), D(2026, 6, 26))
    open_plan = sched.from_stored(schedule(end=""))
    sessions = sched.generate(open_plan, target_hours=9)
    assert sched.class_range(open_plan, sessions) == (D(2026, 3, 2), D(2026, 3, 11))  # 2 + 2.5 + 2 + 2.5 h
    assert sched.class_range(open_plan, []) == (D(2026, 3, 2), D(2026, 3, 2))
    assert sched.class_range(sched.from_stored(schedule(end="2026-01-01")), []) is None
    assert sched.class_range(sched.from_stored([]), []) is None
    direct = sched.from_stored([{"date": "2026-05-04", "start_time": "09:00", "end_time": "10:00"},
                                {"date": "2026-03-02", "start_time": "09:00", "end_time": "10:00"}])
    assert sched.class_range(direct, []) == (D(2026, 3, 2), D(2026, 5, 4))


# --- the days FullCalendar asks for --------------------------------------------------------------------------------

def test_fullcalendar_start_and_end_give_the_days_both_included():
    assert calendar.window("2026-11-29T00:00:00+02:00", "2027-01-10T00:00:00+02:00") == (D(2026, 11, 29),
                                                                                          D(2027, 1, 10))
    assert calendar.window(None, "2027-01-10") == (None, D(2027, 1, 10))
    assert calendar.window("next week", ["x"]) == (None, None)


def test_only_the_days_asked_for_are_built():
    data = schedule()
    data["exceptionDates"] = [{"date": "2026-04-29", "reason": "Agent Absent"},
                              {"date": "2026-03-09", "reason": "Client Cancelled"}]
    stops = [{"stop_date": "2026-04-10", "restart_date": "2026-04-20"}]
    whole = calendar.class_events(row(data, stops))
    asked = calendar.class_events(row(data, stops), days=(D(2026, 4, 13), D(2026, 5, 3)))
    inside = [e for e in whole if "2026-04-13" <= e["start"][:10] <= "2026-05-03"]
    assert asked == inside    # the same events, in the same order
    assert days_of(asked, "stop_period") == every_day(D(2026, 4, 13), D(2026, 4, 19))
    assert days_of(asked, "restart_date") == ["2026-04-20"] and days_of(asked, "stop_date") == []
    assert days_of(asked, "exception") == ["2026-04-29"]
    assert days_of(asked, "class_session") == ["2026-04-20", "2026-04-22"]  # 27 April: Freedom Day
    assert calendar.class_events(row(data, stops), days=(D(2026, 5, 1), D(2026, 4, 1))) == []


def test_a_window_far_from_the_class_builds_nothing():
    events = calendar.class_events(row(schedule(start="1900-01-01", end="2200-12-31"), [FOREVER] * 50),
                                   days=(D(2100, 1, 1), D(2100, 2, 11)))
    assert events == []


# --- the cap -------------------------------------------------------------------------------------------------------

def test_the_answer_holds_at_most_max_events_those_of_the_earliest_days(monkeypatch):
    every = {d: {"start_time": "08:00", "end_time": "09:00"} for d in sched.DAYS}
    data = schedule(start="2026-01-05", end="2035-12-31", days=every)
    stops = [{"stop_date": "2026-06-01", "restart_date": "2026-06-30"}]
    events = calendar.class_events(row(data, stops, duration=None))
    assert len(events) == calendar.MAX_EVENTS
    assert len(json.dumps(events)) < 1_000_000
    monkeypatch.setattr(calendar, "MAX_EVENTS", 10 ** 9)
    whole = calendar.class_events(row(data, stops, duration=None))
    assert len(whole) > 3000
    last_kept = max(e["start"][:10] for e in events)
    assert [e for e in whole if e["start"][:10] < last_kept] == [e for e in events if e["start"][:10] < last_kept]
    # the reference's order is kept: sessions, then the stop markers and their days
    kinds = [e["extendedProps"]["type"] for e in events]
    assert kinds.index("stop_date") > max(i for i, k in enumerate(kinds) if k == "class_session")


def test_a_1900_to_2200_stop_period_answers_a_bounded_calendar():
    """The outside review's case: the reference built one event per day of 300 years (36 MB)."""
    events = calendar.class_events(row(schedule(start="2026-01-05", end="2035-12-31"), [FOREVER] * 3))
    assert len(events) <= calendar.MAX_EVENTS
    assert len(json.dumps(events)) < 1_000_000


# --- save_class refuses a stop period longer than the class runs ----------------------------------------------------

def parsed(fields):
    body, content_type = pages.encode_multipart(fields, ())
    return parse_body(body, content_type)[0]


def capture(stops, end="2026-06-26"):
    fields = pages.capture_form("n", stops=stops, end=end, schedule=pages.schedule_fields(end=end))
    return form.parse_class_form(parsed(fields), now=datetime.datetime(2026, 2, 1, 10, 0, 0))


def test_a_stop_period_longer_than_the_class_is_refused_naming_its_row():
    with pytest.raises(FormInvalid) as refused:
        capture([("2026-04-10", "2026-04-20"), ("2026-05-01", "2200-01-01")])
    assert refused.value.message == "Class stop 2: the stop period is longer than the class runs."
    assert refused.value.field == "restart_dates"
    # the class runs 2 March to 26 June: 117 days
    assert capture([("2026-03-02", "2026-06-27")]).values["stop_restart_dates"]
    with pytest.raises(FormInvalid, match="Class stop 1: the stop period is longer"):
        capture([("2026-03-02", "2026-06-28")])


def test_an_open_ended_class_runs_until_its_hours_are_reached_around_its_stops():
    long_break = [("2026-03-16", "2026-09-01")]      # the sessions resume in September: the class runs past it
    assert capture(long_break, end="").values["stop_restart_dates"] == [
        {"stop_date": "2026-03-16", "restart_date": "2026-09-01"}]
    with pytest.raises(FormInvalid, match="Class stop 1: the stop period is longer than the class runs."):
        capture([("2026-03-16", "2200-01-01")], end="")
