"""The signed channel between the shim and the sidecar, as HTTP: a forwarded request's headers to a
verified ``ForwardedRequest`` (or a refusal), an outcome to the response the shim verifies, and the
shim's signed JSON messages."""
from __future__ import annotations

import base64
import contextlib
import json
import logging
import time

from flask import Response, request

from wp_bridge.channel import (REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, ChannelError,
                               ForwardedRequest)

from .. import responses
from ..db import DatabaseUnavailable
from ..handling import SERVICE_UNAVAILABLE, Incoming, Outcome
from ..phpjson import php_json_encode
from ..replays import PostgresReplayStore, ReplayedRequest
from . import as_response

log = logging.getLogger("wecoza.sidecar")


def verify_forwarded(services):
    """(forwarded, replay claim or None, refusal or None) for the request being served."""
    headers = request.headers
    forwarded = ForwardedRequest.from_headers(headers, request.path, request.get_data(cache=False))
    if services.signer is None:
        return forwarded, None, channel_refusal("no_shared_secret", 503)
    store = services.signer.replays
    # The shared store's claim travels with the request's first statement (sidecar.replays); another store
    # (a process cache) records the id here.
    folded = isinstance(store, PostgresReplayStore)
    try:
        sent_at = services.signer.verify_request(forwarded, headers.get(SIGNATURE_HEADER, ""), record=not folded)
    except DatabaseUnavailable as exc:
        return forwarded, None, replay_check_unavailable(forwarded.request_id, exc)
    except ChannelError as exc:
        return forwarded, None, refused_forward(services, exc)
    return forwarded, store.claim(forwarded.request_id, sent_at) if folded else None, None


def incoming_from(forwarded: ForwardedRequest) -> Incoming:
    return Incoming(
        request_id=forwarded.request_id, method=forwarded.method, query=forwarded.query,
        content_type=forwarded.content_type, body=forwarded.body, cookie=forwarded.cookie,
        https=forwarded.https == "1", client_ip=forwarded.client_ip, user_agent=forwarded.user_agent)


def to_response(services, outcome: Outcome, request_id: str) -> Response:
    """The outcome as the shim reads it: its events signed for the request they answer."""
    response = as_response(outcome.reply)
    if outcome.events:
        events_json = php_json_encode([e.as_dict() for e in outcome.events]).encode("ascii")
        encoded = base64.b64encode(events_json).decode("ascii")
        stamp = str(int(time.time()))
        response.headers["X-WeCoza-Events"] = encoded
        response.headers["X-WeCoza-Events-Timestamp"] = stamp
        # bound to the request they answer: its method, path and request id
        response.headers["X-WeCoza-Events-Signature"] = services.signer.sign_events(
            request.method, request.path, stamp, request_id, encoded.encode("ascii"))
    return response


def signed_json(services):
    """(message, claim, None) for a signed JSON object from the shim (signed for this method and path), or
    (None, None, refusal). The message's id is recorded by ``claimed_transaction`` with its first statement
    (when the replay store is PostgreSQL's; ``claim`` is None when another store recorded it here)."""
    body = request.get_data()
    request_id = request.headers.get(REQUEST_ID_HEADER, "")
    store = services.signer.replays
    folded = isinstance(store, PostgresReplayStore)
    try:
        sent_at = services.signer.verify_message(request.method, request.path,
                                                 request.headers.get(TIMESTAMP_HEADER, ""), request_id, body,
                                                 request.headers.get(SIGNATURE_HEADER, ""), record=not folded)
        message = json.loads(body or b"{}")
        if not isinstance(message, dict):
            raise ValueError("not an object")
    except ChannelError as exc:
        services.metrics.channel_rejected(exc.reason)
        return None, None, channel_refusal(exc.reason, 401)
    except (ValueError, TypeError):
        return None, None, ({"error": "bad_body"}, 400)
    except DatabaseUnavailable:
        return None, None, ({"error": "postgres_unavailable"}, 503)
    return message, store.claim(request_id, sent_at) if folded else None, None


@contextlib.contextmanager
def claimed_transaction(services, claim, statement_by_statement: bool = False):
    """``services.postgres.transaction`` with a signed message's replay claim in front of its first statement
    (recorded alone when the block sends none); a replay raises ``ReplayedRequest``, nothing having run."""
    held = claim.held_statements() if claim is not None else ()
    with services.postgres.transaction(held=held, statement_by_statement=statement_by_statement) as cur:
        yield cur
    if claim is not None:
        claim.settle()


def answer_signed(services, run):
    """``run()``'s answer to a signed JSON message, or the refusal of a replay or of an unreachable PostgreSQL."""
    try:
        return run()
    except ReplayedRequest as exc:
        services.metrics.channel_rejected(exc.reason)
        return channel_refusal(exc.reason, 401)
    except DatabaseUnavailable:
        return {"error": "postgres_unavailable"}, 503


def channel_refusal(reason: str, status: int):
    """A refused shim message: the shim recognises it by the header and shows its 503 envelope."""
    return {"error": reason}, status, {"X-WeCoza-Channel-Error": reason}


def refused_forward(services, exc: ChannelError):
    services.metrics.channel_rejected(exc.reason)
    log.warning("refused a forwarded request: %s", exc.reason)
    return channel_refusal(exc.reason, 401)


def replay_check_unavailable(request_id: str, exc: DatabaseUnavailable):
    log.error("[WeCoza Core] request %s: PostgreSQL unavailable for the replay check: %s", request_id, exc)
    return responses.Reply(503, php_json_encode(
        {"success": False, "data": {"message": SERVICE_UNAVAILABLE}}).encode("ascii")).as_flask()
