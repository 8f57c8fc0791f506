"""A bounded load test (issue 9): throughput, median and p99 latency and error rate at several concurrency
levels, straight to the sidecar and through WordPress -> shim -> sidecar, on this machine. Every loop is
bounded in time and request count and talks only to loopback."""
from __future__ import annotations

import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_bridge import seed_learner  # noqa: E402
from bench.stack import median_ms, percentile_ms, running_stack, throughput  # noqa: E402
from devstack import ajax  # noqa: E402
from devstack.ajax import create_nonce  # noqa: E402
from devstack.signed import cookie_header, forward  # noqa: E402

LEVELS = (1, 4, 16)
SECONDS = 8
MAX_REQUESTS = 3000


def measure_on(site, server, pg) -> list[dict]:
    learner_id = seed_learner(pg)
    admin = site.login("admin")
    nonce = create_nonce(site, admin, "learners_nonce_action")
    wire = {c.name: c.value for c in admin.cookies if c.name.startswith("wordpress")}
    fields = {"action": "wecoza_get_learner", "id": str(learner_id), "nonce": nonce}

    def sidecar_call():
        http = requests.Session()

        def call():
            response, _ = forward(server, "wecoza_get_learner", fields, cookie=cookie_header(wire), session=http)
            return response.status_code == 200
        return call

    def wordpress_call():
        http = requests.Session()
        http.cookies.update(admin.cookies)

        def call():
            try:
                return ajax.call(site, http, "wecoza_get_learner", fields, timeout=30).status_code == 200
            except requests.RequestException:
                return False
        return call

    rows = []
    for path, make_call in (("sidecar", sidecar_call), ("WordPress->shim->sidecar", wordpress_call)):
        for level in LEVELS:
            result = throughput(make_call, level, SECONDS, MAX_REQUESTS)
            lat = result["latencies"] or [0.0]
            error_rate = result["errors"] / result["count"] if result["count"] else 0.0
            rows.append({"name": f"load {path} x{level}: throughput", "value": round(result["rps"], 1),
                         "unit": "req/s",
                         "note": f"median {median_ms(lat):.1f} ms, p99 {percentile_ms(lat, 99):.1f} ms, "
                                 f"errors {error_rate:.2%} of {result['count']}"})
    return rows


def measure() -> list[dict]:
    with running_stack(workers=3) as (site, server, pg):
        return measure_on(site, server, pg)


if __name__ == "__main__":
    from bench.report import print_table
    print_table(measure())
