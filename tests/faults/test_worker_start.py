"""A worker opens its first PostgreSQL connection as it starts (issue 15). PostgreSQL refusing connections then does
not keep the worker from starting: it says so in its log, and its first request opens the connection itself."""
from __future__ import annotations

from devstack.sidecar_server import SidecarServer
from devstack.signed import forward, wire_cookie


def allow_connections(pg_database, allowed: bool) -> None:
    pg_database.server.psql(f'ALTER DATABASE :"db" ALLOW_CONNECTIONS {str(allowed).lower()};', db=pg_database.dbname)


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
