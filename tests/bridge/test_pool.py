"""The worker's PostgreSQL pool (sidecar.db.ConnectionPool) on a real server: connections opened when needed and
kept, at most pool_max, a full pool refused cleanly, a connection the server ended replaced without an error."""
from __future__ import annotations

import contextlib

import pytest

from sidecar.db import DatabaseUnavailable
from tests.bridge.pools import backend_pid
from tests.bridge.pools import pool_to as pool


def test_connections_open_when_needed_and_are_kept(pg_database):
    postgres = pool(pg_database)
    try:
        assert postgres.pool_usage() == (0, 0)
        first = backend_pid(postgres)
        assert postgres.pool_usage() == (0, 1)
        assert {backend_pid(postgres) for _ in range(5)} == {first}   # reused, not reconnected
        with postgres.connection(), postgres.connection():
            assert postgres.pool_usage() == (2, 2)
        assert postgres.pool_usage() == (0, 2)
    finally:
        postgres.close()


def test_a_full_pool_is_a_clean_refusal(pg_database):
    postgres = pool(pg_database)
    try:
        with contextlib.ExitStack() as held:
            held.enter_context(postgres.connection())
            held.enter_context(postgres.connection())
            with pytest.raises(DatabaseUnavailable, match="in use"):
                with postgres.connection():
                    pass
            assert postgres.pool_usage() == (2, 2)
        assert backend_pid(postgres) and postgres.pool_usage() == (0, 2)
    finally:
        postgres.close()


def test_a_connection_the_server_ended_is_replaced_unseen(pg_database):
    postgres, admin = pool(pg_database), pool(pg_database, size=1)
    try:
        old = backend_pid(postgres)
        with admin.transaction() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (old,))
        import time
        time.sleep(0.2)  # the server's goodbye reaches the idle socket
        new = backend_pid(postgres)
        assert new != old and postgres.pool_usage() == (0, 1)
    finally:
        postgres.close()
        admin.close()


def test_close_ends_idle_connections_and_those_in_use_when_returned(pg_database):
    postgres = pool(pg_database)
    with postgres.connection() as conn:
        backend_pid(postgres)
        postgres.close()
        assert not conn.closed
    assert conn.closed
    assert backend_pid(postgres)   # a new pool opens on next use
    postgres.close()
