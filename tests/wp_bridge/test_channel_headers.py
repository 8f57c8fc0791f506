"""ForwardedRequest.to_headers()/from_headers(): the one place the forwarded request's header names live."""
from werkzeug.datastructures import Headers

from wp_bridge.channel import SIGNATURE_HEADER, ForwardedRequest

REQUEST = ForwardedRequest(
    timestamp="1700000000", request_id="0123456789abcdef0123456789abcdef", method="POST", path="/ajax/save_learner",
    query="action=save_learner&x=%C3%A9", content_type="application/x-www-form-urlencoded", https="1",
    client_ip="203.0.113.7", user_agent="Mozilla/5.0 (X11)", body=b"a=1&b=%20", cookie="wordpress_logged_in_x=a%7Cb")


def test_a_request_read_back_from_its_headers_is_the_same_request():
    assert ForwardedRequest.from_headers(REQUEST.to_headers(), REQUEST.path, REQUEST.body) == REQUEST


def test_the_round_trip_holds_through_a_case_insensitive_server_mapping_and_without_a_content_type():
    bare = ForwardedRequest("1", "id", "GET", "/ajax/x", "action=x", "", "0", "", "", b"", "")
    headers = Headers(list(bare.to_headers(signature="sig").items()))
    assert "Content-Type" not in bare.to_headers()
    assert ForwardedRequest.from_headers(headers, bare.path, bare.body) == bare
    assert headers.get(SIGNATURE_HEADER.lower()) == "sig"


def test_the_header_names_are_the_ones_the_php_shim_sends():
    assert set(REQUEST.to_headers(signature="s")) == {
        "X-WeCoza-Timestamp", "X-WeCoza-Request-Id", "X-WeCoza-Method", "X-WeCoza-Query", "Content-Type",
        "X-WeCoza-Https", "X-WeCoza-Client-Ip", "X-WeCoza-User-Agent", "X-WeCoza-Cookie", "X-WeCoza-Signature"}


def test_missing_headers_read_as_the_sidecar_always_read_them():
    read = ForwardedRequest.from_headers({"X-WeCoza-Method": "get"}, "/ajax/x", b"")
    assert (read.method, read.https, read.timestamp, read.cookie, read.content_type) == ("GET", "0", "", "", "")
    assert ForwardedRequest.from_headers({}, "/ajax/x", b"").method == "POST"
