"""Requests carrying personal data and secrets leave none of it in the sidecar's log nor in WordPress's debug.log,
while every request still gets its JSON line (request_id, action, user_id, status, duration, auth)."""
import contextlib
import secrets
import urllib.parse

import requests

from devstack.ajax import call, create_nonce, logged_in_cookie
from devstack.sidecar_server import REQUEST_LOGGER, json_lines

ACTION = "wecoza_get_learner"
REQUEST_LINE_KEYS = {"request_id", "action", "user_id", "status", "duration_ms", "auth"}


@contextlib.contextmanager
def learners_unreadable(pg_database):
    """The sidecar's role loses SELECT on learners: the action's query fails inside the handler (HTTP 500)."""
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute(f'REVOKE SELECT ON public.learners FROM "{pg_database.user}"')
        conn.commit()
    try:
        yield
    finally:
        with pg_database.connect() as conn, conn.cursor() as cur:
            cur.execute(f'GRANT SELECT ON public.learners TO "{pg_database.user}"')
            conn.commit()


def test_logs_hold_no_personal_data_or_secrets(sidecar_server, wordpress_site, login, probe_learner, pg_database):
    admin = login("admin")
    subscriber = login("subscriber1")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    subscriber_nonce = create_nonce(wordpress_site, subscriber, "learners_nonce_action")
    password = f"Pw!{secrets.token_hex(6)}#Secret"
    probe_cookie = secrets.token_hex(12)
    admin.cookies.set("wecoza_probe_session", probe_cookie)
    _, cookie_value = logged_in_cookie(admin)
    cookie_token = cookie_value.split("|")[2]
    sensitive = {
        "SA ID number": probe_learner["sa_id_no"], "email": probe_learner["email"], "phone": probe_learner["tel"],
        "first name": probe_learner["first_name"], "surname": probe_learner["surname"], "password": password,
        "extra cookie": probe_cookie, "logged-in cookie": cookie_value, "session token": cookie_token,
        "nonce": nonce, "subscriber nonce": subscriber_nonce,
    }
    extra = {"sa_id_no": probe_learner["sa_id_no"], "email_address": probe_learner["email"], "pwd": password,
             "password": password, "user_pass": password}
    learner = str(probe_learner["id"])
    log_start = len(sidecar_server.log())

    ok_post = call(wordpress_site, admin, ACTION, {"id": learner, "nonce": nonce, **extra})
    assert ok_post.status_code == 200 and ok_post.json()["data"]["saIdNo"] == probe_learner["sa_id_no"]
    ok_get = call(wordpress_site, admin, ACTION, method="GET", params={"id": learner, "nonce": nonce, **extra})
    assert ok_get.status_code == 200
    refused = call(wordpress_site, subscriber, ACTION, {"id": learner, "nonce": subscriber_nonce, **extra})
    assert refused.status_code == 403
    bad_nonce = call(wordpress_site, admin, ACTION, {"id": learner, "nonce": subscriber_nonce, **extra})
    assert bad_nonce.status_code == 403
    logged_out = call(wordpress_site, None, ACTION, {"id": learner, "nonce": nonce, **extra},
                      cookies={"wecoza_probe_session": probe_cookie})
    assert (logged_out.status_code, logged_out.text) == (400, "0")
    with learners_unreadable(pg_database):
        failed = call(wordpress_site, admin, ACTION, {"id": learner, "nonce": nonce, **extra})
    assert failed.status_code == 500
    assert failed.json()["success"] is False
    lines = sidecar_server.request_lines(log_start, count=6, action=ACTION)  # each written once its answer went out
    with sidecar_server.stopped():  # the shim's failure path: WordPress answers 503 and logs the event
        unreachable = call(wordpress_site, admin, ACTION, {"id": learner, "nonce": nonce, **extra})
    assert unreachable.status_code == 503

    sidecar_log = sidecar_server.log()
    wordpress_log = wordpress_site.debug_log()
    for what, text in sensitive.items():
        for form in {text, urllib.parse.quote(text, safe=""), urllib.parse.quote_plus(text)}:
            assert form not in sidecar_log, f"the {what} is in the sidecar's log"
            assert form not in wordpress_log, f"the {what} is in WordPress's debug.log"

    entries = list(json_lines(sidecar_log[log_start:]))
    for line in lines:
        assert REQUEST_LINE_KEYS <= set(line), line
        assert line["request_id"] and isinstance(line["duration_ms"], (int, float))
    seen = sorted((line["status"], line["user_id"]) for line in lines)
    admin_id, subscriber_id = wordpress_site.user_ids["admin"], wordpress_site.user_ids["subscriber1"]
    assert seen == sorted([(200, admin_id), (200, admin_id), (403, subscriber_id), (403, admin_id), (400, 0),
                           (500, admin_id)]), seen
    assert {line["auth"] for line in lines if line["status"] == 200} == {"ok"}
    # One JSON line per request, and no other: the server's access log is off (it could carry client headers).
    request_lines = [e for e in entries if e.get("logger") == REQUEST_LOGGER]
    ids = [e["request_id"] for e in request_lines]
    assert len(ids) == len(set(ids))
    assert not [e for e in entries if "path" in e or "remote" in e]
    # The handler's failure is logged as an error with the request id, not the request.
    errors = [e for e in entries if e.get("level") == "error"]
    failed_line = next(line for line in lines if line["status"] == 500)
    assert any(failed_line["request_id"] in e.get("message", "") for e in errors), errors
    health_start = len(sidecar_server.log())
    assert requests.get(f"{sidecar_server.url}/healthz?probe=1", timeout=10).status_code == 200
    health = sidecar_server.request_lines(health_start, route="/healthz")
    assert health and health[-1]["method"] == "GET" and health[-1]["status"] == 200
    assert "probe=1" not in sidecar_server.log()[log_start:]
