"""POST /wp-json/wecoza-sidecar/v1/events: the dispatcher's signed deliveries."""
import json
import secrets
import time
import uuid

import pytest
import requests

from wp_bridge.channel import ChannelSigner

pytestmark = pytest.mark.every_wordpress

REST_ROUTE = "/wecoza-sidecar/v1/events"

def events_url(site, pretty=True):
    if pretty:
        return f"{site.url}/wp-json/wecoza-sidecar/v1/events"
    return f"{site.url}/?rest_route=/wecoza-sidecar/v1/events"


def deliver(site, fake, events, secret=None, timestamp=None, request_id=None, body=None, signature=None,
            pretty=True, signed_for=("POST", REST_ROUTE)):
    raw = body if body is not None else json.dumps({"events": events}, separators=(",", ":")).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    request_id = request_id or secrets.token_hex(16)
    signer = ChannelSigner(secret or fake.secret)
    headers = {
        "Content-Type": "application/json",
        "X-WeCoza-Timestamp": stamp,
        "X-WeCoza-Request-Id": request_id,
        "X-WeCoza-Signature": signature if signature is not None else signer.sign_events(*signed_for, stamp, request_id,
                                                                                         raw),
    }
    response = requests.post(events_url(site, pretty), data=raw, headers=headers, timeout=30)
    return response, headers, raw


def event(name="wecoza_learner_deleted", **payload):
    return {"id": str(uuid.uuid4()), "name": name, "payload": payload or {"learner_id": 3}}


def test_a_signed_delivery_fires_each_event_once(sidecar, shim_site, heard):
    one, two = event(learner_id=1), event("wecoza_learner_updated", learner_id=2)
    response, _, _ = deliver(shim_site, sidecar, [one, two])
    assert response.status_code == 200
    assert response.json() == {"acknowledged": [one["id"], two["id"]]}
    assert heard() == [{"hook": "wecoza_learner_deleted", "arg": one["payload"]},
                       {"hook": "wecoza_learner_updated", "arg": two["payload"]}]
    # redelivered in a new, correctly signed message: acknowledged, not fired again
    response, _, _ = deliver(shim_site, sidecar, [two, event(learner_id=4)])
    assert response.status_code == 200
    assert len(response.json()["acknowledged"]) == 2
    assert [h["arg"]["learner_id"] for h in heard()] == [1, 2, 4]


def test_an_event_fired_inline_is_not_fired_again_by_the_dispatcher(sidecar, shim_site, ajax_url, heard):
    inline = event("wecoza_learner_updated", learner_id=5)
    sidecar.script("wecoza_update_learner", events=[inline])
    requests.post(ajax_url, data={"action": "wecoza_update_learner"}, timeout=30)
    response, _, _ = deliver(shim_site, sidecar, [inline])
    assert response.json() == {"acknowledged": [inline["id"]]}
    assert len(heard()) == 1
    rows = json.loads(shim_site.php(
        "global $wpdb; echo json_encode($wpdb->get_results($wpdb->prepare("
        "\"SELECT event_id, name, source FROM {$wpdb->prefix}wecoza_sidecar_events WHERE event_id = %s\", $args[0]),"
        " ARRAY_A));", inline["id"]))
    assert rows == [{"event_id": inline["id"], "name": "wecoza_learner_updated", "source": "inline"}]


@pytest.mark.parametrize("kind, status, code", [
    ("forged", 401, "wecoza_sidecar_bad_signature"),
    ("unsigned", 401, "wecoza_sidecar_missing_signature"),
    ("stale", 403, "wecoza_sidecar_stale_timestamp"),
    ("future", 403, "wecoza_sidecar_stale_timestamp"),
    ("tampered", 401, "wecoza_sidecar_bad_signature"),
])
def test_forged_unsigned_stale_and_tampered_deliveries_are_refused(sidecar, shim_site, heard, kind, status, code):
    events = [event(learner_id=6)]
    if kind == "forged":
        response, _, _ = deliver(shim_site, sidecar, events, secret="not-the-secret")
    elif kind == "unsigned":
        response, _, _ = deliver(shim_site, sidecar, events, signature="")
    elif kind == "stale":
        response, _, _ = deliver(shim_site, sidecar, events, timestamp=int(time.time()) - 120)
    elif kind == "future":
        response, _, _ = deliver(shim_site, sidecar, events, timestamp=int(time.time()) + 120)
    else:
        _, headers, raw = deliver(shim_site, sidecar, [event(learner_id=7)])
        other = json.dumps({"events": events}, separators=(",", ":")).encode()
        headers = dict(headers, **{"X-WeCoza-Request-Id": secrets.token_hex(16)})
        response = requests.post(events_url(shim_site), data=other,
                                 headers=headers, timeout=30)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert all(h["arg"]["learner_id"] != 6 for h in heard())


@pytest.mark.parametrize("signed_for", [
    ("POST", "/ajax/wecoza_update_learner"),   # the inline events of an answer, re-posted to the REST route
    ("POST", "/wecoza-sidecar/v1/other"),
    ("GET", REST_ROUTE),
], ids=["inline-answer-path", "other-route", "other-method"])
def test_a_signature_for_another_method_or_path_is_refused(sidecar, shim_site, heard, signed_for):
    response, _, _ = deliver(shim_site, sidecar, [event(learner_id=13)], signed_for=signed_for)
    assert response.status_code == 401
    assert response.json()["code"] == "wecoza_sidecar_bad_signature"
    assert heard() == []


def test_a_replayed_delivery_is_refused(sidecar, shim_site, heard):
    events = [event(learner_id=8)]
    first, headers, raw = deliver(shim_site, sidecar, events)
    assert first.status_code == 200
    replay = requests.post(events_url(shim_site), data=raw, headers=headers, timeout=30)
    assert replay.status_code == 403
    assert replay.json()["code"] == "wecoza_sidecar_replayed_request_id"
    assert len(heard()) == 1


def test_the_rest_route_without_pretty_permalinks(sidecar, shim_site, heard):
    """The dispatcher posts to ?rest_route=, which works whatever the permalink setting."""
    one = event(learner_id=12)
    response, _, _ = deliver(shim_site, sidecar, [one], pretty=False)
    assert response.json() == {"acknowledged": [one["id"]]}
    assert heard()[-1]["arg"] == {"learner_id": 12}


def test_a_malformed_body_is_refused_after_the_signature_holds(sidecar, shim_site):
    response, _, _ = deliver(shim_site, sidecar, None, body=b'{"not_events":1}')
    assert response.status_code == 400


def test_no_secret_configured_refuses_everything(sidecar, shim_site, heard):
    shim_site.set_option("wecoza_sidecar_secret", "")
    response, _, _ = deliver(shim_site, sidecar, [event(learner_id=9)])
    assert response.status_code == 503
    assert heard() == []
