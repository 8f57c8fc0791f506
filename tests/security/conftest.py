"""Callers for the security matrix: real WordPress logins, cookies and nonces made by WordPress."""
from __future__ import annotations

import hashlib
import json
import urllib.parse

import pytest

from devstack.ajax import create_nonce

NONCE_ACTIONS_PROBED = ("learners_nonce", "learners_nonce_action", "wecoza_class_nonce", "wecoza_calendar_nonce",
                        "submit_learners_form", "wecoza_classes_nonce")


@pytest.fixture(scope="session")
def admin_without_capability(wordpress_site, sidecar_server):
    """An administrator whose own capabilities deny manage_learners."""
    password = "wecoza-nocap-pass"
    wordpress_site.php(
        "$id = username_exists('admin_nocap') ?: wp_insert_user(['user_login' => 'admin_nocap', "
        f"'user_pass' => {json.dumps(password)}, 'user_email' => 'admin_nocap@example.test', "
        "'role' => 'administrator']);"
        "$u = new WP_User($id); $u->add_cap('manage_learners', false); echo $id;")
    return "admin_nocap", password


def wire_cookies(session) -> dict:
    return {c.name: c.value for c in session.cookies if c.name.startswith("wordpress")}


def logged_in(cookies: dict) -> tuple[str, str]:
    return next((n, v) for n, v in cookies.items() if n.startswith("wordpress_logged_in_"))


class Caller:
    def __init__(self, label, session, cookies):
        self.label = label
        self.session = session
        self.cookies = cookies  # name -> wire value, or {} for logged out


@pytest.fixture(scope="session")
def callers(wordpress_site, sidecar_server, admin_without_capability):
    login = wordpress_site.login
    out = {"logged_out": Caller("logged_out", None, {})}
    for label, user, password in (("administrator", "admin", None),
                                  ("administrator_without_cap", *admin_without_capability),
                                  ("editor", "editor1", None), ("subscriber", "subscriber1", None)):
        session = login(user, password) if password else login(user)
        out[label] = Caller(label, session, wire_cookies(session))
    return out


def nonces_for(site, caller, other_caller, action):
    """The five nonce variants for one caller and one nonce action."""
    session = caller.session
    valid = create_nonce(site, session, action)
    other_action = create_nonce(site, session, "some_other_action")
    other_user = create_nonce(site, other_caller.session, action)
    expired = expired_nonce(site, session, action)
    return {"valid": valid, "other_action": other_action, "other_user": other_user, "expired": expired, "none": None}


def expired_nonce(site, session, action):
    """A nonce WordPress made two ticks (24-36 hours) ago: wp_verify_nonce refuses it."""
    from devstack.ajax import logged_in_cookie
    cookie = logged_in_cookie(session) if session is not None else None
    name, value = cookie if cookie else ("", "")
    return site.php(
        f"$value = {json.dumps(value)}; $uid = $value ? wp_validate_auth_cookie($value, 'logged_in') : 0;"
        "$token = $value ? explode('|', $value)[2] : '';"
        "$tick = wp_nonce_tick() - 2;"
        f"echo substr(wp_hash($tick . '|' . {json.dumps(action)} . '|' . $uid . '|' . $token, 'nonce'), -12, 10);"
    ).strip()


def cookie_variants(site, caller):
    """valid, tampered hmac, expired, destroyed session, another site's cookie."""
    if not caller.cookies:
        return {"none": ""}
    from devstack.signed import cookie_header
    cookies = caller.cookies
    name, value = logged_in(cookies)
    raw = urllib.parse.unquote(value)
    login, _expiration, token, hmac = raw.split("|")
    tampered = {n: v[:-1] + ("0" if v[-1] != "0" else "1") for n, v in cookies.items()}
    expired_value = site.php(
        f"$uid = wp_validate_auth_cookie({json.dumps(raw)}, 'logged_in');"
        f"echo rawurlencode(wp_generate_auth_cookie($uid, time() - 7200, 'logged_in', {json.dumps(token)}));").strip()
    other_hash = hashlib.md5(b"http://other-site.example").hexdigest()
    other_site = {n.rsplit("_", 1)[0] + "_" + other_hash: v for n, v in cookies.items()}
    return {
        "valid": cookie_header(cookies),
        "tampered_hmac": cookie_header(tampered),
        "expired": cookie_header({name: expired_value}),
        "destroyed_session": None,  # filled by the test with a logged-out session's old cookies
        "other_site": cookie_header(other_site),
    }
