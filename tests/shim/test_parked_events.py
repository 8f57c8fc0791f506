"""The sidecar's failing and parked events on the settings screen and in `wp wecoza-sidecar events`, and retrying
the parked ones (the button and `wp wecoza-sidecar retry-parked`): signed POST /events/status and /events/retry,
against the fake sidecar, then once against the real one."""
import json
import re
import uuid
from pathlib import Path

import pytest

from tests.shim.test_cli_and_health import wp_cli

pytestmark = pytest.mark.every_wordpress

SETTINGS = "/wp-admin/options-general.php?page=wecoza-sidecar"
NONCE_FIELD = "wecoza_sidecar_retry_nonce"
RETRY_ACTION = "wecoza_sidecar_retry_parked"


def event(name, attempts, last_error, parked=False):
    return {"id": str(uuid.uuid4()), "name": name, "attempts": attempts, "last_error": last_error,
            "created_at": "2026-03-01T10:00:00+00:00", "next_attempt_at": "2026-03-01T10:30:00+00:00",
            "parked_at": "2026-03-01T11:00:00+00:00" if parked else None}


def scripted(sidecar):
    """Two parked events (one with markup in its error) and one failing event."""
    parked = [event("wecoza_learner_updated", 8, "HTTP 500 <script>alert('x')</script>", parked=True),
              event("wecoza_class_created", 8, "connection refused", parked=True)]
    failing = [event("wecoza_learner_deleted", 2, "timed out")]
    sidecar.event_status = {"pending": 3, "parked": 2, "oldest_pending": "2026-03-01T09:00:00+00:00",
                            "parked_events": parked, "failing_events": failing}
    return parked, failing


def section(page):
    return page[page.index('id="wecoza-sidecar-outbox"'):]


def table(page, table_id):
    start = page.index(f'id="{table_id}"')
    return page[start:page.index("</table>", start)]


def retry_nonce(page):
    match = re.search(r'name="%s" value="([0-9a-f]+)"' % NONCE_FIELD, page)
    assert match, "no retry button on the settings screen"
    return match.group(1)


def post_retry(session, site, nonce=None):
    data = {"action": RETRY_ACTION}
    if nonce is not None:
        data[NONCE_FIELD] = nonce
    return session.post(f"{site.url}/wp-admin/admin-post.php", data=data, timeout=30, allow_redirects=False)


def nonce_as(site, session, login, action):
    """A nonce for `action` valid for the user logged in by `session` (nonces are bound to the session token)."""
    cookie = next(c for c in session.cookies if c.name.startswith("wordpress_logged_in_"))
    code = """
        $_COOKIE[LOGGED_IN_COOKIE] = urldecode($args[1]);
        wp_set_current_user(get_user_by('login', $args[0])->ID);
        echo wp_create_nonce($args[2]);
    """
    return site.php(code, login, cookie.value, action).strip()


# ------------------------------------------------------------------ client

def test_event_status_and_retry_are_signed_like_the_ack_with_json_object_bodies(sidecar, shim_site):
    parked, failing = scripted(sidecar)
    status = json.loads(shim_site.php("echo json_encode(wecoza_sidecar_shim()->client->event_status());"))
    assert (status["pending"], status["parked"], status["oldest_pending"]) == (3, 2, "2026-03-01T09:00:00+00:00")
    assert [e["id"] for e in status["parked_events"]] == [e["id"] for e in parked]
    assert status["failing_events"][0] == {**failing[0], "parked_at": ""}
    retried = shim_site.php("echo json_encode(wecoza_sidecar_shim()->client->retry_parked([$args[0]]));",
                            parked[1]["id"])
    assert json.loads(retried) == 1
    calls = sidecar.signed_calls
    assert [(c["path"], c["message"], c["refused"]) for c in calls] == [
        ("/events/status", {}, ""), ("/events/retry", {"ids": [parked[1]["id"]]}, "")]
    assert sidecar.last("/events/status").body == b"{}"  # an object, not PHP's empty array []


def test_event_status_reports_refusals_and_a_bad_answer(sidecar, shim_site):
    code = """
        $r = wecoza_sidecar_shim()->client->event_status();
        $t = wecoza_sidecar_shim()->client->retry_parked();
        echo json_encode([is_wp_error($r) ? $r->get_error_message() : $r, is_wp_error($t) ? $t->get_error_message() : $t]);
    """
    sidecar.signed_failure = (503, {"Content-Type": "application/json"}, b'{"error": "postgres_unavailable"}')
    assert json.loads(shim_site.php(code)) == ["the sidecar refused the request: postgres_unavailable"] * 2
    sidecar.signed_failure = (200, {"Content-Type": "application/json"}, b'{"something": "else"}')
    status_error, retry_error = json.loads(shim_site.php(code))
    assert "not the expected JSON" in status_error and "not the expected JSON" in retry_error
    sidecar.signed_failure = None
    shim_site.set_option("wecoza_sidecar_secret", "not-the-sidecars-secret")
    assert json.loads(shim_site.php(code)) == ["the sidecar refused the request: bad_signature"] * 2
    assert {c["refused"] for c in sidecar.signed_calls[-2:]} == {"bad_signature"}


# ------------------------------------------------------------------ settings screen

def test_settings_screen_lists_parked_and_failing_events_escaped(sidecar, shim_site):
    parked, failing = scripted(sidecar)
    page = shim_site.login("admin").get(shim_site.url + SETTINGS, timeout=30).text
    assert page.index("Last events fired") < page.index('id="wecoza-sidecar-outbox"')  # under the deliveries
    assert "Failing and parked events" in page
    counts = table(page, "wecoza-sidecar-outbox-counts")
    assert re.search(r'wecoza-sidecar-pending">.*?<td>3</td>', counts)
    assert re.search(r'wecoza-sidecar-parked">.*?<td>2</td>', counts)

    parked_table = table(page, "wecoza-sidecar-parked-events")
    for row in parked:
        assert row["id"] in parked_table and row["name"] in parked_table
    assert "<script>alert" not in page
    assert "HTTP 500 &lt;script&gt;alert(&#039;x&#039;)&lt;/script&gt;" in parked_table
    assert "connection refused" in parked_table and "<td>8</td>" in parked_table
    assert "2026-03-01 11:00:00" in parked_table  # parked_at, in the site's time zone (UTC here)

    failing_table = table(page, "wecoza-sidecar-failing-events")
    assert failing[0]["id"] in failing_table and "wecoza_learner_deleted" in failing_table
    assert "timed out" in failing_table and "<td>2</td>" in failing_table
    assert "2026-03-01 10:30:00" in failing_table  # next_attempt_at
    assert 'value="Retry parked events"' in page
    retry_nonce(page)
    assert sidecar.signed_calls and sidecar.signed_calls[0]["refused"] == ""


def test_retry_button_posts_a_signed_retry_and_shows_the_count_once(sidecar, shim_site):
    scripted(sidecar)
    admin = shim_site.login("admin")
    page = admin.get(shim_site.url + SETTINGS, timeout=30).text
    response = post_retry(admin, shim_site, retry_nonce(page))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(shim_site.url + "/wp-admin/options-general.php?page=wecoza-sidecar")
    assert "wecoza-sidecar-retried=1" in location
    retries = [c for c in sidecar.signed_calls if c["path"] == "/events/retry"]
    assert retries == [{"path": "/events/retry", "message": {}, "refused": ""}]

    page = admin.get(location, timeout=30).text
    assert re.search(r'class="notice notice-success is-dismissible wecoza-sidecar-retry-result"><p>'
                     r'2 events queued again\.</p>', page)
    assert "No event is parked." in page and 'value="Retry parked events"' not in page
    assert "2 events queued again" not in admin.get(location, timeout=30).text  # shown once


def test_retry_button_shows_the_sidecars_refusal(sidecar, shim_site):
    scripted(sidecar)
    admin = shim_site.login("admin")
    nonce = retry_nonce(admin.get(shim_site.url + SETTINGS, timeout=30).text)
    sidecar.signed_failure = (503, {"Content-Type": "application/json"}, b'{"error": "postgres_unavailable"}')
    response = post_retry(admin, shim_site, nonce)
    page = admin.get(response.headers["Location"], timeout=30).text
    assert ('<div class="notice notice-error is-dismissible wecoza-sidecar-retry-result"><p>The parked events were '
            'not retried: the sidecar refused the request: postgres_unavailable</p></div>') in page


def test_retry_button_refuses_without_the_nonce_or_for_a_non_admin(sidecar, shim_site):
    scripted(sidecar)
    admin = shim_site.login("admin")
    settings_nonce = re.search(r'name="_wpnonce" value="([0-9a-f]+)"',
                               admin.get(shim_site.url + SETTINGS, timeout=30).text).group(1)
    assert post_retry(admin, shim_site).status_code == 403                   # no nonce
    assert post_retry(admin, shim_site, "0000000000").status_code == 403     # a wrong one
    assert post_retry(admin, shim_site, settings_nonce).status_code == 403   # the settings form's nonce
    editor = shim_site.login("editor1")
    editor_nonce = nonce_as(shim_site, editor, "editor1", "wecoza_sidecar_retry_parked_events")
    response = post_retry(editor, shim_site, editor_nonce)                  # a valid nonce, no manage_options
    assert response.status_code == 403 and "not allowed" in response.text
    assert [c for c in sidecar.signed_calls if c["path"] == "/events/retry"] == []
    assert sidecar.event_status["parked"] == 2


def test_settings_screen_says_so_when_the_sidecar_is_unreachable_or_refuses(sidecar, shim_site):
    scripted(sidecar)
    admin = shim_site.login("admin")
    with sidecar.stopped():
        page = admin.get(shim_site.url + SETTINGS, timeout=30).text
    outbox = section(page)
    assert "The sidecar is not reachable, so its failing and parked events cannot be shown:" in outbox
    assert "wecoza-sidecar-parked-events" not in page and "Retry parked events" not in page

    sidecar.signed_failure = (503, {"Content-Type": "application/json"}, b'{"error": "postgres_unavailable"}')
    page = admin.get(shim_site.url + SETTINGS, timeout=30).text
    assert ("The sidecar did not report its failing and parked events: the sidecar refused the request: "
            "postgres_unavailable") in page
    assert "Retry parked events" not in page


def test_settings_screen_with_nothing_parked_or_failing(sidecar, shim_site):
    page = shim_site.login("admin").get(shim_site.url + SETTINGS, timeout=30).text
    assert "No event is parked." in page and "No event is failing." in page
    assert "Retry parked events" not in page


# ------------------------------------------------------------------ WP-CLI

def test_cli_events_lists_parked_and_failing_events(sidecar, shim_site):
    parked, failing = scripted(sidecar)
    out = wp_cli(shim_site, "events")
    assert out["exit"] == 0
    text = "\n".join(line for _, line in out["lines"])
    assert "Sidecar outbox: 3 waiting for delivery (oldest 2026-03-01T09:00:00+00:00), 2 parked." in text
    assert "Parked events (retry them with `wp wecoza-sidecar retry-parked`):" in text
    assert "Failing events (retried automatically):" in text
    # the harness records the last table printed: the failing events
    assert [item["id"] for item in out["items"]["items"]] == [failing[0]["id"]]

    out = wp_cli(shim_site, "events", "--list=parked", "--format=json")
    assert out["items"]["format"] == "json"
    assert out["items"]["fields"] == ["parked_at", "name", "id", "attempts", "last_error", "created_at"]
    assert [(i["id"], i["attempts"], i["last_error"]) for i in out["items"]["items"]] == [
        (e["id"], 8, e["last_error"]) for e in parked]
    out = wp_cli(shim_site, "events", "--list=failing", "--format=json")
    assert out["items"]["fields"] == ["next_attempt_at", "name", "id", "attempts", "last_error", "created_at"]
    assert [i["name"] for i in out["items"]["items"]] == ["wecoza_learner_deleted"]


def test_cli_events_when_the_sidecar_is_down(sidecar, shim_site):
    with sidecar.stopped():
        everything = wp_cli(shim_site, "events")
        parked = wp_cli(shim_site, "events", "--list=parked")
    assert everything["exit"] == 0
    assert any(kind == "warning" and text.startswith("The sidecar did not report its parked and failing events: ")
               for kind, text in everything["lines"])
    assert parked["exit"] == 1 and parked["lines"][-1][0] == "error"


def test_cli_retry_parked(sidecar, shim_site):
    parked, _ = scripted(sidecar)
    one = wp_cli(shim_site, "retry_parked", parked[0]["id"])
    assert one["exit"] == 0 and one["lines"] == [["success", "1 event queued again."]]
    rest = wp_cli(shim_site, "retry_parked")
    assert rest["lines"] == [["success", "1 event queued again."]]
    assert [c["message"] for c in sidecar.signed_calls] == [{"ids": [parked[0]["id"]]}, {}]
    assert sidecar.event_status["parked"] == 0
    with sidecar.stopped():
        down = wp_cli(shim_site, "retry_parked")
    assert down["exit"] == 1 and down["lines"][0][1].startswith("The parked events were not retried: ")


def test_cli_retry_parked_is_the_retry_parked_subcommand():
    source = (Path(__file__).resolve().parents[2] / "wp-plugin-shim" / "includes"
              / "class-wecoza-sidecar-cli.php").read_text()
    doc, _, _ = source.partition("public function retry_parked(")
    assert doc.rsplit("/**", 1)[1].count("@subcommand retry-parked") == 1


# ------------------------------------------------------------------ the real sidecar

def test_the_button_really_unparks_an_event_in_the_real_sidecar(sidecar_server, wordpress_site, pg_database):
    event_id = str(uuid.uuid4())
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO wecoza_sidecar.outbox (id, name, payload, attempts, parked_at, last_error) "
                    "VALUES (%s, 'wecoza_test_parked', '{\"secret\": \"PayloadNotShown\"}', 8, now(), "
                    "'HTTP 500 from WordPress')", (event_id,))
        conn.commit()
    admin = wordpress_site.login("admin")
    page = admin.get(wordpress_site.url + SETTINGS, timeout=60).text
    parked_table = table(page, "wecoza-sidecar-parked-events")
    assert event_id in parked_table and "wecoza_test_parked" in parked_table
    assert "HTTP 500 from WordPress" in parked_table and "PayloadNotShown" not in page

    response = post_retry(admin, wordpress_site, retry_nonce(page))
    assert response.status_code == 302
    page = admin.get(response.headers["Location"], timeout=60).text
    assert re.search(r"wecoza-sidecar-retry-result\"><p>\d+ events? queued again\.</p>", page)
    assert event_id not in section(page).split("Failing events")[0]
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT parked_at, attempts, delivered_at FROM wecoza_sidecar.outbox WHERE id = %s",
                    (event_id,))
        assert cur.fetchone() == (None, 0, None)
