"""The shim's signed messages about events: acknowledgements, the outbox's status, retrying parked events."""
from __future__ import annotations

import uuid

from flask import Blueprint

from .. import outbox
from . import as_response, services
from .signed import answer_signed, signed_json

events = Blueprint("events", __name__)

MAX_IDS = 1000


@events.post("/events/ack")
def acknowledge():
    current = services()
    message, claim, refusal = signed_json(current)
    if refusal is not None:
        return as_response(refusal)
    ids = valid_uuids(message.get("ids", []))
    return as_response(answer_signed(current, claim,
                                     lambda cur: {"acknowledged": outbox.mark_delivered(cur, ids, "inline")}))


@events.post("/events/status")
def events_status():
    """For the shim's settings screen and `wp wecoza-sidecar events`: backlog, failing and parked events."""
    current = services()
    _message, claim, refusal = signed_json(current)
    if refusal is not None:
        return as_response(refusal)
    return as_response(answer_signed(current, claim, outbox.status))


@events.post("/events/retry")
def events_retry():
    """The settings screen's "retry parked events" button: every parked event, or the ids given."""
    current = services()
    message, claim, refusal = signed_json(current)
    if refusal is not None:
        return as_response(refusal)
    ids = valid_uuids(message.get("ids", [])) or None
    return as_response(answer_signed(current, claim, lambda cur: {"retried": outbox.retry_parked(cur, ids)}))


def valid_uuids(values) -> list[str]:
    """The first ``MAX_IDS`` values, those that are UUIDs."""
    out = []
    for value in [str(v) for v in values][:MAX_IDS]:
        try:
            out.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return out
