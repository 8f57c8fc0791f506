"""Deleting a class: refused, naming the records that still refer to it, when the schema would block it.

The referencing tables are read from the catalogue (foreign keys to ``classes`` without a cascade) once per
worker: a table added later is named once the worker restarts, and until then its foreign-key error is refused
with the general message, so the page never sees a foreign-key error. QA visits cascade with the class; their
report files are removed after the commit.
"""
from __future__ import annotations

import psycopg2.errors
from psycopg2 import sql

from . import events, qa

LABELS = {
    "agent_absences": "agent absences", "agent_orders": "agent orders", "agent_replacements": "agent replacements",
    "attendance_registers": "attendance registers", "class_agents": "class agent assignments",
    "class_notes": "class note records", "class_schedules": "class schedule records",
    "class_subjects": "class subject links", "collections": "collections", "deliveries": "deliveries",
    "learner_hours_log": "learner hours log entries", "learner_lp_tracking": "learner LP records",
    "progress_reports": "progress reports",
}

BLOCKING_FKS_SQL = """
    SELECT n.nspname AS schema_name, r.relname AS relname, a.attname AS column_name
      FROM pg_constraint c
      JOIN pg_class r ON r.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = r.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.contype = 'f' AND c.confrelid = 'public.classes'::regclass
       AND c.confdeltype IN ('a', 'r') AND array_length(c.conkey, 1) = 1
     ORDER BY r.relname
"""
FKS_CACHE_KEY = "classes.blocking_fks"
BLOCKED = "This class cannot be deleted because other records still refer to it"


class DeleteRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def blocking_references(unit) -> list[dict]:
    """The (schema_name, relname, column_name) of every foreign key that keeps a class, read from the catalogue
    once per worker: the schema does not change under a running worker."""
    caches = unit.ctx.services.caches
    refs = caches.get(FKS_CACHE_KEY)
    if refs is None:
        unit.cursor.execute(BLOCKING_FKS_SQL)
        refs = caches.setdefault(FKS_CACHE_KEY, [dict(row) for row in unit.cursor.fetchall()])
    return refs


def _lock_and_read(cur, class_id: int, refs: list[dict]):
    """Lock the class, then read it with the count of each blocking reference and its QA documents, in one
    message (the read, a statement of its own, sees what is committed once the lock is held); None when absent."""
    cur.hold("SELECT 1 FROM public.classes WHERE class_id = %s FOR UPDATE", (class_id,))
    counts = sql.SQL(", ").join(sql.SQL("(SELECT count(*) FROM {}.{} WHERE {} = {})").format(
        sql.Identifier(ref["schema_name"]), sql.Identifier(ref["relname"]), sql.Identifier(ref["column_name"]),
        sql.Placeholder("id")) for ref in refs)
    cur.execute(sql.SQL(
        "SELECT class_id, class_code, class_subject, ARRAY[{}]::bigint[] AS dependents, "
        "(SELECT coalesce(jsonb_agg(latest_document), '[]') FROM public.qa_visits "
        "WHERE class_id = {id} AND latest_document IS NOT NULL) AS documents "
        "FROM public.classes WHERE class_id = {id}").format(counts, id=sql.Placeholder("id")), {"id": class_id})
    return cur.fetchone()


def describe(found) -> str:
    parts = [f"{LABELS.get(name, name.replace('_', ' '))} ({count})" for name, count in found]
    return f"{BLOCKED}: {', '.join(parts)}. Remove or reassign them first."


def _refused_by_a_foreign_key(exc):
    if isinstance(exc, psycopg2.errors.ForeignKeyViolation):  # a row added since the check
        return DeleteRefused(f"{BLOCKED}. Remove or reassign them first.")
    return None


def delete_class(unit, class_id: int) -> dict:
    """Delete the class; returns its ``class_code`` and ``class_subject``. DeleteRefused otherwise."""
    cur = unit.cursor
    refs = blocking_references(unit)
    row = _lock_and_read(cur, class_id, refs)
    if row is None:
        raise DeleteRefused("Class not found or already deleted.")
    found = [(ref["relname"], n) for ref, n in zip(refs, row["dependents"], strict=True) if n]
    if found:
        raise DeleteRefused(describe(found))
    cur.hold("DELETE FROM public.classes WHERE class_id = %s", (class_id,), on_error=_refused_by_a_foreign_key)
    qa.remove_unreferenced(unit, row["documents"])
    unit.emit(events.CLASS_DELETED, {"class_id": class_id})
    return {"class_id": row["class_id"], "class_code": row["class_code"], "class_subject": row["class_subject"]}
