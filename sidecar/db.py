"""PostgreSQL access: one pool per process, opened on first use, one transaction per call.

Every network round trip to PostgreSQL costs a round trip of the network it sits behind, so a transaction sends
no statement of its own: ``BEGIN`` and the statements whose answers nobody waits for (``FoldingCursor.hold``) go
out in front of the next statement that is sent anyway, and ``COMMIT`` behind the last held ones. PostgreSQL runs
the statements of one message in order and stops at the first error, so this changes when they travel, not what
they do. The connections are in psycopg2's autocommit mode for this: psycopg2 would send its own ``BEGIN``.

A statement run on every request (``Prepared``) is planned once per connection: its ``PREPARE`` travels in front of
the first message that needs it on that connection, and afterwards only ``EXECUTE name(values)`` is sent. Planning a
many-join read costs more than running it. ``PREPARE`` is not transactional (it outlives a rollback or a later error
in the same message), so a connection whose message failed forgets what it had prepared and starts over with
``DEALLOCATE ALL``. A pooler that moves statements between server connections (pgbouncer in transaction mode) needs
``[postgres] prepared_statements = off``.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg2

from .logs import first_line

log = logging.getLogger("wecoza.sidecar.db")


class DatabaseUnavailable(Exception):
    """PostgreSQL could not be reached; the request fails cleanly and nothing was written."""

    @classmethod
    def because(cls, exc: BaseException) -> DatabaseUnavailable:
        """Named by the first line of the driver's error, or by its type when it says nothing."""
        return cls(first_line(exc) or type(exc).__name__)


class PoolExhausted(Exception):
    """Every connection the pool may open is in use."""


class ConnectionPool:
    """At most ``size`` connections, opened when needed and kept when given back (the last one given back is
    the next handed out). ``usage`` is (in use, open) for metrics."""

    def __init__(self, connect, size: int):
        self._connect = connect
        self.size = size
        self._idle: list = []
        self._in_use = 0
        self._closed = False
        self._lock = threading.Lock()

    def checkout(self):
        with self._lock:
            if self._idle:
                self._in_use += 1
                return self._idle.pop()
            if self._in_use >= self.size:
                raise PoolExhausted(f"all {self.size} PostgreSQL connections of this worker are in use")
            self._in_use += 1
        try:
            return self._connect()
        except BaseException:
            with self._lock:
                self._in_use -= 1
            raise

    def checkin(self, conn, close: bool = False) -> None:
        with self._lock:
            self._in_use -= 1
            if not (close or self._closed or conn.closed):
                self._idle.append(conn)
                return
        _close_quietly(conn)

    def discard_idle(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            _close_quietly(conn)

    def usage(self) -> tuple[int, int]:
        with self._lock:
            return self._in_use, self._in_use + len(self._idle)

    def close(self) -> None:
        """Close the idle connections now and the ones in use when they are given back."""
        self._closed = True
        self.discard_idle()


def _close_quietly(conn) -> None:
    try:
        conn.close()
    except psycopg2.Error:
        pass


def _log_sql(kind: str, query) -> None:
    """At debug level, the statement's SQL text on one line, without the parameter values."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s: %s", kind, " ".join(str(query).split()))


_NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Prepared:
    """A fixed statement with ``%(name)s`` placeholders, planned once per connection (see the module's text).

    ``types`` names a parameter's SQL type where PostgreSQL cannot infer it from the statement. The ``PREPARE`` and
    ``EXECUTE`` texts are built once, when the statement is declared."""

    name: str
    text: str
    types: dict = field(default_factory=dict)
    parameters: tuple[str, ...] = field(init=False)
    _prepare: bytes = field(init=False, repr=False)
    _execute: str = field(init=False, repr=False)

    def __post_init__(self):
        parameters = tuple(dict.fromkeys(_NAMED_PLACEHOLDER.findall(self.text)))
        numbers = {name: index for index, name in enumerate(parameters, 1)}
        body = _NAMED_PLACEHOLDER.sub(lambda m: f"${numbers[m.group(1)]}", self.text.replace("%%", "%"))
        types = ", ".join(self.types.get(name, "unknown") for name in parameters)
        header = f"PREPARE {self.name} ({types}) AS " if types else f"PREPARE {self.name} AS "
        arguments = ", ".join(f"%({name})s" for name in parameters)
        object.__setattr__(self, "parameters", parameters)
        object.__setattr__(self, "_prepare", (header + body).encode())
        object.__setattr__(self, "_execute", f"EXECUTE {self.name} ({arguments})" if arguments
                           else f"EXECUTE {self.name}")

    def prepare_sql(self) -> bytes:
        return self._prepare

    def execute_sql(self) -> str:
        return self._execute


class PreparingConnection(psycopg2.extensions.connection):
    """A connection that knows which ``Prepared`` statements its server session holds (None: not known)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: set[str] | None = set()
        self.prepare_statements = True


class DictRowCursor(psycopg2.extensions.cursor):
    """Rows as plain dicts, column name to value. psycopg2's RealDictCursor fills each row one column at a time
    through a Python ``__setitem__``; this builds it from the tuple psycopg2 made, at a third of the cost for a
    learner's 40 columns."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._names: list[str] | None = None

    def execute(self, query, vars=None):
        self._names = None
        return super().execute(query, vars)

    def _columns(self) -> list[str]:
        if self._names is None:
            self._names = [column.name for column in self.description or ()]
        return self._names

    def _as_dicts(self, rows) -> list[dict]:
        names = self._columns()
        return [dict(zip(names, row, strict=True)) for row in rows]

    def fetchone(self):
        row = super().fetchone()
        return None if row is None else self._as_dicts((row,))[0]

    def fetchmany(self, size=None):
        return self._as_dicts(super().fetchmany() if size is None else super().fetchmany(size))

    def fetchall(self):
        return self._as_dicts(super().fetchall())

    def __iter__(self):
        while (row := self.fetchone()) is not None:
            yield row


class QueryLoggingCursor(DictRowCursor):
    """At debug level, logs each statement's SQL text without the parameter values."""

    def execute(self, query, vars=None):
        _log_sql("sql", query)
        return super().execute(query, vars)


class FoldingCursor(QueryLoggingCursor):
    """A cursor that sends held statements in the same message as the next statement (see the module's text).

    The answer (rows, ``rowcount``) is the last statement's: the one the caller executed. A held statement may
    name ``on_error``: given the error of the message that carried it, it returns the exception to raise
    instead (or None), e.g. a replayed request id instead of a unique violation.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._held: list[bytes] = []
        self._on_error: list = []
        self._begin_held = False
        self.begun = False  # BEGIN has been sent: a transaction is open on the server
        self.sent = False  # a message has gone to the server (what it carried may have failed there)
        self.committing = False  # the message that ends the transaction has been sent

    def begin(self) -> None:
        self._held.insert(0, b"BEGIN")
        self._begin_held = True

    def hold(self, query, vars=None, on_error=None) -> None:
        """Send this statement in front of the next one; nothing waits for its answer."""
        _log_sql("sql (held)", query)
        self._held.append(self.mogrify(query, vars))
        if on_error is not None:
            self._on_error.append(on_error)

    def execute(self, query, vars=None):
        if not self._held:
            return super().execute(query, vars)
        _log_sql("sql", query)
        return self._send([self.mogrify(query, vars)])

    def execute_prepared(self, statement: Prepared, vars: dict):
        """``execute`` of a ``Prepared`` statement: planned on this connection once, then only executed."""
        conn = self.connection
        if not getattr(conn, "prepare_statements", False):
            return self.execute(statement.text, vars)
        _log_sql(f"sql (prepared {statement.name})", statement.text)
        lead: list[bytes] = []
        if conn.prepared is None:
            lead.append(b"DEALLOCATE ALL")
            conn.prepared = set()
        if statement.name not in conn.prepared:
            lead.append(statement.prepare_sql())
        try:
            result = self._send([self.mogrify(statement.execute_sql(), vars)], lead=lead)
        except Exception:  # a server error, or what a held statement raises instead of it (a replayed request)
            if lead:
                conn.prepared = None  # the PREPARE may or may not have run before the error
            raise
        conn.prepared.add(statement.name)
        return result

    def commit(self) -> None:
        """End the transaction: what is still held, then COMMIT, in one message. When BEGIN never went out
        (nothing waited for an answer), what is held is sent alone: one message is one implicit transaction."""
        self.committing = True
        if self.begun:
            self._send([b"COMMIT"])
            return
        if self._begin_held:
            del self._held[0]
            self._begin_held = False
        if self._held:
            self._send([])

    def fetch_tuples(self, query, vars=None) -> list[tuple]:
        """``execute`` then ``fetchall`` as plain tuples: no dict per row, for long lists."""
        _log_sql("sql", query)
        with self.connection.cursor() as plain:
            self._send([self.mogrify(query, vars)], via=plain)
            return plain.fetchall()

    def _send(self, statements: list[bytes], lead: list[bytes] = (), via=None):
        """``lead``: statements in front of everything else, outside the transaction (``PREPARE``); ``via``:
        another cursor of the connection that sends the message and holds the answer."""
        statements = [*lead, *self._held, *statements]
        handlers = self._on_error
        self._held, self._on_error = [], []
        self.sent = True
        self.begun = self.begun or self._begin_held
        self._begin_held = False
        try:
            if via is not None:
                return via.execute(b"; ".join(statements))
            return DictRowCursor.execute(self, b"; ".join(statements))
        except psycopg2.Error as exc:
            for handler in handlers:
                instead = handler(exc)
                if instead is not None:
                    raise instead from exc
            raise


# Waiting for PostgreSQL --------------------------------------------------------------------------------------------
#
# Every wait of this process's connections for their server goes through ``wait_for_postgres`` (psycopg2's wait
# callback, made for coroutine libraries; used here without any): while a statement's answer travels, the thread
# runs the work it set aside for that time (``meanwhile``), e.g. the caller's authentication beside a read
# (sidecar.guard). libpq does not apply ``connect_timeout`` to a connection opened this way: the callback does.

_set_aside = threading.local()


@contextlib.contextmanager
def meanwhile(work: Callable[[], None]):
    """Within the block, ``work`` runs the first time this thread waits for PostgreSQL, then not again (it may not
    run at all: ask for its result after the block). It must not raise: an exception inside psycopg2's wait breaks
    the connection (sidecar.deferred.Deferred.run keeps what its work raises)."""
    outer = getattr(_set_aside, "work", None)
    _set_aside.work = work
    try:
        yield
    finally:
        _set_aside.work = outer


def wait_for_postgres(conn) -> None:
    deadline = _connect_deadline(conn) if conn.status == psycopg2.extensions.STATUS_SETUP else None
    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        work = getattr(_set_aside, "work", None)
        if work is not None:
            _set_aside.work = None
            work()
            continue  # the answer may have come meanwhile
        if state == psycopg2.extensions.POLL_READ:
            events = select.POLLIN
        elif state == psycopg2.extensions.POLL_WRITE:
            events = select.POLLOUT
        else:
            raise psycopg2.OperationalError(f"unexpected poll state {state}")
        poller = select.poll()  # a new one each time: a connection being opened may move to another socket
        poller.register(conn.fileno(), events)
        if not poller.poll(None if deadline is None else max(0.0, deadline - time.monotonic()) * 1000):
            raise psycopg2.OperationalError("timeout expired")


def _connect_deadline(conn) -> float | None:
    """When a connection being opened gives up, as libpq's ``connect_timeout`` (or ``PGCONNECT_TIMEOUT``) says:
    none when unset or not positive, and never sooner than 2 seconds."""
    value = psycopg2.extensions.parse_dsn(conn.dsn).get("connect_timeout") or os.environ.get("PGCONNECT_TIMEOUT")
    try:
        seconds = int(value or 0)
    except ValueError:
        return None
    return time.monotonic() + max(seconds, 2) if seconds > 0 else None


class Postgres:
    def __init__(self, params_factory, pool_max: int = 10, connect_timeout: int = 5, prepare: bool = True):
        psycopg2.extensions.set_wait_callback(wait_for_postgres)  # the process's connections wait through it
        self._params_factory = params_factory
        self._prepare = prepare
        self._pool_max = pool_max
        self._connect_timeout = connect_timeout
        self._pool = None
        self._lock = threading.Lock()

    def _get_pool(self):
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    params = dict(self._params_factory())
                    params.setdefault("connect_timeout", self._connect_timeout)
                    params.setdefault("application_name", "wecoza-sidecar")
                    self._pool = ConnectionPool(lambda: self._connect(params), self._pool_max)
        return self._pool

    def _connect(self, params: dict):
        conn = psycopg2.connect(connection_factory=PreparingConnection, **params)
        conn.prepare_statements = self._prepare
        return conn

    def pool_usage(self) -> tuple[int, int]:
        """(connections in use, connections open) for metrics."""
        pool = self._pool
        return (0, 0) if pool is None else pool.usage()

    def _checkout(self):
        """A pooled connection that is still alive: an idle connection has nothing to read unless the
        server has ended it (restart, terminated backend), which costs no round trip to notice."""
        pool = self._get_pool()
        for _ in range(self._pool_max + 1):
            conn = pool.checkout()
            if not conn.closed and not select.select([conn], [], [], 0)[0]:
                return pool, conn
            pool.checkin(conn, close=True)
        return pool, pool.checkout()

    @contextlib.contextmanager
    def connection(self):
        try:
            pool, conn = self._checkout()
        except (psycopg2.OperationalError, PoolExhausted) as exc:
            raise DatabaseUnavailable.because(exc) from exc
        broken = False
        try:
            conn.autocommit = False  # as psycopg2 hands it out: statements inside a transaction it begins
            yield conn
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            # A lost connection (server restarted, backend terminated) or a statement timeout: the request
            # fails cleanly; after a loss the idle connections are dropped too, so the next request reconnects.
            broken = bool(conn.closed) or isinstance(exc, psycopg2.InterfaceError)
            if broken:
                pool.discard_idle()
            raise DatabaseUnavailable.because(exc) from exc
        finally:
            if conn.closed:
                broken = True
            if not broken:
                broken = not self._end_open_transaction(conn)
            pool.checkin(conn, close=broken)

    @staticmethod
    def _end_open_transaction(conn) -> bool:
        """Roll back whatever the server still has open on ``conn``; False when the connection is unusable."""
        try:
            status = conn.info.transaction_status
            if status == psycopg2.extensions.TRANSACTION_STATUS_UNKNOWN:
                return False
            if status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
                if conn.autocommit:  # a transaction begun by a folded BEGIN: psycopg2 does not know it
                    with conn.cursor() as cur:
                        cur.execute("ROLLBACK")
                else:
                    conn.rollback()
            return True
        except psycopg2.Error:
            return False

    @contextlib.contextmanager
    def transaction(self, held=(), statement_by_statement: bool = False):
        """A ``FoldingCursor`` inside one transaction: committed on success, rolled back on any error.

        ``held``: (query, vars, on_error) sent in front of the first statement. ``BEGIN`` travels with the
        first statement, ``COMMIT`` with the statements still held at the end, or alone.

        ``statement_by_statement`` (reads): no ``BEGIN``; each statement commits on its own, and the held ones
        commit with the first, as one implicit transaction (PostgreSQL runs one message's statements as one).
        Under READ COMMITTED each statement sees its own snapshot either way, so a read sees what it saw
        inside one transaction; a read of one statement is one round trip.
        """
        with self.connection() as conn:
            conn.autocommit = True
            with conn.cursor(cursor_factory=FoldingCursor) as cur:
                if not statement_by_statement:
                    cur.begin()
                for query, vars, on_error in held:
                    cur.hold(query, vars, on_error)
                yield cur
                cur.commit()

    def open_idle_connection(self) -> None:
        """Open one connection into the pool now, so that the next statement finds it open and costs one round trip
        rather than the connection's handshake, TLS and authentication round trips as well."""
        with self.connection():
            pass

    def ping(self) -> None:
        with self.transaction() as cur:
            cur.execute("SELECT 1")

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
