"""``wecoza-sidecar dispatch``: delivers outbox events the shim did not acknowledge.

Each round claims due events with a lease (``outbox.claim``: any number of dispatchers on any number of
hosts never deliver one event concurrently), POSTs them signed to the shim's REST route with no
transaction open, and marks them delivered, or schedules a retry with exponential backoff, or parks them
after the last attempt. Delivered events older than ``[outbox] retention_days`` are deleted.
"""
from __future__ import annotations

import logging
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import requests

from wp_bridge.channel import ChannelSigner

from . import outbox
from .db import DatabaseUnavailable, Postgres
from .phpjson import php_json_encode

log = logging.getLogger("wecoza.sidecar.dispatch")

BATCH = 50
# How long a claimed batch is the claimer's: longer than a delivery takes (``timeout`` per read, 10 s by
# default). A delivery that outlasts it may be sent again by another dispatcher; the shim fires an event once.
LEASE_SECONDS = 120
PRUNE_EVERY = 3600  # seconds between deletions of old delivered events
REST_ROUTE = "/wecoza-sidecar/v1/events"


@dataclass
class Round:
    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    parked: int = 0


class Dispatcher:
    def __init__(self, postgres: Postgres, signer: ChannelSigner, events_url: str,
                 max_attempts: int, timeout: float = 10.0, session=None):
        self.postgres = postgres
        self.signer = signer
        self.events_url = events_url
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.http = session or requests.Session()

    def deliver_due(self) -> Round:
        rows = outbox.claim(self.postgres, BATCH, LEASE_SECONDS)
        result = Round(claimed=len(rows))
        if not rows:
            return result
        acknowledged, error = self._post(rows)  # no transaction is open: the lease keeps the batch ours
        with self.postgres.transaction() as cur:
            result.delivered = outbox.delivered(cur, [r["id"] for r in rows if r["id"] in acknowledged])
            settled = outbox.failed(cur, [r["id"] for r in rows if r["id"] not in acknowledged],
                                    error or "not acknowledged", self.max_attempts)
        for row in settled:
            if row["parked"]:
                result.parked += 1
                log.error("[WeCoza Core] event %s (%s) parked after %s attempts: %s",
                          row["id"], row["name"], row["attempts"], error)
            else:
                result.failed += 1
        return result

    def _post(self, rows) -> tuple[set, str | None]:
        body = php_json_encode({"events": [
            {"id": r["id"], "name": r["name"], "payload": r["payload"]} for r in rows]}).encode("ascii")
        stamp = str(int(time.time()))
        request_id = secrets.token_hex(16)
        headers = {
            "Content-Type": "application/json",
            "X-WeCoza-Timestamp": stamp,
            "X-WeCoza-Request-Id": request_id,
            "X-WeCoza-Signature": self.signer.sign_events("POST", REST_ROUTE, stamp, request_id, body),
        }
        try:
            response = self.http.post(self.events_url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            return set(), f"WordPress unreachable: {type(exc).__name__}"
        if response.status_code != 200:
            return set(), f"WordPress answered HTTP {response.status_code}"
        try:
            answer = response.json()
        except ValueError:
            return set(), "WordPress answered something that is not JSON"
        acked = answer.get("acknowledged") if isinstance(answer, dict) else None
        if not isinstance(acked, list):
            # another route answered (events_url points elsewhere): a failed attempt, so the batch backs off and
            # is parked in the end rather than claimed again for ever
            return set(), "WordPress answered JSON without an acknowledged list"
        return {str(i) for i in acked}, None


def events_url(config, wordpress) -> str:
    configured = config.get("dispatch.events_url")
    if configured:
        return configured
    home = (wordpress.get_option("home") or wordpress.get_option("siteurl") or "").rstrip("/")
    if not home:
        raise RuntimeError("cannot find the WordPress address: set [dispatch] events_url")
    # rest_route works whatever the site's permalink setting; it is /wp-json/wecoza-sidecar/v1/events.
    return f"{home}/?rest_route={REST_ROUTE}"


def build(config) -> Dispatcher:
    wordpress = config.wordpress()
    postgres = Postgres(lambda: config.postgres_params(wordpress), pool_max=2)
    signer = ChannelSigner(config.get("sidecar.shared_secret"))
    return Dispatcher(postgres, signer, events_url(config, wordpress),
                      max_attempts=config.int("dispatch.max_attempts"))


def run_forever(config, once: bool = False) -> int:
    from .logs import configure_logging
    configure_logging(config.get("sidecar.log_level"))
    dispatcher = build(config)
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    interval = float(config.get("dispatch.interval"))
    log.info("dispatcher delivering to %s", dispatcher.events_url)
    retention_days = config.int("outbox.retention_days")
    pruned_at = None
    while not stopping.is_set():
        if pruned_at is None or time.monotonic() - pruned_at >= PRUNE_EVERY:
            pruned_at = time.monotonic()
            prune(dispatcher.postgres, retention_days)
        try:
            result = dispatcher.deliver_due()
        except DatabaseUnavailable as exc:
            log.error("[WeCoza Core] dispatcher: PostgreSQL unavailable: %s", exc)
            result = Round()
        except Exception:
            log.exception("[WeCoza Core] dispatcher round failed")
            result = Round()
        if result.claimed:
            log.info("dispatched", extra={"fields": {"message": "dispatched", **result.__dict__}})
        if once and result.claimed < BATCH:
            break
        if result.claimed < BATCH:
            stopping.wait(interval)
    dispatcher.postgres.close()
    return 0


def prune(postgres, retention_days: int) -> int:
    """Delete old delivered events; a failure is logged and waits for the next turn."""
    try:
        deleted = outbox.prune(postgres, retention_days)
    except Exception:  # noqa: BLE001 - pruning never stops delivery
        log.exception("[WeCoza Core] dispatcher: deleting delivered events failed")
        return 0
    if deleted:
        log.info("pruned", extra={"fields": {"message": "pruned", "deleted": deleted,
                                             "retention_days": retention_days}})
    return deleted


# How long the server, exiting, waits for the dispatcher of ``serve --dispatch`` to finish its round.
STOP_SECONDS = 20


def start_in_background(config) -> subprocess.Popen:
    """``serve --dispatch``: a dispatcher process that ends with the server. The server waits for it as it exits:
    under systemd's KillMode=mixed whatever is left once the main process has gone is killed."""
    import atexit
    process = subprocess.Popen([sys.executable, "-m", "sidecar", "dispatch"])

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pass  # killed with the rest
    atexit.register(stop)
    return process
