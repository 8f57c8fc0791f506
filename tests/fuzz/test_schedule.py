"""The schedule reader and generator (sidecar/classes/schedule.py) and the calendar events built on it
(sidecar/classes/calendar.py) on hostile ``schedule_data`` / ``stop_restart_dates``: any JSON shape,
the known keys with values of the wrong type, dates at the ends of the calendar.

These modules have no refusal of their own: whatever is stored, they must answer a (possibly empty)
list of sessions that obeys the rules — never an exception, which get_calendar_events would turn into
an HTTP 500 for the class page."""
from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from sidecar.classes import calendar, holidays
from sidecar.classes import schedule as sched

from .conftest import FUZZ, case, counted
from .strategies import json_values

from_stored = counted("sidecar.classes.schedule.from_stored", sched.from_stored)
stop_periods = counted("sidecar.classes.schedule.stop_periods", sched.stop_periods)
generate = counted("sidecar.classes.schedule.generate", sched.generate)
class_events = counted("sidecar.classes.calendar.class_events", calendar.class_events)

D = datetime.date
edge_dates = st.sampled_from([D.min, D(1, 1, 7), D(1899, 12, 31), D(1994, 12, 31), D(1995, 1, 1), D(2026, 3, 2),
                              D(2200, 12, 31), D(2201, 1, 1), D(9989, 1, 1), D(9999, 1, 1), D(9999, 12, 1),
                              D.max])
dates = st.dates() | edge_dates | st.dates(D(2024, 1, 1), D(2028, 12, 31))
date_texts = dates.map(D.isoformat) | st.sampled_from(
    ["", " 2026-03-02 ", "2026-02-30", "2026-13-01", "0000-01-01", "2026-3-2", "02/03/2026", "2026-03-02T10:00",
     "١٢٣٤-٠١-٠١", "9999-12-31", "10000-01-01", "-2026-01-01"])
times = st.sampled_from(["09:00", "9:00", "13:30:00", "23:59", "00:00", "24:00", "12:60", "", " 08:00 ", "8", "xx:yy",
                         "١٢:٣٠"]) | st.text(max_size=6)
anything = json_values | date_texts | times
days = st.sampled_from(list(sched.DAYS) + ["monday", "Funday", "", "0"])


def maybe(strategy):
    return strategy | anything


time_entry = st.fixed_dictionaries({}, optional={
    "start_time": maybe(times), "end_time": maybe(times), "startTime": maybe(times), "endTime": maybe(times),
    "start": maybe(times), "end": maybe(times), "duration": anything})
per_day = st.dictionaries(days, maybe(time_entry), max_size=8)
exception_entry = st.fixed_dictionaries({}, optional={"date": maybe(date_texts), "reason": anything}) | date_texts
direct_entry = st.fixed_dictionaries({"date": maybe(date_texts)}, optional={
    "start_time": maybe(times), "end_time": maybe(times)})

schedule_data = st.fixed_dictionaries({}, optional={
    "pattern": maybe(st.sampled_from(sched.PATTERNS)),
    "startDate": maybe(date_texts), "start_date": maybe(date_texts),
    "endDate": maybe(date_texts), "end_date": maybe(date_texts),
    "dayOfMonth": maybe(st.integers(-3, 40) | st.sampled_from(["last", "LAST ", "31", "0", "١"])),
    "day_of_month": anything,
    "selectedDays": maybe(st.lists(maybe(days), max_size=9)), "selected_days": maybe(st.dictionaries(
        st.text(max_size=2), days, max_size=7)), "days": anything,
    "timeData": maybe(st.fixed_dictionaries({}, optional={
        "mode": maybe(st.sampled_from(["per-day", "per_day", "single", ""])), "perDayTimes": maybe(per_day),
        "perDay": maybe(per_day), "per_day_times": maybe(per_day), "single": maybe(time_entry)})),
    "per_day_times": maybe(per_day), "perDayTimes": maybe(per_day),
    "start_time": maybe(times), "end_time": maybe(times), "startTime": maybe(times),
    "time_mode": anything,
    "exceptionDates": maybe(st.lists(maybe(exception_entry), max_size=6)),
    "exception_dates": maybe(st.dictionaries(st.text(max_size=2), exception_entry, max_size=4)),
    "holidayOverrides": maybe(st.dictionaries(date_texts, anything, max_size=4)),
    "holiday_overrides": anything,
    "0": maybe(direct_entry), "1": maybe(direct_entry), "7": anything,
})



@st.composite
def plain_schedules(draw):
    """Well-typed schedule_data as the form stores it, with dates anywhere in the calendar."""
    start = draw(dates)
    data = {"pattern": draw(st.sampled_from(sched.PATTERNS)), "startDate": start.isoformat(),
            "selectedDays": draw(st.lists(st.sampled_from(sched.DAYS), max_size=7, unique=True)),
            "dayOfMonth": draw(st.none() | st.integers(1, 31) | st.just("last")),
            "timeData": {"mode": "per-day", "perDayTimes": {d: {"startTime": "09:00", "endTime": "11:30"}
                                                            for d in draw(st.lists(st.sampled_from(sched.DAYS)))}},
            "exceptionDates": [{"date": d.isoformat(), "reason": "x"} for d in draw(st.lists(dates, max_size=3))]}
    if draw(st.booleans()):
        data["endDate"] = draw(dates).isoformat()
    if draw(st.booleans()):
        data["timeData"]["single"] = {"startTime": "08:00", "endTime": "16:00"}
    return data


stored = plain_schedules() | schedule_data | st.lists(maybe(direct_entry), max_size=8) | json_values
stop_entry = st.fixed_dictionaries({}, optional={
    "stop_date": maybe(date_texts), "restart_date": maybe(date_texts),
    "stopDate": maybe(date_texts), "restartDate": maybe(date_texts)})
stops = st.lists(maybe(stop_entry), max_size=4) | st.dictionaries(st.text(max_size=2), stop_entry, max_size=3) \
    | json_values


@st.composite
def bounded_stops(draw):
    """Stop/restart pairs anywhere in the calendar but at most ~2 years long: calendar.class_events makes
    one event per stopped day, so an unbounded period (0001 to 9999) is millions of events (reported
    separately; not something to allocate in a fuzz run)."""
    pairs = []
    for _ in range(draw(st.integers(0, 3))):
        stop = draw(dates)
        length = draw(st.integers(-2, 60))
        try:
            restart = stop + datetime.timedelta(days=length)
        except OverflowError:
            restart = D.max
        pairs.append({"stop_date": stop.isoformat(), "restart_date": restart.isoformat()})
    return pairs


targets = st.none() | st.integers(-5, 2000) | st.floats(-1e3, 1e6)


def check_sessions(plan: sched.Schedule, periods, sessions, target):
    assert isinstance(sessions, list) and len(sessions) <= sched.MAX_SESSIONS
    found = [s.date for s in sessions]
    assert found == sorted(found)
    holiday_set = holidays.holiday_dates(min(found), max(found)) if found else {}
    for s in sessions:
        assert isinstance(s, sched.Session)
        assert s.date not in plan.exceptions
        assert not sched.is_stopped(s.date, periods)
        assert s.date not in holiday_set or plan.overrides.get(s.date, False)
        assert s.hours >= 0
        if s.direct:
            assert (s.date, s.time) in plan.direct
            continue
        assert not plan.direct and plan.start is not None and s.date >= plan.start
        if plan.end is not None:
            assert s.date <= plan.end
        assert s.time == plan.time_for(s.date)
        if plan.pattern in ("weekly", "biweekly"):
            assert s.day in plan.selected_days
        if plan.pattern == "custom":
            assert s.date == plan.start
    if not plan.direct:
        assert len(set(found)) == len(found)


@FUZZ
@given(stored, stops, targets)
@case
def test_generate_never_fails_and_obeys_the_rules(data, stop_data, target):
    plan = from_stored(data)
    assert isinstance(plan, sched.Schedule)
    periods = stop_periods(stop_data)
    sessions = generate(plan, stops=periods, holidays=holidays.holiday_dates, target_hours=target)
    check_sessions(plan, periods, sessions, target)


@FUZZ
@given(stored, bounded_stops() | st.lists(anything, max_size=3) | json_values, st.none() | st.integers(-5, 2000),
       st.integers(1, 2**31 - 1),
       st.none() | st.text(max_size=10))
@case
def test_calendar_events_never_fail(data, stop_data, duration, class_id, code):
    row = {"class_id": class_id, "class_code": code, "class_subject": code, "class_duration": duration,
           "schedule_data": data, "stop_restart_dates": stop_data}
    events = class_events(row)
    assert isinstance(events, list)
    assert all(isinstance(e, dict) and isinstance(e.get("id"), str) and "start" in e for e in events)


CLASS_RUN = {"pattern": "custom", "startDate": "2026-03-02", "endDate": "2026-06-26"}


@FUZZ
@given(bounded_stops() | stops, st.integers(1, 2**31 - 1), st.sampled_from([None, CLASS_RUN]))
@case
def test_stop_period_events_never_fail(stop_data, class_id, schedule_data):
    """The stop/restart part of the calendar alone (no sessions), so its failures show on their own. Stopped
    days are drawn only while the class runs (2 March to 26 June; never without a schedule)."""
    row = {"class_id": class_id, "class_code": "C", "class_subject": "S", "class_duration": None,
           "schedule_data": schedule_data, "stop_restart_dates": stop_data}
    events = class_events(row)
    if not isinstance(stop_data, list):
        # The stored shape is a list (docs/contracts/classes.md#schedule-data). schedule.stop_periods() also
        # reads the values of a JSON object (sessions are then skipped in those periods) while class_events()
        # draws stop markers for lists only: a known, reported inconsistency for data of another shape, not
        # asserted here.
        return
    periods = stop_periods(stop_data)
    kinds = [e["extendedProps"]["type"] for e in events]
    assert kinds.count("stop_date") == kinds.count("restart_date") == len(periods)
    first, last = (D(2026, 3, 2), D(2026, 6, 26)) if schedule_data else (D(2026, 3, 2), D(2026, 3, 1))
    stopped = (min(restart - datetime.timedelta(days=1), last) - max(stop + datetime.timedelta(days=1), first)
               for stop, restart in periods)
    assert kinds.count("stop_period") == sum(max(days.days + 1, 0) for days in stopped)
