"""Cases that need a PostgreSQL of their own: no learners at all, and PostgreSQL unreachable.

The sidecar runs in-process (Flask test client) against a fresh database loaded with the production schema;
the caller is the session's real WordPress administrator (cookie and nonce made by WordPress), and requests
are signed as the shim signs them.
"""
from __future__ import annotations

import socket

import pytest

from devstack.ajax import create_nonce
from devstack.postgres import create_pg_database, drop_pg_database

from devstack.inprocess import InProcessSidecar, migrate, sidecar_env
from devstack.signed import wire_cookie

UNAVAILABLE = "The WeCoza service is temporarily unavailable. Please try again."


@pytest.fixture(scope="module")
def empty_pg(pg_server):
    db = create_pg_database(pg_server)
    try:
        migrate(db)
        yield db
    finally:
        drop_pg_database(db)


@pytest.fixture()
def admin(wordpress_site, sidecar_server):
    session = wordpress_site.login("admin")
    return session, wire_cookie(session)


def test_no_learners_found(wordpress_site, admin, empty_pg, tmp_path):
    session, cookie = admin
    sidecar = InProcessSidecar(sidecar_env(empty_pg, tmp_path, site=wordpress_site))
    try:
        response = sidecar.call("fetch_learners_data", cookie=cookie,
                                fields={"nonce": create_nonce(wordpress_site, session, "learners_nonce")})
        assert (response.status_code, response.data) == (200, b'{"success":false,"data":"No learners found."}')
        listed = sidecar.call("wecoza_get_learners", cookie=cookie,
                              fields={"nonce": create_nonce(wordpress_site, session, "learners_nonce_action")})
        assert listed.data == b'{"success":true,"data":{"learners":[],"total":0,"limit":50,"offset":0}}'
    finally:
        sidecar.close()


def test_postgres_unreachable_answers_503_in_each_actions_shape(wordpress_site, admin, empty_pg, tmp_path):
    session, cookie = admin
    with socket.socket() as probe:                       # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    sidecar = InProcessSidecar(sidecar_env(empty_pg, tmp_path, site=wordpress_site, WECOZA_PG_PORT=str(dead_port)))
    try:
        old = sidecar.call("fetch_learners_data", cookie=cookie,
                           fields={"nonce": create_nonce(wordpress_site, session, "learners_nonce")})
        assert (old.status_code, old.get_json()) == (503, {"success": False, "data": {"message": UNAVAILABLE}})
        progression = sidecar.call("mark_progression_complete", cookie=cookie, fields={
            "tracking_id": "1", "nonce": create_nonce(wordpress_site, session, "learners_nonce")})
        # no file: refused before any database work
        assert progression.get_json()["success"] is False
        mvc = sidecar.call("wecoza_delete_learner", cookie=cookie, fields={
            "id": "1", "nonce": create_nonce(wordpress_site, session, "learners_nonce_action")})
        assert (mvc.status_code, mvc.get_json()) == (503, {"success": False, "data": {"message": UNAVAILABLE}})
        dropdown = sidecar.call("fetch_learners_dropdown_data", cookie=cookie, fields={})
        assert dropdown.status_code == 503 and dropdown.get_json()["data"]["message"] == UNAVAILABLE
    finally:
        sidecar.close()
