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
from .registry import Action
from .responses import Reply

log = logging.getLogger("wecoza.sidecar")

SERVICE_UNAVAILABLE = "The WeCoza service is temporarily unavailable. Please try again."
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


def authenticate(services, incoming: Incoming, params: dict, nonce_actions, nonce_field: str):
    return services.wordpress.authenticate(
        cookie_header=incoming.cookie, https=incoming.https, method=incoming.method,
        params=params, nonce_actions=nonce_actions, nonce_field=nonce_field, ajax=True)


def run_action(services, action: Action | None, incoming: Incoming) -> Outcome:
    name = action.name if action else ""
    if action is None:
        return Outcome(responses.UNKNOWN_ACTION, name, auth="unknown_action",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "unknown_action"))
    try:
        get, post, files = parse(incoming)
    except FormError as exc:
        log.info("request %s: unreadable body for %s: %s", incoming.request_id, name, exc)
        return Outcome(action.denials.generic("The request could not be read."), name, auth="bad_request",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "The request body could not be read as a form."))
    params = {**get, **post}
    auth = authenticate(services, incoming, params, action.nonce_actions, action.nonce_field)
    user = auth.user
    auth_label = "ok" if user else (auth.reason or "anonymous")
    if user is None and auth.reason == "db_error" and not action.public:
        # WordPress's database did not answer: nobody is logged in, but "logged out" would be a lie to the user.
        log.error("[WeCoza Core] request %s: %s: WordPress database unavailable", incoming.request_id, name)
        return Outcome(responses.with_status(action.denials.generic(SERVICE_UNAVAILABLE), 503), name, 0, "db_error",
                       refusal=Refusal(refusals.UNAVAILABLE, (), "WordPress database unavailable"))
    denial = check_access(services, action, auth)
    if denial is not None:
        services.metrics.auth_rejected(action.name, denial[1])
        return Outcome(denial[0], name, user.id if user else 0, denial[1], refusal=refusals.auth(denial[1]))
    ctx = ActionContext(services=services, action=name, request_id=incoming.request_id,
                        method=incoming.method, get=get, post=post, files=files, user=user,
                        inline_events=incoming.inline_events)
    reply, refusal = run_handler(action.handler, ctx, lambda message, status: (
        responses.with_status(action.denials.generic(message), status) if status
        else action.denials.generic(message)), "An unexpected error occurred. Please try again.")
    return Outcome(reply, name, ctx.user_id, auth_label, tuple(ctx.events), refusal)


def run_handler(handler, ctx: ActionContext, error_reply, unexpected: str) -> tuple[Reply, Refusal | None]:
    """(reply, refusal): the handler's reply; a refusal's own reply; or ``error_reply(message, status or None)``
    for a failure, logged with the request id and without personal data."""
    try:
        reply = handler(ctx)
    except HandlerError as exc:
        return exc.reply, exc.reason()
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
