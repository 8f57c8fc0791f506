"""``save_class``: one transaction for the class row, its agent replacements, its QA visits and
the LP rows of newly assigned learners.

* Create inserts every column the form covers; update writes only the columns the form sent
  whose value differs (a field the form did not send leaves the stored value alone), never
  ``original_start_date`` once it is set, and never ``class_code`` (the update page cannot edit it).
* Every id the form names (client, site, supervisor, agents, learners) is checked first, so the
  user gets "Unknown agent id(s): 99" rather than a foreign-key error.
* The production trigger ``log_class_change()`` sends the whole row (insert) or the old and new
  values of the changed columns (update) with ``pg_notify``, whose payload PostgreSQL caps at
  8000 bytes; a bigger change aborts the statement. The sidecar keeps the change minimal (an
  unchanged schedule is not rewritten just because its save-time metadata differs) and turns the
  abort into ``NotifyPayloadTooLarge``; the operator's fix for the trigger is in
  ``notify_trigger_fix.sql`` beside this file.
"""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

import psycopg2
import psycopg2.errors
from psycopg2 import sql
from psycopg2.extras import Json

from wp_bridge.ttlcache import TTLCache

from ..phpjson import php_json_encode
from . import events, lp, qa
from .form import ClassForm, learner_ids, same_schedule, utc_now

JSON_COLUMNS = ("learner_ids", "exam_learners", "backup_agent_ids", "schedule_data", "stop_restart_dates",
                "event_dates", "class_notes_data")
INSERT_COLUMNS = ("client_id", "site_id", "class_address_line", "class_type", "class_subject", "class_code",
                  "class_duration", "original_start_date", "seta_funded", "seta", "exam_class", "exam_type",
                  "class_agent", "initial_class_agent", "initial_agent_start_date", "project_supervisor_id",
                  "learner_ids", "exam_learners", "backup_agent_ids", "schedule_data", "stop_restart_dates",
                  "event_dates", "order_nr")
NOTIFY_LIMIT_MESSAGE = (
    "This class could not be saved: the change is too large for the database's change-notification trigger "
    "(log_class_change, 8000 bytes per change), which usually means a very long learner list. Nothing was saved. "
    "Ask your administrator to apply the trigger fix described in the WeCoza sidecar's operator guide, or save the "
    "learners in smaller steps.")
NOTES_LIMIT_MESSAGE = (
    "The class notes could not be changed: they are too large for the database's change-notification "
    "trigger (log_class_change, 8000 bytes per change). Nothing was saved. Ask your administrator to apply the "
    "trigger fix described in the WeCoza sidecar's operator guide.")

FK_MESSAGES = {
    "classes_client_id_fkey": "The selected client does not exist.",
    "fk_classes_site": "The selected site does not exist.",
    "classes_project_supervisor_id_fkey": "The selected project supervisor does not exist.",
    "fk_classes_agent": "The selected class agent does not exist.",
    "agent_replacements_original_agent_id_fkey": "The initial class agent does not exist.",
    "agent_replacements_replacement_agent_id_fkey": "A selected replacement agent does not exist.",
}


class SaveRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotifyPayloadTooLarge(SaveRefused):
    def __init__(self):
        super().__init__(NOTIFY_LIMIT_MESSAGE)


@dataclass
class SaveResult:
    class_id: int
    created: bool
    fields: list = field(default_factory=list)
    lp: lp.LPResults = field(default_factory=lp.LPResults)
    qa: dict | None = None

    def message(self) -> str:
        base = "Class updated successfully." if not self.created else "Draft class created successfully."
        return base + self.lp.message_suffix()


def _json_value(value):
    return Json(value, dumps=php_json_encode)


def _comparable(column, value):
    if column in JSON_COLUMNS:
        return json.dumps(value if value is not None else [], sort_keys=True, default=str)
    return value


def is_notify_overflow(exc: BaseException) -> bool:
    return isinstance(exc, psycopg2.Error) and "payload string too long" in (str(exc) or "")


_REFERENCES = (
    "SELECT 'client' AS kind, client_id AS id FROM public.clients WHERE client_id = ANY(%(client)s) "
    "UNION ALL SELECT 'site', site_id FROM public.sites WHERE site_id = ANY(%(site)s) "
    "UNION ALL SELECT 'user', user_id FROM public.users WHERE user_id = ANY(%(user)s) "
    "UNION ALL SELECT 'agent', agent_id FROM public.agents WHERE agent_id = ANY(%(agent)s) "
    # the new learners are locked against a delete until the save commits: delete_learner refuses a learner a
    # class lists, but it cannot see a list not committed yet
    "UNION ALL SELECT 'learner', id FROM (SELECT id FROM public.learners WHERE id = ANY(%(learner)s) "
    "FOR KEY SHARE) AS locked")
_FOUND = "wecoza_found_references"  # columns of the class's read after its lock (_lock_class)
_REPLACEMENTS = "wecoza_agent_replacements"
_LABELS = {"client": "client", "site": "site", "user": "project supervisor", "agent": "agent", "learner": "learner"}


def _named_ids(values: dict, previous: dict | None, replacements) -> dict[str, list]:
    """Every id the form names, by kind; of the learners only those the class did not have before."""
    def new_ids(column):
        ids = learner_ids(values.get(column))
        if previous is not None:
            before = set(learner_ids(previous.get(column)))
            ids = [i for i in ids if i not in before]
        return ids

    return {
        "client": [values["client_id"]] if values.get("client_id") else [],
        "site": [values["site_id"]] if values.get("site_id") else [],
        "user": [values["project_supervisor_id"]] if values.get("project_supervisor_id") else [],
        "agent": sorted({a for a in [values.get("class_agent"), values.get("initial_class_agent")]
                         + [b.get("agent_id") for b in values.get("backup_agent_ids") or []]
                         + [r[0] for r in replacements or []] if a}),
        "learner": sorted(set(new_ids("learner_ids")) | set(new_ids("exam_learners"))),
    }


@dataclass
class Stored:
    """What an update reads of the class once it is locked."""
    row: dict
    found: set            # (kind, id) of the ids the form names that exist
    replacements: list    # [(replacement_agent_id, start_date, original_agent_id)] in their order


def _lock_class(cur, class_id: int, values: dict, replacements) -> Stored | None:
    """Lock the class, then read it with its agent replacements and which of the ids the form names exist, in
    one message; the read is a statement of its own, so it sees what is committed once the lock is held. Every
    learner of the form is looked up (those the class had too), so the lookup needs no answer of the lock."""
    cur.hold("SELECT 1 FROM public.classes WHERE class_id = %s FOR UPDATE", (class_id,))
    cur.execute(f"SELECT c.*, (SELECT coalesce(json_agg(json_build_array(r.kind, r.id)), '[]') "
                f"FROM ({_REFERENCES}) r) AS {_FOUND}, "
                "(SELECT coalesce(json_agg(json_build_array(replacement_agent_id, start_date, original_agent_id) "
                f"ORDER BY replacement_id), '[]') FROM public.agent_replacements WHERE class_id = c.class_id) "
                f"AS {_REPLACEMENTS} FROM public.classes c WHERE c.class_id = %(class_id)s",
                {**_named_ids(values, None, replacements), "class_id": class_id})
    row = cur.fetchone()
    if row is None:
        return None
    row = dict(row)
    found = {tuple(pair) for pair in row.pop(_FOUND)}
    stored = [(agent, None if day is None else datetime.date.fromisoformat(day), original)
              for agent, day, original in row.pop(_REPLACEMENTS)]
    return Stored(row, found, stored)


def _find_references(cur, values: dict, replacements) -> set:
    """(kind, id) of the ids a new class's form names that exist: one query."""
    wanted = _named_ids(values, None, replacements)
    if not any(wanted.values()):
        return set()
    cur.execute(_REFERENCES, wanted)
    return {(row["kind"], row["id"]) for row in cur.fetchall()}


def _check_references(values: dict, previous: dict | None, replacements, found: set) -> None:
    """SaveRefused listing the ids the form names that do not exist (``found``: (kind, id) of those that do)."""
    problems = []
    for kind, ids in _named_ids(values, previous, replacements).items():
        missing = [str(i) for i in ids if (kind, i) not in found]
        if missing:
            problems.append(f"Unknown {_LABELS[kind]} id(s): {', '.join(missing)}.")
    if problems:
        raise SaveRefused(" ".join(problems))


def _insert(cur, values: dict, now: datetime.datetime) -> int:
    columns = [c for c in INSERT_COLUMNS if c in values] + ["created_at", "updated_at"]
    params = [(_json_value(values[c]) if c in JSON_COLUMNS else values[c]) for c in columns[:-2]] + [now, now]
    cur.execute(sql.SQL("INSERT INTO public.classes ({}) VALUES ({}) RETURNING class_id").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.SQL(", ").join(sql.Placeholder() * len(columns))), params)
    return cur.fetchone()["class_id"]


def _update(cur, class_id: int, changes: dict, now: datetime.datetime) -> None:
    """The row is locked: nothing waits for the answer, so the UPDATE travels with the next statement, which
    raises its refusal (``_refusal``) if it fails."""
    assignments = [sql.SQL("{} = %s").format(sql.Identifier(c)) for c in changes] + [sql.SQL("updated_at = %s")]
    params = [(_json_value(v) if c in JSON_COLUMNS else v) for c, v in changes.items()] + [now, class_id]
    cur.hold(sql.SQL("UPDATE public.classes SET {} WHERE class_id = %s").format(
        sql.SQL(", ").join(assignments)), params, on_error=_refusal)


def _refusal(exc) -> SaveRefused | None:
    """What the user is told when writing the class row failed: the trigger's payload limit, or a foreign key."""
    if is_notify_overflow(exc):
        return NotifyPayloadTooLarge()
    if isinstance(exc, psycopg2.errors.ForeignKeyViolation):
        return SaveRefused(FK_MESSAGES.get(exc.diag.constraint_name, "A selected record does not exist."))
    return None


def _save_replacements(unit, class_id: int, replacements, original_agent, current: list) -> bool:
    """``current``: the class's replacements as stored (none for a new class)."""
    cur = unit.cursor
    desired = [(agent, day, original_agent) for agent, day in replacements]
    if current == desired:
        return False
    cur.execute("DELETE FROM public.agent_replacements WHERE class_id = %s", (class_id,))
    for agent, day, original in desired:
        cur.execute("INSERT INTO public.agent_replacements (class_id, original_agent_id, replacement_agent_id, "
                    "start_date) VALUES (%s, %s, %s, %s)", (class_id, original, agent, day))
    unit.emit(events.AGENT_REPLACEMENTS_SAVED, {"class_id": class_id, "count": len(desired)})
    return True


def save_class(unit, form: ClassForm, qa_input, uploader: str = "") -> SaveResult:
    cur = unit.cursor
    now = utc_now()
    values = dict(form.values)
    previous, stored_replacements = None, []
    if form.is_update:
        stored = _lock_class(cur, form.class_id, values, form.replacements)
        if stored is None:
            raise SaveRefused("Class not found for update.")
        previous, found, stored_replacements = stored.row, stored.found, stored.replacements
    else:
        found = _find_references(cur, values, form.replacements)
    _check_references(values, previous, form.replacements, found)

    try:
        if previous is None:
            class_id = _insert(cur, values, now)
            result = SaveResult(class_id, True, sorted(values))
            state = values
        else:
            class_id = form.class_id
            if previous["original_start_date"] is None and form.start_date_candidate is not None:
                values["original_start_date"] = form.start_date_candidate
            if "schedule_data" in values and same_schedule(values["schedule_data"], previous["schedule_data"]):
                del values["schedule_data"]
            changes = {c: v for c, v in values.items() if _comparable(c, previous[c]) != _comparable(c, v)}
            _update(cur, class_id, changes, now)
            result = SaveResult(class_id, False, sorted(changes))
            state = {**previous, **values}
    except psycopg2.Error as exc:
        refusal = _refusal(exc)
        if refusal is not None:
            raise refusal from None
        raise

    if form.replacements is not None:
        original = state.get("initial_class_agent") or state.get("class_agent")
        try:
            if _save_replacements(unit, class_id, form.replacements, original, stored_replacements):
                result.fields.append("agent_replacements")
        except psycopg2.errors.ForeignKeyViolation as exc:
            raise SaveRefused(FK_MESSAGES.get(exc.diag.constraint_name, "A selected agent does not exist.")) from None

    if qa_input is not None:
        result.qa = qa.sync_visits(unit, class_id, qa_input, uploader)

    old_ids = learner_ids(previous["learner_ids"]) if previous is not None else []
    added = []
    if "learner_ids" in values:
        added = [entry for entry in values["learner_ids"] if int(entry["id"]) not in old_ids]
        result.lp = lp.create_for_new_learners(unit, class_id, state.get("class_type"), state.get("class_subject"),
                                               added, force=form.force_lp_override)

    if result.created:
        unit.emit(events.CLASS_CREATED,
                  {"class_id": class_id, "fields": result.fields,
                   "learner_count": len(values.get("learner_ids") or [])})
    else:
        payload = {"class_id": class_id, "fields": result.fields}
        if "learner_ids" in values:
            now_ids = learner_ids(values["learner_ids"])
            payload["learners_added"] = [int(entry["id"]) for entry in added]
            payload["learners_removed"] = [i for i in old_ids if i not in now_ids]
        unit.emit(events.CLASS_UPDATED, payload)
    return result


# --- the single-class page's address ------------------------------------------------------

PERMALINK_TTL = 300
REDIRECT_OPTIONS = ("home", "permalink_structure")  # read with the caller


def redirect_url(ctx, class_id: int) -> str:
    """The single-class page (``app/display-single-class``, the page the reference creates) for this class. The
    options come with the caller's authentication (``save_class`` declares them); direct mode, which identifies the
    caller before it knows the action, uses the worker's copies."""
    services = ctx.services
    try:
        home = services.site_url(ctx.options.get("home"))
    except Exception:  # noqa: BLE001 - the page falls back to its own redirect field
        return ""
    if not home:
        return ""
    cache = TTLCache.kept_in(services.caches, "classes.permalink_structure", PERMALINK_TTL)
    if ctx.option("permalink_structure", lambda: cache.get(None, lambda: _permalink_structure(services))):
        return f"{home}/app/display-single-class/?class_id={class_id}"
    return f"{home}/?pagename=app/display-single-class&class_id={class_id}"


def _permalink_structure(services) -> str:
    try:
        return services.wordpress.get_option("permalink_structure") or ""
    except Exception:  # noqa: BLE001 - read as plain links until the next reload
        return ""
