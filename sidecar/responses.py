"""Replies in the shapes admin-ajax.php pages read, with admin-ajax's headers."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .phpjson import php_json_encode

JSON_TYPE = "application/json; charset=UTF-8"
HTML_TYPE = "text/html; charset=UTF-8"
CSV_TYPE = "text/csv; charset=UTF-8"

# What admin-ajax.php itself sends before any handler runs (send_nosniff_header,
# nocache_headers, X-Robots-Tag). The shim's WordPress sends them in forward mode;
# the sidecar adds them when it answers the browser directly.
ADMIN_AJAX_HEADERS = {
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "Expires": "Wed, 11 Jan 1984 05:00:00 GMT",
    "Cache-Control": "no-cache, must-revalidate, max-age=0",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict = field(default_factory=dict)


def json_reply(value, status: int = 200) -> Reply:
    return Reply(status, php_json_encode(value).encode("ascii"))


def success(data=None, status: int = 200) -> Reply:
    """``wp_send_json_success($data)``: the data key is left out when PHP's would be null."""
    body = {"success": True}
    if data is not None:
        body["data"] = data
    return json_reply(body, status)


def error(data=None, status: int = 200) -> Reply:
    """``wp_send_json_error($data, $status)``."""
    body = {"success": False}
    if data is not None:
        body["data"] = data
    return json_reply(body, status)


def message_error(message: str, status: int = 200) -> Reply:
    return error({"message": message}, status)


def form_reply(success: bool, message: str, status: int = 200, **extra) -> Reply:
    """A form post's answer, ``{"success", "message", ...}``: the shim redirects (303) and shows it."""
    body = {"success": success, "message": message}
    body.update(extra)
    return json_reply(body, status)


def html(text: str, status: int = 200) -> Reply:
    return Reply(status, text.encode("utf-8"), HTML_TYPE)


def wp_die_text(text: str, status: int) -> Reply:
    """``wp_die('0', 400)`` / ``wp_die('-1', 403)`` as admin-ajax answers."""
    return Reply(status, text.encode("ascii"), HTML_TYPE)


UNKNOWN_ACTION = wp_die_text("0", 400)
AJAX_REFERER_FAILED = wp_die_text("-1", 403)


def with_status(reply: Reply, status: int) -> Reply:
    return replace(reply, status=status)


def with_headers(reply: Reply, headers: dict) -> Reply:
    """``reply`` with ``headers`` added after its own (a name it has already is replaced)."""
    return replace(reply, headers={**reply.headers, **headers})
