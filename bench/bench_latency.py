"""PostgreSQL on another host (issue 15): every path reaches PostgreSQL through one proxy that adds a network round
trip (0, 2 and 10 ms) and counts round trips; in one run, per round trip:

  floor    a bare admin-ajax action in the same WordPress (capability and nonce checks, no database work)
  forward  WordPress -> shim -> sidecar, wecoza_get_learner
  direct   nginx -> sidecar (direct mode), the same action
  legacy   the legacy-style PHP handler (a new PDO connection per request)

Reported: medians, the ratios against the legacy handler, the hop (forward above the floor) and the PostgreSQL
round trips per request of each path (the legacy handler's include its connection), with the sidecar's MySQL
round trips (counted by a proxy without delay in front of WordPress's MariaDB, for the sidecars only).
``WECOZA_BENCH_PG_SSL=1``: the sidecars connect with sslmode=require (the server must offer SSL).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_bridge import PLUGIN, seed_learner  # noqa: E402
from bench.stack import median_ms, running_stack, timed  # noqa: E402
from devstack import ajax  # noqa: E402
from devstack.ajax import create_nonce  # noqa: E402
from devstack.nginx import Nginx  # noqa: E402
from devstack.sidecar_server import SidecarServer, connect_shim  # noqa: E402
from devstack.signed import wire_cookie  # noqa: E402
from devstack.tcp_proxy import CountingProxy  # noqa: E402

ROUND_TRIPS_MS = (0, 2, 10)
REQUESTS = {0: 200, 2: 100, 10: 60}
PATHS = ("floor", "forward", "direct", "legacy")


def sidecar_through(root: Path, site, pg, pg_proxy, mysql_proxy, direct: bool = False) -> SidecarServer:
    server = SidecarServer(root, site, pg, settings="[sidecar]\ndirect_mode = on\n" if direct else None)
    server.env.update({"WECOZA_PG_HOST": pg_proxy.host, "WECOZA_PG_PORT": str(pg_proxy.port),
                       "WECOZA_WP_DB_HOST": mysql_proxy.host, "WECOZA_WP_DB_PORT": str(mysql_proxy.port)})
    if os.environ.get("WECOZA_BENCH_PG_SSL") == "1":
        server.env["WECOZA_PG_SSLMODE"] = "require"
    return server.start()


def measure_on(site, pg) -> list[dict]:
    site.install_plugin(PLUGIN, slug="wecoza-bench-legacy", main_file="wecoza-bench-legacy.php")
    root = Path(tempfile.mkdtemp(prefix="wecoza-bench-latency-"))
    pg_proxy = CountingProxy(pg.host, pg.port).start()
    mysql_proxy = CountingProxy(site.db.host, site.db.port).start()
    servers, nginx = [], None
    try:
        forward_server = sidecar_through(root / "forward", site, pg, pg_proxy, mysql_proxy)
        servers.append(forward_server)
        direct_server = sidecar_through(root / "direct", site, pg, pg_proxy, mysql_proxy, direct=True)
        servers.append(direct_server)
        nginx = Nginx(root / "nginx", f"{direct_server.host}:{direct_server.port}", f"{site.host}:{site.port}").start()
        connect_shim(site, forward_server, pg)
        # the legacy handler reads these options: it goes through the same proxy
        site.set_options({"wecoza_postgres_host": pg_proxy.host, "wecoza_postgres_port": str(pg_proxy.port)})
        return compare(site, pg, nginx, pg_proxy, mysql_proxy)
    finally:
        if nginx:
            nginx.stop()
        for server in servers:
            server.stop()
        pg_proxy.stop()
        mysql_proxy.stop()


def compare(site, pg, nginx, pg_proxy, mysql_proxy) -> list[dict]:
    learner_id = seed_learner(pg)
    admin = site.login("admin")
    nonce = create_nonce(site, admin, "learners_nonce_action")
    fields = {"action": "wecoza_get_learner", "id": str(learner_id), "nonce": nonce}
    browser = requests.Session()
    cookies = {"Cookie": wire_cookie(admin)}
    floor = ajax.call(site, admin, "bench_floor", dict(fields, action="bench_floor"), timeout=30)
    opcache = floor.json()["data"]["opcache"]

    def ok(response):
        assert response.status_code == 200, response.text[:300]

    calls = {
        "floor": lambda: ok(ajax.call(site, admin, "bench_floor", dict(fields, action="bench_floor"), timeout=30)),
        "forward": lambda: ok(ajax.call(site, admin, "wecoza_get_learner", fields, timeout=30)),
        "direct": lambda: ok(browser.post(f"{nginx.url}/wp-admin/admin-ajax.php", data=fields, headers=cookies,
                                          timeout=30)),
        "legacy": lambda: ok(ajax.call(site, admin, "bench_legacy_get_learner",
                                       dict(fields, action="bench_legacy_get_learner"), timeout=30)),
    }
    ssl = " (sidecars: sslmode=require)" if os.environ.get("WECOZA_BENCH_PG_SSL") == "1" else ""
    rows = [{"name": "latency: PHP opcache in the bench's WordPress", "value": "on" if opcache else "off",
             "unit": "", "note": "opcache_get_status() inside the request"}]
    for rtt_ms in ROUND_TRIPS_MS:
        pg_proxy.delay = rtt_ms / 1000
        for path in PATHS:
            for _ in range(10):
                calls[path]()  # warm up: pools open, opcache filled
        count = REQUESTS[rtt_ms]
        durations = {path: [] for path in PATHS}
        pg_trips, mysql_trips = dict.fromkeys(PATHS, 0), dict.fromkeys(PATHS, 0)
        for _ in range(count):
            for path in PATHS:  # interleaved: the load of a shared machine falls on every path alike
                pg_before, mysql_before = pg_proxy.round_trips, mysql_proxy.round_trips
                durations[path] += timed(calls[path], 1)
                pg_trips[path] += (pg_proxy.round_trips - pg_before) / count
                mysql_trips[path] += (mysql_proxy.round_trips - mysql_before) / count
        medians = {path: median_ms(durations[path]) for path in PATHS}
        label = f"latency {rtt_ms} ms PostgreSQL round trip{ssl}"
        for path in PATHS:
            note = f"PostgreSQL round trips per request: {pg_trips[path]:.2f}"
            if path in ("forward", "direct"):
                note += f"; sidecar MySQL round trips: {mysql_trips[path]:.2f}"
            rows.append({"name": f"{label}: {path} median", "value": round(medians[path], 2), "unit": "ms",
                         "note": note})
        for path in ("forward", "direct"):
            rows.append({"name": f"{label}: {path} / legacy", "value": round(medians[path] / medians["legacy"], 2),
                         "unit": "ratio", "note": "targets: forward <= 0.9 (0 ms), 0.7 (2 ms), 0.5 (10 ms); "
                                                  "direct <= 0.1"})
        rows.append({"name": f"{label}: forward above the floor", "unit": "ms",
                     "value": round(medians["forward"] - medians["floor"], 2),
                     "note": "shim + HTTP + sidecar (target on loopback: <= 1.5 ms)"})
    return rows


def measure() -> list[dict]:
    with running_stack() as (site, _server, pg):
        return measure_on(site, pg)


if __name__ == "__main__":
    from bench.report import print_table
    print_table(measure())
