"""The sidecar as a real process (`python -m sidecar serve`) on a free loopback port, and the shim that talks to it."""
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .ports import LOOPBACK, free_port, wait_for_http
from .processes import spawn, stop_group, tail
from .system import REPO_ROOT

SHIM_DIR = REPO_ROOT / "wp-plugin-shim"
SHIM_MAIN = "wecoza-sidecar-shim.php"
SHIM_SLUG = "wecoza-sidecar-shim"
REQUEST_LOGGER = "wecoza.sidecar.requests"


def json_lines(text: str):
    """The JSON objects of a log's lines (gunicorn's plain-text lines left out)."""
    for line in text.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                yield json.loads(line)


def settings_file(folder: Path, settings: str) -> dict[str, str]:
    """The environment that gives a sidecar ``settings`` (an INI file's text), written to ``folder``/sidecar.ini."""
    ini = folder / "sidecar.ini"
    ini.write_text(settings)
    return {"WECOZA_CONFIG": str(ini)}


class SidecarServer:
    def __init__(self, root: Path, site, pg, workers=2, settings: str | None = None, secret: str | None = None):
        """``settings``: the text of an INI file for this sidecar (WECOZA_CONFIG); ``secret``: share another
        sidecar's shared secret (so the session's shim signs for both)."""
        self.host, self.port = LOOPBACK, free_port()
        self.url = f"http://{self.host}:{self.port}"
        self.secret = secret or secrets.token_hex(32)
        root.mkdir(parents=True, exist_ok=True)
        self.log_path = root / "sidecar.log"
        self.workers = workers
        self.proc = None
        base = {k: v for k, v in os.environ.items() if not k.startswith("WECOZA_")}  # no developer settings leak in
        self.env = {
            **base,
            "WECOZA_WP_CONFIG": str(site.wp_config_path),
            "WECOZA_PG_HOST": pg.host, "WECOZA_PG_PORT": str(pg.port), "WECOZA_PG_DBNAME": pg.dbname,
            "WECOZA_PG_USER": pg.user, "WECOZA_PG_PASSWORD": pg.password,
            "WECOZA_SHARED_SECRET": self.secret,
            "WECOZA_UPLOADS_DIR": str(site.path / "wp-content" / "uploads"),
            "WECOZA_UPLOADS_URL": f"{site.url}/wp-content/uploads",
            "WECOZA_LOG_LEVEL": "info",
        }
        if settings is not None:
            self.env.update(settings_file(root, settings))

    def cli(self, *args, timeout=120):
        """Run `python -m sidecar ARGS` with the server's environment; return the CompletedProcess."""
        return subprocess.run([sys.executable, "-m", "sidecar", *args], env=self.env, cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=timeout)

    def migrate(self):
        run = self.cli("migrate")
        if run.returncode != 0:
            raise RuntimeError(f"`python -m sidecar migrate` failed (exit {run.returncode}):\n{run.stdout}{run.stderr}")
        return run.stdout

    def start(self, dispatch: bool = False):
        """``python -m sidecar serve``; with ``dispatch``, ``--dispatch`` (the event dispatcher beside it)."""
        if self.proc is not None and self.proc.poll() is None:
            return self
        return self._launch(self.serve_command(dispatch=dispatch), self.env, "the sidecar (python -m sidecar serve)")

    def serve_command(self, bind: str | None = None, dispatch: bool = False) -> list[str]:
        """The command ``start`` runs, listening on ``bind`` (HOST:PORT) when given instead of this server's own."""
        return [sys.executable, "-m", "sidecar", "serve", "--bind", bind or f"{self.host}:{self.port}",
                "--workers", str(self.workers), *(["--dispatch"] if dispatch else [])]

    def start_under_gunicorn(self, *options: str):
        """Start as an operator's own gunicorn runs it: ``gunicorn -c config/gunicorn.conf.py OPTIONS
        sidecar.wsgi:app``, with this server's settings, address and number of workers."""
        env = {**self.env, "WECOZA_BIND": f"{self.host}:{self.port}", "WECOZA_WORKERS": str(self.workers)}
        return self._launch([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", *options,
                             "sidecar.wsgi:app"], env, "the sidecar (gunicorn -c config/gunicorn.conf.py)")

    def _launch(self, cmd: list[str], env: dict, what: str):
        # a fresh, empty prometheus multiprocess dir per start, inside the session's temp dir (not /tmp)
        env = {**env, "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="metrics-", dir=self.log_path.parent)}
        self.proc = spawn(cmd, self.log_path, env=env, cwd=REPO_ROOT)
        wait_for_http(f"{self.url}/healthz", what, timeout=60, proc=self.proc, log_path=self.log_path, status=200)
        return self

    def stop(self):
        # the main process stops its workers (SIGINT: gunicorn's quick shutdown; SIGTERM waits ~2 s per stop)
        stop_group(self.proc, first=signal.SIGINT, leader_first=True)
        self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    @contextlib.contextmanager
    def stopped(self):
        """Inside the block the sidecar is down; it is started again afterwards, even when the block fails."""
        self.stop()
        try:
            yield self
        finally:
            self.start()

    def log(self, lines=None):
        """The sidecar's log (gunicorn and application), whole or its last `lines`."""
        if lines is not None:
            return tail(self.log_path, lines)
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def request_lines(self, since: int = 0, count: int = 1, action: str | None = None, route: str | None = None,
                      timeout: float = 10) -> list[dict]:
        """The request lines (parsed) of the log after offset ``since``, of ``action`` or ``route`` when given, once
        there are ``count`` of them or ``timeout`` has passed. A request's line is written once its answer has gone
        out, so a client can hold the answer a moment before the line is there, and the line of an earlier request
        (the health check of a start, say) can come after a later offset: name what you wait for."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [entry for entry in json_lines(self.log()[since:])
                     if entry.get("logger") == REQUEST_LOGGER and (action is None or entry.get("action") == action)
                     and (route is None or entry.get("route") == route)]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.02)


def connect_shim(site, server, pg):
    """Point WordPress at the sidecar (options), then symlink and activate the shim plugin from the repository."""
    main = SHIM_DIR / SHIM_MAIN
    if not main.is_file():
        raise RuntimeError(f"the shim plugin is missing: {main.relative_to(REPO_ROOT)} does not exist, so WordPress "
                           "cannot forward admin-ajax to the sidecar")
    options = {
        "wecoza_sidecar_url": server.url, "wecoza_sidecar_secret": server.secret,
        "wecoza_postgres_host": pg.host, "wecoza_postgres_port": str(pg.port), "wecoza_postgres_dbname": pg.dbname,
        "wecoza_postgres_user": pg.user, "wecoza_postgres_password": pg.password,
    }
    site.set_options(options)
    return site.install_plugin(SHIM_DIR, slug=SHIM_SLUG, main_file=SHIM_MAIN)
