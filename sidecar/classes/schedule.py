"""A class's schedule: read from any stored ``schedule_data`` shape, and its sessions generated.

Pure functions, no I/O. The rules (docs/contracts/classes.md#scheduling-rules, with the reference's bugs fixed):

* weekly: every selected weekday from the start date to the end date (inclusive);
* biweekly: the same, in the week of the start date (Monday to Sunday) and every second week after it;
* monthly: the chosen day of every month (``last`` = the month's last day; a day the month lacks,
  such as the 31st, is that month's last day), from the start date on;
* custom: one session on the start date;
* direct entries (``[{date, start_time, end_time}]``): one session each.

Times come from the per-day times of the session's weekday (``timeData.perDayTimes`` as the
form saves them, ``timeData.perDay`` or legacy ``per_day_times``), else from the single time
(``timeData.single`` or legacy ``start_time``/``end_time``). A session without a known time is
an all-day session of 0 hours.

No session is generated on an exception date, inside a stop period (stop date inclusive,
restart date exclusive: the class resumes on its restart date), or on a public holiday that
is not overridden (``holidayOverrides[date]`` true means "hold class on this holiday").
Without an end date, sessions run until the class duration in hours is reached, or for a year
when the duration is unknown.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from ..inputs import parse_date, php_bool, strict_int

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PATTERNS = ("weekly", "biweekly", "monthly", "custom")
MAX_SESSIONS = 5000
MAX_SPAN_DAYS = 366 * 10
DEFAULT_SPAN_DAYS = 365

_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")


def parse_time(value) -> str | None:
    """``H:MM``/``HH:MM[:SS]`` -> ``HH:MM``; None when not a time of day."""
    if not isinstance(value, str):
        return None
    match = _TIME.fullmatch(value.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


def minutes_of(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class SessionTime:
    start: str  # HH:MM
    end: str    # HH:MM

    @property
    def hours(self) -> float:
        return max(0, minutes_of(self.end) - minutes_of(self.start)) * 60 / 3600  # as PHP: seconds / 3600

    @classmethod
    def read(cls, entry) -> SessionTime | None:
        if not isinstance(entry, dict):
            return None
        start = parse_time(_first(entry, "start_time", "startTime", "start"))
        end = parse_time(_first(entry, "end_time", "endTime", "end"))
        if start is None or end is None or minutes_of(end) <= minutes_of(start):
            return None
        return cls(start, end)


@dataclass(frozen=True)
class Session:
    date: datetime.date
    time: SessionTime | None
    direct: bool = False

    @property
    def hours(self) -> float:
        return self.time.hours if self.time else 0.0

    @property
    def day(self) -> str:
        return DAYS[self.date.weekday()]


@dataclass
class Schedule:
    pattern: str = "weekly"
    start: datetime.date | None = None
    end: datetime.date | None = None
    selected_days: tuple[str, ...] = ()
    day_of_month: int | str | None = None  # 1..31 or "last"
    time_mode: str = "single"               # "per-day" or "single"
    per_day: dict[str, SessionTime] = field(default_factory=dict)
    single: SessionTime | None = None
    exceptions: dict[datetime.date, str] = field(default_factory=dict)
    overrides: dict[datetime.date, bool] = field(default_factory=dict)
    direct: list[tuple[datetime.date, SessionTime]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.start is None and not self.direct

    def time_for(self, day: datetime.date) -> SessionTime | None:
        name = DAYS[day.weekday()]
        if name in self.per_day:
            return self.per_day[name]
        return self.single


def _first(mapping: dict, *keys):
    for key in keys:
        if key in mapping and mapping[key] not in (None, ""):
            return mapping[key]
    return None


def _as_list(value) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return []


def read_day_of_month(value) -> int | str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 31 else None
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "last":
            return "last"
        number = strict_int(text)
        if number is not None and 1 <= number <= 31:
            return number
    return None


def truthy_override(value) -> bool:
    """A stored ``holidayOverrides`` value: JSON true or 1, or a string PHP reads as true."""
    return value is True or value == 1 or php_bool(value)


def from_stored(data) -> Schedule:
    """Read every ``schedule_data`` variant the readers accept (docs/contracts/classes.md#schedule-data)."""
    schedule = Schedule()
    if isinstance(data, list):
        schedule.direct = _direct_entries(data)
        return schedule
    if not isinstance(data, dict):
        return schedule
    numeric = [v for k, v in data.items() if isinstance(k, int) or (isinstance(k, str) and k.isdigit())]
    schedule.direct = _direct_entries(numeric)
    pattern = data.get("pattern")
    schedule.pattern = pattern if pattern in PATTERNS else "weekly"
    schedule.start = parse_date(_first(data, "startDate", "start_date"))
    schedule.end = parse_date(_first(data, "endDate", "end_date"))
    schedule.day_of_month = read_day_of_month(_first(data, "dayOfMonth", "day_of_month"))
    days = _as_list(_first(data, "selectedDays", "selected_days", "days") or [])
    schedule.selected_days = tuple(d for d in DAYS if d in days)

    time_data = data.get("timeData") if isinstance(data.get("timeData"), dict) else {}
    per_day_source = (_first(time_data, "perDayTimes", "perDay", "per_day_times")
                      or _first(data, "per_day_times", "perDayTimes") or {})
    if isinstance(per_day_source, dict):
        for day, entry in per_day_source.items():
            time = SessionTime.read(entry)
            if day in DAYS and time is not None:
                schedule.per_day[day] = time
    single_source = time_data.get("single") if isinstance(time_data.get("single"), dict) else None
    if single_source is None and _first(data, "start_time", "startTime"):
        single_source = data
    schedule.single = SessionTime.read(single_source) if single_source else None
    mode = str(time_data.get("mode") or data.get("time_mode") or "")
    schedule.time_mode = "per-day" if (mode in ("per-day", "per_day") or (schedule.per_day and not mode)) else "single"

    for entry in _as_list(_first(data, "exceptionDates", "exception_dates") or []):
        if isinstance(entry, dict):
            day = parse_date(entry.get("date"))
            reason = entry.get("reason")
        else:
            day, reason = parse_date(entry), None
        if day is not None:
            schedule.exceptions[day] = reason if isinstance(reason, str) and reason else ""
    overrides = _first(data, "holidayOverrides", "holiday_overrides")
    if isinstance(overrides, dict):
        for key, value in overrides.items():
            day = parse_date(key)
            if day is not None:
                schedule.overrides[day] = truthy_override(value)
    return schedule


def _direct_entries(entries) -> list[tuple[datetime.date, SessionTime]]:
    found = []
    for entry in entries:
        if isinstance(entry, dict) and "date" in entry:
            day = parse_date(entry.get("date"))
            time = SessionTime.read(entry)
            if day is not None and time is not None:
                found.append((day, time))
    return sorted(found, key=lambda item: (item[0], item[1].start))


def stop_periods(stop_restart_dates) -> list[tuple[datetime.date, datetime.date]]:
    """``[{stop_date, restart_date}]`` -> [(stop, restart)] for the pairs that are real dates in order."""
    periods = []
    for entry in _as_list(stop_restart_dates):
        if not isinstance(entry, dict):
            continue
        stop = parse_date(_first(entry, "stop_date", "stopDate"))
        restart = parse_date(_first(entry, "restart_date", "restartDate"))
        if stop is not None and restart is not None and restart >= stop:
            periods.append((stop, restart))
    return periods


def is_stopped(day: datetime.date, periods) -> bool:
    return any(stop <= day < restart for stop, restart in periods)


def _monthly_dates(schedule: Schedule, first: datetime.date):
    dom = schedule.day_of_month if schedule.day_of_month is not None else first.day
    year, month = first.year, first.month
    while True:
        last_day = _days_in_month(year, month)
        day = last_day if dom == "last" else min(int(dom), last_day)
        candidate = datetime.date(year, month, day)
        if candidate >= first:
            yield candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
        if year > datetime.MAXYEAR - 1:
            return


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)).day


def _pattern_dates(schedule: Schedule, first: datetime.date):
    if schedule.pattern == "custom":
        yield first
        return
    if schedule.pattern == "monthly":
        yield from _monthly_dates(schedule, first)
        return
    wanted = {DAYS.index(d) for d in schedule.selected_days}
    if not wanted:
        return
    week_zero = first - datetime.timedelta(days=first.weekday())
    day = first
    while True:
        if day.weekday() in wanted:
            if schedule.pattern != "biweekly" or ((day - week_zero).days // 7) % 2 == 0:
                yield day
        day += datetime.timedelta(days=1)


def generate(schedule: Schedule, *, stops=(), holidays=None, target_hours: float | None = None,
             horizon_days: int = DEFAULT_SPAN_DAYS) -> list[Session]:
    """The class sessions, in date order.

    ``holidays`` is a callable (first, last) -> {date: name}, or a set/dict of dates, or None.
    ``target_hours`` bounds an open-ended schedule (no end date).
    """
    periods = list(stops)
    sessions: list[Session] = []

    def excluded(day: datetime.date) -> bool:
        if day in schedule.exceptions or is_stopped(day, periods):
            return True
        return day in holiday_set and not schedule.overrides.get(day, False)

    if schedule.direct:
        first = schedule.direct[0][0]
        last = schedule.direct[-1][0]
        holiday_set = _holiday_set(holidays, first, last)
        for day, time in schedule.direct[:MAX_SESSIONS]:
            if not excluded(day):
                sessions.append(Session(day, time, direct=True))
        return sessions

    if schedule.start is None:
        return sessions
    first = schedule.start
    if schedule.end is not None and schedule.end < first:
        return sessions
    open_ended = schedule.end is None
    has_times = bool(schedule.per_day) or schedule.single is not None
    if not open_ended:
        last = _closed_end(schedule)
    elif target_hours and target_hours > 0 and has_times:
        last = first + datetime.timedelta(days=MAX_SPAN_DAYS)
    else:
        last = first + datetime.timedelta(days=horizon_days)
    holiday_set = _holiday_set(holidays, first, last)
    total = 0.0
    for day in _pattern_dates(schedule, first):
        if day > last or len(sessions) >= MAX_SESSIONS:
            break
        if excluded(day):
            continue
        session = Session(day, schedule.time_for(day))
        sessions.append(session)
        total += session.hours
        if open_ended and target_hours and total >= target_hours - 1e-9:
            break
    return sessions


def _closed_end(schedule: Schedule) -> datetime.date:
    """The last day sessions are generated for a schedule with an end date."""
    return min(schedule.end, schedule.start + datetime.timedelta(days=MAX_SPAN_DAYS))


def class_range(schedule: Schedule, sessions) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day the class runs (``sessions``: what ``generate`` made of it), which bound what a
    stop period can stop; None when it does not run at all.

    * direct entries: the first to the last entry;
    * with an end date: the start date to the end date (at most ``MAX_SPAN_DAYS``, as sessions are generated);
    * without one: the start date to the last session (the start date when none). Such a class ends when its
      hours are reached, or at the generator's horizon; its sessions are generated around the stop periods, so
      a stop the class resumes from lies inside, and after the last session there is no class left to stop.
    """
    if schedule.direct:
        return schedule.direct[0][0], schedule.direct[-1][0]
    if schedule.start is None or (schedule.end is not None and schedule.end < schedule.start):
        return None
    if schedule.end is not None:
        return schedule.start, _closed_end(schedule)
    return schedule.start, max((s.date for s in sessions), default=schedule.start)


def _holiday_set(holidays, first, last) -> set:
    if holidays is None:
        return set()
    if callable(holidays):
        return set(holidays(first, last))
    return set(holidays)


def total_hours(sessions) -> float:
    return sum(s.hours for s in sessions)
