"""Events the sidecar reports in its answer: verified, fired after the body, deduplicated, acknowledged;
and filters the sidecar asks the shim to apply."""
import json
import time
import uuid

import pytest
import requests

from tests.shim.fake_sidecar import JSON_TYPE

pytestmark = pytest.mark.every_wordpress


def event(name="wecoza_learner_updated", **payload):
    return {"id": str(uuid.uuid4()), "name": name, "payload": payload or {"learner_id": 7, "fields": ["surname"]}}


def post(ajax_url, action="wecoza_update_learner", **data):
    return requests.post(ajax_url, data={"action": action, **data}, timeout=30)


def test_reported_events_are_fired_and_acknowledged(sidecar, ajax_url, heard):
    first = event(learner_id=7, changed={"surname": "O'Brien \"Q\" \\"}, user_id=1)
    second = event("wecoza_class_created", class_id=12)
    sidecar.script("wecoza_update_learner", body=b'{"success":true,"data":{"id":7}}', events=[first, second])
    response = post(ajax_url)
    assert (response.status_code, response.text) == (200, '{"success":true,"data":{"id":7}}')
    assert not [h for h in response.headers if h.lower().startswith("x-wecoza")]

    ack = sidecar.wait_for_ack()
    assert ack["refused"] == ""
    assert ack["ids"] == [first["id"], second["id"]]
    assert heard() == [
        {"hook": "wecoza_learner_updated", "arg": first["payload"]},
        {"hook": "wecoza_class_created", "arg": second["payload"]},
    ]


def test_an_event_id_is_fired_once_even_when_reported_again(sidecar, ajax_url, heard):
    again = event(learner_id=8)
    sidecar.script("wecoza_update_learner", events=[again])
    post(ajax_url)
    post(ajax_url)
    assert [h["arg"]["learner_id"] for h in heard()] == [8]
    # both answers are acknowledged: the second time it is "already fired"
    deadline = time.monotonic() + 5
    while len(sidecar.acks) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [a["ids"] for a in sidecar.acks] == [[again["id"]], [again["id"]]]


def test_forged_events_fire_nothing_and_are_not_acknowledged(sidecar, shim_site, ajax_url, heard):
    sidecar.script("wecoza_update_learner", events=[event(learner_id=9)], events_secret="not-the-shared-secret")
    response = post(ajax_url)
    assert response.status_code == 200  # the page still gets its answer
    time.sleep(0.5)
    assert heard() == []
    assert sidecar.acks == []
    assert "[WeCoza Core] sidecar events rejected for wecoza_update_learner: bad_signature" in shim_site.debug_log()


def test_stale_events_fire_nothing(sidecar, shim_site, ajax_url, heard):
    sidecar.script("wecoza_update_learner", events=[event(learner_id=10)], events_timestamp=int(time.time()) - 600)
    post(ajax_url)
    assert heard() == [] and sidecar.acks == []
    assert "sidecar events rejected for wecoza_update_learner: stale_timestamp" in shim_site.debug_log()


def test_events_signed_for_another_request_fire_nothing(sidecar, ajax_url, heard):
    """Inline events are bound to the request id the shim sent: a replayed header set is refused."""
    headers = sidecar.encode_events([event(learner_id=11)], request_id="0" * 32, path="/ajax/wecoza_update_learner")
    sidecar.script("wecoza_update_learner", headers={"Content-Type": JSON_TYPE, **headers})
    post(ajax_url)
    assert heard() == [] and sidecar.acks == []


@pytest.mark.parametrize("events_path", ["/form/wecoza_update_learner", "/wecoza-sidecar/v1/events"])
def test_events_signed_for_another_path_fire_nothing(sidecar, shim_site, ajax_url, heard, events_path):
    """The right request id, but signed for another path than the forwarded action's: refused."""
    refusal = "sidecar events rejected for wecoza_update_learner: bad_signature"
    refused_before = shim_site.debug_log().count(refusal)
    sidecar.script("wecoza_update_learner", events=[event(learner_id=14)], events_path=events_path)
    assert post(ajax_url).status_code == 200
    time.sleep(0.5)
    assert heard() == [] and sidecar.acks == []
    assert shim_site.debug_log().count(refusal) == refused_before + 1


def test_only_wecoza_hooks_are_fired_and_a_failing_listener_does_not_break_the_rest(sidecar, ajax_url, heard):
    foreign = {"id": str(uuid.uuid4()), "name": "delete_user", "payload": {"id": 1}}
    fails = event("wecoza_test_listener_fails")
    fine = event("wecoza_test_event", n=1)
    sidecar.script("wecoza_update_learner", events=[foreign, fails, fine])
    assert post(ajax_url).status_code == 200
    assert heard() == [{"hook": "wecoza_test_event", "arg": {"n": 1}}]
    ack = sidecar.wait_for_ack()
    # the foreign name is acknowledged (it can never be fired), the failing listener's event counts as fired
    assert ack["ids"] == [foreign["id"], fails["id"], fine["id"]]


def test_a_filter_callback_changes_the_relayed_data(sidecar, ajax_url):
    body = {"success": True, "data": [{"id": "COMM", "name": "Communication"}]}
    sidecar.script("get_class_subjects", body=json.dumps(body, separators=(",", ":")).encode(),
                   filter=("wecoza_classes_get_subjects", "data"),
                   headers={"Content-Type": JSON_TYPE, "X-WeCoza-Filter-Args": '["AET"]'})
    response = requests.get(ajax_url, params={"action": "get_class_subjects"}, timeout=30)
    assert response.status_code == 200
    assert response.text == ('{"success":true,"data":[{"id":"COMM","name":"Communication"},'
                             '{"id":"EXTRA","name":"Added by a filter\\/callback for AET"}]}')
    assert not [h for h in response.headers if h.lower().startswith("x-wecoza")]


def test_a_filter_nothing_hooks_leaves_the_body_byte_for_byte(sidecar, ajax_url):
    """Decoding and encoding again would turn {} into [] and change escapes: not done when nobody listens."""
    body = b'{"success":true,"data":{"empty":{},"slash":"a/b","e":"\\u00e9"}}'
    sidecar.script("get_class_subjects", body=body, filter=("wecoza_nobody_listens", "data"))
    assert requests.get(ajax_url, params={"action": "get_class_subjects"}, timeout=30).content == body


def test_a_filter_on_the_whole_body(sidecar, ajax_url):
    sidecar.script("get_class_subjects", body=b'{"types":["A"]}', filter=("wecoza_classes_get_class_types", ""))
    response = requests.get(ajax_url, params={"action": "get_class_subjects"}, timeout=30)
    assert response.text == '{"types":["A"],"filtered":true}'


def test_a_filter_with_a_missing_path_or_a_foreign_name_leaves_the_body_alone(sidecar, ajax_url):
    body = b'{"success":true,"data":{"a":1}}'
    sidecar.script("get_class_subjects", body=body, filter=("wecoza_classes_get_subjects", "data.nothing.here"))
    assert requests.get(ajax_url, params={"action": "get_class_subjects"}, timeout=30).content == body
    sidecar.script("get_class_subjects", body=body, filter=("the_content", "data"))
    assert requests.get(ajax_url, params={"action": "get_class_subjects"}, timeout=30).content == body


FIRED_IDS = """
global $wpdb;
$table = WeCoza_Sidecar_Event_Store::events_table();
$ids = $args;
if ( $ids ) {
	foreach ( $ids as $i => $id ) {
		// the first is 31 days old, the second 29: the shim keeps fired ids 30 days
		$wpdb->insert( $table, array( 'event_id' => $id, 'name' => 'wecoza_test_old', 'source' => 'inline',
			'fired_at' => gmdate( 'Y-m-d H:i:s', time() - ( 0 === $i ? 31 : 29 ) * DAY_IN_SECONDS ) ) );
	}
}
echo wp_json_encode( $wpdb->get_col( "SELECT event_id FROM {$table} WHERE name = 'wecoza_test_old'" ) );
"""


def test_firing_inline_forgets_ids_past_the_retention(sidecar, shim_site, ajax_url, heard):
    """A healthy site fires every event inline and the dispatcher never calls: the retention is kept there too,
    or the table of fired ids grows for ever."""
    old, recent = str(uuid.uuid4()), str(uuid.uuid4())
    assert sorted(json.loads(shim_site.php(FIRED_IDS, old, recent))) == sorted([old, recent])
    sidecar.script("wecoza_update_learner", events=[event(learner_id=12)])
    post(ajax_url)
    sidecar.wait_for_ack()
    assert json.loads(shim_site.php(FIRED_IDS)) == [recent]
    shim_site.php("global $wpdb; $wpdb->delete( WeCoza_Sidecar_Event_Store::events_table(), "
                  "array( 'name' => 'wecoza_test_old' ) );")
