"""A forwarded read runs beside the caller's authentication (sidecar.guard, issue 15): its work starts while the
caller is being identified, its reply is sent only when every check passes, a refusal never carries it, a read that
needs its caller runs again once the caller is known, and nothing is read ahead for a write or for cookies that
cannot log anyone in.

In process (the `app` fixture), with probe actions and a WordPress whose identification waits for a signal: the
wait is only a guard against a deadlock; whether the read started first is recorded, never timed."""
from __future__ import annotations

import threading

import pytest

from devstack.inprocess import ADMIN_CAPS, StandInWordPress
from sidecar import actions, guard  # noqa: F401  (actions registers every action)
from sidecar.registry import MVC_DENIALS, READS, WRITES, Action, registry
from sidecar.responses import json_reply
from wp_bridge.auth import AuthResult
from wp_bridge.channel import SENT_EARLY_HEADER
from wp_bridge.users import WPUser

NONCE = "probe-nonce"
ADMIN = WPUser(id=7, login="admin", roles=("administrator",), allcaps=ADMIN_CAPS)
SUBSCRIBER = WPUser(id=8, login="subscriber", roles=("subscriber",), allcaps={"read": True})
LOGIN_COOKIE = "wordpress_logged_in_probe=admin%7C9999999999%7Ctoken%7Chmac"
DEADLOCK_GUARD = 10  # seconds: only ever reached when the read does not run beside the identification


class WaitingWordPress(StandInWordPress):
    """Identifies ``user`` once ``read_started`` is set (or the guard expires); a nonce holds when it is NONCE;
    only LOGIN_COOKIE may log anyone in."""

    def __init__(self):
        super().__init__()
        self.user = ADMIN
        self.read_started = threading.Event()
        self.identified = threading.Event()
        self.read_started_first = None
        self.wait_for_read = DEADLOCK_GUARD

    def asks_the_database(self, cookie_header=None, https=False, method="POST", ajax=True):
        return cookie_header == LOGIN_COOKIE

    def identify(self, cookie_header=None, https=False, method="POST", ajax=True, options=()):
        if cookie_header != LOGIN_COOKIE:
            return AuthResult(user=None, reason="no_cookie", token=b"")
        self.read_started_first = self.read_started.wait(self.wait_for_read)
        self.identified.set()
        return AuthResult(user=self.user, reason=None, token=b"")

    def check_nonce(self, caller, params, nonce_actions, nonce_field="nonce"):
        ok = (params or {}).get(nonce_field) == NONCE
        return AuthResult(user=caller.user, reason=caller.reason or (None if ok else "nonce_invalid"), nonce_ok=ok)


@pytest.fixture
def stand_in_wordpress():
    return WaitingWordPress()


class Probe:
    """A probe action's handler: what it saw, each time it ran."""

    def __init__(self, wordpress: WaitingWordPress, needs_caller: bool = False):
        self.wordpress = wordpress
        self.needs_caller = needs_caller
        self.runs = []  # (thread name, whether the caller was identified when it started)

    def __call__(self, ctx):
        self.runs.append((threading.current_thread().name, self.wordpress.identified.is_set()))
        self.wordpress.read_started.set()
        data = {"secret": "personal data"}
        if self.needs_caller:
            data["caller"] = ctx.user.id
        return json_reply({"success": True, "data": data})


@pytest.fixture
def probe(app, monkeypatch):
    def declare(methods=READS, needs_caller=False):
        handler = Probe(app.app.extensions["wecoza"].wordpress, needs_caller)
        action = Action(name="wecoza_probe_read" if methods == READS else "wecoza_probe_write", handler=handler,
                        summary="probe", nonce_actions=("probe",), methods=methods, denials=MVC_DENIALS)
        monkeypatch.setitem(registry.actions, action.name, action)
        return action, handler
    return declare


def call(app, action, cookie=LOGIN_COOKIE, nonce=NONCE):
    return app.call(action.name, {"nonce": nonce}, cookie=cookie)


def test_a_read_starts_while_the_caller_is_identified_and_answers_once_the_checks_pass(app, probe):
    action, handler = probe()
    response = call(app, action)
    assert response.status_code == 200
    assert response.get_json() == {"success": True, "data": {"secret": "personal data"}}
    wordpress = app.app.extensions["wecoza"].wordpress
    assert wordpress.read_started_first is True
    assert handler.runs == [(handler.runs[0][0], False)]
    assert handler.runs[0][0].startswith("wecoza-read")


def assert_refused_without_its_reply(app, probe, refusal, send):
    """A read refused for ``refusal`` (its caller a subscriber, or a wrong nonce), sent by ``send(app, action,
    nonce=...)``, answers the refusal in the action's shape and never the reply it read ahead."""
    action, handler = probe()
    wordpress = app.app.extensions["wecoza"].wordpress
    if refusal == "capability":
        wordpress.user = SUBSCRIBER
    response = send(app, action, nonce=NONCE if refusal == "capability" else "wrong")
    expected = MVC_DENIALS.capability if refusal == "capability" else MVC_DENIALS.nonce
    assert (response.status_code, response.data) == (expected.status, expected.body)
    assert b"personal data" not in response.data
    assert len(handler.runs) == 1  # it was read ahead, then dropped


@pytest.mark.parametrize("refusal", ["capability", "nonce"])
def test_a_refused_read_answers_its_refusal_and_never_its_reply(app, probe, refusal):
    assert_refused_without_its_reply(app, probe, refusal, call)


def test_a_read_that_needs_its_caller_runs_again_once_known_then_in_order(app, probe):
    action, handler = probe(needs_caller=True)
    first = call(app, action)
    assert first.get_json() == {"success": True, "data": {"secret": "personal data", "caller": ADMIN.id}}
    assert [identified for _, identified in handler.runs] == [False, True]
    wordpress = app.app.extensions["wecoza"].wordpress
    wordpress.read_started.clear()
    wordpress.wait_for_read = 0.5  # a read ahead would start well within it
    handler.runs.clear()
    second = call(app, action)  # this worker now knows: the read waits for the caller
    assert second.get_json() == first.get_json()
    assert [identified for _, identified in handler.runs] == [True]


def test_a_read_the_shim_sent_while_wordpress_loaded_runs_in_order_on_the_requests_own_thread(app, probe):
    """Nobody waits for it (WordPress is still loading): a second thread would only take CPU from WordPress."""
    action, handler = probe()
    wordpress = app.app.extensions["wecoza"].wordpress
    wordpress.wait_for_read = 0.5  # a read ahead would start well within it
    response = app.call(action.name, {"nonce": NONCE}, cookie=LOGIN_COOKIE, hints={SENT_EARLY_HEADER: "1"})
    assert response.get_json() == {"success": True, "data": {"secret": "personal data"}}
    assert wordpress.read_started_first is False
    assert [identified for _, identified in handler.runs] == [True]
    assert not handler.runs[0][0].startswith("wecoza-read")


def test_cookies_that_cannot_log_in_never_start_a_read(app, probe):
    action, handler = probe()
    response = call(app, action, cookie="wordpress_logged_in_probe=garbage")
    assert (response.status_code, response.data) == (MVC_DENIALS.logged_out.status, MVC_DENIALS.logged_out.body)
    assert handler.runs == []


def test_a_write_runs_only_after_every_check(app, probe):
    action, handler = probe(methods=WRITES)
    wordpress = app.app.extensions["wecoza"].wordpress
    wordpress.wait_for_read = 0.5  # a write read ahead would start well within it
    response = call(app, action)
    assert response.status_code == 200
    assert wordpress.read_started_first is False  # identification waited in vain: nothing ran beside it
    assert [identified for _, identified in handler.runs] == [True]
