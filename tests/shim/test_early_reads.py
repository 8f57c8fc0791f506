"""A routed read goes to the sidecar while WordPress is still loading; a write never does.

admin-ajax.php runs init and every plugin's admin_init before the action. The shim sends a read (an action the route
list says accepts GET) once the plugins are loaded and takes its answer when the action runs: what a plugin does in
between (ending the request, hooking the HTTP API) decides as it always did.
"""
import json

import pytest
import requests

pytestmark = pytest.mark.every_wordpress

# Written into the test site while this module runs. Each request says what the plugin does, in its query.
MU_PLUGIN = """<?php
// Early-read tests: what another plugin may do between plugins_loaded and the action.
if ( 'off' === ( $_GET['wecoza_test_early'] ?? '' ) ) {
    add_filter( 'wecoza_sidecar_early_reads', '__return_false' );
}
add_action( 'admin_init', function () {
    if ( 'admin_init' === ( $_GET['wecoza_test_stop'] ?? '' ) ) {
        echo 'stopped by a plugin';
        exit;
    }
}, 1 );
add_action( 'init', function () {
    if ( 'init' === ( $_GET['wecoza_test_logout'] ?? '' ) ) {
        wp_set_current_user( 0 );  // as a plugin that ends the session (idle logout, a forced reset) does
    }
    if ( 'init' === ( $_GET['wecoza_test_http_hook'] ?? '' ) ) {
        add_filter( 'http_request_args', function ( $args ) {
            $args['headers']['X-Test-Hooked'] = 'yes';
            return $args;
        } );
    }
} );
"""
ANSWER = b'{"success":true,"data":{"first_name":"Early"}}'


@pytest.fixture(scope="module")
def other_plugin(shim_site):
    path = shim_site.path / "wp-content" / "mu-plugins" / "wecoza-early-read-tests.php"
    path.write_text(MU_PLUGIN)
    try:
        yield
    finally:
        path.unlink()


@pytest.fixture
def scripted(sidecar, other_plugin):
    sidecar.script("wecoza_get_learner", body=ANSWER)
    return sidecar


def read(ajax_url, **query):
    return requests.post(ajax_url, params=query, data={"action": "wecoza_get_learner", "id": "7", "nonce": "n"},
                         timeout=60)


def forwarded(sidecar):
    return [r for r in sidecar.received if r.path.startswith("/ajax/")]


def test_a_read_is_answered_as_before_with_one_request(scripted, ajax_url):
    response = read(ajax_url)
    assert (response.status_code, response.content) == (200, ANSWER)
    [got] = forwarded(scripted)
    assert got.refused == "" and got.body == b"action=wecoza_get_learner&id=7&nonce=n"
    assert got.header("User-Agent").startswith("WeCoza-Sidecar-Shim/")
    assert got.header("X-WeCoza-Sent-Early") == "1"  # unsigned: it only tells the sidecar nobody waits yet


def test_a_read_reaches_the_sidecar_before_admin_init_and_a_plugin_that_ends_the_request_still_decides(
        scripted, ajax_url):
    response = read(ajax_url, wecoza_test_stop="admin_init")
    assert response.text == "stopped by a plugin"  # the sidecar's answer is dropped unread
    [got] = forwarded(scripted)  # ...but it was asked before admin_init ran
    assert got.refused == "" and got.path == "/ajax/wecoza_get_learner"


def test_a_write_never_goes_before_the_plugins_have_had_their_say(scripted, ajax_url):
    response = requests.post(ajax_url, params={"wecoza_test_stop": "admin_init"}, timeout=60,
                             data={"action": "wecoza_update_learner", "id": "7", "first_name": "X"})
    assert response.text == "stopped by a plugin"
    assert forwarded(scripted) == []


def test_a_multipart_read_waits_for_the_action(scripted, ajax_url):
    response = requests.post(ajax_url, params={"wecoza_test_stop": "admin_init"}, timeout=60,
                             files={"action": (None, "wecoza_get_learner"), "id": (None, "7")})
    assert response.text == "stopped by a plugin"
    assert forwarded(scripted) == []


def test_an_http_api_hook_added_after_plugins_loaded_sees_the_request_the_page_is_answered_from(scripted, ajax_url):
    response = read(ajax_url, wecoza_test_http_hook="init")
    assert (response.status_code, response.content) == (200, ANSWER)
    early, through_the_api = forwarded(scripted)
    assert early.header("X-Test-Hooked") == "" and through_the_api.header("X-Test-Hooked") == "yes"
    assert (early.header("X-WeCoza-Sent-Early"), through_the_api.header("X-WeCoza-Sent-Early")) == ("1", "")
    assert early.header("X-WeCoza-Request-Id") != through_the_api.header("X-WeCoza-Request-Id")


def test_the_filter_turns_early_reads_off(scripted, ajax_url):
    response = read(ajax_url, wecoza_test_early="off", wecoza_test_stop="admin_init")
    assert response.text == "stopped by a plugin"
    assert forwarded(scripted) == []
    assert read(ajax_url, wecoza_test_early="off").content == ANSWER
    assert scripted.last("/ajax/").header("X-WeCoza-Sent-Early") == ""


def test_a_slow_early_read_is_waited_for_and_a_timeout_is_the_unavailable_envelope_without_a_second_try(
        scripted, shim_site, ajax_url):
    scripted.script("wecoza_get_learner", body=ANSWER, delay=1.5)
    assert read(ajax_url).content == ANSWER
    shim_site.set_option("wecoza_sidecar_timeout", 1)
    scripted.script("wecoza_get_learner", body=ANSWER, delay=4)
    scripted.received.clear()
    response = read(ajax_url)
    assert response.status_code == 503
    assert json.loads(response.text)["success"] is False
    assert len(forwarded(scripted)) == 1
    line = [line for line in shim_site.debug_log().splitlines()
            if "sidecar unreachable for action wecoza_get_learner" in line][-1]
    assert "cURL error 28" in line


def test_answers_relay_exactly_status_headers_and_a_body_of_0(scripted, ajax_url):
    scripted.script("wecoza_get_learner", status=207, body=b"0",
                    headers={"Content-Type": "text/plain; charset=UTF-8", "Cache-Control": "max-age=5"})
    response = read(ajax_url)
    assert (response.status_code, response.content) == (207, b"0")
    assert response.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert response.headers["Cache-Control"] == "max-age=5"


def test_every_request_asks_the_sidecar_to_close_its_connection_after_the_answer(scripted, ajax_url):
    """A PHP request never reuses its connection to the sidecar: one left open would cost the sidecar a second
    wake-up when PHP closes it, while WordPress still runs on the same cores."""
    read(ajax_url)
    read(ajax_url, wecoza_test_early="off")
    early, through_the_api = forwarded(scripted)
    assert early.header("X-WeCoza-Sent-Early") == "1" and through_the_api.header("X-WeCoza-Sent-Early") == ""
    assert early.header("Connection") == through_the_api.header("Connection") == "close"


def test_a_caller_wordpress_logs_out_while_it_loads_is_answered_as_logged_out(scripted, shim_site, ajax_url):
    """The early read went with the login cookies; once WordPress runs the logged-out hook, that answer is dropped
    and the request is forwarded again without cookies, so the sidecar answers as to a logged-out caller."""
    admin = shim_site.login("admin")
    fields = {"action": "wecoza_get_learner", "id": "7", "nonce": "n"}
    assert admin.post(ajax_url, data=fields, timeout=60).content == ANSWER
    [kept] = forwarded(scripted)  # still logged in: the early answer, cookies and all
    assert kept.header("X-WeCoza-Sent-Early") == "1" and "wordpress_logged_in_" in kept.header("X-WeCoza-Cookie")
    scripted.received.clear()
    response = admin.post(ajax_url, params={"wecoza_test_logout": "init"}, data=fields, timeout=60)
    assert (response.status_code, response.content) == (200, ANSWER)
    early, again = forwarded(scripted)
    assert early.header("X-WeCoza-Sent-Early") == "1" and "wordpress_logged_in_" in early.header("X-WeCoza-Cookie")
    assert (again.header("X-WeCoza-Sent-Early"), again.header("X-WeCoza-Cookie"), again.refused) == ("", "", "")
