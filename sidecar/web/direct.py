"""``/wp-admin/admin-ajax.php`` in direct mode: the browser's own request, routed by ``sidecar.direct``."""
from __future__ import annotations

from flask import Blueprint, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import responses
from ..direct import route, too_large
from ..handling import Incoming
from . import as_response, services

direct = Blueprint("direct", __name__)


@direct.route("/wp-admin/admin-ajax.php", methods=["GET", "POST"])
def direct_admin_ajax():
    current = services()
    incoming = Incoming(
        request_id=g.request_id,  # ours: a client-chosen id never reaches the log
        method=request.method,
        query=request.query_string.decode("latin-1"),
        content_type=request.headers.get("Content-Type", ""),
        body=b"",
        cookie=request.headers.get("Cookie", ""),
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
    for name, value in responses.ADMIN_AJAX_HEADERS.items():  # what admin-ajax.php itself sends
        response.headers.setdefault(name, value)
    return response
