"""Nonces and ``check_ajax_referer``'s lookup order."""
import pytest

from wp_bridge.nonces import create_nonce, find_nonce, nonce_tick, verify_nonce
from wp_bridge.salts import wp_salt

from .test_cookies import TOKEN
from .test_salts import SCENARIO_A

TICK_41566 = 41566 * 43200 - 100
SALT = wp_salt("nonce", SCENARIO_A, {})


@pytest.mark.parametrize("uid,token,action,nonce", [  # docs/contracts/wordpress.md#fixed-vectors
    (0, "", -1, "753a8a825b"), (0, "", "my_action", "9e29e4cb50"), (0, "", "manage_learners_nonce", "b05c6bbd86"),
    (1, TOKEN, -1, "17e6341cc4"), (1, TOKEN, "my_action", "5ce764a29d"),
    (1, TOKEN, "manage_learners_nonce", "2f2cb0c1db"),
])
def test_spec_nonces(uid, token, action, nonce):
    assert nonce_tick(TICK_41566) == 41566
    assert create_nonce(action, uid, token, TICK_41566, salt=SALT) == nonce
    assert verify_nonce(nonce, action, uid, token, TICK_41566, salt=SALT) == 1
    assert verify_nonce(nonce, str(action), uid, token, TICK_41566 + 43200, salt=SALT) == 2
    assert verify_nonce(nonce, action, uid, token, TICK_41566 + 86400, salt=SALT) is False


@pytest.mark.parametrize("nonce", ["", "0", b"", "753a8a825", "753A8A825B", "753a8a825b "])
def test_rejected_nonces(nonce):
    assert verify_nonce(nonce, -1, 0, "", TICK_41566, salt=SALT) is False


def test_nonce_life():
    assert nonce_tick(100, 200) == 1 and nonce_tick(101, 200) == 2
    assert nonce_tick(1767225600) == 40908 and nonce_tick(1767225601) == 40909
    assert nonce_tick(10, 7) == 3
    short = create_nonce("a", 1, "t", 1000, salt=SALT, life=600)
    assert verify_nonce(short, "a", 1, "t", 1200, salt=SALT, life=600) == 1
    assert verify_nonce(short, "a", 1, "t", 1500, salt=SALT, life=600) == 2
    assert verify_nonce(short, "a", 1, "t", 1501, salt=SALT, life=600) is False


@pytest.mark.parametrize("params,query_arg,expected", [
    ({"nonce": "n", "_ajax_nonce": "a", "_wpnonce": "w"}, "nonce", "n"),
    ({"_ajax_nonce": "a", "_wpnonce": "w"}, "nonce", "a"),
    ({"_wpnonce": "w"}, "nonce", "w"),
    ({}, "nonce", ""),
    ({"nonce": "n", "_wpnonce": "w"}, None, "w"),
    ({"nonce": "n", "_ajax_nonce": "a"}, False, "a"),
    ({"0": "z", "_wpnonce": "w"}, "0", "w"),
    ({"nonce": "", "_ajax_nonce": "a"}, "nonce", ""),
    ({"nonce[]": "n", "_ajax_nonce": "a"}, "nonce", "Array"),
    ({"nonce": ["n"]}, "nonce", "Array"),
    ({"_ajax.nonce": "dotted"}, None, "dotted"),
    ({"_ajax nonce": "spaced", "_ajax_nonce": "later wins"}, None, "later wins"),
])
def test_find_nonce(params, query_arg, expected):
    assert find_nonce(params, query_arg) == expected
