"""The WordPress MySQL connection: one PyMySQL connection per thread (and per process), opened on
first use, reopened once when the server dropped it. Values come back as the bytes WordPress's
own connection would see (same charset), so PHP-serialized lengths stay right.

A statement may be sent (``MySQL.send``) and its answer read later (``InFlight.rows``): the thread does other
work while MySQL answers (the request's PostgreSQL round trip), without a second thread, whose hand-overs cost more
than the work itself on a host whose cores sleep between requests. Until its answer is read, the thread's other
statements go out on another of its connections."""
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


class _ThreadConnections:
    """One thread's connections by slot, as (pid, connection), and the slots whose answer is unread."""

    def __init__(self, token: int):
        self.token = token
        self.held: dict[int, tuple] = {}
        self.busy: set[int] = set()

    def free_slot(self) -> int:
        slot = 0
        while slot in self.busy:
            slot += 1
        return slot


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

    def query(self, sql: str, args=()) -> list[tuple]:
        """Rows of one statement (text as bytes); one retry on a fresh connection if the old one died."""
        return self.send(sql, args).rows()

    def send(self, sql: str, args=()) -> InFlight:
        """Send one statement now; ``rows()`` of what this returns reads its answer (once). Until then the thread's
        other statements go out on another of its connections."""
        return InFlight(self, self._connections().free_slot(), sql, args)

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

    def _send(self, slot: int, sql: str, args):
        """The slot's connection (opened if needed), with the statement sent on it and the slot busy."""
        connection = self._connection(slot)
        with self._lock:
            self.round_trips += 1
        with connection.cursor() as cursor:
            statement = cursor.mogrify(sql, args)
        # Connection.query in its two halves (PyMySQL 1.x's own steps; setup.cfg keeps to 1.x,
        # tests/wp_bridge/test_mysql_in_flight.py and test_mysql_answer.py hold them to it).
        connection._execute_command(COMMAND.COM_QUERY, statement.encode(connection.encoding))
        self._connections().busy.add(slot)
        return connection

    def _connection(self, slot: int):
        connections = self._connections()
        held = connections.held.get(slot)
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
        connections.held[slot] = held
        with self._lock:
            self.connects += 1
            self._open.setdefault(connections.token, []).append(held)
        return connection

    def _connections(self) -> _ThreadConnections:
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = _ThreadConnections(next(self._tokens))
            weakref.finalize(connections, self._thread_ended, connections.token)
        return connections

    def _discard(self, slot: int) -> None:
        connections = self._connections()
        held = connections.held.pop(slot, None)
        connections.busy.discard(slot)
        if held is not None:
            with self._lock:
                entries = self._open.get(connections.token, [])
                if held in entries:
                    entries.remove(held)
            _close(held[1])

    def _answered(self, slot: int) -> None:
        self._connections().busy.discard(slot)


class InFlight:
    """A statement sent on one of the thread's connections (its slot), its answer not read yet. A connection found
    dead, when sending or when reading the answer, is replaced and the statement sent once more, once in all."""

    def __init__(self, db: MySQL, slot: int, sql: str, args):
        self._db, self._slot, self._sql, self._args = db, slot, sql, args
        self._retried = False
        self._rows: list[tuple] | None = None
        try:
            self._connection = db._send(slot, sql, args)
        except pymysql.Error as exc:
            if not self._may_send_again(exc):
                raise
            self._send_again()

    def rows(self) -> list[tuple]:
        """The answer's rows, read the first time (on the thread that sent the statement)."""
        if self._rows is None:
            self._rows = self._read()
        return self._rows

    def _read(self) -> list[tuple]:
        db, slot = self._db, self._slot
        try:
            rows = read_answer(self._connection)
        except pymysql.Error as exc:
            if self._may_send_again(exc):
                self._send_again()
                return self._read()
            if self._connection.open:
                db._answered(slot)  # the server's error was the whole answer
            else:
                db._discard(slot)
            raise
        except BaseException:
            db._discard(slot)  # interrupted mid-answer: nothing after it can be read on this connection
            raise
        db._answered(slot)
        return rows

    def _may_send_again(self, exc: pymysql.Error) -> bool:
        return not self._retried and bool(exc.args) and exc.args[0] in DISCONNECTED

    def _send_again(self) -> None:
        self._db._discard(self._slot)
        self._retried = True
        self._connection = self._db._send(self._slot, self._sql, self._args)


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
