"""A sidecar PostgreSQL pool (sidecar.db.Postgres) to a test database, for the tests of the pool and of what
travels over it."""
from __future__ import annotations

from sidecar.db import Postgres


def pool_to(db, via=None, size: int = 2, prepare: bool = True, **params) -> Postgres:
    """A pool of at most ``size`` connections to ``db`` (a devstack PgDatabase), through ``via`` (a proxy with
    ``host`` and ``port``) when given; ``params``: more connection parameters (``sslmode``)."""
    host, port = (via.host, via.port) if via is not None else (db.host, db.port)
    return Postgres(lambda: {"host": host, "port": port, "dbname": db.dbname, "user": db.user,
                             "password": db.password, **params}, pool_max=size, prepare=prepare)


def backend_pid(postgres: Postgres) -> int:
    """The server process behind the pool's next connection (one statement, one round trip)."""
    with postgres.transaction(statement_by_statement=True) as cur:
        cur.execute("SELECT pg_backend_pid() AS pid")
        return cur.fetchone()["pid"]
