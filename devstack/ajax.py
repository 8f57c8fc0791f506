"""The admin-ajax.php client: requests as the unchanged pages send them, with nonces made by WordPress itself.

`call()` is one request; `AdminAjax` holds a site's logged-in sessions by role and the nonces WordPress made for
them. The action travels in the body of a POST (as the pages send it) and in the query of a GET.
"""
from __future__ import annotations

import json
import urllib.parse

import requests

TIMEOUT = 60


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
    """One admin-ajax request; ``session`` None means a logged-out browser.

    ``data``: a mapping or a list of (name, value) pairs (repeated names kept), ``action`` put first when missing;
    multipart when ``files`` is given. ``params``: the query string (a GET also carries the action there)."""
    http = session if session is not None else requests.Session()
    kwargs.setdefault("timeout", TIMEOUT)
    if method == "GET":
        return http.get(ajax_url(site), params={"action": action, **(params or {})}, **kwargs)
    fields = list(data.items()) if isinstance(data, dict) else list(data or ())
    if not any(name == "action" for name, _ in fields):
        fields.insert(0, ("action", action))
    return http.post(ajax_url(site), params=params, data=fields, files=files, **kwargs)


class AdminAjax:
    """admin-ajax.php of ``site`` for ``sessions`` ({who: logged-in requests.Session}); ``who`` None is a logged-out
    browser. Nonces are made once per (who, nonce action)."""

    def __init__(self, site, sessions):
        self.site = site
        self.sessions = sessions
        self._nonces = {}

    def session(self, who):
        return None if who is None else self.sessions[who]

    def nonce(self, who, action):
        key = (who, action)
        if key not in self._nonces:
            self._nonces[key] = create_nonce(self.site, self.session(who), action)
        return self._nonces[key]

    def post(self, action, data=None, who="admin", nonce_action=None, files=None, params=None):
        """A POST of ``data`` (see call()), with ``nonce`` = the nonce of ``nonce_action`` added when given."""
        fields = list(data.items()) if isinstance(data, dict) else list(data or ())
        if nonce_action:
            fields = [(name, value) for name, value in fields if name != "nonce"]
            fields.append(("nonce", self.nonce(who, nonce_action)))
        return call(self.site, self.session(who), action, fields, files=files, params=params)

    def get(self, action, params=None, who="admin", nonce_action=None):
        query = dict(params or {})
        if nonce_action:
            query["nonce"] = self.nonce(who, nonce_action)
        return call(self.site, self.session(who), action, method="GET", params=query)
