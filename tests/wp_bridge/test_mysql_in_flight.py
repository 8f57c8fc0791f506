"""Work beside a MySQL query (wp_bridge.mysql.Beside), against a real MariaDB: it runs once the query is on the
server and before its answer is read, exactly once, on the thread's next connection when it queries MySQL itself,
and whatever it does, the query's answer is read and the connection stays usable.

Whether the query was in flight is seen on the server (the lock it took), never timed: the wait is only a guard
against a query that was never sent."""
from __future__ import annotations

import gc
import secrets
import threading
import time

import pytest

from wp_bridge.mysql import Beside

from .conftest import connect
from .test_auth import Site

GUARD = 10  # seconds: only ever reached when the query was not sent before the work ran


def release_once_waiting(admin, name: str, connection_id: int) -> bool:
    """Release the named lock (held by ``admin``) once the connection ``connection_id`` waits for it on the server;
    False if it never did within GUARD."""
    deadline = time.monotonic() + GUARD
    with admin.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s AND INFO LIKE %s",
                           (connection_id, "SELECT GET_LOCK%"))
            if cursor.fetchone()[0]:
                cursor.execute("SELECT RELEASE_LOCK(%s)", (name,))
                return True
            time.sleep(0.01)
    return False


@pytest.fixture(scope="module")
def site(mariadb, sql):
    s = Site(sql, mariadb, "mb_")
    s.add_user("boss", {"administrator": True})
    yield s
    s.wordpress().close()


@pytest.fixture
def admin(mariadb):
    connection = connect(mariadb)
    yield connection
    connection.close()


def test_the_work_runs_while_the_server_holds_the_query_and_its_answer_is_read_after(db, admin):
    """The query waits on the server for a lock that only the work releases: it answers 1 (got it) only if the work
    ran while it was in flight (read first, it would have waited for nothing and answered 0)."""
    (own_id,), = db.query("SELECT CONNECTION_ID()")
    name = f"wecoza_beside_{secrets.token_hex(4)}"
    with admin.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, 0)", (name,))
        assert cursor.fetchone() == (1,)
    work = Beside(lambda: release_once_waiting(admin, name, own_id))
    rows = db.query("SELECT GET_LOCK(%s, %s)", (name, GUARD), beside=work)
    assert work.result() is True
    assert rows == [(1,)]
    assert db.query("SELECT RELEASE_LOCK(%s)", (name,)) == [(1,)]
    assert db.connects == 1


def test_a_query_the_work_sends_goes_out_on_the_threads_next_connection(db):
    (first,), = db.query("SELECT CONNECTION_ID()")
    nested = Beside(lambda: db.query("SELECT CONNECTION_ID(), %s", ("inside",)))
    rows = db.query("SELECT CONNECTION_ID(), %s", ("outside",), beside=nested)
    (inner_id, inner_text), = nested.result()
    assert rows == [(first, b"outside")]
    assert inner_id != first and inner_text == b"inside"
    assert db.query("SELECT CONNECTION_ID()") == [(first,)]  # the first connection again, answers in step
    assert db.connects == 2


def test_the_work_runs_once_when_the_dropped_connection_is_replaced_and_the_query_sent_again(db, admin):
    (thread_id,), = db.query("SELECT CONNECTION_ID()")
    with admin.cursor() as cursor:
        cursor.execute(f"KILL {int(thread_id)}")
    runs = []
    work = Beside(lambda: runs.append("ran"))
    assert db.query("SELECT 1", beside=work) == [(1,)]
    assert runs == ["ran"] and db.connects == 2


def test_work_that_fails_leaves_the_answer_read_and_raises_for_whoever_asks_its_result(db):
    failing = Beside(lambda: 1 / 0)
    assert db.query("SELECT 2", beside=failing) == [(2,)]
    with pytest.raises(ZeroDivisionError):
        failing.result()
    assert db.query("SELECT 3") == [(3,)]
    assert db.connects == 1


def test_an_interruption_of_the_work_is_raised_once_the_answer_is_read(db):
    def interrupted():
        raise SystemExit(3)

    with pytest.raises(SystemExit):
        db.query("SELECT 4", beside=Beside(interrupted))
    assert db.query("SELECT 5") == [(5,)]  # the connection's answers still in step
    assert db.connects == 1


def test_work_no_query_ran_runs_when_its_result_is_asked_for():
    runs = []
    work = Beside(lambda: runs.append("ran") or "answer")
    assert work.result() == "answer" and work.result() == "answer"
    assert runs == ["ran"]


def test_identifying_a_caller_runs_the_work_beside_the_users_query_and_not_without_one(site):
    wp = site.wordpress()
    wp.site()  # the site's data first: its own query has no work beside it
    work = Beside(lambda: "read")
    before = wp.db.round_trips
    caller = wp.identify(site.header("boss"), beside=work)
    assert caller.user.login == "boss"
    assert work.ran and work.result() == "read"
    assert wp.db.round_trips == before + 1
    nobody = Beside(lambda: "read")
    assert wp.identify("", beside=nobody).user is None
    assert not nobody.ran


def test_a_threads_connections_close_when_the_thread_ends(db, admin):
    """A server's request threads come and go (granian ends those idle for 30 s): the connections a thread opened,
    the one beside included, must not stay open on the server after it."""
    ids = []

    def requests_thread():
        ids.append(db.query("SELECT CONNECTION_ID()")[0][0])
        beside = Beside(lambda: ids.append(db.query("SELECT CONNECTION_ID()")[0][0]))
        db.query("SELECT 1", beside=beside)

    for _ in range(3):
        thread = threading.Thread(target=requests_thread)
        thread.start()
        thread.join()
    assert len(set(ids)) == 6, ids

    def still_open() -> set:
        with admin.cursor() as cursor:
            cursor.execute("SELECT ID FROM information_schema.PROCESSLIST")
            return {row[0] for row in cursor.fetchall()} & set(ids)

    deadline = time.monotonic() + GUARD
    while still_open() and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.05)
    assert not still_open(), "connections of ended threads are still open on the server"
    assert db.query("SELECT 1") == [(1,)], "the holder still serves the threads that run"
