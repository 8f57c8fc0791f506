"""The guard in process (the `app` fixture), with a scripted WordPress: every registered action answers each
refusal in the shape it declares, in its declared order, before its handler runs."""
import json

import pytest

from devstack.inprocess import ADMIN_CAPS, StandInWordPress
from sidecar import access, actions, guard  # noqa: F401  (actions registers every action)
from sidecar.registry import WRITES, registry
from wp_bridge.auth import AuthResult
from wp_bridge.users import WPUser

GOOD_NONCE = "good-nonce"
ADMIN = WPUser(id=1, login="admin", roles=("administrator",), allcaps=ADMIN_CAPS)
SUBSCRIBER = WPUser(id=2, login="subscriber", roles=("subscriber",), allcaps={"read": True})
ACTIONS = sorted(registry.actions.values(), key=lambda a: a.name)
PRIVATE = [a for a in ACTIONS if not a.public]


class ScriptedWordPress(StandInWordPress):
    """The caller is `user` (None: logged out), known without a query; a nonce holds
    when it is GOOD_NONCE."""

    def __init__(self):
        super().__init__()
        self.user = None

    def identify(self, cookie_header=None, https=False, method="POST", ajax=True, options=()):
        return AuthResult(user=self.user, reason=None if self.user else "no_cookie", token=b"")

    def check_nonce(self, caller, params, nonce_actions, nonce_field="nonce"):
        if nonce_actions is None:
            return caller
        sent = (params or {}).get(nonce_field)
        if sent == GOOD_NONCE:
            return AuthResult(user=caller.user, reason=caller.reason, nonce_ok=True)
        return AuthResult(user=caller.user, reason=caller.reason or ("nonce_missing" if sent is None else
                                                                     "nonce_invalid"), nonce_ok=False)


@pytest.fixture
def stand_in_wordpress():
    return ScriptedWordPress()


def call(app, action, user, nonce=GOOD_NONCE, method=None):
    app.app.extensions["wecoza"].wordpress.user = user
    method = method or action.methods[0]
    params = {} if nonce is None else {action.nonce_field: nonce}
    if method == "POST":
        return app.call(action.name, params, method="POST")
    return app.call(action.name, method=method, query=params)


def answered(response, reply):
    assert (response.status_code, response.data) == (reply.status, reply.body)


@pytest.mark.parametrize("action", PRIVATE, ids=lambda a: a.name)
def test_a_logged_out_caller_gets_the_actions_logged_out_denial(app, action):
    answered(call(app, action, None), action.denials.logged_out)


@pytest.mark.parametrize("action", [a for a in PRIVATE if a.capability], ids=lambda a: a.name)
def test_a_caller_without_the_capability_gets_the_capability_denial(app, action):
    answered(call(app, action, SUBSCRIBER), action.denials.capability)


@pytest.mark.parametrize("nonce", ["wrong", None], ids=["wrong", "missing"])
@pytest.mark.parametrize("action", [a for a in ACTIONS if a.nonce_actions is not None], ids=lambda a: a.name)
def test_a_wrong_or_missing_nonce_gets_the_nonce_denial(app, action, nonce):
    answered(call(app, action, ADMIN, nonce=nonce), action.denials.nonce)


@pytest.mark.parametrize("action", [a for a in PRIVATE if a.capability and a.nonce_actions is not None],
                         ids=lambda a: a.name)
def test_with_both_wrong_the_first_check_of_the_declared_order_answers(app, action):
    first = action.denials.order[0]
    expected = action.denials.nonce if first == access.NONCE else action.denials.capability
    answered(call(app, action, SUBSCRIBER, nonce="wrong"), expected)


def test_both_orders_are_declared_by_some_action():
    assert {a.denials.order[0] for a in ACTIONS} == {access.NONCE, access.CAPABILITY}


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.methods == WRITES], ids=lambda a: a.name)
def test_a_write_called_with_get_is_a_bad_request_before_its_handler(app, action):
    answered(call(app, action, ADMIN, method="GET"), guard.bad_request(action, guard.WRONG_METHOD))



@pytest.mark.parametrize("action", [a for a in ACTIONS if a.public], ids=lambda a: a.name)
def test_a_public_action_lets_a_logged_out_caller_through_the_gate(app, action):
    """The handler may then need PostgreSQL (absent here); the gate itself lets the caller through."""
    response = call(app, action, None)
    assert (response.status_code, response.data) != (action.denials.logged_out.status, action.denials.logged_out.body)
    assert access.decide(app.app.extensions["wecoza"], access.action_gate(action),
                         AuthResult(user=None, reason="no_cookie", nonce_ok=True)) is None


def test_public_holidays_are_served_to_a_logged_out_caller(app):
    response = call(app, registry.actions["get_public_holidays"], None)
    assert response.status_code == 200
    assert any(day["title"] == "New Year's Day" for day in json.loads(response.data))
