"""Who decides where the shim sends every visitor's Cookie header: the constants WECOZA_SIDECAR_URL and
WECOZA_SIDECAR_SECRET in wp-config.php win over the options; on a multisite network only a super admin
(manage_network_options) may change the URL and the secret, a sub-site administrator may not."""
import contextlib
import re
import time

import pytest
import requests

from tests.shim.multisite import SUB_ADMIN, MultisiteSite
from devstack.mariadb import create_mysql_database, drop_mysql_database
from devstack.sidecar_server import SHIM_DIR, SHIM_MAIN, SHIM_SLUG

pytestmark = pytest.mark.every_wordpress

SETTINGS = "/wp-admin/options-general.php?page=wecoza-sidecar"
NOT_LISTENING = "http://127.0.0.1:9"


def wait_for_page(session, url, present, text, timeout=15.0):
    """php -S caches wp-config.php for opcache.revalidate_freq seconds: wait until the page shows the change."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (text in session.get(url, timeout=30).text) == present:
            return
        time.sleep(0.25)
    raise AssertionError(f"{url} still {'lacks' if present else 'shows'} {text!r} after {timeout:.0f}s")


@contextlib.contextmanager
def constants_in_wp_config(site, constants):
    """define() each constant in the site's wp-config.php for the block; the file is restored afterwards."""
    original = site.wp_config_path.read_text()
    defines = "".join(f"define( '{name}', '{value}' );\n" for name, value in constants.items())
    site.wp_config_path.write_text(original.replace("$table_prefix", defines + "$table_prefix", 1))
    try:
        yield
    finally:
        site.wp_config_path.write_text(original)


def settings_form(session, page_url):
    page = session.get(page_url, timeout=30).text
    nonce = re.search(r'name="_wpnonce" value="([0-9a-f]+)"', page).group(1)
    return page, {"action": "wecoza_sidecar_save", "_wpnonce": nonce, "wecoza_sidecar_timeout": "9"}


def test_constants_in_wp_config_win_over_the_options(sidecar, shim_site, ajax_url):
    shim_site.set_options({"wecoza_sidecar_url": NOT_LISTENING, "wecoza_sidecar_secret": "not-the-secret"})
    admin = shim_site.login("admin")
    page_url = shim_site.url + SETTINGS
    with constants_in_wp_config(shim_site, {"WECOZA_SIDECAR_URL": sidecar.url + "/",
                                            "WECOZA_SIDECAR_SECRET": sidecar.secret}):
        wait_for_page(admin, page_url, True, "Fixed by WECOZA_SIDECAR_URL in wp-config.php.")

        response = requests.post(ajax_url, data={"action": "wecoza_get_learner", "id": "7"}, timeout=30)
        assert response.status_code == 200
        got = sidecar.last("/ajax/")
        assert (got.path, got.refused) == ("/ajax/wecoza_get_learner", "")  # the constants' URL, signed with theirs

        page, form = settings_form(admin, page_url)
        assert "Fixed by WECOZA_SIDECAR_SECRET in wp-config.php." in page
        assert sidecar.url in page and sidecar.secret not in page
        assert 'name="wecoza_sidecar_url"' not in page and 'name="wecoza_sidecar_secret"' not in page
        form.update({"wecoza_sidecar_url": "http://evil.test", "wecoza_sidecar_secret": "evil"})
        response = admin.post(f"{shim_site.url}/wp-admin/admin-post.php", data=form, timeout=30,
                              allow_redirects=False)
        assert response.status_code == 302
        assert shim_site.get_option("wecoza_sidecar_url") == NOT_LISTENING
        assert shim_site.get_option("wecoza_sidecar_secret") == "not-the-secret"
        assert shim_site.php("echo wecoza_sidecar_shim()->settings->url();") == sidecar.url
    wait_for_page(admin, page_url, False, "Fixed by WECOZA_SIDECAR_URL")
    assert 'name="wecoza_sidecar_url"' in admin.get(page_url, timeout=30).text


# --- multisite -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def network(mysql_server, wp_version, tmp_path_factory):
    db = create_mysql_database(mysql_server)
    site = MultisiteSite(tmp_path_factory.mktemp(f"multisite-wordpress-{wp_version}"), db, wp_version)
    try:
        site.build()
        basename = site.install_plugin(SHIM_DIR, activate=False, slug=SHIM_SLUG, main_file=SHIM_MAIN)
        site.on_sub_site("""
            require_once ABSPATH . 'wp-admin/includes/plugin.php';
            wp_set_current_user(get_user_by('login', 'admin')->ID);
            $result = activate_plugin($args[0]);
            if (is_wp_error($result)) { fwrite(STDERR, $result->get_error_message()); exit(1); }
            update_option('wecoza_sidecar_url', $args[1]);
            update_option('wecoza_sidecar_secret', 'network-secret');
        """, basename, NOT_LISTENING)
        yield site.start()
    finally:
        site.stop()
        site.remove_files()
        drop_mysql_database(db)


def log_in(site, login):
    """A requests.Session logged in through the main site's wp-login.php (auth cookies cover the whole network)."""
    session = requests.Session()
    session.get(f"{site.url}/wp-login.php", timeout=30)
    session.post(f"{site.url}/wp-login.php", timeout=30, allow_redirects=False, data={
        "log": login, "pwd": site.users[login], "wp-submit": "Log In", "testcookie": "1",
        "redirect_to": f"{site.sub_url}/wp-admin/"})
    assert any(c.name.startswith("wordpress_logged_in_") for c in session.cookies), f"login of {login} failed"
    return session


def sub_site_option(site, name):
    return site.on_sub_site("echo get_option($args[0]);", name)


def test_a_sub_site_administrator_cannot_change_the_url_or_the_secret(network):
    subadmin = log_in(network, SUB_ADMIN[0])
    page, form = settings_form(subadmin, network.sub_url + SETTINGS)
    assert "Only a network administrator can change this on a multisite network." in page
    assert 'name="wecoza_sidecar_url"' not in page and 'name="wecoza_sidecar_secret"' not in page
    post_url = f"{network.sub_url}/wp-admin/admin-post.php"

    for change in ({"wecoza_sidecar_url": "http://collector.example"}, {"wecoza_sidecar_secret": "mine"}):
        response = subadmin.post(post_url, data=form | change, timeout=30, allow_redirects=False)
        assert response.status_code == 403, change
        assert "Only a network administrator" in response.text
    assert sub_site_option(network, "wecoza_sidecar_url") == NOT_LISTENING
    assert sub_site_option(network, "wecoza_sidecar_secret") == "network-secret"

    # The rest of the screen is still theirs.
    response = subadmin.post(post_url, data=form, timeout=30, allow_redirects=False)
    assert response.status_code == 302 and "settings-updated=true" in response.headers["Location"]
    assert sub_site_option(network, "wecoza_sidecar_timeout") == "9"
    assert sub_site_option(network, "wecoza_sidecar_url") == NOT_LISTENING


def test_a_super_admin_can_change_them_on_the_sub_site(network):
    superadmin = log_in(network, "admin")
    page, form = settings_form(superadmin, network.sub_url + SETTINGS)
    assert 'name="wecoza_sidecar_url"' in page and 'name="wecoza_sidecar_secret"' in page
    form.update({"wecoza_sidecar_url": "http://127.0.0.1:8765", "wecoza_sidecar_secret": "rotated-secret"})
    response = superadmin.post(f"{network.sub_url}/wp-admin/admin-post.php", data=form, timeout=30,
                               allow_redirects=False)
    assert response.status_code == 302 and "settings-updated=true" in response.headers["Location"]
    assert sub_site_option(network, "wecoza_sidecar_url") == "http://127.0.0.1:8765"
    assert sub_site_option(network, "wecoza_sidecar_secret") == "rotated-secret"
