"""Reading ``#classes-form`` (create and update pages) into validated column values.

Pure: no database, no files. ``parse_class_form`` returns a ``ClassForm`` holding only what the
form really sent (a field it did not send is absent, so the stored value is left alone) or
raises ``FormInvalid`` with a message for the user. Catalogue: docs/contracts/classes.md#the-class-form-fields.
"""
from __future__ import annotations

import datetime
import html
import json
from dataclasses import dataclass, field

from ..refusals import VALIDATION, Refusal
from . import holidays, schedule as sched
from ..inputs import clean_line, parse_date, php_bool, strict_id, strict_int

EVENT_STATUSES = ("Pending", "Completed", "Cancelled")
LEARNER_KEYS = ("id", "name", "level", "status", "exam_status")
MAX_LEARNERS = 2000

# varchar limits of public.classes
TEXT_LIMITS = {
    "class_address_line": ("Site address", 100),
    "class_type": ("Class type", 50),
    "class_subject": ("Class subject", 100),
    "class_code": ("Class code", 50),
    "seta": ("SETA", 100),
    "exam_type": ("Exam type", 50),
    "order_nr": ("Order number", 100),
}


class FormInvalid(Exception):
    """Input the user must correct; ``message`` is shown as is.

    For the log: ``field``, the form field at fault, and ``log_message``, which must not hold a submitted
    value; it defaults to ``message``, so a message built from a submitted value passes one without it."""

    def __init__(self, message: str, field: str | None = None, log_message: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.log_message = log_message if log_message is not None else message

    @property
    def refusal(self) -> Refusal:
        return Refusal(VALIDATION, (self.field,) if self.field else (), self.log_message)


@dataclass
class ClassForm:
    class_id: int | None                      # None: create
    values: dict = field(default_factory=dict)  # column -> value, only for fields the form sent
    start_date_candidate: datetime.date | None = None  # original_start_date when it may be set
    replacements: list | None = None          # [(agent_id, date)] when the form sent the rows
    force_lp_override: bool = True

    @property
    def is_update(self) -> bool:
        return self.class_id is not None


def utc_now() -> datetime.datetime:
    """Now in UTC without a zone, to the second: PHP's ``date('Y-m-d H:i:s')`` under WordPress."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


def iso_utc(moment: datetime.datetime | None = None) -> str:
    """``date('c')`` under WordPress: ISO 8601 in UTC."""
    moment = moment or utc_now()
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def mysql_utc(moment: datetime.datetime | None = None) -> str:
    """``Y-m-d H:i:s`` in UTC."""
    return (moment or utc_now()).strftime("%Y-%m-%d %H:%M:%S")


# --- small readers -------------------------------------------------------------------------

def _str(post: dict, name: str) -> str | None:
    value = post.get(name)
    return value if isinstance(value, str) else None


def filled_rows(post: dict, *names: str, preset: tuple = (), chosen: str | None = None):
    """(row number from 1, row) of the parallel ``name[]`` lists, values stripped, without the page's
    hidden template rows.

    Each repeatable group of the class pages (backup and replacement agents, stop/restart dates, exception
    dates, events, QA visits) ends with a hidden template row (``#…-row-template``, placed after the
    group's container of real rows, so it is the LAST row posted), and the browser posts it:
    - a row left empty is skipped wherever it is; ``preset`` columns are selects the page pre-fills
      (event status "Pending", QA visit type "Initial QA Visit") and do not make a row filled;
    - the capture page's start-date handler fills every empty ``backup_agent_dates[]`` and
      ``exception_dates[]`` input, the template's included, with the start date (an earlier one if the
      date was changed). So the LAST row is the template whenever its ``chosen`` column (what only the
      admin picks: the agent, the reason) is empty, whatever else it holds. Earlier rows are the admin's.
    """
    columns = [form_list(post, name) for name in names]
    count = max(map(len, columns))
    blank_ok = [name in preset for name in names]
    key = names.index(chosen) if chosen is not None else None
    for i in range(count):
        row = tuple(column[i].strip() if i < len(column) else "" for column in columns)
        if not any(value for value, preset_column in zip(row, blank_ok, strict=True) if not preset_column):
            continue
        if key is not None and i == count - 1 and not row[key]:
            continue
        yield i + 1, row


def form_list(post: dict, name: str) -> list:
    """``name[]`` values in order (a PHP array with integer keys); a lone scalar counts as one."""
    value = post.get(name)
    if isinstance(value, dict):
        return [v if isinstance(v, str) else "" for v in value.values()]
    if isinstance(value, str):
        return [value]
    return []


def no_choice_if_zero(agent: str) -> str:
    """An agent select's value in a backup or replacement row: "0" chooses nobody (PHP's empty("0"), which the
    reference skipped), so it is no choice, never a row with a NULL agent."""
    return "" if agent == "0" else agent


def _id_or_none(value: str, label: str, field: str) -> int | None:
    value = (value or "").strip()
    if value in ("", "0"):
        return None
    number = strict_id(value)
    if number is None:
        raise FormInvalid(f"{label} is not valid.", field)
    return number


def _date_or_none(value, label: str, field: str) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise FormInvalid(f"{label} is not a valid date (YYYY-MM-DD).", field)
    return parsed


def _text(values: dict, column: str, raw: str, field: str) -> None:
    label, limit = TEXT_LIMITS[column]
    cleaned = clean_line(raw)
    if len(cleaned) > limit:
        raise FormInvalid(f"{label} is too long ({limit} characters at most).", field)
    values[column] = cleaned


def _json_input(raw: str, label: str, field: str):
    text = raw.strip()
    try:
        return json.loads(text)
    except ValueError:
        try:
            return json.loads(html.unescape(text))
        except ValueError:
            raise FormInvalid(f"The {label} could not be read. Please reload the page and try again.",
                              field) from None


# --- learners -------------------------------------------------------------------------------

def parse_learners(raw: str, label: str, field: str) -> list[dict]:
    """``[{"id":"12","name":…,"level":…,"status":…}]`` as the learner table writes it; ids stay strings."""
    data = _json_input(raw, label, field)
    if data is None:
        return []
    if not isinstance(data, list):
        raise FormInvalid(f"The {label} could not be read. Please reload the page and try again.", field)
    if len(data) > MAX_LEARNERS:
        raise FormInvalid(f"Too many entries in the {label}.", field)
    learners, seen = [], set()
    for entry in data:
        if isinstance(entry, (int, str)) and not isinstance(entry, bool):
            entry = {"id": entry}
        if not isinstance(entry, dict):
            raise FormInvalid(f"The {label} could not be read. Please reload the page and try again.", field)
        raw_id = entry.get("id")
        learner_id = strict_id(raw_id if isinstance(raw_id, (int, str)) else "")
        if learner_id is None:
            raise FormInvalid(f"The {label} holds an invalid learner id.", field)
        if learner_id in seen:
            continue
        seen.add(learner_id)
        clean = {"id": str(learner_id)}
        for key in LEARNER_KEYS[1:]:
            if key in entry and entry[key] is not None:
                clean[key] = clean_line(str(entry[key]) if not isinstance(entry[key], str) else entry[key], 200)
        learners.append(clean)
    return learners


def learner_ids(entries) -> list[int]:
    """Learner ids of a stored ``learner_ids`` value (objects or a legacy bare id list)."""
    ids = []
    for entry in entries if isinstance(entries, list) else []:
        raw = entry.get("id") if isinstance(entry, dict) else entry
        number = strict_id(raw if isinstance(raw, (int, str)) else "")
        if number is not None and number not in ids:
            ids.append(number)
    return ids


# --- schedule ------------------------------------------------------------------------------

def _schedule_sent(post: dict) -> bool:
    data = post.get("schedule_data")
    if isinstance(data, str):
        return bool(data.strip())
    if isinstance(data, dict):
        return any(k in data for k in ("pattern", "start_date", "startDate"))
    return False


def _day_names(values, field: str) -> list[str]:
    days = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        day = value.strip().capitalize()
        if day not in sched.DAYS:
            raise FormInvalid(f"Unknown day in the schedule: {clean_line(value, 20)}.", field,
                              "Unknown day in the schedule.")
        if day not in days:
            days.append(day)
    return [d for d in sched.DAYS if d in days]


def _time_entry(entry, day_label: str, field: str) -> dict | None:
    if not isinstance(entry, dict):
        return None
    start_raw = entry.get("start_time", entry.get("startTime", ""))
    end_raw = entry.get("end_time", entry.get("endTime", ""))
    if not (isinstance(start_raw, str) and start_raw.strip()) and not (isinstance(end_raw, str) and end_raw.strip()):
        return None
    start, end = sched.parse_time(start_raw), sched.parse_time(end_raw)
    if start is None or end is None:
        raise FormInvalid(f"The class times for {day_label} are not valid (HH:MM).", field)
    if sched.minutes_of(end) <= sched.minutes_of(start):
        raise FormInvalid(f"The end time for {day_label} must be after the start time.", field)
    hours = (sched.minutes_of(end) - sched.minutes_of(start)) / 60
    return {"start_time": start, "end_time": end, "duration": f"{hours:.2f}"}


def parse_schedule(post: dict, now: datetime.datetime | None = None) -> dict:
    """The stored ``schedule_data`` (v2) from the form's ``schedule_data[...]`` fields or JSON string,
    with the top-level fields as fallbacks. The reference's losses are fixed: the day of month and
    single times are kept, ``perDayTimes`` is what the calendar reads, selected days stay a list."""
    raw = post.get("schedule_data")
    if isinstance(raw, str):
        data = _json_input(raw, "schedule data", "schedule_data") if raw.strip() else {}
        if isinstance(data, list) and not data:
            data = {}
        if not isinstance(data, dict):
            raise FormInvalid("The schedule data could not be read. Please reload the page and try again.",
                              "schedule_data")
    elif isinstance(raw, dict):
        data = raw
    else:
        data = {}

    def pick(*names):
        for name in names:
            value = data.get(name)
            if value not in (None, ""):
                return value
        return None

    pattern = pick("pattern") or _str(post, "schedule_pattern") or "weekly"
    if not isinstance(pattern, str) or pattern not in sched.PATTERNS:
        raise FormInvalid("Unknown schedule pattern. Choose weekly, bi-weekly, monthly or custom.", "schedule_pattern")
    start = _date_or_none(pick("start_date", "startDate") or _str(post, "schedule_start_date")
                          or _str(post, "class_start_date"), "The schedule start date", "schedule_start_date")
    if start is None:
        raise FormInvalid("The schedule start date is required.", "schedule_start_date")
    end_raw = _str(post, "schedule_end_date")
    end = _date_or_none(end_raw if end_raw and end_raw.strip() else pick("end_date", "endDate"),
                        "The schedule end date", "schedule_end_date")
    if end is not None and end < start:
        raise FormInvalid("The schedule end date is before its start date.", "schedule_end_date")

    dom_raw = pick("day_of_month", "dayOfMonth")
    if dom_raw is None:
        dom_raw = _str(post, "schedule_day_of_month") or None
    day_of_month = None
    if dom_raw is not None:
        day_of_month = sched.read_day_of_month(dom_raw if not isinstance(dom_raw, bool) else "")
        if day_of_month is None:
            raise FormInvalid("The day of the month must be 1 to 31 or 'last'.", "schedule_day_of_month")

    days_raw = pick("selected_days", "selectedDays", "days")
    if days_raw is None:
        days_raw = form_list(post, "schedule_days")
    days = _day_names(days_raw.values() if isinstance(days_raw, dict) else
                      (days_raw if isinstance(days_raw, list) else [days_raw]), "schedule_days")

    time_data = pick("timeData") if isinstance(pick("timeData"), dict) else {}
    per_day_raw = pick("per_day_times", "perDayTimes") or time_data.get("perDayTimes") or time_data.get("perDay") or {}
    per_day = {}
    if isinstance(per_day_raw, dict):
        for day, entry in per_day_raw.items():
            name = str(day).strip().capitalize()
            if name not in sched.DAYS:
                raise FormInvalid(f"Unknown day in the class times: {clean_line(str(day), 20)}.", "per_day_times",
                                  "Unknown day in the class times.")
            parsed = _time_entry(entry, name, "per_day_times")
            if parsed is not None:
                per_day[name] = parsed
    mode = str(pick("time_mode") or time_data.get("mode") or "")
    single_raw = time_data.get("single") if isinstance(time_data.get("single"), dict) else {}
    single = _time_entry({"start_time": pick("start_time") or single_raw.get("startTime", ""),
                          "end_time": pick("end_time") or single_raw.get("endTime", "")}, "the class",
                         "schedule_data")
    if per_day or mode in ("per_day", "per-day"):
        time_block = {"mode": "per-day", "perDayTimes": {d: per_day[d] for d in sched.DAYS if d in per_day}}
    else:
        time_block = {"mode": "single"}
        if single is not None:
            time_block["single"] = {"startTime": single["start_time"], "endTime": single["end_time"],
                                    "duration": float(single["duration"])}

    exceptions = []
    raw_exceptions = pick("exception_dates", "exceptionDates")
    if isinstance(raw_exceptions, dict):
        raw_exceptions = list(raw_exceptions.values())
    if not isinstance(raw_exceptions, list):
        raw_exceptions = [{"date": date, "reason": reason} for _, (date, reason)
                          in filled_rows(post, "exception_dates", "exception_reasons", chosen="exception_reasons")]
    seen = set()
    for entry in raw_exceptions:
        if not isinstance(entry, dict):
            entry = {"date": entry}
        date_raw = entry.get("date")
        if not isinstance(date_raw, str) or not date_raw.strip():
            continue
        day = _date_or_none(date_raw, "An exception date", "exception_dates")
        if day in seen:
            continue
        seen.add(day)
        reason = clean_line(entry.get("reason") if isinstance(entry.get("reason"), str) else "", 100)
        exceptions.append({"date": day.isoformat(), "reason": reason or "No reason specified"})

    overrides = {}
    raw_overrides = pick("holiday_overrides", "holidayOverrides")
    if isinstance(raw_overrides, str):
        raw_overrides = (_json_input(raw_overrides, "holiday overrides", "holiday_overrides")
                         if raw_overrides.strip() else {})
    if isinstance(raw_overrides, dict):
        for key, value in raw_overrides.items():
            day = parse_date(str(key))
            if day is None:
                raise FormInvalid("A holiday override date is not valid.", "holiday_overrides")
            overrides[day.isoformat()] = sched.truthy_override(value)

    stamp = iso_utc(now)
    return {
        "version": "2.0",
        "pattern": pattern,
        "startDate": start.isoformat(),
        "endDate": end.isoformat() if end else "",
        "timeData": time_block,
        "selectedDays": days,
        "dayOfMonth": day_of_month,
        "exceptionDates": exceptions,
        "holidayOverrides": overrides or [],
        "metadata": {"lastUpdated": stamp, "validatedAt": stamp},
    }


def same_schedule(a, b) -> bool:
    """Equal apart from the save-time metadata (so an unchanged schedule is not rewritten)."""
    def strip(value):
        if not isinstance(value, dict):
            return value
        copy = dict(value)
        copy.pop("metadata", None)
        if copy.get("holidayOverrides") in ({}, []):
            copy["holidayOverrides"] = []
        return json.dumps(copy, sort_keys=True)
    return strip(a) == strip(b)


def _check_stops_fit(stops_entered, schedule_data: dict, duration) -> None:
    """A stop period longer than the class runs (``schedule.class_range``, with its stop periods) is a typing
    error: the page extends the end date over each stop, so a real stop always fits inside the class."""
    plan = sched.from_stored(schedule_data)
    periods = [(stop, restart) for _, stop, restart in stops_entered]
    sessions = [] if plan.end is not None else sched.generate(plan, stops=periods, holidays=holidays.holiday_dates,
                                                              target_hours=duration)
    span = sched.class_range(plan, sessions)
    runs = (span[1] - span[0]).days + 1 if span else 0
    for number, stop, restart in stops_entered:
        if (restart - stop).days > runs:
            raise FormInvalid(f"Class stop {number}: the stop period is longer than the class runs.", "restart_dates")


# --- the whole form -------------------------------------------------------------------------

def parse_class_id(post: dict) -> int | None:
    raw = (_str(post, "class_id") or "").strip()
    if raw in ("", "0", "auto-generated", "new"):
        return None
    number = strict_id(raw)
    if number is None:
        raise FormInvalid("Invalid class ID provided.", "class_id")
    return number


def parse_class_form(post: dict, now: datetime.datetime | None = None) -> ClassForm:
    form = ClassForm(class_id=parse_class_id(post))
    values = form.values
    creating = not form.is_update

    for name, column, label in (("client_id", "client_id", "The client"), ("site_id", "site_id", "The site"),
                                ("initial_class_agent", "initial_class_agent", "The initial class agent"),
                                ("project_supervisor", "project_supervisor_id", "The project supervisor"),
                                ("class_agent", "class_agent", "The class agent")):
        raw = _str(post, name)
        if raw is not None:
            values[column] = _id_or_none(raw, label, name)

    for name, column in (("site_address", "class_address_line"), ("class_type", "class_type"),
                         ("class_subject", "class_subject"), ("exam_type", "exam_type"), ("order_nr", "order_nr")):
        raw = _str(post, name)
        if raw is not None:
            _text(values, column, raw, name)
    if creating and _str(post, "class_code") is not None:
        # the update page sends class_code_hidden: not editable
        _text(values, "class_code", _str(post, "class_code"), "class_code")
    seta_field = "seta_id" if _str(post, "seta_id") is not None else "seta"
    seta = _str(post, seta_field)
    if seta is not None:
        _text(values, "seta", seta, seta_field)

    duration = _str(post, "class_duration")
    if duration is not None:
        hours = strict_int(duration)
        if duration.strip() == "":
            values["class_duration"] = None
        elif hours is not None and hours < 100000:
            values["class_duration"] = hours
        else:
            raise FormInvalid("The class duration must be a whole number of hours.", "class_duration")

    for name in ("seta_funded", "exam_class"):
        raw = _str(post, name)
        if raw is not None:
            values[name] = php_bool(raw)
        elif creating:
            values[name] = False

    start_field = next((name for name in ("schedule_start_date", "original_start_date", "class_start_date")
                        if (_str(post, name) or "").strip()), None)
    form.start_date_candidate = _date_or_none(_str(post, start_field) if start_field else None,
                                              "The class start date", start_field)
    if creating:
        values["original_start_date"] = form.start_date_candidate

    agent_start = _str(post, "initial_agent_start_date")
    if agent_start is not None:
        values["initial_agent_start_date"] = _date_or_none(agent_start, "The initial agent start date",
                                                           "initial_agent_start_date")

    for name, column, label in (("class_learners_data", "learner_ids", "learner list"),
                                ("exam_learners", "exam_learners", "exam learner list")):
        raw = _str(post, name)
        if raw is not None and raw.strip():
            values[column] = parse_learners(raw, label, name)
        elif creating:
            values[column] = []

    if "backup_agent_ids" in post or "backup_agent_dates" in post:
        backups = []
        for number, (agent_raw, date_raw) in filled_rows(post, "backup_agent_ids", "backup_agent_dates",
                                                         chosen="backup_agent_ids"):
            agent_raw = no_choice_if_zero(agent_raw)
            if not agent_raw:
                raise FormInvalid(f"Backup agent {number}: a date was given without choosing the agent.",
                                  "backup_agent_ids")
            agent = _id_or_none(agent_raw, f"Backup agent {number}", "backup_agent_ids")
            day = _date_or_none(date_raw, f"Backup agent {number}: the date", "backup_agent_dates")
            backups.append({"agent_id": agent, "date": day.isoformat() if day else ""})
        values["backup_agent_ids"] = backups
    elif creating:
        values["backup_agent_ids"] = []

    if "replacement_agent_ids" in post or "replacement_agent_dates" in post:
        replacements = []
        for number, (agent_raw, date_raw) in filled_rows(post, "replacement_agent_ids", "replacement_agent_dates"):
            agent_raw = no_choice_if_zero(agent_raw)
            if not agent_raw or not date_raw:
                raise FormInvalid(f"Replacement agent {number}: choose both the agent and the takeover date.",
                                  "replacement_agent_dates" if agent_raw else "replacement_agent_ids")
            replacements.append((_id_or_none(agent_raw, f"Replacement agent {number}", "replacement_agent_ids"),
                                 _date_or_none(date_raw, f"Replacement agent {number}: the takeover date",
                                               "replacement_agent_dates")))
        form.replacements = replacements

    stops_entered = []  # (row number, stop, restart)
    if "stop_dates" in post or "restart_dates" in post:
        pairs = []
        for number, (stop_raw, restart_raw) in filled_rows(post, "stop_dates", "restart_dates"):
            if not stop_raw or not restart_raw:
                raise FormInvalid(f"Class stop {number}: give both the stop date and the restart date.",
                                  "restart_dates" if stop_raw else "stop_dates")
            stop = _date_or_none(stop_raw, f"Class stop {number}: the stop date", "stop_dates")
            restart = _date_or_none(restart_raw, f"Class stop {number}: the restart date", "restart_dates")
            if restart < stop:
                raise FormInvalid(f"Class stop {number}: the restart date is before the stop date.", "restart_dates")
            pairs.append({"stop_date": stop.isoformat(), "restart_date": restart.isoformat()})
            stops_entered.append((number, stop, restart))
        values["stop_restart_dates"] = pairs
    elif creating:
        values["stop_restart_dates"] = []

    if any(n in post for n in ("event_types", "event_dates_input", "event_descriptions")):
        events = []
        for number, row in filled_rows(post, "event_types", "event_descriptions", "event_dates_input",
                                       "event_statuses", "event_notes", preset=("event_statuses",)):
            kind_raw, description_raw, date_raw, status, notes_raw = row
            kind = clean_line(kind_raw, 100)
            description = clean_line(description_raw, 255)
            note = clean_line(notes_raw, 500)
            if not kind:
                raise FormInvalid(f"Event {number}: choose the event type.", "event_types")
            if not date_raw:
                raise FormInvalid(f"The event '{kind}' needs a date.", "event_dates_input",
                                  f"Event {number}: the date is missing.")
            day = _date_or_none(date_raw, f"Event {number}: the date", "event_dates_input")
            events.append({"type": kind, "description": description, "date": day.isoformat(),
                           "status": status if status in EVENT_STATUSES else "Pending", "notes": note})
        values["event_dates"] = events
    elif creating:
        values["event_dates"] = []

    if _schedule_sent(post):
        values["schedule_data"] = parse_schedule(post, now)
    elif creating:
        if _str(post, "schedule_pattern") or _str(post, "schedule_start_date"):
            values["schedule_data"] = parse_schedule(post, now)
        else:
            values["schedule_data"] = []

    if stops_entered and isinstance(values.get("schedule_data"), dict):
        _check_stops_fit(stops_entered, values["schedule_data"], values.get("class_duration"))

    override = _str(post, "force_lp_override")
    if override is not None and override.strip().lower() in ("0", "false", "no"):
        form.force_lp_override = False
    return form

