"""Deleting a class: refused, naming the records that still refer to it, when the schema would block it.

The referencing tables are read from the catalogue (foreign keys to ``classes`` without a cascade),
so a table added later is named too; the page never sees a foreign-key error. QA visits cascade with
the class; their report files are removed after the commit.
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
BLOCKED = "This class cannot be deleted because other records still refer to it"


class DeleteRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def blocking_dependents(cur, class_id: int) -> list[tuple[str, int]]:
    """[(table, rows)] of the tables whose rows keep the class from being deleted."""
    cur.execute(BLOCKING_FKS_SQL)
    refs = cur.fetchall()
    if not refs:
        return []
    parts = [sql.SQL("SELECT {} AS name, count(*) AS n FROM {}.{} WHERE {} = %s").format(
        sql.Literal(ref["relname"]), sql.Identifier(ref["schema_name"]), sql.Identifier(ref["relname"]),
        sql.Identifier(ref["column_name"])) for ref in refs]
    cur.execute(sql.SQL(" UNION ALL ").join(parts), [class_id] * len(parts))
    return [(row["name"], row["n"]) for row in cur.fetchall() if row["n"]]


def describe(found) -> str:
    parts = [f"{LABELS.get(name, name.replace('_', ' '))} ({count})" for name, count in found]
    return f"{BLOCKED}: {', '.join(parts)}. Remove or reassign them first."


def delete_class(unit, class_id: int) -> dict:
    """Delete the class; returns its ``class_code`` and ``class_subject``. DeleteRefused otherwise."""
    cur = unit.cursor
    cur.execute("SELECT class_id, class_code, class_subject FROM public.classes WHERE class_id = %s FOR UPDATE",
                (class_id,))
    row = cur.fetchone()
    if row is None:
        raise DeleteRefused("Class not found or already deleted.")
    found = blocking_dependents(cur, class_id)
    if found:
        raise DeleteRefused(describe(found))
    cur.execute("SELECT latest_document FROM public.qa_visits WHERE class_id = %s AND latest_document IS NOT NULL",
                (class_id,))
    documents = [r["latest_document"] for r in cur.fetchall()]
    try:
        cur.execute("DELETE FROM public.classes WHERE class_id = %s", (class_id,))
    except psycopg2.errors.ForeignKeyViolation:  # a row added since the check
        raise DeleteRefused(f"{BLOCKED}. Remove or reassign them first.") from None
    qa.remove_unreferenced(unit, documents)
    unit.emit(events.CLASS_DELETED, {"class_id": class_id})
    return dict(row)
