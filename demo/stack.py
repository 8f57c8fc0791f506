"""The demo stack: WordPress (Debian's package, served by ``php -S``) with the shim and the demo page, the sidecar,
a MariaDB database for WordPress and a PostgreSQL database with the production schema and invented learners.

    python -m demo.stack up [--port 8080] [--sidecar-port N] [--root .demo] [--name SUFFIX] [--legacy-plugin DIR]
                            [--json]
    python -m demo.stack status [--root .demo] [--json]
    python -m demo.stack env [--root .demo]
    python -m demo.stack down [--purge] [--root .demo] [--name SUFFIX]

Everything listens on 127.0.0.1 and lives in the root folder (default ``.demo/``, git-ignored): ``state.json``
(ports, process ids, database names and credentials; mode 0600), ``site/`` (the WordPress copy), ``logs/``.
``up`` is idempotent: with the stack running it prints the same information again; processes that died are
started again on the same ports, with the data untouched. Processes run detached in their own sessions, so
``down`` stops each process group as a whole. ``down --purge`` also drops both databases and removes the folder.
``--legacy-plugin DIR`` copies a copy of the legacy plugin into the site, activates it beside the shim and creates its
pages (devstack/legacy_plugin.py). ``env`` prints the sidecar's settings as ``export WECOZA_...`` lines for a shell.
The class-change trigger (``public.log_class_change()``) runs with the operator's fix
(``sidecar/classes/notify_trigger_fix.sql``) applied.

PostgreSQL and MariaDB must answer on 127.0.0.1 (``scripts/install-system-deps.sh`` starts them; ``scripts/demo.sh``
runs it first). Database administration is done as for the bench (``devstack/servers.py``, the machine's
servers): ``psql`` as the ``postgres`` OS user when root, ``mariadb -uroot`` over the local socket.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from demo import data as demo_data
from devstack import legacy_plugin
from devstack.mariadb import MysqlDatabase, create_mysql_database, drop_mysql_database
from devstack.ports import LOOPBACK, free_port, port_open, wait_for_http
from devstack.postgres import PgDatabase, create_pg_database, drop_pg_database
from devstack.processes import group_members, proc_stat, spawn
from devstack.servers import machine_mariadb, machine_postgres
from devstack.system import REPO_ROOT
from devstack.wordpress import (DEBIAN_VERSION, SALT_NAMES, PhpError, copy_wordpress, install_wordpress,
                                php_server_command, run_php, wp_config_text)

PG_SERVER, MYSQL_SERVER = machine_postgres(), machine_mariadb()
PG_HOST, PG_PORT = PG_SERVER.host, PG_SERVER.port
MYSQL_HOST, MYSQL_PORT = MYSQL_SERVER.host, MYSQL_SERVER.port

SHIM_DIR = REPO_ROOT / "wp-plugin-shim"
DEMO_PLUGIN_DIR = Path(__file__).resolve().parent / "wecoza-demo"
TRIGGER_FIX = REPO_ROOT / "sidecar" / "classes" / "notify_trigger_fix.sql"
DEFAULT_ROOT = REPO_ROOT / ".demo"
DEFAULT_PORT = 8080
ROOT_MARKER = ".wecoza-demo-root"     # down --purge removes only a folder that carries it
ADMIN_LOGIN = "demo-admin"
STATE_VERSION = 1
NAME_RE = re.compile(r"^[a-z0-9_]{0,20}$")


class DemoError(Exception):
    """Something the person running the demo has to act on; the message says what."""


# --------------------------------------------------------------------------------------------------- state
def database_names(name: str) -> dict:
    suffix = f"_{name}" if name else ""
    return {"pg_db": f"wecoza_demo{suffix}", "pg_owner": f"wecoza_demo{suffix}_owner",
            "mysql_db": f"wecoza_demo_wp{suffix}", "mysql_user": f"wecoza_demo_wp{suffix}"}


def state_path(root: Path) -> Path:
    return root / "state.json"


def load_state(root: Path) -> dict | None:
    try:
        return json.loads(state_path(root).read_text())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise DemoError(f"{state_path(root)} is not valid JSON ({exc}); remove the folder or run "
                        "`down --purge`") from None


def save_state(state: dict) -> None:
    path = state_path(Path(state["root"]))
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds passwords
    with os.fdopen(fd, "w") as handle:
        json.dump(state, handle, indent=2)
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------------- processes
def record_process(service: dict, pid: int) -> None:
    stat = proc_stat(pid)
    service["pid"], service["started"] = pid, stat[2] if stat else None


def service_alive(service: dict) -> bool:
    """The recorded process still runs, leads its own group and is the one we started (same start time, so a
    recycled pid is never taken for it)."""
    pid = service.get("pid")
    if not pid:
        return False
    stat = proc_stat(pid)
    return bool(stat and stat[0] != "Z" and stat[1] == pid and stat[2] == service.get("started"))


def stop_service(service: dict, timeout: float = 25.0) -> bool:
    """SIGTERM the service's process group, SIGKILL what is left after timeout. True when something was stopped."""
    pid = service.get("pid")
    if not pid or not service_alive(service):
        service["pid"] = service["started"] = None
        return False
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while group_members(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not group_members(pid):
            break
    service["pid"] = service["started"] = None
    return True


# --------------------------------------------------------------------------------------------------- WordPress
def wp_php(site_path: Path, url: str, code: str, *args, timeout: int = 120) -> str:
    """Run PHP code inside the loaded site (devstack/wordpress.py run_php); return what it prints."""
    try:
        return run_php(site_path, url, code, *args, timeout=timeout)
    except PhpError as exc:
        raise DemoError(f"PHP inside the demo WordPress failed: {exc}") from None


def demo_wp_config(state: dict) -> str:
    wp, my = state["wordpress"], state["mysql"]
    defines = {
        "DB_NAME": my["dbname"], "DB_USER": my["user"], "DB_PASSWORD": my["password"],
        "DB_HOST": f"{my['host']}:{my['port']}", "DB_CHARSET": "utf8mb4", "DB_COLLATE": "",
        **state["salts"],
        "WP_HOME": wp["url"], "WP_SITEURL": wp["url"],
        "DISABLE_WP_CRON": True, "WP_HTTP_BLOCK_EXTERNAL": True, "AUTOMATIC_UPDATER_DISABLED": True,
        "WP_DEBUG": True, "WP_DEBUG_LOG": str(Path(state["root"]) / "logs" / "wp-debug.log"),
        "WP_DEBUG_DISPLAY": False,
        # The shim routes what this sidecar serves: its route list is generated from the sidecar's registry at
        # every start (`wecoza-sidecar actions --format json`), as an operator generates routes.json.
        "WECOZA_SIDECAR_ROUTES_FILE": str(routes_path(state)),
    }
    return wp_config_text(defines, "The WeCoza demo site, written by demo/stack.py; removed by "
                                   "`demo.sh down --purge`.")


ACTIVATE_PLUGINS = """
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_set_current_user(get_user_by('login', $args[0])->ID);
foreach (array_slice($args, 1) as $plugin) {
    $result = activate_plugin($plugin);
    if (is_wp_error($result)) { fwrite(STDERR, "$plugin: " . $result->get_error_message() . "\\n"); exit(1); }
}
"""


def build_site(state: dict) -> None:
    site = Path(state["wordpress"]["path"])
    url = state["wordpress"]["url"]
    site.mkdir(parents=True)
    copy_wordpress(DEBIAN_VERSION, site)
    (site / "wp-content" / "uploads").mkdir(exist_ok=True)
    (site / "wp-config.php").write_text(demo_wp_config(state))
    admin = state["admin"]
    users = [{"login": admin["login"], "password": admin["password"], "role": "administrator",
              "email": "demo-admin@example.org"}]
    try:
        install_wordpress(site, url, users)
    except PhpError as exc:
        raise DemoError(f"installing WordPress failed: {exc}") from None
    plugins = site / "wp-content" / "plugins"
    (plugins / "wecoza-sidecar-shim").symlink_to(SHIM_DIR, target_is_directory=True)
    (plugins / "wecoza-demo").symlink_to(DEMO_PLUGIN_DIR, target_is_directory=True)


def configure_site(state: dict, classes: list, lookups: dict) -> None:
    """Options of the shim and the demo page, then activate both (the shim grants manage_learners on activation)."""
    wp, pg = state["wordpress"], state["postgres"]
    options = {
        "blogname": "WeCoza demo",
        "blogdescription": "Invented learners and classes, served by the WeCoza sidecar",
        "wecoza_sidecar_url": state["sidecar"]["url"], "wecoza_sidecar_secret": state["secret"],
        "wecoza_postgres_host": pg["host"], "wecoza_postgres_port": str(pg["port"]),
        "wecoza_postgres_dbname": pg["dbname"], "wecoza_postgres_user": pg["user"],
        "wecoza_postgres_password": pg["password"],
        # Class ids, codes and subjects for the demo pages' class pickers; clients, sites and agents for the class
        # form (the legacy form renders them from PostgreSQL; no personal data of learners).
        "wecoza_demo_classes": classes,
        "wecoza_demo_lookups": lookups,
    }
    wp_php(Path(wp["path"]), wp["url"],
           "foreach (json_decode($args[0], true) as $k => $v) { update_option($k, $v); }", json.dumps(options))
    wp_php(Path(wp["path"]), wp["url"], ACTIVATE_PLUGINS, state["admin"]["login"],
           "wecoza-sidecar-shim/wecoza-sidecar-shim.php", "wecoza-demo/wecoza-demo.php")


class DemoWordPress:
    """The demo site as devstack/legacy_plugin.py wants it (path, php, options, plugins)."""

    def __init__(self, state: dict):
        self.state = state
        self.path = Path(state["wordpress"]["path"])

    def php(self, code: str, *args) -> str:
        return wp_php(self.path, self.state["wordpress"]["url"], code, *args)

    def get_option(self, name: str, default=None):
        value = json.loads(self.php("echo json_encode(get_option($args[0], null));", name))
        return default if value is None else value

    def set_options(self, options: dict) -> None:
        self.php("foreach (json_decode($args[0], true) as $k => $v) { update_option($k, $v); }", json.dumps(options))

    def install_plugin(self, folder: Path, slug: str, main_file: str) -> str:
        """A copy of the folder (the original may go away), activated as the demo administrator."""
        target = self.path / "wp-content" / "plugins" / slug
        copy = subprocess.run(["rsync", "-rtL", "--delete", "--exclude=.git/", f"{folder}/", f"{target}/"],
                              capture_output=True, text=True, timeout=600)
        if copy.returncode != 0:
            raise DemoError(f"copying {folder} failed (rsync exit {copy.returncode}): {copy.stderr}")
        basename = f"{slug}/{main_file}"
        self.php(ACTIVATE_PLUGINS, self.state["admin"]["login"], basename)
        return basename


def install_legacy(state: dict, plugin_dir: str) -> None:
    try:
        folder = legacy_plugin.check_plugin_dir(plugin_dir, named_by="--legacy-plugin ")
    except ValueError as exc:
        raise DemoError(str(exc)) from None
    installed = legacy_plugin.install_legacy_plugin(DemoWordPress(state), folder)
    state["legacy_plugin"] = {"source": str(folder), "basename": installed.basename, "pages": installed.pages}
    save_state(state)


def start_wordpress(state: dict) -> None:
    wp = state["wordpress"]
    logs = Path(state["root"]) / "logs"
    env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
    proc = spawn(php_server_command(LOOPBACK, wp["port"], wp["path"]), logs / "php-server.log", env=env, cwd=wp["path"])
    record_process(wp, proc.pid)
    save_state(state)
    wait_for_http(f"{wp['url']}/wp-login.php", "php -S serving the demo WordPress", timeout=60, proc=proc,
                  log_path=logs / "php-server.log")


# --------------------------------------------------------------------------------------------------- sidecar
def sidecar_settings(state: dict) -> dict:
    """The WECOZA_* settings of the demo's sidecar (what `env` prints)."""
    pg, wp = state["postgres"], state["wordpress"]
    return {
        "WECOZA_WP_CONFIG": str(Path(wp["path"]) / "wp-config.php"),
        "WECOZA_PG_HOST": pg["host"], "WECOZA_PG_PORT": str(pg["port"]), "WECOZA_PG_DBNAME": pg["dbname"],
        "WECOZA_PG_USER": pg["user"], "WECOZA_PG_PASSWORD": pg["password"],
        "WECOZA_SHARED_SECRET": state["secret"],
        "WECOZA_UPLOADS_DIR": str(Path(wp["path"]) / "wp-content" / "uploads"),
        "WECOZA_UPLOADS_URL": f"{wp['url']}/wp-content/uploads",
        "WECOZA_BIND": f"{LOOPBACK}:{state['sidecar']['port']}",
        "WECOZA_LOG_LEVEL": "info",
    }


def sidecar_env(state: dict) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith("WECOZA_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    return {**base, **sidecar_settings(state),
            "PROMETHEUS_MULTIPROC_DIR": str(Path(state["root"]) / "run" / "metrics")}


def sidecar_cli(state: dict, *args, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([state["python"], "-m", "sidecar", *args], env=sidecar_env(state), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout)


def routes_path(state: dict) -> Path:
    return Path(state["root"]) / "run" / "routes.json"


def write_routes(state: dict) -> None:
    run = sidecar_cli(state, "actions", "--format", "json")
    if run.returncode != 0:
        raise DemoError(f"`python -m sidecar actions --format json` failed (exit {run.returncode}):\n{run.stderr}")
    json.loads(run.stdout)  # a broken list would make the shim route nothing
    path = routes_path(state)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(run.stdout)


def migrate_sidecar(state: dict) -> None:
    run = sidecar_cli(state, "migrate")
    if run.returncode != 0:
        raise DemoError(f"`python -m sidecar migrate` failed (exit {run.returncode}):\n{run.stdout}{run.stderr}")


def start_sidecar(state: dict) -> None:
    side = state["sidecar"]
    root = Path(state["root"])
    metrics = root / "run" / "metrics"
    shutil.rmtree(metrics, ignore_errors=True)  # files of dead workers would count again
    metrics.mkdir(parents=True)
    write_routes(state)
    migrate_sidecar(state)
    cmd = [state["python"], "-m", "sidecar", "serve", "--dispatch", "--bind", f"{LOOPBACK}:{side['port']}",
           "--workers", "2"]
    proc = spawn(cmd, root / "logs" / "sidecar.log", env=sidecar_env(state), cwd=REPO_ROOT)
    record_process(side, proc.pid)
    save_state(state)
    wait_for_http(f"{side['url']}/healthz", "the demo sidecar (python -m sidecar serve)", timeout=60, proc=proc,
                  log_path=root / "logs" / "sidecar.log", status=200)


# --------------------------------------------------------------------------------------------------- databases
def create_mysql(state: dict) -> None:
    my = state["mysql"]
    create_mysql_database(MYSQL_SERVER, name=my["dbname"], user=my["user"], password=my["password"])


def drop_mysql(dbname: str, user: str) -> None:
    drop_mysql_database(MysqlDatabase(MYSQL_HOST, MYSQL_PORT, dbname, user, "", server=MYSQL_SERVER))


def pg_connect(state: dict):
    return PgDatabase(**state["postgres"]).connect()


def create_postgres(state: dict) -> str:
    """The production dump + seed (../shared/reference), or devstack/schema without ../shared. Returns the source."""
    pg = state["postgres"]
    return create_pg_database(PG_SERVER, name=pg["dbname"], owner=pg["user"], password=pg["password"]).schema_source


def apply_class_trigger_fix(state: dict) -> str:
    """The operator's fix of public.log_class_change() (8000-byte NOTIFY limit), as the database owner."""
    conn = pg_connect(state)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT to_regprocedure('public.log_class_change()') IS NOT NULL")
            if not cur.fetchone()[0]:
                return "absent"
            cur.execute(TRIGGER_FIX.read_text(encoding="utf-8"))
    finally:
        conn.close()
    return "fixed"


def class_form_lookups(state: dict) -> dict:
    """Clients, sites and agents (ids and names) for the demo's class form."""
    conn = pg_connect(state)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT client_id, client_name FROM public.clients ORDER BY client_name, client_id")
            clients = [{"id": r[0], "name": r[1]} for r in cur.fetchall()]
            cur.execute("SELECT site_id, client_id, site_name FROM public.sites ORDER BY site_name, site_id")
            sites = [{"id": r[0], "client_id": r[1], "name": r[2]} for r in cur.fetchall()]
            cur.execute("SELECT agent_id, concat_ws(' ', first_name, surname) FROM public.agents "
                        "ORDER BY agent_id LIMIT 200")
            agents = [{"id": r[0], "name": r[1]} for r in cur.fetchall()]
    finally:
        conn.close()
    return {"clients": clients, "sites": sites, "agents": agents}


def drop_postgres(dbname: str, owner: str) -> None:
    drop_pg_database(PgDatabase(PG_HOST, PG_PORT, dbname, owner, "", server=PG_SERVER))


def require_database_servers() -> None:
    missing = [what for what, port in (("PostgreSQL", PG_PORT), ("MariaDB", MYSQL_PORT))
               if not port_open(LOOPBACK, port)]
    if missing:
        raise DemoError(f"{' and '.join(missing)} do not answer on {LOOPBACK}: run scripts/install-system-deps.sh "
                        "(./scripts/demo.sh up does it for you)")


# --------------------------------------------------------------------------------------------------- commands
def new_state(root: Path, name: str, port: int, sidecar_port: int) -> dict:
    names = database_names(name)
    url = f"http://{LOOPBACK}:{port}"
    return {
        "version": STATE_VERSION,
        "complete": False,
        "name": name,
        "root": str(root),
        "python": sys.executable,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "admin": {"login": ADMIN_LOGIN, "password": secrets.token_urlsafe(12)},
        "secret": secrets.token_hex(32),
        "salts": {n: secrets.token_urlsafe(48) for n in SALT_NAMES},
        "wordpress": {"url": url, "port": port, "path": str(root / "site"), "pid": None, "started": None},
        "sidecar": {"url": f"http://{LOOPBACK}:{sidecar_port}", "port": sidecar_port, "pid": None,
                    "started": None},
        "mysql": {"host": MYSQL_HOST, "port": MYSQL_PORT, "dbname": names["mysql_db"], "user": names["mysql_user"],
                  "password": secrets.token_hex(16)},
        "postgres": {"host": PG_HOST, "port": PG_PORT, "dbname": names["pg_db"], "user": names["pg_owner"],
                     "password": secrets.token_hex(16)},
        "data": {},
    }


def create(root: Path, name: str, port: int, sidecar_port: int | None, legacy_dir: str | None) -> dict:
    names = database_names(name)
    leftovers = [n for n, exists in ((names["pg_db"], PG_SERVER.database_exists(names["pg_db"])),
                                     (names["mysql_db"], MYSQL_SERVER.database_exists(names["mysql_db"]))) if exists]
    if leftovers:
        flag = f" --name {name}" if name else ""
        raise DemoError(f"database(s) {', '.join(leftovers)} exist but {state_path(root)} does not: they are left "
                        f"from an earlier demo. Remove them with `./scripts/demo.sh down --purge{flag}`.")
    if port_open(LOOPBACK, port):
        raise DemoError(f"port {port} on {LOOPBACK} is taken: choose another with --port")
    sidecar_port = sidecar_port or free_port()
    if sidecar_port == port or port_open(LOOPBACK, sidecar_port):
        raise DemoError(f"port {sidecar_port} on {LOOPBACK} is taken: choose another with --sidecar-port")

    if root.exists() and any(root.iterdir()) and not (root / ROOT_MARKER).exists():
        raise DemoError(f"{display_path(root)} is not empty and was not made by the demo: choose another --root "
                        "(down --purge removes the demo's folder)")
    root.mkdir(parents=True, exist_ok=True)
    (root / ROOT_MARKER).write_text("made by demo/stack.py; `down --purge` removes this folder\n")
    (root / "logs").mkdir(exist_ok=True)
    state = new_state(root, name, port, sidecar_port)
    save_state(state)  # incomplete: a later `up` or `down --purge` cleans up after a crash
    step = lambda text: print(f"demo: {text}", file=sys.stderr, flush=True)  # noqa: E731
    step(f"creating the MariaDB database {state['mysql']['dbname']}")
    create_mysql(state)
    step(f"creating the PostgreSQL database {state['postgres']['dbname']} (schema and seed)")
    state["data"]["schema_source"] = create_postgres(state)
    step("applying the class-change trigger fix (sidecar/classes/notify_trigger_fix.sql)")
    state["data"]["class_trigger"] = apply_class_trigger_fix(state)
    step("copying and installing WordPress")
    write_routes(state)
    build_site(state)
    step("adding invented learners and classes")
    conn = pg_connect(state)
    try:
        loaded = demo_data.load(conn, Path(state["wordpress"]["path"]) / "wp-content" / "uploads")
    finally:
        conn.close()
    state["data"].update(loaded)
    step("activating the shim and the demo pages")
    configure_site(state, loaded["classes"], class_form_lookups(state))
    step("creating the sidecar's schema (migrate)")
    migrate_sidecar(state)
    if legacy_dir:
        step(f"installing the legacy plugin from {legacy_dir} and creating its pages")
        install_legacy(state, legacy_dir)
    state["complete"] = True
    save_state(state)
    return state


def purge(state: dict | None, root: Path, name: str) -> list[str]:
    """Stop what runs, drop both databases and their users, remove the folder. Returns what was done."""
    done = []
    if state:
        for key in ("sidecar", "wordpress"):
            if stop_service(state[key]):
                done.append(f"stopped {key}")
        names = {"pg_db": state["postgres"]["dbname"], "pg_owner": state["postgres"]["user"],
                 "mysql_db": state["mysql"]["dbname"], "mysql_user": state["mysql"]["user"]}
    else:
        names = database_names(name)
    drop_postgres(names["pg_db"], names["pg_owner"])
    drop_mysql(names["mysql_db"], names["mysql_user"])
    done.append(f"dropped databases {names['pg_db']} (PostgreSQL) and {names['mysql_db']} (MariaDB)")
    if (root / ROOT_MARKER).exists():
        shutil.rmtree(root)
        done.append(f"removed {display_path(root)}")
    elif root.exists():
        done.append(f"left {display_path(root)} alone: it was not made by the demo")
    return done


def ensure_running(state: dict) -> list[str]:
    started = []
    if not service_alive(state["wordpress"]):
        if port_open(LOOPBACK, state["wordpress"]["port"]):
            raise DemoError(f"port {state['wordpress']['port']} is taken by another program; stop it, or remove "
                            "the demo with `./scripts/demo.sh down --purge` and choose another --port")
        start_wordpress(state)
        started.append("wordpress")
    if not service_alive(state["sidecar"]):
        if port_open(LOOPBACK, state["sidecar"]["port"]):
            raise DemoError(f"port {state['sidecar']['port']} (the demo sidecar's) is taken by another program")
        start_sidecar(state)
        started.append("sidecar")
    save_state(state)
    return started


def display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(path) + "/"


def readiness(state: dict) -> dict:
    import requests
    try:
        response = requests.get(f"{state['sidecar']['url']}/readyz", timeout=5)
        return response.json() | {"http_status": response.status_code}
    except (requests.RequestException, ValueError) as exc:
        return {"status": "unreachable", "error": type(exc).__name__}


def live_counts(state: dict) -> dict:
    """Learners and classes now (the demo pages create and delete them); {} when PostgreSQL does not answer."""
    try:
        conn = pg_connect(state)
    except Exception:  # noqa: BLE001 - the summary then shows what bring-up loaded
        return {}
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT (SELECT count(*) FROM public.learners), (SELECT count(*) FROM public.classes)")
            learners, classes = cur.fetchone()
    finally:
        conn.close()
    return {"learners": learners, "classes": classes}


TRIGGER_NOTES = {
    "fixed": "log_class_change() runs with sidecar/classes/notify_trigger_fix.sql applied (no 8000-byte limit on "
             "notes and learners per class)",
    "absent": "this schema has no log_class_change() trigger function (nothing to fix)",
}


def summary(state: dict) -> dict:
    wp, side = state["wordpress"], state["sidecar"]
    legacy = state.get("legacy_plugin")
    return {
        "wordpress_url": wp["url"],
        "demo_page_url": f"{wp['url']}/wp-admin/admin.php?page=wecoza-demo",
        "learner_writes_url": f"{wp['url']}/wp-admin/admin.php?page=wecoza-demo-learners",
        "class_writes_url": f"{wp['url']}/wp-admin/admin.php?page=wecoza-demo-classes",
        "legacy_pages": legacy["pages"] if legacy else None,
        "class_trigger": state["data"].get("class_trigger"),
        "counts": live_counts(state),
        "admin_login": state["admin"]["login"],
        "admin_password": state["admin"]["password"],
        "sidecar_url": side["url"],
        "wordpress": {"port": wp["port"], "pid": wp["pid"], "running": service_alive(wp), "path": wp["path"]},
        "sidecar": {"port": side["port"], "pid": side["pid"], "running": service_alive(side)},
        "postgres": {k: state["postgres"][k] for k in ("host", "port", "dbname", "user")},
        "mysql": {k: state["mysql"][k] for k in ("host", "port", "dbname", "user")},
        "data": state["data"],
        "root": state["root"],
        "logs": str(Path(state["root"]) / "logs"),
    }


def stop_hint(state: dict) -> str:
    """The options that find this demo again (its --name is in state.json)."""
    root = Path(state["root"])
    return "" if root.resolve() == DEFAULT_ROOT.resolve() else f"--root {display_path(root).rstrip('/')}"


def print_info(state: dict, headline: str, started: list[str], as_json: bool) -> None:
    info = summary(state)
    if as_json:
        print(json.dumps(info | {"started": started}, indent=2))
        return
    data = state["data"]
    hint = stop_hint(state)
    hint = f" {hint}" if hint else ""
    counts = info["counts"]
    legacy = "".join(f"\n  legacy page  {url}" for url in (info["legacy_pages"] or {}).values())
    print(f"""
{headline}

  WordPress    {info['wordpress_url']}/wp-admin/
  demo pages   {info['demo_page_url']}   (browse)
               {info['learner_writes_url']}   (learner writes)
               {info['class_writes_url']}   (class writes){legacy}
  log in as    {info['admin_login']}   password: {info['admin_password']}
  sidecar      {info['sidecar_url']}   (/healthz, /readyz, /metrics)
  PostgreSQL   {state['postgres']['dbname']} on {PG_HOST}:{PG_PORT}: {counts.get('learners', '?')} learners, \
{counts.get('classes', '?')} classes ({data.get('learners', '?')} and {len(data.get('classes', []))} invented \
at bring-up)
  trigger      {TRIGGER_NOTES.get(info['class_trigger'], 'log_class_change() as the schema has it')}
  MariaDB      {state['mysql']['dbname']} on {MYSQL_HOST}:{MYSQL_PORT}
  logs         {display_path(Path(info['logs']))}   (php-server.log, sidecar.log, wp-debug.log)

Use the CLI:   eval "$(./scripts/demo.sh env{hint})"; wecoza-sidecar check-config
Stop it:       ./scripts/demo.sh down{hint}           (the data stays; `up` starts it again)
Remove it:     ./scripts/demo.sh down --purge{hint}   (drops the demo databases and {display_path(Path(state['root']))})
""")


def cmd_up(args) -> int:
    root = Path(args.root).resolve()
    state = load_state(root)
    if state is not None and not state.get("complete"):
        print("demo: an earlier `up` did not finish; removing what it left", file=sys.stderr)
        purge(state, root, state.get("name") or "")
        state = None
    if state is not None and state.get("version") != STATE_VERSION:
        raise DemoError(f"{state_path(root)} was written by another version of the demo: run `down --purge`")
    fresh = state is None
    if args.legacy_plugin:
        try:  # before anything is made
            legacy_plugin.check_plugin_dir(args.legacy_plugin, named_by="--legacy-plugin ")
        except ValueError as exc:
            raise DemoError(str(exc)) from None
    if fresh:
        require_database_servers()
        try:
            state = create(root, args.name or "", args.port or DEFAULT_PORT, args.sidecar_port,
                           args.legacy_plugin)
        except BaseException:
            failed = load_state(root)
            if failed is not None and not failed.get("complete"):
                print("demo: bring-up failed; removing what it created", file=sys.stderr)
                try:
                    purge(failed, root, failed.get("name") or "")
                except Exception as exc:  # noqa: BLE001 - the first error is the one to report
                    print(f"demo: cleaning up failed too: {exc}", file=sys.stderr)
            raise
    else:
        for flag, wanted, actual in (("--port", args.port, state["wordpress"]["port"]),
                                     ("--sidecar-port", args.sidecar_port, state["sidecar"]["port"])):
            if wanted and wanted != actual:
                raise DemoError(f"the demo in {display_path(root)} uses {flag} {actual}; to change it, remove it "
                                f"with `down --purge` first")
        if args.name is not None and args.name != state["name"]:
            raise DemoError(f"the demo in {display_path(root)} was made with --name {state['name']!r}")
        require_database_servers()
        if args.legacy_plugin:
            install_legacy(state, args.legacy_plugin)
    started = ensure_running(state)
    if fresh:
        headline = "The WeCoza demo is up."
    elif started:
        headline = f"The WeCoza demo is running again (started: {', '.join(started)}; the data is as it was)."
    else:
        headline = "The WeCoza demo is running."
    print_info(state, headline, started, args.json)
    return 0


def cmd_status(args) -> int:
    root = Path(args.root).resolve()
    state = load_state(root)
    if state is None:
        print(json.dumps({"exists": False}) if args.json else
              f"No demo in {display_path(root)}: start one with ./scripts/demo.sh up")
        return 3
    info = summary(state)
    ready = readiness(state) if info["sidecar"]["running"] else {"status": "stopped"}
    running = info["wordpress"]["running"] and info["sidecar"]["running"]
    if args.json:
        print(json.dumps(info | {"exists": True, "complete": state["complete"], "readyz": ready}, indent=2))
    else:
        for key in ("wordpress", "sidecar"):
            svc = info[key]
            print(f"{key:<10} {'running' if svc['running'] else 'stopped':<8} port {svc['port']:<6} "
                  f"pid {svc['pid'] or '-'}")
        print(f"readyz     {ready.get('status')}" + (f"  outbox backlog {ready['outbox_backlog']}"
                                                     if 'outbox_backlog' in ready else ""))
        print(f"WordPress  {info['demo_page_url']}  ({info['admin_login']} / {info['admin_password']})")
        if not state["complete"]:
            print("The bring-up did not finish: run ./scripts/demo.sh up again.")
    return 0 if running and state["complete"] else 1


def env_lines(state: dict) -> list[str]:
    lines = [f"export {name}={shlex.quote(value)}" for name, value in sidecar_settings(state).items()]
    venv_bin = str(Path(state["python"]).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        lines.append(f'export PATH={shlex.quote(venv_bin)}:"$PATH"   # wecoza-sidecar')
    return lines


def cmd_env(args) -> int:
    root = Path(args.root).resolve()
    state = load_state(root)
    if state is None or not state.get("complete"):
        raise DemoError(f"no demo in {display_path(root)}: start one with ./scripts/demo.sh up")
    hint = stop_hint(state)
    print(f"# the WeCoza demo in {display_path(root)}: eval \"$(./scripts/demo.sh env{' ' + hint if hint else ''})\" "
          "points wecoza-sidecar at it")
    print("\n".join(env_lines(state)))
    return 0


def cmd_down(args) -> int:
    root = Path(args.root).resolve()
    state = load_state(root)
    if args.purge:
        for line in purge(state, root, state["name"] if state else (args.name or "")):
            print(f"demo: {line}")
        return 0
    if state is None:
        print(f"No demo in {display_path(root)}.")
        return 0
    stopped = [key for key in ("sidecar", "wordpress") if stop_service(state[key])]
    save_state(state)
    hint = stop_hint(state)
    hint = f" {hint}" if hint else ""
    print(f"demo: stopped {', '.join(stopped)}" if stopped else "demo: nothing was running")
    print(f"demo: the data stays; `./scripts/demo.sh up{hint}` starts it again, "
          f"`./scripts/demo.sh down --purge{hint}` removes it")
    return 0


def valid_name(value: str) -> str:
    if not NAME_RE.match(value):
        raise argparse.ArgumentTypeError("lower-case letters, digits and _ only, at most 20")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demo.stack", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--root", default=str(DEFAULT_ROOT), help="the demo's folder (default .demo/)")
        p.add_argument("--name", type=valid_name,
                       help="suffix of the database names (wecoza_demo_NAME), for several demos side by side; "
                            "remembered in state.json")

    up = sub.add_parser("up", help="bring the demo up (or print its details when it runs)")
    common(up)
    up.add_argument("--port", type=int, help=f"WordPress port on {LOOPBACK} (default {DEFAULT_PORT})")
    up.add_argument("--sidecar-port", type=int, help="sidecar port (default: a free one, kept in state.json)")
    up.add_argument("--legacy-plugin", metavar="DIR",
                    help="a copy of the legacy plugin (yourdesigncoza/wecoza-core): copied into the site, activated "
                         "beside the shim, its pages created, so they run against the sidecar")
    up.add_argument("--json", action="store_true", help="print the details as JSON")
    up.set_defaults(func=cmd_up)

    env = sub.add_parser("env", help="export lines of the sidecar's settings, for eval in a shell")
    env.add_argument("--root", default=str(DEFAULT_ROOT), help="the demo's folder (default .demo/)")
    env.set_defaults(func=cmd_env)

    status = sub.add_parser("status", help="what runs (exit 0 when everything does)")
    common(status)
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)

    down = sub.add_parser("down", help="stop the demo's processes (the data stays)")
    common(down)
    down.add_argument("--purge", action="store_true", help="also drop the demo databases and remove the folder")
    down.set_defaults(func=cmd_down)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DemoError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    except RuntimeError as exc:  # a devstack helper: service did not start, psql failed...
        print(f"demo: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
