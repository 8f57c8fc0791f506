"""The sidecar down, slow, refusing the channel or answering garbage: the page gets a well-formed 503 envelope."""
import re
import time

import pytest
import requests

from tests.shim.fake_sidecar import Reply

pytestmark = pytest.mark.every_wordpress

UNAVAILABLE = '{"success":false,"data":{"message":"The WeCoza service is temporarily unavailable. Please try again."}}'


def post(ajax_url, action="wecoza_get_learner"):
    return requests.post(ajax_url, data={"action": action, "id": "5", "first_name": "Personal Name"}, timeout=60)


def assert_unavailable(response):
    assert response.status_code == 503
    assert response.text == UNAVAILABLE
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"


def test_sidecar_stopped(sidecar, shim_site, ajax_url):
    with sidecar.stopped():
        response = post(ajax_url)
    assert_unavailable(response)
    log = shim_site.debug_log()
    line = [line for line in log.splitlines() if "sidecar unreachable for action wecoza_get_learner" in line][-1]
    assert "[WeCoza Core] sidecar unreachable for action wecoza_get_learner: " in line
    assert "Personal Name" not in log and "PHP Fatal" not in log


def test_sidecar_slow_the_timeout_holds(sidecar, shim_site, ajax_url):
    shim_site.set_option("wecoza_sidecar_timeout", 2)
    sidecar.script("wecoza_get_learner", delay=12)
    started = time.monotonic()
    response = post(ajax_url)
    elapsed = time.monotonic() - started
    assert_unavailable(response)
    assert 1.5 <= elapsed < 7, elapsed  # timeout 2 s + WordPress's own time, far below the 12 s delay
    assert "sidecar unreachable for action wecoza_get_learner: " in shim_site.debug_log()


def test_nothing_listening_and_a_short_connect_timeout(sidecar, shim_site, ajax_url):
    shim_site.set_option("wecoza_sidecar_url", "http://127.0.0.1:9")  # discard port: refused at once
    started = time.monotonic()
    assert_unavailable(post(ajax_url))
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("reply, reason", [
    (Reply(raw=b"SSH-2.0-OpenSSH_9.2\r\n"), ""),
    (Reply(raw=b""), ""),
    (Reply(status=502, body=b"<html>Bad Gateway</html>", headers={"Content-Type": "text/html"}),
     "HTTP 502 from a gateway"),
    (Reply(status=401, body=b'{"error":"bad_signature"}', headers={"Content-Type": "application/json"}),
     "the sidecar refused the request: bad_signature"),
    (Reply(status=200, body=b"{}", headers={"Content-Type": "application/json", "X-WeCoza-Channel-Error": "stale"}),
     "the sidecar refused the request: stale"),
], ids=["not-http", "closed", "gateway-502", "channel-refused", "channel-error-header"])
def test_garbage_or_refusals_become_the_envelope(sidecar, shim_site, ajax_url, reply, reason):
    sidecar.script("wecoza_get_learner", reply)
    assert_unavailable(post(ajax_url))
    if reason:
        assert f"sidecar unreachable for action wecoza_get_learner: {reason}" in shim_site.debug_log()


def test_wrong_secret_is_refused_by_the_sidecar_and_the_page_gets_the_envelope(sidecar, shim_site, ajax_url):
    shim_site.set_option("wecoza_sidecar_secret", "a-different-secret")
    assert_unavailable(post(ajax_url))
    assert sidecar.last("/ajax/").refused == "bad_signature"


def test_not_configured(sidecar, shim_site, ajax_url):
    shim_site.set_option("wecoza_sidecar_secret", "")
    assert_unavailable(post(ajax_url))
    assert sidecar.received == []
    assert ("sidecar unreachable for action wecoza_get_learner: the sidecar URL or shared secret is not configured"
            in shim_site.debug_log())


def test_an_action_answering_its_own_error_status_is_relayed_not_replaced(sidecar, ajax_url):
    """A 500 or 503 envelope from the sidecar itself is the page's answer (only gateways and refusals are replaced)."""
    body = b'{"success":false,"data":{"message":"An unexpected error occurred."}}'
    sidecar.script("wecoza_get_learner", status=500, body=body)
    response = post(ajax_url)
    assert (response.status_code, response.content) == (500, body)
    sidecar.script("wecoza_get_learner", status=503, body=b'{"success":false,"data":{"message":"Database down"}}')
    response = post(ajax_url)
    assert (response.status_code, response.text) == (503, '{"success":false,"data":{"message":"Database down"}}')


def test_a_host_the_site_blocks_is_not_reached_and_the_reason_is_logged(sidecar, shim_site, ajax_url):
    """WP_HTTP_BLOCK_EXTERNAL is on in the test site: the shim keeps the site's policy (no bypass)."""
    shim_site.set_option("wecoza_sidecar_url", "http://192.0.2.10:8765")
    started = time.monotonic()
    assert_unavailable(post(ajax_url))
    assert time.monotonic() - started < 5
    # WordPress's own reason (7.x adds the URL), then the shim's hint
    assert re.search(r"sidecar unreachable for action wecoza_get_learner: User has blocked requests through HTTP"
                     r"( to the URL: http://192\.0\.2\.10:8765/ajax/wecoza_get_learner)?\. "
                     r"\(WP_HTTP_BLOCK_EXTERNAL is on: add the sidecar host to WP_ACCESSIBLE_HOSTS\)",
                     shim_site.debug_log())


def test_loopback_by_name_is_allowed_under_the_blocking_policy(sidecar, shim_site, ajax_url):
    shim_site.set_option("wecoza_sidecar_url", f"http://localhost:{sidecar.port}")
    sidecar.script("wecoza_get_learner", body=b'{"success":true,"data":"via localhost"}')
    response = post(ajax_url)
    assert response.text == '{"success":true,"data":"via localhost"}'
