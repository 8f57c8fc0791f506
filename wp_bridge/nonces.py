"""WordPress nonces (``wp_create_nonce``, ``wp_verify_nonce``) and where ``check_ajax_referer``
finds one in a request. ``salt`` is ``wp_salt('nonce')``; ``now`` is Unix seconds."""
from __future__ import annotations

import hmac
import math
from collections.abc import Mapping

from . import php
from .salts import salted_hash

DEFAULT_LIFE = 86400
FALLBACK_FIELDS = ("_ajax_nonce", "_wpnonce")


def nonce_tick(now: float, life: int = DEFAULT_LIFE) -> int:
    """``wp_nonce_tick()``: ``ceil(time() / (nonce_life / 2))``; a nonce lives two ticks."""
    return math.ceil(int(now) / (life / 2))


def create_nonce(action: str | int, uid: int, token: str | bytes, now: float, *,
                 salt: bytes, life: int = DEFAULT_LIFE) -> str:
    return _nonce(nonce_tick(now, life), action, uid, token, salt)


def verify_nonce(nonce: str | bytes, action: str | int, uid: int, token: str | bytes, now: float, *,
                 salt: bytes, life: int = DEFAULT_LIFE) -> int | bool:
    """1 when made in the current tick, 2 in the previous one, else False."""
    given = php.as_bytes(nonce)
    if not php.truthy(given):
        return False
    tick = nonce_tick(now, life)
    for age, at in ((1, tick), (2, tick - 1)):
        if hmac.compare_digest(_nonce(at, action, uid, token, salt).encode(), given):
            return age
    return False


def _nonce(tick: int, action: str | int, uid: int, token: str | bytes, salt: bytes) -> str:
    data = b"%d|%s|%d|%s" % (tick, php.to_bytes(action), uid, php.as_bytes(token))
    return salted_hash(data, salt)[-12:-2]


def find_nonce(params: Mapping[str, object], query_arg: str | None = None) -> str:
    """The nonce ``check_ajax_referer($action, $query_arg)`` reads from ``$_REQUEST`` (GET merged
    with POST, POST winning): ``query_arg`` if given and present, else ``_ajax_nonce``, else
    ``_wpnonce``, else ''. Keys get PHP's name rules; a non-string or ``a[...]`` value is ``Array``."""
    request: dict[str, str] = {}
    for key, value in params.items():
        name, is_array = php.variable_name(key)
        if name:
            request[name] = value if isinstance(value, str) and not is_array else "Array"
    for field in ((query_arg,) if query_arg is not None and php.truthy(query_arg) else ()) + FALLBACK_FIELDS:
        if field in request:
            return request[field]
    return ""
