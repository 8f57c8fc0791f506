"""Calling admin-ajax.php as the unchanged pages do, with nonces made by WordPress itself."""
from __future__ import annotations

import json
import urllib.parse


def logged_in_cookie(session) -> tuple[str, str] | None:
    for cookie in session.cookies:
        if cookie.name.startswith("wordpress_logged_in_"):
            return cookie.name, urllib.parse.unquote(cookie.value)
    return None


def create_nonce(site, session, action: str) -> str:
    """``wp_create_nonce(action)`` computed by WordPress for the session's user and token
    (or for a logged-out visitor when ``session`` is None or has no login)."""
    cookie = logged_in_cookie(session) if session is not None else None
    if cookie is None:
        code = f"wp_set_current_user(0); echo wp_create_nonce({json.dumps(action)});"
    else:
        name, value = cookie
        code = (
            f"$_COOKIE[{json.dumps(name)}] = {json.dumps(value)};"
            f"$uid = wp_validate_auth_cookie({json.dumps(value)}, 'logged_in');"
            "if (!$uid) { fwrite(STDERR, 'cookie not valid'); exit(3); }"
            "wp_set_current_user($uid);"
            f"echo wp_create_nonce({json.dumps(action)});"
        )
    return site.php(code).strip()


def ajax_url(site) -> str:
    return site.url.rstrip("/") + "/wp-admin/admin-ajax.php"


def call(site, session, action: str, data=None, files=None, method: str = "POST", params=None, **kwargs):
    """One admin-ajax request; ``session`` None means a logged-out browser."""
    import requests
    http = session if session is not None else requests.Session()
    query = {"action": action}
    if params:
        query.update(params)
    if method == "GET":
        return http.get(ajax_url(site), params=query, timeout=30, **kwargs)
    body = {"action": action}
    if data:
        body.update(data)
    return http.post(ajax_url(site), params=params, data=body, files=files, timeout=30, **kwargs)
