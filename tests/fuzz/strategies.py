"""Strategies shared by the fuzz tests: byte-level mutation of valid seeds, the vectors' serialized
strings, and PHP-ish values."""
from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
VECTOR_DIR = REPO.parent / "shared" / "vectors"        # the project's ../shared; optional here

# Pieces that change how a parser reads what follows: delimiters, length and count prefixes, escapes,
# numbers at the edges of every integer type, and the bytes that break decoders.
TOKENS = [
    b";", b":", b'"', b"'", b"{", b"}", b"[", b"]", b"(", b")", b"|", b"=", b"&", b"%", b"%00", b"%zz", b"+",
    b"\\", b"\0", b"\r\n", b"\n", b"\r\n\r\n", b" ", b"\t", b"\xff", b"\xc3", b"\xed\xa0\x80", b"a:", b"s:",
    b"i:", b"d:", b"b:", b"N;", b"O:", b"r:", b"R:", b"C:", b"E:", b"a:1:{", b"s:0:\"\";", b"<?php ", b"?>",
    b"/*", b"*/", b"//", b"#", b"<<<EOT\n", b"define(", b"--", b"boundary=", b"0", b"-1", b"-0", b"1e999",
    b"9223372036854775807", b"9223372036854775808", b"-9223372036854775809", b"99999999999999999999",
    b"4294967296", b"NAN", b"INF", b"-INF", b"0x1F", b"1_000", b".5", b"5.", b"1e-400",
]
_DIGITS = re.compile(rb"[0-9]+")


@st.composite
def mutated(draw, seed: st.SearchStrategy[bytes], max_steps: int = 6) -> bytes:
    """A seed with a few byte-level edits: insert, delete, replace, truncate, duplicate or move a
    chunk, splice a token, or rewrite one run of digits (lengths and counts) to another number."""
    data = bytearray(draw(seed))
    for _ in range(draw(st.integers(0, max_steps))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "duplicate", "move", "number",
                                       "flip"]))
        piece = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=6))
        if action == "insert":
            data[where:where] = piece
        elif action == "delete":
            del data[where:where + draw(st.integers(1, 8))]
        elif action == "replace":
            data[where:where + len(piece)] = piece
        elif action == "truncate":
            del data[where:]
        elif action == "duplicate":
            chunk = bytes(data[where:where + draw(st.integers(1, 64))])
            data[where:where] = chunk * draw(st.integers(1, 4))
        elif action == "move":
            size = draw(st.integers(1, 16))
            chunk = bytes(data[where:where + size])
            del data[where:where + size]
            to = draw(st.integers(0, len(data)))
            data[to:to] = chunk
        elif action == "number":
            runs = list(_DIGITS.finditer(bytes(data)))
            if runs:
                run = runs[draw(st.integers(0, len(runs) - 1))]
                number = draw(st.integers(-2, 40) | st.integers(-(2**70), 2**70) | st.sampled_from(
                    [2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**20, 10**30]))
                data[run.start():run.end()] = str(number).encode()
        elif data:
            at = min(where, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


def vector_files() -> list[Path]:
    return sorted(VECTOR_DIR.glob("*.json")) if VECTOR_DIR.is_dir() else []


@cache
def load_vector(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def raw(value) -> bytes:
    """A vector string (or ``{"bytes_hex": …}``) as bytes."""
    return bytes.fromhex(value["bytes_hex"]) if isinstance(value, dict) else value.encode("utf-8")


FALLBACK_SERIALIZED = [
    b'N;', b'b:1;', b'i:-42;', b'd:0.1;', b'd:-INF;', b's:5:"hello";', b's:6:"h\xc3\xa9llo";',
    b'a:2:{i:0;s:1:"a";s:1:"k";a:1:{i:5;b:0;}}',
    b'a:1:{s:64:"0d7e9747e5f921f416d7101f7b11ece2e9d2d4f4e66e4e1c333c9b422c1baafc";a:2:{s:10:"expiration";'
    b'i:1767430800;s:5:"login";i:1767258000;}}',
]


@cache
def serialized_seeds() -> tuple[bytes, ...]:
    """Every ``serialize.cases[].serialize`` of ``../shared/vectors/*.json`` (plus the invalid inputs and
    the real WordPress data samples there); a small built-in set when ../shared is absent."""
    seeds: list[bytes] = []
    for path in vector_files():
        section = load_vector(path).get("serialize", {})
        seeds += [raw(c["serialize"]) for c in section.get("cases", []) if c.get("serialize") is not None]
        seeds += [raw(c["input"]) for c in section.get("invalid", []) if c.get("input") is not None]
        seeds += [raw(v) for v in _strings(section.get("wordpress_data", {})) if raw(v)[:2] in (b"a:", b"s:")]
    return tuple(dict.fromkeys(seeds)) or tuple(FALLBACK_SERIALIZED)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


php_scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats()
               | st.binary(max_size=24) | st.text(max_size=24))
php_values = st.recursive(
    php_scalars,
    lambda inner: st.dictionaries(st.integers(-(2**63), 2**63 - 1) | st.binary(max_size=8), inner, max_size=5),
    max_leaves=30)

# JSON-shaped values (what a jsonb column or a decoded request can hold), for the schedule reader.
json_scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=16))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25)
