"""The shim's forwards (``/ajax/<action>``, ``/form/<form>``) are plain WSGI routes ahead of Flask (sidecar.web.plain):
what Flask's routing answered is still answered the same way. A method other than POST, a missing or nested name:
400 "0". A refused signature: the channel's JSON refusal, as Flask's jsonify wrote it. A body over the limit, chunked
or not: 413, unread. The log line names the route's pattern, never the client's path, and a verified forward's line
carries the shim's request id. In process, with the stand-in WordPress (devstack/inprocess.py)."""
from __future__ import annotations

import secrets

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from devstack.inprocess import StandInWordPress, raw_post, stand_in_sidecar
from devstack.signed import signed_headers
from wp_bridge.channel import forward_path

MAX_BODY = 4096


@pytest.fixture
def sidecar(tmp_path):
    app = stand_in_sidecar(tmp_path, StandInWordPress(), f"[sidecar]\nmax_body_bytes = {MAX_BODY}\n", log_level="info")
    yield app
    app.close()


@pytest.mark.parametrize("method, path", [("GET", "/ajax/wecoza_get_learner"), ("PUT", "/form/learner_update"),
                                          ("POST", "/ajax/"), ("POST", "/ajax/wecoza_get_learner/more"),
                                          ("POST", "/ajaxwecoza_get_learner")])
def test_what_flask_did_not_route_is_still_400_zero(sidecar, method, path):
    response = sidecar.client.open(path, method=method, data=b"x=1")
    assert (response.status_code, response.get_data()) == (400, b"0")


def test_a_refused_signature_is_the_channels_json_and_its_line_names_the_pattern(sidecar, request_lines):
    name = "client_chosen_" + secrets.token_hex(4)
    sent_to = forward_path("ajax", name)
    headers = signed_headers("x" * 64, sent_to, "POST", f"action={name}", "application/x-www-form-urlencoded",
                             b"a=1")
    with sidecar.client.post(sent_to, data=b"a=1", headers=headers) as response:
        assert response.status_code == 401
        assert response.get_data() == b'{"error":"bad_signature"}\n'
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["X-WeCoza-Channel-Error"] == "bad_signature"
    [line] = request_lines
    assert (line.fields["route"], line.fields["status"]) == ("/ajax/<action>", 401)
    assert name not in str(line.fields)


def test_a_verified_forwards_line_carries_the_shims_request_id(sidecar, request_lines):
    body = b"id=1&nonce=n"
    request_id = secrets.token_hex(16)
    sent_to = forward_path("ajax", "wecoza_unknown_action")
    headers = signed_headers(sidecar.secret, sent_to, "POST", "action=wecoza_unknown_action",
                             "application/x-www-form-urlencoded", body, request_id=request_id)
    with sidecar.client.post(sent_to, data=body, headers=headers) as response:
        assert response.status_code != 401, response.get_data()
    [line] = request_lines
    assert line.fields["request_id"] == request_id


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_refused_unread(sidecar, declared):
    body = b"a=" + b"x" * MAX_BODY
    sent_to = forward_path("ajax", "wecoza_get_learner")
    headers = signed_headers(sidecar.secret, sent_to, "POST", "action=wecoza_get_learner",
                             "application/x-www-form-urlencoded", body)
    status, answer, read = raw_post(sidecar.app, sent_to, body, len(body) if declared else None, headers=headers)
    assert (status, answer) == (
        "413 REQUEST ENTITY TOO LARGE",
        b'{"success":false,"data":{"message":"The request is too large. Nothing was saved."}}')
    assert read == (0 if declared else MAX_BODY + 1)


@pytest.mark.parametrize("sent_to, signed_for", [("//ajax/wecoza_unknown_action", "/ajax/wecoza_unknown_action"),
                                                 ("/ajax/caf\u00e9", "/ajax/caf\u00e9")])
def test_the_signature_covers_the_path_as_flask_read_it(sidecar, request_lines, sent_to, signed_for):
    """Leading slashes merged, and the path's bytes read as UTF-8 (the server hands them over as latin-1)."""
    body = b"a=1"
    request_id = secrets.token_hex(16)
    headers = signed_headers(sidecar.secret, sent_to, "POST", "action=x", "application/x-www-form-urlencoded", body,
                             request_id=request_id, signed_for=signed_for)
    environ = EnvironBuilder(method="POST", headers=headers, data=body).get_environ()
    environ["PATH_INFO"] = sent_to.encode("utf-8").decode("latin-1")  # as a server hands it over (PEP 3333)
    answer, status, headers_out = run_wsgi_app(sidecar.app, environ, buffered=True)
    b"".join(answer)
    assert "X-WeCoza-Channel-Error" not in dict(headers_out), (status, headers_out)
    [line] = request_lines
    assert line.fields["request_id"] == request_id
