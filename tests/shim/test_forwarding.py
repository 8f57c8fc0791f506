"""admin-ajax.php -> shim -> (fake) sidecar -> back: what is forwarded, and what is relayed."""
import hashlib
import json

import pytest
import requests

from tests.shim.fake_sidecar import JSON_TYPE

pytestmark = pytest.mark.every_wordpress

COOKIE = ("wordpress_test_cookie=WP%20Cookie%20check; wordpress_logged_in_abc=admin%7C1700000000%7Ctoken%7Chmac; "
          "other=a=b; spaced = x ;last=")


def test_urlencoded_post_is_forwarded_raw_with_the_exact_cookie_header(sidecar, ajax_url):
    body = (b"name=O%27Brien+%22quoted%22+back%5Cslash&tick=%E2%9C%93&list%5B%5D=1&list%5B%5D=2"
            b"&action=wecoza_update_learner&empty=")
    response = requests.post(ajax_url + "?x=1&y=%2F", data=body, timeout=30, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "Cookie": COOKIE, "User-Agent": "Browser/1.0 (test)"})
    assert response.status_code == 200
    got = sidecar.last("/ajax/")
    assert got.path == "/ajax/wecoza_update_learner"
    assert got.refused == ""
    assert got.body == body
    assert got.header("Content-Type") == "application/x-www-form-urlencoded; charset=UTF-8"
    assert got.header("X-WeCoza-Cookie") == COOKIE
    assert got.header("X-WeCoza-Method") == "POST"
    assert got.header("X-WeCoza-Query") == "x=1&y=%2F"
    assert got.header("X-WeCoza-Https") == "0"
    assert got.header("X-WeCoza-Client-Ip") == "127.0.0.1"
    assert got.header("X-WeCoza-User-Agent") == "Browser/1.0 (test)"
    assert got.header("X-WeCoza-Shim-Version") == "0.1.0"
    assert len(got.header("X-WeCoza-Request-Id")) == 32
    int(got.header("X-WeCoza-Request-Id"), 16)


def test_get_request_is_forwarded_with_its_query_and_an_empty_body(sidecar, ajax_url):
    response = requests.get(ajax_url, params={"action": "wecoza_get_learner", "id": "7", "nonce": "abc"},
                            timeout=30)
    assert response.status_code == 200
    got = sidecar.last("/ajax/")
    assert got.refused == ""
    assert (got.path, got.header("X-WeCoza-Method"), got.body) == ("/ajax/wecoza_get_learner", "GET", b"")
    assert got.header("X-WeCoza-Query") == "action=wecoza_get_learner&id=7&nonce=abc"
    assert got.header("Content-Type") == ""  # signed as '' and sent as nothing (no default form type added)


def test_json_body_with_the_action_in_the_query_is_forwarded_raw(sidecar, ajax_url):
    body = '{"id":7,"name":"Zoë \\"Q\\" \\\\"}'.encode()
    requests.post(ajax_url + "?action=wecoza_update_learner", data=body, timeout=30,
                  headers={"Content-Type": "application/json"})
    got = sidecar.last("/ajax/")
    assert got.refused == "" and got.body == body and got.header("Content-Type") == "application/json"


def test_status_headers_and_body_are_relayed_byte_for_byte(sidecar, ajax_url):
    body = "id,name\r\n1,Zoë \"Z\" O'Brien\\\r\n".encode() + b"\xff\x00raw tail \n"
    sidecar.script("export_learners_csv", status=207, body=body, headers={
        "Content-Type": "text/csv; charset=UTF-8",
        "Content-Disposition": 'attachment; filename="learners-2026-01-01.csv"',
        "Cache-Control": "private, max-age=0",
        "X-WeCoza-Internal": "must not reach the browser",
        "X-Other-Header": "not relayed either",
    })
    response = requests.get(ajax_url, params={"action": "export_learners_csv"}, timeout=30)
    assert response.status_code == 207
    assert response.content == body
    assert response.headers["Content-Type"] == "text/csv; charset=UTF-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="learners-2026-01-01.csv"'
    assert response.headers["Cache-Control"] == "private, max-age=0"
    assert not [name for name in response.headers if name.lower().startswith("x-wecoza")]
    assert "X-Other-Header" not in response.headers
    # admin-ajax.php's own headers stay
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_json_envelope_and_error_status_are_relayed_exactly(sidecar, ajax_url):
    body = b'{"success":false,"data":{"message":"Learner not found","path":"a\\/b","u":"\\u00eb"}}'
    sidecar.script("wecoza_get_learner", status=400, body=body, headers={"Content-Type": JSON_TYPE})
    response = requests.post(ajax_url, data={"action": "wecoza_get_learner", "id": "999"}, timeout=30)
    assert (response.status_code, response.content) == (400, body)
    assert response.headers["Content-Type"] == JSON_TYPE  # and admin-ajax appended no "0"


def test_location_is_relayed_and_not_followed_by_the_shim(sidecar, ajax_url):
    sidecar.script("wecoza_get_learner", status=302, body=b"",
                   headers={"Location": "http://127.0.0.1:1/elsewhere?x=1", "Content-Type": "text/html; charset=UTF-8"})
    response = requests.get(ajax_url, params={"action": "wecoza_get_learner"}, timeout=30, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "http://127.0.0.1:1/elsewhere?x=1"
    assert [r.path for r in sidecar.received] == ["/ajax/wecoza_get_learner"]


def test_logged_out_callers_are_forwarded_too(sidecar, ajax_url):
    """wp_ajax_nopriv_* is intercepted as well: the sidecar decides what a logged-out caller gets."""
    sidecar.script("fetch_learners_dropdown_data", status=400, body=b"0",
                   headers={"Content-Type": "text/html; charset=UTF-8"})
    response = requests.post(ajax_url, data={"action": "fetch_learners_dropdown_data"}, timeout=30)
    assert (response.status_code, response.text) == (400, "0")
    assert sidecar.last("/ajax/").header("X-WeCoza-Cookie") == ""


def test_logged_in_callers_are_forwarded_with_their_cookies(sidecar, shim_site, ajax_url):
    session = shim_site.login("editor1")
    response = session.post(ajax_url, data={"action": "wecoza_get_learner", "id": "3"}, timeout=30)
    assert response.status_code == 200
    got = sidecar.last("/ajax/")
    sent = got.header("X-WeCoza-Cookie")
    assert "wordpress_logged_in_" in sent
    for cookie in session.cookies:
        if cookie.path in ("/", "/wp-admin"):
            assert f"{cookie.name}={cookie.value}" in sent


def test_multipart_fields_and_files_arrive_intact_and_unslashed(sidecar, ajax_url):
    tricky = "O'Brien \"quoted\" back\\slash \\' done"
    pdf = b"%PDF-1.4\n" + bytes(range(256)) + b"\r\n--not-a-boundary\r\n%%EOF"
    fields = [
        ("action", "wecoza_update_learner"),
        ("first_name", tricky),
        ("schedule_data[perDayTimes][Monday][startTime]", "08:00"),
        ("schedule_data[perDayTimes][Monday][endTime]", "10:30"),
        ("sponsors[]", "first"),
        ("sponsors[]", "second"),
        ("unicode", "Zoë ✓"),
        ("empty", ""),
    ]
    files = [
        ("scanned_portfolio[]", ("one.pdf", pdf, "application/pdf")),
        ("scanned_portfolio[]", ('two "quoted".pdf', b"%PDF-2", "application/pdf")),
        ("docs[qa][report]", ("report.txt", b"line1\r\nline2\\", "text/plain")),
    ]
    response = requests.post(ajax_url, data=fields, files=files, timeout=30)
    assert response.status_code == 200
    got = sidecar.last("/ajax/")
    assert got.refused == ""
    content_type = got.header("Content-Type")
    assert content_type.startswith("multipart/form-data; boundary=")

    from sidecar.phpform import parse_multipart
    post, uploads = parse_multipart(got.body, content_type)
    assert post["first_name"] == tricky
    assert post["schedule_data"] == {"perDayTimes": {"Monday": {"startTime": "08:00", "endTime": "10:30"}}}
    assert post["sponsors"] == {0: "first", 1: "second"}
    assert post["unicode"] == "Zoë ✓"
    assert post["empty"] == ""
    assert post["action"] == "wecoza_update_learner"
    first, second = uploads["scanned_portfolio"][0], uploads["scanned_portfolio"][1]
    assert (first.filename, first.content_type, first.data) == ("one.pdf", "application/pdf", pdf)
    assert second.filename in ('two "quoted".pdf', "two %22quoted%22.pdf")
    assert second.data == b"%PDF-2"
    report = uploads["docs"]["qa"]["report"]
    assert (report.filename, report.data) == ("report.txt", b"line1\r\nline2\\")
    assert hashlib.sha256(got.body).hexdigest() == hashlib.sha256(got.forwarded.body).hexdigest()


def test_an_empty_file_input_is_sent_as_browsers_send_it(sidecar, ajax_url):
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nwecoza_update_learner\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"scanned_portfolio[]\"; filename=\"\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n")
    requests.post(ajax_url, data=body, headers={"Content-Type": "multipart/form-data; boundary=XyZ"}, timeout=30)
    got = sidecar.last("/ajax/")
    assert got.refused == ""
    assert b'name="scanned_portfolio[0]"; filename=""' in got.body
    from sidecar.phpform import parse_multipart
    post, uploads = parse_multipart(got.body, got.header("Content-Type"))
    assert post == {"action": "wecoza_update_learner"} and uploads == {}


def test_header_values_never_carry_newlines_or_raw_bytes(sidecar, ajax_url):
    # A user agent with bytes outside printable ASCII reaches the sidecar percent-encoded, signed as sent.
    requests.post(ajax_url, data={"action": "wecoza_get_learner"}, timeout=30,
                  headers={"User-Agent": "Agent\tZo\xeb".encode("latin-1")})
    got = sidecar.last("/ajax/")
    assert got.refused == ""
    assert got.header("X-WeCoza-User-Agent") == "Agent%09Zo%EB"


def test_action_not_in_the_route_list_is_left_to_wordpress(sidecar, ajax_url):
    response = requests.post(ajax_url, data={"action": "wecoza_not_routed"}, timeout=30)
    assert (response.status_code, response.text) == (400, "0")
    assert sidecar.received == []


def test_the_signature_is_exactly_the_python_channel_signature(sidecar, ajax_url):
    """The fake verifies with wp_bridge.channel; a tampered copy must fail there too."""
    requests.post(ajax_url, data={"action": "wecoza_get_learner", "id": "1"}, timeout=30)
    got = sidecar.last("/ajax/")
    assert got.refused == ""
    from dataclasses import replace
    tampered = replace(got.forwarded, body=got.forwarded.body + b"&id=2")
    assert not sidecar.signer.valid(tampered.canonical(), got.header("X-WeCoza-Signature"))
    assert json.loads(requests.get(sidecar.url + "/healthz", timeout=5).text)["status"] == "ok"


def test_a_large_upload_is_forwarded_whole(sidecar, ajax_url):
    """Over 1 MB the HTTP client announces Expect: 100-continue; the body still arrives whole and signed."""
    big = bytes(range(256)) * (3 * 4096)  # 3 MiB
    response = requests.post(ajax_url, data={"action": "wecoza_update_learner"},
                             files={"scanned_portfolio[]": ("big.pdf", big, "application/pdf")}, timeout=60)
    assert response.status_code == 200
    got = sidecar.last("/ajax/")
    assert got.refused == ""
    from sidecar.phpform import parse_multipart
    _, uploads = parse_multipart(got.body, got.header("Content-Type"))
    assert uploads["scanned_portfolio"][0].data == big
