"""One JSON encoder that writes what PHP's ``json_encode($value)`` (flags 0) writes.

PHP differences from Python's defaults that matter to the pages:
``/`` is escaped as ``\\/``, non-ASCII as lower-case ``\\uXXXX``, no whitespace,
an empty PHP array is ``[]``, an array with keys 0..n-1 is a list, an integral float
loses its ``.0`` (PHP 8 without JSON_PRESERVE_ZERO_FRACTION) and exponents look like
``1.0e+25``, numeric database values (``Decimal``) are strings as
PDO hands them to PHP, dates are their text form.
"""
from __future__ import annotations

import datetime
import decimal
import json
import math
import re
import secrets


class PHPObject(dict):
    """A value PHP would encode as ``{}`` even when empty (an stdClass)."""


# A float is carried through json.dumps as a string with an unguessable marker, then unquoted.
_FLOAT_MARK = "wecoza-float-" + secrets.token_hex(8) + ":"
_FLOAT_TOKEN = "\x00" + _FLOAT_MARK
_FLOAT_TOKEN_RE = re.compile(r'"\\u0000' + re.escape(_FLOAT_MARK) + r'([-+.0-9eE]+)"')


_DEL_ESCAPE_RE = re.compile(r"(?<!\\)((?:\\\\)*)\\u007f")


def php_float(value: float) -> str:
    """``json_encode`` of a finite float (serialize_precision = -1): the shortest digits
    that round-trip, integral values without ``.0``, exponent form below 1e-4 and from 1e17."""
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign, digit_tuple, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent
    prefix = "-" if sign else ""
    sci = point - 1
    if sci < -4 or sci >= 17:
        return f"{prefix}{digits[0]}.{digits[1:] or '0'}e{'+' if sci >= 0 else '-'}{abs(sci)}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return prefix + digits + "0" * (point - len(digits))
    return f"{prefix}{digits[:point]}.{digits[point:]}"


def _is_php_list(mapping: dict) -> bool:
    return all(isinstance(k, int) and not isinstance(k, bool) and k == i for i, k in enumerate(mapping))


def to_php_shape(value):
    """Turn Python values into the shapes PHP would encode (lists, dicts, scalars)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("PHP json_encode cannot encode INF or NAN")
        return _FLOAT_TOKEN + php_float(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_php_shape(v) for v in value]
    if isinstance(value, PHPObject):
        return {str(k): to_php_shape(v) for k, v in value.items()}
    if isinstance(value, dict):
        if _is_php_list(value):
            return [to_php_shape(v) for v in value.values()]
        return {str(k): to_php_shape(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8")
    raise TypeError(f"cannot encode {type(value).__name__} as PHP JSON")


def php_json_encode(value) -> str:
    text = json.dumps(to_php_shape(value), ensure_ascii=True, separators=(",", ":"),
                      allow_nan=False)
    text = text.replace("/", "\\/")
    if "\\u007f" in text:  # PHP leaves DEL as it is; Python escapes it
        text = _DEL_ESCAPE_RE.sub(lambda m: m.group(1) + "\x7f", text)
    if _FLOAT_MARK in text:
        text = _FLOAT_TOKEN_RE.sub(lambda m: m.group(1), text)
    return text
