"""SQL on the test session's PostgreSQL database as its owner, autocommit, a connection per call."""
from __future__ import annotations

import psycopg2.extras


class Db:
    def __init__(self, pg):
        self.pg = pg

    def run(self, sql, args=None):
        conn = self.pg.connect()
        try:
            conn.autocommit = True
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                cur.execute(sql, args)
                return cur.fetchall() if cur.description else None
        finally:
            conn.close()

    def all(self, sql, args=None):
        return self.run(sql, args) or []

    def one(self, sql, args=None):
        rows = self.all(sql, args)
        return rows[0] if rows else None

    def scalar(self, sql, args=None):
        row = self.one(sql, args)
        return None if row is None else next(iter(row.values()))

    def count(self, table, where="TRUE", args=None):
        return self.scalar(f"SELECT count(*) FROM {table} WHERE {where}", args)


def remove_classes_and_learners(db: Db, class_ids: list[int], learner_ids: list[int]) -> list[str]:
    """Delete the classes and learners with every row that refers to them; return the uploads-relative paths of
    their portfolios and progression documents, for the caller to remove from disk."""
    run = db.run
    files = [r["path"] for r in db.all(
        "SELECT file_path AS path FROM learner_portfolios WHERE learner_id = ANY(%s) "
        "UNION ALL SELECT file_path FROM learner_progression_portfolios p JOIN learner_lp_tracking t "
        "ON t.tracking_id = p.tracking_id WHERE t.learner_id = ANY(%s)", (learner_ids, learner_ids))]
    for table in ("qa_visits", "agent_replacements", "learner_hours_log", "class_change_logs"):
        run(f"DELETE FROM {table} WHERE class_id = ANY(%s)", (class_ids,))
    run("DELETE FROM learner_progression_portfolios WHERE tracking_id IN "
        "(SELECT tracking_id FROM learner_lp_tracking WHERE learner_id = ANY(%s))", (learner_ids,))
    for table in ("learner_progressions", "learner_hours_log", "learner_lp_tracking", "learner_portfolios"):
        run(f"DELETE FROM {table} WHERE learner_id = ANY(%s)", (learner_ids,))
    run("DELETE FROM classes WHERE class_id = ANY(%s)", (class_ids,))
    run("DELETE FROM learners WHERE id = ANY(%s)", (learner_ids,))
    return files
