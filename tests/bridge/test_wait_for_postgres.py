"""Waiting for PostgreSQL (sidecar.db.wait_for_postgres, the process's psycopg2 wait callback) on a real server: work
set aside with ``meanwhile`` runs while the server holds the thread's statement, once, on that thread only; work
that fails leaves the connection usable; and a server that never answers a new connection is given up on after
``connect_timeout``, which libpq leaves to the callback.

Whether the statement was in flight is seen on the server (the lock it waits for), never timed: GUARD only bounds a
test whose work never ran."""
from __future__ import annotations

import socket
import threading
import time
from types import SimpleNamespace

import pytest

from sidecar.db import DatabaseUnavailable, _connect_deadline, meanwhile
from sidecar.deferred import Deferred
from tests.bridge.pools import backend_pid
from tests.bridge.pools import pool_to as pool

GUARD = 10  # seconds
LOCK = 715_015


@pytest.fixture
def postgres(pg_database):
    # a statement whose lock never comes fails after GUARD instead of waiting for ever
    pg = pool(pg_database, options=f"-c lock_timeout={GUARD * 1000}")
    yield pg
    pg.close()


@pytest.fixture
def holder(pg_database):
    """A connection of the test's own that holds the advisory lock LOCK until told to let it go."""
    conn = pg_database.connect()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (LOCK,))
    yield conn
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock_all()")
    conn.close()


def release_once_waiting(holder, pid: int) -> bool:
    """Let LOCK go once the backend ``pid`` waits for it; False if it never did within GUARD."""
    deadline = time.monotonic() + GUARD
    with holder.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND locktype = 'advisory' AND NOT granted",
                        (pid,))
            if cur.fetchone()[0]:
                cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK,))
                return True
            time.sleep(0.01)
    return False


def test_work_set_aside_runs_while_the_server_holds_the_statement(postgres, holder):
    """The statement waits on the server for a lock only the work lets go: it answers only if the work ran while it
    was in flight (run after it, the statement would have failed after lock_timeout)."""
    pid = backend_pid(postgres)
    work = Deferred(lambda: release_once_waiting(holder, pid))
    with meanwhile(work.run), postgres.transaction(statement_by_statement=True) as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s), 'answered' AS answer", (LOCK,))
        assert cur.fetchone()["answer"] == "answered"
    assert work.result() is True
    assert backend_pid(postgres) == pid  # the same connection, kept


def test_the_work_runs_once_and_only_on_its_own_thread(postgres):
    runs = []
    other_thread = threading.Thread(target=lambda: backend_pid(postgres))
    with meanwhile(lambda: runs.append(threading.current_thread().name)):
        other_thread.start()
        other_thread.join()
        assert runs == []  # another thread's waits are its own
        backend_pid(postgres)
        backend_pid(postgres)
    assert runs == [threading.current_thread().name]
    backend_pid(postgres)
    assert len(runs) == 1  # nothing set aside outside the block


def test_work_that_fails_leaves_the_statement_answered_and_the_connection_kept(postgres):
    pid = backend_pid(postgres)
    failing = Deferred(lambda: 1 / 0)
    with meanwhile(failing.run), postgres.transaction(statement_by_statement=True) as cur:
        cur.execute("SELECT pg_sleep(0.05), 2 AS two")
        assert cur.fetchone()["two"] == 2
    assert failing.ran
    with pytest.raises(ZeroDivisionError):
        failing.result()
    assert backend_pid(postgres) == pid


def test_a_server_that_never_answers_a_new_connection_is_given_up_after_connect_timeout(pg_database):
    """The listener takes the connection (the kernel does) and never says a word: libpq would wait for ever."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        host, port = silent.getsockname()
        postgres = pool(pg_database, via=SimpleNamespace(host=host, port=port), connect_timeout=2)
        outcome = []

        def connect():
            try:
                postgres.ping()
            except DatabaseUnavailable as exc:
                outcome.append(str(exc))

        attempt = threading.Thread(target=connect, daemon=True)
        attempt.start()
        attempt.join(GUARD)
        assert not attempt.is_alive(), "the connection attempt never gave up"
        assert outcome == ["timeout expired"]
        postgres.close()


@pytest.mark.parametrize("dsn, environ, seconds", [
    ("host=h", None, None), ("host=h connect_timeout=0", None, None), ("host=h connect_timeout=-3", None, None),
    ("host=h connect_timeout=1", None, 2), ("host=h connect_timeout=7", None, 7), ("host=h", "4", 4),
    ("host=h connect_timeout=5", "9", 5), ("host=h", "soon", None),
])
def test_the_connect_deadline_reads_connect_timeout_as_libpq_does(monkeypatch, dsn, environ, seconds):
    if environ is None:
        monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("PGCONNECT_TIMEOUT", environ)
    before = time.monotonic()
    deadline = _connect_deadline(SimpleNamespace(dsn=dsn))
    if seconds is None:
        assert deadline is None
    else:
        assert before + seconds <= deadline <= time.monotonic() + seconds
