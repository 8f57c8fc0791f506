"""Rows come back as plain dicts, column name to value in the statement's order, whichever way they are fetched
(sidecar.db.DictRowCursor), from a held-and-folded message as from a plain one."""
from __future__ import annotations

import pytest

from tests.bridge.pools import pool_to

ROWS = "SELECT n, 'row ' || n AS label, n % 2 = 0 AS even FROM generate_series(1, 5) AS n ORDER BY n"


@pytest.fixture(scope="module")
def postgres(pg_database):
    postgres = pool_to(pg_database, size=1)
    yield postgres
    postgres.close()


def expected(n: int) -> dict:
    return {"n": n, "label": f"row {n}", "even": n % 2 == 0}


def test_fetchone_gives_a_dict_in_column_order_then_none(postgres):
    with postgres.transaction() as cur:
        cur.execute(ROWS)
        first = cur.fetchone()
        assert type(first) is dict and list(first) == ["n", "label", "even"] and first == expected(1)
        cur.fetchall()
        assert cur.fetchone() is None


def test_fetchall_fetchmany_and_iteration_agree(postgres):
    with postgres.transaction() as cur:
        cur.execute(ROWS)
        assert cur.fetchmany(2) == [expected(1), expected(2)]
        assert cur.fetchmany() == [expected(3)]  # arraysize 1, as psycopg2's own cursors
        assert list(cur) == [expected(4), expected(5)]
        cur.execute(ROWS)
        assert cur.fetchall() == [expected(n) for n in range(1, 6)]


def test_the_columns_follow_each_statement(postgres):
    with postgres.transaction() as cur:
        cur.execute("SELECT 1 AS a, 2 AS b")
        assert cur.fetchone() == {"a": 1, "b": 2}
        cur.hold("SELECT 0 AS ignored")  # folded in front of the next statement: the answer is the last one's
        cur.execute("SELECT 3 AS c")
        assert cur.fetchall() == [{"c": 3}]


def test_a_statement_without_rows_answers_empty(postgres):
    with postgres.transaction() as cur:
        cur.execute("CREATE TEMPORARY TABLE dict_rows_probe (id int)")
        cur.execute("SELECT id FROM dict_rows_probe")
        assert cur.fetchall() == [] and cur.fetchone() is None
