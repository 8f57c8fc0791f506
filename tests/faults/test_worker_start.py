"""A worker opens its first PostgreSQL connection as it starts (issue 15). PostgreSQL refusing connections then does
not keep the worker from starting: it says so in its log, and its first request opens the connection itself."""
from __future__ import annotations

from devstack.sidecar_server import SidecarServer
from devstack.signed import forward, wire_cookie
from devstack.tcp_proxy import CountingProxy
from devstack.waiting import wait_until


def allow_connections(pg_database, allowed: bool) -> None:
    pg_database.server.psql(f'ALTER DATABASE :"db" ALLOW_CONNECTIONS {str(allowed).lower()};', db=pg_database.dbname)


def test_under_an_external_gunicorn_with_preload_each_worker_opens_its_own_connection(
        wordpress_site, pg_database, ajax, learners, tmp_path):
    """``gunicorn -c config/gunicorn.conf.py --preload sidecar.wsgi:app``: the master builds the app but opens no
    connection, which every worker would share; each of the two workers opens its own as it starts."""
    learner_id = learners.make(first_name="Preloaded")
    fields = {"id": str(learner_id), "nonce": ajax.nonce("admin", "learners_nonce_action")}
    server = SidecarServer(tmp_path / "sidecar", wordpress_site, pg_database, workers=2)
    with CountingProxy(pg_database.host, pg_database.port) as postgres:
        server.env.update({"WECOZA_PG_HOST": postgres.host, "WECOZA_PG_PORT": str(postgres.port)})
        try:
            server.start_under_gunicorn("--preload")
            wait_until(lambda: postgres.connections == 2)
            answers = [forward(server, "wecoza_get_learner", fields, cookie=wire_cookie(ajax.session("admin")))[0]
                       for _ in range(8)]  # new connections each: the kernel spreads them over both workers
            assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers]
            assert {a.json()["data"]["firstName"] for a in answers} == {"Preloaded"}
            assert postgres.connections == 2, "each worker read on the connection it opened as it started"
        finally:
            server.stop()


def test_a_worker_started_while_postgres_refuses_connections_answers_once_it_is_back(
        wordpress_site, pg_database, ajax, learners, tmp_path):
    learner_id = learners.make(first_name="Started")
    fields = {"id": str(learner_id), "nonce": ajax.nonce("admin", "learners_nonce_action")}
    server = SidecarServer(tmp_path / "sidecar", wordpress_site, pg_database, workers=1)
    try:
        allow_connections(pg_database, False)
        try:
            server.start()
        finally:
            allow_connections(pg_database, True)
        assert "worker start: PostgreSQL not reached, the first request tries again" in server.log()

        response, _ = forward(server, "wecoza_get_learner", fields, cookie=wire_cookie(ajax.session("admin")))
        assert response.status_code == 200, response.text
        assert response.json()["data"]["firstName"] == "Started"
    finally:
        server.stop()
