"""The outbox: events written with the change, delivered at least once, fired once, never lost."""
from __future__ import annotations

import contextlib
import http.server
import threading
import time
from pathlib import Path

import pytest
import requests

from sidecar import outbox
from sidecar.config import load_config
from sidecar.context import ActionContext
from sidecar.dispatcher import REST_ROUTE, Dispatcher, events_url
from sidecar.event_catalogue import CATALOGUE
from sidecar.services import Services
from sidecar.registry import Registry
from wp_bridge.channel import ChannelSigner

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def test_delivery_event(monkeypatch):
    """The test's own event (the recorder plugin listens for it); emit takes only catalogued names."""
    monkeypatch.setitem(CATALOGUE, "wecoza_test_delivery", "n (a counter)")


def make_context(config, postgres):
    services = Services(config=config, wordpress=None, postgres=postgres, signer=None, registry=Registry())
    return ActionContext(services=services, action="test", request_id="t", method="POST", get={}, post={},
                         files={}, user=None, inline_events=False)


def pending(postgres):
    with postgres.transaction() as cur:
        cur.execute("SELECT id::text AS id, name, attempts, delivered_at, parked_at, last_error "
                    "FROM wecoza_sidecar.outbox ORDER BY created_at")
        return cur.fetchall()


def write_events(config, postgres, count, name="wecoza_test_delivery"):
    ids = []
    for i in range(count):
        ctx = make_context(config, postgres)
        with ctx.transaction() as unit:
            unit.cursor.execute("SELECT 1")
            ids.append(unit.emit(name, {"n": i}).id)
    return ids


class CountingSession(requests.Session):
    """Records which event ids each delivery carried (to prove no concurrent double delivery)."""

    def __init__(self, sent, lock):
        super().__init__()
        self.sent, self.lock = sent, lock

    def post(self, url, data=None, **kwargs):
        import json
        with self.lock:
            self.sent.extend(e["id"] for e in json.loads(data)["events"])
        time.sleep(0.05)
        return super().post(url, data=data, **kwargs)


def dispatcher_for(config, postgres, session=None, max_attempts=5):
    wordpress = config.wordpress()
    return Dispatcher(postgres, ChannelSigner(config.get("sidecar.shared_secret")), events_url(config, wordpress),
                      max_attempts=max_attempts, session=session)


def test_a_write_that_rolls_back_leaves_no_event(sidecar_config, postgres, clean_outbox):
    ctx = make_context(sidecar_config, postgres)
    with pytest.raises(RuntimeError):
        with ctx.transaction() as unit:
            unit.emit("wecoza_test_delivery", {"n": 1})
            raise RuntimeError("the change failed")
    assert pending(postgres) == []
    assert ctx.events == []


def test_events_survive_wordpress_being_down_and_fire_exactly_once(
        sidecar_config, postgres, wordpress_site, recorder, clean_outbox):
    recorder.clear()
    wordpress_site.stop()
    try:
        ids = write_events(sidecar_config, postgres, 12)
        down = dispatcher_for(sidecar_config, postgres)
        result = down.deliver_due()
        assert (result.claimed, result.delivered, result.failed) == (12, 0, 12)
        rows = pending(postgres)
        assert all(r["attempts"] == 1 and r["delivered_at"] is None and "unreachable" in r["last_error"]
                   for r in rows)
    finally:
        wordpress_site.start()
    with postgres.transaction() as cur:  # skip the backoff wait
        cur.execute("UPDATE wecoza_sidecar.outbox SET next_attempt_at = now()")
    up = dispatcher_for(sidecar_config, postgres)
    assert up.deliver_due().delivered == 12
    # A redelivery (as after a lost acknowledgement) is acknowledged but not fired again.
    with postgres.transaction() as cur:
        cur.execute("UPDATE wecoza_sidecar.outbox SET delivered_at = NULL, next_attempt_at = now()")
    assert up.deliver_due().delivered == 12
    fired = [r["event_id"] for r in recorder.rows("wecoza_test_delivery")]
    assert sorted(fired) == sorted(ids)


def test_two_dispatchers_never_deliver_one_event_twice(sidecar_config, postgres, recorder, clean_outbox):
    recorder.clear()
    ids = write_events(sidecar_config, postgres, 120)
    sent, lock = [], threading.Lock()
    workers = [dispatcher_for(sidecar_config, postgres, CountingSession(sent, lock)) for _ in range(2)]

    def drain(d):
        while d.deliver_due().claimed:
            pass

    threads = [threading.Thread(target=drain, args=(d,)) for d in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(sent) == sorted(ids), "every event sent exactly once across both dispatchers"
    assert sorted(r["event_id"] for r in recorder.rows("wecoza_test_delivery")) == sorted(ids)
    assert all(r["delivered_at"] is not None for r in pending(postgres))


def attempt_now(postgres, dispatcher, rounds: int) -> None:
    """``rounds`` delivery rounds, every event due at once (no waiting out the backoff)."""
    for _ in range(rounds):
        with postgres.transaction() as cur:
            cur.execute("UPDATE wecoza_sidecar.outbox SET next_attempt_at = now()")
        dispatcher.deliver_due()


def test_events_are_parked_after_the_last_attempt_and_can_be_retried(sidecar_config, postgres, clean_outbox):
    write_events(sidecar_config, postgres, 1)
    broken = Dispatcher(postgres, ChannelSigner("wrong-secret"), dispatcher_for(sidecar_config, postgres).events_url,
                        max_attempts=2)
    attempt_now(postgres, broken, 2)
    [row] = pending(postgres)
    assert row["parked_at"] is not None and row["attempts"] == 2 and "HTTP 40" in row["last_error"]
    with postgres.transaction() as cur:
        assert outbox.retry_parked(cur) == 1
    assert dispatcher_for(sidecar_config, postgres).deliver_due().delivered == 1


def test_forged_replayed_and_stale_deliveries_are_refused(sidecar_config, postgres, recorder, clean_outbox):
    import secrets as pysecrets
    from sidecar.phpjson import php_json_encode
    url = dispatcher_for(sidecar_config, postgres).events_url
    signer = ChannelSigner(sidecar_config.get("sidecar.shared_secret"))
    body = php_json_encode({"events": [{"id": "0b0e7e5a-0000-4000-8000-000000000001", "name": "wecoza_test_delivery",
                                        "payload": {"event_id": "0b0e7e5a-0000-4000-8000-000000000001"}}]}).encode()

    def send(secret_signer, stamp, request_id, signed_for=REST_ROUTE):
        headers = {"Content-Type": "application/json", "X-WeCoza-Timestamp": stamp, "X-WeCoza-Request-Id": request_id,
                   "X-WeCoza-Signature": secret_signer.sign_events("POST", signed_for, stamp, request_id, body)}
        return requests.post(url, data=body, headers=headers, timeout=10)

    recorder.clear()
    now = str(int(time.time()))
    assert send(ChannelSigner("forged"), now, pysecrets.token_hex(16)).status_code in (401, 403)
    # signed for another path: inline events of an answer, or another route of the shim
    assert send(signer, now, pysecrets.token_hex(16), "/ajax/wecoza_update_learner").status_code == 401
    assert send(signer, now, pysecrets.token_hex(16), "/wecoza-sidecar/v1/other").status_code == 401
    assert send(signer, str(int(time.time()) - 3600), pysecrets.token_hex(16)).status_code in (401, 403)
    request_id = pysecrets.token_hex(16)
    assert send(signer, now, request_id).status_code == 200
    assert send(signer, now, request_id).status_code in (401, 403)
    assert len(recorder.rows("wecoza_test_delivery")) == 1


def signed_message(server, path, message, signed_for=None):
    """POST a JSON message to ``path`` signed as the shim signs it, for ``signed_for`` (default: ``path``)."""
    headers, body = message_headers(server, signed_for or path, message)
    return requests.post(f"{server.url}{path}", data=body, timeout=10, headers=headers)


def message_headers(server, path, message):
    import json
    import secrets as pysecrets
    body = json.dumps(message).encode()
    stamp, request_id = str(int(time.time())), pysecrets.token_hex(16)
    signature = ChannelSigner(server.secret).sign_message("POST", path, stamp, request_id, body)
    return {"Content-Type": "application/json", "X-WeCoza-Timestamp": stamp, "X-WeCoza-Request-Id": request_id,
            "X-WeCoza-Signature": signature}, body


def test_status_lists_failing_and_parked_events_and_retry_revives_them(
        sidecar_config, postgres, sidecar_process, clean_outbox):
    [first, second] = write_events(sidecar_config, postgres, 2)
    with postgres.transaction() as cur:
        cur.execute("UPDATE wecoza_sidecar.outbox SET attempts = 8, parked_at = now(), last_error = 'HTTP 500' "
                    "WHERE id = %s", (first,))
        cur.execute("UPDATE wecoza_sidecar.outbox SET attempts = 2, last_error = 'unreachable' WHERE id = %s",
                    (second,))
    status = signed_message(sidecar_process, "/events/status", {}).json()
    assert (status["pending"], status["parked"]) == (1, 1)
    assert [e["id"] for e in status["parked_events"]] == [first]
    assert [e["id"] for e in status["failing_events"]] == [second]
    assert "payload" not in status["parked_events"][0]
    assert signed_message(sidecar_process, "/events/retry", {}).json() == {"retried": 1}
    assert signed_message(sidecar_process, "/events/status", {}).json()["parked"] == 0
    unsigned = requests.post(f"{sidecar_process.url}/events/retry", data=b"{}", timeout=10)
    assert unsigned.status_code == 401


def park(postgres, event_id):
    with postgres.transaction() as cur:
        cur.execute("UPDATE wecoza_sidecar.outbox SET attempts = 8, parked_at = now(), last_error = 'HTTP 500' "
                    "WHERE id = %s", (event_id,))


def test_a_status_request_replayed_to_retry_is_refused(sidecar_config, postgres, sidecar_process, clean_outbox):
    [parked] = write_events(sidecar_config, postgres, 1)
    park(postgres, parked)
    headers, body = message_headers(sidecar_process, "/events/status", {})
    replayed = requests.post(f"{sidecar_process.url}/events/retry", data=body, headers=headers, timeout=10)
    assert replayed.status_code == 401 and replayed.json()["error"] == "bad_signature"
    assert [r["parked_at"] is not None for r in pending(postgres)] == [True], "nothing was retried"
    # the same headers on the path they were signed for still work (the refusal did not use up the request id)
    status = requests.post(f"{sidecar_process.url}/events/status", data=body, headers=headers, timeout=10)
    assert status.status_code == 200 and status.json()["parked"] == 1


def test_an_acknowledgement_signature_is_refused_on_status_and_retry(sidecar_process, clean_outbox):
    for path in ("/events/status", "/events/retry"):
        refused = signed_message(sidecar_process, path, {"ids": []}, signed_for="/events/ack")
        assert refused.status_code == 401 and refused.json()["error"] == "bad_signature"
    refused = signed_message(sidecar_process, "/events/ack", {"ids": []}, signed_for="/events/status")
    assert refused.status_code == 401 and refused.json()["error"] == "bad_signature"


class InspectingSession(requests.Session):
    """While a delivery is in flight, looks at the claimed rows from another connection."""

    def __init__(self, postgres):
        super().__init__()
        self.postgres, self.seen = postgres, []

    def post(self, url, data=None, **kwargs):
        import json
        ids = [e["id"] for e in json.loads(data)["events"]]
        with self.postgres.transaction() as cur:
            # NOWAIT fails at once on a row another transaction holds locked
            cur.execute("SELECT id FROM wecoza_sidecar.outbox WHERE id = ANY(%s::uuid[]) FOR UPDATE NOWAIT", (ids,))
            locked_free = len(cur.fetchall())
            cur.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
                        "AND state LIKE 'idle in transaction%%'")
            idle_in_transaction = cur.fetchone()["n"]
            cur.execute("SELECT count(*) AS n FROM wecoza_sidecar.outbox "
                        "WHERE id = ANY(%s::uuid[]) AND leased_until > now()", (ids,))
            leased = cur.fetchone()["n"]
        self.seen.append((len(ids), locked_free, idle_in_transaction, leased))
        return super().post(url, data=data, **kwargs)


def test_no_transaction_is_open_while_a_delivery_is_in_flight(sidecar_config, postgres, recorder, clean_outbox):
    ids = write_events(sidecar_config, postgres, 3)
    session = InspectingSession(postgres)
    assert dispatcher_for(sidecar_config, postgres, session).deliver_due().delivered == 3
    # the rows are free to lock, no session idles inside a transaction, and the lease is what keeps them ours
    assert session.seen == [(3, 3, 0, 3)]
    rows = pending(postgres)
    assert sorted(r["id"] for r in rows) == sorted(ids) and all(r["delivered_at"] for r in rows)


@contextlib.contextmanager
def answering(body: bytes):
    """A loopback HTTP endpoint that answers every POST 200 with ``body`` as JSON: something other than the shim's
    events route at events_url (another REST route, a proxy's page)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("body", [b"[]", b'"ok"', b'{"acknowledged": "abc"}', b'{"code": "rest_no_route"}'])
def test_an_answer_without_an_acknowledged_list_is_a_failed_attempt(sidecar_config, postgres, clean_outbox, body):
    """Each attempt fails and backs off, and the last parks the event: before, a JSON list or string stopped the
    round with an exception, and the batch was claimed again for ever, never counted, never parked."""
    write_events(sidecar_config, postgres, 1)
    with answering(body) as url:
        misdirected = Dispatcher(postgres, ChannelSigner(sidecar_config.get("sidecar.shared_secret")), url,
                                 max_attempts=2)
        attempt_now(postgres, misdirected, 2)
    [row] = pending(postgres)
    assert (row["attempts"], row["parked_at"] is not None, row["delivered_at"]) == (2, True, None)
    assert row["last_error"] == "WordPress answered JSON without an acknowledged list"


def test_an_event_older_than_the_shims_memory_of_fired_ids_is_parked_not_delivered(
        sidecar_config, postgres, recorder, clean_outbox):
    """The shim fires an id once within the 30 days it remembers it; an older event (its inline acknowledgement
    lost, then parked and retried weeks later) might fire twice, so it is parked with the reason instead."""
    old, fresh = write_events(sidecar_config, postgres, 2)
    with postgres.transaction() as cur:
        cur.execute("UPDATE wecoza_sidecar.outbox SET next_attempt_at = now(), created_at = CASE WHEN id = %s "
                    "THEN now() - interval '29 days 1 hour' ELSE created_at END", (old,))
    dispatcher = dispatcher_for(sidecar_config, postgres)
    assert dispatcher.deliver_due().delivered == 1
    fired = [r["event_id"] for r in recorder.rows("wecoza_test_delivery")]
    assert fresh in fired and old not in fired
    rows = {r["id"]: r for r in pending(postgres)}
    assert rows[old]["parked_at"] is not None and rows[old]["delivered_at"] is None
    assert rows[old]["last_error"] == outbox.TOO_OLD
    with postgres.transaction() as cur:
        assert outbox.retry_parked(cur, [old]) == 1
    assert dispatcher.deliver_due().claimed == 0
    assert {r["id"]: r["parked_at"] is not None for r in pending(postgres)}[old]
    assert old not in [r["event_id"] for r in recorder.rows("wecoza_test_delivery")]
    store = (REPO / "wp-plugin-shim" / "includes" / "class-wecoza-sidecar-event-store.php").read_text()
    assert f"const KEEP_EVENTS_DAYS = {outbox.SHIM_REMEMBERS_DAYS};" in store


def test_a_lease_keeps_a_batch_from_other_dispatchers_until_it_ends(sidecar_config, postgres, clean_outbox):
    ids = write_events(sidecar_config, postgres, 2)
    first = outbox.claim(postgres, 50, 1)
    assert sorted(r["id"] for r in first) == sorted(ids)
    assert outbox.claim(postgres, 50, 1) == [], "leased to the first claimer"
    time.sleep(1.2)  # the claimer died: its lease ends and the events are due again
    assert sorted(r["id"] for r in outbox.claim(postgres, 50, 60)) == sorted(ids)


def test_a_failed_delivery_releases_the_lease_and_backs_off(sidecar_config, postgres, clean_outbox):
    [event_id] = write_events(sidecar_config, postgres, 1)
    outbox.claim(postgres, 50, 60)
    with postgres.transaction() as cur:
        [row] = outbox.failed(cur, [event_id], "WordPress answered HTTP 500", max_attempts=3)
        assert (row["attempts"], row["parked"]) == (1, False)
        cur.execute("SELECT leased_until, extract(epoch FROM next_attempt_at - now()) AS wait "
                    "FROM wecoza_sidecar.outbox WHERE id = %s", (event_id,))
        state = cur.fetchone()
    assert state["leased_until"] is None and 1 <= state["wait"] <= 2


def test_the_default_attempts_retry_through_most_of_a_day_before_parking(sidecar_config, postgres, clean_outbox):
    """An outage of WordPress for hours parks nothing: the pauses double from 2 s to an hour, over the default
    ``[dispatch] max_attempts`` (8 parked an event after four minutes)."""
    [event_id] = write_events(sidecar_config, postgres, 1)
    attempts = load_config({}).int("dispatch.max_attempts")
    waited, parked_after = 0.0, None
    with postgres.transaction() as cur:
        for attempt in range(1, attempts + 1):
            [row] = outbox.failed(cur, [event_id], "WordPress unreachable: ConnectionError", attempts)
            if row["parked"]:
                parked_after = attempt
                break
            cur.execute("SELECT extract(epoch FROM next_attempt_at - now()) AS wait FROM wecoza_sidecar.outbox "
                        "WHERE id = %s", (event_id,))
            waited += float(cur.fetchone()["wait"])
    assert parked_after == attempts
    assert 20 * 3600 <= waited <= 26 * 3600, f"retried for {waited / 3600:.1f} h"


def test_delivered_events_are_deleted_after_the_retention(sidecar_config, postgres, clean_outbox):
    old, recent, waiting = write_events(sidecar_config, postgres, 3)
    with postgres.transaction() as cur:
        cur.execute("UPDATE wecoza_sidecar.outbox SET delivered_at = now() - interval '31 days', "
                    "created_at = now() - interval '40 days' WHERE id = %s", (old,))
        cur.execute("UPDATE wecoza_sidecar.outbox SET delivered_at = now() - interval '29 days' WHERE id = %s",
                    (recent,))
        cur.execute("UPDATE wecoza_sidecar.outbox SET created_at = now() - interval '60 days' WHERE id = %s",
                    (waiting,))
    assert outbox.prune(postgres, 0) == 0, "0 keeps every event"
    assert outbox.prune(postgres, 30) == 1
    assert sorted(r["id"] for r in pending(postgres)) == sorted([recent, waiting])


def test_the_retention_setting(sidecar_process):
    from sidecar.config import ConfigError
    assert load_config({**sidecar_process.env}).int("outbox.retention_days") == 30
    assert load_config({**sidecar_process.env, "WECOZA_OUTBOX_RETENTION_DAYS": "7"}).int("outbox.retention_days") == 7
    with pytest.raises(ConfigError):
        load_config({**sidecar_process.env, "WECOZA_OUTBOX_RETENTION_DAYS": "-1"})


def metric(text: str, name: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(name + " ")]
    return float(line.split()[1])


def test_readyz_metrics_and_status_count_the_same_backlog(sidecar_config, postgres, sidecar_process, clean_outbox):
    """The backlog is the events still to be delivered: a parked or a delivered event is not in it."""
    waiting, parked, delivered = write_events(sidecar_config, postgres, 3)
    park(postgres, parked)
    with postgres.transaction() as cur:
        outbox.mark_delivered(cur, [delivered], "inline")
    ready = requests.get(f"{sidecar_process.url}/readyz", timeout=10).json()
    metrics = requests.get(f"{sidecar_process.url}/metrics", timeout=10).text
    status = signed_message(sidecar_process, "/events/status", {}).json()
    assert (ready["outbox_backlog"], ready["outbox_parked"]) == (1, 1)
    assert (metric(metrics, "wecoza_sidecar_outbox_backlog"), metric(metrics, "wecoza_sidecar_outbox_parked")) == (1, 1)
    assert (status["pending"], status["parked"]) == (1, 1)
