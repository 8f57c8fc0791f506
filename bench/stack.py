"""The real stack for benchmarks: PostgreSQL, MariaDB, WordPress with the shim, the sidecar.

Built from the same pieces as the test fixtures (devstack/), in the machine's PostgreSQL and MariaDB (started by
scripts/install-system-deps.sh --demo), torn down at the end.
"""
from __future__ import annotations

import contextlib
import http.client
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from devstack.leftovers import record_folder
from devstack.mariadb import create_mysql_database, drop_mysql_database
from devstack.postgres import create_pg_database, drop_pg_database
from devstack.sidecar_server import SidecarServer, connect_shim
from devstack.servers import machine_mariadb, machine_postgres
from devstack.system import check_system
from devstack.wordpress import WordPressSite


@contextlib.contextmanager
def bench_folder(kind: str):
    """A temporary folder ``wecoza-bench-{kind}…`` for a benchmark's servers and files: removed after a run that ended
    normally, kept after one that failed (its servers' logs are there) and named on stderr."""
    root = Path(tempfile.mkdtemp(prefix=f"wecoza-bench-{kind}"))
    record_folder(root)
    try:
        yield root
    except BaseException:
        print(f"bench: kept {root} (the logs of the run that failed)", file=sys.stderr)
        raise
    shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def running_stack(workers: int = 2):
    check_system()
    with bench_folder("") as root:
        pg = create_pg_database(machine_postgres())
        mysql = create_mysql_database(machine_mariadb())
        site = server = None
        try:
            site = WordPressSite(root / "wordpress", mysql).build().start()
            server = SidecarServer(root / "sidecar", site, pg, workers=workers)
            server.migrate()
            server.start()
            connect_shim(site, server, pg)
            yield site, server, pg
        finally:
            if server:
                server.stop()
            if site:
                site.stop()
                site.remove_files()
            drop_mysql_database(mysql)
            drop_pg_database(pg)


# WordPress keeps one session per login until it expires: the benchmarks' admin has as many as an active one.
STORED_SESSIONS = 40


class FormPoster:
    """A client with little cost of its own, as a browser is: one keep-alive connection (opened again when the server
    closes it, as WordPress's `php -S` does after each answer, or has closed it while it was idle), url-encoded posts
    with a fixed Cookie header."""

    def __init__(self, base_url: str, cookie: str, timeout: float = 30):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}

    def post(self, path: str, fields: dict) -> tuple[int, bytes]:
        reused = self.connection.sock is not None
        try:
            return self._post(path, fields)
        except (BrokenPipeError, ConnectionResetError):  # RemoteDisconnected too
            self.connection.close()
            if not reused:
                raise
            # The server closed the connection while it was idle (after its keep-alive timeout, when a pass
            # leaves a path out): once more on a new one, as a browser does.
            return self._post(path, fields)
        except (http.client.HTTPException, OSError):
            self.connection.close()
            raise

    def _post(self, path: str, fields: dict) -> tuple[int, bytes]:
        self.connection.request("POST", path, body=urlencode(fields), headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.connection.close()


def timed(call, count: int) -> list[float]:
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return durations


def timed_in_turns(calls: dict, count: int) -> dict[str, list[float]]:
    """``count`` durations of each call, the calls taking turns one request at a time: the load and drift of a shared
    machine fall on every call alike, which blocks of one call after another do not ensure."""
    durations: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(count):
        for name, call in calls.items():
            durations[name] += timed(call, 1)
    return durations


def median_ms(durations) -> float:
    return statistics.median(durations) * 1000


def percentile_ms(durations, pct: float) -> float:
    ordered = sorted(durations)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))] * 1000


def throughput(make_call, concurrency: int, seconds: float, max_requests: int = 5000):
    """Requests per second, latencies and error count with `concurrency` threads, bounded in time and count."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.perf_counter() + seconds

    def worker():
        call = make_call()
        while time.perf_counter() < deadline:
            with lock:
                if len(latencies) + errors[0] >= max_requests:
                    return
            started = time.perf_counter()
            ok = call()
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"rps": len(latencies) / wall if wall else 0.0, "latencies": latencies, "errors": errors[0],
            "count": len(latencies) + errors[0]}
