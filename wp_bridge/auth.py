"""Who is calling admin-ajax.php, decided as WordPress decides it, and whether the nonce holds.

Order (``determine_current_user``): the auth cookie for the request's scheme (``secure_auth`` over
HTTPS, else ``auth``), then the logged-in cookie. Cookie values are slashed first, as
``wp_magic_quotes()`` does. The nonce uses the logged-in cookie's token even when that cookie is
not valid, and uid 0 for a logged-out caller. Any error means "not logged in", never an exception.
"""
from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import pymysql

from . import cookies, php
from .cookies import CookieCheck, login_to_fetch, parse_auth_cookie, parse_cookie_header, validate_auth_cookie
from .errors import CookieHeaderError, SaltMissing
from .nonces import find_nonce, verify_nonce
from .users import WPUser, capabilities, is_super_admin

log = logging.getLogger("wp_bridge.auth")


@dataclass(frozen=True)
class AuthResult:
    """``reason`` is None when the caller is logged in and (if asked) the nonce holds; otherwise the
    first failure: a cookie hook name (``auth_cookie_bad_hash``...), ``no_cookie``, ``salt_missing``,
    ``db_error``, ``bad_cookie_header``, ``internal_error``, ``nonce_missing`` or ``nonce_invalid``.
    ``steps`` explain the decision with secrets shortened to 4 characters."""

    user: WPUser | None
    reason: str | None
    nonce_ok: bool | None = None
    nonce_age: int | None = None
    nonce_action: str | int | None = None
    steps: list[tuple[str, str]] = field(default_factory=list)
    # The logged-in cookie's token, which nonces are made with; None when identifying the caller failed.
    token: bytes | None = field(default=None, repr=False)
    # The options ``identify`` was asked for, read with the user (empty when no user was looked up).
    options: Mapping[str, str | None] = field(default_factory=dict, repr=False)

    @property
    def logged_in(self) -> bool:
        return self.user is not None


def mask(value: bytes | str) -> str:
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    return f"{text[:4]}..." if text else "(empty)"


def authenticate(wp, cookie_header, *, https: bool = False, method: str = "POST",
                 params: Mapping[str, object] | None = None, nonce_actions: Sequence[str | int] | None = None,
                 nonce_field: str | None = "nonce", ajax: bool = True) -> AuthResult:
    caller = identify(wp, cookie_header, https=https, method=method, ajax=ajax)
    return check_nonce(wp, caller, params, nonce_actions, nonce_field)


def identify(wp, cookie_header, *, https: bool = False, method: str = "POST", ajax: bool = True,
             options: Sequence[str] = ()) -> AuthResult:
    """Who is calling, from the cookies alone: nothing of the request body is needed (or read). The blog's
    ``options`` come in the same query as the user, when a user is looked up."""
    return start_identify(wp, cookie_header, https=https, method=method, ajax=ajax, options=options).result()


def start_identify(wp, cookie_header, *, https: bool = False, method: str = "POST", ajax: bool = True,
                   options: Sequence[str] = ()) -> Identifying:
    """``identify`` up to its MySQL query, sent: the thread may do other work while MySQL answers, then ask for
    the ``result()``."""
    steps: list[tuple[str, str]] = []
    return Identifying(_current_user(wp, cookie_header or "", https, "AJAX" if ajax else method.upper(), steps,
                                     options), steps)


class Identifying:
    """An identification started: ``waiting`` while its query's answer is unread. ``result()`` reads it (on the
    thread that started it) and decides, once."""

    def __init__(self, stages, steps: list):
        self._stages, self._steps = stages, steps
        self._result: AuthResult | None = None
        self._advance()

    @property
    def waiting(self) -> bool:
        return self._result is None

    def result(self) -> AuthResult:
        if self._result is None:
            self._advance()
            if self._result is None:
                raise RuntimeError("the identification asked MySQL twice")
        return self._result

    def _advance(self) -> None:
        try:
            next(self._stages)  # stops once, while its query is in flight
        except StopIteration as done:
            user, reason, token, read = done.value
            self._result = AuthResult(user, reason, steps=self._steps, token=token, options=read)
        except Exception as exc:  # noqa: BLE001 - every failure means "not logged in", and is logged
            self._result = _failed(exc, self._steps)


def check_nonce(wp, caller: AuthResult, params: Mapping[str, object] | None,
                nonce_actions: Sequence[str | int] | None, nonce_field: str | None = "nonce") -> AuthResult:
    """``caller`` (from ``identify``) with the verdict on the nonce in ``params`` for any of ``nonce_actions``."""
    if nonce_actions is None:
        return caller
    user, reason, steps = caller.user, caller.reason, list(caller.steps)
    if caller.token is None:  # identifying the caller failed: no nonce can hold
        return replace(caller, nonce_ok=False)
    nonce = find_nonce(params or {}, nonce_field)
    try:
        salt = wp.site().salt("nonce")
    except SaltMissing as exc:
        log.error("cannot check nonces: %s", exc)
        steps.append(("nonce", "salt_missing"))
        return replace(caller, reason=reason or "salt_missing", nonce_ok=False, steps=steps)
    uid = user.id if user else 0
    now = int(wp.clock())
    for action in nonce_actions:
        age = verify_nonce(nonce, action, uid, caller.token, now, salt=salt, life=wp.nonce_life)
        if age:
            steps.append(("nonce", f"{mask(nonce)} valid for action {action!r} with uid {uid} "
                                   f"({'current' if age == 1 else 'previous'} tick)"))
            return replace(caller, nonce_ok=True, nonce_age=age, nonce_action=action, steps=steps)
    if not php.truthy(nonce):
        steps.append(("nonce", "no nonce in the request"))
        return replace(caller, reason=reason or "nonce_missing", nonce_ok=False, steps=steps)
    steps.append(("nonce", f"{mask(nonce)} not valid for {', '.join(map(repr, nonce_actions))} "
                           f"with uid {uid} and token {mask(caller.token)}"))
    return replace(caller, reason=reason or "nonce_invalid", nonce_ok=False, steps=steps)


def asks_the_database(wp, cookie_header, *, https: bool = False, method: str = "POST", ajax: bool = True) -> bool:
    """Whether ``identify`` would look a user up: the cookies hold a well-formed, unexpired auth cookie of this
    site. No query, no HMAC: a cheap test, not a verdict."""
    try:
        *_, logins = _cookie_logins(wp, cookie_header or "", https, "AJAX" if ajax else method.upper(),
                                    int(wp.clock()))
    except Exception:  # noqa: BLE001 - identify logs and refuses it; here it only means "no"
        return False
    return bool(logins)


# The last cookies read on each thread: a request asks whether its cookies may log in, then identifies the caller
# from the same cookies, and the header is parsed once.
_last_read = threading.local()


def _cookie_logins(wp, cookie_header, https: bool, kind: str, now: int):
    """(the two auth cookies' schemes and names in the order they are tried, their values by scheme, the schemes
    whose cookie was sent, the logins to look up)."""
    site = wp.site()
    key = (cookie_header, https, kind, now)
    last = getattr(_last_read, "value", None)
    if last is not None and last[0] is site and last[1] == key:
        return last[2]
    jar = parse_cookie_header(cookie_header)
    order = tuple((scheme, site.names.for_scheme(scheme)) for scheme in ("secure_auth" if https else "auth",
                                                                         "logged_in"))
    values = MappingProxyType({scheme: _slashed(jar.get(name)) for scheme, name in order})
    sent = tuple(scheme for scheme, _ in order if cookies.present(values[scheme]))
    logins = tuple(dict.fromkeys(filter(None, (login_to_fetch(values[s], now, kind) for s in sent))))
    read = (order, values, sent, logins)
    _last_read.value = (site, key, read)
    return read


def _current_user(wp, cookie_header, https: bool, kind: str, steps: list, options: Sequence[str]):
    """A generator that stops once, while its query for the user is in flight (if it sends one), and returns
    (user or None, reason, the logged-in cookie's token for nonces, the options read with the user)."""
    now = int(wp.clock())
    site = wp.site()
    order, values, sent, logins = _cookie_logins(wp, cookie_header, https, kind, now)
    for scheme, name in order:
        steps.append(("cookie", f"{scheme} cookie {name}: "
                                f"{'present' if cookies.present(values[scheme]) else 'absent'}"))
    logged_in = parse_auth_cookie(values["logged_in"])
    token = logged_in.token if logged_in is not None and php.truthy(logged_in.token) else b""
    if not sent:
        return None, "no_cookie", token, {}
    data = None
    if logins:
        answer = wp.ask_users(logins, options)
        yield
        data = answer()
    read = data.options if data else {}
    for scheme in sent:
        try:
            check = validate_auth_cookie(values[scheme], scheme, now, kind, lookup=data.users.get if data else {}.get,
                                         salt=functools.partial(site.salt, scheme), rule=site.pass_frag_rule)
        except SaltMissing as exc:
            log.error("cannot check the %s cookie: %s", scheme, exc)
            check = CookieCheck("salt_missing")
        steps.extend(_explain(scheme, check, now))
        if check.valid:
            break
    else:
        return None, check.reason, token, read
    record = check.user
    assert record is not None and check.cookie is not None and data is not None  # a valid check found its user
    roles, allcaps = capabilities(record, wp.tables, data)
    user = WPUser(record.id, record.login, roles, allcaps, check.cookie.token.decode("latin-1"),
                  is_super_admin(record, wp.tables, data), record.display_name)
    steps.append(("capabilities", f"roles {', '.join(roles) or '(none)'}; {sum(allcaps.values())} granted"
                                  + ("; super admin" if user.super_admin else "")))
    return user, None, token, read


def _slashed(value):
    return php.addslashes(value) if isinstance(value, bytes) else value


def _explain(scheme: str, check: CookieCheck, now: int) -> list[tuple[str, str]]:
    cookie, user = check.cookie, check.user
    if cookie is None:
        return [(scheme, check.reason if check.reason != cookies.MALFORMED
                 else f"{check.reason}: not 4 fields separated by |")]
    lines = [(scheme, f"user {cookie.username.decode('latin-1')!r}, expiration {cookie.expiration.decode('latin-1')} "
                      f"(now {now}), token {mask(cookie.token)}, hmac {mask(cookie.hmac)}")]
    if user is not None:
        lines.append((scheme, f"user found: ID {user.id}, password hash {cookies.hash_format(user.user_pass)}"))
    if check.pass_frag_rule:
        lines.append((scheme, f"hmac matches with pass_frag {check.pass_frag_rule}"))
    lines.append((scheme, check.reason))
    return lines


def _failed(exc: Exception, steps: list) -> AuthResult:
    if isinstance(exc, pymysql.Error):
        reason = "db_error"
        log.error("WordPress database error while authenticating: %s %s", type(exc).__name__,
                  exc.args[0] if exc.args else "")
    elif isinstance(exc, CookieHeaderError):
        reason = "bad_cookie_header"
        log.info("refused a request: %s", exc)
    else:
        reason = "internal_error"
        log.exception("authentication failed")
    steps.append(("error", reason))
    return AuthResult(None, reason, steps=steps)
