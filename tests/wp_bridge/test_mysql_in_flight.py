"""A MySQL statement sent and its answer read later (wp_bridge.mysql.MySQL.send, InFlight.rows), against a real
MariaDB: the thread's work between the two runs while the server holds the statement; a statement sent meanwhile
goes out on another of the thread's connections; a dropped connection is replaced and the statement sent once
more; whatever happens to a reader, the connection's answers stay in step. The caller's identification
(wp_bridge.auth.start_identify) stops at its query the same way.

Whether the statement was in flight is seen on the server (the lock it took), never timed: the wait is only a
guard against a statement that was never sent."""
from __future__ import annotations

import gc
import secrets
import threading
import time

import pymysql
import pytest

from .conftest import connect
from .test_auth import Site

GUARD = 10  # seconds: only ever reached when the statement was not sent before the work ran


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


def test_work_between_sending_and_reading_runs_while_the_server_holds_the_statement(db, admin):
    """The statement waits on the server for a lock that only the work releases: it answers 1 (got it) only if the
    work ran while it was in flight (read first, it would have waited for nothing and answered 0)."""
    (own_id,), = db.query("SELECT CONNECTION_ID()")
    name = f"wecoza_in_flight_{secrets.token_hex(4)}"
    with admin.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, 0)", (name,))
        assert cursor.fetchone() == (1,)
    in_flight = db.send("SELECT GET_LOCK(%s, %s)", (name, GUARD))
    assert release_once_waiting(admin, name, own_id) is True
    assert in_flight.rows() == [(1,)]
    assert in_flight.rows() == [(1,)]  # read once, kept
    assert db.query("SELECT RELEASE_LOCK(%s)", (name,)) == [(1,)]
    assert db.connects == 1


def test_statements_sent_meanwhile_go_out_on_the_threads_other_connections(db):
    (first,), = db.query("SELECT CONNECTION_ID()")
    outer = db.send("SELECT CONNECTION_ID(), %s", ("outer",))
    middle = db.send("SELECT CONNECTION_ID(), %s", ("middle",))
    (inner_id, inner_text), = db.query("SELECT CONNECTION_ID(), %s", ("inner",))
    (middle_id, _), = middle.rows()
    assert len({first, middle_id, inner_id}) == 3 and inner_text == b"inner"
    assert outer.rows() == [(first, b"outer")]
    # answered out of order: each slot is free again once its own answer is read
    assert db.query("SELECT CONNECTION_ID()") == [(first,)]
    late = db.send("SELECT CONNECTION_ID()")
    assert db.query("SELECT CONNECTION_ID()") == [(middle_id,)]
    assert late.rows() == [(first,)]
    assert db.connects == 3


def test_a_dropped_connection_is_replaced_and_the_statement_sent_once_more(db, admin):
    """The server ended the idle connection: the statement still leaves (into the socket), and reading its answer
    finds the connection gone."""
    (thread_id,), = db.query("SELECT CONNECTION_ID()")
    with admin.cursor() as cursor:
        cursor.execute(f"KILL {int(thread_id)}")
    in_flight = db.send("SELECT 1")
    assert in_flight.rows() == [(1,)]
    assert db.connects == 2
    assert db.query("SELECT 2") == [(2,)]


def test_a_servers_error_is_the_whole_answer_and_the_connection_stays(db):
    in_flight = db.send("SELECT * FROM no_such_table_here")
    with pytest.raises(pymysql.err.ProgrammingError):
        in_flight.rows()
    assert db.query("SELECT 3") == [(3,)]
    assert db.connects == 1


def test_an_interrupted_reader_leaves_no_answer_behind(db, monkeypatch):
    """Interrupted before the answer was read to its end, the connection is closed: the thread's next statement
    goes out on a fresh one and reads its own answer, not the old one."""
    import wp_bridge.mysql as mysql

    def interrupted(connection):
        raise KeyboardInterrupt

    in_flight = db.send("SELECT 4")
    with monkeypatch.context() as patch:
        patch.setattr(mysql, "read_answer", interrupted)
        with pytest.raises(KeyboardInterrupt):
            in_flight.rows()
    assert db.query("SELECT 5") == [(5,)]
    assert db.connects == 2


def test_identifying_a_caller_stops_while_the_users_query_is_in_flight_and_not_without_one(site):
    wp = site.wordpress()
    wp.site()  # the site's data first: its own query is read at once
    before = wp.db.round_trips
    identifying = wp.start_identify(site.header("boss"))
    assert identifying.waiting and wp.db.round_trips == before + 1
    assert wp.db.query("SELECT 6") == [(6,)]  # another statement meanwhile
    caller = identifying.result()
    assert caller.user.login == "boss" and not identifying.waiting
    assert identifying.result() is caller
    assert caller == wp.identify(site.header("boss"))
    nobody = wp.start_identify("")
    assert not nobody.waiting and nobody.result().reason == "no_cookie"


def test_a_threads_connections_close_when_the_thread_ends(db, admin):
    """A server's request threads come and go (granian ends those idle for 30 s): the connections a thread opened,
    the one of a statement sent meanwhile included, must not stay open on the server after it."""
    ids = []

    def requests_thread():
        in_flight = db.send("SELECT CONNECTION_ID()")
        ids.append(db.query("SELECT CONNECTION_ID()")[0][0])
        ids.append(in_flight.rows()[0][0])

    for _ in range(3):
        thread = threading.Thread(target=requests_thread)
        thread.start()
        thread.join()
    assert len(set(ids)) == 6, ids
    deadline = time.monotonic() + GUARD
    while open_on_server(admin, ids) and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.05)
    assert not open_on_server(admin, ids), "connections of ended threads are still open on the server"
    assert db.query("SELECT 1") == [(1,)], "the holder still serves the threads that run"


def open_on_server(admin, ids) -> set:
    with admin.cursor() as cursor:
        cursor.execute("SELECT ID FROM information_schema.PROCESSLIST")
        return {row[0] for row in cursor.fetchall()} & set(ids)
