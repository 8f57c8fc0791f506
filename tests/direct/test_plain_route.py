"""Direct mode's admin-ajax.php is a plain WSGI route ahead of Flask (sidecar.web.plain): it keeps what the Flask view
had from the app. An unexpected error gets the app's 500 answer and its logged traceback; a request is logged and
counted once answered; a body over the limit is refused unread, chunked or not; HEAD goes to PHP without a body; with
direct mode off the path is Flask's unknown route. In process, with the probe WordPress of
tests/core/test_reads_beside_auth.py."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

import pytest

from devstack.inprocess import InProcessSidecar, raw_post, stand_in_sidecar
from devstack.signed import FORM_TYPE
from sidecar.direct import PHP_LOCATION
from sidecar.web import direct as direct_route
from tests.core.test_reads_beside_auth import (  # noqa: F401  (fixtures)
    LOGIN_COOKIE, NONCE, probe, stand_in_wordpress)

AJAX = "/wp-admin/admin-ajax.php"
MAX_BODY = 4096


def in_process(tmp_path, wordpress, direct_mode: str) -> InProcessSidecar:
    settings = f"[sidecar]\ndirect_mode = {direct_mode}\nmax_body_bytes = {MAX_BODY}\n"
    return stand_in_sidecar(tmp_path, wordpress, settings, log_level="info")


@pytest.fixture
def app(tmp_path, stand_in_wordpress):  # noqa: F811
    sidecar = in_process(tmp_path, stand_in_wordpress, "on")
    yield sidecar
    sidecar.close()


def read_body(action: str = "wecoza_get_learner") -> bytes:
    return urlencode({"action": action, "id": "1", "nonce": NONCE}).encode()


def test_an_unexpected_error_gets_the_apps_answer_its_traceback_and_its_log_line(app, monkeypatch, caplog,
                                                                                 request_lines):
    def broken(services, incoming):
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(direct_route, "route", broken)
    with caplog.at_level(logging.INFO, logger="wecoza.sidecar"):
        with app.app.test_client(use_cookies=False).post(
                AJAX, data=read_body(), content_type=FORM_TYPE,
                environ_overrides={"HTTP_COOKIE": LOGIN_COOKIE}) as response:
            assert request_lines == []  # not before the answer has gone out
    assert response.status_code == 500
    assert response.get_data() == b'{"success":false,"data":{"message":"An unexpected error occurred."}}'
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    [error] = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert error.exc_info[0] is RuntimeError
    [line] = request_lines
    assert line.fields["request_id"] in error.getMessage()
    assert (line.fields["status"], line.fields["route"]) == (500, AJAX)
    assert LOGIN_COOKIE not in caplog.text + str(line.fields)
    assert NONCE not in caplog.text + str(line.fields)


def chunked_post(app, body: bytes, action: str = "wecoza_get_learner"):
    """(status, body, bytes read) of a POST of ``body`` without a length, as a server hands over a chunked one."""
    status, answer, read = raw_post(app.app, AJAX, body, None, headers={"Cookie": LOGIN_COOKIE},
                                    query_string={"action": action}, content_type=FORM_TYPE)
    return int(status.split()[0]), answer, read


def test_a_chunked_body_over_the_limit_is_refused_unread_in_the_actions_shape(app):
    status, answer, read = chunked_post(app, read_body() + b"&filler=" + b"x" * MAX_BODY)
    assert status == 413, answer
    assert answer.startswith(b'{"success":false')
    assert read == MAX_BODY + 1  # up to a byte past the limit, and no further


def test_a_chunked_body_within_the_limit_is_read_whole(app, probe):  # noqa: F811
    action, _handler = probe()
    tail = urlencode({"action": action.name, "nonce": NONCE}).encode()  # a body cut short would lose the nonce
    body = b"filler=" + b"x" * (MAX_BODY - len(tail) - len("filler=&")) + b"&" + tail
    assert len(body) == MAX_BODY
    status, answer, read = chunked_post(app, body, action.name)
    assert (status, read) == (200, MAX_BODY), answer
    assert answer == b'{"success":true,"data":{"secret":"personal data"}}'


def test_a_body_cut_short_of_its_declared_length_runs_nothing(app, probe, caplog):  # noqa: F811
    action, handler = probe()
    body = urlencode({"action": action.name, "nonce": NONCE, "note": "x" * 100}).encode()
    status, answer, _read = raw_post(app.app, AJAX, body[:-40], len(body), headers={"Cookie": LOGIN_COOKIE},
                                     content_type=FORM_TYPE)
    assert (status, answer) == ("400 BAD REQUEST", b"0")
    assert handler.runs == []
    assert "the client left before its body arrived" in caplog.text


@pytest.mark.parametrize("path", ["//wp-admin/admin-ajax.php", "/wp-admin//admin-ajax.php"])
def test_a_path_with_doubled_slashes_is_the_same_route(app, probe, path):  # noqa: F811
    """nginx matches its location on the merged path and passes the one the client sent; Flask served it (or
    redirected to the merged path)."""
    action, handler = probe()
    client = app.app.test_client(use_cookies=False)
    response = client.post(AJAX, data=urlencode({"action": action.name, "nonce": NONCE}),
                           content_type=FORM_TYPE,
                           environ_overrides={"HTTP_COOKIE": LOGIN_COOKIE, "PATH_INFO": path})
    assert response.status_code == 200, response.get_data()
    assert response.get_json() == {"success": True, "data": {"secret": "personal data"}}
    assert len(handler.runs) == 1


def test_a_method_admin_ajax_php_has_no_use_for_is_not_handed_to_php(app):
    response = app.app.test_client(use_cookies=False).open(AJAX, method="PROPFIND")
    assert (response.status_code, response.get_data()) == (400, b"0")
    assert "X-Accel-Redirect" not in response.headers


def test_a_head_request_goes_to_php_without_a_body(app):
    response = app.app.test_client(use_cookies=False).head(AJAX, query_string={"action": "wecoza_get_learner"})
    assert (response.status_code, response.headers["X-Accel-Redirect"]) == (404, PHP_LOCATION)
    assert response.get_data() == b""
    assert int(response.headers["Content-Length"]) > 0  # what a GET would have carried, as werkzeug answers HEAD


def test_with_direct_mode_off_admin_ajax_php_is_not_a_route_of_the_sidecar(tmp_path, stand_in_wordpress):  # noqa: F811
    sidecar = in_process(tmp_path, stand_in_wordpress, "off")
    try:
        response = sidecar.app.test_client(use_cookies=False).post(
            AJAX, data=read_body(), content_type=FORM_TYPE,
            environ_overrides={"HTTP_COOKIE": LOGIN_COOKIE})
        assert (response.status_code, response.get_data()) == (400, b"0")
        assert "X-Accel-Redirect" not in response.headers
    finally:
        sidecar.close()
