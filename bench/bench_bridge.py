"""The bridge's cost (issue 4), measured in one run on the real stack:

(a) a bare Flask endpoint (/healthz) on the sidecar's own server,
(b) the sidecar's wecoza_get_learner with full auth (signed as the shim signs),
(c) the same action through WordPress -> shim -> sidecar,
(d) a legacy-style PHP admin-ajax handler in the same WordPress (new PDO connection per request).
Reported: median latency and requests per second (one client), and the ratios (b)/(a), (c)/(d). The four take turns,
one request each, so the machine's drift falls on each alike (timed as blocks one after another, (c)/(d) moved by a
quarter between runs).
"""
from __future__ import annotations

import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stack import median_ms, running_stack, timed_in_turns  # noqa: E402
from devstack import ajax  # noqa: E402
from devstack.ajax import create_nonce  # noqa: E402
from devstack.signed import forward, wire_cookie  # noqa: E402

REQUESTS = 200
PLUGIN = Path(__file__).resolve().parent / "plugins"


def seed_learner(pg) -> int:
    with pg.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO learners (first_name, surname, sa_id_no, email_address, employment_status, "
                    "disability_status) VALUES ('Bench', 'Learner', '9001015009087', 'bench@example.test', true, "
                    "false) RETURNING id")
        learner_id = cur.fetchone()[0]
        conn.commit()
    return learner_id


def through_wordpress(site, admin, fields: dict) -> None:
    """wecoza_get_learner through WordPress -> shim -> sidecar."""
    response = ajax.call(site, admin, "wecoza_get_learner", fields, timeout=30)
    assert response.status_code == 200, response.text


def legacy_php(site, admin, fields: dict) -> None:
    """The same read by the legacy-style PHP handler (bench/plugins)."""
    response = ajax.call(site, admin, "bench_legacy_get_learner", dict(fields, action="bench_legacy_get_learner"),
                         timeout=30)
    assert response.status_code == 200, response.text


def measure_on(site, server, pg) -> list[dict]:
    site.install_plugin(PLUGIN, slug="wecoza-bench-legacy", main_file="wecoza-bench-legacy.php")
    learner_id = seed_learner(pg)
    admin = site.login("admin")
    nonce = create_nonce(site, admin, "learners_nonce_action")
    cookies = wire_cookie(admin)
    direct = requests.Session()
    fields = {"action": "wecoza_get_learner", "id": str(learner_id), "nonce": nonce}

    def bare():
        assert direct.get(f"{server.url}/healthz", timeout=10).status_code == 200

    def sidecar_auth():
        response, _ = forward(server, "wecoza_get_learner", fields, cookie=cookies, session=direct)
        assert response.status_code == 200, response.text

    calls = {"a": bare, "b": sidecar_auth, "c": lambda: through_wordpress(site, admin, fields),
             "d": lambda: legacy_php(site, admin, fields)}
    timed_in_turns(calls, 10)  # warm up
    results = {name: (median_ms(durations), len(durations) / sum(durations))
               for name, durations in timed_in_turns(calls, REQUESTS).items()}
    labels = {"a": "bare Flask endpoint (same server)", "b": "sidecar wecoza_get_learner, full auth",
              "c": "WordPress -> shim -> sidecar", "d": "legacy-style PHP handler (new PDO per request)"}
    rows = [{"name": f"bridge ({k}) {labels[k]}: median", "value": round(v[0], 2), "unit": "ms",
             "note": f"{v[1]:.0f} req/s, one client"} for k, v in results.items()]
    rows.append({"name": "bridge (b)/(a) median latency", "value": round(results["b"][0] / results["a"][0], 2),
                 "unit": "ratio", "note": "cost of auth + query over a bare endpoint"})
    rows.append({"name": "bridge (c)/(d) median latency", "value": round(results["c"][0] / results["d"][0], 2),
                 "unit": "ratio", "note": "forward path against the legacy-style PHP handler"})
    return rows


def measure() -> list[dict]:
    with running_stack() as (site, server, pg):
        return measure_on(site, server, pg)


if __name__ == "__main__":
    from bench.report import print_table
    print_table(measure())
