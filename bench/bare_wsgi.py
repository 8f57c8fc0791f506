"""The wake-up control for ``bench_latency``: a WSGI app that answers every request at once, served by gunicorn with
the sidecar's own worker settings. Whatever it costs is the machine's and gunicorn's, none of it the sidecar's."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from devstack.ports import LOOPBACK, free_port, wait_for_http
from devstack.processes import spawn, stop_group

BODY = b'{"success":true,"data":{}}'


def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/json; charset=UTF-8"), ("Content-Length", str(len(BODY)))])
    return [BODY]


@contextlib.contextmanager
def bare_gunicorn(root: Path, workers: int = 2):
    """Yields (the URL of this app under gunicorn, configured as ``wecoza-sidecar serve`` configures itself, its
    process)."""
    from sidecar.serving import gunicorn_settings
    settings = gunicorn_settings(f"{LOOPBACK}:{free_port()}", workers)
    root.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "gunicorn", "--bind", settings["bind"], "--workers", str(settings["workers"]),
           "--worker-class", settings["worker_class"], "--threads", str(settings["threads"]),
           "--keep-alive", str(settings["keepalive"]), "--chdir", str(Path(__file__).resolve().parents[1]),
           "bench.bare_wsgi:app"]
    proc = spawn(cmd, root / "bare-gunicorn.log")
    url = f"http://{settings['bind']}"
    try:
        wait_for_http(url + "/", "the bare gunicorn app", proc=proc, log_path=root / "bare-gunicorn.log")
        yield url, proc
    finally:
        stop_group(proc)
