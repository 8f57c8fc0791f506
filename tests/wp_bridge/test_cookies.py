"""Cookie names, the Cookie header as PHP reads it, password fragments, HMACs, sessions."""
import hashlib

import pytest

from wp_bridge import cookies
from wp_bridge.cookies import (PASS_FRAG_CURRENT, PASS_FRAG_EITHER, PASS_FRAG_LEGACY, PHP_ARRAY, AuthCookie, UserRecord,
                               cookie_hash, cookie_hmac, cookie_names, generate_auth_cookie, lookup_login,
                               parse_cookie_header, pass_frag_rule, pass_frags, session_valid, validate_auth_cookie)
from wp_bridge.errors import CookieHeaderError
from wp_bridge.phpserialize import serialize
from wp_bridge.salts import wp_salt

from .test_salts import SCENARIO_A

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
EXPIRATION = 1795811865
SPEC_TABLE = [  # docs/contracts/wordpress.md#fixed-vectors: (login, user_pass, 6.1.9 hmac, 7.1 hmac)
    ("admin", "$P$BZ7Q1vX5s9cTq0bq3w1yJmXnQk4eH1/",
     "a79e745fa2560af37c834c0a8f46af056dcd26dfa2194f77e20ecc01c1ca7faa", None),
    ("jane doe", "$wp$2y$10$abcdefghijklmnopqrstuuYz8m0Qp3l5m7n9p1r3t5v7x9z1B3D5F",
     "76d174fc396e8012ae2d06d1d1a25799d036cd837d1fdb33f278f83ad7f34e0e",
     "cab2c5af4dbda5ddd1709fffe5e0eb0fb8c43637e7a110445d52090aa8e9e595"),
    ("md5user@example.com", "5f4dcc3b5aa765d61d8327deb882cf99",
     "f3f50957117b3c300c6008ad345fc588be016471cc7517dca847deb6ebeb7f62",
     "ddd736c8ce2b72f46c3449ed3212cc26b43047469d5591ad9c12fe6d0192e5b8"),
    ("bc", "$2y$10$abcdefghijklmnopqrstuuYz8m0Qp3l5m7n9p1r3t5v7x9z1B3D5F",
     "aafaf2327d3f4145bd9885b13ccd9bb341f7c2b5f07a08af65ddda307ed0bcf9", None),
]


def sessions(*tokens, expiration=EXPIRATION):
    return serialize({hashlib.sha256(t.encode()).hexdigest(): {"expiration": expiration, "ip": "127.0.0.1",
                                                               "ua": "Fireföx", "login": 1} for t in tokens})


def record(login, user_pass, tokens=(TOKEN,)):
    return UserRecord(1, login, user_pass.encode(), {b"session_tokens": sessions(*tokens)})


@pytest.mark.parametrize("login,user_pass,old,new", SPEC_TABLE)
def test_spec_hmacs_per_version(login, user_pass, old, new):
    salt = wp_salt("logged_in", SCENARIO_A, {})
    user = record(login, user_pass)
    for rule, expected in ((PASS_FRAG_LEGACY, old), (PASS_FRAG_CURRENT, new or old)):
        value = generate_auth_cookie(user, EXPIRATION, TOKEN, salt, rule)
        assert value.split(b"|")[3].decode() == expected
        check = validate_auth_cookie(value, "logged_in", EXPIRATION - 10, "GET", lookup={login: user}.get,
                                     salt=salt, rule=rule)
        assert check.valid
        assert validate_auth_cookie(value, "logged_in", EXPIRATION - 10, "GET", lookup={login: user}.get,
                                    salt=salt, rule=PASS_FRAG_EITHER).valid


def test_md5_hash_rules_differ():
    """An MD5 user's cookie made by 6.1 fails on 6.8+ (and back); 'either' accepts both."""
    login, user_pass = SPEC_TABLE[2][:2]
    salt = wp_salt("logged_in", SCENARIO_A, {})
    user = record(login, user_pass)
    old = generate_auth_cookie(user, EXPIRATION, TOKEN, salt, PASS_FRAG_LEGACY)
    check = validate_auth_cookie(old, "logged_in", 0, "GET", lookup={login: user}.get, salt=salt,
                                 rule=PASS_FRAG_CURRENT)
    assert check.reason == cookies.BAD_HASH
    either = validate_auth_cookie(old, "logged_in", 0, "GET", lookup={login: user}.get, salt=salt,
                                  rule=PASS_FRAG_EITHER)
    assert either.valid and either.pass_frag_rule == "substr(user_pass, 8, 4)"


@pytest.mark.parametrize("version,db_version,rule", [
    ("6.1.9", None, PASS_FRAG_LEGACY), ("6.7.2", 58975, PASS_FRAG_LEGACY), ("6.8", None, PASS_FRAG_CURRENT),
    ("7.1", None, PASS_FRAG_CURRENT), ("6.8-RC1", None, PASS_FRAG_CURRENT), ("10.0", None, PASS_FRAG_CURRENT),
    (None, 53496, PASS_FRAG_LEGACY), (None, 58975, PASS_FRAG_EITHER), (None, 60717, PASS_FRAG_CURRENT),
    (None, 61833, PASS_FRAG_CURRENT), (None, None, PASS_FRAG_EITHER),
])
def test_pass_frag_rule(version, db_version, rule):
    assert pass_frag_rule(version, db_version) == rule


def test_pass_frags():
    assert pass_frags(b"$P$BZ7Q1vX5s9cTq0bq3w1yJ", PASS_FRAG_CURRENT) == {"substr(user_pass, 8, 4)": b"vX5s"}
    assert pass_frags(b"$wp$2y$10$abcdefWXYZ", PASS_FRAG_CURRENT) == {"substr(user_pass, -4)": b"WXYZ"}
    assert pass_frags(b"$wp$2y$10$abcdefWXYZ", PASS_FRAG_LEGACY) == {"substr(user_pass, 8, 4)": b"0$ab"}
    assert pass_frags(b"abc", PASS_FRAG_EITHER) == {"substr(user_pass, -4)": b"abc", "substr(user_pass, 8, 4)": b""}


def test_cookie_hash_rules():
    md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
    assert cookie_hash("https://example.com/wp", {}, False) == "9fb8cf6876d71773759b3896880cba81"
    assert cookie_hash("https://example.com/wp//\\", {}, False) == md5("https://example.com/wp")
    assert cookie_hash("http://a", {"WP_SITEURL": "https://b/"}, False) == md5("https://b")
    assert cookie_hash("https://example.com/wp/", {}, True) == "9c6ffa8be86fe1f4ad45b24dd44a95c9"
    assert cookie_hash("https://example.com/", {"WP_SITEURL": "x"}, True) == md5("https://example.com/")
    assert cookie_hash("x", {"COOKIEHASH": "fixed"}, False) == "fixed"
    assert cookie_hash(None, {"WP_SITEURL": "x"}, False) == ""
    assert cookie_hash("", {}, False) == ""
    names = cookie_names("h", {"LOGGED_IN_COOKIE": "custom"})
    assert (names.auth, names.secure_auth, names.logged_in) == ("wordpress_h", "wordpress_sec_h", "custom")


@pytest.mark.parametrize("header,expected", [
    ("a=1; b=2", {"a": b"1", "b": b"2"}),
    ("a=1;b=2;;  c=3", {"a": b"1", "b": b"2", "c": b"3"}),
    ("a=first; a=second", {"a": b"first"}),
    ("v=mary+jane%7C1; w=mary%20jane%7C1", {"v": b"mary+jane|1", "w": b"mary jane|1"}),
    ("bad=%zz%7", {"bad": b"%zz%7"}),
    ("x=a=b", {"x": b"a=b"}),
    ("noval; =skip; e=", {"noval": b"", "e": b""}),
    ("my.name=1; my name=2", {"my_name": b"1"}),
    ("a%2Eb=1", {"a%2Eb": b"1"}),
    ("arr[x]=1; arr=2", {"arr": PHP_ARRAY}),
    ("half[x=1", {"half_x": b"1"}),
    ("\t sp=1", {"sp": b"1"}),
    ("k=%00z", {"k": b"\x00z"}),
])
def test_parse_cookie_header(header, expected):
    assert parse_cookie_header(header) == expected


def test_cookie_header_limits():
    assert len(parse_cookie_header("; ".join(f"c{i}=1" for i in range(1500)))) == cookies.MAX_COOKIES
    with pytest.raises(CookieHeaderError):
        parse_cookie_header("a=" + "x" * cookies.MAX_HEADER)


@pytest.mark.parametrize("value,present", [
    (None, False), (b"", False), (b"0", False), (b"00", True), (PHP_ARRAY, True)])
def test_present(value, present):
    assert cookies.present(value) is present


@pytest.mark.parametrize("username,login", [
    (b"admin", "admin"), (b"  admin ", "admin"), (b"mary  jane", "mary jane"), (b"a%41b", "ab"),
    (b"a&amp;b", "ab"), (b"0", None), (b"", None), (b"J\xc3\xb6rg", None), (b"<b>x</b>", None),
    (b"o\\'brien", "o\\'brien"), (b"a" * 60, "a" * 60),
    (b"a" * 61, None), (b"&" * 6000 + b"admin", None),  # longer than any login: refused before the regexes
])
def test_lookup_login(username, login):
    assert lookup_login(username) == login


def test_array_cookie_is_malformed():
    check = validate_auth_cookie(PHP_ARRAY, "logged_in", 0, "GET", lookup=lambda _: None, salt=b"")
    assert check.reason == cookies.MALFORMED


@pytest.mark.parametrize("expiration,kind,rule,reason", [
    (b"abc", "GET", PASS_FRAG_LEGACY, cookies.BAD_HASH),
    (b"abc", "GET", PASS_FRAG_CURRENT, cookies.EXPIRED),
    (b"99999999999x", "GET", PASS_FRAG_CURRENT, cookies.BAD_HASH),
    (b" 5", "POST", PASS_FRAG_EITHER, cookies.EXPIRED),
])
def test_non_numeric_expiration_is_never_looked_up(expiration, kind, rule, reason):
    def lookup(login):
        raise AssertionError("no lookup expected")
    value = b"admin|" + expiration + b"|" + TOKEN.encode() + b"|" + b"0" * 64
    assert validate_auth_cookie(value, "auth", 1767258000, kind, lookup=lookup, salt=b"s", rule=rule).reason == reason


@pytest.mark.parametrize("expiration,reason", [
    (b"9" * 5000, cookies.BAD_USERNAME), (b"0" * 5000 + b"5", cookies.EXPIRED)])
def test_huge_expirations(expiration, reason):
    value = b"nobody|" + expiration + b"|t|h"
    assert validate_auth_cookie(value, "auth", 100, "GET", lookup=lambda login: None, salt=b"s").reason == reason


def test_expiry_grace():
    user = record("admin", SPEC_TABLE[0][1])
    salt = wp_salt("auth", SCENARIO_A, {})
    value = generate_auth_cookie(user, EXPIRATION, TOKEN, salt)
    longer = {b"session_tokens": sessions(TOKEN, expiration=EXPIRATION + 7200)}
    lookup = {"admin": UserRecord(1, "admin", user.user_pass, longer)}.get
    for kind, now, reason in (("GET", EXPIRATION, cookies.OK), ("GET", EXPIRATION + 1, cookies.EXPIRED),
                              ("POST", EXPIRATION + 3600, cookies.OK), ("AJAX", EXPIRATION + 3601, cookies.EXPIRED)):
        assert validate_auth_cookie(value, "auth", now, kind, lookup=lookup, salt=salt).reason == reason


@pytest.mark.parametrize("stored,valid", [
    (sessions(TOKEN), True),
    (sessions(TOKEN, expiration=99), False),
    (sessions(TOKEN, expiration=100), True),
    (sessions("other"), False),
    (serialize({hashlib.sha256(TOKEN.encode()).hexdigest(): 150}), True),
    (serialize({hashlib.sha256(TOKEN.encode()).hexdigest(): {"expiration": "150"}}), True),
    (serialize({hashlib.sha256(TOKEN.encode()).hexdigest(): {"expiration": "abc"}}), False),
    (serialize({hashlib.sha256(TOKEN.encode()).hexdigest(): {"expiration": True}}), False),
    (serialize({hashlib.sha256(TOKEN.encode()).hexdigest(): {"ip": "x"}}), False),
    (serialize({hashlib.sha256(TOKEN.encode()).hexdigest(): "x"}), False),
    (b"not serialized", False), (b"a:1:{", False), (None, False),
    (b'O:8:"stdClass":0:{}', False),
])
def test_session_valid(stored, valid):
    assert session_valid(stored, TOKEN.encode(), 100) is valid


def test_cookie_hmac_is_the_formula():
    cookie = AuthCookie(b"admin", str(EXPIRATION).encode(), TOKEN.encode(), b"")
    salt = wp_salt("logged_in", SCENARIO_A, {})
    assert cookie_hmac(cookie, b"vX5s", salt) == SPEC_TABLE[0][2].encode()
