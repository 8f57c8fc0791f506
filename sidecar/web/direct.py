"""``/wp-admin/admin-ajax.php`` in direct mode: the browser's own request, routed by ``sidecar.direct``.

A plain route (``sidecar.web.plain``), registered by ``create_app`` when direct mode is on."""
from __future__ import annotations

from werkzeug.exceptions import RequestEntityTooLarge

from .. import responses
from ..browser_cookies import cookie_header
from ..direct import PHP_LOCATION, not_routed, route, too_large
from ..handling import Incoming, Outcome
from ..responses import Reply
from .plain import PlainRequest, PlainRoute

PATH = "/wp-admin/admin-ajax.php"

# These methods reach the route: admin-ajax.php serves GET and POST, and answers the others itself (an OPTIONS
# preflight with its CORS headers or 403, say), so those go back to PHP unread. Any other method is answered 400 "0".
SERVED = ("GET", "POST")
EVERY_METHOD = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def direct_admin_ajax(services, request: PlainRequest, _name: str = "") -> tuple[Outcome, Reply]:
    outcome = answer(services, request)
    return outcome, with_admin_ajax_headers(outcome.reply)


def answer(services, request: PlainRequest) -> Outcome:
    if request.method not in SERVED:
        return not_routed()
    incoming = Incoming(
        request_id=request.request_id,  # ours: a client-chosen id never reaches the log
        method=request.method,
        query=request.query,
        content_type=request.header("Content-Type"),
        body=b"",
        cookie=cookie_header(request.header("Cookie", None)),
        https=request.header("X-Forwarded-Proto", request.scheme) == "https",
        client_ip=request.header("X-Real-IP", request.environ.get("REMOTE_ADDR", "")),
        user_agent=request.header("User-Agent"),
        inline_events=False,
    )
    try:
        incoming.body = request.body()
    except RequestEntityTooLarge:
        return too_large(services, incoming)
    return route(services, incoming)


def with_admin_ajax_headers(reply: Reply) -> Reply:
    """What admin-ajax.php itself sends, where the reply does not set it; on a handoff PHP sends them, and nginx
    would keep ours beside them."""
    if reply.headers.get("X-Accel-Redirect") == PHP_LOCATION:
        return reply
    return responses.with_headers(reply, {name: value for name, value in responses.ADMIN_AJAX_HEADERS.items()
                                          if name not in reply.headers})


direct = PlainRoute(direct_admin_ajax, label=PATH, methods=EVERY_METHOD)
