"""wp_bridge.phpserialize on hostile bytes: random data, and mutations of the vectors' serialized strings.

unserialize() answers a value or PHPSerializeError (nothing else: no RecursionError, MemoryError,
OverflowError, IndexError…); what it answers serializes back and reads again as the same value.
maybe_unserialize() and is_serialized() never raise at all (WordPress calls them on any option)."""
from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from wp_bridge.errors import PHPSerializeError
from wp_bridge.phpserialize import MAX_DEPTH, is_serialized, maybe_unserialize, serialize, unserialize

from .conftest import FUZZ, case, counted
from .strategies import mutated, php_values, serialized_seeds

unserialize_ = counted("wp_bridge.phpserialize.unserialize", unserialize)
maybe_unserialize_ = counted("wp_bridge.phpserialize.maybe_unserialize", maybe_unserialize)
is_serialized_ = counted("wp_bridge.phpserialize.is_serialized", is_serialized)

seeds = st.sampled_from(serialized_seeds())


def same(a, b) -> bool:
    """Equality where NaN equals NaN and 0.0 is not -0.0 (what a round trip must keep)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def check(data):
    try:
        value = unserialize_(data)
    except PHPSerializeError:
        value = PHPSerializeError
    if value is not PHPSerializeError:
        assert value is None or isinstance(value, (bool, int, float, bytes, dict))
        again = unserialize_(serialize(value))          # what was read can be written and read back
        assert same(again, value), (data, value, again)
    assert isinstance(is_serialized_(data), bool)
    assert isinstance(is_serialized_(data, strict=False), bool)
    maybe_unserialize_(data)
    return value


@FUZZ
@given(st.binary(max_size=512) | st.text(max_size=256))
@case
def test_random_bytes(data):
    check(data)


@FUZZ
@given(mutated(seeds))
@case
def test_mutated_vector_strings(data):
    check(data)


@FUZZ
@given(mutated(php_values.map(serialize)))
@case
def test_mutated_serialized_values(data):
    check(data)


@st.composite
def nested(draw):
    """Arrays nested around and past MAX_DEPTH, closed or not, with keys of every kind."""
    depth = draw(st.integers(MAX_DEPTH - 3, MAX_DEPTH * 4))
    key = draw(st.sampled_from([b"i:0;", b"i:-1;", b's:1:"k";', b's:0:"";', b"b:1;", b"N;"]))
    inner = draw(st.sampled_from([b"N;", b"i:1;", b"a:0:{}", b""]))
    closing = draw(st.integers(0, depth))
    return b"a:1:{" + key + (b"a:1:{" + key) * (depth - 1) + inner + b"}" * closing


@FUZZ
@given(nested() | mutated(nested(), max_steps=3))
@case
def test_deep_nesting_is_refused_cleanly(data):
    check(data)
