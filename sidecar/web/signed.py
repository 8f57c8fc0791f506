"""The signed channel between the shim and the sidecar, as HTTP: a forwarded request's headers to a
verified ``ForwardedRequest`` (or a refusal), an outcome to the reply the shim verifies, and the
shim's signed JSON messages. Every answer is a ``Reply``; the channel's own JSON (refusals, the answers to signed
messages) is written as Flask's ``jsonify`` writes it, which is how the shim has always received it."""
from __future__ import annotations

import base64
import json
import logging
import time

from flask import request as flask_request

from wp_bridge.channel import (REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, ChannelError,
                               ForwardedRequest)

from .. import responses
from ..db import DatabaseUnavailable
from ..handling import SERVICE_UNAVAILABLE, Incoming, Outcome
from ..phpjson import php_json_encode
from ..replays import PostgresReplayStore, ReplayedRequest
from ..responses import Reply
from .plain import PlainRequest

log = logging.getLogger("wecoza.sidecar")


def channel_json(value, status: int = 200, headers: dict | None = None) -> Reply:
    """``value`` as Flask's ``jsonify`` writes it (sorted keys, compact, ASCII, a final newline)."""
    body = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=True) + "\n"
    return Reply(status, body.encode("ascii"), "application/json", headers or {})


def verify_forwarded(services, request: PlainRequest, body: bytes):
    """(forwarded, replay claim or None, refusal or None) for the request being served, whose ``body`` was read."""
    headers = request.headers
    forwarded = ForwardedRequest.from_headers(headers, request.path, body)
    if services.signer is None:
        return forwarded, None, channel_refusal("no_shared_secret", 503)
    store = folded_store(services)
    try:
        sent_at = services.signer.verify_request(forwarded, headers.get(SIGNATURE_HEADER, ""),
                                                 record=store is None)
    except DatabaseUnavailable as exc:
        return forwarded, None, replay_check_unavailable(forwarded.request_id, exc)
    except ChannelError as exc:
        return forwarded, None, refused_forward(services, exc)
    return forwarded, store.claim(forwarded.request_id, sent_at) if store is not None else None, None


def folded_store(services) -> PostgresReplayStore | None:
    """The replay store whose claim travels with a signed request's first statement (sidecar.replays), or None
    when the store (a process cache) records the id itself at verification."""
    store = services.signer.replays
    return store if isinstance(store, PostgresReplayStore) else None


def incoming_from(forwarded: ForwardedRequest) -> Incoming:
    return Incoming(
        request_id=forwarded.request_id, method=forwarded.method, query=forwarded.query,
        content_type=forwarded.content_type, body=forwarded.body, cookie=forwarded.cookie,
        https=forwarded.https == "1", client_ip=forwarded.client_ip, user_agent=forwarded.user_agent, signed=True)


def signed_reply(services, outcome: Outcome, request: PlainRequest, request_id: str) -> Reply:
    """The outcome as the shim reads it: its events signed for the request they answer."""
    reply = outcome.reply
    if not outcome.events:
        return reply
    events_json = php_json_encode([e.as_dict() for e in outcome.events]).encode("ascii")
    encoded = base64.b64encode(events_json).decode("ascii")
    stamp = str(int(time.time()))
    # bound to the request they answer: its method, path and request id
    signature = services.signer.sign_events(request.method, request.path, stamp, request_id, encoded.encode("ascii"))
    return responses.with_headers(reply, {"X-WeCoza-Events": encoded, "X-WeCoza-Events-Timestamp": stamp,
                                          "X-WeCoza-Events-Signature": signature})


def signed_json(services):
    """(message, claim, None) for a signed JSON object from the shim (signed for this method and path), or
    (None, None, refusal). ``answer_signed`` records the message's id with its first statement (``claim`` is None
    when the replay store recorded it here)."""
    body = flask_request.get_data()
    request_id = flask_request.headers.get(REQUEST_ID_HEADER, "")
    store = folded_store(services)
    try:
        sent_at = services.signer.verify_message(flask_request.method, flask_request.path,
                                                 flask_request.headers.get(TIMESTAMP_HEADER, ""), request_id, body,
                                                 flask_request.headers.get(SIGNATURE_HEADER, ""), record=store is None)
        message = json.loads(body or b"{}")
        if not isinstance(message, dict):
            raise ValueError("not an object")
    except ChannelError as exc:
        services.metrics.channel_rejected(exc.reason)
        return None, None, channel_refusal(exc.reason, 401)
    except (ValueError, TypeError):
        return None, None, channel_json({"error": "bad_body"}, 400)
    except DatabaseUnavailable:
        return None, None, channel_json({"error": "postgres_unavailable"}, 503)
    return message, store.claim(request_id, sent_at) if store is not None else None, None


def answer_signed(services, claim, work) -> Reply:
    """``work(cursor)``'s answer to a signed JSON message, its replay claim in front of its first statement
    (recorded alone when it sends none), or the refusal of a replay or of an unreachable PostgreSQL.

    Each statement commits on its own, the claim with the first: for work of one write, or of reads only."""
    held = claim.held_statements() if claim is not None else ()
    try:
        with services.postgres.transaction(held=held, statement_by_statement=True) as cur:
            answer = work(cur)
        if claim is not None:
            claim.settle()
        return channel_json(answer)
    except ReplayedRequest as exc:
        services.metrics.channel_rejected(exc.reason)
        return channel_refusal(exc.reason, 401)
    except DatabaseUnavailable:
        return channel_json({"error": "postgres_unavailable"}, 503)


def channel_refusal(reason: str, status: int) -> Reply:
    """A refused shim message: the shim recognises it by the header and shows its 503 envelope."""
    return channel_json({"error": reason}, status, {"X-WeCoza-Channel-Error": reason})


def refused_forward(services, exc: ChannelError) -> Reply:
    services.metrics.channel_rejected(exc.reason)
    log.warning("refused a forwarded request: %s", exc.reason)
    return channel_refusal(exc.reason, 401)


def replay_check_unavailable(request_id: str, exc: DatabaseUnavailable) -> Reply:
    log.error("[WeCoza Core] request %s: PostgreSQL unavailable for the replay check: %s", request_id, exc)
    return responses.message_error(SERVICE_UNAVAILABLE, 503)
