"""The schedule generator (pure): examples for each pattern, and hypothesis properties."""
import datetime

from hypothesis import given, settings, strategies as st

from sidecar.classes import holidays, schedule as sched

D = datetime.date
DAYS = sched.DAYS


def ui_schedule(pattern="weekly", start="2026-03-02", end="2026-06-26", days=("Monday", "Wednesday"),
                times=None, **extra):
    """schedule_data exactly as the form path stores it (docs/contracts/classes.md#schedule-data)."""
    times = times or {"Monday": ("09:00", "11:00"), "Wednesday": ("13:00", "15:30")}
    data = {
        "version": "2.0", "pattern": pattern, "startDate": start, "endDate": end, "dayOfMonth": None,
        "timeData": {"mode": "per-day", "perDayTimes": {
            d: {"start_time": s, "end_time": e, "duration": "%.2f" % ((sched.minutes_of(e) - sched.minutes_of(s)) / 60)}
            for d, (s, e) in times.items()}},
        "selectedDays": list(days), "exceptionDates": [], "holidayOverrides": [],
        "metadata": {"lastUpdated": "2026-03-01T10:00:00+00:00", "validatedAt": "2026-03-01T10:00:00+00:00"},
    }
    data.update(extra)
    return data


def run(data, stops=(), target=None, with_holidays=True):
    plan = sched.from_stored(data)
    return sched.generate(plan, stops=stops, holidays=holidays.holiday_dates if with_holidays else None,
                          target_hours=target)


def test_weekly_per_day_times_from_the_form_shape():
    sessions = run(ui_schedule())
    assert sessions[0].date == D(2026, 3, 2) and sessions[0].time.start == "09:00" and sessions[0].hours == 2
    assert sessions[1].date == D(2026, 3, 4) and sessions[1].hours == 2.5
    assert {s.day for s in sessions} == {"Monday", "Wednesday"}
    assert all(D(2026, 3, 2) <= s.date <= D(2026, 6, 26) for s in sessions)
    # Good Friday and Family Day 2026 (3 and 6 April), Freedom Day (Mon 27 April) are holidays
    assert D(2026, 4, 6) not in {s.date for s in sessions}
    assert D(2026, 4, 27) not in {s.date for s in sessions}


def test_camel_case_and_legacy_time_keys_are_read_too():
    camel = ui_schedule()
    camel["timeData"] = {"mode": "per-day", "perDayTimes": {"Monday": {"startTime": "08:00", "endTime": "10:00"},
                                                            "Wednesday": {"startTime": "08:00", "endTime": "09:30"}}}
    assert run(camel)[0].time == sched.SessionTime("08:00", "10:00")
    legacy = ui_schedule()
    legacy["timeData"] = {"mode": "per-day", "perDay": {"Monday": {"startTime": "07:00", "endTime": "08:00"}}}
    assert run(legacy)[0].time.start == "07:00"
    snake = {"pattern": "weekly", "start_date": "2026-03-02", "end_date": "2026-03-31", "days": ["Tuesday"],
             "start_time": "10:00", "end_time": "12:00"}
    sessions = run(snake)
    assert [s.date.day for s in sessions] == [3, 10, 17, 24, 31] and sessions[0].hours == 2


def test_holiday_override_holds_class_on_the_holiday():
    data = ui_schedule(holidayOverrides={"2026-04-27": True, "2026-04-06": False})
    got = {s.date for s in run(data)}
    assert D(2026, 4, 27) in got and D(2026, 4, 6) not in got


def test_exceptions_and_stop_periods():
    data = ui_schedule(exceptionDates=[{"date": "2026-03-09", "reason": "Client Cancelled"}])
    stops = sched.stop_periods([{"stop_date": "2026-03-16", "restart_date": "2026-03-25"}])
    got = {s.date for s in run(data, stops=stops)}
    assert D(2026, 3, 9) not in got                       # exception
    assert not {D(2026, 3, 16), D(2026, 3, 18), D(2026, 3, 23)} & got  # stopped
    assert D(2026, 3, 25) in got                          # the restart day has class


def test_biweekly_uses_the_week_of_the_start_date():
    data = ui_schedule(pattern="biweekly", start="2026-03-04", end="2026-04-30")  # a Wednesday
    got = [s.date for s in run(data, with_holidays=False)]
    assert got[:4] == [D(2026, 3, 4), D(2026, 3, 16), D(2026, 3, 18), D(2026, 3, 30)]


def test_monthly_keeps_the_chosen_day_and_clamps_short_months():
    data = ui_schedule(pattern="monthly", start="2026-01-31", end="2026-06-30", days=(), times={},
                       dayOfMonth=31)
    data["timeData"] = {"mode": "single", "single": {"startTime": "09:00", "endTime": "12:00", "duration": 3}}
    got = [s.date for s in run(data, with_holidays=False)]
    assert got == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31), D(2026, 6, 30)]
    data["dayOfMonth"] = "last"
    assert [s.date for s in run(data, with_holidays=False)][1] == D(2026, 2, 28)
    data["dayOfMonth"] = 15
    assert [s.date for s in run(data, with_holidays=False)] == [D(2026, m, 15) for m in range(2, 7)]


def test_monthly_without_times_gives_all_day_sessions():
    data = {"pattern": "monthly", "startDate": "2026-01-10", "endDate": "2026-03-31", "dayOfMonth": "10",
            "timeData": {"mode": "per-day", "perDayTimes": []}, "selectedDays": []}
    sessions = run(data, with_holidays=False)
    assert [s.date for s in sessions] == [D(2026, 1, 10), D(2026, 2, 10), D(2026, 3, 10)]
    assert all(s.time is None and s.hours == 0 for s in sessions)


def test_custom_is_one_session_on_the_start_date():
    data = ui_schedule(pattern="custom", start="2026-03-03", days=("Tuesday",), times={"Tuesday": ("09:00", "10:00")})
    assert [(s.date, s.hours) for s in run(data)] == [(D(2026, 3, 3), 1)]


def test_direct_entries():
    data = [{"date": "2026-03-03", "start_time": "09:00", "end_time": "10:30"},
            {"date": "2026-03-05", "start_time": "09:00", "end_time": "10:00"}]
    sessions = run(data)
    assert [(s.date, s.hours, s.direct) for s in sessions] == [(D(2026, 3, 3), 1.5, True), (D(2026, 3, 5), 1, True)]


def test_open_ended_schedule_runs_until_the_class_hours_are_reached():
    data = ui_schedule(end="")
    sessions = run(data, target=20)
    total = sched.total_hours(sessions)
    assert total >= 20 and total - sessions[-1].hours < 20


def test_no_start_or_end_before_start_means_no_sessions():
    assert run({"pattern": "weekly", "selectedDays": ["Monday"]}) == []
    assert run(ui_schedule(start="2026-05-01", end="2026-04-01")) == []
    assert run([]) == [] and run(None) == [] and run("garbage") == []


# --- properties -----------------------------------------------------------------------------

dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))
times = st.tuples(st.integers(6, 19), st.sampled_from([0, 15, 30, 45]), st.integers(1, 8)).map(
    lambda t: (f"{t[0]:02d}:{t[1]:02d}", f"{min(t[0] + t[2], 23):02d}:{t[1]:02d}"))


@st.composite
def schedules(draw):
    start = draw(dates)
    end = start + datetime.timedelta(days=draw(st.integers(0, 400)))
    pattern = draw(st.sampled_from(["weekly", "biweekly", "monthly"]))
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    day_times = {d: draw(times) for d in days}
    exceptions = draw(st.lists(st.integers(0, 400), max_size=8))
    overrides = draw(st.lists(st.integers(0, 400), max_size=4))
    data = ui_schedule(pattern=pattern, start=start.isoformat(), end=end.isoformat(), days=days, times=day_times,
                       dayOfMonth=draw(st.one_of(st.none(), st.integers(1, 31), st.just("last"))))
    data["exceptionDates"] = [{"date": (start + datetime.timedelta(days=n)).isoformat(), "reason": "Other"}
                              for n in exceptions]
    data["holidayOverrides"] = {(start + datetime.timedelta(days=n)).isoformat(): True for n in overrides}
    stop_list = []
    for offset, length in draw(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 30)), max_size=3)):
        stop = start + datetime.timedelta(days=offset)
        stop_list.append({"stop_date": stop.isoformat(),
                          "restart_date": (stop + datetime.timedelta(days=length)).isoformat()})
    return data, stop_list


@settings(max_examples=300, deadline=None)
@given(schedules())
def test_sessions_respect_every_exclusion_and_hours_add_up(case):
    data, stop_list = case
    plan = sched.from_stored(data)
    periods = sched.stop_periods(stop_list)
    sessions = sched.generate(plan, stops=periods, holidays=holidays.holiday_dates)
    holiday_set = holidays.holiday_dates(plan.start, plan.end)
    seen = set()
    for s in sessions:
        assert plan.start <= s.date <= plan.end
        assert s.date not in plan.exceptions
        assert not any(stop <= s.date < restart for stop, restart in periods)
        assert s.date not in holiday_set or plan.overrides.get(s.date)
        assert s.date not in seen
        seen.add(s.date)
        if plan.pattern in ("weekly", "biweekly"):
            assert s.day in plan.selected_days
            assert s.time == plan.per_day[s.day]
        if plan.pattern == "biweekly":
            monday = plan.start - datetime.timedelta(days=plan.start.weekday())
            assert ((s.date - monday).days // 7) % 2 == 0
    expected = sum(plan.per_day[s.day].hours if s.day in plan.per_day else 0 for s in sessions)
    assert abs(sched.total_hours(sessions) - expected) < 1e-9
    assert [s.date for s in sessions] == sorted(s.date for s in sessions)


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_weekly_sessions_are_complete(case):
    data, stop_list = case
    data["pattern"] = "weekly"
    plan = sched.from_stored(data)
    periods = sched.stop_periods(stop_list)
    got = {s.date for s in sched.generate(plan, stops=periods, holidays=holidays.holiday_dates)}
    holiday_set = holidays.holiday_dates(plan.start, plan.end)
    day = plan.start
    while day <= plan.end:
        wanted = (sched.DAYS[day.weekday()] in plan.selected_days and day not in plan.exceptions
                  and not sched.is_stopped(day, periods)
                  and (day not in holiday_set or plan.overrides.get(day, False)))
        assert (day in got) == wanted, day
        day += datetime.timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(schedules(), st.integers(1, 300))
def test_open_ended_total_reaches_the_class_duration(case, target):
    data, _ = case
    data["endDate"] = ""
    data["exceptionDates"] = []
    plan = sched.from_stored(data)
    sessions = sched.generate(plan, holidays=holidays.holiday_dates, target_hours=target)
    total = sched.total_hours(sessions)
    if sessions and total >= target:
        assert total - sessions[-1].hours < target
    assert len(sessions) <= sched.MAX_SESSIONS
