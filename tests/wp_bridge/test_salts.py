"""``wp_salt`` fallbacks: placeholders, duplicates, SECRET_KEY, options; never generated."""
import hashlib
import hmac

import pytest

from wp_bridge.errors import SaltMissing
from wp_bridge.salts import PLACEHOLDER, SALT_OPTIONS, salted_hash, wp_hash, wp_salt

SCENARIO_A = {  # docs/contracts/wordpress.md#fixed-vectors
    "AUTH_KEY": "k-auth-0123456789", "AUTH_SALT": "s-auth-0123456789",
    "SECURE_AUTH_KEY": "k-secauth-0123456789", "SECURE_AUTH_SALT": "s-secauth-0123456789",
    "LOGGED_IN_KEY": "k-loggedin-0123456789", "LOGGED_IN_SALT": "s-loggedin-0123456789",
    "NONCE_KEY": "k-nonce-0123456789", "NONCE_SALT": "s-nonce-0123456789",
}
OPTIONS = {name: f"opt-{name}".encode() for name in SALT_OPTIONS}


def test_all_constants():
    assert wp_salt("logged_in", SCENARIO_A, {}) == b"k-loggedin-0123456789s-loggedin-0123456789"
    assert wp_hash("hello|world", "nonce", SCENARIO_A, {}) == "42ef1a889779b915b910a4938b7fed6c"


def test_debian_setup_mysql_only_secret_key():
    constants = {"SECRET_KEY": "debian-secret"}
    assert wp_salt("logged_in", constants, OPTIONS) == b"debian-secretopt-logged_in_salt"
    assert wp_salt("auth", constants, OPTIONS) == b"debian-secretopt-auth_salt"


def test_secret_salt_only_for_auth():
    constants = {"SECRET_KEY": "sk", "SECRET_SALT": "ss"}
    assert wp_salt("auth", constants, OPTIONS) == b"skss"
    assert wp_salt("nonce", constants, OPTIONS) == b"skopt-nonce_salt"


def test_placeholders_fall_back_to_options():
    constants = {name: PLACEHOLDER for name in SCENARIO_A}
    assert wp_salt("logged_in", constants, OPTIONS) == b"opt-logged_in_keyopt-logged_in_salt"


def test_single_placeholder_is_ignored():
    constants = {**SCENARIO_A, "NONCE_KEY": PLACEHOLDER}
    assert wp_salt("nonce", constants, OPTIONS) == b"opt-nonce_keys-nonce-0123456789"


def test_duplicated_pair_uses_options_for_both():
    constants = {**SCENARIO_A, "LOGGED_IN_KEY": SCENARIO_A["AUTH_KEY"]}
    assert wp_salt("auth", constants, OPTIONS) == b"opt-auth_keys-auth-0123456789"
    assert wp_salt("logged_in", constants, OPTIONS) == b"opt-logged_in_keys-loggedin-0123456789"


def test_duplicate_detection_uses_php_array_keys():
    constants = {**SCENARIO_A, "AUTH_KEY": "123", "NONCE_KEY": 123}
    assert wp_salt("auth", constants, OPTIONS) == b"opt-auth_keys-auth-0123456789"


def test_duplicate_with_secret_key():
    constants = {**SCENARIO_A, "SECRET_KEY": SCENARIO_A["NONCE_SALT"]}
    assert wp_salt("nonce", constants, OPTIONS) == b"k-nonce-0123456789opt-nonce_salt"


@pytest.mark.parametrize("value", ["", "0", 0, False, None])
def test_falsy_constant_is_unusable(value):
    constants = {**SCENARIO_A, "AUTH_SALT": value}
    assert wp_salt("auth", constants, OPTIONS) == b"k-auth-0123456789opt-auth_salt"


def test_non_string_constant_is_cast():
    constants = {**SCENARIO_A, "AUTH_SALT": 42}
    assert wp_salt("auth", constants, {}) == b"k-auth-012345678942"


def test_other_scheme_uses_secret_key_option():
    expected = b"db-secret-key" + b"d3b2819c63f47212fd51c82c57b70d29"
    assert wp_salt("other", SCENARIO_A, {"secret_key": "db-secret-key"}) == expected
    key = hmac.new(b"db-secret-key", b"other", hashlib.md5).hexdigest().encode()
    assert expected == b"db-secret-key" + key
    own = hmac.new(b"sk", b"other", hashlib.md5).hexdigest().encode()
    assert wp_salt("other", {"SECRET_KEY": "sk"}, {}) == b"sk" + own


@pytest.mark.parametrize("options", [
    {}, {"logged_in_salt": b""}, {"logged_in_salt": b"0"}, {"logged_in_salt": b"b:0;"}])
def test_missing_salt_is_never_generated(options):
    with pytest.raises(SaltMissing) as error:
        wp_salt("logged_in", {"LOGGED_IN_KEY": "k"}, options)
    assert error.value.option == "logged_in_salt"


def test_serialized_option_is_unserialized():
    assert wp_salt("nonce", {"NONCE_KEY": "k"}, {"nonce_salt": b's:3:"abc";'}) == b"kabc"


def test_salted_hash():
    assert salted_hash(b"x", b"salt") == hmac.new(b"salt", b"x", hashlib.md5).hexdigest()
