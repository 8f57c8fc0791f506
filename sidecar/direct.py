"""Direct mode: a reverse proxy sends ``/wp-admin/admin-ajax.php?action=<routed>`` here.

The browser talks to the sidecar, so there is no shim signature: the WordPress cookies
and nonce are the credentials, checked by the same guard. Events are not returned to
the browser; the dispatcher delivers them to WordPress.
"""
from __future__ import annotations

from dataclasses import replace

from flask import g, request

from . import responses
from .guard import Incoming, Outcome, parse, run_action
from .phpform import FormError, parse_urlencoded, scalar


# The nginx location that runs admin-ajax.php in PHP (config/nginx-direct-mode.conf).
PHP_LOCATION = "@wordpress_php"
# Metrics label and log name of every action the sidecar does not serve (the name is the client's, unbounded).
NOT_ROUTED = "not_routed"


def action_name(incoming: Incoming) -> str:
    """``$_REQUEST['action']``: POST over GET, as admin-ajax.php reads it."""
    try:
        get, post, _files = parse(incoming)
    except FormError:
        # the guard answers the unreadable body in the action's shape; the query may still name it
        get, post = parse_urlencoded(incoming.query), {}
    return scalar(post, "action") or scalar(get, "action") or ""


def register_direct(app, services) -> None:
    from .app import to_response

    @app.route("/wp-admin/admin-ajax.php", methods=["GET", "POST"])
    def direct_admin_ajax():
        body = request.get_data(cache=False)
        query = request.query_string.decode("latin-1")
        content_type = request.headers.get("Content-Type", "")
        incoming = Incoming(
            request_id=g.request_id,  # ours: a client-chosen id never reaches the log
            method=request.method,
            query=query,
            content_type=content_type,
            body=body,
            cookie=request.headers.get("Cookie", ""),
            https=request.headers.get("X-Forwarded-Proto", request.scheme) == "https",
            client_ip=request.headers.get("X-Real-IP", request.remote_addr or ""),
            user_agent=request.headers.get("User-Agent", ""),
            inline_events=False,
        )
        name = action_name(incoming)
        action = services.registry.actions.get(name)
        if action is None:
            # Not ours: the proxy hands this same request to PHP. Only this answer does: a timeout or a 5xx
            # of a routed action is never re-run by PHP, which could write twice.
            not_routed = responses.with_status(responses.UNKNOWN_ACTION, 404)
            not_routed = replace(not_routed, headers={**not_routed.headers, "X-Accel-Redirect": PHP_LOCATION})
            outcome = Outcome(not_routed, NOT_ROUTED, auth="not_routed")  # never the client's name: a label
        else:
            outcome = run_action(services, action, incoming)
        g.outcome = outcome
        return to_response(services, outcome, incoming.request_id, "", direct=True)
