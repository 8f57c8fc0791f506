"""The controls for ``bench_latency``, served by gunicorn with the sidecar's own worker settings:

  app            answers every request at once: whatever it costs is the machine's and gunicorn's, none of it the
                 sidecar's (the wake-up control);
  one_round_trip answers once it has made one PostgreSQL round trip (``SELECT 1`` on a connection kept per thread,
                 ``BENCH_FLOOR_PG`` names the database): behind nginx, the least any sidecar answering a read from
                 PostgreSQL in direct mode can take (the direct floor).
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path

from devstack.ports import LOOPBACK, free_port, wait_for_http
from devstack.processes import spawn, stop_group

BODY = b'{"success":true,"data":{}}'


def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/json; charset=UTF-8"), ("Content-Length", str(len(BODY)))])
    return [BODY]


_connections = threading.local()


def one_round_trip(environ, start_response):
    import psycopg2
    connection = getattr(_connections, "pg", None)
    if connection is None:
        connection = _connections.pg = psycopg2.connect(os.environ["BENCH_FLOOR_PG"])
        connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return app(environ, start_response)


@contextlib.contextmanager
def bare_gunicorn(root: Path, workers: int = 2, floor_pg: str | None = None):
    """Yields (the URL of ``app`` under gunicorn, configured as ``wecoza-sidecar serve`` configures itself, its
    process); of ``one_round_trip`` when ``floor_pg`` (a libpq connection string) is given."""
    from sidecar.serving import gunicorn_settings
    settings = gunicorn_settings(f"{LOOPBACK}:{free_port()}", workers)
    root.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "gunicorn", "--bind", settings["bind"], "--workers", str(settings["workers"]),
           "--worker-class", settings["worker_class"], "--threads", str(settings["threads"]),
           "--keep-alive", str(settings["keepalive"]), "--chdir", str(Path(__file__).resolve().parents[1]),
           *(["--no-control-socket"] if settings["control_socket_disable"] else []),
           "bench.bare_wsgi:" + ("app" if floor_pg is None else "one_round_trip")]
    env = {**os.environ, "BENCH_FLOOR_PG": floor_pg} if floor_pg is not None else None
    proc = spawn(cmd, root / "bare-gunicorn.log", env=env)
    url = f"http://{settings['bind']}"
    try:
        wait_for_http(url + "/", "the bare gunicorn app", proc=proc, log_path=root / "bare-gunicorn.log")
        yield url, proc
    finally:
        stop_group(proc)
