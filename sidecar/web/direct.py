"""``/wp-admin/admin-ajax.php`` in direct mode: the browser's own request, routed by ``sidecar.direct``."""
from __future__ import annotations

from flask import Blueprint, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import responses
from ..browser_cookies import cookie_header
from ..direct import PHP_LOCATION, not_routed, route, too_large
from ..handling import Incoming
from . import as_response, services

direct = Blueprint("direct", __name__)


# Every method reaches the view: admin-ajax.php serves GET and POST, and answers the others itself (an OPTIONS
# preflight with its CORS headers or 403, say), so those go back to PHP unread.
SERVED = ("GET", "POST")
EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@direct.route("/wp-admin/admin-ajax.php", methods=EVERY_METHOD, provide_automatic_options=False)
def direct_admin_ajax():
    if request.method not in SERVED:
        g.outcome = not_routed()
        return as_response(g.outcome.reply)
    current = services()
    incoming = Incoming(
        request_id=g.request_id,  # ours: a client-chosen id never reaches the log
        method=request.method,
        query=request.query_string.decode("latin-1"),
        content_type=request.headers.get("Content-Type", ""),
        body=b"",
        cookie=cookie_header(request.headers),
        https=request.headers.get("X-Forwarded-Proto", request.scheme) == "https",
        client_ip=request.headers.get("X-Real-IP", request.remote_addr or ""),
        user_agent=request.headers.get("User-Agent", ""),
        inline_events=False,
    )
    try:
        incoming.body = request.get_data(cache=False)
        outcome = route(current, incoming)
    except RequestEntityTooLarge:
        outcome = too_large(current, incoming)
    g.outcome = outcome
    response = as_response(outcome.reply)
    if outcome.reply.headers.get("X-Accel-Redirect") != PHP_LOCATION:
        # what admin-ajax.php itself sends; on a handoff PHP sends them, and nginx would keep ours beside them
        for name, value in responses.ADMIN_AJAX_HEADERS.items():
            response.headers.setdefault(name, value)
    return response
