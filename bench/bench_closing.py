"""Closing connections beside the worker's event loop (sidecar/lingering.py, issue 15), measured against gunicorn's
own gthread in one run: a sidecar of one worker under each class in turn, started as an operator's gunicorn is
(``config/gunicorn.conf.py``, the class given on the command line). Two clients read a learner through WordPress ->
shim -> sidecar without pause, so the shim's early reads close their connections while WordPress loads; meanwhile
signed reads go straight to the same sidecar, each on a new connection, and their latency is reported: median, p90
and p99, and the ratios of our class to gunicorn's. The classes alternate, twice each, so drift falls on both."""
from __future__ import annotations

import contextlib
import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_bridge import seed_learner  # noqa: E402
from bench.stack import FormPoster, bench_folder, percentile_ms, running_stack, timed  # noqa: E402
from devstack.ajax import create_nonce  # noqa: E402
from devstack.sidecar_server import SidecarServer, connect_shim  # noqa: E402
from devstack.signed import forward, wire_cookie  # noqa: E402

GTHREAD, OURS = "gunicorn's gthread", "LingeringThreadWorker"
CLASSES = {GTHREAD: "gthread", OURS: "sidecar.lingering.LingeringThreadWorker"}
ROUNDS = 2
STRAIGHT_READS = 300
WORDPRESS_CLIENTS = 2
AJAX = "/wp-admin/admin-ajax.php"


@contextlib.contextmanager
def one_worker(root: Path, site, pg, worker_class: str):
    """A sidecar of one worker of ``worker_class`` under ``gunicorn -c config/gunicorn.conf.py``, the shim pointed
    at it; yields its SidecarServer (for its URL and secret)."""
    server = SidecarServer(root, site, pg, workers=1)
    try:
        server.start_under_gunicorn("--worker-class", worker_class)
        connect_shim(site, server, pg)
        yield server
    finally:
        server.stop()


def straight_reads_beside_wordpress(site, server, cookie: str, fields: dict) -> tuple[list[float], int]:
    """(durations of the straight reads, reads through WordPress meanwhile)."""
    stop = threading.Event()
    through_wordpress = []

    def read_through_wordpress():
        poster = FormPoster(site.url, cookie)
        try:
            while not stop.is_set():
                status, body = poster.post(AJAX, fields)
                assert status == 200 and body.startswith(b'{"success":true'), (status, body[:200])
                through_wordpress.append(1)
        finally:
            poster.close()

    def straight():
        response, _ = forward(server, fields["action"], {"id": fields["id"], "nonce": fields["nonce"]}, cookie=cookie)
        assert response.status_code == 200, response.text

    clients = [threading.Thread(target=read_through_wordpress) for _ in range(WORDPRESS_CLIENTS)]
    for client in clients:
        client.start()
    try:
        timed(straight, 20)  # both kinds of traffic under way
        return timed(straight, STRAIGHT_READS), len(through_wordpress)
    finally:
        stop.set()
        for client in clients:
            client.join()


def measure_on(site, pg) -> list[dict]:
    learner_id = seed_learner(pg)
    admin = site.login("admin")
    cookie = wire_cookie(admin)
    fields = {"action": "wecoza_get_learner", "id": str(learner_id),
              "nonce": create_nonce(site, admin, "learners_nonce_action")}
    durations = {name: [] for name in CLASSES}
    alongside = dict.fromkeys(CLASSES, 0)
    with bench_folder("closing-") as root:
        for round_number in range(ROUNDS):
            for name, worker_class in CLASSES.items():
                with one_worker(root / f"{round_number}-{worker_class}", site, pg, worker_class) as server:
                    reads, through_wordpress = straight_reads_beside_wordpress(site, server, cookie, fields)
                durations[name] += reads
                alongside[name] += through_wordpress
    rows = []
    for name in CLASSES:
        rows += [{"name": f"closing: straight reads beside WordPress's, {name}: {label}", "unit": "ms",
                  "value": round(value, 2),
                  "note": f"{len(durations[name])} signed reads, a new connection each, to a sidecar of one worker "
                          f"while {WORDPRESS_CLIENTS} clients read through WordPress ({alongside[name]} reads)"}
                 for label, value in (("median", statistics.median(durations[name]) * 1000),
                                      ("p90", percentile_ms(durations[name], 90)),
                                      ("p99", percentile_ms(durations[name], 99)))]
    for label, pct in (("median", 50), ("p90", 90), ("p99", 99)):
        rows.append({"name": f"closing: {label}, {OURS} / gthread", "unit": "ratio",
                     "value": round(percentile_ms(durations[OURS], pct) / percentile_ms(durations[GTHREAD], pct), 2),
                     "note": "below 1: the shim's closing connections held gthread's event loop"})
    return rows


def measure() -> list[dict]:
    with running_stack() as (site, _server, pg):
        return measure_on(site, pg)


if __name__ == "__main__":
    from bench.report import print_table
    print_table(measure())
