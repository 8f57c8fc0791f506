"""The WordPress MySQL connection: one PyMySQL connection per thread (and per process), opened on
first use, reopened once when the server dropped it. Values come back as the bytes WordPress's
own connection would see (same charset), so PHP-serialized lengths stay right.

A query may carry work to do ``beside`` it: the query is sent, the work runs on the same thread while MySQL answers,
then the answer is read. The request's other database round trip (PostgreSQL) is then in flight at the same time
without a second thread, whose hand-overs cost more than the work itself on a host whose cores sleep between
requests. A query the work sends itself goes out on the thread's next connection: the first one is busy."""
from __future__ import annotations

import functools
import itertools
import os
import ssl
import threading
import weakref
from dataclasses import dataclass, field

from decimal import Decimal
from typing import overload

import pymysql
from pymysql.charset import charset_by_name
from pymysql.constants import COMMAND, FIELD_TYPE
from pymysql.converters import conversions, through
from pymysql.protocol import EOFPacketWrapper, FieldDescriptorPacket, OKPacketWrapper

DISCONNECTED = frozenset({0, 2006, 2013, 2055, 4031})
CONVERSIONS = {**conversions, FIELD_TYPE.DECIMAL: lambda raw: Decimal(raw.decode("ascii")),
               FIELD_TYPE.NEWDECIMAL: lambda raw: Decimal(raw.decode("ascii"))}


@dataclass(frozen=True)
class MySQLParams:
    """Connection settings; ``socket`` wins over host and port. ``charset`` is DB_CHARSET
    (``utf8`` means ``utf8mb4``, as WordPress upgrades it)."""

    host: str = "localhost"
    port: int = 3306
    socket: str | None = None
    user: str = ""
    password: str = field(default="", repr=False)
    database: str = ""
    charset: str = "utf8mb4"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0

    @property
    def connection_charset(self) -> str:
        name = (self.charset or "utf8mb4").lower()
        return "utf8mb4" if name in ("utf8", "utf8mb3") else name

    @property
    def encoding(self) -> str:
        """Python codec of the connection charset."""
        return charset_by_name(self.connection_charset).encoding


class _Connection(pymysql.connections.Connection):
    """PyMySQL's connection, with the TLS context of its preferred mode made once per process, and made without the
    system's CA bundle.

    Given no TLS settings (as WordPress's own connection has none), PyMySQL 1.2 offers TLS to a server that supports
    it, without verifying the server's certificate. For every connection, whether or not the server offers TLS, it
    makes that mode's context with ``ssl.create_default_context()``, which loads the CA bundle: tens of milliseconds
    on the first request of each thread and after every reconnect. A context that verifies nothing never reads that
    bundle. Any other TLS setting is made as PyMySQL makes it."""

    def _create_ssl_ctx(self, sslp):
        if isinstance(sslp, dict) and not sslp:
            return preferred_tls_context()
        return super()._create_ssl_ctx(sslp)  # type: ignore[misc]  # a private method of PyMySQL's


@functools.cache
def preferred_tls_context() -> ssl.SSLContext:
    """PyMySQL's preferred-mode context: ``create_default_context()`` with the host name check and the certificate
    verification off (so with no CA certificates to load), and X.509 strict mode off as PyMySQL turns it off."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    return context


class _ThreadConnections(list):
    """One thread's connections, one per depth: (pid, connection), or None where none is open."""

    def __init__(self, token: int):
        super().__init__()
        self.token = token


class MySQL:
    """Thread-safe holder; ``round_trips`` counts queries sent, ``connects`` connections opened. Each thread has
    connections of its own, closed when the thread ends (a server's request threads come and go: granian ends the
    ones idle for 30 s) or by ``close()``."""

    def __init__(self, params: MySQLParams):
        if charset_by_name(params.connection_charset) is None:
            raise ValueError(f"unknown MySQL charset {params.charset!r}")
        self.params = params
        self.encoding = params.encoding
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: dict[int, list] = {}  # a thread's token -> its (pid, connection)s
        self._tokens = itertools.count()
        self.round_trips = 0
        self.connects = 0

    def query(self, sql: str, args=(), beside: Beside | None = None) -> list[tuple]:
        """Rows of one statement (text as bytes); one retry on a fresh connection if the old one died. ``beside``
        runs once the statement is sent, before its answer is read (at most once, even when the query is retried)."""
        try:
            return self._run(self._connection(), sql, args, beside)
        except (pymysql.OperationalError, pymysql.InterfaceError) as exc:
            if not exc.args or exc.args[0] not in DISCONNECTED:
                raise
            self._discard()
            return self._run(self._connection(), sql, args, beside)

    @overload
    def text(self, value: bytes) -> str: ...

    @overload
    def text(self, value: None) -> None: ...

    def text(self, value: bytes | None) -> str | None:
        """A column's bytes as text in the connection's encoding, bytes it cannot decode kept as surrogates (so the
        text encodes back to the stored bytes); None stays None."""
        return None if value is None else value.decode(self.encoding, "surrogateescape")

    def ping(self) -> None:
        self.query("SELECT 1")

    def close(self) -> None:
        """Close this process's connections (a forked child leaves its parent's alone)."""
        with self._lock:
            held, self._open = self._open, {}
        _close_mine(entry for entries in held.values() for entry in entries)
        self._local = threading.local()

    def _thread_ended(self, token: int) -> None:
        with self._lock:
            held = self._open.pop(token, [])
        _close_mine(held)

    def _run(self, connection, sql: str, args, beside: Beside | None) -> list[tuple]:
        with self._lock:
            self.round_trips += 1
        with connection.cursor() as cursor:
            statement = cursor.mogrify(sql, args)
        # Connection.query in its two halves, with the work between them (PyMySQL 1.x's own steps; setup.cfg keeps
        # to 1.x, tests/wp_bridge/test_mysql_beside.py and test_mysql_answer.py hold them to it).
        connection._execute_command(COMMAND.COM_QUERY, statement.encode(connection.encoding))
        if beside is None or beside.ran:
            return read_answer(connection)
        self._local.depth = self._depth() + 1
        try:
            beside.run()
        finally:
            self._local.depth -= 1
        rows = read_answer(connection)
        beside.raise_interruption()
        return rows

    def _depth(self) -> int:
        """How many of this thread's connections have a statement in flight (their answers not read yet)."""
        return getattr(self._local, "depth", 0)

    def _connection(self):
        held = self._held()
        if held is not None and held[0] == os.getpid():
            return held[1]
        p = self.params
        # pymysql's stubs type a converter as taking str; with use_unicode=False it gets bytes.
        connection = _Connection(
            host=p.host, port=p.port, unix_socket=p.socket or None, user=p.user, password=p.password,
            database=p.database, charset=p.connection_charset, use_unicode=False, autocommit=True,
            connect_timeout=p.connect_timeout, read_timeout=p.read_timeout, write_timeout=p.read_timeout,
            conv=CONVERSIONS)  # type: ignore[arg-type]
        held = (os.getpid(), connection)
        self._set_held(held)
        with self._lock:
            self.connects += 1
            self._open.setdefault(self._connections().token, []).append(held)
        return connection

    def _connections(self) -> _ThreadConnections:
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = _ThreadConnections(next(self._tokens))
            weakref.finalize(connections, self._thread_ended, connections.token)
        return connections

    def _held(self):
        """This thread's connection for the next statement, as (pid, connection), or None."""
        connections, depth = self._connections(), self._depth()
        return connections[depth] if depth < len(connections) else None

    def _set_held(self, held) -> None:
        connections, depth = self._connections(), self._depth()
        connections.extend([None] * (depth + 1 - len(connections)))
        connections[depth] = held

    def _discard(self) -> None:
        held = self._held()
        self._set_held(None)
        if held is not None:
            with self._lock:
                entries = self._open.get(self._connections().token, [])
                if held in entries:
                    entries.remove(held)
            _close(held[1])


def read_answer(connection) -> list[tuple]:
    """The rows that answer the statement last sent on ``connection``, each value converted by its column's type as
    PyMySQL 1.x's reader converts it with this connection's settings ([] for a statement without rows). That reader
    also builds a column description for every column of every answer, which nothing here reads: a column's type is
    looked up by its descriptor's bytes instead, the same for every answer to the same statement."""
    first = connection._read_packet()
    if first.is_ok_packet():
        connection.server_status = OKPacketWrapper(first).server_status
        return []
    try:
        return _result_rows(connection, first.read_length_encoded_integer())
    except BaseException:
        connection._force_close()  # the answer was not read to its end: nothing after it can be read
        raise


def _result_rows(connection, columns: int) -> list[tuple]:
    decoders = connection.decoders
    converters = []
    for _ in range(columns):
        convert = decoders.get(_type_code(connection._read_packet().get_all_data(), connection.encoding))
        converters.append(None if convert is through else convert)
    if not connection._read_packet().is_eof_packet():
        raise pymysql.err.InternalError("Protocol error, expecting EOF")
    rows: list[tuple] = []
    while True:
        packet = connection._read_packet()
        if packet.is_eof_packet():
            connection.server_status = EOFPacketWrapper(packet).server_status
            return rows
        row = []
        for convert in converters:
            value = packet.read_length_coded_string()
            row.append(value if value is None or convert is None else convert(value))
        rows.append(tuple(row))


@functools.lru_cache(maxsize=256)
def _type_code(descriptor: bytes, encoding: str) -> int:
    return FieldDescriptorPacket(descriptor, encoding).description()[1]  # DB-API's (name, type_code, ...)


class Beside:
    """Work to run beside a query (``MySQL.query``), at most once: its result, or the exception it raised (any
    BaseException: the query's answer is read whatever the work did). An interruption (KeyboardInterrupt,
    SystemExit) is raised by the query once its answer is read, as it would have been without the work."""

    def __init__(self, work):
        self._work = work
        self.ran = False
        self._result = self._error = None

    def run(self) -> None:
        if self.ran:
            return
        self.ran = True
        try:
            self._result = self._work()
        except BaseException as exc:  # noqa: BLE001 - kept for the caller, who asked for the work
            self._error = exc

    def raise_interruption(self) -> None:
        if isinstance(self._error, (KeyboardInterrupt, SystemExit)):
            raise self._error

    def result(self):
        """The work's result, run now if no query ran it; its exception is raised again here."""
        self.run()
        if self._error is not None:
            raise self._error
        return self._result


def _close(connection) -> None:
    try:
        connection.close()
    except (pymysql.Error, OSError):
        pass


def _close_mine(entries) -> None:
    """Close the connections of (pid, connection) ``entries`` this process opened (a forked child leaves its
    parent's alone)."""
    for pid, connection in entries:
        if pid == os.getpid():
            _close(connection)
