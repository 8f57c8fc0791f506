"""What the operator commands say when settings are missing: they name the missing settings, and an unset
PostgreSQL setting says which WordPress option stands in for it (issue 16, small things)."""
import json
import subprocess
import sys

from devstack.system import REPO_ROOT


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "sidecar", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **(env or {})}, cwd=REPO_ROOT, timeout=60)


def settings(report):
    return {row["setting"].split(" ", 1)[0]: row for row in report["settings"]}


def test_explain_auth_without_configuration_names_what_is_missing():
    run = run_cli("explain-auth", "--cookie-header", "wordpress_logged_in_x=y")
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.startswith("configuration error: WECOZA_WP_CONFIG ([wordpress] config) is not set")
    assert "WECOZA_WP_DB_NAME" in run.stderr and "db_error" not in run.stdout + run.stderr


def test_unset_postgres_settings_say_the_wordpress_options_were_not_read():
    run = run_cli("check-config", "--json")
    assert run.returncode == 1
    rows = settings(json.loads(run.stdout))
    assert rows["WECOZA_PG_HOST"]["source"] == ("unset; from the WordPress option wecoza_postgres_host, not read: "
                                                "the WordPress settings above are missing")
    assert rows["WECOZA_PG_SSLMODE"]["source"] == "default"


def test_unset_postgres_settings_with_empty_wordpress_options_are_all_named(sidecar_process, wordpress_site):
    names = ("host", "port", "dbname", "user", "password")
    kept = {f"wecoza_postgres_{n}": wordpress_site.get_option(f"wecoza_postgres_{n}", "") for n in names}
    env = {k: v for k, v in sidecar_process.env.items() if k.startswith("WECOZA_") and not k.startswith("WECOZA_PG_")}
    wordpress_site.set_options({name: "" for name in kept})
    try:
        run = run_cli("check-config", "--json", env=env)
    finally:
        wordpress_site.set_options(kept)
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)
    rows = settings(report)
    assert rows["WECOZA_PG_DBNAME"]["source"] == "unset, and the WordPress option wecoza_postgres_dbname is empty"
    assert rows["WECOZA_PG_PORT"]["source"] == ("unset, and the WordPress option wecoza_postgres_port is empty; "
                                                "5432 is used")
    [problem] = report["problems"]
    for name in ("host", "dbname", "user"):
        assert f"WECOZA_PG_{name.upper()} ([postgres] {name}) is not set, and the WordPress option " \
               f"wecoza_postgres_{name} is empty" in problem
