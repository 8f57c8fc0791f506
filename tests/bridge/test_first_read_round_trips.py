"""A worker's first read costs what every later read costs (issue 15): a new worker opens its first PostgreSQL
connection and reads the site's data before it takes requests, so no caller pays for the PostgreSQL connection's
handshake, TLS and authentication round trips (six or more against a database across the network), nor for the site
data's query. Counted through proxies, not timed: a worker starts after every reload and every `max_requests`."""
from __future__ import annotations

import pymysql
import pytest

from devstack.action_requests import forwarding_to_proxied_sidecar, measure


@pytest.fixture
def fresh_sidecar(wordpress_site, pg_database, sidecar_server, uploads_root, tmp_path_factory):
    """A sidecar of one worker that has answered no request yet, behind counting proxies, the session's WordPress
    forwarding to it; the shim is pointed back at the session's sidecar afterwards."""
    with forwarding_to_proxied_sidecar(tmp_path_factory.mktemp("first-read"), wordpress_site, pg_database,
                                       sidecar_server, uploads_root) as (sidecar, requests_):
        yield sidecar, requests_


def mysql_handshake(site, meter) -> int:
    """The round trips of opening a MySQL connection as the sidecar does (autocommit on), as the proxy counts them."""
    before = meter.settled()[1]
    connection = pymysql.connect(host=meter.mysql.host, port=meter.mysql.port, user=site.db.user,
                                 password=site.db.password, database=site.db.dbname, autocommit=True)
    try:
        return meter.settled()[1] - before
    finally:
        connection.close()
        meter.settled()


def test_a_new_workers_first_read_costs_what_every_read_costs(fresh_sidecar, wordpress_site):
    """One PostgreSQL round trip on the connection the worker opened as it started; on MySQL, the request thread's
    own connection and the one query of every read, the site's data having been read at the start."""
    sidecar, requests_ = fresh_sidecar
    sidecar.meter.settled()
    assert sidecar.meter.postgres.connections == 1, "the worker opens one PostgreSQL connection as it starts"
    assert not [line for line in sidecar.server.request_lines(count=0) if "action" in line], "no action ran yet"
    handshake = mysql_handshake(wordpress_site, sidecar.meter)

    first = measure(requests_, sidecar.meter, "wecoza_get_learner", repeats=1, warmups=0)
    assert first["ok"], first
    assert (first["postgres"], first["mysql"], first["sidecar_requests"]) == (1, handshake + 1, 1), (first, handshake)
    assert sidecar.meter.postgres.connections == 1, "the first read used the connection opened at the start"
