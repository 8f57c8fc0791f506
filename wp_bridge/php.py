"""PHP value rules that WordPress data depends on: truthiness, array keys, string casts, floats."""
from __future__ import annotations

import math
import re

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
TRIM_BYTES = b" \t\n\r\0\x0b"

_CANONICAL_INT = re.compile(rb"-?[1-9][0-9]{0,18}|0")
_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")


def as_bytes(value: str | bytes) -> bytes:
    """A PHP string's bytes; Python text is taken as UTF-8 (surrogate escapes kept as raw bytes)."""
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")


def truthy(value) -> bool:
    """PHP's boolean cast: false for null, false, 0, 0.0, '', '0' and an empty array."""
    if value is None or value is False:
        return False
    if isinstance(value, (bytes, str)):
        return value not in (b"", b"0", "", "0")
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (dict, list, tuple)):
        return len(value) > 0
    return True


def array_key(value) -> int | bytes:
    """The key PHP stores when ``value`` indexes an array (``"5"`` and ``5`` are the same key)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if value is None:
        return b""
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and INT_MIN <= value <= INT_MAX else 0
    raw = as_bytes(value)
    if _CANONICAL_INT.fullmatch(raw) and INT_MIN <= int(raw) <= INT_MAX:
        return int(raw)
    return raw


def to_bytes(value) -> bytes:
    """PHP's string cast of a scalar (an array becomes ``Array``)."""
    if value is None or value is False:
        return b""
    if value is True:
        return b"1"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, float):
        return format_float(value, 14)
    if isinstance(value, (dict, list, tuple)):
        return b"Array"
    return as_bytes(value)


def trim(value: bytes) -> bytes:
    return value.strip(TRIM_BYTES)


def addslashes(value: bytes) -> bytes:
    """What ``wp_magic_quotes()`` does to every request value."""
    return (value.replace(b"\\", b"\\\\").replace(b"'", b"\\'")
            .replace(b'"', b'\\"').replace(b"\0", b"\\0"))


def variable_name(name: str) -> tuple[str, bool]:
    """The key PHP registers a request variable ``name`` under, and whether its value is an array:
    leading spaces dropped, ``.`` and space become ``_``, ``a[...]`` is an array, and an unclosed
    ``[`` becomes ``_`` with the rest kept."""
    name = name.lstrip(" ")
    bracket = name.find("[")
    base = (name if bracket < 0 else name[:bracket]).replace(".", "_").replace(" ", "_")
    if bracket < 0 or not base:
        return base, False
    if "]" in name[bracket:]:
        return base, True
    return base + "_" + name[bracket + 1:], False


def is_numeric(value: str) -> bool:
    return _NUMERIC.fullmatch(value) is not None


def format_float(value: float, precision: int | None = None) -> bytes:
    """``php_gcvt``: ``precision=None`` is ``serialize_precision=-1`` (shortest round trip),
    an int is the ``precision`` ini setting used by string casts (14)."""
    if math.isnan(value):
        return b"NAN"
    if math.isinf(value):
        return b"-INF" if value < 0 else b"INF"
    negative = math.copysign(1.0, value) < 0
    if precision is None:
        digits, decpt = _shortest_digits(abs(value))
        precision = 17
    else:
        digits, decpt = _rounded_digits(abs(value), precision)
    sign = "-" if negative else ""
    if decpt < -3 or decpt > precision:
        exponent = decpt - 1
        text = f"{digits[0]}.{digits[1:] or '0'}E{'-' if exponent < 0 else '+'}{abs(exponent)}"
    elif decpt <= 0:
        text = "0." + "0" * -decpt + digits
    elif len(digits) > decpt:
        text = digits[:decpt] + "." + digits[decpt:]
    else:
        text = digits + "0" * (decpt - len(digits))
    return (sign + text).encode()


def _normalise(digits: str, decpt: int) -> tuple[str, int]:
    stripped = digits.lstrip("0")
    decpt -= len(digits) - len(stripped)
    stripped = stripped.rstrip("0")
    return (stripped, decpt) if stripped else ("0", 1)


def _shortest_digits(value: float) -> tuple[str, int]:
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    return _normalise(whole + fraction, len(whole) + int(exponent or 0))


def _rounded_digits(value: float, precision: int) -> tuple[str, int]:
    mantissa, _, exponent = f"{value:.{max(precision, 1) - 1}e}".partition("e")
    return _normalise(mantissa.replace(".", ""), int(exponent) + 1)
