"""Every registered action x caller x nonce x cookie: the outcome is exactly what the table below says.

The expectations are written here by hand, per action (who may call it, whether a nonce is checked, which
check comes first, the bytes of each refusal), not read from the registry or the guard: a wrong rule in
either fails this test. The requests go to the sidecar signed as the shim signs them (the sidecar decides;
the shim only forwards, which tests/bridge and tests/shim prove); cookies and nonces are WordPress's own.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from devstack.signed import cookie_header, forward
from sidecar.actions import registry

from .conftest import cookie_variants, nonces_for, wire_cookies

ACTIONS = sorted(registry.actions.values(), key=lambda a: a.name)
CALLERS = ("administrator", "administrator_without_cap", "editor", "subscriber", "logged_out")
CAPABLE = {"administrator"}  # the callers with manage_learners

LOGGED_OUT = (400, b"0")  # admin-ajax's answer to an action nobody registered for a visitor


def envelope_message(text: str, status: int) -> tuple[int, bytes]:
    return status, b'{"success":false,"data":{"message":"' + text.encode() + b'"}}'


def envelope_string(text: str) -> tuple[int, bytes]:
    return 200, b'{"success":false,"data":"' + text.encode() + b'"}'


@dataclass(frozen=True)
class Rule:
    capability: tuple[int, bytes]  # the refusal of a caller without the capability
    nonce: tuple[int, bytes]       # the refusal of a bad or missing nonce
    nonce_first: bool              # the nonce is checked before the capability
    checks_nonce: bool = True
    public: bool = False           # anyone may call it: no login, no capability


# The MVC controllers: capability first, HTTP 403 objects.
MVC = Rule(envelope_message("Insufficient permissions.", 403), envelope_message("Invalid security token.", 403),
           nonce_first=False)
# The old-style learner handlers: nonce first, HTTP 200 objects.
OLD_STYLE = Rule(envelope_message("Unauthorized access", 200), envelope_message("Security check failed", 200),
                 nonce_first=True)


def classes(nonce_text: str, capability_text: str = "You do not have permission to manage classes.", **kw) -> Rule:
    """The class and progression handlers: nonce first, HTTP 200 strings."""
    return Rule(envelope_string(capability_text), envelope_string(nonce_text), nonce_first=True, **kw)


PROGRESSION = classes("Security check failed.", "You do not have permission to perform this action.")
NOTES = classes("Invalid nonce")

EXPECTED = {
    "create_qa_visit": MVC,
    "delete_class": classes("Security check failed.", "You do not have permission to delete classes."),
    "delete_class_note": NOTES,
    "delete_learner": OLD_STYLE,
    "delete_learner_portfolio": Rule(envelope_string("Unauthorized access"), envelope_string("Security check failed"),
                                     nonce_first=True),
    "delete_qa_report": MVC,
    "export_qa_reports": MVC,
    "fetch_learners_data": OLD_STYLE,
    "fetch_learners_dropdown_data": Rule(OLD_STYLE.capability, OLD_STYLE.nonce, nonce_first=True,
                                         checks_nonce=False),
    "get_calendar_events": classes("Security check failed."),
    "get_class_notes": NOTES,
    "get_class_qa_data": MVC,
    "get_class_subjects": classes("Security check failed.", public=True, checks_nonce=False),
    "get_class_types": classes("Security check failed.", public=True, checks_nonce=False),
    "get_learner_progressions": PROGRESSION,
    "get_public_holidays": classes("Security check failed", public=True),
    "get_qa_analytics": MVC,
    "get_qa_summary": MVC,
    "get_qa_visits": MVC,
    "mark_progression_complete": PROGRESSION,
    "save_class": classes("Security check failed. Please refresh the page and try again."),
    "save_class_note": NOTES,
    "submit_qa_question": MVC,
    "update_learner": OLD_STYLE,
    "update_learner_data": OLD_STYLE,
    "upload_attachment": classes("Invalid security token"),
    "upload_progression_portfolio": PROGRESSION,
    "wecoza_delete_learner": MVC,
    "wecoza_get_learner": MVC,
    "wecoza_get_learner_form_values": MVC,
    "wecoza_get_learners": MVC,
    "wecoza_update_learner": MVC,
}


def expected_denial(rule: Rule, logged_in: bool, capable: bool, nonce_ok: bool) -> tuple[int, bytes] | None:
    """The refusal the table calls for, or None when the call must reach the handler."""
    if rule.public:
        return rule.nonce if rule.checks_nonce and not nonce_ok else None
    if not logged_in:
        return LOGGED_OUT
    failed = {"capability": not capable, "nonce": rule.checks_nonce and not nonce_ok}
    for check in (("nonce", "capability") if rule.nonce_first else ("capability", "nonce")):
        if failed[check]:
            return getattr(rule, check)
    return None


def test_every_action_has_a_row():
    assert sorted(EXPECTED) == sorted(registry.actions), "a new action needs its row in EXPECTED"


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
                rule = EXPECTED[action.name]
                denial = expected_denial(rule, label != "logged_out" and cookie_ok, label in CAPABLE, nonce_ok)
                where = f"{action.name} {label} cookie={cookie_label} nonce={nonce_label}"
                if denial is not None:
                    assert (response.status_code, response.content) == denial, where
                else:
                    assert (response.status_code, response.content) not in {LOGGED_OUT, rule.capability,
                                                                            rule.nonce}, where
                    assert response.status_code != 401, where
                checked += 1
    assert checked >= 5
