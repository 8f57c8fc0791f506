"""The ``serialize`` section of every vector file."""
import math

import pytest

from wp_bridge.errors import PHPSerializeError
from wp_bridge.phpserialize import is_serialized, maybe_serialize, maybe_unserialize, serialize, unserialize

from .conftest import raw, typed, vector_params

CASES = vector_params(lambda v: ((c["id"], c) for c in v["serialize"]["cases"]))
ACCEPTED = vector_params(lambda v: ((c["id"], c) for c in v["serialize"]["cases"] if c["safe_parser"] == "accept"))
INVALID = vector_params(lambda v: ((c["id"], c) for c in v["serialize"]["invalid"]))
STORED = vector_params(lambda v: ((c["id"], c) for c in v["serialize"]["cases"] if c["stored"] is not None))


def same(actual, expected) -> bool:
    """Equality that tells NAN, -0.0, ints, floats and bools apart, recursively and in order."""
    if isinstance(expected, float):
        if not isinstance(actual, float):
            return False
        if math.isnan(expected):
            return math.isnan(actual)
        return actual == expected and math.copysign(1, actual) == math.copysign(1, expected)
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and list(actual) == list(expected)
                and all(same(actual[k], v) for k, v in expected.items()))
    return type(actual) is type(expected) and actual == expected


@pytest.mark.parametrize("path,case", CASES)
def test_unserialize_per_safe_parser(path, case):
    data = raw(case["serialize"])
    if case["safe_parser"] == "accept":
        assert same(unserialize(data), typed(case["value"]))
    else:
        with pytest.raises(PHPSerializeError):
            unserialize(data)


@pytest.mark.parametrize("path,case", ACCEPTED)
def test_serialize_is_byte_exact(path, case):
    assert serialize(typed(case["value"])) == raw(case["serialize"])


@pytest.mark.parametrize("path,case", ACCEPTED)
def test_maybe_serialize(path, case):
    expected = case["maybe_serialize"]
    result = maybe_serialize(typed(case["value"]))
    if expected["type"] == "string":
        assert php_string(result) == raw(expected["value"])
    else:
        assert same(result, typed(expected["value"]))


def php_string(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


@pytest.mark.parametrize("path,case", STORED)
def test_stored_value(path, case):
    stored = raw(case["stored"])
    assert is_serialized(stored) is case["is_serialized_stored"]
    if case["safe_parser"] == "accept":
        assert same(maybe_unserialize(stored), typed(case["maybe_unserialize_stored"]))
    else:
        assert same(maybe_unserialize(stored), False if case["is_serialized_stored"] else stored)


@pytest.mark.parametrize("path,case", INVALID)
def test_invalid(path, case):
    data = raw(case["input"])
    with pytest.raises(PHPSerializeError):
        unserialize(data)
    assert is_serialized(data) is case["is_serialized"]
    expected = case["maybe_unserialize"]
    assert same(maybe_unserialize(data), raw(expected) if isinstance(expected, str) else expected)


@pytest.mark.parametrize("path,name", vector_params(lambda v: ((k, k) for k in v["serialize"]["wordpress_data"])))
def test_wordpress_data_reads(path, name):
    from .conftest import load_vector
    data = load_vector(path)["serialize"]["wordpress_data"][name]
    values = data["options"].values() if isinstance(data, dict) else [data]
    for value in values:
        result = maybe_unserialize(raw(value))
        assert result is not False
        if isinstance(result, dict):
            assert serialize(result) == raw(value)
