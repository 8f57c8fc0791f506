"""Pages that POST to themselves (learner capture and update): the shim forwards the post,
the sidecar answers ``{"success", "message"}`` and the shim redirects (303) and shows it."""
from __future__ import annotations

from . import refusals, responses
from .context import ActionContext
from .guard import Incoming, Outcome, authenticate, identify, parse, run_handler
from .phpform import FormError
from .refusals import Refusal


def form_reply(success: bool, message: str, status: int = 200, **extra):
    body = {"success": success, "message": message}
    body.update(extra)
    return responses.json_reply(body, status)


def run_form(services, form, incoming: Incoming) -> Outcome:
    if form is None:
        return Outcome(form_reply(False, "Unknown form.", 404), "form:?",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "unknown form"))
    name = f"form:{form.form}"
    caller = identify(services, incoming)
    if caller.user is None:  # answered before the body is read: an anonymous post never costs a parse
        reason = caller.reason or "logged_out"
        return Outcome(form_reply(False, "You must be logged in to do this.", 403), name, auth=reason,
                       refusal=refusals.auth(reason))
    try:
        get, post, files = parse(incoming)
    except FormError:
        return Outcome(form_reply(False, "The form could not be read.", 400), name, caller.user.id, "bad_request",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "The request body could not be read as a form."))
    auth = authenticate(services, incoming, post, (form.nonce_action,), form.nonce_field)
    user = auth.user
    if not user.has_cap(services.config.capability_for(form.form, form.capability)):
        services.metrics.auth_rejected(name, "capability")
        return Outcome(form_reply(False, "You do not have permission to do this.", 403), name, user.id, "capability",
                       refusal=refusals.auth("capability"))
    if not auth.nonce_ok:
        services.metrics.auth_rejected(name, "nonce")
        return Outcome(form_reply(False, "Security check failed. Please reload the page and try again.", 403),
                       name, user.id, "nonce_invalid", refusal=refusals.auth("nonce_invalid"))
    ctx = ActionContext(services=services, action=name, request_id=incoming.request_id, method=incoming.method,
                        get=get, post=post, files=files, user=user, claim=incoming.claim)
    reply, refusal = run_handler(form.handler, ctx, lambda message, status: form_reply(False, message, status or 500),
                                 "An unexpected error occurred. Nothing was saved.")
    return Outcome(reply, name, user.id, "ok", tuple(ctx.events), refusal)
