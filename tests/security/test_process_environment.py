"""The server starts each request's environ from the worker's process environment (granian does): a variable of the
sidecar's environment named as a request header is never taken for one the client sent."""
from __future__ import annotations

import requests

from sidecar.direct import PHP_LOCATION
from devstack.ajax import create_nonce
from devstack.sidecar_server import SidecarServer
from devstack.signed import wire_cookie


def test_a_cookie_in_the_sidecars_environment_logs_no_client_in(sidecar_server, wordpress_site, pg_database, login,
                                                                tmp_path):
    """``sidecar_server``: the shim active, so administrators have the learner capabilities."""
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO learners (first_name, surname) VALUES ('Env', 'Cookie') RETURNING id")
        learner_id = cur.fetchone()[0]
        conn.commit()
    server = SidecarServer(tmp_path / "sidecar", wordpress_site, pg_database, workers=1,
                           settings="[sidecar]\ndirect_mode = on\n")
    server.env["HTTP_COOKIE"] = wire_cookie(admin)  # as an operator's environment file could hold by mistake
    server.start()
    try:
        fields = {"action": "wecoza_get_learner", "id": str(learner_id), "nonce": nonce}
        anonymous = requests.post(f"{server.url}/wp-admin/admin-ajax.php", data=fields, timeout=30)
        # handed to PHP (behind nginx, WordPress answers), as any caller without login cookies
        assert anonymous.headers.get("X-Accel-Redirect") == PHP_LOCATION, (anonymous.status_code, anonymous.text)
        assert "Env" not in anonymous.text
        signed_in = requests.post(f"{server.url}/wp-admin/admin-ajax.php", data=fields,
                                  headers={"Cookie": wire_cookie(admin)}, timeout=30)
        assert signed_in.status_code == 200 and signed_in.json()["data"]["firstName"] == "Env", signed_in.text
    finally:
        server.stop()
