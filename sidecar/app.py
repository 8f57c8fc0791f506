"""The Flask application: health, the signed forward endpoint, form posts, acknowledgements."""
from __future__ import annotations

import base64
import json
import logging
import secrets
import time

from flask import Flask, Response, g, request

from wp_bridge.channel import ChannelError, ForwardedRequest

from . import __version__, outbox, responses
from .db import DatabaseUnavailable
from .dispatcher import retry_parked
from .files import register_files
from .forms import run_form
from .guard import SERVICE_UNAVAILABLE, TOO_LARGE, Incoming, Outcome, run_action
from .phpjson import php_json_encode
from .registry import registry as default_registry
from .replays import PostgresReplayStore, ReplayedRequest
from .services import Services

log = logging.getLogger("wecoza.sidecar")


def create_app(config=None, services: Services | None = None, registry=None) -> Flask:
    from . import actions  # noqa: F401  (registers every action)
    from .config import load_config
    from .logs import configure_logging, log_request

    app = Flask("sidecar")
    if services is None:
        config = config or load_config()
        services = Services.from_config(config, registry or default_registry)
    # Werkzeug refuses a larger body (RequestEntityTooLarge) before reading it.
    app.config["MAX_CONTENT_LENGTH"] = services.config.int("sidecar.max_body_bytes")
    configure_logging(services.config.get("sidecar.log_level"))
    app.extensions["wecoza"] = services

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()
        g.request_id = secrets.token_hex(8)  # a signed forward replaces it with the shim's id once verified
        g.outcome = None

    @app.after_request
    def finish(response):
        outcome = g.get("outcome")
        duration = time.perf_counter() - g.started
        if outcome is not None:
            services.metrics.observe(outcome.action, response.status_code, duration)
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        log_request(g.request_id, outcome, response.status_code, duration, request.method, route)
        return response

    @app.teardown_appcontext
    def _noop(exc):  # connections are pooled per process, not per request
        return None

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "version": __version__}

    @app.get("/readyz")
    def readyz():
        from .classes import trigger as class_trigger
        checks = {}
        for name, probe in (("mysql", services.wordpress.ping), ("postgres", services.postgres.ping)):
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
            body["outbox_backlog"] = outbox_backlog(services)
            # Codes only (the shim words them): a warning never makes the sidecar unready.
            body["warnings"] = class_trigger.readiness_warnings(services.postgres)
        return body, 200 if ready else 503

    @app.get("/metrics")
    def metrics():
        return Response(services.metrics.render(services.postgres), mimetype="text/plain; version=0.0.4")

    def answer_forwarded(run):
        forwarded, claim, refusal = verify_forwarded(services)
        if refusal is not None:
            return refusal
        g.request_id = forwarded.request_id
        incoming = incoming_from(forwarded)
        incoming.claim = claim
        try:
            outcome = run(incoming)
            if claim is not None:
                claim.settle()
        except ReplayedRequest as exc:
            return refused_forward(services, exc)
        except DatabaseUnavailable as exc:
            return replay_check_unavailable(forwarded.request_id, exc)
        if claim is not None and claim.replayed:  # a handler that caught the refusal does not get to answer
            return refused_forward(services, ReplayedRequest())
        g.outcome = outcome
        return to_response(services, g.outcome, forwarded.request_id, forwarded.timestamp)

    @app.post("/ajax/<action>")
    def forwarded_action(action):
        return answer_forwarded(lambda incoming: run_action(
            services, services.registry.actions.get(action), incoming))

    @app.post("/form/<form>")
    def forwarded_form(form):
        return answer_forwarded(lambda incoming: run_form(services, services.registry.forms.get(form), incoming))

    def signed_json():
        """The body of a signed JSON message from the shim (signed for this method and path), or a refusal."""
        body = request.get_data()
        try:
            services.signer.verify_message(request.method, request.path,
                                           request.headers.get("X-WeCoza-Timestamp", ""),
                                           request.headers.get("X-WeCoza-Request-Id", ""), body,
                                           request.headers.get("X-WeCoza-Signature", ""))
            message = json.loads(body or b"{}")
            if not isinstance(message, dict):
                raise ValueError("not an object")
        except ChannelError as exc:
            services.metrics.channel_rejected(exc.reason)
            return None, channel_refusal(exc.reason, 401)
        except (ValueError, TypeError):
            return None, ({"error": "bad_body"}, 400)
        except DatabaseUnavailable:
            return None, ({"error": "postgres_unavailable"}, 503)
        return message, None

    @app.post("/events/ack")
    def acknowledge():
        message, refusal = signed_json()
        if refusal is not None:
            return refusal
        ids = valid_uuids([str(i) for i in message.get("ids", [])][:1000])
        with services.postgres.transaction() as cur:
            marked = outbox.mark_delivered(cur, ids, "inline")
        return {"acknowledged": marked}

    @app.post("/events/status")
    def events_status():
        """For the shim's settings screen and `wp wecoza-sidecar events`: backlog, failing and parked events."""
        _message, refusal = signed_json()
        if refusal is not None:
            return refusal
        with services.postgres.transaction() as cur:
            return outbox.status(cur)

    @app.post("/events/retry")
    def events_retry():
        """The settings screen's "retry parked events" button: every parked event, or the ids given."""
        message, refusal = signed_json()
        if refusal is not None:
            return refusal
        ids = valid_uuids([str(i) for i in message.get("ids", [])][:1000]) or None
        return {"retried": retry_parked(services.postgres, ids)}

    register_files(app, services)

    if services.config.get("sidecar.direct_mode") == "on":
        from .direct import register_direct
        register_direct(app, services)

    @app.errorhandler(404)
    def not_found(_exc):
        return Response(b"0", status=400, content_type=responses.HTML_TYPE)

    @app.errorhandler(405)
    def not_allowed(_exc):
        return Response(b"0", status=400, content_type=responses.HTML_TYPE)

    @app.errorhandler(413)
    def too_large(_exc):
        return Response(php_json_encode({"success": False, "data": {"message": TOO_LARGE}}),
                        status=413, content_type=responses.JSON_TYPE)

    @app.errorhandler(Exception)
    def unexpected(exc):
        log.exception("[WeCoza Core] request %s: unhandled error", g.get("request_id"))
        return Response(php_json_encode({"success": False, "data": {"message": "An unexpected error occurred."}}),
                        status=500, content_type=responses.JSON_TYPE)

    return app


def first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""


def valid_uuids(ids):
    import uuid
    out = []
    for value in ids:
        try:
            out.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return out


def outbox_backlog(services) -> int | None:
    try:
        with services.postgres.transaction() as cur:
            cur.execute("SELECT count(*) AS n FROM wecoza_sidecar.outbox WHERE delivered_at IS NULL")
            return cur.fetchone()["n"]
    except Exception:  # noqa: BLE001 - backlog is informational
        return None


def channel_refusal(reason: str, status: int):
    """A refused shim message: the shim recognises it by the header and shows its 503 envelope."""
    return {"error": reason}, status, {"X-WeCoza-Channel-Error": reason}


def verify_forwarded(services):
    headers = request.headers
    forwarded = ForwardedRequest(
        timestamp=headers.get("X-WeCoza-Timestamp", ""),
        request_id=headers.get("X-WeCoza-Request-Id", ""),
        method=headers.get("X-WeCoza-Method", "POST").upper(),
        path=request.path,
        query=headers.get("X-WeCoza-Query", ""),
        content_type=headers.get("Content-Type", ""),
        https=headers.get("X-WeCoza-Https", "0"),
        client_ip=headers.get("X-WeCoza-Client-Ip", ""),
        user_agent=headers.get("X-WeCoza-User-Agent", ""),
        body=request.get_data(cache=False),
        cookie=headers.get("X-WeCoza-Cookie", ""),
    )
    if services.signer is None:
        return forwarded, None, channel_refusal("no_shared_secret", 503)
    store = services.signer.replays
    # The shared store's claim travels with the request's first statement (sidecar.replays); another store
    # (a process cache) records the id here.
    folded = isinstance(store, PostgresReplayStore)
    try:
        sent_at = services.signer.verify_request(forwarded, headers.get("X-WeCoza-Signature", ""), record=not folded)
    except DatabaseUnavailable as exc:
        return forwarded, None, replay_check_unavailable(forwarded.request_id, exc)
    except ChannelError as exc:
        return forwarded, None, refused_forward(services, exc)
    return forwarded, store.claim(forwarded.request_id, sent_at) if folded else None, None


def refused_forward(services, exc: ChannelError):
    services.metrics.channel_rejected(exc.reason)
    log.warning("refused a forwarded request: %s", exc.reason)
    return channel_refusal(exc.reason, 401)


def replay_check_unavailable(request_id: str, exc: DatabaseUnavailable):
    log.error("[WeCoza Core] request %s: PostgreSQL unavailable for the replay check: %s", request_id, exc)
    return responses.Reply(503, php_json_encode(
        {"success": False, "data": {"message": SERVICE_UNAVAILABLE}}).encode("ascii")).as_flask()


def incoming_from(forwarded: ForwardedRequest) -> Incoming:
    return Incoming(
        request_id=forwarded.request_id, method=forwarded.method, query=forwarded.query,
        content_type=forwarded.content_type, body=forwarded.body, cookie=forwarded.cookie,
        https=forwarded.https == "1", client_ip=forwarded.client_ip, user_agent=forwarded.user_agent)


def to_response(services, outcome: Outcome, request_id: str, timestamp: str, direct: bool = False) -> Response:
    reply = outcome.reply
    response = Response(reply.body, status=reply.status, content_type=reply.content_type)
    for name, value in reply.headers.items():
        response.headers[name] = value
    if direct:
        for name, value in responses.ADMIN_AJAX_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
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
