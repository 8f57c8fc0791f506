"""PHP ``serialize()`` format: a strict reader for scalars and arrays, a byte-exact writer,
and WordPress's ``is_serialized`` / ``maybe_unserialize`` / ``maybe_serialize``.

Strings are bytes (lengths count bytes); arrays become dicts in PHP order with int or
bytes keys. Objects, enums, ``Serializable`` payloads and references are refused, never built.
"""
from __future__ import annotations

import re
from typing import NoReturn

from . import php
from .errors import PHPSerializeError

MAX_SIZE = 1 << 20
MAX_DEPTH = 64

_INT = re.compile(rb"i:([+-]?[0-9]{1,20});")
_FLOAT = re.compile(rb"d:(NAN|-?INF|[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?);")
_STRING = re.compile(rb's:([0-9]{1,20}):"')
_ARRAY = re.compile(rb"a:([0-9]{1,20}):\{")
_REFUSED = {
    ord("O"): "objects", ord("o"): "objects", ord("C"): "Serializable objects", ord("E"): "enums",
    ord("r"): "references", ord("R"): "references", ord("S"): "escaped strings",
}
_SERIALIZED_SCALAR = {True: re.compile(rb"[bid]:[0-9.E+-]+;\Z"), False: re.compile(rb"[bid]:[0-9.E+-]+;")}
_SERIALIZED_LENGTH = re.compile(rb"[saOE]:[0-9]+:")


def unserialize(data: bytes | str, *, max_size: int = MAX_SIZE, max_depth: int = MAX_DEPTH):
    """The value ``data`` holds; PHPSerializeError for anything else, including trailing bytes."""
    if not isinstance(data, (bytes, str)):
        raise PHPSerializeError(f"expected bytes, not {type(data).__name__}")
    raw = php.as_bytes(data)
    if len(raw) > max_size:
        raise PHPSerializeError(f"{len(raw)} bytes is more than the limit of {max_size}")
    reader = _Reader(raw, max_depth)
    value = reader.value(0)
    if reader.pos != len(raw):
        raise PHPSerializeError(f"trailing data at byte {reader.pos}")
    return value


class _Reader:
    def __init__(self, data: bytes, max_depth: int):
        self.data = data
        self.pos = 0
        self.max_depth = max_depth

    def fail(self, what: str) -> NoReturn:
        raise PHPSerializeError(f"{what} at byte {self.pos}")

    def match(self, pattern: re.Pattern) -> re.Match:
        found = pattern.match(self.data, self.pos)
        if found is None:
            self.fail("malformed value")
        self.pos = found.end()
        return found

    def value(self, depth: int):
        data, pos = self.data, self.pos
        if pos >= len(data):
            self.fail("unexpected end")
        code = data[pos]
        if code == ord("N") and data[pos:pos + 2] == b"N;":
            self.pos += 2
            return None
        if code == ord("b"):
            if data[pos:pos + 4] not in (b"b:0;", b"b:1;"):
                self.fail("malformed boolean")
            self.pos += 4
            return data[pos + 2] == ord("1")
        if code == ord("i"):
            number = int(self.match(_INT).group(1))
            if not php.INT_MIN <= number <= php.INT_MAX:
                self.fail("integer out of range")
            return number
        if code == ord("d"):
            return float(self.match(_FLOAT).group(1))
        if code == ord("s"):
            return self.string()
        if code == ord("a"):
            return self.array(depth + 1)
        self.fail(f"refused {_REFUSED.get(code, 'unknown type')}")

    def string(self) -> bytes:
        length = int(self.match(_STRING).group(1))
        start, end = self.pos, self.pos + length
        if end + 2 > len(self.data) or self.data[end:end + 2] != b'";':
            self.fail("string length does not match")
        self.pos = end + 2
        return self.data[start:end]

    def array(self, depth: int) -> dict:
        if depth > self.max_depth:
            self.fail(f"nesting deeper than {self.max_depth}")
        count = int(self.match(_ARRAY).group(1))
        if count * 4 > len(self.data) - self.pos:
            self.fail("element count larger than the data")
        result: dict = {}
        for _ in range(count):
            if self.pos < len(self.data) and self.data[self.pos] == ord("i"):
                key = self.value(depth)
            elif self.pos < len(self.data) and self.data[self.pos] == ord("s"):
                key = php.array_key(self.string())
            else:
                self.fail("array key must be an int or a string")
            result[key] = self.value(depth)
        if self.data[self.pos:self.pos + 1] != b"}":
            self.fail("array not closed")
        self.pos += 1
        return result


def is_list(value) -> bool:
    """True for a dict whose keys are 0, 1, 2... in order (PHP ``array_is_list``)."""
    return isinstance(value, dict) and all(key == index for index, key in enumerate(value))


def serialize(value, *, max_depth: int = MAX_DEPTH) -> bytes:
    """``serialize()`` of None, bool, int, float, str, bytes, list, tuple and dict, byte for byte."""
    out: list[bytes] = []
    _write(value, out, max_depth)
    return b"".join(out)


def _write(value, out: list[bytes], depth: int) -> None:
    if value is None:
        out.append(b"N;")
    elif isinstance(value, bool):
        out.append(b"b:1;" if value else b"b:0;")
    elif isinstance(value, int):
        if not php.INT_MIN <= value <= php.INT_MAX:
            raise PHPSerializeError(f"{value} does not fit a PHP integer")
        out.append(b"i:%d;" % value)
    elif isinstance(value, float):
        out.append(b"d:" + php.format_float(value) + b";")
    elif isinstance(value, (str, bytes, bytearray)):
        raw = php.as_bytes(bytes(value) if isinstance(value, bytearray) else value)
        out.append(b's:%d:"%s";' % (len(raw), raw))
    elif isinstance(value, (list, tuple, dict)):
        if depth <= 0:
            raise PHPSerializeError("nesting too deep")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        array: dict = {}
        for key, item in items:
            if not isinstance(key, (int, str, bytes)):
                raise PHPSerializeError(f"cannot use {type(key).__name__} as an array key")
            array[php.array_key(key)] = item
        out.append(b"a:%d:{" % len(array))
        for key, item in array.items():
            _write(key, out, depth - 1)
            _write(item, out, depth - 1)
        out.append(b"}")
    else:
        raise PHPSerializeError(f"cannot serialize {type(value).__name__}")


def is_serialized(data, strict: bool = True) -> bool:
    """WordPress's ``is_serialized()``: a shape check, not a parse."""
    if not isinstance(data, (bytes, str)):
        return False
    raw = php.trim(php.as_bytes(data))
    if raw == b"N;":
        return True
    if len(raw) < 4 or raw[1:2] != b":":
        return False
    if strict:
        if raw[-1:] not in (b";", b"}"):
            return False
    else:
        semicolon, brace = raw.find(b";"), raw.find(b"}")
        if semicolon < 0 and brace < 0:
            return False
        if 0 <= semicolon < 3 or 0 <= brace < 4:
            return False
    token = raw[:1]
    if token == b"s":
        if strict and raw[-2:-1] != b'"':
            return False
        if not strict and b'"' not in raw:
            return False
    if token in (b"s", b"a", b"O", b"E"):
        return _SERIALIZED_LENGTH.match(raw) is not None and raw[:1] == token
    if token in (b"b", b"i", b"d"):
        return _SERIALIZED_SCALAR[strict].match(raw) is not None
    return False


def maybe_unserialize(data):
    """WordPress's ``maybe_unserialize()``; data it cannot or will not read gives False, as there."""
    if is_serialized(data):
        try:
            return unserialize(php.trim(php.as_bytes(data)))
        except PHPSerializeError:
            return False
    return data


def maybe_serialize(data):
    """WordPress's ``maybe_serialize()``: arrays, and strings that already look serialized."""
    if isinstance(data, (dict, list, tuple)) or is_serialized(data, strict=False):
        return serialize(data)
    return data
