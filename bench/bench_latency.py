"""PostgreSQL on another host (issue 15): every path reaches PostgreSQL through one proxy that adds a network round
trip (0, 2 and 10 ms) and counts round trips; in one run, per round trip:

  floor    a bare admin-ajax action in the same WordPress (capability and nonce checks, no database work)
  forward  WordPress -> shim -> sidecar, wecoza_get_learner
  direct   nginx -> sidecar (direct mode), the same action
  legacy   the legacy-style PHP handler (a new PDO connection per request)
  direct floor  nginx -> granian -> an app that makes one PostgreSQL round trip and nothing else: the least direct
           mode can take here, whatever the sidecar does (bench/bare_wsgi.py)

then once more at 2 ms with every WAL flush a commit waits for 1 ms slower, as on a managed database's replicated
storage (``commit_delay`` on the bench's database: the forward read's replay claim commits without waiting for the
flush, and the other paths commit nothing), then once more at 2 ms with SSL on every path (a server of the bench's
own with a test certificate; sslmode=require for the sidecars and the legacy handler alike; ``WECOZA_BENCH_PG_SSL=0``
leaves this pass out).

Reported: medians, the ratios against the legacy handler and the hop (forward above the floor). With them, the
wake-up control: a WSGI app that does nothing, under granian with the sidecar's settings (bench/bare_wsgi.py), timed
in the same turn. At 0 ms every path is then timed once more back to back (20 requests of a path in a row, the paths
taking turns): interleaved, each sidecar request follows a PHP request that kept the 2 cores busy for 15-20 ms, and
part of what it costs is the machine waking the processes that slept meanwhile, as the control shows. Round trips per
request are counted in a pass of their own, untimed, with a pause after each request (a connection's late goodbye is
not charged to the next path): PostgreSQL for every path, and MySQL for the sidecars, whose MySQL connections go
through a counting proxy in that pass only (WordPress reaches MySQL directly, and so do the timed sidecars). The hop is
the median of the differences between the forward and the floor request of the same turn, with its 95% interval. In
the back-to-back pass, the CPU time every process group spent per request (bench/cpu_time.py: WordPress, each sidecar,
nginx, MariaDB, PostgreSQL, the client with its proxies), which drifts far less than wall time and says what the hop
is made of.
Then, at 0 ms, the interleaved pass once more with WordPress's PHP held to one core and both sidecars to the other
(bench/pinning.py, a diagnostic): on 2 cores WordPress otherwise shares its core with the sidecar, MariaDB and
PostgreSQL while an early read is answered beside it, and the hop then says what the shim and the sidecar cost on a
host with a core to spare.
The client is a keep-alive ``http.client`` connection, so the figures are the servers' and not a client library's.
"""
from __future__ import annotations

import contextlib
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bare_wsgi import bare_server  # noqa: E402
from bench.cpu_time import CpuMeter, named, with_descendants  # noqa: E402
from bench.pinning import can_pin, pinned  # noqa: E402
from bench.bench_bridge import PLUGIN, seed_learner  # noqa: E402
from bench.stack import (  # noqa: E402
    STORED_SESSIONS, FormPoster, bench_folder, median_ms, running_stack, timed, timed_in_turns)
from devstack.ajax import create_nonce  # noqa: E402
from devstack.nginx import Nginx  # noqa: E402
from devstack.postgres import create_pg_database, drop_pg_database  # noqa: E402
from devstack.servers import PrivatePostgres  # noqa: E402
from devstack.sidecar_server import SidecarServer, connect_shim  # noqa: E402
from devstack.signed import wire_cookie  # noqa: E402
from devstack.tcp_proxy import CountingProxy  # noqa: E402

ROUND_TRIPS_MS = (0, 2, 10)
SSL_ROUND_TRIP_MS = 2
# A durable commit on a managed database: its WAL flush waits for replicated storage (and a synchronous standby).
FLUSH_ROUND_TRIP_MS = 2
COMMIT_FLUSH_US = 1000
REQUESTS = {0: 200, 2: 100, 10: 60}
COUNTED_REQUESTS = 10
WARM_UP = 20  # every worker's pools and threads' connections open before anything is counted or timed
PATHS = ("floor", "forward", "direct", "legacy")
# The wake-up control (bench/bare_wsgi.py): an app that does nothing, under granian as the sidecar is, timed after
# the legacy handler as direct mode is timed after the forward path. What it costs after a PHP request and not back
# to back is the machine waking processes that slept while PHP ran, not anything of the sidecar's.
CONTROL = "bare"
# The direct floor (bench/bare_wsgi.py): nginx -> granian -> an app that only makes one PostgreSQL round trip through
# the same proxy. No sidecar answering a read from PostgreSQL in direct mode can be faster; where the floor's ratio to
# the legacy handler is above direct mode's target, no sidecar code can meet that target on this machine.
DIRECT_FLOOR = "direct floor"
BACK_TO_BACK_BLOCK = 20  # requests of one path in a row, the paths taking turns
AJAX = "/wp-admin/admin-ajax.php"
TARGETS = "targets: forward <= 0.9 (0 ms), 0.7 (2 ms), 0.5 (10 ms); direct <= 0.1"


@contextlib.contextmanager
def sidecar_paths(root: Path, site, pg, pg_proxy, mysql_proxy=None, sslmode=None):
    """The forward sidecar (the shim pointed at it) and the direct one behind nginx, reaching PostgreSQL through
    ``pg_proxy`` and MySQL through ``mysql_proxy`` when given. Yields (nginx, {"forward": server, "direct": server})."""
    servers, nginx = [], None
    try:
        for name, settings in (("forward", None), ("direct", "[sidecar]\ndirect_mode = on\n")):
            server = SidecarServer(root / name, site, pg, settings=settings)
            server.env.update({"WECOZA_PG_HOST": pg_proxy.host, "WECOZA_PG_PORT": str(pg_proxy.port)})
            if mysql_proxy is not None:
                server.env.update({"WECOZA_WP_DB_HOST": mysql_proxy.host,
                                   "WECOZA_WP_DB_PORT": str(mysql_proxy.port)})
            if sslmode:
                server.env["WECOZA_PG_SSLMODE"] = sslmode
            servers.append(server.start())
        forward, direct = servers
        nginx = Nginx(root / "nginx", f"{direct.host}:{direct.port}", f"{site.host}:{site.port}").start()
        connect_shim(site, forward, pg)
        # the legacy handler reads these options: it goes through the same proxy
        site.set_options({"wecoza_postgres_host": pg_proxy.host, "wecoza_postgres_port": str(pg_proxy.port),
                          "wecoza_bench_pg_sslmode": sslmode or "prefer"})
        yield nginx, {"forward": forward, "direct": direct}
    finally:
        if nginx:
            nginx.stop()
        for server in servers:
            server.stop()


@contextlib.contextmanager
def direct_floor(root: Path, site, pg, pg_proxy):
    """Yields (the URL of the direct floor: its own nginx, configured as for the direct sidecar, in front of
    bench/bare_wsgi.py's one_round_trip reaching ``pg`` through ``pg_proxy``; the two processes)."""
    dsn = f"host={pg_proxy.host} port={pg_proxy.port} dbname={pg.dbname} user={pg.user} password={pg.password}"
    with bare_server(root / "app", floor_pg=dsn) as (app_url, app_proc):
        nginx = Nginx(root / "nginx", app_url.removeprefix("http://"), f"{site.host}:{site.port}").start()
        try:
            yield nginx.url, (app_proc, nginx.proc)
        finally:
            nginx.stop()


class Caller:
    """The four paths for one admin and one learner, each on its own connection, and the wake-up control when
    ``bare_url`` is given."""

    def __init__(self, site, nginx, admin, nonce: str, learner_id: int, bare_url: str | None = None,
                 direct_floor_url: str | None = None):
        cookie = wire_cookie(admin)
        self.fields = {"action": "wecoza_get_learner", "id": str(learner_id), "nonce": nonce}
        urls = {path: nginx.url if path == "direct" else site.url for path in PATHS}
        if bare_url:
            urls[CONTROL] = bare_url
        if direct_floor_url:
            urls[DIRECT_FLOOR] = direct_floor_url
        self.clients = {path: FormPoster(url, cookie) for path, url in urls.items()}
        self.actions = {"floor": "bench_floor", "forward": "wecoza_get_learner", "direct": "wecoza_get_learner",
                        "legacy": "bench_legacy_get_learner", CONTROL: "bench_bare", DIRECT_FLOOR: "bench_floor_read"}

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self.clients)

    def call(self, path: str) -> bytes:
        status, body = self.clients[path].post(AJAX, dict(self.fields, action=self.actions[path]))
        assert status == 200 and body.startswith(b'{"success":true'), (path, status, body[:300])
        return body

    def close(self):
        for client in self.clients.values():
            client.close()


def count_round_trips(caller: Caller, pg_proxy, mysql_proxy) -> dict:
    counts = {}
    for path in PATHS:
        for _ in range(WARM_UP):
            caller.call(path)
        time.sleep(0.05)
        pg_before, mysql_before = pg_proxy.round_trips, mysql_proxy.round_trips
        for _ in range(COUNTED_REQUESTS):
            caller.call(path)
            time.sleep(0.05)  # a connection closed after the answer (the legacy handler's) is counted with it
        counts[path] = ((pg_proxy.round_trips - pg_before) / COUNTED_REQUESTS,
                        (mysql_proxy.round_trips - mysql_before) / COUNTED_REQUESTS)
    return counts


def log_offsets(servers: dict) -> dict:
    """Where each sidecar's log ends now: its lines after this are the next pass's."""
    return {path: len(server.log()) for path, server in servers.items()}


def own_times_ms(server, action: str, since: int, count: int) -> list[float]:
    """The sidecar's own time for its ``count`` requests of ``action`` after log offset ``since``, as its request log
    line gives it (from the request's arrival in Flask to its answer, without the server, the HTTP hop or the shim)."""
    return [line["duration_ms"] for line in server.request_lines(since, count=count, action=action)][:count]


def latency_rows(caller: Caller, pg_proxy, rtt_ms: int, count: int, counts: dict, label: str,
                 servers: dict, paths: tuple[str, ...] | None = None) -> list[dict]:
    """``paths``: those timed, in turns (every path of ``caller`` unless given)."""
    paths = paths or caller.paths
    pg_proxy.delay = rtt_ms / 1000
    for path in paths:
        for _ in range(WARM_UP):
            caller.call(path)  # opcache filled, the delay in force
    since = log_offsets(servers)
    durations = timed_in_turns({path: lambda path=path: caller.call(path) for path in paths}, count)
    medians = {path: median_ms(durations[path]) for path in paths}
    rows = []
    for path in PATHS:
        pg_trips, mysql_trips = counts[path]
        note = f"{count} requests; PostgreSQL round trips per request: {pg_trips:.2f}"
        if path in ("forward", "direct"):
            note += f"; sidecar MySQL round trips: {mysql_trips:.2f}"
        rows.append({"name": f"{label}: {path} median", "value": round(medians[path], 2), "unit": "ms", "note": note})
    rows += ratio_rows(label, durations)
    if CONTROL in medians:
        rows.append(control_row(label, medians[CONTROL], count))
    if DIRECT_FLOOR in medians:
        rows += direct_floor_rows(label, medians, count)
    return rows + own_time_rows(label, caller, servers, since, count)


def pass_label(rtt_ms: int, variant: str = "") -> str:
    """The name of one pass's rows: its round trip, and what else is special about it."""
    return f"latency {rtt_ms} ms PostgreSQL round trip" + (f", {variant}" if variant else "")


def own_time_name(label: str, path: str) -> str:
    return f"{label}: {path}: the sidecar's own time, median"


def own_time_rows(label: str, caller: Caller, servers: dict, since: dict, count: int) -> list[dict]:
    rows = []
    for path in ("forward", "direct"):
        own = own_times_ms(servers[path], caller.actions[path], since[path], count)
        rows.append({"name": own_time_name(label, path), "unit": "ms",
                     "value": round(statistics.median(own), 2),
                     "note": f"{len(own)} requests, from the sidecar's request log (the app's WSGI call to its "
                             "answer): the rest of the path is "
                             + ("the shim, PHP's HTTP client and granian" if path == "forward"
                                else "nginx, the client and granian")})
    return rows


def ratio_rows(label: str, durations: dict) -> list[dict]:
    medians = {path: median_ms(values) for path, values in durations.items()}
    rows = []
    for path in ("forward", "direct"):
        ratio, low, high = paired_median(durations[path], durations["legacy"], lambda a, b: a / b)
        rows += [{"name": f"{label}: {path} / legacy", "value": round(medians[path] / medians["legacy"], 3),
                  "unit": "ratio", "note": TARGETS},
                 {"name": f"{label}: {path} / legacy, request by request", "value": round(ratio, 3), "unit": "ratio",
                  "note": f"the median of the {len(durations[path])} ratios of a {path} request to the legacy "
                          f"request of the same turn, 95% interval {low:.3f} to {high:.3f}: where the target lies "
                          "inside it, this run cannot tell whether it is met"}]
    hop, low, high = paired_median(durations["forward"], durations["floor"], lambda a, b: (a - b) * 1000)
    rows.append({"name": f"{label}: forward above the floor", "unit": "ms", "value": round(hop, 2),
                 "note": f"shim + HTTP + sidecar (target on loopback: <= 1.5 ms): the median of the "
                         f"{len(durations['forward'])} differences forward - floor of the same turn, 95% interval "
                         f"{low:.2f} to {high:.2f}; the difference of the medians is "
                         f"{medians['forward'] - medians['floor']:.2f}"})
    return rows


def paired_median(values, baseline, compare) -> tuple[float, float, float]:
    """The median of ``compare(value, baseline value)`` over requests timed in the same turn, with its 95% confidence
    interval (the order statistics a binomial count puts around the median). Drift slower than a turn cancels out of
    each comparison, which comparing two medians does not do."""
    compared = sorted(compare(a, b) for a, b in zip(values, baseline, strict=True))
    n = len(compared)
    spread = 1.96 * math.sqrt(n) / 2
    low, high = max(0, math.floor(n / 2 - spread)), min(n - 1, math.ceil(n / 2 + spread))
    return statistics.median(compared), compared[low], compared[high]


def control_row(label: str, median: float, count: int) -> dict:
    return {"name": f"{label}: wake-up control (a WSGI app that does nothing, under granian) median", "unit": "ms",
            "value": round(median, 2), "note": f"{count} requests: the machine's and granian's share of any path"}


def direct_floor_rows(label: str, medians: dict, count: int) -> list[dict]:
    return [{"name": f"{label}: direct floor median", "unit": "ms", "value": round(medians[DIRECT_FLOOR], 2),
             "note": f"{count} requests: nginx -> granian (the sidecar's settings) -> an app that only makes one "
                     "PostgreSQL round trip (SELECT 1) through the same proxy"},
            {"name": f"{label}: direct floor / legacy", "unit": "ratio",
             "value": round(medians[DIRECT_FLOOR] / medians["legacy"], 3),
             "note": "the least any sidecar answering from PostgreSQL in direct mode can reach on this machine: "
                     "direct mode's target (0.1) is out of reach where this is above it"}]


def back_to_back_rows(caller: Caller, servers: dict, count: int, label: str, meter: CpuMeter) -> list[dict]:
    """The same paths, each sent ``BACK_TO_BACK_BLOCK`` times in a row, the paths taking turns (the machine's drift
    still falls on every path alike): what each path costs with its processes awake, as under steady use, and the CPU
    time each process group spent on it."""
    durations = {path: [] for path in caller.paths}
    cpu = {path: {} for path in caller.paths}
    since = log_offsets(servers)
    for _ in range(max(1, count // BACK_TO_BACK_BLOCK)):
        for path in caller.paths:
            before = meter.snapshot()
            durations[path] += timed(lambda path=path: caller.call(path), BACK_TO_BACK_BLOCK)
            for group, ns in CpuMeter.spent(before, meter.snapshot()).items():
                cpu[path][group] = cpu[path].get(group, 0) + ns
    medians = {path: median_ms(durations[path]) for path in caller.paths}
    rows = [{"name": f"{label}: {path} median", "value": round(medians[path], 2), "unit": "ms",
             "note": f"{len(durations[path])} requests, {BACK_TO_BACK_BLOCK} in a row per turn"} for path in PATHS]
    rows += ratio_rows(label, durations)
    if CONTROL in medians:
        rows.append(control_row(label, medians[CONTROL], len(durations[CONTROL])))
    if DIRECT_FLOOR in medians:
        rows += direct_floor_rows(label, medians, len(durations[DIRECT_FLOOR]))
    rows += own_time_rows(label, caller, servers, since, len(durations["forward"]))
    return rows + cpu_rows(label, {path: {group: ns / 1e6 / len(durations[path]) for group, ns in spent.items()}
                                   for path, spent in cpu.items()})


def cpu_rows(label: str, per_request: dict) -> list[dict]:
    """CPU ms per request by process group, for each path and for the forward path above the floor."""
    def breakdown(spent: dict) -> str:
        return "; ".join(f"{group} {ms:.2f}" for group, ms in spent.items() if abs(ms) >= 0.005)

    rows = [{"name": f"{label}: {path}: CPU per request, every process", "unit": "ms",
             "value": round(sum(per_request[path].values()), 2), "note": breakdown(per_request[path])}
            for path in (*PATHS, CONTROL) if path in per_request]
    above = {group: per_request["forward"][group] - per_request["floor"][group] for group in per_request["forward"]}
    rows.append({"name": f"{label}: forward above the floor, CPU per request", "unit": "ms",
                 "value": round(sum(above.values()), 2),
                 "note": "what the hop costs the machine's 2 cores, by process: " + breakdown(above)})
    return rows


def cores_apart_rows(caller: Caller, site, servers: dict, pg_proxy, counts: dict, label: str) -> list[dict]:
    """The interleaved pass once more with WordPress's PHP held to one core and both sidecars to the other
    (bench/pinning.py): what the shim and the sidecar cost when they do not share WordPress's core. The four paths
    only: the control's and the direct floor's servers, held to neither core, would run on WordPress's."""
    if not can_pin():
        return [{"name": f"{label}, cores apart", "value": "not run", "unit": "",
                 "note": "fewer than 2 CPUs available to the bench"}]
    with pinned((site.proc.pid,), (servers["forward"].proc.pid, servers["direct"].proc.pid)):
        return latency_rows(caller, pg_proxy, 0, REQUESTS[0], counts,
                            f"{label}, cores apart (WordPress on one core, the sidecars on the other)", servers,
                            paths=PATHS)


def cpu_meter(site, servers: dict, nginx, bare_proc, floor_procs) -> CpuMeter:
    """The processes of the bench's paths; the databases are the machine's own servers, found by name."""
    trees = {"WordPress (php -S)": site.proc.pid, "forward sidecar": servers["forward"].proc.pid,
             "direct sidecar": servers["direct"].proc.pid, "nginx": nginx.proc.pid,
             "wake-up control": bare_proc.pid}
    groups = {name: with_descendants(pid) for name, pid in trees.items()}
    groups["direct floor (its nginx and app)"] = with_descendants(*(proc.pid for proc in floor_procs))
    groups.update({"MariaDB": named("mariadbd", "mysqld"), "PostgreSQL": named("postgres")})
    return CpuMeter(groups, own="bench client and its proxies")


def measure_on(site, pg) -> list[dict]:
    site.install_plugin(PLUGIN, slug="wecoza-bench-legacy", main_file="wecoza-bench-legacy.php")
    with bench_folder("latency-") as root:
        for _ in range(STORED_SESSIONS - 1):
            site.login("admin")  # sessions kept by WordPress; the bench's own login is the last
        admin = site.login("admin")
        nonce = create_nonce(site, admin, "learners_nonce_action")
        learner_id = seed_learner(pg)
        rows = []
        with CountingProxy(pg.host, pg.port) as pg_proxy, CountingProxy(site.db.host, site.db.port) as mysql_proxy:
            with sidecar_paths(root / "counted", site, pg, pg_proxy, mysql_proxy) as (nginx, _):
                caller = Caller(site, nginx, admin, nonce, learner_id)
                opcache = b'"opcache":true' in caller.call("floor")
                counts = count_round_trips(caller, pg_proxy, mysql_proxy)
                caller.close()
            rows.append({"name": "latency: PHP opcache in the bench's WordPress", "value": "on" if opcache else "off",
                         "unit": "", "note": "opcache_get_status() inside the request; the admin has "
                                             f"{STORED_SESSIONS} stored sessions"})
            with sidecar_paths(root / "timed", site, pg, pg_proxy) as (nginx, servers), \
                    bare_server(root / "bare") as (bare_url, bare_proc), \
                    direct_floor(root / "direct-floor", site, pg, pg_proxy) as (floor_url, floor_procs):
                caller = Caller(site, nginx, admin, nonce, learner_id, bare_url, floor_url)
                meter = cpu_meter(site, servers, nginx, bare_proc, floor_procs)
                for rtt_ms in ROUND_TRIPS_MS:
                    label = pass_label(rtt_ms)
                    rows += latency_rows(caller, pg_proxy, rtt_ms, REQUESTS[rtt_ms], counts, label, servers)
                    if rtt_ms == 0:  # where the hop's and direct mode's targets are set
                        rows += back_to_back_rows(caller, servers, REQUESTS[rtt_ms], f"{label}, back to back", meter)
                        rows += cores_apart_rows(caller, site, servers, pg_proxy, counts, label)
                caller.close()
            rows += measure_with_commit_flush(site, root / "flush", pg, pg_proxy, admin, nonce, learner_id, counts,
                                              rows)
        if os.environ.get("WECOZA_BENCH_PG_SSL", "1") != "0":
            rows += measure_with_ssl(site, root / "ssl", admin, nonce)
        return rows


@contextlib.contextmanager
def slow_commit_flush(pg, micros: int):
    """Inside, every session opened to ``pg``'s database waits ``micros`` more before each WAL flush a commit of its
    waits for (``commit_delay``, with no other transaction required). A commit that does not wait for the flush is
    not delayed, and neither is a transaction that wrote nothing."""
    assert pg.server.psql("SHOW fsync;").strip() == "on", "commit_delay needs fsync on in the bench's PostgreSQL"
    pg.server.psql('ALTER DATABASE :"db" SET commit_delay = :delay;\nALTER DATABASE :"db" SET commit_siblings = 0;\n',
                   db=pg.dbname, delay=micros)
    try:
        yield
    finally:
        pg.server.psql('ALTER DATABASE :"db" RESET commit_delay;\nALTER DATABASE :"db" RESET commit_siblings;\n',
                       db=pg.dbname)


def measure_with_commit_flush(site, root: Path, pg, pg_proxy, admin, nonce: str, learner_id: int, counts: dict,
                              earlier: list[dict]) -> list[dict]:
    """The 2 ms pass again with each durable commit's WAL flush COMMIT_FLUSH_US slower, the sidecars started inside
    (their sessions take the setting as they open). The legacy handler's and direct mode's reads commit nothing; the
    forward read commits its replay claim, without waiting for the flush. ``earlier``: the rows of the passes before,
    the 2 ms pass among them."""
    label = pass_label(FLUSH_ROUND_TRIP_MS, f"each durable commit's WAL flush {COMMIT_FLUSH_US / 1000:g} ms slower")
    with slow_commit_flush(pg, COMMIT_FLUSH_US), sidecar_paths(root, site, pg, pg_proxy) as (nginx, servers):
        caller = Caller(site, nginx, admin, nonce, learner_id)
        try:
            rows = latency_rows(caller, pg_proxy, FLUSH_ROUND_TRIP_MS, REQUESTS[FLUSH_ROUND_TRIP_MS], counts, label,
                                servers)
        finally:
            caller.close()
    slow = next(row["value"] for row in rows if row["name"] == own_time_name(label, "forward"))
    plain = next(row["value"] for row in earlier
                 if row["name"] == own_time_name(pass_label(FLUSH_ROUND_TRIP_MS), "forward"))
    return rows + [{"name": f"{label}: forward: the sidecar's own time / the {FLUSH_ROUND_TRIP_MS} ms pass's",
                    "unit": "ratio", "value": round(slow / plain, 2),
                    "note": f"{slow} ms against {plain} ms; a read whose claim waited for the flush would be "
                            f"{COMMIT_FLUSH_US / 1000:g} ms slower ({(plain + COMMIT_FLUSH_US / 1000) / plain:.2f}x)"}]


def measure_with_ssl(site, root: Path, admin, nonce: str) -> list[dict]:
    """The 2 ms pass again against a PostgreSQL that offers SSL, every path with sslmode=require."""
    server = PrivatePostgres(ssl=True).start()
    try:
        pg = create_pg_database(server)
        try:
            SidecarServer(root / "migrate", site, pg).migrate()
            learner_id = seed_learner(pg)
            with CountingProxy(pg.host, pg.port) as pg_proxy, \
                    CountingProxy(site.db.host, site.db.port) as mysql_proxy:
                with sidecar_paths(root / "counted", site, pg, pg_proxy, mysql_proxy,
                                   sslmode="require") as (nginx, _):
                    caller = Caller(site, nginx, admin, nonce, learner_id)
                    counts = count_round_trips(caller, pg_proxy, mysql_proxy)
                    caller.close()
                with sidecar_paths(root / "timed", site, pg, pg_proxy, sslmode="require") as (nginx, servers):
                    caller = Caller(site, nginx, admin, nonce, learner_id)
                    rows = latency_rows(caller, pg_proxy, SSL_ROUND_TRIP_MS, REQUESTS[SSL_ROUND_TRIP_MS], counts,
                                        pass_label(SSL_ROUND_TRIP_MS, "SSL (sslmode=require)"),
                                        servers)
                    caller.close()
            return rows
        finally:
            drop_pg_database(pg)
    finally:
        server.remove()


def measure() -> list[dict]:
    with running_stack() as (site, _server, pg):
        return measure_on(site, pg)


if __name__ == "__main__":
    from bench.report import print_table
    print_table(measure())
