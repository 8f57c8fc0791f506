"""PHP value rules."""
import math

import pytest

from wp_bridge import php


@pytest.mark.parametrize("value,expected", [
    (None, False), (False, False), (0, False), (0.0, False), (-0.0, False), ("", False), ("0", False), (b"0", False),
    ({}, False), ([], False), (True, True), (1, True), (math.nan, True), ("0.0", True), (" ", True), ("00", True),
    ({0: 1}, True),
])
def test_truthy(value, expected):
    assert php.truthy(value) is expected


@pytest.mark.parametrize("value,expected", [
    ("5", 5), (b"-8", -8), ("07", b"07"), ("-0", b"-0"), ("1.5", b"1.5"), ("", b""), (True, 1), (False, 0),
    (None, b""), (2.7, 2), ("9223372036854775807", 9223372036854775807),
    ("9223372036854775808", b"9223372036854775808"), (" 5", b" 5"),
])
def test_array_key(value, expected):
    assert php.array_key(value) == expected


@pytest.mark.parametrize("value,expected", [
    (None, b""), (True, b"1"), (False, b""), (12, b"12"), (0.1 + 0.2, b"0.3"), (1e25, b"1.0E+25"), (-0.0, b"-0"),
    (math.inf, b"INF"), ("é", "é".encode()), ({}, b"Array"),
])
def test_to_bytes(value, expected):
    assert php.to_bytes(value) == expected


@pytest.mark.parametrize("value,expected", [
    (0.1, b"0.1"), (1.0, b"1"), (-0.0, b"-0"), (1e100, b"1.0E+100"), (1.5e-7, b"1.5E-7"), (0.0001, b"0.0001"),
    (0.00001, b"1.0E-5"), (1e16, b"10000000000000000"), (1e17, b"1.0E+17"), (123.456, b"123.456"),
    (math.nan, b"NAN"), (-math.inf, b"-INF"), (0.30000000000000004, b"0.30000000000000004"),
])
def test_format_float_serialize_precision(value, expected):
    assert php.format_float(value) == expected


def test_addslashes():
    assert php.addslashes(b"o'b\"r\\i\0n") == b"o\\'b\\\"r\\\\i\\0n"


@pytest.mark.parametrize("value,expected", [
    ("5", True), (" 5", True), ("5 ", True), ("-1.5e3", True), (".5", True), ("5.", True), ("0x1A", False),
    ("", False), ("abc", False), ("1e", False), ("manage_learners", False),
])
def test_is_numeric(value, expected):
    assert php.is_numeric(value) is expected


@pytest.mark.parametrize("name,expected", [
    ("a.b c", ("a_b_c", False)), ("  x", ("x", False)), ("a[b]", ("a", True)), ("a[]", ("a", True)),
    ("a[b", ("a_b", False)), ("a.b[c.d", ("a_b_c.d", False)), ("[x]", ("", False)), ("", ("", False)),
])
def test_variable_name(name, expected):
    assert php.variable_name(name) == expected
