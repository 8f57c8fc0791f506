"""A browser's Cookie header with a byte outside ASCII (a site cookie set raw by a script) reaches the app empty under
granian (sidecar/browser_cookies.py). The caller then reads as logged out: in direct mode it is handed to WordPress,
which still serves it (through the shim, which percent-encodes what it forwards), and the worker says why in its log,
once."""
from __future__ import annotations

import requests

from sidecar.browser_cookies import UNREADABLE
from sidecar.direct import PHP_LOCATION
from devstack.ajax import create_nonce
from devstack.sidecar_server import SidecarServer
from devstack.signed import wire_cookie


def test_a_cookie_header_the_server_cannot_read_hands_the_caller_to_wordpress(sidecar_server, wordpress_site,
                                                                               pg_database, login, probe_learner,
                                                                               tmp_path):
    """``sidecar_server``: the shim active, so administrators have the learner capabilities."""
    admin = login("admin")
    fields = {"action": "wecoza_get_learner", "id": str(probe_learner["id"]),
              "nonce": create_nonce(wordpress_site, admin, "learners_nonce_action")}
    server = SidecarServer(tmp_path / "sidecar", wordpress_site, pg_database, workers=1,
                           settings="[sidecar]\ndirect_mode = on\n").start()
    try:
        readable = wire_cookie(admin).encode()
        url = f"{server.url}/wp-admin/admin-ajax.php"
        assert requests.post(url, data=fields, headers={"Cookie": readable}, timeout=30).status_code == 200
        for _ in range(2):
            unreadable = requests.post(url, data=fields, timeout=30,
                                       headers={"Cookie": readable + b"; city=Z\xc3\xbcrich"})
            assert unreadable.headers.get("X-Accel-Redirect") == PHP_LOCATION, unreadable.text
            assert probe_learner["first_name"] not in unreadable.text
        assert server.log().count(UNREADABLE) == 1, server.log(20)
    finally:
        server.stop()
