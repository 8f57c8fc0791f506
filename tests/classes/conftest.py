"""Fixtures of the class action tests: real WordPress sessions and nonces, the real sidecar behind the
shim, PostgreSQL rows made with SQL and removed at the end of each module.

    routed         (tests/conftest.py) the shim forwards every registered action
    db             Db on the session's PostgreSQL (autocommit): all(), one(), scalar(), run()
    made           Made (module): learners(), lp(), class_row(); everything (and every class the
                   sidecar created meanwhile) removed at module end
    sessions       {"admin", "editor", "subscriber"} -> logged-in requests.Session
    page           ClassPages (devstack.ajax.AdminAjax): the class pages' requests, and class_form()
    uploads_root   the site's wp-content/uploads (the sidecar's uploads root)
"""
from __future__ import annotations

import json

import pytest

from devstack.ajax import AdminAjax
from devstack.rows import Db


@pytest.fixture(scope="session")
def db(pg_database):
    return Db(pg_database)


class Made:
    """Rows a test module makes; removed with everything the sidecar made for them."""

    def __init__(self, db):
        self.db = db
        self.learner_ids: list[int] = []
        self.product_ids: list[int] = []
        self.first_class_id = (db.scalar("SELECT coalesce(max(class_id), 0) FROM classes") or 0) + 1

    def learners(self, count: int, surname="Class-Tests") -> list[int]:
        rows = self.db.all(
            "INSERT INTO learners (first_name, surname, email_address, created_at, updated_at) "
            "SELECT 'Learner', %s || ' ' || i, 'class-tests-' || i || '@example.test', now(), now() "
            "FROM generate_series(1, %s) AS i RETURNING id", (surname, count))
        ids = [r["id"] for r in rows]
        self.learner_ids += ids
        return ids

    def product(self, name: str, duration: int = 120) -> int:
        product_id = self.db.scalar("INSERT INTO products (product_name, product_duration) VALUES (%s, %s) "
                                    "RETURNING product_id", (name, duration))
        self.product_ids.append(product_id)
        return product_id

    def lp(self, learner_id: int, product_id: int, status="in_progress", class_id=None, notes=None) -> int:
        return self.db.scalar(
            "INSERT INTO learner_lp_tracking (learner_id, product_id, class_id, status, notes) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING tracking_id", (learner_id, product_id, class_id, status, notes))

    def class_row(self, **columns) -> int:
        defaults = {"client_id": 1, "class_type": "AET", "class_subject": "COMM", "class_code": "SQL-ROW",
                    "class_duration": 120, "original_start_date": "2026-03-02"}
        row = {**defaults, **columns}
        for key in ("schedule_data", "stop_restart_dates", "learner_ids", "class_notes_data", "event_dates"):
            if key in row and not isinstance(row[key], str):
                row[key] = json.dumps(row[key])
        names = list(row)
        return self.db.scalar(f"INSERT INTO classes ({', '.join(names)}) VALUES "
                              f"({', '.join('%(' + n + ')s' for n in names)}) RETURNING class_id", row)

    def class_ids(self) -> list[int]:
        return [r["class_id"] for r in self.db.all("SELECT class_id FROM classes WHERE class_id >= %s",
                                                   (self.first_class_id,))]

    def cleanup(self):
        classes = self.class_ids()
        learners = self.learner_ids
        if classes:
            for table in ("learner_hours_log", "learner_lp_tracking", "agent_replacements", "qa_visits"):
                self.db.run(f"DELETE FROM {table} WHERE class_id = ANY(%s)", (classes,))
        if learners:
            for table in ("learner_hours_log", "learner_lp_tracking"):
                self.db.run(f"DELETE FROM {table} WHERE learner_id = ANY(%s)", (learners,))
        if classes:
            self.db.run("DELETE FROM class_change_logs WHERE class_id = ANY(%s)", (classes,))
            self.db.run("DELETE FROM classes WHERE class_id = ANY(%s)", (classes,))
        if learners:
            self.db.run("DELETE FROM learners WHERE id = ANY(%s)", (learners,))
        if self.product_ids:
            self.db.run("DELETE FROM products WHERE product_id = ANY(%s)", (self.product_ids,))


@pytest.fixture(scope="module")
def made(db):
    factory = Made(db)
    try:
        yield factory
    finally:
        factory.cleanup()


class ClassPages(AdminAjax):
    """admin-ajax.php as the class pages call it."""

    def class_form(self, fields, who="admin", files=None):
        """save_class as class-capture.js sends it: always multipart (FormData)."""
        files = files if files is not None else [("qa_reports[]", ("", b"", "application/octet-stream"))]
        return self.post("save_class", fields, who=who, files=files)


@pytest.fixture(scope="module")
def page(wordpress_site, sessions):
    return ClassPages(wordpress_site, sessions)
