"""``/wp-admin/admin-ajax.php`` in direct mode: the browser's own request, routed by ``sidecar.direct``.

A plain route (``sidecar.web.plain``), registered by ``create_app`` when direct mode is on."""
from __future__ import annotations

from werkzeug.exceptions import RequestEntityTooLarge

from .. import responses
from ..browser_cookies import cookie_header
from ..direct import PHP_LOCATION, not_routed, route, too_large
from ..handling import Incoming, Outcome
from .plain import PlainRequest, PlainRoute

PATH = "/wp-admin/admin-ajax.php"

# Every method reaches the route: admin-ajax.php serves GET and POST, and answers the others itself (an OPTIONS
# preflight with its CORS headers or 403, say), so those go back to PHP unread.
SERVED = ("GET", "POST")


def direct_admin_ajax(services, request: PlainRequest) -> Outcome:
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


def admin_ajax_headers(outcome: Outcome) -> dict:
    """What admin-ajax.php itself sends; on a handoff PHP sends them, and nginx would keep ours beside them."""
    if outcome.reply.headers.get("X-Accel-Redirect") == PHP_LOCATION:
        return {}
    return responses.ADMIN_AJAX_HEADERS


direct = PlainRoute(direct_admin_ajax, admin_ajax_headers)
