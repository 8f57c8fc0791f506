"""Pages that POST to themselves: forwarded to /form/{form}, 303 back, the flash shown once."""
import re
import uuid
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests

pytestmark = pytest.mark.every_wordpress

CREATE_SUCCESS = ('<div class="alert alert-sublte-success alert-dismissible fade show ydcoza-notification '
                  'ydcoza-auto-close" role="alert"><div class="d-flex gap-4"><span><i class="fa-solid fa-circle-check '
                  'icon-success"></i></span><div>Learner Added successfully!</div></div><button type="button" '
                  'class="btn-close btn-close-sm" data-bs-dismiss="alert" aria-label="Close"></button></div>')
UNAVAILABLE = "The WeCoza service is temporarily unavailable. Please try again."


@pytest.fixture(scope="module")
def capture_page(shim_site):
    return shim_site.publish_page("learner-capture", "<p>Capture page body</p>")


def flash_id(location):
    return parse_qs(urlparse(location).query)["wecoza_flash"][0]


def submit(url, fields, files=None, session=None):
    http = session or requests
    return http.post(url, data=fields, files=files, timeout=30, allow_redirects=False)


def test_create_form_post_redirects_303_and_shows_the_flash_once(sidecar, shim_site, capture_page):
    sidecar.script("learners_create", body=b'{"success":true,"message":"Learner Added successfully!"}')
    admin = shim_site.login("admin")
    fields = {"wecoza_learners_form_nonce": "abc123", "_wp_http_referer": "/learner-capture/",
              "first_name": "O'Brien \"Q\" \\", "sa_id_no": "9001015009087"}
    files = {"scanned_portfolio[]": ("cv.pdf", b"%PDF-1.4 body", "application/pdf")}
    response = submit(capture_page + "?learner=1", fields, files, session=admin)

    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(urlparse(capture_page).path + "?learner=1&wecoza_flash=")
    assert re.fullmatch(r"[0-9a-f]{32}", flash_id(location))

    got = sidecar.last("/form/")
    assert got.path == "/form/learners_create" and got.refused == ""
    assert got.header("X-WeCoza-Query") == "learner=1"
    assert got.header("X-WeCoza-Method") == "POST"
    assert "wordpress_logged_in_" in got.header("X-WeCoza-Cookie")
    from sidecar.phpform import parse_multipart
    post, uploads = parse_multipart(got.body, got.header("Content-Type"))
    assert post["first_name"] == "O'Brien \"Q\" \\" and post["wecoza_learners_form_nonce"] == "abc123"
    assert uploads["scanned_portfolio"][0].data == b"%PDF-1.4 body"

    # no personal data in the flash: only the form, the outcome and the message
    stored = shim_site.get_option("_transient_wecoza_sidecar_flash_" + flash_id(location))
    assert stored == {"form": "learners_create", "success": True, "level": "success",
                      "message": "Learner Added successfully!"}

    page = admin.get(urljoin(shim_site.url, location), timeout=30).text
    assert page.count(CREATE_SUCCESS) == 1
    assert page.index(CREATE_SUCCESS) < page.index("Capture page body")
    again = admin.get(urljoin(shim_site.url, location), timeout=30).text
    assert "Learner Added successfully!" not in again and "Capture page body" in again


def test_create_form_error_uses_the_legacy_danger_alert(sidecar, shim_site, capture_page):
    sidecar.script("learners_create", status=403,
                   body=b'{"success":false,"message":"Security check failed. Please reload the page and try again."}')
    response = submit(capture_page, {"wecoza_learners_form_nonce": "bad"}, session=shim_site.login("admin"))
    page = requests.get(urljoin(shim_site.url, response.headers["Location"]), timeout=30).text
    assert ('<div class="alert alert-subtle-danger alert-dismissible fade show ydcoza-notification" role="alert">'
            '<button type="button" class="btn-close btn-close-sm" data-bs-dismiss="alert" aria-label="Close"></button>'
            '<div class="d-flex gap-4"><span><i class="fa-solid fa-circle-exclamation icon-danger"></i></span>'
            '<div class="d-flex flex-column gap-2"><h6 class="mb-0">ERROR !</h6><p class="mb-0">Security check failed. '
            'Please reload the page and try again.</p></div></div></div>') in page


def test_update_form_success_follows_the_sidecars_redirect_and_escapes_the_message(sidecar, shim_site, capture_page):
    target = shim_site.php("echo home_url('/learners/?updated=true');").strip()
    sidecar.script("learners_update", body=(
        '{"success":true,"message":"Learner information has been updated <b>successfully</b>!","redirect":"%s"}'
        % target).encode())
    response = submit(capture_page + "?learner_id=5", {"wecoza_learners_update_form_nonce": "n", "learner_id": "5"},
                      session=shim_site.login("admin"))
    assert response.status_code == 303
    assert response.headers["Location"].startswith(target + "&wecoza_flash=")
    # the flash shows on whichever page the browser lands on; here the capture page itself
    page = requests.get(capture_page + "?wecoza_flash=" + flash_id(response.headers["Location"]), timeout=30).text
    assert ('<div class="alert alert-subtle-success alert-dismissible fade show" role="alert">Learner information has '
            'been updated &lt;b&gt;successfully&lt;/b&gt;!<button type="button" class="btn-close" '
            'data-bs-dismiss="alert" aria-label="Close"></button></div>') in page


def test_a_foreign_redirect_is_ignored(sidecar, shim_site, capture_page):
    sidecar.script("learners_update", body=b'{"success":false,"message":"Nope","redirect":"https://evil.example/x"}')
    response = submit(capture_page, {"wecoza_learners_update_form_nonce": "n"}, session=shim_site.login("admin"))
    assert response.status_code == 303
    assert response.headers["Location"].startswith(urlparse(capture_page).path + "?wecoza_flash=")
    page = requests.get(urljoin(shim_site.url, response.headers["Location"]), timeout=30).text
    assert '<div class="alert alert-subtle-danger">Nope</div>' in page


def test_form_post_with_the_sidecar_down_shows_the_unavailable_alert(sidecar, shim_site, capture_page):
    with sidecar.stopped():
        response = submit(capture_page, {"wecoza_learners_form_nonce": "abc", "first_name": "Personal"},
                          session=shim_site.login("admin"))
    assert response.status_code == 303
    page = requests.get(urljoin(shim_site.url, response.headers["Location"]), timeout=30).text
    assert f'<p class="mb-0">{UNAVAILABLE}</p>' in page
    log = shim_site.debug_log()
    assert "[WeCoza Core] sidecar unreachable for form learners_create: " in log
    assert "Personal" not in log


def test_form_answer_that_is_not_the_form_shape_shows_the_unavailable_alert(sidecar, shim_site, capture_page):
    sidecar.script("learners_update", status=401, body=b'{"error":"bad_signature"}',
                   headers={"Content-Type": "application/json"})
    response = submit(capture_page, {"wecoza_learners_update_form_nonce": "abc"}, session=shim_site.login("admin"))
    page = requests.get(urljoin(shim_site.url, response.headers["Location"]), timeout=30).text
    assert f'<div class="alert alert-subtle-danger">{UNAVAILABLE}</div>' in page


def test_form_post_events_are_fired_after_the_redirect(sidecar, shim_site, capture_page, heard):
    event = {"id": str(uuid.uuid4()), "name": "wecoza_learner_updated", "payload": {"learner_id": 5}}
    sidecar.script("learners_update", body=b'{"success":true,"message":"ok"}', events=[event])
    response = submit(capture_page, {"wecoza_learners_update_form_nonce": "abc"}, session=shim_site.login("admin"))
    assert response.status_code == 303
    assert sidecar.wait_for_ack()["ids"] == [event["id"]]
    assert heard() == [{"hook": "wecoza_learner_updated", "arg": {"learner_id": 5}}]


def test_other_posts_and_unknown_flash_ids_are_left_alone(sidecar, shim_site, capture_page):
    response = requests.post(capture_page, data={"comment": "x"}, timeout=30, allow_redirects=False)
    assert response.status_code == 200 and sidecar.received == []
    page = requests.get(capture_page + "?wecoza_flash=" + "0" * 32, timeout=30).text
    assert "alert" not in page.split("Capture page body")[0].split("<main")[-1]


def test_an_unrouted_form_reaches_the_page_again(sidecar, shim_site, capture_page):
    admin = shim_site.login("admin")
    shim_site.set_option("wecoza_sidecar_unrouted_forms", ["learners_create"])
    response = submit(capture_page, {"wecoza_learners_form_nonce": "abc"}, session=admin)
    assert response.status_code == 200 and "Capture page body" in response.text
    assert sidecar.received == []
    response = submit(capture_page, {"wecoza_learners_update_form_nonce": "abc"}, session=admin)
    assert response.status_code == 303 and sidecar.last("/form/").path == "/form/learners_update"


def flash_transients(site):
    return int(site.php("global $wpdb; echo (int) $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->options} "
                        "WHERE option_name LIKE '_transient_wecoza_sidecar_flash_%'\");"))


def test_a_visitor_is_sent_to_log_in_without_a_sidecar_call_or_a_stored_flash(sidecar, shim_site, capture_page):
    before = flash_transients(shim_site)
    response = submit(capture_page + "?learner=1", {"wecoza_learners_form_nonce": "abc", "first_name": "x"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert urlparse(location).path.endswith("/wp-login.php")
    assert parse_qs(urlparse(location).query)["redirect_to"] == [urlparse(capture_page).path + "?learner=1"]
    assert sidecar.received == []
    assert flash_transients(shim_site) == before


def test_a_head_request_does_not_consume_the_flash(sidecar, shim_site, capture_page):
    sidecar.script("learners_create", body=b'{"success":true,"message":"Learner Added successfully!"}')
    admin = shim_site.login("admin")
    location = urljoin(shim_site.url, submit(capture_page, {"wecoza_learners_form_nonce": "abc"},
                                             session=admin).headers["Location"])
    requests.head(location, timeout=30)
    assert requests.get(location, timeout=30).text.count(CREATE_SUCCESS) == 1
