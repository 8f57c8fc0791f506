"""The sidecar's pool against a PostgreSQL that offers SSL, as the managed production database does: with
sslmode=require every connection is encrypted, and the folded, prepared read is still one round trip.

The server is one of the suite's own (devstack PrivatePostgres with a test certificate made for it).
"""
from __future__ import annotations

import pytest

from devstack.postgres import create_pg_database, drop_pg_database
from devstack.servers import PrivatePostgres
from devstack.tcp_proxy import CountingProxy
from sidecar.db import Prepared
from tests.bridge.pools import pool_to

ENCRYPTED = Prepared("wecoza_test_ssl_in_use", "SELECT ssl, %(probe)s::int AS probe FROM pg_stat_ssl "
                                              "WHERE pid = pg_backend_pid()")


@pytest.fixture(scope="module")
def ssl_database(system_services):
    server = PrivatePostgres(ssl=True).start()
    try:
        db = create_pg_database(server, project_schema=True)
        try:
            yield db
        finally:
            drop_pg_database(db)
    finally:
        server.remove()


def test_sslmode_require_encrypts_and_a_prepared_read_stays_one_round_trip(ssl_database):
    with CountingProxy(ssl_database.host, ssl_database.port) as proxy:
        postgres = pool_to(ssl_database, proxy, size=1, sslmode="require")
        try:
            postgres.ping()  # connected: the handshake is not the read's
            before = proxy.round_trips
            with postgres.transaction(statement_by_statement=True) as cur:
                cur.execute_prepared(ENCRYPTED, {"probe": 7})
                row = cur.fetchone()
            assert (row["ssl"], row["probe"], proxy.round_trips - before) == (True, 7, 1)
        finally:
            postgres.close()


def test_sslmode_disable_connects_in_clear_to_the_same_server(ssl_database):
    postgres = pool_to(ssl_database, size=1, sslmode="disable")
    try:
        with postgres.transaction() as cur:
            cur.execute_prepared(ENCRYPTED, {"probe": 1})
            assert cur.fetchone()["ssl"] is False
    finally:
        postgres.close()
