"""Fixtures of the learner action tests: real WordPress sessions and nonces, the real sidecar behind the
shim, PostgreSQL rows inserted with SQL and removed afterwards.

    routed          (tests/conftest.py) the shim forwards every registered action and form
    db              Db: one(), all(), run() on the session's PostgreSQL, autocommit
    learners        LearnerFactory (module scoped): .make(**columns) -> id; all rows removed at module end
    sessions        {"admin", "editor", "subscriber"} -> logged-in requests.Session (module scoped)
    uploads_root    Path of the site's wp-content/uploads (the sidecar's uploads root)
    ajax            devstack.ajax.AdminAjax: admin-ajax.php as the pages call it (module scoped)
"""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from devstack.ajax import AdminAjax
from devstack.rows import Db

FUTURE = datetime.datetime(2099, 1, 1, 12, 0, 0)   # our learners sort first (newest) in every list


@pytest.fixture(scope="session")
def db(pg_database):
    return Db(pg_database)


LEARNER_DEFAULTS = {
    "title": "Ms", "first_name": "Thandi", "second_name": None, "initials": "T", "surname": "Mokoena",
    "gender": "Female", "race": "Black", "sa_id_no": "9001015009087", "passport_number": None,
    "tel_number": "0821234567", "alternative_tel_number": None, "email_address": "thandi@example.test",
    "address_line_1": "12 Example Street", "address_line_2": None, "city_town_id": 1, "province_region_id": 1,
    "postal_code": "0001", "highest_qualification": 2, "assessment_status": "Assessed",
    "placement_assessment_date": None, "numeracy_level": 1, "communication_level": 3, "employment_status": True,
    "employer_id": 1, "disability_status": False, "scanned_portfolio": None,
    "created_at": FUTURE, "updated_at": FUTURE,
}


class LearnerFactory:
    def __init__(self, db):
        self.db = db
        self.ids: list[int] = []

    def make(self, **columns) -> int:
        row = {**LEARNER_DEFAULTS, **columns}
        names = list(row)
        learner_id = self.db.scalar(
            f"INSERT INTO learners ({', '.join(names)}) VALUES ({', '.join('%(' + n + ')s' for n in names)}) "
            "RETURNING id", row)
        self.ids.append(learner_id)
        return learner_id

    def portfolio(self, learner_id: int, file_path: str, upload_date=None) -> int:
        return self.db.scalar(
            "INSERT INTO learner_portfolios (learner_id, file_path, upload_date) "
            "VALUES (%s, %s, coalesce(%s, CURRENT_TIMESTAMP)) RETURNING portfolio_id",
            (learner_id, file_path, upload_date))

    def lp(self, learner_id: int, product_id: int = 1, status: str = "in_progress", trained=0, present=0,
           start_date="2026-02-02", completion_date=None, notes=None, class_id=None) -> int:
        return self.db.scalar(
            "INSERT INTO learner_lp_tracking (learner_id, product_id, class_id, hours_trained, hours_present, "
            "hours_absent, status, start_date, completion_date, notes) "
            "VALUES (%s, %s, %s, %s, %s, GREATEST(0, %s - %s), %s, %s, %s, %s) RETURNING tracking_id",
            (learner_id, product_id, class_id, trained, present, trained, present, status, start_date,
             completion_date, notes))

    def cleanup(self):
        if not self.ids:
            return
        ids = self.ids
        for table in ("learner_progressions", "learner_products", "exam_results", "exams", "progress_reports",
                      "learner_hours_log", "learner_lp_tracking", "learner_portfolios"):
            self.db.run(f"DELETE FROM {table} WHERE learner_id = ANY(%s)", (ids,))
        self.db.run("DELETE FROM learners WHERE id = ANY(%s)", (ids,))
        self.db.run("DELETE FROM learners WHERE email_address LIKE %s", ("%@learner-tests.example",))


@pytest.fixture(scope="module")
def learners(db):
    factory = LearnerFactory(db)
    try:
        yield factory
    finally:
        factory.cleanup()


@pytest.fixture(scope="module")
def ajax(wordpress_site, sessions):
    return AdminAjax(wordpress_site, sessions)


def outbox_events(db, name, since):
    return db.all("SELECT name, payload FROM wecoza_sidecar.outbox WHERE name = %s AND created_at >= %s "
                  "ORDER BY created_at", (name, since))


def learner_row(db, learner_id):
    return db.one("SELECT * FROM learners WHERE id = %s", (learner_id,))


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
