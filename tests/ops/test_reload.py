"""Reload (HUP): every new worker reads the configuration and wp-config.php again, so rotating WordPress's keys
and salts logs everyone out of the sidecar too, at the next `systemctl reload wecoza-sidecar`.

The tests rewrite wp-config.php, so they run on a WordPress site and sidecar of their own.
"""
import os
import re
import secrets
import signal
import time
from pathlib import Path

import pytest
import requests

from devstack.ajax import call
from devstack.mariadb import create_mysql_database, drop_mysql_database
from devstack.processes import spawned_workers
from devstack.sidecar_server import SidecarServer, connect_shim
from devstack.wordpress import SALT_NAMES, WordPressSite

ACTION = "fetch_learners_dropdown_data"  # needs manage_learners, no nonce: the cookie alone decides
LOGGED_OUT = (400, "0")


@pytest.fixture(scope="module")
def own_site(mysql_server, pg_database, tmp_path_factory):
    db = create_mysql_database(mysql_server)
    site = WordPressSite(tmp_path_factory.mktemp("reload-wordpress"), db)
    server = SidecarServer(tmp_path_factory.mktemp("reload-sidecar"), site, pg_database)
    try:
        site.build().start()
        server.migrate()
        server.start()
        connect_shim(site, server, pg_database)
        yield site, server
    finally:
        server.stop()
        site.stop()
        site.remove_files()
        drop_mysql_database(db)


def rotate_salts(wp_config: Path) -> None:
    """New, distinct values for every key and salt, as an owner does to log everyone out."""
    text = wp_config.read_text()
    for name in SALT_NAMES:
        text, count = re.subn(rf"define\( '{name}', '[^']*' \);",
                              f"define( '{name}', '{secrets.token_hex(32)}' );", text)
        assert count == 1, name
    wp_config.write_text(text)


def wait_until_wordpress_refuses(site, session, timeout=15.0) -> None:
    """php -S caches wp-config.php for opcache.revalidate_freq seconds: wait until WordPress uses the new salts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = session.get(f"{site.url}/wp-admin/profile.php", timeout=30, allow_redirects=False)
        if response.status_code == 302 and "wp-login.php" in response.headers.get("Location", ""):
            return
        time.sleep(0.25)
    raise AssertionError(f"WordPress still accepts the old cookie {timeout:.0f}s after the salts changed")


def reload_and_wait(server, timeout=30.0) -> set[int]:
    """HUP the sidecar's main process; return once every old worker is gone and as many new ones run."""
    master = server.proc.pid
    old = spawned_workers(master)
    assert len(old) == server.workers, old
    os.kill(master, signal.SIGHUP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = spawned_workers(master)
        if len(now) == server.workers and not now & old:
            return now
        time.sleep(0.1)
    raise AssertionError(f"the workers were not replaced within {timeout:.0f}s\n{server.log(40)}")


def dropdown(site, session):
    response = call(site, session, ACTION)
    return response.status_code, response.text


def test_rotated_salts_log_the_old_cookie_out_of_the_sidecar_at_the_next_reload(own_site):
    site, server = own_site
    admin = site.login("admin")
    status, text = dropdown(site, admin)
    assert status == 200 and text.startswith('{"success":true,'), text

    rotate_salts(site.wp_config_path)
    wait_until_wordpress_refuses(site, admin)
    # The shim still forwards the old cookie (routed actions are nopriv too): the sidecar decides.
    reload_and_wait(server)

    assert dropdown(site, admin) == LOGGED_OUT
    status, text = dropdown(site, site.login("admin"))
    assert status == 200 and text.startswith('{"success":true,'), text


def test_a_worker_that_cannot_read_the_configuration_serves_nothing_until_fixed(own_site):
    site, server = own_site
    admin = site.login("admin")
    good = site.wp_config_path.read_text()
    site.wp_config_path.write_text("<?php\n// truncated by an editor\n")
    try:
        reload_and_wait(server)
        response = requests.get(f"{server.url}/healthz", timeout=10)
        assert (response.status_code, response.json()) == (503, {"status": "fail",
                                                                 "error": "configuration_unavailable"})
        assert server.proc.poll() is None, "the master must survive a configuration it cannot read"
        assert "the configuration cannot be read" in server.log(40)
    finally:
        site.wp_config_path.write_text(good)
    reload_and_wait(server)
    status, text = dropdown(site, admin)
    assert status == 200 and text.startswith('{"success":true,'), text
