"""Every cookie case of every vector file, checked against real MariaDB with the user's state at
check time: first the bare ``wp_validate_auth_cookie`` port, then the whole request path
(Cookie header as the browser sends it, PHP decoding, slashing, facade)."""
from contextlib import contextmanager

import pytest

from wp_bridge.cookies import PASS_FRAG_EITHER, cookie_names, pass_frag_rule, validate_auth_cookie
from wp_bridge.salts import wp_salt
from wp_bridge.users import load_users

from .conftest import delete_user, insert_user, raw, vector_params

CASES = vector_params(lambda v: ((c["id"], c) for c in v["cookies"]))
# Cases whose cookie travels under its scheme's own name: the ones a browser's request can carry as such.
REQUEST_CASES = vector_params(lambda v: (
    (c["id"], c) for c in v["cookies"]
    if c["cookie_name"] == cookie_names(v["site"]["COOKIEHASH"], {}).for_scheme(c["scheme"])))


@contextmanager
def state_at_check(sql, site, case):
    """Apply the case's ``*_at_check`` state to its user, restore the snapshot afterwards."""
    user = site.users.get(case["user"])
    tokens = case.get("session_tokens_at_check", case.get("session_tokens_after"))
    changes = user is not None and (case.get("user_exists_at_check") is False or "user_pass_at_check" in case
                                    or tokens is not None)
    if changes:
        uid = user["row"]["ID"]
        with sql.cursor() as cursor:
            if case.get("user_exists_at_check") is False:
                delete_user(sql, site, uid)
            if "user_pass_at_check" in case:
                cursor.execute(f"UPDATE `{site.prefix}users` SET user_pass = %s WHERE ID = %s",
                               (case["user_pass_at_check"], uid))
            if tokens is not None:
                cursor.execute(f"UPDATE `{site.prefix}usermeta` SET meta_value = %s "
                               "WHERE user_id = %s AND meta_key = 'session_tokens'", (raw(tokens), uid))
    try:
        yield
    finally:
        if changes:
            delete_user(sql, site, uid)
            insert_user(sql, site, case["user"])



@pytest.mark.parametrize("rule_from", ["version", "either"])
@pytest.mark.parametrize("path,case", CASES)
def test_validate_auth_cookie(vector_sites, vector_wordpress, sql, path, case, rule_from):
    site = vector_sites[path]
    keys = site.vector["site"]["keys_and_salts"]
    rule = pass_frag_rule(site.vector["site"]["version"]) if rule_from == "version" else PASS_FRAG_EITHER
    wp = vector_wordpress(path, case["now"])
    with state_at_check(sql, site, case):
        check = validate_auth_cookie(
            raw(case["value"]), case["scheme"], case["now"], case["request"],
            lookup=lambda login: load_users(wp.db, wp.tables, [login]).users[login],
            salt=wp_salt(case["scheme"], keys, {}), rule=rule)
    assert check.reason == case["wp_hook"]
    assert (check.user.id if check.valid else False) == case["expected"]
    if "key_derivation" in case:
        assert check.pass_frag_rule == case["key_derivation"]["pass_frag_rule"]


@pytest.mark.parametrize("path,case", REQUEST_CASES)
def test_request_path(vector_sites, vector_wordpress, sql, path, case):
    """The wire value in a Cookie header among other cookies, through ``WordPress.authenticate``."""
    site = vector_sites[path]
    https = case["scheme"] == "secure_auth"
    header = (f"wordpress_test_cookie=WP%20Cookie%20check; {case['cookie_name']}={case['value_wire']}; "
              f"wp-settings-time-1=1767258000")
    wp = vector_wordpress(path, case["now"])
    with state_at_check(sql, site, case):
        result = wp.authenticate(cookie_header=header, https=https, method=case["request"].replace("AJAX", "GET"),
                                 ajax=case["request"] == "AJAX")
    if case["expected"] is False:
        assert result.user is None
        assert result.reason == ("no_cookie" if case["value"] in ("", "0") else case["wp_hook"])
    else:
        user = site.users[case["user"]]
        assert result.reason is None
        assert result.user.id == case["expected"]
        assert result.user.login == case["user"]
        assert list(result.user.roles) == user["roles"]
        assert list(result.user.allcaps.items()) == list(user["allcaps"].items())
        assert result.user.session_token == case["parts"]["token"]
