"""WordPress login cookies: names, the Cookie header as PHP reads it, and
``wp_validate_auth_cookie()`` (parse, expiry, user, password fragment, HMAC, session token)."""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from . import php
from .errors import CookieHeaderError
from .phpserialize import maybe_unserialize
from .salts import salted_hash

MAX_HEADER = 64 * 1024
MAX_COOKIES = 1000
GRACE = 3600

PASS_FRAG_LEGACY = "legacy"     # WordPress <= 6.7: substr(user_pass, 8, 4)
PASS_FRAG_CURRENT = "current"   # WordPress >= 6.8: that for $P$ and $2y$, else the last 4 characters
PASS_FRAG_EITHER = "either"     # version unknown: accept either fragment where they differ
FIRST_CURRENT_VERSION = (6, 8)
LAST_LEGACY_DB_VERSION = 58975  # 6.7 and 6.8 share it; lower is <= 6.6, higher is >= 6.9

OK = "auth_cookie_valid"
MALFORMED = "auth_cookie_malformed"
EXPIRED = "auth_cookie_expired"
BAD_USERNAME = "auth_cookie_bad_username"
BAD_HASH = "auth_cookie_bad_hash"
BAD_SESSION = "auth_cookie_bad_session_token"


class PHPArray:
    """A cookie PHP turned into an array (``name[...]=``); WordPress cannot use it."""

    def __repr__(self) -> str:
        return "PHPArray()"


PHP_ARRAY = PHPArray()


@dataclass(frozen=True)
class CookieNames:
    auth: str
    secure_auth: str
    logged_in: str

    def for_scheme(self, scheme: str) -> str:
        return getattr(self, scheme)


@dataclass(frozen=True)
class AuthCookie:
    username: bytes
    expiration: bytes
    token: bytes
    hmac: bytes


@dataclass(frozen=True)
class UserRecord:
    """A users row with the usermeta the checks need (first value per exact meta_key)."""

    id: int
    login: str
    user_pass: bytes
    meta: Mapping[bytes, bytes]
    display_name: str | None = None  # as display_names() decodes it; None when not read


@dataclass(frozen=True)
class CookieCheck:
    """The verdict: ``reason`` is the WordPress action that fired."""

    reason: str
    cookie: AuthCookie | None = None
    user: UserRecord | None = None
    pass_frag_rule: str | None = None

    @property
    def valid(self) -> bool:
        return self.reason == OK


def cookie_hash(siteurl: str | bytes | None, constants: Mapping[str, object], multisite: bool) -> str:
    """COOKIEHASH: the constant if defined, else md5 of the site URL as ``get_site_option('siteurl')``
    returns it (single site: trailing ``/`` and ``\\`` removed, WP_SITEURL wins; multisite: the
    network's sitemeta value as stored). ``siteurl`` None means the row does not exist."""
    if "COOKIEHASH" in constants:
        return php.to_bytes(constants["COOKIEHASH"]).decode("utf-8", "surrogateescape")
    if siteurl is None:
        return ""
    url = php.as_bytes(siteurl)
    if not multisite:
        url = php.to_bytes(constants["WP_SITEURL"]) if "WP_SITEURL" in constants else url
        url = url.rstrip(b"/\\")
    return hashlib.md5(url).hexdigest() if php.truthy(url) else ""


def cookie_names(cookiehash: str, constants: Mapping[str, object]) -> CookieNames:
    def name(constant: str, default: str) -> str:
        if constant in constants:
            return php.to_bytes(constants[constant]).decode("utf-8", "surrogateescape")
        return default + cookiehash
    return CookieNames(auth=name("AUTH_COOKIE", "wordpress_"),
                       secure_auth=name("SECURE_AUTH_COOKIE", "wordpress_sec_"),
                       logged_in=name("LOGGED_IN_COOKIE", "wordpress_logged_in_"))


def parse_cookie_header(header: str | bytes) -> dict[str, bytes | PHPArray]:
    """``$_COOKIE`` for this header: split on ``;``, names not decoded but PHP-mangled (``.`` and
    space become ``_``, ``a[b]`` is an array), values raw-url-decoded, the first occurrence wins."""
    raw = php.as_bytes(header)
    if len(raw) > MAX_HEADER:
        raise CookieHeaderError(f"Cookie header of {len(raw)} bytes")
    jar: dict[str, bytes | PHPArray] = {}
    count = 0
    for pair in raw.split(b";"):
        if not pair:
            continue
        name, has_value, value = pair.partition(b"=")
        name = name.lstrip(b" \t\n\r\v\f")
        if not name:
            continue
        count += 1
        if count > MAX_COOKIES:
            break
        key, is_array = php.variable_name(name.split(b"\0", 1)[0].decode("latin-1"))
        if key and key not in jar:
            jar[key] = PHP_ARRAY if is_array else (unquote_to_bytes(value) if has_value else b"")
    return jar


def present(value: bytes | PHPArray | None) -> bool:
    """PHP ``! empty($_COOKIE[name])``."""
    return value is PHP_ARRAY or (value is not None and php.truthy(value))


def parse_auth_cookie(value: bytes | PHPArray | None) -> AuthCookie | None:
    if not isinstance(value, bytes) or not present(value):
        return None
    parts = value.split(b"|")
    return AuthCookie(*parts) if len(parts) == 4 else None


# wp_users.user_login is varchar(60) and the logins it can match are ASCII; WordPress writes the login
# unchanged into the cookies it makes, so a longer cookie user name can never be valid.
MAX_LOGIN_BYTES = 60


def lookup_login(username: bytes) -> str | None:
    """What ``get_user_by('login', ...)`` searches for (trim, then ``sanitize_user``), or None when
    nothing can match. Logins that ``sanitize_user`` would rewrite beyond these ASCII rules
    (markup, non-ASCII) are refused: WordPress never creates them."""
    if len(username) > MAX_LOGIN_BYTES:
        return None  # before any regex: the entity strip below is quadratic in the length
    value = php.trim(username)
    if not php.truthy(value) or b"<" in value or any(byte > 0x7F for byte in value):
        return None
    value = re.sub(rb"&.+?;", b"", re.sub(rb"%[0-9a-fA-F]{2}", b"", value))
    value = re.sub(rb"[ \t\n\v\f\r]+", b" ", php.trim(value))
    return value.decode("ascii") or None


def pass_frag_rule(wp_version: str | None = None, db_version: int | None = None) -> str:
    """The password-fragment rule of a site. A configured WordPress version decides (6.8 changed
    the rule); else the ``db_version`` option, which tells <= 6.6 (below 58975) and >= 6.9 (above)
    apart but not 6.7 from 6.8 (both 58975); else PASS_FRAG_EITHER, which accepts a cookie made
    under either rule. The rules differ only for hashes other than ``$P$`` and ``$2y$`` (6.8's
    ``$wp$2y$``, legacy MD5, ``$2a$``, argon2). Both versions rehash an MD5 hash at login, so only
    cookies set without a password login (``wp_set_auth_cookie`` from a plugin) can depend on it."""
    if wp_version:
        numbers = tuple(int(n) for n in re.findall(r"[0-9]+", wp_version)[:2])
        return PASS_FRAG_CURRENT if numbers >= FIRST_CURRENT_VERSION else PASS_FRAG_LEGACY
    if db_version is not None and db_version != LAST_LEGACY_DB_VERSION:
        return PASS_FRAG_CURRENT if db_version > LAST_LEGACY_DB_VERSION else PASS_FRAG_LEGACY
    return PASS_FRAG_EITHER


def pass_frags(user_pass: bytes, rule: str) -> dict[str, bytes]:
    """The password fragments a cookie may have been made with, by the rule that cuts them."""
    first, last = {"substr(user_pass, 8, 4)": user_pass[8:12]}, {"substr(user_pass, -4)": user_pass[-4:]}
    if rule == PASS_FRAG_LEGACY or user_pass.startswith((b"$P$", b"$2y$")):
        return first
    return last if rule == PASS_FRAG_CURRENT else {**last, **first}


def hash_format(user_pass: bytes) -> str:
    for prefix, label in ((b"$wp$", "WordPress bcrypt ($wp$2y$)"), (b"$P$", "phpass ($P$)"),
                          (b"$2y$", "bcrypt ($2y$)"), (b"$argon2", "argon2")):
        if user_pass.startswith(prefix):
            return label
    return "MD5 (legacy)" if re.fullmatch(rb"[0-9a-f]{32}", user_pass) else "other"


def cookie_hmac(cookie: AuthCookie, pass_frag: bytes, salt: bytes) -> bytes:
    key = salted_hash(b"|".join((cookie.username, pass_frag, cookie.expiration, cookie.token)), salt)
    return hmac.new(key.encode(), b"|".join((cookie.username, cookie.expiration, cookie.token)),
                    hashlib.sha256).hexdigest().encode()


def generate_auth_cookie(user: UserRecord, expiration: int, token: str | bytes, salt: bytes,
                         rule: str = PASS_FRAG_CURRENT) -> bytes:
    """``wp_generate_auth_cookie()`` for an existing session token (tests and benchmarks)."""
    cookie = AuthCookie(user.login.encode(), str(expiration).encode(), php.as_bytes(token), b"")
    mac = cookie_hmac(cookie, next(iter(pass_frags(user.user_pass, rule).values())), salt)
    return b"|".join((cookie.username, cookie.expiration, cookie.token, mac))


def login_to_fetch(value: bytes | PHPArray | None, now: int, request_kind: str) -> str | None:
    """The login the validation of ``value`` will look up, or None when it stops before that."""
    cookie = parse_auth_cookie(value)
    if cookie is None or _expiry_failure(cookie, now, request_kind, PASS_FRAG_EITHER):
        return None
    return lookup_login(cookie.username)


def validate_auth_cookie(value: bytes | PHPArray | None, scheme: str, now: int, request_kind: str, *,
                         lookup: Callable[[str], UserRecord | None], salt: bytes | Callable[[], bytes],
                         rule: str = PASS_FRAG_EITHER) -> CookieCheck:
    """``wp_validate_auth_cookie(value, scheme)`` at time ``now``; ``request_kind`` is GET, POST or
    AJAX (the last two get the hour of grace). ``salt`` is ``wp_salt(scheme)`` or a function giving it."""
    cookie = parse_auth_cookie(value)
    if cookie is None:
        return CookieCheck(MALFORMED)
    failure = _expiry_failure(cookie, now, request_kind, rule)
    if failure:
        return CookieCheck(failure, cookie)
    login = lookup_login(cookie.username)
    user = lookup(login) if login is not None else None
    if user is None:
        return CookieCheck(BAD_USERNAME, cookie)
    key = salt() if callable(salt) else salt
    matched = [label for label, frag in pass_frags(user.user_pass, rule).items()
               if hmac.compare_digest(cookie_hmac(cookie, frag, key), cookie.hmac)]
    if not matched:
        return CookieCheck(BAD_HASH, cookie, user)
    if not session_valid(user.meta.get(b"session_tokens"), cookie.token, now):
        return CookieCheck(BAD_SESSION, cookie, user, matched[0])
    return CookieCheck(OK, cookie, user, matched[0])


def _expiry_failure(cookie: AuthCookie, now: int, request_kind: str, rule: str) -> str | None:
    grace = GRACE if request_kind in ("POST", "AJAX") else 0
    if re.fullmatch(rb"[0-9]+", cookie.expiration):
        digits = cookie.expiration.lstrip(b"0")
        return EXPIRED if len(digits) <= 19 and int(digits or b"0") + grace < now else None
    if rule == PASS_FRAG_LEGACY:
        return BAD_HASH
    leading = re.match(rb"[ \t\n\r\v\f]*([+-]?[0-9]{1,19})", cookie.expiration)
    return EXPIRED if (int(leading.group(1)) if leading else 0) + grace < now else BAD_HASH


def session_valid(raw: bytes | None, token: bytes, now: int) -> bool:
    """``WP_Session_Tokens::verify()``: the token's sha256 is a key of ``session_tokens`` whose
    expiration is still >= now. Only int, float or digit-string expirations count."""
    sessions = stored_sessions(raw) if raw is not None else None
    if not isinstance(sessions, dict):
        return False
    session = sessions.get(hashlib.sha256(token).hexdigest().encode())
    if isinstance(session, int) and not isinstance(session, bool):
        session = {b"expiration": session}
    if not isinstance(session, dict):
        return False
    expiration = session.get(b"expiration")
    if isinstance(expiration, bytes) and re.fullmatch(rb"[0-9]{1,19}", expiration):
        expiration = int(expiration)
    return isinstance(expiration, (int, float)) and not isinstance(expiration, bool) and expiration >= now


CACHED_SESSIONS_MAX_BYTES = 64 * 1024


def stored_sessions(raw: bytes):
    """``maybe_unserialize`` of a user's ``session_tokens``, read once per worker for the same stored bytes.

    WordPress keeps a session per login until it expires, so an active user's value holds dozens, and every
    request checks one of them; the value changes only when a session is added, ended or renewed. Not to be
    changed by the caller: the same object answers the next request with these bytes."""
    if len(raw) > CACHED_SESSIONS_MAX_BYTES:
        return maybe_unserialize(raw)
    return _parsed_sessions(php.as_bytes(raw))


@functools.lru_cache(maxsize=64)
def _parsed_sessions(raw: bytes):
    return maybe_unserialize(raw)
