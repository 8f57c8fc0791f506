"""Requests to the sidecar signed as the shim signs them (wp_bridge/channel.py): the headers of one forwarded
request, sent over HTTP by `forward()` or to the in-process app by devstack/inprocess.py."""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

import requests

from wp_bridge.channel import ChannelSigner, ForwardedRequest, forward_path

FORM_TYPE = "application/x-www-form-urlencoded"


def signed_headers(secret: str, sent_to: str, method: str, query_string: str, content_type: str, body: bytes,
                   cookie: str = "", timestamp: int | None = None, request_id: str | None = None,
                   user_agent: str = "pytest", signed_for: str | None = None) -> dict:
    """The X-WeCoza-* headers (and Content-Type) the shim sends with a browser request forwarded to ``sent_to``.

    ``signed_for``: sign for this sidecar path instead of ``sent_to`` (a misused signature)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    request_id = request_id or secrets.token_hex(16)
    forwarded = ForwardedRequest(stamp, request_id, method, signed_for or sent_to, query_string, content_type, "0",
                                 "127.0.0.1", user_agent, body, cookie)
    return forwarded.to_headers(signature=ChannelSigner(secret).sign(forwarded.canonical()))


def forward(server, action: str, fields: dict | None = None, cookie: str = "", method: str = "POST",
            query: dict | None = None, secret: str | None = None, timestamp: int | None = None,
            request_id: str | None = None, path: str = "ajax", session: requests.Session | None = None,
            signed_for: str | None = None):
    """POST what the shim would send for a browser request to /{path}/{action}; returns (response, headers sent).

    ``signed_for``: sign for this sidecar path instead of the one the request is sent to (a misused signature)."""
    body = urlencode(fields or {}).encode() if method == "POST" else b""
    content_type = FORM_TYPE if method == "POST" else ""
    query_string = urlencode({"action": action, **(query or {})})
    sent_to = forward_path(path, action)
    headers = signed_headers(secret or server.secret, sent_to, method, query_string, content_type, body, cookie,
                             timestamp=timestamp, request_id=request_id, signed_for=signed_for)
    http = session or requests
    response = http.post(f"{server.url}{sent_to}", data=body, headers=headers, timeout=30)
    return response, headers


def cookie_header(cookies: dict) -> str:
    """A Cookie header as a browser sends it (values already in their wire form)."""
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def wire_cookie(session) -> str:
    """The WordPress cookies of a logged-in requests.Session as the browser sends them."""
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies if c.name.startswith("wordpress"))
