"""The real stack for benchmarks: PostgreSQL, MariaDB, WordPress with the shim, the sidecar.

Built from the same pieces as the test fixtures (devstack/), in the machine's PostgreSQL and MariaDB (started by
scripts/install-system-deps.sh --demo), torn down at the end.
"""
from __future__ import annotations

import contextlib
import statistics
import tempfile
import threading
import time
from pathlib import Path

from devstack.mariadb import create_mysql_database, drop_mysql_database
from devstack.postgres import create_pg_database, drop_pg_database
from devstack.sidecar_server import SidecarServer, connect_shim
from devstack.servers import machine_mariadb, machine_postgres
from devstack.system import check_system
from devstack.wordpress import WordPressSite


@contextlib.contextmanager
def running_stack(workers: int = 2):
    check_system()
    root = Path(tempfile.mkdtemp(prefix="wecoza-bench-"))
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


def timed(call, count: int) -> list[float]:
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
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
