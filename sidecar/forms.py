"""Pages that POST to themselves (learner capture and update): the shim forwards the post,
the sidecar answers ``{"success", "message"}`` and the shim redirects (303) and shows it."""
from __future__ import annotations

from . import access, refusals
from .context import ActionContext
from .guard import authenticate, identify, parse, run_handler
from .handling import Incoming, Outcome
from .phpform import FormError
from .refusals import Refusal
from .responses import form_reply

# The form's answer to each denial (access.decide); a caller nobody knows is told to log in.
DENIED = {
    access.LOGGED_OUT: "You must be logged in to do this.",
    access.UNAVAILABLE: "You must be logged in to do this.",
    access.CAPABILITY: "You do not have permission to do this.",
    access.NONCE: "Security check failed. Please reload the page and try again.",
}


def refused_form(name: str, denial: access.Denial, user_id: int) -> Outcome:
    return Outcome(form_reply(False, DENIED[denial.check], 403), name, user_id, denial.reason,
                   refusal=refusals.auth(denial.reason))


def run_form(services, form, incoming: Incoming) -> Outcome:
    if form is None:
        return Outcome(form_reply(False, "Unknown form.", 404), "form:?",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "unknown form"))
    gate = access.form_gate(form)
    name = gate.label
    # answered before the body is read: an anonymous post never costs a parse
    denial = access.decide(services, gate, identify(services, incoming, form.options), body_read=False)
    if denial is not None:
        return refused_form(name, denial, 0)
    try:
        get, post, files = parse(incoming)
    except FormError:
        return Outcome(form_reply(False, "The form could not be read.", 400), name, incoming.caller.user.id,
                       "bad_request",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "The request body could not be read as a form."))
    auth = authenticate(services, incoming, post, (form.nonce_action,), form.nonce_field)
    user = auth.user
    denial = access.decide(services, gate, auth)
    if denial is not None:
        return refused_form(name, denial, user.id)
    ctx = ActionContext(services=services, action=name, request_id=incoming.request_id, method=incoming.method,
                        get=get, post=post, files=files, user=user, options=auth.options, claim=incoming.claim)
    reply, refusal = run_handler(form.handler, ctx, lambda message, status: form_reply(False, message, status or 500),
                                 "An unexpected error occurred. Nothing was saved.")
    return Outcome(reply, name, user.id, "ok", tuple(ctx.events), refusal)
