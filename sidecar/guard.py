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
from .db import DatabaseUnavailable, meanwhile
from .deferred import Deferred
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


def identify(services, incoming: Incoming, options: tuple[str, ...] = ()):
    """Who is calling, from the cookies alone, once per request: known before any body is parsed. The WordPress
    ``options`` the action reads come in the same query (direct mode identifies the caller before it knows the
    action: its handlers read them on their own)."""
    if incoming.caller is None:
        incoming.caller = services.wordpress.identify(incoming.cookie, options=options, **as_sent(incoming))
    return incoming.caller


def as_sent(incoming: Incoming) -> dict:
    """How WordPress reads the request's cookies: by its scheme and method, as admin-ajax.php does."""
    return {"https": incoming.https, "method": incoming.method, "ajax": True}


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
    if runs_beside_auth(services, action, incoming):
        return run_read_beside_auth(services, action, gate, incoming)
    refused = refused_before_body(services, action, gate, incoming)
    if refused is not None:
        return refused
    try:
        get, post, files = parse(incoming)
    except FormError as exc:
        return unreadable(action, incoming, exc)
    auth, refusal = checked(services, action, gate, incoming, get, post)
    if refusal is not None:
        return refusal
    return handled(action, context_for(services, action, incoming, get, post, files, auth.user, auth.options), auth)


def refused_before_body(services, action: Action, gate: access.Gate, incoming: Incoming) -> Outcome | None:
    """The refusal of a caller the cookies alone rule out (logged out, WordPress's database down), or None."""
    denial = access.decide(services, gate, identify(services, incoming, action.options), body_read=False)
    return refused_action(action, denial, 0, incoming.request_id) if denial is not None else None


def unreadable(action: Action, incoming: Incoming, exc: FormError) -> Outcome:
    log.info("request %s: unreadable body for %s: %s", incoming.request_id, action.name, exc)
    return Outcome(bad_request(action, "The request could not be read."), action.name, auth="bad_request",
                   refusal=Refusal(refusals.BAD_REQUEST, (), "The request body could not be read as a form."))


def checked(services, action: Action, gate: access.Gate, incoming: Incoming, get: dict, post: dict):
    """(the caller with the nonce's verdict, the refusal's Outcome or None): every check after the body is read."""
    auth = authenticate(services, incoming, {**get, **post}, action.nonce_actions, action.nonce_field)
    user = auth.user
    denial = access.decide(services, gate, auth)
    if denial is not None:
        return auth, refused_action(action, denial, user.id if user else 0, incoming.request_id)
    if incoming.method not in action.methods:
        # admin-ajax.php runs a handler whatever the method; the handler then finds no POST field: a bad request.
        return auth, Outcome(bad_request(action, WRONG_METHOD), action.name, user.id if user else 0, auth_label(auth),
                             refusal=Refusal(refusals.BAD_REQUEST, (), f"method {incoming.method[:10]} not allowed"))
    return auth, None


def auth_label(auth) -> str:
    return "ok" if auth.user else (auth.reason or "anonymous")


def context_for(services, action: Action, incoming: Incoming, get: dict, post: dict, files: dict,
                user, options=None) -> ActionContext:
    return ActionContext(services=services, action=action.name, request_id=incoming.request_id,
                         method=incoming.method, get=get, post=post, files=files, user=user, options=options or {},
                         inline_events=incoming.inline_events, body_only=action.methods == WRITES,
                         reads_only=action.methods == READS, claim=incoming.claim)


def handled(action: Action, ctx: ActionContext, auth) -> Outcome:
    return finished(action, auth, ctx, handler_reply(action, ctx))


def finished(action: Action, auth, ctx: ActionContext, result: tuple[Reply, Refusal | None]) -> Outcome:
    """The Outcome of a handler's (reply, refusal) for the caller ``auth`` (``ctx`` may have run before the caller
    was known: the caller comes from ``auth``)."""
    reply, refusal = result
    user = auth.user
    return Outcome(reply, action.name, user.id if user else 0, auth_label(auth), tuple(ctx.events), refusal)


def handler_reply(action: Action, ctx: ActionContext) -> tuple[Reply, Refusal | None]:
    return run_handler(action.handler, ctx, lambda message, status: (
        responses.with_status(action.denials.generic(message), status) if status
        else action.denials.generic(message)), "An unexpected error occurred. Please try again.")


# A read runs beside the caller's authentication -------------------------------------------------------------
#
# A read's PostgreSQL work does not depend on who asks, only whether it may be answered. The query that identifies
# the caller (MySQL) is sent first; the read starts while MySQL answers, and while the read waits for PostgreSQL's
# answer, the same thread reads MySQL's and runs every check (sidecar.db.meanwhile). The request waits for the
# slower of the two round trips instead of both, and the checks cost no time of their own. All on the request's own
# thread: a second thread's hand-overs cost more than this work on a host whose cores sleep between requests.
# The read's reply is sent only if every check passes, exactly as when it runs after them; a refused request
# answers its refusal once the read has finished (so its replay claim is settled, as before) and the read's reply is
# dropped. Only requests whose cookies may log a user in (a well-formed, unexpired auth cookie) are read ahead: an
# anonymous request never costs a read. A read the identification sent no query for runs after the checks. A
# forwarded body was parsed by PHP already; direct mode reads ahead only a small url-encoded body, and hands a
# caller the cookies turn out not to log in to PHP as before (sidecar.direct, docs/design.md#authentication). A
# handler that needs its caller (``ctx.user``) stops, and runs again once the caller is known; that action is then
# run in order for the rest of the worker's life.

READS_NEEDING_THE_CALLER = "reads_needing_the_caller"  # key in services.caches: action names


class CallerNotYetKnown(BaseException):
    """A read run beside the authentication asked who the caller is (not an Exception: no handler's
    ``except Exception`` may take it for a failure of its own)."""


class _CallerPending:
    def __bool__(self):
        raise CallerNotYetKnown()

    def __getattr__(self, name):
        raise CallerNotYetKnown()


CALLER_PENDING = _CallerPending()


def runs_beside_auth(services, action: Action, incoming: Incoming) -> bool:
    """A forwarded read (signed by the shim: PHP has parsed its body already) whose cookies may log in."""
    return incoming.signed and reads_beside_auth(services, action, incoming) and may_log_in(services, incoming)


def reads_beside_auth(services, action: Action, incoming: Incoming) -> bool:
    """A read whose caller is not known yet. Whether the cookies may log in is the caller's to ask
    (``may_log_in``)."""
    return (action.methods == READS and incoming.caller is None and incoming.method in action.methods
            and action.name not in services.caches.get(READS_NEEDING_THE_CALLER, ()))


def may_log_in(services, incoming: Incoming) -> bool:
    """The cookies hold a well-formed, unexpired auth cookie: identifying the caller will ask MySQL."""
    return services.wordpress.asks_the_database(incoming.cookie, **as_sent(incoming))


def run_read_beside_auth(services, action: Action, gate: access.Gate, incoming: Incoming,
                         unknown_caller=None) -> Outcome:
    """``unknown_caller(caller, incoming)``: the Outcome for a caller the cookies turn out not to log in, or None to
    refuse them in the action's shape (direct mode hands them to PHP)."""
    try:
        get, post, files = parse(incoming)
    except FormError as exc:
        return refused_before_body(services, action, gate, incoming) or unreadable(action, incoming, exc)
    ahead = context_for(services, action, incoming, get, post, files, CALLER_PENDING)
    read = Deferred(lambda: handler_reply(action, ahead))
    identifying = services.wordpress.start_identify(incoming.cookie, options=action.options, **as_sent(incoming))
    checks = Deferred(lambda: checks_after_identifying(services, action, gate, incoming, get, post, identifying,
                                                      unknown_caller))
    if identifying.waiting:
        with meanwhile(checks.run):
            read.run()
    auth, refusal = checks.result()
    read.raise_interruption()
    if refusal is not None:
        return refusal  # the read, if it ran, is dropped
    done = outcome_of(read)
    if isinstance(done, CallerNotYetKnown):
        services.caches.setdefault(READS_NEEDING_THE_CALLER, set()).add(action.name)
        return handled(action, context_for(services, action, incoming, get, post, files, auth.user, auth.options),
                       auth)
    if isinstance(done, ReplayedRequest):
        raise done
    return finished(action, auth, ahead, done)


def checks_after_identifying(services, action: Action, gate: access.Gate, incoming: Incoming, get: dict, post: dict,
                             identifying, unknown_caller):
    """(the caller with the nonce's verdict or None, the refusal's Outcome or None) once ``identifying`` decides."""
    incoming.caller = identifying.result()
    refusal = unknown_caller(incoming.caller, incoming) if unknown_caller is not None else None
    if refusal is None:
        refusal = refused_before_body(services, action, gate, incoming)
    if refusal is not None:
        return None, refusal
    return checked(services, action, gate, incoming, get, post)


def outcome_of(read: Deferred):
    """The read's (reply, refusal), or the exception it stopped with (a replay, the caller needed); a read no query
    ran (the caller known without one) runs now, after every check."""
    try:
        return read.result()
    except (ReplayedRequest, CallerNotYetKnown) as exc:
        return exc


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
    except (ReplayedRequest, CallerNotYetKnown):
        # a replay found by the first statement refuses the request as a whole (sidecar.replays); a read run
        # beside the authentication that needs its caller runs again once it is known
        raise
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
