"""Direct mode against forward mode against the legacy-style PHP handler for one action (issue 7):
median latency and requests per second in one run, on the real stack plus a real nginx. The three take turns, one
request each (bench.stack.timed_in_turns), so the machine's drift falls on each alike."""
from __future__ import annotations

import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_bridge import PLUGIN, REQUESTS, legacy_php, seed_learner, through_wordpress  # noqa: E402
from bench.stack import bench_folder, median_ms, running_stack, timed_in_turns  # noqa: E402
from devstack.ajax import create_nonce  # noqa: E402
from devstack.nginx import Nginx  # noqa: E402
from devstack.sidecar_server import SidecarServer  # noqa: E402
from devstack.signed import wire_cookie  # noqa: E402


def measure_on(site, server, pg) -> list[dict]:
    site.install_plugin(PLUGIN, slug="wecoza-bench-legacy", main_file="wecoza-bench-legacy.php")
    with bench_folder("direct-") as root:
        direct_server = SidecarServer(root / "sidecar", site, pg, settings="[sidecar]\ndirect_mode = on\n").start()
        proxy = Nginx(root / "nginx", f"{direct_server.host}:{direct_server.port}", f"{site.host}:{site.port}").start()
        try:
            learner_id = seed_learner(pg)
            admin = site.login("admin")
            nonce = create_nonce(site, admin, "learners_nonce_action")
            fields = {"action": "wecoza_get_learner", "id": str(learner_id), "nonce": nonce}
            browser = requests.Session()
            cookies = {"Cookie": wire_cookie(admin)}

            def direct():
                response = browser.post(f"{proxy.url}/wp-admin/admin-ajax.php", data=fields, headers=cookies,
                                        timeout=30)
                assert response.status_code == 200, response.text

            calls = {"direct mode (nginx -> sidecar)": direct,
                     "forward mode (WordPress -> shim -> sidecar)": lambda: through_wordpress(site, admin, fields),
                     "legacy-style PHP handler": lambda: legacy_php(site, admin, fields)}
            timed_in_turns(calls, 10)  # warm up
            rows = []
            medians = {}
            for label, durations in timed_in_turns(calls, REQUESTS).items():
                medians[label] = median_ms(durations)
                rows.append({"name": f"modes: {label}: median", "value": round(medians[label], 2), "unit": "ms",
                             "note": f"{len(durations) / sum(durations):.0f} req/s, one client"})
            legacy_median = medians["legacy-style PHP handler"]
            for label in list(medians)[:2]:
                rows.append({"name": f"modes: {label.split(' (')[0]} / legacy median", "unit": "ratio",
                             "value": round(medians[label] / legacy_median, 2),
                             "note": "below 1 is faster than legacy; every figure includes the client's own work "
                                     "in requests (about 0.6 ms a request more than http.client's, measured "
                                     "against a server that answers at once), a larger share of the shortest "
                                     "path: bench_latency times the same paths through http.client"})
            return rows
        finally:
            proxy.stop()
            direct_server.stop()


def measure() -> list[dict]:
    with running_stack() as (site, server, pg):
        return measure_on(site, server, pg)


if __name__ == "__main__":
    from bench.report import print_table
    print_table(measure())
