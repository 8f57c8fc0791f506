"""The controls for ``bench_latency``, served by granian with the sidecar's own settings (``wecoza-sidecar serve``):

  app            answers every request at once: whatever it costs is the machine's and the server's, none of it the
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
def bare_server(root: Path, workers: int = 2, floor_pg: str | None = None):
    """Yields (the URL of ``app`` under granian, configured as ``wecoza-sidecar serve`` configures it, its
    process); of ``one_round_trip`` when ``floor_pg`` (a libpq connection string) is given."""
    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    target = "bench.bare_wsgi:" + ("app" if floor_pg is None else "one_round_trip")
    cmd = [sys.executable, "-c", "import sys; from sidecar.serving import granian_server; "
           "granian_server(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])).serve()",
           target, LOOPBACK, str(port), str(workers)]
    env = {**os.environ, "BENCH_FLOOR_PG": floor_pg} if floor_pg is not None else None
    proc = spawn(cmd, root / "bare-server.log", env=env, cwd=Path(__file__).resolve().parents[1])
    url = f"http://{LOOPBACK}:{port}"
    try:
        wait_for_http(url + "/", "the bare app", proc=proc, log_path=root / "bare-server.log")
        yield url, proc
    finally:
        stop_group(proc, leader_first=True)
