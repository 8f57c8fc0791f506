"""The ``get_calendar_events`` array: FullCalendar events of one class (docs/contracts/classes.md#calendar-events).

Sessions come from ``schedule.generate`` (so they honour exceptions, stop periods and public
holidays); then one background event per exception date; then, per stop/restart pair, a stop
event, a restart event and one event for each day strictly between them.

Deviations from the reference: a class without a schedule gets no invented "sample" sessions. The
answer is bounded (a stop from 1900 to 2200 made the reference answer 36 MB): only the days FullCalendar
asks for (its ``start``/``end``) are built, stopped days only while the class runs
(``schedule.class_range``), and at most ``MAX_EVENTS`` events.
"""
from __future__ import annotations

import datetime
import heapq
import itertools

from ..inputs import parse_date
from . import holidays, schedule as sched

# The pages show one class in FullCalendar's month and week views (a few weeks per request) and in a list view
# that asks for the whole class. A year of daily sessions is ~365 events plus markers, a real class far fewer:
# 2000 (about 750 kB) is well above any real class. Past it the events of the earliest days are kept.
MAX_EVENTS = 2000
ONE_DAY = datetime.timedelta(days=1)
SESSION_CLASSES = ["wecoza-class-event", "text-primary"]


def php_number(value: float):
    """``(end - start) / 3600`` as PHP gives it: an int when whole, else a float."""
    return int(value) if float(value).is_integer() else value


def _session_event(class_id, row, plan: sched.Schedule, session: sched.Session) -> dict:
    day_iso = session.date.isoformat()
    day_name = session.day
    props = {"type": "class_session", "classCode": row.get("class_code"),
             "classSubject": row.get("class_subject"), "notes": "", "scheduleFormat": "v2.0",
             "dayOfWeek": day_name}
    event = {"id": f"class_{class_id}_{day_iso}"}
    time = session.time
    if time is None:
        event.update({"title": "Class session", "start": day_iso, "allDay": True, "classNames": list(SESSION_CLASSES)})
        props.update({"pattern": plan.pattern, "timeMode": plan.time_mode, "duration": 0})
        event["extendedProps"] = props
        return event
    hours = time.hours
    if session.direct:
        title = f"{day_name}: {time.start} - {time.end} ({php_number(hours)}h)"
        props["duration"] = php_number(hours)
    else:
        per_day = plan.per_day.get(day_name) is time
        label = f"{time.start} - {time.end} ({hours:.1f}h)"
        title = f"{day_name}: {label}" if per_day else label
        props.update({"pattern": plan.pattern, "timeMode": "per-day" if per_day else "single",
                      "duration": php_number(hours)})
    event.update({"title": title, "start": f"{day_iso}T{time.start}", "end": f"{day_iso}T{time.end}",
                  "classNames": list(SESSION_CLASSES), "extendedProps": props})
    return event


def load_class(cur, class_id: int) -> dict | None:
    cur.execute("SELECT class_id, class_code, class_subject, class_duration, schedule_data, stop_restart_dates "
                "FROM public.classes WHERE class_id = %s", (class_id,))
    row = cur.fetchone()
    return dict(row) if row is not None else None


def window(start, end) -> tuple[datetime.date | None, datetime.date | None]:
    """The days of FullCalendar's ``start``/``end`` parameters (``2026-11-29T00:00:00+02:00``), both included;
    a side that is missing or not a date is open. The list view posts neither and gets the whole class."""
    def day(value):
        return parse_date(value[:10]) if isinstance(value, str) else None
    return day(start), day(end)


def class_events(row: dict, target_hours=None, days=(None, None)) -> list[dict]:
    """The calendar events of the class row (``class_id``, ``class_code``, ``class_subject``,
    ``class_duration``, ``schedule_data``, ``stop_restart_dates``) on the ``days`` (first, last) asked for, in the
    reference's order; at most ``MAX_EVENTS``, those of the earliest days when there are more."""
    class_id = row["class_id"]
    plan = sched.from_stored(row.get("schedule_data"))
    stops_raw = row.get("stop_restart_dates")
    if target_hours is None:
        target_hours = row.get("class_duration") or None
    sessions = sched.generate(plan, stops=sched.stop_periods(stops_raw), holidays=holidays.holiday_dates,
                              target_hours=target_hours)
    # Each stream yields (day, place in the reference's order, event) by day, so the cap keeps the earliest days.
    streams = [
        ((s.date, (0, i), _session_event(class_id, row, plan, s))
         for i, s in enumerate(sessions) if _asked(s.date, days)),
        ((day, (1, i), _exception_event(class_id, day, reason))
         for i, (day, reason) in sorted(enumerate(plan.exceptions.items()), key=lambda item: item[1][0])
         if _asked(day, days)),
    ]
    span = sched.class_range(plan, sessions)
    entries = stops_raw if isinstance(stops_raw, list) else []
    for index, entry in enumerate(entries):
        pair = sched.stop_periods([entry])
        if pair:
            streams.append(_stop_events(class_id, row, index, *pair[0], span, days))
    merged = heapq.merge(*streams, key=lambda item: item[0])
    kept = sorted(itertools.islice(merged, MAX_EVENTS), key=lambda item: item[1])
    return [event for _, _, event in kept]


def _asked(day: datetime.date, days) -> bool:
    low, high = days
    return (low is None or day >= low) and (high is None or day <= high)


def _exception_event(class_id, day: datetime.date, reason: str) -> dict:
    reason = reason or "No reason specified"
    return {
        "id": f"exception_{class_id}_{day.isoformat()}", "title": f"Exception - {reason}",
        "start": day.isoformat(), "allDay": True, "display": "background",
        "classNames": ["wecoza-exception-event"],
        "extendedProps": {"type": "exception", "reason": reason, "scheduleFormat": "v2.0"},
    }


def _stop_events(class_id, row, index, stop, restart, span, days):
    """One stop/restart pair: its two markers (always, when asked: they are what was entered) and one event per
    stopped day strictly between them, only on days the class runs (``span``) and that were asked for."""
    subject = row.get("class_subject") or ""
    stop_s, restart_s = stop.isoformat(), restart.isoformat()
    if _asked(stop, days):
        yield stop, (2, index, 0), {
            "id": f"class_stop_{class_id}_{index}", "title": "Class Stopped", "start": stop_s, "allDay": True,
            "display": "block", "classNames": ["text-danger", "wecoza-stop"],
            "extendedProps": {"type": "stop_date", "class_id": class_id,
                              "description": f"Class Stopped: {stop_s}\\nClass: {subject}", "interactive": False},
        }
    if span is not None:
        low, high = days
        day = max(stop + ONE_DAY, span[0], low or span[0])
        last = min(restart - ONE_DAY, span[1], high or span[1])
        while day <= last:
            day_s = day.isoformat()
            yield day, (2, index, 2, day), {
                "id": f"stop_period_{class_id}_{index}_{day_s}", "title": "", "start": day_s, "allDay": True,
                "display": "block", "classNames": ["text-danger", "wecoza-stop-period"],
                "extendedProps": {"type": "stop_period", "class_id": class_id,
                                  "description": (f"Class Stopped Period: {day_s}\\nClass: {subject}"
                                                  f"\\nStopped from {stop_s} to {restart_s}"),
                                  "interactive": False},
            }
            day += ONE_DAY
    if _asked(restart, days):
        yield restart, (2, index, 1), {
            "id": f"class_restart_{class_id}_{index}", "title": "Restart", "start": restart_s, "allDay": True,
            "display": "block", "classNames": ["text-danger", "wecoza-restart"],
            "extendedProps": {"type": "restart_date", "class_id": class_id,
                              "description": f"Class Restart: {restart_s}\\nClass: {subject}", "interactive": False},
        }
