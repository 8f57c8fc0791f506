"""Prometheus metrics. Under several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR
(config/gunicorn.conf.py does) so /metrics adds up every worker."""
from __future__ import annotations

import os

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
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest()
