"""Bounded work before authentication in direct mode (issue 14, point 3): a caller the cookies do not log in never
has their body parsed by the sidecar, a logged-in caller's body is read under PHP-like limits, and a body over
``max_body_bytes`` is refused unread in the action's shape."""
from __future__ import annotations

import pytest
import requests

from sidecar import phpform
from devstack.signed import wire_cookie
from tests.direct.test_direct_mode import direct_stack, php_ajax_requests  # noqa: F401  (module fixture)
from devstack.ajax import create_nonce
from devstack.sidecar_server import SidecarServer

BOUNDARY = "bounded-work"


def multipart(fields: list[tuple[str, str]]) -> bytes:
    return b"".join(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                    for name, value in fields) + f"--{BOUNDARY}--\r\n".encode()


HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def test_an_anonymous_body_is_never_parsed_by_the_sidecar(direct_stack, wordpress_site):  # noqa: F811
    """Unread, the body cannot name the action: the sidecar hands the request to PHP, which refuses it as WordPress
    always has. Were the body parsed, the sidecar would have found save_class and answered itself."""
    server, proxy = direct_stack
    php_before = php_ajax_requests(wordpress_site)
    since = len(server.log())
    body = multipart([("action", "save_class")] + [(f"f{i}[]", "x") for i in range(phpform.MAX_INPUT_VARS - 10)])
    response = requests.post(f"{proxy.url}/wp-admin/admin-ajax.php", data=body, headers=HEADERS, timeout=60)
    assert (response.status_code, response.text) == (400, "0")
    assert php_ajax_requests(wordpress_site) == php_before + 1
    [line] = server.request_lines(since, action="not_routed")
    assert line["status"] == 404


def test_a_logged_in_callers_body_is_read_under_the_field_limit(direct_stack, wordpress_site, login):  # noqa: F811
    server, proxy = direct_stack
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "wecoza_class_nonce")
    fields = [("action", "save_class"), ("nonce", nonce)] + [(f"f{i}", "x") for i in range(phpform.MAX_INPUT_VARS)]
    since = len(server.log())
    response = requests.post(f"{proxy.url}/wp-admin/admin-ajax.php?action=save_class", data=multipart(fields),
                             headers={**HEADERS, "Cookie": wire_cookie(admin)}, timeout=60)
    assert response.status_code == 400, response.text
    assert response.json() == {"success": False, "data": "The request could not be read."}
    [line] = server.request_lines(since, action="save_class")
    assert (line["auth"], line["refusal"]["kind"]) == ("bad_request", "bad_request")


@pytest.fixture(scope="module")
def small_cap_sidecar(wordpress_site, pg_database, sidecar_server, tmp_path_factory):
    server = SidecarServer(tmp_path_factory.mktemp("small-cap"), wordpress_site, pg_database,
                           secret=sidecar_server.secret, settings="[sidecar]\ndirect_mode = on\n")
    server.env["WECOZA_MAX_BODY_BYTES"] = "100000"
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_body_over_the_cap_is_refused_unread(small_cap_sidecar, wordpress_site, login):
    server = small_cap_sidecar
    admin = login("admin")
    body = multipart([("action", "save_class"), ("big", "x" * 100_001)])
    direct = requests.post(f"{server.url}/wp-admin/admin-ajax.php?action=save_class", data=body,
                           headers={**HEADERS, "Cookie": wire_cookie(admin)}, timeout=60)
    assert direct.status_code == 413
    assert direct.json() == {"success": False, "data": "The request is too large. Nothing was saved."}
    assert "X-Accel-Redirect" not in direct.headers  # never handed to PHP either
    unnamed = requests.post(f"{server.url}/wp-admin/admin-ajax.php", data=body, headers=HEADERS, timeout=60)
    assert (unnamed.status_code, unnamed.text, "X-Accel-Redirect" in unnamed.headers) == (413, "0", False)
    forwarded = requests.post(f"{server.url}/ajax/save_class", data=body, headers=HEADERS, timeout=60)
    assert forwarded.status_code == 413
    assert forwarded.json() == {"success": False, "data": {"message": "The request is too large. Nothing was saved."}}
    assert "Traceback" not in server.log()
