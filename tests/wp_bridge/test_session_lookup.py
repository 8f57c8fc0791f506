"""A user's stored sessions are read once per worker for the same stored bytes (issue 15): the answer follows
the stored value as soon as it changes, and a value too large to keep is read every time, the same way."""
import hashlib

from wp_bridge import cookies
from wp_bridge.cookies import session_valid, stored_sessions
from wp_bridge.phpserialize import maybe_unserialize, serialize

NOW = 1_800_000_000


def stored(tokens: dict, ua="Firefox") -> bytes:
    return serialize({hashlib.sha256(t.encode()).hexdigest(): {"expiration": expiration, "ip": "127.0.0.1",
                                                               "ua": ua, "login": 1}
                      for t, expiration in tokens.items()})


def test_the_answer_follows_the_stored_value():
    many = {f"token-{i}": NOW + 3600 for i in range(40)}
    value = stored(many)
    assert session_valid(value, b"token-7", NOW)
    assert session_valid(bytes(bytearray(value)), b"token-7", NOW)  # the same bytes read again, another object
    ended = stored({t: e for t, e in many.items() if t != "token-7"})
    assert not session_valid(ended, b"token-7", NOW)
    expired = stored(dict(many, **{"token-7": NOW - 1}))
    assert not session_valid(expired, b"token-7", NOW)
    assert session_valid(value, b"token-7", NOW)


def test_what_is_kept_is_what_maybe_unserialize_reads():
    value = stored({"a": NOW + 60})
    assert stored_sessions(value) == maybe_unserialize(value)
    broken = value[:-1]  # no closing brace: WordPress reads false, so no session is valid
    assert stored_sessions(broken) is False
    assert not session_valid(broken, b"a", NOW)


def test_a_value_too_large_to_keep_is_read_each_time_the_same_way():
    value = stored({"a": NOW + 60}, ua="x" * cookies.CACHED_SESSIONS_MAX_BYTES)
    assert len(value) > cookies.CACHED_SESSIONS_MAX_BYTES
    hits = cookies._parsed_sessions.cache_info().hits
    assert session_valid(value, b"a", NOW) and session_valid(value, b"a", NOW)
    assert not session_valid(value, b"b", NOW)
    assert cookies._parsed_sessions.cache_info().hits == hits
