"""The request guard: who is calling, may they run this action, then run it.

Failures answer exactly as the action's contract says (``Denials``); a handler's
exception becomes the action's generic error with HTTP 500, logged with the request id
and without personal data. Every refusal, the guard's own or a handler's, is kept in the
``Outcome`` with its reason (``refusals.Refusal``) for the request's log line.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from . import refusals, responses
from .context import ActionContext
from .db import DatabaseUnavailable
from .phpform import FormError, parse_body, parse_urlencoded
from .refusals import Refusal
from .registry import READS, WRITES, Action
from .replays import ReplayedRequest
from .responses import Reply

log = logging.getLogger("wecoza.sidecar")

SERVICE_UNAVAILABLE = "The WeCoza service is temporarily unavailable. Please try again."
TOO_LARGE = "The request is too large. Nothing was saved."
FILE_STORAGE_FAILED = ("The uploaded file could not be stored on the server (disk full or not writable). "
                       "Nothing was saved.")


@dataclass
class Incoming:
    """A browser's admin-ajax request as the sidecar sees it (forwarded or direct)."""

    request_id: str
    method: str
    query: str
    content_type: str
    body: bytes
    cookie: str
    https: bool
    client_ip: str = ""
    user_agent: str = ""
    inline_events: bool = True  # False in direct mode: no shim fires them, the dispatcher does
    parsed: tuple | None = field(default=None, repr=False)
    caller: object | None = field(default=None, repr=False)  # wp_bridge's AuthResult from the cookies alone
    claim: object | None = field(default=None, repr=False)  # the signed request id's replays.Claim (forwarded)


@dataclass
class Outcome:
    reply: Reply
    action: str
    user_id: int = 0
    auth: str = ""
    events: tuple = ()
    refusal: Refusal | None = None


class HandlerError(Exception):
    """A handler's refusal that carries its own reply (validation, not found, blocked).

    Why, for the log: ``refusal`` when given; else what the exception being handled when it was raised
    describes (``raise HandlerError(reply) from None`` inside ``except FormInvalid`` keeps it as
    ``__context__``); else a refusal of no stated reason (the reply's text may hold values, it is not logged).
    """

    def __init__(self, reply: Reply, refusal: Refusal | None = None):
        super().__init__(reply.status)
        self.reply = reply
        self.refusal = refusal

    def reason(self) -> Refusal:
        return self.refusal or refusals.described_by(self.__context__) or Refusal(refusals.REFUSED)


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
    refused_early = refuse_unknown_caller(services, action, identify(services, incoming), incoming.request_id)
    if refused_early is not None:
        return refused_early
    try:
        get, post, files = parse(incoming)
    except FormError as exc:
        log.info("request %s: unreadable body for %s: %s", incoming.request_id, name, exc)
        return Outcome(bad_request(action, "The request could not be read."), name, auth="bad_request",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "The request body could not be read as a form."))
    auth = authenticate(services, incoming, {**get, **post}, action.nonce_actions, action.nonce_field)
    user = auth.user
    auth_label = "ok" if user else (auth.reason or "anonymous")
    denial = check_access(services, action, auth)
    if denial is not None:
        services.metrics.auth_rejected(action.name, denial[1])
        return Outcome(denial[0], name, user.id if user else 0, denial[1], refusal=refusals.auth(denial[1]))
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


def refuse_unknown_caller(services, action: Action, caller, request_id: str) -> Outcome | None:
    """The answer to a caller the cookies do not log in, for an action that needs a login: given before the
    body is read, so an anonymous request never costs a parse. None when the action may go on."""
    if caller.user is not None or action.public:
        return None
    if caller.reason == "db_error":
        # WordPress's database did not answer: nobody is logged in, but "logged out" would be a lie to the user.
        log.error("[WeCoza Core] request %s: %s: WordPress database unavailable", request_id, action.name)
        return Outcome(responses.with_status(action.denials.generic(SERVICE_UNAVAILABLE), 503), action.name, 0,
                       "db_error", refusal=Refusal(refusals.UNAVAILABLE, (), "WordPress database unavailable"))
    reason = caller.reason or "logged_out"
    services.metrics.auth_rejected(action.name, reason)
    return Outcome(action.denials.logged_out, action.name, 0, reason, refusal=refusals.auth(reason))


def run_handler(handler, ctx: ActionContext, error_reply, unexpected: str) -> tuple[Reply, Refusal | None]:
    """(reply, refusal): the handler's reply; a refusal's own reply; or ``error_reply(message, status or None)``
    for a failure, logged with the request id and without personal data."""
    try:
        reply = handler(ctx)
    except HandlerError as exc:
        return exc.reply, exc.reason()
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


def check_access(services, action: Action, auth) -> tuple[Reply, str] | None:
    """None when the caller may run the action, else (reply, reason)."""
    user = auth.user
    if user is None and not action.public:
        return action.denials.logged_out, auth.reason or "logged_out"
    capability = services.config.capability_for(action.name, action.capability)
    for check in action.denials.order:
        if check == "capability" and capability and not action.public:
            if not user.has_cap(capability):
                return action.denials.capability, "capability"
        if check == "nonce" and action.nonce_actions is not None and not auth.nonce_ok:
            return action.denials.nonce, auth.reason if auth.reason and "nonce" in auth.reason else "nonce_invalid"
    return None
