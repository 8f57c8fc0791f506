"""Work before authentication (issue 14, points 2 and 3): hostile requests to a direct-mode sidecar against a plain
request of the same caller, as ratios of medians (the sidecar alone, no proxy in front).

* anonymous: a 7 MB multipart of 120k parts is never parsed (handed to PHP unread), like a small POST;
* logged in: the same body is read until the field limit refuses it;
* a login cookie whose user name is 6,000 ``&`` is refused before any pattern runs.
"""
from __future__ import annotations

import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import print_table  # noqa: E402
from bench.stack import bench_folder, median_ms, running_stack, timed  # noqa: E402
from devstack.sidecar_server import SidecarServer  # noqa: E402
from devstack.signed import cookie_header  # noqa: E402

REQUESTS = 30
BOUNDARY = "bench"
HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def many_parts(count: int = 120_000) -> bytes:
    """About 7 MB: ``count`` one-byte fields ``a[]`` after the action (the review sent 6.8 MB)."""
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="action"\r\n\r\nsave_class\r\n'.encode()
    part = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a[]"\r\n\r\nx\r\n'.encode()
    return head + part * count + f"--{BOUNDARY}--\r\n".encode()


def measure_on(site, pg) -> list[dict]:
    with bench_folder("parsers-") as root:
        server = SidecarServer(root / "sidecar", site, pg, settings="[sidecar]\ndirect_mode = on\n").start()
        try:
            url = f"{server.url}/wp-admin/admin-ajax.php"
            http = requests.Session()
            admin = site.login("admin")
            wire = {c.name: c.value for c in admin.cookies if c.name.startswith("wordpress")}
            logged_in = {"Cookie": cookie_header(wire)}
            name = next(n for n in wire if n.startswith("wordpress_logged_in_"))
            ampersands = {"Cookie": cookie_header({name: "&" * 6000 + "|1999999999|token|hmac"})}
            hostile = many_parts()
            small = {"action": "save_class", "a[]": "x"}

            def median(call) -> float:
                call()
                return median_ms(timed(call, REQUESTS))

            def post(body, headers=None):
                return lambda: http.post(url, data=body, headers=headers or {}, timeout=120)

            anonymous_plain = median(post(small))
            anonymous_hostile = median(post(hostile, HEADERS))
            admin_plain = median(post(small, logged_in))
            admin_hostile = median(post(hostile, {**HEADERS, **logged_in}))
            get_plain = median(lambda: http.get(url, params={"action": "wecoza_get_learner"}, timeout=30))
            get_ampersands = median(lambda: http.get(url, params={"action": "wecoza_get_learner"}, headers=ampersands,
                                                     timeout=30))
        finally:
            server.stop()
        note = f"{REQUESTS} requests each, direct mode, sidecar alone; body {len(hostile) / 1e6:.1f} MB"
        return [
            {"name": "parsers: anonymous 120k-part multipart / small anonymous POST",
             "value": round(anonymous_hostile / anonymous_plain, 2), "unit": "x", "note": note + "; never parsed"},
            {"name": "parsers: logged-in 120k-part multipart / small logged-in POST",
             "value": round(admin_hostile / admin_plain, 2), "unit": "x", "note": "refused at the field limit"},
            {"name": "parsers: cookie user name of 6,000 '&' / no cookie",
             "value": round(get_ampersands / get_plain, 2), "unit": "x", "note": "refused before any pattern"},
            {"name": "parsers: small anonymous POST median", "value": round(anonymous_plain, 2), "unit": "ms",
             "note": note},
        ]


def measure() -> list[dict]:
    with running_stack() as (site, _server, pg):
        return measure_on(site, pg)


if __name__ == "__main__":
    print_table(measure())
