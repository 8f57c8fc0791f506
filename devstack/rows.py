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
