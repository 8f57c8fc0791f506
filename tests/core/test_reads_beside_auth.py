"""A forwarded read runs beside the caller's authentication (sidecar.guard, issue 15): its work starts while the
caller is being identified, its reply is sent only when every check passes, a refusal never carries it, a read that
needs its caller runs again once the caller is known, and nothing is read ahead for a write or for cookies that
cannot log anyone in.

In process (the `app` fixture), with probe actions and a WordPress whose identification waits for its query's
answer until asked for it, as WordPress's MySQL query does (wp_bridge.auth.Identifying;
tests/wp_bridge/test_mysql_in_flight.py and tests/bridge/test_checks_beside_postgres.py show the real parts): what
ran, and whether the caller was known then, is recorded, never timed."""
from __future__ import annotations

import pytest

from devstack.inprocess import ADMIN_CAPS, Decided, StandInWordPress
from sidecar import actions, guard  # noqa: F401  (actions registers every action)
from sidecar.registry import MVC_DENIALS, READS, WRITES, Action, registry
from sidecar.responses import json_reply
from wp_bridge.auth import AuthResult
from wp_bridge.users import WPUser

NONCE = "probe-nonce"
ADMIN = WPUser(id=7, login="admin", roles=("administrator",), allcaps=ADMIN_CAPS)
SUBSCRIBER = WPUser(id=8, login="subscriber", roles=("subscriber",), allcaps={"read": True})
LOGIN_COOKIE = "wordpress_logged_in_probe=admin%7C9999999999%7Ctoken%7Chmac"


class QueryingWordPress(StandInWordPress):
    """Only LOGIN_COOKIE may log anyone in: its identification starts waiting, as while WordPress's query is in
    flight, and answers ``user`` (or ``answer``, an AuthResult, when set) when its result is asked for; a nonce
    holds when it is NONCE. ``ran_beside``: whether the last identification started waiting."""

    def __init__(self):
        super().__init__()
        self.user = ADMIN
        self.answer = None
        self.identified = False
        self.ran_beside = None

    def asks_the_database(self, cookie_header=None, https=False, method="POST", ajax=True):
        return cookie_header == LOGIN_COOKIE

    def identify(self, cookie_header=None, https=False, method="POST", ajax=True, options=()):
        self.ran_beside = False
        return self.decide(cookie_header)

    def start_identify(self, cookie_header=None, https=False, method="POST", ajax=True, options=()):
        if cookie_header != LOGIN_COOKIE:
            return Decided(self.decide(cookie_header))
        self.ran_beside = True
        return Waiting(lambda: self.decide(cookie_header))

    def decide(self, cookie_header):
        if cookie_header != LOGIN_COOKIE:
            return AuthResult(user=None, reason="no_cookie", token=b"")
        self.identified = True
        return self.answer or AuthResult(user=self.user, reason=None, token=b"")

    def check_nonce(self, caller, params, nonce_actions, nonce_field="nonce"):
        ok = (params or {}).get(nonce_field) == NONCE
        return AuthResult(user=caller.user, reason=caller.reason or (None if ok else "nonce_invalid"), nonce_ok=ok)


class Waiting:
    """An identification whose query is in flight until its result is asked for."""

    waiting = True

    def __init__(self, decide):
        self.result = decide


def known_without_a_query(result: AuthResult):
    """A replacement ``start_identify`` for a WordPress that decides without asking MySQL."""
    return lambda *args, **kwargs: Decided(result)


@pytest.fixture
def stand_in_wordpress():
    return QueryingWordPress()


class Probe:
    """A probe action's handler: what it saw, each time it ran."""

    def __init__(self, wordpress: QueryingWordPress, needs_caller: bool = False):
        self.wordpress = wordpress
        self.needs_caller = needs_caller
        self.runs = []  # whether the caller was identified when it started, each time it ran

    def __call__(self, ctx):
        self.runs.append(self.wordpress.identified)
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


def assert_read_beside_the_identification(app, probe, send):
    """A read sent by ``send(app, action)`` runs beside the identification, before the caller is known, and answers
    its reply once the checks pass."""
    action, handler = probe()
    response = send(app, action)
    assert response.status_code == 200
    assert response.get_json() == {"success": True, "data": {"secret": "personal data"}}
    assert app.app.extensions["wecoza"].wordpress.ran_beside is True
    assert handler.runs == [False]


def test_a_read_starts_while_the_caller_is_identified_and_answers_once_the_checks_pass(app, probe):
    assert_read_beside_the_identification(app, probe, call)


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
    assert handler.runs == [False, True]
    handler.runs.clear()
    second = call(app, action)  # this worker now knows: the read waits for the caller
    assert second.get_json() == first.get_json()
    assert app.app.extensions["wecoza"].wordpress.ran_beside is False
    assert handler.runs == [True]


def test_a_read_the_shim_sent_while_wordpress_loaded_runs_beside_the_authentication_too(app, probe):
    """Nothing runs on another thread, so it costs WordPress no CPU to answer it sooner."""
    action, handler = probe()
    response = app.call(action.name, {"nonce": NONCE}, cookie=LOGIN_COOKIE, hints={"X-WeCoza-Sent-Early": "1"})
    assert response.get_json() == {"success": True, "data": {"secret": "personal data"}}
    assert app.app.extensions["wecoza"].wordpress.ran_beside is True
    assert handler.runs == [False]


def test_a_read_the_identification_did_not_run_runs_after_every_check(app, probe):
    """A WordPress that knows its caller without a query (none is in flight) leaves the read to the guard."""
    action, handler = probe()
    wordpress = app.app.extensions["wecoza"].wordpress
    wordpress.start_identify = known_without_a_query(AuthResult(user=ADMIN, reason=None, token=b""))
    response = call(app, action)
    assert response.get_json() == {"success": True, "data": {"secret": "personal data"}}
    assert len(handler.runs) == 1


def test_cookies_that_cannot_log_in_never_start_a_read(app, probe):
    action, handler = probe()
    response = call(app, action, cookie="wordpress_logged_in_probe=garbage")
    assert (response.status_code, response.data) == (MVC_DENIALS.logged_out.status, MVC_DENIALS.logged_out.body)
    assert handler.runs == []


def test_a_write_runs_only_after_every_check(app, probe):
    action, handler = probe(methods=WRITES)
    response = call(app, action)
    assert response.status_code == 200
    assert app.app.extensions["wecoza"].wordpress.ran_beside is False
    assert handler.runs == [True]
