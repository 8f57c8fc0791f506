"""Salts, cookie names, key derivation, nonces, roles and capabilities from every vector file."""
import pytest

from wp_bridge.cookies import (AuthCookie, UserRecord, cookie_hash, cookie_hmac, cookie_names, lookup_login,
                               pass_frag_rule, pass_frags)
from wp_bridge.nonces import create_nonce, nonce_tick, verify_nonce
from wp_bridge.salts import salted_hash, wp_salt
from wp_bridge.tables import Tables
from wp_bridge.users import UserData, capabilities

from .conftest import raw, vector_files, vector_params

SITES = vector_params(lambda v: [("site", v)])
USERS = vector_params(lambda v: ((u["login"], (v, u)) for u in v["users"]))
NONCE_CHECKS = vector_params(lambda v: ((f"{n['user'] or 'logged-out'}/{n['action']}/{c['id']}", (v, n, c))
                                        for n in v["nonces"] for c in n["checks"]))
NONCES = vector_params(lambda v: ((f"{n['user'] or 'logged-out'}/{n['action']}", (v, n)) for n in v["nonces"]))


def test_vector_files_exist():
    assert vector_files(), "no vector files found in ../shared/vectors"


@pytest.mark.parametrize("path,vector", SITES)
def test_wp_salt(path, vector):
    for scheme, expected in vector["site"]["wp_salt"].items():
        assert wp_salt(scheme, vector["site"]["keys_and_salts"], {}) == expected.encode()


@pytest.mark.parametrize("path,vector", SITES)
def test_cookiehash_and_names(path, vector):
    site = vector["site"]
    assert cookie_hash(vector["options"]["siteurl"], {}, multisite=False) == site["COOKIEHASH"]
    assert cookie_hash(vector["options"]["siteurl"] + "/", {}, multisite=False) == site["COOKIEHASH"]
    names = cookie_names(site["COOKIEHASH"], {})
    assert (names.logged_in, names.auth, names.secure_auth) == (
        site["cookies"]["LOGGED_IN_COOKIE"], site["cookies"]["AUTH_COOKIE"], site["cookies"]["SECURE_AUTH_COOKIE"])


@pytest.mark.parametrize("path,vector", SITES)
def test_nonce_ticks(path, vector):
    for item in vector["nonce_ticks"]:
        assert nonce_tick(item["now"], vector["site"]["nonce_life"]) == item["tick"]


@pytest.mark.parametrize("path,vector", SITES)
def test_sanitize_user_examples(path, vector):
    for example in vector["site"]["sanitize_user_examples"]:
        plain = example["input"].isascii() and "<" not in example["input"]
        assert lookup_login(example["input"].encode()) == (example["non_strict"] if plain else None)


@pytest.mark.parametrize("path,item", USERS)
def test_key_derivation(path, item):
    vector, user = item
    derivation = user["cookie_key_derivation"]
    rule = pass_frag_rule(vector["site"]["version"])
    frags = pass_frags(user["row"]["user_pass"].encode(), rule)
    assert frags == {derivation["pass_frag_rule"]: derivation["pass_frag"].encode()}
    salt = wp_salt("logged_in", vector["site"]["keys_and_salts"], {})
    assert salted_hash(derivation["key_input"], salt) == derivation["key"]
    login, frag, expiration, token = derivation["key_input"].split("|")
    cookie = AuthCookie(login.encode(), expiration.encode(), token.encode(), b"")
    valid = next(c for c in vector["cookies"] if c["id"] == f"{user['login']}/valid/logged_in")
    assert cookie_hmac(cookie, frag.encode(), salt) == valid["parts"]["hmac"].encode()


@pytest.mark.parametrize("path,item", USERS)
def test_roles_and_allcaps(path, item):
    vector, user = item
    prefix = vector["site"]["table_prefix"]
    tables = Tables.for_site(prefix, {})
    record = UserRecord(user["row"]["ID"], user["login"], b"", {key.encode(): raw(value)
                                                                for key, value in user["usermeta"].items()})
    data = UserData({}, raw(vector["options"][f"{prefix}user_roles"]), None, False)
    roles, allcaps = capabilities(record, tables, data)
    assert list(roles) == user["roles"]
    assert list(allcaps.items()) == list(user["allcaps"].items())


@pytest.mark.parametrize("path,item", NONCES)
def test_create_nonce(path, item):
    vector, nonce = item
    salt = wp_salt("nonce", vector["site"]["keys_and_salts"], {})
    assert salted_hash(nonce["hash_input"], salt)[-12:-2] == nonce["nonce"]
    made = create_nonce(nonce["action"], nonce["user_id"], nonce["token"], nonce["created_at"], salt=salt)
    assert made == nonce["nonce"]
    assert nonce_tick(nonce["created_at"]) == nonce["tick"]


def check_token(vector, nonce, check) -> str:
    if check["id"] != "checked_in_other_session":
        return nonce["token"]
    user = next(u for u in vector["users"] if u["login"] == nonce["user"])
    return next(s["token"] for s in user["sessions"] if s["label"] == "alt")


@pytest.mark.parametrize("path,item", NONCE_CHECKS)
def test_verify_nonce(path, item):
    vector, nonce, check = item
    salt = wp_salt("nonce", vector["site"]["keys_and_salts"], {})
    result = verify_nonce(check["nonce"], check["action"], nonce["user_id"], check_token(vector, nonce, check),
                          check["now"], salt=salt, life=vector["site"]["nonce_life"])
    assert result == check["expected"] and type(result) is type(check["expected"])
