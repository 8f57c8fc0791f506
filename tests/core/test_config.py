import subprocess
import sys

import pytest

from sidecar.config import SETTINGS, ConfigError, load_config, missing_settings

REPO = __import__("pathlib").Path(__file__).resolve().parents[2]

WP_CONFIG = """<?php
define( 'DB_NAME', 'wpdb' );
define( 'DB_USER', 'wpuser' );
define( 'DB_PASSWORD', 's3cret-pw' );
define( 'DB_HOST', 'db.internal:3307' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'AUTH_KEY', 'k1' ); define( 'SECURE_AUTH_KEY', 'k2' ); define( 'LOGGED_IN_KEY', 'k3' );
define( 'NONCE_KEY', 'k4' ); define( 'AUTH_SALT', 's1' ); define( 'SECURE_AUTH_SALT', 's2' );
define( 'LOGGED_IN_SALT', 's3' ); define( 'NONCE_SALT', 's4' );
$table_prefix = 'wpx_';
"""


@pytest.fixture
def wp_config(tmp_path):
    path = tmp_path / "wp-config.php"
    path.write_text(WP_CONFIG)
    return str(path)


def test_precedence_environment_over_file_over_wp_config(tmp_path, wp_config):
    ini = tmp_path / "sidecar.ini"
    ini.write_text("[wordpress]\ndb_name = from_ini\ndb_user = ini_user\n[postgres]\nhost = pg.ini\n"
                   "[capabilities]\nwecoza_get_learners = list_learners\n")
    config = load_config({"WECOZA_CONFIG": str(ini), "WECOZA_WP_CONFIG": wp_config,
                          "WECOZA_WP_DB_USER": "env_user"})
    assert config.get("wordpress.db_user") == "env_user"
    assert config.values["wordpress.db_user"].source == "environment WECOZA_WP_DB_USER"
    assert config.get("wordpress.db_name") == "from_ini"
    assert config.get("wordpress.db_password") == "s3cret-pw"
    assert (config.get("wordpress.db_host"), config.get("wordpress.db_port")) == ("db.internal", "3307")
    assert config.get("wordpress.table_prefix") == "wpx_"
    assert config.get("postgres.host") == "pg.ini"
    assert config.get("sidecar.bind") == "127.0.0.1:8765"
    assert config.capability_for("wecoza_get_learners", "manage_learners") == "list_learners"


def test_explicit_socket_replaces_the_wp_config_host(wp_config):
    config = load_config({"WECOZA_WP_CONFIG": wp_config, "WECOZA_WP_DB_SOCKET": "/run/mysqld/mysqld.sock"})
    assert config.get("wordpress.db_socket") == "/run/mysqld/mysqld.sock"
    assert config.get("wordpress.db_host") is None


@pytest.mark.parametrize("env, named", [
    ({"WECOZA_BIND": "nonsense"}, "WECOZA_BIND"),
    ({"WECOZA_PG_SSLMODE": "sometimes"}, "WECOZA_PG_SSLMODE"),
    ({"WECOZA_PG_PORT": "five"}, "WECOZA_PG_PORT"),
    ({"WECOZA_WP_DB_SOCKET": "/s", "WECOZA_WP_DB_PORT": "3306"}, "WECOZA_WP_DB_SOCKET"),
    ({"WECOZA_UPLOADS_URL": "http://x/u"}, "WECOZA_UPLOADS_DIR"),
    ({"WECOZA_CONFIG": "/nonexistent/sidecar.ini"}, "WECOZA_CONFIG"),
    ({"WECOZA_WP_CONFIG": "/nonexistent/wp-config.php"}, "WECOZA_WP_CONFIG"),
])
def test_bad_settings_are_named(env, named):
    with pytest.raises(ConfigError, match=named):
        load_config(env)


def test_unknown_ini_key_is_an_error(tmp_path):
    ini = tmp_path / "sidecar.ini"
    ini.write_text("[postgres]\nhostname = x\n")
    with pytest.raises(ConfigError, match=r"\[postgres\] hostname"):
        load_config({"WECOZA_CONFIG": str(ini)})


@pytest.mark.parametrize("line, named", [
    ("wecoza_get_learners =", r"wecoza_get_learners: give a capability name"),
    ("wecoza_get_learners = manage learners", r"wecoza_get_learners: give a capability name"),
    ("wecoza_get_lerners = manage_learners", r"wecoza_get_lerners: no such action"),
])
def test_capability_overrides_that_would_turn_a_check_off_are_errors(tmp_path, line, named):
    ini = tmp_path / "sidecar.ini"
    ini.write_text(f"[capabilities]\n{line}\n")
    with pytest.raises(ConfigError, match=named):
        load_config({"WECOZA_CONFIG": str(ini)})


def test_capability_override_of_a_form_is_accepted(tmp_path):
    ini = tmp_path / "sidecar.ini"
    ini.write_text("[capabilities]\nlearners_create = edit_learners\n")
    assert load_config({"WECOZA_CONFIG": str(ini)}).capability_for("learners_create", "x") == "edit_learners"


def test_missing_settings_name_the_environment_variable():
    problems = "\n".join(missing_settings(load_config({})))
    for name in ("WECOZA_WP_CONFIG", "WECOZA_SHARED_SECRET", "WECOZA_UPLOADS_DIR"):
        assert name in problems


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "sidecar", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **(env or {})}, cwd=REPO, timeout=60)


def test_check_config_explains_what_is_missing_and_masks_secrets(wp_config):
    done = run_cli("check-config", env={"WECOZA_WP_CONFIG": wp_config, "WECOZA_UPLOADS_DIR": "/tmp"})
    assert done.returncode == 1
    assert "WECOZA_SHARED_SECRET (" in done.stdout and "is not set" in done.stdout
    assert "s3cret-pw" not in done.stdout
    assert "WECOZA_WP_DB_PASSWORD" in done.stdout and "********" in done.stdout


@pytest.mark.parametrize("command, code", [(("check-config",), 1), (("serve",), 2)])
def test_an_empty_capability_stops_check_config_and_serve(tmp_path, wp_config, command, code):
    ini = tmp_path / "sidecar.ini"
    ini.write_text("[capabilities]\nwecoza_get_learners =\n")
    done = run_cli(*command, env={"WECOZA_CONFIG": str(ini), "WECOZA_WP_CONFIG": wp_config})
    assert done.returncode == code  # serve's configuration errors exit 2, before anything is served
    assert "wecoza_get_learners" in done.stdout + done.stderr


def test_cli_usage_error_exit_code():
    done = run_cli("serve", "--bind", "nope")
    assert done.returncode == 2
    assert "bind" in done.stderr


def test_example_ini_documents_every_setting():
    text = (REPO / "config" / "sidecar.example.ini").read_text()
    sections = {}
    current = None
    for line in text.splitlines():
        if line.startswith("["):
            current = line.strip("[]")
        elif line.startswith(";") and "=" in line and current:
            sections.setdefault(current, set()).add(line[1:].split("=")[0].strip())
    for setting in SETTINGS:
        assert setting.name in sections.get(setting.section, set()), setting.key
        if setting.env:
            assert setting.env in text
