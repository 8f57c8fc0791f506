"""Direct mode: a reverse proxy sends ``/wp-admin/admin-ajax.php?action=<routed>`` here.

The browser talks to the sidecar, so there is no shim signature: the WordPress cookies
and nonce are the credentials, checked by the same guard. A POST from a caller the cookies
do not log in is handed to PHP (its action is named in the body, which the sidecar parses only when the cookies may
log in). Events are not returned to the browser; the dispatcher delivers them to WordPress.
"""
from __future__ import annotations

from . import access, refusals, responses
from .guard import identify, may_log_in, parse, reads_beside_auth, run_action, run_read_beside_auth
from .handling import TOO_LARGE, Incoming, Outcome
from .phpform import URLENCODED, FormError, media_type, parse_urlencoded, scalar
from .refusals import Refusal
from .registry import Action


# The nginx location that runs admin-ajax.php in PHP (config/nginx-direct-mode.conf).
PHP_LOCATION = "@wordpress_php"
# Metrics label and log name of every action the sidecar does not serve (the name is the client's, unbounded).
NOT_ROUTED = "not_routed"


def action_name(incoming: Incoming) -> str:
    """``$_REQUEST['action']`` as admin-ajax.php reads it: ``array_merge($_GET, $_POST)``, so a POST field named
    action wins even when it is empty or an array (then there is no action, and PHP answers 0)."""
    try:
        get, post, _files = parse(incoming)
    except FormError:
        # the guard answers the unreadable body in the action's shape; the query may still name it
        get, post = query_params(incoming), {}
    value = post["action"] if "action" in post else get.get("action")
    return value if isinstance(value, str) else ""


def query_params(incoming: Incoming) -> dict:
    try:
        return parse_urlencoded(incoming.query)
    except FormError:
        return {}


def not_routed() -> Outcome:
    """Not ours (or not known without reading the body): the proxy hands this same request to PHP. Only this
    answer does: a timeout or a 5xx of a routed action is never re-run by PHP, which could write twice."""
    reply = responses.with_headers(responses.with_status(responses.UNKNOWN_ACTION, 404),
                                   {"X-Accel-Redirect": PHP_LOCATION})
    return Outcome(reply, NOT_ROUTED, auth="not_routed")  # never the client's name: a label


def too_large(services, incoming: Incoming) -> Outcome:
    """A body over ``max_body_bytes``, refused unread (so never handed to PHP either), in the shape of the
    action the query names if it is one of ours."""
    action = services.registry.actions.get(scalar(query_params(incoming), "action") or "")
    if action is None:
        return Outcome(responses.with_status(responses.UNKNOWN_ACTION, 413), NOT_ROUTED, auth="bad_request",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "body over max_body_bytes"))
    return Outcome(responses.with_status(action.denials.generic(TOO_LARGE), 413), action.name, auth="bad_request",
                   refusal=Refusal(refusals.BAD_REQUEST, (), "body over max_body_bytes"))


# The largest body read before the caller is known: a read's form is a nonce, an id and a few filters.
READ_AHEAD_MAX_BODY = 8 * 1024


def route(services, incoming: Incoming) -> Outcome:
    action = read_ahead(services, incoming)
    if action is not None:
        return run_read_beside_auth(services, action, access.action_gate(action), incoming, unknown_caller=for_php)
    handed_over = for_php(identify(services, incoming), incoming)
    if handed_over is not None:
        return handed_over
    action = services.registry.actions.get(action_name(incoming))
    if action is None:
        return not_routed()
    return run_action(services, action, incoming)


def for_php(caller, incoming: Incoming) -> Outcome | None:
    """A POST whose cookies do not log anyone in goes to PHP: its action is named in the body, which the sidecar does
    not act on for such a caller; PHP reads it, as WordPress always has (the shim forwards an action of ours, signed
    and named)."""
    if caller.user is None and caller.reason != "db_error" and incoming.method == "POST" and incoming.body:
        return not_routed()
    return None


def read_ahead(services, incoming: Incoming) -> Action | None:
    """The routed read a POST names, when its PostgreSQL work may start while the caller is identified: a small
    url-encoded body, as the pages send a read, from cookies that may log a user in (checked before the body is
    parsed). Anything else is identified first."""
    if not (incoming.method == "POST" and len(incoming.body) <= READ_AHEAD_MAX_BODY
            and media_type(incoming.content_type) == URLENCODED and may_log_in(services, incoming)):
        return None
    action = services.registry.actions.get(action_name(incoming))
    return action if action is not None and reads_beside_auth(services, action, incoming) else None
