"""The class-change trigger surfaced to operators: with the production `public.log_class_change()` (8000-byte NOTIFY
limit) `check-config` warns (exit 0: a warning is not a missing setting), `/readyz` lists a warning code and stays
ready, the shim's Site Health recommends the fix; `fix-class-trigger` shows the change, asks, refuses without the
function owner's privilege, and with `--yes` applies it, after which all three stop warning.

The sidecar here runs on a database of its own (the production dump): the session database keeps the unfixed trigger
that other tests rely on."""
import contextlib
import json
import secrets
import subprocess
import sys

import pytest
import requests

from tests.ops.test_site_health import shim_test
from devstack.postgres import create_pg_database, drop_pg_database
from devstack.sidecar_server import SidecarServer
from devstack.system import REPO_ROOT

FIX_MARKER = "wecoza-sidecar notify_trigger_fix"
TRIGGER_LABEL = "Big WeCoza classes cannot be saved until the class-change trigger is fixed"


@pytest.fixture(scope="module")
def own_sidecar(sidecar_server, wordpress_site, pg_server, tmp_path_factory):
    """(SidecarServer, PgDatabase): a one-worker sidecar on a throwaway production-schema database."""
    pg = create_pg_database(pg_server)
    server = SidecarServer(tmp_path_factory.mktemp("trigger-sidecar"), wordpress_site, pg, workers=1)
    try:
        server.migrate()
        yield server.start(), pg
    finally:
        server.stop()
        drop_pg_database(pg)


@pytest.fixture(scope="module")
def weak_role(own_sidecar):
    """A login role that may read the database but does not own log_class_change(): (user, password)."""
    _, pg = own_sidecar
    role, password = f"{pg.dbname}_reader", secrets.token_hex(12)
    pg.server.psql("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \\gexec\n"
               "SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'role') \\gexec\n",
               role=role, pw=password, db=pg.dbname)
    yield role, password
    pg.server.psql('\\connect :"db"\nDROP OWNED BY :"role";\n\\connect postgres\n'
               "SELECT format('REVOKE ALL ON DATABASE %I FROM %I', :'db', :'role') \\gexec\n"
               "SELECT format('DROP ROLE IF EXISTS %I', :'role') \\gexec\n", role=role, db=pg.dbname)


def cli(server, *args, stdin="", **env):
    return subprocess.run([sys.executable, "-m", "sidecar", *args], env={**server.env, **env}, cwd=REPO_ROOT,
                          input=stdin, capture_output=True, text=True, timeout=120)


def definition(pg):
    with contextlib.closing(pg.connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_get_functiondef('public.log_class_change()'::regprocedure)")
        return cur.fetchone()[0]


@contextlib.contextmanager
def shim_pointed_at(site, server, usual):
    """The shim talks to `server` inside the block, to the session's sidecar (`usual`) again after it."""
    site.set_options({"wecoza_sidecar_url": server.url, "wecoza_sidecar_secret": server.secret})
    try:
        yield
    finally:
        site.set_options({"wecoza_sidecar_url": usual.url, "wecoza_sidecar_secret": usual.secret})


def check_config(server):
    run = cli(server, "check-config", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["problems"] == []
    return report["warnings"]


def test_the_unfixed_trigger_is_a_warning_in_check_config_readyz_and_site_health(own_sidecar, wordpress_site,
                                                                                 sidecar_server):
    server, pg = own_sidecar
    assert FIX_MARKER not in definition(pg)

    [warning] = check_config(server)
    assert "public.log_class_change()" in warning and "8000 bytes" in warning
    assert "about 16 short notes and about 75 learners" in warning and "wecoza-sidecar fix-class-trigger" in warning
    text = cli(server, "check-config")
    assert text.returncode == 0
    assert "Configuration is complete.\n\nWarnings:\n  - public.log_class_change()" in text.stdout

    ready = requests.get(f"{server.url}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert ready.json()["warnings"] == ["class_change_notify_limit"]
    assert pg.dbname not in ready.text and pg.user not in ready.text and "log_class_change" not in ready.text

    with shim_pointed_at(wordpress_site, server, sidecar_server):
        health = shim_test(wordpress_site)
    assert health["status"] == "recommended" and health["badge"]["color"] == "orange", health
    assert health["label"] == TRIGGER_LABEL
    assert "about 16 short notes and about 75 learners" in health["description"]
    assert "wecoza-sidecar fix-class-trigger" in health["description"]
    assert pg.dbname not in health["description"] and pg.user not in health["description"]


def test_fix_class_trigger_refuses_a_role_that_cannot_replace_the_function(own_sidecar, weak_role):
    server, pg = own_sidecar
    before = definition(pg)
    role, password = weak_role
    # first without USAGE on schema public (the production dump revokes it from PUBLIC), then with it, as a
    # sidecar role that may read and write the tables has it, still not owning the function
    for grant in ("", 'GRANT USAGE ON SCHEMA public TO :"role";'):
        if grant:
            pg.server.psql(f'\\connect :"db"\n{grant}\n', db=pg.dbname, role=role)
        run = cli(server, "fix-class-trigger", "--yes", WECOZA_PG_USER=role, WECOZA_PG_PASSWORD=password)
        assert run.returncode == 1, run.stdout + run.stderr
        assert f"refused: the PostgreSQL role {role} may not replace public.log_class_change()" in run.stderr
        assert "(PostgreSQL: permission denied for schema public)" in run.stderr
        assert f"Run this command as its owner, {pg.user}" in run.stderr and "Nothing was changed." in run.stderr
        assert "Traceback" not in run.stderr
        assert definition(pg) == before


def test_fix_class_trigger_shows_the_change_asks_and_does_nothing_on_no(own_sidecar):
    server, pg = own_sidecar
    before = definition(pg)
    run = cli(server, "fix-class-trigger", stdin="no\n")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "about 16 short notes and about 75 learners" in run.stdout
    assert f"+-- {FIX_MARKER}" in run.stdout and "-    PERFORM pg_notify(\n" in run.stdout
    assert f"Replace public.log_class_change() in database {pg.dbname} as role {pg.user}? [y/N] " in run.stdout
    assert run.stdout.rstrip().endswith("Nothing was changed.")
    assert definition(pg) == before
    assert check_config(server) != []


def test_fix_class_trigger_yes_applies_the_fix_and_every_warning_stops(own_sidecar, wordpress_site, sidecar_server):
    server, pg = own_sidecar
    run = cli(server, "fix-class-trigger", "--yes")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Applied: public.log_class_change()" in run.stdout and "[y/N]" not in run.stdout
    assert FIX_MARKER in definition(pg)

    assert check_config(server) == []
    assert "Warnings:" not in cli(server, "check-config").stdout
    ready = requests.get(f"{server.url}/readyz", timeout=10).json()
    assert ready["status"] == "ok" and ready["warnings"] == []
    with shim_pointed_at(wordpress_site, server, sidecar_server):
        assert shim_test(wordpress_site)["status"] == "good"

    again = cli(server, "fix-class-trigger")
    assert again.returncode == 0 and "already has the fix" in again.stdout
