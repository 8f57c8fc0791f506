"""Every registered action x caller x nonce x cookie: the outcome is exactly what the registry declares.

Generated from the registry, so a new action is covered automatically. The requests go to the sidecar
signed as the shim signs them (the sidecar decides; the shim only forwards, which tests/bridge and
tests/shim prove); cookies and nonces are WordPress's own.
"""
from __future__ import annotations

import pytest

from sidecar.actions import registry
from tests.support.signed import cookie_header, forward

from .conftest import cookie_variants, nonces_for, wire_cookies

ACTIONS = sorted(registry.actions.values(), key=lambda a: a.name)
CALLERS = ("administrator", "administrator_without_cap", "editor", "subscriber", "logged_out")
CAPABLE = {"administrator"}


def expected_denial(action, caller_label, cookie_ok, nonce_ok):
    """The declared reply for a refused call, or None when the call must reach the handler."""
    denials = action.denials
    logged_in = caller_label != "logged_out" and cookie_ok
    if not logged_in and not action.public:
        return denials.logged_out
    for check in denials.order:
        if check == "capability" and action.capability and not action.public and caller_label not in CAPABLE:
            return denials.capability
        if check == "nonce" and action.nonce_actions is not None and not nonce_ok:
            return denials.nonce
    return None


@pytest.fixture(scope="module")
def destroyed_session_cookies(wordpress_site, callers):
    """Per logged-in caller: the cookies of a session that was then logged out."""
    out = {}
    for label, caller in callers.items():
        if not caller.cookies:
            continue
        user = {"administrator": "admin", "editor": "editor1", "subscriber": "subscriber1",
                "administrator_without_cap": "admin_nocap"}[label]
        password = "wecoza-nocap-pass" if user == "admin_nocap" else None
        session = wordpress_site.login(user, password) if password else wordpress_site.login(user)
        cookies = wire_cookies(session)
        wordpress_site.logout(session)
        out[label] = cookie_header(cookies)
    return out


_VARIANTS: dict = {}


def variants(site, callers, destroyed, label, nonce_action):
    """Nonce and cookie variants per caller (and nonce action), made once: WordPress makes each in a PHP run."""
    key = (label, nonce_action)
    if key not in _VARIANTS:
        caller = callers[label]
        other = callers["editor"] if label != "editor" else callers["subscriber"]
        cookies = cookie_variants(site, caller)
        if caller.cookies:
            cookies["destroyed_session"] = destroyed[label]
        _VARIANTS[key] = (nonces_for(site, caller, other, nonce_action), cookies)
    return _VARIANTS[key]


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_security_matrix(action, sidecar_server, wordpress_site, callers, destroyed_session_cookies):
    nonce_action = (action.nonce_actions or ("learners_nonce_action",))[0]
    checked = 0
    for label in CALLERS:
        nonces, cookies = variants(wordpress_site, callers, destroyed_session_cookies, label, nonce_action)
        for cookie_label, cookie in cookies.items():
            for nonce_label, nonce in nonces.items():
                fields = {action.nonce_field: nonce} if nonce is not None else {}
                method = "GET" if action.methods == ("GET",) else "POST"
                query = fields if method == "GET" else None
                response, _ = forward(sidecar_server, action.name, fields if method == "POST" else None,
                                      cookie=cookie, method=method, query=query)
                cookie_ok = cookie_label == "valid"
                if label == "logged_out":
                    cookie_ok = False
                # A nonce is bound to the user the request is judged as: a caller whose cookie fails is anonymous.
                nonce_ok = nonce_label == "valid" and (cookie_ok or label == "logged_out")
                denial = expected_denial(action, label, cookie_ok, nonce_ok)
                where = f"{action.name} {label} cookie={cookie_label} nonce={nonce_label}"
                if denial is not None:
                    assert (response.status_code, response.content) == (denial.status, denial.body), where
                else:
                    refusals = {(d.status, d.body) for d in (action.denials.logged_out, action.denials.capability,
                                                            action.denials.nonce)}
                    assert (response.status_code, response.content) not in refusals, where
                    assert response.status_code != 401, where
                checked += 1
    assert checked >= 5
