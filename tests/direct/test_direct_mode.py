"""Direct mode through a real nginx: the browser's admin-ajax request reaches the sidecar without PHP, is
authenticated from its WordPress cookies, and its hooks still fire in WordPress (through the dispatcher)."""
from __future__ import annotations

import re

import pytest
import requests

from sidecar.config import load_config
from sidecar.dispatcher import build as build_dispatcher
from devstack.ajax import create_nonce
from devstack.nginx import Nginx
from devstack.sidecar_server import SidecarServer
from devstack.signed import wire_cookie


@pytest.fixture(scope="module")
def direct_stack(wordpress_site, pg_database, sidecar_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("direct")
    server = SidecarServer(root / "sidecar", wordpress_site, pg_database, secret=sidecar_server.secret,
                           settings="[sidecar]\ndirect_mode = on\n[dispatch]\ndelay = 0\n").start()
    proxy = Nginx(root / "nginx", f"{server.host}:{server.port}", f"{wordpress_site.host}:{wordpress_site.port}")
    try:
        yield server, proxy.start()
    finally:
        proxy.stop()
        server.stop()


def php_ajax_requests(site) -> int:
    """admin-ajax.php requests PHP has served so far (its server's log)."""
    return site.server_log_path.read_text(errors="replace").count("admin-ajax.php")


def new_learner(pg_database, first_name: str, surname: str) -> int:
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO learners (first_name, surname) VALUES (%s, %s) RETURNING id", (first_name, surname))
        learner_id = cur.fetchone()[0]
        conn.commit()
    return learner_id


def get_learner(proxy, learner_id: int, nonce: str, cookie: str | None = None):
    """The learner page's read, as the browser sends it to nginx."""
    return requests.post(f"{proxy.url}/wp-admin/admin-ajax.php",
                         data={"action": "wecoza_get_learner", "id": str(learner_id), "nonce": nonce},
                         headers={"Cookie": cookie} if cookie is not None else {}, timeout=30)


def test_routed_action_is_answered_by_the_sidecar_without_php(direct_stack, wordpress_site, login, pg_database):
    server, proxy = direct_stack
    learner_id = new_learner(pg_database, "Direct", "Mode")
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    php_log_before = php_ajax_requests(wordpress_site)
    since = len(server.log())
    response = get_learner(proxy, learner_id, nonce, wire_cookie(admin))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["firstName"] == "Direct"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert not any(h.lower().startswith("x-wecoza-") for h in response.headers)
    assert php_ajax_requests(wordpress_site) == php_log_before
    [line] = server.request_lines(since, action="wecoza_get_learner")
    assert (line["status"], line["auth"]) == (200, "ok")
    refused = get_learner(proxy, learner_id, nonce)
    assert (refused.status_code, refused.text) == (400, "0")


def test_a_read_from_cookies_whose_signature_fails_goes_to_php_without_its_data(direct_stack, wordpress_site, login,
                                                                               pg_database):
    """Well-formed, unexpired cookies may log in, so the read starts beside their check (issue 15); when the check
    fails the caller is handed to PHP exactly as before, and the learner never leaves the sidecar."""
    server, proxy = direct_stack
    learner_id = new_learner(pg_database, "Forged", "Cookie")
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    forged = re.sub(r"%7C[0-9a-f]{64}(?=;|$)", "%7C" + "0" * 64, wire_cookie(admin))
    assert forged != wire_cookie(admin)
    php_log_before = php_ajax_requests(wordpress_site)
    since = len(server.log())
    response = get_learner(proxy, learner_id, nonce, forged)
    assert (response.status_code, response.text) == (400, "0")  # PHP: nobody is logged in
    assert "Forged" not in response.text
    assert php_ajax_requests(wordpress_site) == php_log_before + 1
    [line] = server.request_lines(since, action="not_routed")
    assert line["status"] == 404 and "Forged" not in server.log()


def test_other_actions_fall_through_to_php(direct_stack, wordpress_site):
    _, proxy = direct_stack
    response = requests.post(f"{proxy.url}/wp-admin/admin-ajax.php", data={"action": "heartbeat_unknown_x"},
                             timeout=30)
    assert (response.status_code, response.text) == (400, "0")
    assert "admin-ajax.php" in wordpress_site.server_log_path.read_text(errors="replace")
    # PHP's own headers, once: nginx keeps Cache-Control and Expires of the answer that hands the request over
    assert response.headers["Cache-Control"] == "no-cache, must-revalidate, max-age=0"
    assert response.headers["Expires"] == "Wed, 11 Jan 1984 05:00:00 GMT"


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "DELETE"])
def test_methods_admin_ajax_php_answers_itself_go_to_php(direct_stack, wordpress_site, method):
    """An OPTIONS preflight gets PHP's answer (send_origin_headers: 403 for an origin it does not allow), not the
    sidecar's; so do the methods admin-ajax.php has no use for."""
    _, proxy = direct_stack
    php_before = php_ajax_requests(wordpress_site)
    response = requests.request(method, f"{proxy.url}/wp-admin/admin-ajax.php",
                                params={"action": "wecoza_get_learner"},
                                headers={"Origin": "https://elsewhere.example"}, timeout=30)
    assert php_ajax_requests(wordpress_site) == php_before + 1
    if method == "OPTIONS":
        assert response.status_code == 403
    assert "Allow" not in response.headers


def test_the_action_is_the_one_admin_ajax_php_would_run(direct_stack, wordpress_site, login, pg_database):
    """$_REQUEST is array_merge($_GET, $_POST), and PHP ends a field name at a NUL: a POST field named action
    decides, even empty or an array (then PHP answers 0), over the query's routed action."""
    server, proxy = direct_stack
    learner_id = new_learner(pg_database, "Request", "Order")
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    url = f"{proxy.url}/wp-admin/admin-ajax.php"
    headers = {"Cookie": wire_cookie(admin), "Content-Type": "application/x-www-form-urlencoded"}
    fields = f"id={learner_id}&nonce={nonce}"
    for body in (f"action=&{fields}", f"action[]=wecoza_get_learner&{fields}"):
        response = requests.post(url, params={"action": "wecoza_get_learner"}, data=body, headers=headers,
                                 timeout=30)
        assert (response.status_code, response.text) == (400, "0"), body
    response = requests.post(url, params={"action": "heartbeat_unknown_x"},
                             data=f"action%00x=wecoza_get_learner&{fields}", headers=headers, timeout=30)
    assert response.status_code == 200 and response.json()["data"]["firstName"] == "Request"


def test_hooks_of_a_direct_write_fire_in_wordpress(direct_stack, wordpress_site, login, pg_database, recorder):
    server, proxy = direct_stack
    recorder.clear()
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO learners (first_name, surname) VALUES ('Hook', 'Direct') RETURNING id")
        learner_id = cur.fetchone()[0]
        conn.commit()
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    response = requests.post(f"{proxy.url}/wp-admin/admin-ajax.php",
                             data={"action": "wecoza_update_learner", "id": str(learner_id), "nonce": nonce,
                                   "first_name": "Hooked"}, headers={"Cookie": wire_cookie(admin)}, timeout=30)
    assert response.status_code == 200, response.text
    assert recorder.rows("wecoza_learner_updated") == []  # nothing fired inline: no PHP ran
    dispatcher = build_dispatcher(load_config(server.env))
    try:
        assert dispatcher.deliver_due().delivered >= 1
    finally:
        dispatcher.postgres.close()
    fired = recorder.rows("wecoza_learner_updated")
    assert len(fired) == 1 and str(learner_id) in fired[0]["payload"]


def test_a_routed_action_is_never_rerun_by_php_when_the_sidecar_is_down(direct_stack, wordpress_site, login,
                                                                         pg_database):
    """Only the sidecar's own "not routed" answer falls through to PHP: after a 502/504 the same POST run again in
    PHP (and forwarded by the shim to another sidecar) could write twice."""
    server, proxy = direct_stack
    session = login("admin")
    nonce = create_nonce(wordpress_site, session, "learners_nonce_action")
    php_log_before = php_ajax_requests(wordpress_site)
    with server.stopped():
        response = get_learner(proxy, 1, nonce, wire_cookie(session))
    assert response.status_code == 502
    assert php_ajax_requests(wordpress_site) == php_log_before


def test_client_chosen_names_and_request_ids_never_become_labels_or_log_fields(direct_stack):
    server, proxy = direct_stack
    long_name = "x" * 20000
    since = len(server.log())
    response = requests.post(f"{proxy.url}/wp-admin/admin-ajax.php", data={"action": long_name},
                             headers={"X-WeCoza-Request-Id": "client-chosen-id"}, timeout=30)
    assert (response.status_code, response.text) == (400, "0")  # PHP answered the unknown action
    [line] = server.request_lines(since, action="not_routed")  # written, and counted, once the answer went out
    assert line["status"] == 404
    metrics = requests.get(f"{server.url}/metrics", timeout=10).text
    assert long_name[:200] not in metrics and 'action="not_routed"' in metrics
    log = server.log()
    assert long_name[:200] not in log and "client-chosen-id" not in log
