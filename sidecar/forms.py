"""Pages that POST to themselves (learner capture and update): the shim forwards the post,
the sidecar answers ``{"success", "message"}`` and the shim redirects (303) and shows it."""
from __future__ import annotations

import logging

from . import responses
from .context import ActionContext
from .db import DatabaseUnavailable
from .guard import FILE_STORAGE_FAILED, SERVICE_UNAVAILABLE, HandlerError, Incoming, Outcome, authenticate, parse
from .phpform import FormError

log = logging.getLogger("wecoza.sidecar")


def form_reply(success: bool, message: str, status: int = 200, **extra):
    body = {"success": success, "message": message}
    body.update(extra)
    return responses.json_reply(body, status)


def run_form(services, form, incoming: Incoming) -> Outcome:
    if form is None:
        return Outcome(form_reply(False, "Unknown form.", 404), "form:?")
    name = f"form:{form.form}"
    try:
        get, post, files = parse(incoming)
    except FormError:
        return Outcome(form_reply(False, "The form could not be read.", 400), name, auth="bad_request")
    auth = authenticate(services, incoming, post, (form.nonce_action,), form.nonce_field)
    user = auth.user
    if user is None:
        return Outcome(form_reply(False, "You must be logged in to do this.", 403), name, auth=auth.reason or "logged_out")
    if not user.has_cap(services.config.capability_for(form.form, form.capability)):
        services.metrics.auth_rejected(name, "capability")
        return Outcome(form_reply(False, "You do not have permission to do this.", 403), name, user.id, "capability")
    if not auth.nonce_ok:
        services.metrics.auth_rejected(name, "nonce")
        return Outcome(form_reply(False, "Security check failed. Please reload the page and try again.", 403),
                       name, user.id, "nonce_invalid")
    ctx = ActionContext(services=services, action=name, request_id=incoming.request_id, method=incoming.method,
                        get=get, post=post, files=files, user=user)
    try:
        reply = form.handler(ctx)
    except HandlerError as exc:
        reply = exc.reply
    except DatabaseUnavailable:
        log.error("[WeCoza Core] request %s: %s: PostgreSQL unavailable", incoming.request_id, name)
        reply = form_reply(False, SERVICE_UNAVAILABLE, 503)
    except OSError as exc:
        log.error("[WeCoza Core] request %s: %s: file storage failed: %s", incoming.request_id, name, exc.strerror)
        reply = form_reply(False, FILE_STORAGE_FAILED, 500)
    except Exception:
        log.exception("[WeCoza Core] request %s: %s failed", incoming.request_id, name)
        reply = form_reply(False, "An unexpected error occurred. Nothing was saved.", 500)
    return Outcome(reply, name, user.id, "ok", tuple(ctx.events))
