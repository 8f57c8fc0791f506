"""Every nonce check of the vector files through WordPress.authenticate() on a MariaDB database built from the
vector's site (the vector_wordpress fixture): the caller's cookie gives uid and token, as check_ajax_referer does."""
import pytest

from .test_vectors_site import NONCE_CHECKS, check_token


@pytest.mark.parametrize("path,item", NONCE_CHECKS)
def test_nonce_through_a_request(vector_wordpress, path, item):
    """The same check as ``check_ajax_referer``: the caller's cookie gives uid and token."""
    vector, nonce, check = item
    header = ""
    if nonce["user"] is not None:
        valid = next(c for c in vector["cookies"] if c["id"] == f"{nonce['user']}/valid/logged_in")
        token = check_token(vector, nonce, check)
        value = valid["value_wire"].replace(valid["parts"]["token"], token)
        header = f"{valid['cookie_name']}={value}"
    result = vector_wordpress(path, check["now"]).authenticate(
        cookie_header=header, params={"_ajax_nonce": check["nonce"]}, nonce_actions=(check["action"],),
        nonce_field=None)
    expected_user = nonce["user_id"] if token_is_main(nonce, check) else None
    assert (result.user.id if result.user else None) == expected_user
    assert result.nonce_ok is bool(check["expected"])
    assert result.nonce_age == (check["expected"] or None)


def token_is_main(nonce, check) -> bool:
    return nonce["user"] is not None and check["id"] != "checked_in_other_session"
