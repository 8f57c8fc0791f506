"""Direct mode runs a read beside the caller's authentication too (sidecar.direct, issue 15): a small url-encoded
POST from cookies that may log in starts its read while the caller is identified, answers only when every check
passes, and a caller the cookies turn out not to log in is still handed to PHP, without the read's reply. Any other
request is identified first, as before.

In process, with the probe actions and the WordPress of tests/core/test_reads_beside_auth.py, whose identification
waits until its result is asked for; what ran, and whether the caller was known then, is recorded, never timed."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from devstack.class_pages import encode_multipart
from devstack.inprocess import stand_in_sidecar
from sidecar.direct import PHP_LOCATION, READ_AHEAD_MAX_BODY
from sidecar.registry import WRITES
from tests.core.test_reads_beside_auth import (  # noqa: F401  (fixtures)
    LOGIN_COOKIE, NONCE, assert_read_beside_the_identification, assert_refused_without_its_reply,
    known_without_a_query, probe, stand_in_wordpress)
from wp_bridge.auth import AuthResult

AJAX = "/wp-admin/admin-ajax.php"
URLENCODED = "application/x-www-form-urlencoded"


@pytest.fixture
def app(tmp_path, stand_in_wordpress):  # noqa: F811
    """The sidecar in this process with direct mode on, against the probes' WordPress."""
    sidecar = stand_in_sidecar(tmp_path, stand_in_wordpress, "[sidecar]\ndirect_mode = on\n")
    yield sidecar
    sidecar.close()


def browser_post(app, action, cookie=LOGIN_COOKIE, nonce=NONCE, extra=(), multipart=False):
    """The browser's own POST to admin-ajax.php, as nginx hands it to the sidecar."""
    fields = [("action", action.name), ("nonce", nonce), *extra]
    if multipart:
        body, content_type = encode_multipart(fields, ())
    else:
        body, content_type = urlencode(fields).encode(), URLENCODED
    client = app.app.test_client(use_cookies=False)
    return client.post(AJAX, data=body, headers={"Content-Type": content_type},
                       environ_overrides={"HTTP_COOKIE": cookie})


def handed_to_php(response) -> bool:
    return (response.status_code, response.headers.get("X-Accel-Redirect")) == (404, PHP_LOCATION)


def test_a_direct_read_starts_while_the_caller_is_identified_and_answers_once_the_checks_pass(app, probe):  # noqa: F811
    assert_read_beside_the_identification(app, probe, browser_post)


@pytest.mark.parametrize("refusal", ["capability", "nonce"])
def test_a_refused_direct_read_answers_its_refusal_and_never_its_reply(app, probe, refusal):  # noqa: F811
    assert_refused_without_its_reply(app, probe, refusal, browser_post)


def test_cookies_that_turn_out_not_to_log_in_are_handed_to_php_without_the_reads_reply(app, probe):  # noqa: F811
    """A well-formed, unexpired cookie whose signature fails: PHP answers, exactly as before the read ahead."""
    action, handler = probe()
    wordpress = app.app.extensions["wecoza"].wordpress
    wordpress.answer = AuthResult(user=None, reason="hmac_mismatch", token=b"")
    response = browser_post(app, action)
    assert handed_to_php(response)
    assert b"personal data" not in response.data
    assert len(handler.runs) == 1  # it ran beside, and its reply was dropped


def test_wordpress_database_down_answers_unavailable_in_the_actions_shape(app, probe):  # noqa: F811
    action, handler = probe()
    wordpress = app.app.extensions["wecoza"].wordpress
    wordpress.start_identify = known_without_a_query(AuthResult(user=None, reason="db_error", token=b""))  # no query
    response = browser_post(app, action)
    assert response.status_code == 503
    assert b"personal data" not in response.data
    assert response.get_json()["success"] is False


def test_cookies_that_cannot_log_in_are_handed_to_php_and_never_start_a_read(app, probe):  # noqa: F811
    action, handler = probe()
    response = browser_post(app, action, cookie="wordpress_logged_in_probe=garbage")
    assert handed_to_php(response)
    assert handler.runs == []


@pytest.mark.parametrize("shape", ["multipart", "over the read-ahead size"])
def test_other_bodies_are_identified_first_then_read(app, probe, shape):  # noqa: F811
    action, handler = probe()
    wordpress = app.app.extensions["wecoza"].wordpress
    if shape == "multipart":
        response = browser_post(app, action, multipart=True)
    else:
        response = browser_post(app, action, extra=[("filler", "x" * READ_AHEAD_MAX_BODY)])
    assert response.get_json() == {"success": True, "data": {"secret": "personal data"}}
    assert wordpress.ran_beside is False
    assert handler.runs == [True]


def test_a_direct_write_runs_only_after_every_check(app, probe):  # noqa: F811
    action, handler = probe(methods=WRITES)
    wordpress = app.app.extensions["wecoza"].wordpress
    response = browser_post(app, action)
    assert response.status_code == 200
    assert wordpress.ran_beside is False
    assert handler.runs == [True]
