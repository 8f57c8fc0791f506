import datetime
import decimal

import pytest
from hypothesis import given, settings, strategies as st

from sidecar.phpjson import PHPObject, php_json_encode

from .php_oracle import php, php_json_encode_of_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**53, max_value=2**53) | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(min_size=1, max_size=6).filter(lambda k: not k.isdigit()), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(json_values, min_size=1, max_size=20))
def test_matches_php_json_encode(values):
    expected = php_json_encode_of_json(values)
    assert [php_json_encode(v) for v in values] == expected


def test_php_specific_shapes():
    assert php_json_encode({}) == "[]"
    assert php_json_encode(PHPObject()) == "{}"
    assert php_json_encode({0: "a", 1: "b"}) == '["a","b"]'
    assert php_json_encode({1: "a"}) == '{"1":"a"}'
    assert php_json_encode("a/b é \u2028") == '"a\\/b \\u00e9 \\u2028"'
    assert php_json_encode(decimal.Decimal("12.50")) == '"12.50"'
    assert php_json_encode(datetime.date(2026, 1, 2)) == '"2026-01-02"'


@pytest.mark.parametrize("value", [100.0, 0.1, 1e25, 1e-7, -0.0, 123456789.125, 1.5e300])
def test_floats_like_php(value):
    expected = php(f"echo json_encode({value!r});").decode()
    assert php_json_encode(value) == expected


def test_a_string_cannot_forge_a_float():
    text = "\x00wecoza-float-0000000000000000:1,\"x\":1"
    assert php_json_encode([text, 1.5]) == php_json_encode_of_json([[text, 1.5]])[0]
