"""A committed write's replay claim survives a crash of PostgreSQL, as the write does; a read's claim commits without
waiting for the WAL flush (sidecar/replays.py). On a server of the test's own, which it crashes, with the commits
waiting for the flush as on the production server (the suite's servers turn that off for speed)."""
from __future__ import annotations

import uuid

import pytest

from devstack.postgres import create_pg_database, drop_pg_database
from devstack.servers import PrivatePostgres
from sidecar.migrate import migrate
from sidecar.replays import ReplayedRequest
from tests.bridge.claims import context, seen
from tests.bridge.pools import pool_to

DURABLE = "-c synchronous_commit=on"


@pytest.fixture(scope="module")
def server(system_services):
    server = PrivatePostgres().start()
    yield server
    server.remove()


@pytest.fixture(scope="module")
def database(server):
    db = create_pg_database(server, project_schema=True)
    postgres = pool_to(db, size=1)
    migrate(postgres)
    with postgres.transaction() as cur:
        cur.execute("CREATE TABLE claim_probe (id serial PRIMARY KEY, note text NOT NULL)")
    postgres.close()
    yield db
    drop_pg_database(db)


@pytest.fixture
def durable(database):
    """One connection whose commits wait for the WAL flush."""
    postgres = pool_to(database, size=1, options=DURABLE)
    yield postgres
    postgres.close()


def write(ctx, note):
    with ctx.transaction() as unit:
        unit.cursor.execute("INSERT INTO claim_probe (note) VALUES (%s)", (note,))


def probe_rows(postgres, note) -> int:
    with postgres.transaction() as cur:
        cur.execute("SELECT count(*) AS n FROM claim_probe WHERE note = %s", (note,))
        return cur.fetchone()["n"]


def commit_mode(unit) -> str:
    """``synchronous_commit`` as the transaction's commit will read it."""
    unit.cursor.execute("SELECT current_setting('synchronous_commit') AS mode")
    return unit.cursor.fetchone()["mode"]


def test_a_committed_writes_claim_survives_a_crash_so_its_resend_is_refused(server, database):
    request_id, note = uuid.uuid4().hex, f"crash-{uuid.uuid4().hex}"
    before = pool_to(database, size=1, options=DURABLE)
    try:
        write(context(before, request_id=request_id), note)
    finally:
        before.close()
    server.crash()
    after = pool_to(database, size=1, options=DURABLE)
    try:
        assert seen(after, request_id), "the claim was lost in the crash; the write it came with was not"
        with pytest.raises(ReplayedRequest):
            write(context(after, request_id=request_id), note)
        assert probe_rows(after, note) == 1
    finally:
        after.close()


def test_a_reads_claim_commits_without_the_wal_flush_and_a_writes_claim_with_it(durable, database):
    read_ctx, write_ctx = context(durable, reads_only=True), context(durable)
    with read_ctx.transaction() as unit:
        read_mode = commit_mode(unit)
    with write_ctx.transaction() as unit:
        write_mode = commit_mode(unit)
    with durable.transaction() as cur:  # the same connection afterwards: the setting was the transaction's alone
        cur.execute("SELECT current_setting('synchronous_commit') AS mode")
        after = cur.fetchone()["mode"]
    assert (read_mode, write_mode, after) == ("off", "on", "on")
    # committed all the same: another worker or host sees the read's id at once and refuses it
    other_host = pool_to(database, size=1)
    try:
        assert seen(other_host, read_ctx.request_id)
        with pytest.raises(ReplayedRequest):
            with context(other_host, reads_only=True, request_id=read_ctx.request_id).transaction() as unit:
                commit_mode(unit)
    finally:
        other_host.close()

