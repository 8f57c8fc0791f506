"""/metrics under two workers: every worker's requests are counted once, whichever worker answers."""
import re
from concurrent.futures import ThreadPoolExecutor

import requests
from prometheus_client.parser import text_string_to_metric_families

from devstack.ajax import call, create_nonce

ACTION = "wecoza_get_learner"
N = 24


def scrape(url):
    """{(sample name, ((label, value), ...)): value} of one GET /metrics."""
    response = requests.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def by_label(samples, name, label, **fixed):
    """{label value: sample value} of the samples of `name` that carry `fixed`."""
    out = {}
    for (sample_name, labels), v in samples.items():
        labels = dict(labels)
        if sample_name == name and all(labels.get(k) == w for k, w in fixed.items()):
            out[labels.get(label)] = v
    return out


def delta(after, before):
    return {k: after.get(k, 0.0) - before.get(k, 0.0) for k in set(after) | set(before)
            if after.get(k, 0.0) != before.get(k, 0.0)}


def test_request_counts_add_up_across_two_workers(sidecar_server, wordpress_site, login, probe_learner):
    booted = set(re.findall(r"Spawning worker-\d+ with PID: (\d+)", sidecar_server.log()))
    assert sidecar_server.workers == 2 and len(booted) >= 2, "the sidecar should run two workers"

    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    subscriber = login("subscriber1")
    subscriber_nonce = create_nonce(wordpress_site, subscriber, "learners_nonce_action")
    before = scrape(sidecar_server.url)
    since = len(sidecar_server.log())

    def one(_):  # a session per request: concurrent requests, spread over both workers by the kernel
        session = requests.Session()
        session.cookies.update(admin.cookies)
        return call(wordpress_site, session, ACTION, {"id": str(probe_learner["id"]), "nonce": nonce})

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(one, range(N)))
    assert [r.status_code for r in answers] == [200] * N
    assert all(r.json()["data"]["id"] == probe_learner["id"] for r in answers)

    refused = [call(wordpress_site, subscriber, ACTION, {"id": str(probe_learner["id"]), "nonce": subscriber_nonce})
               for _ in range(3)]                                                        # capability
    refused += [call(wordpress_site, admin, ACTION, {"id": str(probe_learner["id"]), "nonce": "0123456789"})
                for _ in range(2)]                                                       # nonce
    refused += [call(wordpress_site, None, ACTION, {"id": str(probe_learner["id"]), "nonce": nonce})
                for _ in range(2)]                                                       # logged out
    assert [r.status_code for r in refused] == [403] * 5 + [400] * 2
    # A request is counted just before its log line is written, once its answer went out.
    assert len(sidecar_server.request_lines(since, count=N + 7, action=ACTION)) == N + 7

    scrapes = [scrape(sidecar_server.url) for _ in range(6)]  # /metrics itself is not counted
    counted = [by_label(s, "wecoza_sidecar_requests_total", "status", action=ACTION) for s in scrapes]
    assert all(c == counted[0] for c in counted), "every worker must report the same totals"
    after = scrapes[-1]

    requests_delta = delta(counted[-1], by_label(before, "wecoza_sidecar_requests_total", "status", action=ACTION))
    assert requests_delta == {"200": N, "403": 5, "400": 2}

    histogram = {suffix: value(after, f"wecoza_sidecar_request_seconds_{suffix}", action=ACTION)
                 - value(before, f"wecoza_sidecar_request_seconds_{suffix}", action=ACTION)
                 for suffix in ("count",)}
    assert histogram["count"] == N + 7
    # Consistent in themselves: the +Inf bucket is the count, and the count is every status of the action.
    assert value(after, "wecoza_sidecar_request_seconds_bucket", action=ACTION, le="+Inf") == \
        value(after, "wecoza_sidecar_request_seconds_count", action=ACTION)
    assert sum(counted[-1].values()) == value(after, "wecoza_sidecar_request_seconds_count", action=ACTION)
    assert value(after, "wecoza_sidecar_request_seconds_sum", action=ACTION) > \
        value(before, "wecoza_sidecar_request_seconds_sum", action=ACTION)

    rejections = delta(by_label(after, "wecoza_sidecar_auth_rejections_total", "reason", action=ACTION),
                       by_label(before, "wecoza_sidecar_auth_rejections_total", "reason", action=ACTION))
    assert rejections.pop("capability") == 3
    nonce_reasons = {reason: n for reason, n in rejections.items() if "nonce" in reason}
    assert sum(nonce_reasons.values()) == 2, rejections
    logged_out = {reason: n for reason, n in rejections.items() if reason not in nonce_reasons}
    assert sum(logged_out.values()) == 2, rejections

    for gauge in ("wecoza_sidecar_pg_pool_in_use", "wecoza_sidecar_pg_pool_open",
                  "wecoza_sidecar_outbox_backlog", "wecoza_sidecar_outbox_parked",
                  "wecoza_sidecar_outbox_oldest_pending_seconds"):
        assert (gauge, ()) in after, f"{gauge} is missing from /metrics"
    assert 0 <= value(after, "wecoza_sidecar_pg_pool_in_use") <= value(after, "wecoza_sidecar_pg_pool_open")
    assert value(after, "wecoza_sidecar_outbox_backlog") >= 0


def test_the_pool_keeps_connections_between_requests(sidecar_server, wordpress_site, login, probe_learner):
    """A pool that closed every connection on return (psycopg2 with minconn 0) would show 0 open here."""
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    for _ in range(4):
        assert call(wordpress_site, admin, ACTION, {"id": str(probe_learner["id"]), "nonce": nonce}).status_code == 200
    # Each worker sets the gauges when it answers /metrics; after a few scrapes each one has reported.
    opened = [value(scrape(sidecar_server.url), "wecoza_sidecar_pg_pool_open") for _ in range(6)]
    assert max(opened) >= 1
