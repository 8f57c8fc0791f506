"""``/healthz``, ``/readyz`` and ``/metrics``: for load balancers, the shim and Prometheus."""
from __future__ import annotations

import logging

from flask import Blueprint, Response

from .. import __version__, outbox
from ..logs import first_line
from ..classes import trigger as class_trigger
from . import services

log = logging.getLogger("wecoza.sidecar")

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    return {"status": "ok", "version": __version__}


@health.get("/readyz")
def readyz():
    current = services()
    checks = {}
    for name, probe in (("mysql", current.wordpress.ping), ("postgres", current.postgres.ping)):
        try:
            probe()
            checks[name] = {"ok": True}
        except Exception as exc:  # noqa: BLE001 - every failure is a "not ready"
            # Unauthenticated: the answer says which dependency failed, never its host, port or role.
            log.warning("[WeCoza Core] readyz: %s not ready: %s: %s", name, type(exc).__name__, first_line(exc))
            checks[name] = {"ok": False}
    ready = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if ready else "fail", "version": __version__, "checks": checks}
    if ready:
        backlog = outbox.read_backlog(current.postgres)
        body["outbox_backlog"] = backlog.pending if backlog else None
        body["outbox_parked"] = backlog.parked if backlog else None
        # Codes only (the shim words them): a warning never makes the sidecar unready.
        body["warnings"] = class_trigger.readiness_warnings(current.postgres)
    return body, 200 if ready else 503


@health.get("/metrics")
def metrics():
    current = services()
    return Response(current.metrics.render(current.postgres), mimetype="text/plain; version=0.0.4")
