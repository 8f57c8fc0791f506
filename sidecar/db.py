"""PostgreSQL access: one pool per process, opened on first use, one transaction per call."""
from __future__ import annotations

import contextlib
import logging
import select
import threading

import psycopg2
import psycopg2.extras
import psycopg2.pool

log = logging.getLogger("wecoza.sidecar.db")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class DatabaseUnavailable(Exception):
    """PostgreSQL could not be reached; the request fails cleanly and nothing was written."""


class QueryLoggingCursor(psycopg2.extras.RealDictCursor):
    """At debug level, logs each statement's SQL text without the parameter values."""

    def execute(self, query, vars=None):
        if log.isEnabledFor(logging.DEBUG):
            log.debug("sql: %s", " ".join(str(query).split()))
        return super().execute(query, vars)


class Postgres:
    def __init__(self, params_factory, pool_max: int = 10, connect_timeout: int = 5):
        self._params_factory = params_factory
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
                    self._pool = psycopg2.pool.ThreadedConnectionPool(0, self._pool_max, **params)
                    # psycopg2 keeps a returned connection only while fewer than `minconn` are idle, so
                    # with 0 every transaction reconnected. Opened lazily (0 at start), kept up to the max.
                    self._pool.minconn = self._pool_max
        return self._pool

    def pool_usage(self) -> tuple[int, int]:
        """(connections in use, connections open) for metrics."""
        pool = self._pool
        if pool is None:
            return 0, 0
        return len(pool._used), len(pool._used) + len(pool._pool)

    def _checkout(self):
        """A pooled connection that is still alive: an idle connection has nothing to read unless the
        server has ended it (restart, terminated backend), which costs no round trip to notice."""
        pool = self._get_pool()
        for _ in range(self._pool_max + 1):
            conn = pool.getconn()
            if not conn.closed and not select.select([conn], [], [], 0)[0]:
                return pool, conn
            pool.putconn(conn, close=True)
        return pool, pool.getconn()

    @contextlib.contextmanager
    def connection(self):
        try:
            pool, conn = self._checkout()
        except (psycopg2.OperationalError, psycopg2.pool.PoolError) as exc:
            raise DatabaseUnavailable(_first_line(exc)) from exc
        broken = False
        try:
            yield conn
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            # A lost connection (server restarted, backend terminated) or a statement timeout: the request
            # fails cleanly; after a loss the idle connections are dropped too, so the next request reconnects.
            broken = bool(conn.closed) or isinstance(exc, psycopg2.InterfaceError)
            if broken:
                self._discard_idle(pool)
            raise DatabaseUnavailable(_first_line(exc)) from exc
        finally:
            if conn.closed:
                broken = True
            if not broken:
                try:
                    if conn.status != psycopg2.extensions.STATUS_READY:
                        conn.rollback()
                except psycopg2.Error:
                    broken = True
            pool.putconn(conn, close=broken)

    @staticmethod
    def _discard_idle(pool) -> None:
        with pool._lock:
            for idle in pool._pool:
                idle.close()
            pool._pool.clear()

    @contextlib.contextmanager
    def transaction(self):
        """A cursor inside one transaction: committed on success, rolled back on any error."""
        with self.connection() as conn:
            try:
                with conn.cursor(cursor_factory=QueryLoggingCursor) as cur:
                    yield cur
                conn.commit()
            except BaseException:
                if not conn.closed:
                    conn.rollback()
                raise

    def ping(self) -> None:
        with self.transaction() as cur:
            cur.execute("SELECT 1")

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.closeall()
                self._pool = None
