"""Prometheus metrics. Under several workers, PROMETHEUS_MULTIPROC_DIR (``wecoza-sidecar serve`` and
config/gunicorn.conf.py set it) makes /metrics add up every worker."""
from __future__ import annotations

import os
import re

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

from . import outbox

REQUESTS = Counter("wecoza_sidecar_requests_total", "Requests by action and HTTP status", ["action", "status"])
LATENCY = Histogram("wecoza_sidecar_request_seconds", "Request duration by action", ["action"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
AUTH_REJECTIONS = Counter("wecoza_sidecar_auth_rejections_total", "Refused callers by reason", ["action", "reason"])
CHANNEL_REJECTIONS = Counter("wecoza_sidecar_channel_rejections_total", "Refused shim messages by reason", ["reason"])
POOL_IN_USE = Gauge("wecoza_sidecar_pg_pool_in_use", "PostgreSQL connections in use", multiprocess_mode="livesum")
POOL_OPEN = Gauge("wecoza_sidecar_pg_pool_open", "PostgreSQL connections open", multiprocess_mode="livesum")
OUTBOX_BACKLOG = Gauge("wecoza_sidecar_outbox_backlog", "Events waiting for delivery (not parked)",
                       multiprocess_mode="max")
OUTBOX_OLDEST = Gauge("wecoza_sidecar_outbox_oldest_pending_seconds", "Age of the oldest event waiting for delivery",
                      multiprocess_mode="max")
OUTBOX_PARKED = Gauge("wecoza_sidecar_outbox_parked", "Events parked after too many attempts",
                      multiprocess_mode="max")


class Metrics:
    def observe(self, action: str, status: int, seconds: float) -> None:
        label = action or "-"
        REQUESTS.labels(label, str(status)).inc()
        LATENCY.labels(label).observe(seconds)

    def auth_rejected(self, action: str, reason: str) -> None:
        AUTH_REJECTIONS.labels(action, reason).inc()

    def channel_rejected(self, reason: str) -> None:
        CHANNEL_REJECTIONS.labels(reason).inc()

    def render(self, postgres) -> bytes:
        in_use, opened = postgres.pool_usage()
        POOL_IN_USE.set(in_use)
        POOL_OPEN.set(opened)
        backlog = outbox.read_backlog(postgres)
        if backlog is not None:  # metrics answer even while PostgreSQL is down
            OUTBOX_BACKLOG.set(backlog.pending)
            OUTBOX_PARKED.set(backlog.parked)
            OUTBOX_OLDEST.set(backlog.oldest_pending_seconds)
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            forget_ended_workers()
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest()


_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w*_(\d+)\.db")


def forget_ended_workers() -> None:
    """Drops the live gauges (``livesum``) of worker processes that no longer run, as gunicorn's ``child_exit`` does
    for each worker that ends: done before each scrape adds the workers' files up, it keeps /metrics from adding up
    the pools of workers a reload replaced, the last one included."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder or not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        match = _LIVE_GAUGE_FILE.fullmatch(name)
        if match and not _running(int(match.group(1))):
            multiprocess.mark_process_dead(int(match.group(1)), folder)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        pass
    return True
