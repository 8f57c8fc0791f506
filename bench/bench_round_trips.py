"""PostgreSQL and MySQL round trips per request for every action (issue 15): one realistic, successful request as
an administrator through WordPress -> shim -> sidecar for each action of the registry and both learner form posts
(devstack/action_requests.py, shared with tests/bridge/test_round_trip_budget_e2e.py), with the sidecar's
PostgreSQL and MySQL connections through counting proxies without delay. Each figure is the mean over a few
requests after warming up (pool open, the action's caches as in steady use), each request with fresh rows.

Targets: a read 1 PostgreSQL round trip, its replay check included; a write one per statement that needs an
earlier statement's answer; MySQL 1 (authentication). The shim's acknowledgement of a write's events, a second
request to the sidecar after the browser has the answer, is reported beside the write, not in it.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stack import bench_folder, running_stack  # noqa: E402
from devstack import action_requests  # noqa: E402
from devstack.action_requests import forwarding_to_proxied_sidecar, labels  # noqa: E402

REPEATS = 5


def figure(value: float):
    return int(value) if value == int(value) else round(value, 2)


def rows_of(results: list[dict]) -> list[dict]:
    rows = []
    for result in results:
        kind = "read" if result["read"] else "write"
        status = "/".join(str(s) for s in result["statuses"])
        note = (f"{kind}; MySQL round trips: {figure(result['mysql'])}; HTTP {status}, "
                f"{'succeeded' if result['ok'] else 'FAILED'}")
        if result["acknowledgement"]:
            note += f"; the shim's event acknowledgement after it: {figure(result['acknowledgement'])} PostgreSQL"
        rows.append({"name": f"round trips: {result['label']}", "value": figure(result["postgres"]),
                     "unit": "PostgreSQL", "note": note})
    reads = [r for r in results if r["read"]]
    for database, key in (("PostgreSQL", "postgres"), ("MySQL", "mysql")):
        # the median request: a cache reloaded now and then (the site data, every minute) is not the read's
        at_one = sum(1 for r in reads if r["typical"][key] == 1)
        rows.append({"name": f"round trips: reads at 1 {database} round trip", "value": f"{at_one} of {len(reads)}",
                     "unit": "actions", "note": "target: all; the median of the requests counted"})
    return rows


def measure_on(site, server, pg) -> list[dict]:
    with bench_folder("round-trips-") as root:
        uploads = Path(site.path) / "wp-content" / "uploads"
        with forwarding_to_proxied_sidecar(root, site, pg, server, uploads) as (sidecar, requests_):
            return rows_of([action_requests.measure(requests_, sidecar.meter, label, repeats=REPEATS)
                            for label in labels()])


def measure() -> list[dict]:
    with running_stack() as (site, server, pg):
        return measure_on(site, server, pg)


if __name__ == "__main__":
    from bench.report import print_table
    print_table(measure())
