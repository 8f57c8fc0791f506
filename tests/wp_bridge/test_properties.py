"""Random and mutated input only ever gives a result or wp_bridge's own refusal."""
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wp_bridge.cookies import CookieCheck, parse_cookie_header, validate_auth_cookie
from wp_bridge.errors import CookieHeaderError, PHPSerializeError, WPConfigError
from wp_bridge.phpserialize import maybe_unserialize, serialize, unserialize
from wp_bridge.wpconfig import read_wp_config

from .test_wpconfig import SAMPLE

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.binary(max_size=20) \
    | st.text(max_size=20)
values = st.recursive(scalars, lambda inner: st.dictionaries(st.integers(-5, 5) | st.text(max_size=5), inner,
                                                             max_size=4), max_leaves=20)


@st.composite
def mutated(draw, seed: st.SearchStrategy[bytes]):
    data = bytearray(draw(seed))
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        piece = draw(st.binary(min_size=1, max_size=4) | st.sampled_from([b";", b":", b'"', b"{", b"}", b"9", b"-"]))
        if action == "insert":
            data[where:where] = piece
        elif action == "delete":
            del data[where:where + len(piece)]
        elif action == "replace":
            data[where:where + len(piece)] = piece
        else:
            del data[where:]
    return bytes(data)


@FAST
@given(st.binary(max_size=200) | mutated(values.map(serialize)))
def test_unserialize_refuses_cleanly(data):
    try:
        unserialize(data)
    except PHPSerializeError:
        pass
    maybe_unserialize(data)


@FAST
@given(values)
def test_serialize_round_trips(value):
    assert serialize(unserialize(serialize(value))) == serialize(value)


cookie_text = st.text(alphabet=string.printable + "é%[]=;|", max_size=300)


@FAST
@given(cookie_text | st.binary(max_size=300))
def test_cookie_header_parses_cleanly(header):
    try:
        jar = parse_cookie_header(header)
    except CookieHeaderError:
        return
    for value in jar.values():
        check = validate_auth_cookie(value, "logged_in", 1767258000, "AJAX", lookup=lambda login: None, salt=b"s")
        assert isinstance(check, CookieCheck) and not check.valid


@FAST
@given(st.text(max_size=400) | mutated(st.just(SAMPLE.encode())).map(lambda b: b.decode("utf-8", "replace")))
def test_wp_config_reader_refuses_cleanly(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("cfg") / "wp-config.php"
    path.write_text("<?php\n" + text, encoding="utf-8", errors="surrogateescape")
    try:
        read_wp_config(path)
    except WPConfigError:
        pass
