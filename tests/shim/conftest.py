"""Fixtures of the shim tests: a WordPress of their own with the shim and two small test plugins active, and a
scripted fake sidecar (fake_sidecar.py) the shim is pointed at.

The shim tests change the shim's options, activate and deactivate plugins and point the shim at a fake, so they
run against their own site (built with devstack/wordpress.py, on its own MariaDB database) instead of the
session's wordpress_site, which the end-to-end tests use with the real sidecar.

    shim_site       WordPressSite (of wp_version) with the shim, the listener and the legacy-handler test plugins
                    active; the shim reads tests/shim/routes.test.json (WECOZA_SIDECAR_ROUTES_FILE, set by a mu-plugin)
    fake_server     FakeSidecar, started once
    sidecar         the FakeSidecar, reset, with the shim's options pointing at it (the default for every test)
"""
import json
from pathlib import Path

import pytest

from tests.shim.fake_sidecar import FakeSidecar
from devstack.mariadb import create_mysql_database, drop_mysql_database
from devstack.sidecar_server import SHIM_DIR, SHIM_MAIN, SHIM_SLUG
from devstack.wordpress import WordPressSite

HERE = Path(__file__).resolve().parent
ROUTES_FILE = HERE / "routes.test.json"
TEST_PLUGINS = sorted((HERE / "plugins").glob("*.php"))
SHIM_BASENAME = f"{SHIM_SLUG}/{SHIM_MAIN}"

# Written into the test site only (not a project file). The option lets a test swap the route list.
MU_PLUGIN = """<?php
// Shim tests: the route list the shim reads, and a switch to point it elsewhere.
define( 'WECOZA_SIDECAR_ROUTES_FILE', %s );
add_filter( 'wecoza_sidecar_routes_file', function ( $file ) {
    $override = get_option( 'wecoza_test_routes_file' );
    return $override ? $override : $file;
} );
"""


@pytest.fixture(scope="session")
def shim_site(mysql_server, wp_version, tmp_path_factory):
    db = create_mysql_database(mysql_server)
    site = WordPressSite(tmp_path_factory.mktemp(f"shim-wordpress-{wp_version}"), db, wp_version)
    try:
        site.build()
        mu_plugins = site.path / "wp-content" / "mu-plugins"
        mu_plugins.mkdir(exist_ok=True)
        (mu_plugins / "wecoza-shim-tests.php").write_text(MU_PLUGIN % json.dumps(str(ROUTES_FILE)))
        site.start()
        # Pretty permalinks, so /wp-json/ works as on a production site (the router sends it to index.php).
        site.php("update_option('permalink_structure', '/%postname%/'); flush_rewrite_rules(false);")
        for plugin in TEST_PLUGINS:
            site.install_plugin(plugin)
        site.install_plugin(SHIM_DIR, slug=SHIM_SLUG, main_file=SHIM_MAIN)
        yield site
    finally:
        site.stop()
        site.remove_files()
        drop_mysql_database(db)


@pytest.fixture(scope="session")
def fake_server():
    fake = FakeSidecar().start()
    try:
        yield fake
    finally:
        fake.stop()


def base_options(fake):
    return {
        "wecoza_sidecar_url": fake.url,
        "wecoza_sidecar_secret": fake.secret,
        "wecoza_sidecar_timeout": 10,
        "wecoza_sidecar_unrouted": [],
        "wecoza_sidecar_unrouted_forms": [],
        "wecoza_test_heard": [],
        "wecoza_test_routes_file": "",
    }


@pytest.fixture
def sidecar(shim_site, fake_server):
    fake_server.reset()
    shim_site.set_options(base_options(fake_server))
    return fake_server


@pytest.fixture
def heard(shim_site):
    """What the listener test plugin heard so far: [{"hook", "arg"}]."""
    def read():
        return shim_site.get_option("wecoza_test_heard", [])
    return read


@pytest.fixture(scope="session")
def ajax_url(shim_site):
    return f"{shim_site.url}/wp-admin/admin-ajax.php"
