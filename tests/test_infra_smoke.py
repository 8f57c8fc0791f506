"""Each real service of the test environment answers as the rest of the suite expects."""
import contextlib
import hashlib
import urllib.parse

import pytest
import requests

from devstack.postgres import create_pg_database, drop_pg_database
from devstack.wordpress import PhpError

SIDECAR_TABLES = ("learners", "learner_portfolios", "learner_progression_portfolios", "learner_lp_tracking",
                  "learner_hours_log", "classes", "class_types", "class_type_subjects", "agent_replacements",
                  "qa_visits", "sites", "clients", "locations", "employers", "products")


def query(db, sql, params=None):
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def plugin_active(site, basename):
    return site.php("require_once ABSPATH . 'wp-admin/includes/plugin.php';"
                    " echo is_plugin_active($args[0]) ? 'yes' : 'no';", basename) == "yes"


# ---------------------------------------------------------------- PostgreSQL
def test_postgres_holds_production_schema_and_seed_rows(pg_database):
    tables = {r[0] for r in query(pg_database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert set(SIDECAR_TABLES) <= tables
    # seed rows (other tests add learners and classes to this session's database, never agents 1..15)
    assert query(pg_database, "SELECT count(*) FROM public.agents WHERE agent_id BETWEEN 1 AND 15") == [(15,)]
    assert query(pg_database, "SELECT class_type_code FROM public.class_types ORDER BY 1") == [
        ("AET",), ("BA2",), ("GETC",), ("SOFT",)]
    owners = query(pg_database, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
    assert owners == [(pg_database.user,)]


def test_postgres_sequences_continue_after_seed_rows(pg_database):
    with contextlib.closing(pg_database.connect()) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO public.employers (employer_name) VALUES ('Sequence check') RETURNING employer_id")
        assert cur.fetchone()[0] > 2
        conn.rollback()


def catalog(db, tables):
    """Columns, constraints and triggers of the given tables, as comparable rows."""
    columns = query(db, """
        SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default
          FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY(%s) ORDER BY 1, 2""",
                    (list(tables),))
    constraints = query(db, """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
         WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2""", (list(tables),))
    triggers = query(db, """
        SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger
         WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%s) ORDER BY 1, 2""", (list(tables),))
    return columns, constraints, triggers


def test_project_schema_loads_and_matches_the_tables_the_sidecar_uses(pg_database):
    subset = create_pg_database(pg_database.server, project_schema=True)
    try:
        assert subset.schema_source == "devstack/schema"
        tables = [r[0] for r in query(subset, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        assert set(SIDECAR_TABLES) <= set(tables)
        assert catalog(subset, tables) == catalog(pg_database, tables)
        assert query(subset, "SELECT count(*) FROM public.locations") == query(
            pg_database, "SELECT count(*) FROM public.locations")
    finally:
        drop_pg_database(subset)


# ---------------------------------------------------------------- MariaDB + WordPress
def test_mariadb_holds_the_wordpress_install_and_users(wordpress_site):
    prefix = wordpress_site.table_prefix
    with contextlib.closing(wordpress_site.db.connect()) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT user_login FROM {prefix}users WHERE ID <= 3 ORDER BY ID")  # others may add users
        assert [r[0] for r in cur.fetchall()] == ["admin", "editor1", "subscriber1"]
        cur.execute(f"SELECT option_value FROM {prefix}options WHERE option_name = 'siteurl'")
        assert cur.fetchone()[0] == wordpress_site.url
    # roles as installed; other tests may change editor1's and subscriber1's for a while, never the admin's
    assert wordpress_site.php("echo implode(',', get_user_by('login', 'admin')->roles);") == "administrator"


def test_login_gives_the_logged_in_cookie(wordpress_site, login):
    session = login("editor1")
    cookie_hash = hashlib.md5(wordpress_site.url.encode()).hexdigest()  # COOKIEHASH = md5(siteurl)
    names = {c.name for c in session.cookies}
    assert {f"wordpress_logged_in_{cookie_hash}", f"wordpress_{cookie_hash}"} <= names
    value = urllib.parse.unquote(session.cookies.get(f"wordpress_logged_in_{cookie_hash}", path="/"))
    assert value.split("|")[0] == "editor1" and len(value.split("|")) == 4
    assert session.get(f"{wordpress_site.url}/wp-admin/", allow_redirects=False).status_code == 200


def test_login_with_a_wrong_password_fails(login):
    with pytest.raises(AssertionError, match="login of 'admin' failed"):
        login("admin", "not-the-password")


def test_logout_destroys_the_session(wordpress_site, login, logout):
    session = login("subscriber1")
    old_cookies = logout(session)
    replay = requests.get(f"{wordpress_site.url}/wp-admin/profile.php", cookies=old_cookies, allow_redirects=False)
    assert replay.status_code == 302 and "wp-login.php" in replay.headers["Location"]


@pytest.mark.parametrize("user", [None, "admin"])
def test_admin_ajax_unknown_action_answers_0_with_400(wordpress_site, login, user):
    http = login(user) if user else requests.Session()
    response = http.post(f"{wordpress_site.url}/wp-admin/admin-ajax.php", data={"action": "wecoza_no_such_action"})
    assert (response.status_code, response.text) == (400, "0")


def test_php_runs_inside_the_site_with_arguments(wordpress_site):
    assert wordpress_site.php("echo home_url('/x'), '|', $args[0] . $args[1];", "a", 2) == \
        f"{wordpress_site.url}/x|a2"
    wordpress_site.set_option("wecoza_smoke_option", {"list": [1, "two"], "flag": True})
    assert wordpress_site.get_option("wecoza_smoke_option") == {"list": [1, "two"], "flag": True}
    assert wordpress_site.get_option("wecoza_smoke_absent", "fallback") == "fallback"
    with pytest.raises(PhpError, match="RuntimeException: boom"):
        wordpress_site.php("throw new RuntimeException('boom');")


def test_plugin_install_runs_the_activation_hook(wordpress_site, tmp_path):
    plugin = tmp_path / "wecoza-smoke-plugin"
    plugin.mkdir()
    (plugin / "wecoza-smoke-plugin.php").write_text(
        "<?php\n/*\nPlugin Name: WeCoza smoke plugin\n*/\n"
        "register_activation_hook(__FILE__, function () {"
        " update_option('wecoza_smoke_activated_by', wp_get_current_user()->user_login); });\n")
    basename = wordpress_site.install_plugin(plugin)
    try:
        assert basename == "wecoza-smoke-plugin/wecoza-smoke-plugin.php"
        assert wordpress_site.get_option("wecoza_smoke_activated_by") == "admin"
        assert plugin_active(wordpress_site, basename)
    finally:
        wordpress_site.php("require_once ABSPATH . 'wp-admin/includes/plugin.php'; deactivate_plugins($args[0]);",
                           basename)
        (wordpress_site.path / "wp-content" / "plugins" / plugin.name).unlink()


def test_wordpress_writes_its_debug_log(wordpress_site):
    wordpress_site.php("error_log('wecoza smoke log line');")
    assert "wecoza smoke log line" in wordpress_site.debug_log()


# ---------------------------------------------------------------- the sidecar process (the lead's CLI)
def test_sidecar_serves_and_reaches_both_databases(sidecar_process):
    assert requests.get(f"{sidecar_process.url}/healthz", timeout=10).json()["status"] == "ok"
    ready = requests.get(f"{sidecar_process.url}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert {name for name, check in ready.json()["checks"].items() if check["ok"]} == {"mysql", "postgres"}


def test_sidecar_restarts(sidecar_process):
    with sidecar_process.stopped():
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{sidecar_process.url}/healthz", timeout=5)
    assert requests.get(f"{sidecar_process.url}/healthz", timeout=10).status_code == 200


def test_shim_is_active_and_points_at_the_sidecar(sidecar_server, wordpress_site):
    assert plugin_active(wordpress_site, "wecoza-sidecar-shim/wecoza-sidecar-shim.php")
    assert wordpress_site.get_option("wecoza_sidecar_url") == sidecar_server.url
    assert wordpress_site.get_option("wecoza_sidecar_secret") == sidecar_server.secret
