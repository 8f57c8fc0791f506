"""``wp_salt()`` and ``wp_hash()`` with WordPress's fallbacks, except that a missing salt is
never generated: WordPress would create and store it, so nothing can have been signed with it."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from . import php
from .errors import SaltMissing
from .phpserialize import maybe_unserialize

SCHEMES = ("auth", "secure_auth", "logged_in", "nonce")
PLACEHOLDER = "put your unique phrase here"
SALT_CONSTANTS = tuple(f"{first}_{second}" for first in ("AUTH", "SECURE_AUTH", "LOGGED_IN", "NONCE", "SECRET")
                       for second in ("KEY", "SALT"))
SALT_OPTIONS = tuple(f"{scheme}_{kind}" for scheme in SCHEMES for kind in ("key", "salt")) + ("secret_key",)


def wp_salt(scheme: str, constants: Mapping[str, object], options: Mapping[str, object]) -> bytes:
    """The salt for ``scheme``. ``constants``: the wp-config defines (only the salt names are read);
    ``options``: raw values of the ``SALT_OPTIONS`` site options that exist (bytes or str)."""
    usable = _usable(constants)
    key = php.to_bytes(constants["SECRET_KEY"]) if "SECRET_KEY" in usable else b""
    salt = php.to_bytes(constants["SECRET_SALT"]) if scheme == "auth" and "SECRET_SALT" in usable else b""
    if scheme in SCHEMES:
        values = {"key": key, "salt": salt}
        for kind in ("key", "salt"):
            name = f"{scheme}_{kind}".upper()
            if name in usable:
                values[kind] = php.to_bytes(constants[name])
            elif not php.truthy(values[kind]):
                values[kind] = _option(options, f"{scheme}_{kind}")
        return values["key"] + values["salt"]
    if not php.truthy(key):
        key = _option(options, "secret_key")
    return key + hmac.new(key, php.as_bytes(scheme), hashlib.md5).hexdigest().encode()


def wp_hash(data: str | bytes, scheme: str, constants: Mapping[str, object], options: Mapping[str, object]) -> str:
    """Lowercase hex HMAC-MD5 of ``data`` keyed with ``wp_salt(scheme)``."""
    return salted_hash(data, wp_salt(scheme, constants, options))


def salted_hash(data: str | bytes, salt: bytes) -> str:
    """``wp_hash()`` with the salt already known."""
    return hmac.new(salt, php.as_bytes(data), hashlib.md5).hexdigest()


def _usable(constants: Mapping[str, object]) -> set[str]:
    """Salt constants that are defined, truthy, and whose value no other salt constant repeats."""
    seen: dict = {}
    for name in SALT_CONSTANTS:
        if name in constants:
            key = php.array_key(constants[name])
            seen[key] = key in seen
    seen[php.array_key(PLACEHOLDER)] = True
    return {name for name in SALT_CONSTANTS
            if name in constants and php.truthy(constants[name]) and not seen[php.array_key(constants[name])]}


def _option(options: Mapping[str, object], name: str) -> bytes:
    value = options.get(name)
    value = maybe_unserialize(value) if value is not None else None
    if not php.truthy(value):
        raise SaltMissing(name)
    return php.to_bytes(value)
