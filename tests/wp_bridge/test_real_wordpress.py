"""wp_bridge against the real WordPress of the test infrastructure: what WordPress decides, Python decides; and
Debian's wordpress package's own wp-config.php."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from sidecar.config import load_config
from devstack.ajax import create_nonce, logged_in_cookie
from devstack.signed import wire_cookie
from wp_bridge.errors import WPConfigError
from wp_bridge.nonces import create_nonce as python_create_nonce
from wp_bridge.wpconfig import read_wp_config

pytestmark = pytest.mark.every_wordpress


@pytest.fixture(scope="module")
def wp(wordpress_site, tmp_path_factory):
    env = {"WECOZA_WP_CONFIG": str(wordpress_site.wp_config_path)}
    bridge = load_config(env).wordpress()
    yield bridge
    bridge.close()


def user_of(wp, session, **kwargs):
    return wp.authenticate(cookie_header=wire_cookie(session), **kwargs)


@pytest.fixture
def temp_user(wordpress_site):
    login, password = f"tmp_{int(time.time() * 1000) % 10**9}", "wecoza-temp-pass-1"
    user_id = int(wordpress_site.php(
        f"echo wp_insert_user(['user_login' => {json.dumps(login)}, 'user_pass' => {json.dumps(password)}, "
        f"'user_email' => {json.dumps(login + '@example.test')}, 'role' => 'administrator']);"))
    yield login, password, user_id
    wordpress_site.php(f"require_once ABSPATH . 'wp-admin/includes/user.php'; wp_delete_user({user_id});")


def test_real_login_cookies_are_accepted_and_rejected_after_logout(wp, wordpress_site):
    session = wordpress_site.login("admin")
    result = user_of(wp, session)
    assert result.logged_in and result.user.login == "admin" and "administrator" in result.user.roles
    old = wire_cookie(session)
    wordpress_site.logout(session)
    after = wp.authenticate(cookie_header=old)
    assert not after.logged_in and after.reason == "auth_cookie_bad_session_token"


def test_nonces_cross_between_wordpress_and_python(wp, wordpress_site):
    session = wordpress_site.login("editor1")
    made_by_wordpress = create_nonce(wordpress_site, session, "learners_nonce_action")
    result = user_of(wp, session, params={"nonce": made_by_wordpress}, nonce_actions=("learners_nonce_action",))
    assert result.nonce_ok and result.nonce_age == 1
    _name, value = logged_in_cookie(session)
    login, _expiration, token, _hmac = value.split("|")
    made_by_python = python_create_nonce("learners_nonce_action", result.user.id, token, time.time(),
                                         salt=wp.site().salt("nonce"))
    verdict = wordpress_site.php(
        f"$_COOKIE[LOGGED_IN_COOKIE] = {json.dumps(value)};"
        f"wp_set_current_user(wp_validate_auth_cookie({json.dumps(value)}, 'logged_in'));"
        f"var_export(wp_verify_nonce({json.dumps(made_by_python)}, 'learners_nonce_action'));")
    assert verdict.strip() == "1"
    anonymous = create_nonce(wordpress_site, None, "get_public_holidays")
    assert wp.authenticate(cookie_header="", params={"nonce": anonymous},
                           nonce_actions=("get_public_holidays",)).nonce_ok


def test_password_change_invalidates_old_cookies(wp, wordpress_site, temp_user):
    login, password, user_id = temp_user
    session = wordpress_site.login(login, password)
    assert user_of(wp, session).logged_in
    wordpress_site.php(f"wp_set_password('another-pass-2', {user_id});")
    refused = user_of(wp, session)
    assert not refused.logged_in
    assert refused.reason in ("auth_cookie_bad_hash", "auth_cookie_bad_session_token")


def test_capability_changes_show_at_once(wp, wordpress_site, temp_user):
    login, password, user_id = temp_user
    session = wordpress_site.login(login, password)
    assert user_of(wp, session).user.has_cap("list_users")
    wordpress_site.php(f"(new WP_User({user_id}))->add_cap('list_users', false);")
    assert not user_of(wp, session).user.has_cap("list_users")
    wordpress_site.php(f"$u = new WP_User({user_id}); $u->remove_cap('list_users'); $u->set_role('editor');")
    changed = user_of(wp, session).user
    assert changed.roles == ("editor",) and not changed.has_cap("list_users")
    assert changed.has_cap("edit_others_posts") and not changed.has_cap("manage_options")


DEBIAN_DISPATCHER = Path("/usr/share/wordpress/wp-config.php")


def test_the_real_debian_dispatcher_is_recognised(system_services):  # installs Debian's wordpress package
    with pytest.raises(WPConfigError, match="Debian's dispatcher"):
        read_wp_config(DEBIAN_DISPATCHER)
