"""The WordPress MySQL connection: one PyMySQL connection per thread (and per process), opened on
first use, reopened once when the server dropped it. Values come back as the bytes WordPress's
own connection would see (same charset), so PHP-serialized lengths stay right."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from decimal import Decimal
from typing import overload

import pymysql
from pymysql.charset import charset_by_name
from pymysql.constants import FIELD_TYPE
from pymysql.converters import conversions

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


class MySQL:
    """Thread-safe holder; ``round_trips`` counts queries sent, ``connects`` connections opened."""

    def __init__(self, params: MySQLParams):
        if charset_by_name(params.connection_charset) is None:
            raise ValueError(f"unknown MySQL charset {params.charset!r}")
        self.params = params
        self.encoding = params.encoding
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list = []
        self.round_trips = 0
        self.connects = 0

    def query(self, sql: str, args=()) -> list[tuple]:
        """Rows of one statement (text as bytes); one retry on a fresh connection if the old one died."""
        try:
            return self._run(self._connection(), sql, args)
        except (pymysql.OperationalError, pymysql.InterfaceError) as exc:
            if not exc.args or exc.args[0] not in DISCONNECTED:
                raise
            self._discard()
            return self._run(self._connection(), sql, args)

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
            held, self._open = self._open, []
        for pid, connection in held:
            if pid == os.getpid():
                _close(connection)
        self._local = threading.local()

    def _run(self, connection, sql: str, args) -> list[tuple]:
        with self._lock:
            self.round_trips += 1
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return list(cursor.fetchall())

    def _connection(self):
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        p = self.params
        # pymysql's stubs type a converter as taking str; with use_unicode=False it gets bytes.
        connection = pymysql.connect(
            host=p.host, port=p.port, unix_socket=p.socket or None, user=p.user, password=p.password,
            database=p.database, charset=p.connection_charset, use_unicode=False, autocommit=True,
            connect_timeout=p.connect_timeout, read_timeout=p.read_timeout, write_timeout=p.read_timeout,
            conv=CONVERSIONS)  # type: ignore[arg-type]
        self._local.held = (os.getpid(), connection)
        with self._lock:
            self.connects += 1
            self._open.append(self._local.held)
        return connection

    def _discard(self) -> None:
        held = getattr(self._local, "held", None)
        self._local.held = None
        if held is not None:
            with self._lock:
                if held in self._open:
                    self._open.remove(held)
            _close(held[1])


def _close(connection) -> None:
    try:
        connection.close()
    except pymysql.Error:
        pass
