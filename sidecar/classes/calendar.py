"""The ``get_calendar_events`` array: FullCalendar events of one class (classes-contract 1.2.3).

Sessions come from ``schedule.generate`` (so they honour exceptions, stop periods and public
holidays); then one background event per exception date; then, per stop/restart pair, a stop
event, a restart event and one event for each day strictly between them.

Deviation from the reference: a class without a schedule gets no invented "sample" sessions.
"""
from __future__ import annotations

import datetime

from . import holidays, schedule as sched

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


def class_events(row: dict, target_hours=None) -> list[dict]:
    """Every calendar event of the class row (``class_id``, ``class_code``, ``class_subject``,
    ``class_duration``, ``schedule_data``, ``stop_restart_dates``)."""
    class_id = row["class_id"]
    subject = row.get("class_subject") or ""
    plan = sched.from_stored(row.get("schedule_data"))
    stops_raw = row.get("stop_restart_dates")
    periods = sched.stop_periods(stops_raw)
    if target_hours is None:
        target_hours = row.get("class_duration") or None
    sessions = sched.generate(plan, stops=periods, holidays=holidays.holiday_dates, target_hours=target_hours)
    events = [_session_event(class_id, row, plan, s) for s in sessions]

    for day, reason in plan.exceptions.items():
        reason = reason or "No reason specified"
        events.append({
            "id": f"exception_{class_id}_{day.isoformat()}", "title": f"Exception - {reason}",
            "start": day.isoformat(), "allDay": True, "display": "background",
            "classNames": ["wecoza-exception-event"],
            "extendedProps": {"type": "exception", "reason": reason, "scheduleFormat": "v2.0"},
        })

    entries = stops_raw if isinstance(stops_raw, list) else []
    for index, entry in enumerate(entries):
        pair = sched.stop_periods([entry])
        if not pair:
            continue
        stop, restart = pair[0]
        stop_s, restart_s = stop.isoformat(), restart.isoformat()
        events.append({
            "id": f"class_stop_{class_id}_{index}", "title": "Class Stopped", "start": stop_s, "allDay": True,
            "display": "block", "classNames": ["text-danger", "wecoza-stop"],
            "extendedProps": {"type": "stop_date", "class_id": class_id,
                              "description": f"Class Stopped: {stop_s}\\nClass: {subject}", "interactive": False},
        })
        events.append({
            "id": f"class_restart_{class_id}_{index}", "title": "Restart", "start": restart_s, "allDay": True,
            "display": "block", "classNames": ["text-danger", "wecoza-restart"],
            "extendedProps": {"type": "restart_date", "class_id": class_id,
                              "description": f"Class Restart: {restart_s}\\nClass: {subject}", "interactive": False},
        })
        day = stop + datetime.timedelta(days=1)
        while day < restart:
            day_s = day.isoformat()
            events.append({
                "id": f"stop_period_{class_id}_{index}_{day_s}", "title": "", "start": day_s, "allDay": True,
                "display": "block", "classNames": ["text-danger", "wecoza-stop-period"],
                "extendedProps": {"type": "stop_period", "class_id": class_id,
                                  "description": (f"Class Stopped Period: {day_s}\\nClass: {subject}"
                                                  f"\\nStopped from {stop_s} to {restart_s}"),
                                  "interactive": False},
            })
            day += datetime.timedelta(days=1)
    return events
