"""wp_bridge.cookies on hostile input: Cookie headers of any shape, and ``validate_auth_cookie`` on
random values, on mutations of the vectors' real cookies (real salts, users and session tokens), and on
users whose session_tokens meta is mutated serialized data.

parse_cookie_header answers a jar or CookieHeaderError; validate_auth_cookie always answers a
CookieCheck, and a valid verdict only for a cookie WordPress itself made (a mutation never passes)."""
from __future__ import annotations

import hashlib
import string
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wp_bridge import cookies as c
from wp_bridge.errors import CookieHeaderError
from wp_bridge.phpserialize import maybe_unserialize, serialize
from wp_bridge.salts import wp_salt

from .conftest import FUZZ, case, counted
from .strategies import load_vector, mutated, raw, serialized_seeds, vector_files

parse_cookie_header = counted("wp_bridge.cookies.parse_cookie_header", c.parse_cookie_header)
validate_auth_cookie = counted("wp_bridge.cookies.validate_auth_cookie", c.validate_auth_cookie)

REASONS = {c.OK, c.MALFORMED, c.EXPIRED, c.BAD_USERNAME, c.BAD_HASH, c.BAD_SESSION}
RULES = (c.PASS_FRAG_EITHER, c.PASS_FRAG_CURRENT, c.PASS_FRAG_LEGACY)
SCHEMES = ("auth", "secure_auth", "logged_in")
KINDS = ("GET", "POST", "AJAX")
NOW = 1767258000


# --- Cookie header ---------------------------------------------------------------------------------

name_chars = string.ascii_letters + string.digits + "_-.[] \0%\t=é"
value_chars = string.printable + "é%|;=\0"


@st.composite
def headers(draw):
    """``name=value; …`` with PHP-special names (``a.b``, ``a[b]``, ``a[``), repeats and odd separators;
    sometimes past the 1000-cookie or 64 KiB limits."""
    pairs = draw(st.lists(st.tuples(st.text(name_chars, max_size=12), st.booleans(),
                                    st.text(value_chars, max_size=40)), max_size=30))
    parts = [name + ("=" + value if has_value else "") for name, has_value, value in pairs]
    separator = draw(st.sampled_from(["; ", ";", " ; ", ";;", "; \t"]))
    header = separator.join(parts)
    grow = draw(st.sampled_from([0, 0, 0, 1, 2]))
    if grow == 1:
        header += separator + separator.join(f"c{i}=v" for i in range(draw(st.integers(990, 1100))))
    elif grow == 2:
        header += "; big=" + "x" * draw(st.integers(c.MAX_HEADER - 200, c.MAX_HEADER + 200))
    return header


def jar_is_sane(header, jar):
    assert isinstance(jar, dict) and len(jar) <= c.MAX_COOKIES
    for key, value in jar.items():
        assert isinstance(key, str) and key
        assert value is c.PHP_ARRAY or isinstance(value, bytes)


@FUZZ
@given(headers() | st.text(max_size=300) | st.binary(max_size=300) | mutated(headers().map(str.encode)))
@case
def test_cookie_header(header):
    size = len(header.encode("utf-8", "surrogateescape") if isinstance(header, str) else header)
    try:
        jar = parse_cookie_header(header)
    except CookieHeaderError:
        assert size > c.MAX_HEADER
        return
    assert size <= c.MAX_HEADER
    jar_is_sane(header, jar)
    for value in jar.values():
        check = validate_auth_cookie(value, "logged_in", NOW, "AJAX", lookup=lambda login: None, salt=b"salt")
        assert check.reason in REASONS and not check.valid


@FUZZ
@given(st.lists(st.tuples(st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=8),
                          st.binary(max_size=30)), max_size=20))
@case
def test_plain_cookies_read_back(pairs):
    """Plain names: every value reads back raw-url-decoded, the first occurrence wins."""
    header = "; ".join(f"{name}={urllib.parse.quote_from_bytes(value)}" for name, value in pairs)
    jar = parse_cookie_header(header)
    expected = {}
    for name, value in pairs:
        expected.setdefault(name, value)
    assert jar == expected


# --- validate_auth_cookie on random values -----------------------------------------------------------

piece = st.binary(max_size=40) | st.text(string.printable, max_size=40).map(str.encode)
expirations = (st.integers(-(2**70), 2**70).map(lambda n: str(n).encode())
               | st.sampled_from([b"", b" 1767258000", b"+1767258000", b"1767258000x", b"0" * 30 + b"1",
                                  b"9" * 25, b"1e10", b"-1", b"\t\n-99999999999999999999"])
               | piece)


@st.composite
def users(draw, login=None):
    user_pass = draw(st.sampled_from([b"$P$B" + b"x" * 30, b"$2y$10$" + b"y" * 53, b"$wp$2y$10$" + b"z" * 53,
                                      b"5f4dcc3b5aa765d61d8327deb882cf99", b"$argon2id$v=19$abc", b""])
                     | st.binary(max_size=70))
    tokens = draw(st.none() | st.sampled_from(serialized_seeds()) | mutated(st.sampled_from(serialized_seeds()))
                  | st.binary(max_size=100))
    meta = {} if tokens is None else {b"session_tokens": tokens}
    return c.UserRecord(id=draw(st.integers(1, 2**63 - 1)), login=login or draw(st.text(max_size=20)),
                        user_pass=user_pass, meta=meta)


@FUZZ
@given(value=st.none() | st.just(c.PHP_ARRAY) | st.binary(max_size=200)
       | st.builds(lambda parts: b"|".join(parts),
                   st.tuples(piece, expirations, piece, piece) | st.lists(piece, max_size=6)),
       now=st.integers(-(2**63), 2**63 - 1) | st.just(NOW), scheme=st.sampled_from(SCHEMES),
       kind=st.sampled_from(KINDS) | st.text(max_size=5), rule=st.sampled_from(RULES),
       user=st.none() | users(), salt=st.binary(max_size=64), lazy_salt=st.booleans())
@case
def test_validate_random_values(value, now, scheme, kind, rule, user, salt, lazy_salt):
    check = validate_auth_cookie(value, scheme, now, kind, lookup=lambda login: user,
                                 salt=(lambda: salt) if lazy_salt else salt, rule=rule)
    assert isinstance(check, c.CookieCheck) and check.reason in REASONS
    if check.valid:     # only if the random HMAC happened to be right: then every other condition held too
        frags = c.pass_frags(user.user_pass, rule).values()
        assert any(c.cookie_hmac(check.cookie, f, salt) == check.cookie.hmac for f in frags)


# --- the vectors' real cookies, mutated --------------------------------------------------------------

def vector_cookies():
    """(value, now, kind, scheme, lookup, salt) for every cookie of ../shared/vectors that is valid with
    the user state of its check; each is confirmed valid here before it is mutated."""
    found = []
    for path in vector_files():
        vector = load_vector(path)
        keys = vector["site"]["keys_and_salts"]
        users_by_login = {u["login"]: u for u in vector["users"]}
        for item in vector["cookies"]:
            if not item.get("expected") or item.get("user_exists_at_check") is False:
                continue
            user = users_by_login[item["user"]]
            tokens = item.get("session_tokens_at_check", item.get("session_tokens_after",
                                                                 user["usermeta"].get("session_tokens")))
            record = c.UserRecord(
                id=user["row"]["ID"], login=user["row"]["user_login"],
                user_pass=raw(item.get("user_pass_at_check", user["row"]["user_pass"])),
                meta={} if tokens is None else {b"session_tokens": raw(tokens)})
            salt = wp_salt(item["scheme"], keys, {})
            value = raw(item["value"])
            lookup = (lambda rec: lambda login: rec if login == rec.login else None)(record)
            if c.validate_auth_cookie(value, item["scheme"], item["now"], item["request"], lookup=lookup,
                                      salt=salt).valid:
                found.append((value, item["now"], item["request"], item["scheme"], lookup, salt))
    return found


VALID = vector_cookies()


@pytest.mark.skipif(not VALID, reason="../shared/vectors is absent: no real cookies to mutate")
@FUZZ
@given(data=st.data())
@case
def test_mutated_real_cookies(data):
    value, now, kind, scheme, lookup, salt = data.draw(st.sampled_from(VALID or [None]))
    changed = data.draw(mutated(st.just(value)))
    rule = data.draw(st.sampled_from(RULES))
    check = validate_auth_cookie(changed, scheme, now, kind, lookup=lookup, salt=salt, rule=rule)
    assert check.reason in REASONS
    if check.valid:
        assert changed == value, "a changed cookie was accepted"


# --- a user's session_tokens meta, mutated (the cookie itself is right) -----------------------------

@st.composite
def session_meta(draw, token: bytes):
    """The session_tokens meta of the user: a right entry for the token (array or bare-int form, with an
    expiration of any type), other sessions, then a few mutations; or unrelated data."""
    key = hashlib.sha256(token).hexdigest().encode()
    expiration = draw(st.integers(-(2**63), 2**63 - 1) | st.floats() | st.binary(max_size=22) | st.none()
                      | st.integers(0, 2**40).map(lambda n: str(n).encode()))
    entry = draw(st.sampled_from(["array", "int"]))
    sessions = {key: ({b"expiration": expiration, b"login": NOW} if entry == "array" else expiration)}
    for other in draw(st.lists(st.binary(min_size=1, max_size=8), max_size=3)):
        sessions[hashlib.sha256(other).hexdigest().encode()] = {b"expiration": 2**40}
    return draw(mutated(st.just(serialize(sessions)), max_steps=3) | st.sampled_from(serialized_seeds())
                | st.binary(max_size=100))


@FUZZ
@given(data=st.data(), token=st.binary(min_size=1, max_size=50).filter(lambda t: b"|" not in t),
       expiration=st.integers(0, 2**40), now=st.integers(0, 2**40), rule=st.sampled_from(RULES))
@case
def test_session_tokens_meta(data, token, expiration, now, rule):
    meta = data.draw(session_meta(token))
    user = c.UserRecord(id=7, login="fuzzer", user_pass=data.draw(users()).user_pass,
                        meta={b"session_tokens": meta})
    salt = b"fuzz-salt"
    value = c.generate_auth_cookie(user, expiration, token, salt, rule=rule)
    check = validate_auth_cookie(value, "logged_in", now, "GET", lookup=lambda login: user if login == "fuzzer"
                                 else None, salt=salt, rule=rule)
    assert check.reason in REASONS
    if expiration < now:
        assert check.reason == c.EXPIRED
        return
    assert check.reason in (c.OK, c.BAD_SESSION)
    sessions = maybe_unserialize(meta)
    entry = sessions.get(hashlib.sha256(token).hexdigest().encode()) if isinstance(sessions, dict) else None
    # WordPress's prepare_session() wraps a bare int only; the module counts int, float and digit-string
    # expirations (documented in session_valid), never bools
    bare_int = isinstance(entry, int) and not isinstance(entry, bool)
    expires = entry.get(b"expiration") if isinstance(entry, dict) else (entry if bare_int else None)
    if isinstance(expires, bytes) and expires.isdigit() and len(expires) <= 19:
        expires = int(expires)
    alive = isinstance(expires, (int, float)) and not isinstance(expires, bool) and expires >= now
    assert check.valid == alive, (meta, check.reason)
