"""The request's PostgreSQL work in as few round trips as the answers allow (issue 15), with the same guarantees:
the replay claim, BEGIN and the outbox insert travel with statements sent anyway, COMMIT with the last held ones.

Round trips are counted by a TCP proxy between the pool and the real PostgreSQL (devstack/tcp_proxy.py);
"another worker or host" is another pool, with connections of its own.
"""
from __future__ import annotations

import contextlib
import threading
import uuid

import psycopg2
import pytest

from sidecar.event_catalogue import CATALOGUE
from sidecar.migrate import migrate
from sidecar.replays import ReplayedRequest
from tests.bridge.claims import context, seen
from tests.bridge.pools import pool_to as pool

PROBE_EVENT = "wecoza_test_fold_probe"


@pytest.fixture(autouse=True)
def probe_event(monkeypatch):
    """The tests' own event (emit takes only catalogued names); its payload's note tells the writes apart."""
    monkeypatch.setitem(CATALOGUE, PROBE_EVENT, "note; probe_id")


@pytest.fixture(scope="module")
def counted(pg_database, proxy):
    postgres = pool(pg_database, proxy)
    migrate(postgres)
    with postgres.transaction() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS fold_probe (id serial PRIMARY KEY, note text NOT NULL)")
    yield postgres
    with postgres.transaction() as cur:
        cur.execute("DROP TABLE fold_probe")
    postgres.close()


@pytest.fixture
def other_host(pg_database, counted):
    postgres = pool(pg_database)
    yield postgres
    postgres.close()


def round_trips(proxy, run) -> int:
    before = proxy.round_trips
    run()
    return proxy.round_trips - before


def probe_rows(postgres, note) -> int:
    with postgres.transaction() as cur:
        cur.execute("SELECT count(*) AS n FROM fold_probe WHERE note = %s", (note,))
        return cur.fetchone()["n"]


def events_named(postgres, note) -> int:
    with postgres.transaction() as cur:
        cur.execute("SELECT count(*) AS n FROM wecoza_sidecar.outbox WHERE name = %s AND payload->>'note' = %s",
                    (PROBE_EVENT, note))
        return cur.fetchone()["n"]


def write(ctx, note, fail=False):
    """A write as handlers do it: a statement whose answer is needed, an event, maybe a failure after both."""
    with ctx.transaction() as unit:
        unit.cursor.execute("INSERT INTO fold_probe (note) VALUES (%s) RETURNING id", (note,))
        probe_id = unit.cursor.fetchone()["id"]
        unit.emit(PROBE_EVENT, {"probe_id": probe_id, "note": note})
        if fail:
            raise RuntimeError("the write fails after its statements")
    return probe_id


def test_a_read_of_one_statement_is_one_round_trip_with_its_claim(counted, proxy):
    counted.ping()  # a connection is open: its setup is not the read's
    ctx = context(counted, reads_only=True)

    def read():
        with ctx.transaction() as unit:
            unit.cursor.execute("SELECT count(*) AS n FROM fold_probe")
            assert unit.cursor.fetchone()["n"] >= 0

    assert round_trips(proxy, read) == 1
    assert seen(counted, ctx.request_id)


def test_a_write_is_one_round_trip_per_answer_needed_and_keeps_row_event_and_claim(counted, proxy):
    counted.ping()
    ctx = context(counted)
    note = f"write-{uuid.uuid4().hex}"
    # BEGIN + claim + INSERT ... RETURNING, then the event's insert + COMMIT
    assert round_trips(proxy, lambda: write(ctx, note)) == 2
    assert (probe_rows(counted, note), events_named(counted, note), seen(counted, ctx.request_id)) == (1, 1, True)
    assert [(e.name, e.payload["note"]) for e in ctx.events] == [(PROBE_EVENT, note)]


def test_a_failed_write_leaves_no_row_no_event_and_no_claim_so_its_resend_runs_once(counted):
    request_id = uuid.uuid4().hex
    note = f"failed-{uuid.uuid4().hex}"
    with pytest.raises(RuntimeError):
        write(context(counted, request_id=request_id), note, fail=True)
    assert (probe_rows(counted, note), events_named(counted, note), seen(counted, request_id)) == (0, 0, False)
    # The same signed request sent again: it took no effect, so it runs; once it has, it is refused.
    write(context(counted, request_id=request_id), note)
    with pytest.raises(ReplayedRequest):
        write(context(counted, request_id=request_id), note)
    assert (probe_rows(counted, note), events_named(counted, note)) == (1, 1)


def test_an_id_committed_by_another_host_is_refused_and_nothing_is_written(counted, other_host):
    request_id = uuid.uuid4().hex
    write(context(other_host, request_id=request_id), f"first-{request_id}")
    note = f"replayed-{request_id}"
    with pytest.raises(ReplayedRequest):
        write(context(counted, request_id=request_id), note)
    with pytest.raises(ReplayedRequest), \
            context(counted, reads_only=True, request_id=request_id).transaction() as unit:
        unit.cursor.execute("SELECT 1")
    assert (probe_rows(counted, note), events_named(counted, note)) == (0, 0)


def test_a_handler_catching_database_errors_does_not_see_the_refusal(counted, other_host):
    """ReplayedRequest is no psycopg2.Error: a handler's ``except psycopg2.Error`` cannot take it for its own."""
    request_id = uuid.uuid4().hex
    write(context(other_host, request_id=request_id), f"first-{request_id}")
    ctx = context(counted, request_id=request_id)
    with pytest.raises(ReplayedRequest), ctx.transaction() as unit:
        try:
            unit.cursor.execute("SELECT 1")
        except psycopg2.Error:
            pytest.fail("the refusal was a database error")
    assert ctx.claim.replayed


@pytest.mark.parametrize("first_commits", [True, False])
def test_the_same_id_in_flight_on_two_hosts_waits_for_the_first(counted, other_host, first_commits):
    request_id = uuid.uuid4().hex
    first_sent, release = threading.Event(), threading.Event()
    second = {}

    def first():
        with pytest.raises(RuntimeError) if not first_commits else contextlib.nullcontext(), \
                context(counted, request_id=request_id).transaction() as unit:
            unit.cursor.execute("INSERT INTO fold_probe (note) VALUES (%s)", (f"first-{request_id}",))
            first_sent.set()
            release.wait(10)
            if not first_commits:
                raise RuntimeError("the first write fails")

    def run_second():
        try:
            write(context(other_host, request_id=request_id), f"second-{request_id}")
            second["result"] = "ran"
        except ReplayedRequest:
            second["result"] = "refused"

    one = threading.Thread(target=first)
    one.start()
    assert first_sent.wait(10)
    two = threading.Thread(target=run_second)
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second request did not wait for the first one's transaction"
    release.set()
    one.join(10)
    two.join(10)
    assert second["result"] == ("refused" if first_commits else "ran")
    assert probe_rows(counted, f"first-{request_id}") == (1 if first_commits else 0)
    assert probe_rows(counted, f"second-{request_id}") == (0 if first_commits else 1)


def test_a_request_that_sends_no_statement_records_its_id_alone(counted, proxy):
    counted.ping()
    ctx = context(counted)
    assert round_trips(proxy, ctx.claim.settle) == 1
    assert seen(counted, ctx.request_id)
    with pytest.raises(ReplayedRequest):
        context(counted, request_id=ctx.request_id).claim.settle()


def test_a_transaction_without_answers_needed_is_one_round_trip(counted, proxy):
    counted.ping()
    note = f"held-{uuid.uuid4().hex}"

    def only_events():
        with context(counted).transaction() as unit:
            unit.emit(PROBE_EVENT, {"note": note})

    assert round_trips(proxy, only_events) == 1  # claim + event, one implicit transaction
    assert events_named(counted, note) == 1


def test_a_transaction_that_fails_before_its_first_statement_leaves_the_claim_to_the_next(counted):
    """Nothing was sent, so nothing was recorded: the request's next transaction carries the claim (a read rerun
    once its caller is known, say), and its resend is refused."""
    ctx = context(counted)
    with pytest.raises(RuntimeError):
        with ctx.transaction():
            raise RuntimeError("stopped before any statement")
    note = f"after-{uuid.uuid4().hex}"
    write(ctx, note)
    assert seen(counted, ctx.request_id)
    with pytest.raises(ReplayedRequest):
        write(context(counted, request_id=ctx.request_id), note)
    assert probe_rows(counted, note) == 1


def test_a_refusal_before_any_statement_is_recorded_when_the_request_settles(counted):
    ctx = context(counted)
    with pytest.raises(RuntimeError):
        with ctx.transaction():
            raise RuntimeError("refused before any statement")
    ctx.claim.settle()
    assert seen(counted, ctx.request_id)
