"""Statements run on every request are planned once per connection (sidecar.db.Prepared), with no round trip of
their own, and a failure never leaves a connection that believes in a statement its server session lacks.

The server's own view (pg_prepared_statements, read on the same connection) is the proof; round trips are counted
by a TCP proxy between the pool and the real PostgreSQL.
"""
from __future__ import annotations

import time
import types
import uuid

import psycopg2
import pytest

from sidecar.context import ActionContext
from sidecar.db import Prepared
from sidecar.migrate import migrate
from sidecar.replays import PostgresReplayStore, ReplayedRequest
from tests.bridge.pools import pool_to

WINDOW = 60
BY_ID = Prepared("wecoza_test_probe_by_id", "SELECT id, note FROM prepared_probe WHERE id = %(id)s AND note <> %(not)s")
PERCENT = Prepared("wecoza_test_probe_like", "SELECT count(*) AS n FROM prepared_probe WHERE note LIKE 'x%%' "
                                            "OR note = %(note)s")
FAILING = Prepared("wecoza_test_probe_failing", "SELECT 1 / %(zero)s AS n", types={"zero": "integer"})


@pytest.fixture(scope="module")
def postgres(pg_database, proxy):
    postgres = pool_to(pg_database, proxy, size=1)
    migrate(postgres)
    with postgres.transaction() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS prepared_probe (id serial PRIMARY KEY, note text NOT NULL)")
        cur.execute("INSERT INTO prepared_probe (note) VALUES ('first') RETURNING id")
    yield postgres
    with postgres.transaction() as cur:
        cur.execute("DROP TABLE prepared_probe")
    postgres.close()


def server_statements(postgres) -> set[str]:
    """What the (single) pooled connection's server session has prepared."""
    with postgres.transaction() as cur:
        cur.execute("SELECT name FROM pg_prepared_statements")
        return {row["name"] for row in cur.fetchall()}


def read(postgres, statement=BY_ID, **values):
    values = values or {"id": 1, "not": "-"}
    with postgres.transaction(statement_by_statement=True) as cur:
        cur.execute_prepared(statement, values)
        return cur.fetchall()


def counted(proxy, run):
    before = proxy.round_trips
    result = run()
    return proxy.round_trips - before, result


def test_prepared_once_per_connection_and_no_round_trip_of_its_own(postgres, proxy):
    postgres.ping()
    trips, rows = counted(proxy, lambda: read(postgres))
    assert (trips, [dict(r) for r in rows]) == (1, [{"id": 1, "note": "first"}])
    assert BY_ID.name in server_statements(postgres)
    for _ in range(3):  # executed again: the same answer, still one round trip, prepared once
        assert counted(proxy, lambda: read(postgres))[0] == 1
    assert [dict(r) for r in read(postgres, id=1, **{"not": "first"})] == []


def test_values_travel_as_literals_whatever_they_hold(postgres):
    hostile = "x'); DROP TABLE prepared_probe; --"
    assert read(postgres, PERCENT, note=hostile)[0]["n"] == 0
    assert read(postgres, BY_ID, id=1, **{"not": hostile})[0]["note"] == "first"


def test_with_a_claim_and_begin_in_the_same_message(postgres, proxy):
    request_id = uuid.uuid4().hex
    ctx = ActionContext(services=types.SimpleNamespace(postgres=postgres), action="probe", request_id=request_id,
                        method="POST", get={}, post={}, files={}, user=None, inline_events=False, reads_only=False,
                        claim=PostgresReplayStore(postgres, WINDOW).claim(request_id, int(time.time())))

    def write():
        with ctx.transaction() as unit:
            unit.cursor.execute_prepared(BY_ID, {"id": 1, "not": "-"})
            return unit.cursor.fetchone()["note"]

    assert counted(proxy, write) == (2, "first")  # BEGIN + claim + EXECUTE, then COMMIT
    replay = ActionContext(services=ctx.services, action="probe", request_id=request_id, method="POST", get={},
                           post={}, files={}, user=None, inline_events=False, reads_only=True,
                           claim=PostgresReplayStore(postgres, WINDOW).claim(request_id, int(time.time())))
    with pytest.raises(ReplayedRequest):
        with replay.transaction() as unit:
            unit.cursor.execute_prepared(BY_ID, {"id": 1, "not": "-"})
    assert [dict(r) for r in read(postgres)] == [{"id": 1, "note": "first"}]  # the connection still serves


def test_a_replay_refused_in_the_message_that_prepares_forgets_what_was_prepared(postgres):
    """The claim's unique violation comes back as ReplayedRequest, not as a database error; the PREPARE in front of
    it ran all the same, so the next use must not prepare it again ("already exists")."""
    fresh = Prepared(f"wecoza_test_probe_{uuid.uuid4().hex[:8]}", "SELECT note FROM prepared_probe WHERE id = %(id)s")
    request_id = uuid.uuid4().hex
    store = PostgresReplayStore(postgres, WINDOW)
    assert store.add(request_id, time.time(), int(time.time()))
    replay = ActionContext(services=types.SimpleNamespace(postgres=postgres), action="probe", request_id=request_id,
                           method="POST", get={}, post={}, files={}, user=None, inline_events=False, reads_only=True,
                           claim=store.claim(request_id, int(time.time())))
    with pytest.raises(ReplayedRequest):
        with replay.transaction() as unit:
            unit.cursor.execute_prepared(fresh, {"id": 1})
    assert fresh.name in server_statements(postgres)  # prepared although the message failed
    assert [dict(r) for r in read(postgres, fresh, id=1)] == [{"note": "first"}]


def test_a_failed_message_forgets_what_was_prepared_and_starts_over(postgres):
    read(postgres)
    with pytest.raises(psycopg2.errors.DivisionByZero):
        read(postgres, FAILING, zero=0)  # its PREPARE ran, the EXECUTE failed
    assert read(postgres, FAILING, zero=2)[0]["n"] == 0  # DEALLOCATE ALL, PREPARE again: no "already exists"
    assert read(postgres, BY_ID)[0]["note"] == "first"  # prepared again after DEALLOCATE ALL
    assert {BY_ID.name, FAILING.name} <= server_statements(postgres)


def test_off_plans_every_time_and_prepares_nothing(pg_database, proxy):
    plain = pool_to(pg_database, proxy, size=1, prepare=False)
    try:
        assert [dict(r) for r in read(plain)] == [{"id": 1, "note": "first"}]
        assert read(plain, PERCENT, note="first")[0]["n"] == 1
        assert server_statements(plain) == set()
    finally:
        plain.close()


def test_the_statement_text_numbers_each_name_once():
    assert BY_ID.parameters == ("id", "not")
    assert BY_ID.prepare_sql() == (b"PREPARE wecoza_test_probe_by_id (unknown, unknown) AS "
                                   b"SELECT id, note FROM prepared_probe WHERE id = $1 AND note <> $2")
    assert BY_ID.execute_sql() == "EXECUTE wecoza_test_probe_by_id (%(id)s, %(not)s)"
    assert b"LIKE 'x%'" in PERCENT.prepare_sql()
