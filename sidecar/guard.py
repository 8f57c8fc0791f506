"""The request guard: who is calling, may they run this action, then run it.

Failures answer exactly as the action's contract says (``Denials``); a handler's
exception becomes the action's generic error with HTTP 500, logged with the request id
and without personal data. Every refusal, the guard's own or a handler's, is kept in the
``Outcome`` with its reason (``refusals.Refusal``) for the request's log line.
"""
from __future__ import annotations

import logging

from . import access, refusals, responses
from .classes.save import SaveRefused
from .context import ActionContext
from .db import DatabaseUnavailable
from .handling import FILE_STORAGE_FAILED, SERVICE_UNAVAILABLE, HandlerError, Incoming, Outcome
from .learners.records import DeleteBlocked, LearnerMissing
from .phpform import FormError, parse_body, parse_urlencoded
from .refusals import Refusal
from .registry import READS, WRITES, Action
from .replays import ReplayedRequest
from .responses import Reply
from .uploads import UploadRejected

log = logging.getLogger("wecoza.sidecar")


def parse(incoming: Incoming) -> tuple[dict, dict, dict]:
    """($_GET, $_POST, $_FILES), parsed once per request (direct mode reads the action from them first)."""
    if incoming.parsed is None:
        get = parse_urlencoded(incoming.query)
        if incoming.method == "POST":
            post, files = parse_body(incoming.body, incoming.content_type)
        else:
            post, files = {}, {}
        incoming.parsed = (get, post, files)
    return incoming.parsed


def identify(services, incoming: Incoming):
    """Who is calling, from the cookies alone, once per request: known before any body is parsed."""
    if incoming.caller is None:
        incoming.caller = services.wordpress.identify(incoming.cookie, https=incoming.https,
                                                      method=incoming.method, ajax=True)
    return incoming.caller


def authenticate(services, incoming: Incoming, params: dict, nonce_actions, nonce_field: str):
    return services.wordpress.check_nonce(identify(services, incoming), params, nonce_actions, nonce_field)


def bad_request(action: Action, message: str) -> Reply:
    """The action's own error shape for a request it cannot run as sent."""
    return responses.with_status(action.denials.generic(message), 400)


WRONG_METHOD = "This action must be sent as a POST request."


def run_action(services, action: Action | None, incoming: Incoming) -> Outcome:
    name = action.name if action else ""
    if action is None:
        return Outcome(responses.UNKNOWN_ACTION, name, auth="unknown_action",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "unknown_action"))
    gate = access.action_gate(action)
    denial = access.decide(services, gate, identify(services, incoming), body_read=False)
    if denial is not None:
        return refused_action(action, denial, 0, incoming.request_id)
    try:
        get, post, files = parse(incoming)
    except FormError as exc:
        log.info("request %s: unreadable body for %s: %s", incoming.request_id, name, exc)
        return Outcome(bad_request(action, "The request could not be read."), name, auth="bad_request",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "The request body could not be read as a form."))
    auth = authenticate(services, incoming, {**get, **post}, action.nonce_actions, action.nonce_field)
    user = auth.user
    auth_label = "ok" if user else (auth.reason or "anonymous")
    denial = access.decide(services, gate, auth)
    if denial is not None:
        return refused_action(action, denial, user.id if user else 0, incoming.request_id)
    if incoming.method not in action.methods:
        # admin-ajax.php runs a handler whatever the method; the handler then finds no POST field: a bad request.
        return Outcome(bad_request(action, WRONG_METHOD), name, user.id if user else 0, auth_label,
                       refusal=Refusal(refusals.BAD_REQUEST, (), f"method {incoming.method[:10]} not allowed"))
    ctx = ActionContext(services=services, action=name, request_id=incoming.request_id,
                        method=incoming.method, get=get, post=post, files=files, user=user,
                        inline_events=incoming.inline_events, body_only=action.methods == WRITES,
                        reads_only=action.methods == READS, claim=incoming.claim)
    reply, refusal = run_handler(action.handler, ctx, lambda message, status: (
        responses.with_status(action.denials.generic(message), status) if status
        else action.denials.generic(message)), "An unexpected error occurred. Please try again.")
    return Outcome(reply, name, ctx.user_id, auth_label, tuple(ctx.events), refusal)


def refused_action(action: Action, denial: access.Denial, user_id: int, request_id: str) -> Outcome:
    """A denied call, answered in the shape the action declares for it."""
    if denial.check == access.UNAVAILABLE:
        # WordPress's database did not answer: nobody is logged in, but "logged out" would be a lie to the user.
        log.error("[WeCoza Core] request %s: %s: WordPress database unavailable", request_id, action.name)
        return Outcome(responses.with_status(action.denials.generic(SERVICE_UNAVAILABLE), 503), action.name, 0,
                       denial.reason, refusal=Refusal(refusals.UNAVAILABLE, (), "WordPress database unavailable"))
    reply = {access.LOGGED_OUT: action.denials.logged_out, access.CAPABILITY: action.denials.capability,
             access.NONCE: action.denials.nonce}[denial.check]
    return Outcome(reply, action.name, user_id, denial.reason, refusal=refusals.auth(denial.reason))


def run_handler(handler, ctx: ActionContext, error_reply, unexpected: str) -> tuple[Reply, Refusal | None]:
    """(reply, refusal): the handler's reply; a refusal's own reply; or ``error_reply(message, status or None)``
    for a failure, logged with the request id and without personal data."""
    try:
        reply = handler(ctx)
    except HandlerError as exc:
        return exc.reply, reason_of(exc)
    except ReplayedRequest:
        raise  # found by the first statement: the request is refused as a whole (sidecar.replays)
    except DatabaseUnavailable as exc:
        log.error("[WeCoza Core] request %s: %s: PostgreSQL unavailable: %s", ctx.request_id, ctx.action, exc)
        return error_reply(SERVICE_UNAVAILABLE, 503), Refusal(refusals.UNAVAILABLE, (), "PostgreSQL unavailable")
    except OSError as exc:
        log.error("[WeCoza Core] request %s: %s: file storage failed: %s", ctx.request_id, ctx.action, exc.strerror)
        return error_reply(FILE_STORAGE_FAILED, None), Refusal(refusals.FAILED, (), "file storage failed")
    except Exception:
        log.exception("[WeCoza Core] request %s: %s failed", ctx.request_id, ctx.action)
        return error_reply(unexpected, None), Refusal(refusals.FAILED, (), "unexpected error")
    return reply, (Refusal(refusals.REFUSED) if refused(reply) else None)


def refused(reply: Reply) -> bool:
    """A reply in the failure envelope every handler uses (``wp_send_json_error``, the form posts' reply)."""
    return reply.body.startswith(b'{"success":false')


def reason_of(exc: HandlerError) -> Refusal:
    return exc.refusal or described_by(exc.__context__) or Refusal(refusals.REFUSED)


def described_by(exc: BaseException | None) -> Refusal | None:
    """The refusal an exception stands for, or None when it is not one the sidecar knows."""
    if exc is None:
        return None
    own = getattr(exc, "refusal", None)
    if isinstance(own, Refusal):
        return own
    if isinstance(exc, UploadRejected):
        return Refusal(refusals.UPLOAD, (), f"{exc.reason}: {exc.message}")  # upload messages are fixed texts
    if isinstance(exc, LearnerMissing):
        return Refusal(refusals.NOT_FOUND, (), "The learner does not exist.")
    if isinstance(exc, DeleteBlocked):
        return Refusal(refusals.CONFLICT, (), exc.message)  # record kinds and counts only
    if isinstance(exc, SaveRefused):
        # its message may list the unknown ids that were submitted
        return Refusal(refusals.CONFLICT, (),
                       "The stored records refused the save (an unknown reference or a missing class).")
    return None
