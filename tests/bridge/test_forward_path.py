"""wecoza_get_learner through the whole path: browser -> admin-ajax.php -> shim -> sidecar -> back."""
import json
import secrets
import time

import pytest
import requests

from devstack.ajax import call, create_nonce
from devstack.signed import forward, wire_cookie

pytestmark = pytest.mark.every_wordpress

ACTION = "wecoza_get_learner"


def expected_learner_json(pg_database, learner_id):
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT l.city_town_id, loc.suburb, loc.town, loc.province, loc.postal_code, q.qualification "
                    "FROM learners l JOIN locations loc ON loc.location_id = l.city_town_id "
                    "JOIN learner_qualifications q ON q.id = l.highest_qualification WHERE l.id = %s", (learner_id,))
        city_id, suburb, town, province, postal, qualification = cur.fetchone()
    def s(v):
        return json.dumps(v).replace("/", "\\/") if v is not None else "null"
    return (
        '{"success":true,"data":{"id":%d,"title":"Ms","firstName":"Thandi","secondName":"Nomsa","initials":"T",'
        '"surname":"Mokoena\\/Ndlovu","fullName":"Thandi Mokoena\\/Ndlovu","gender":"Female","race":"Black",'
        '"saIdNo":"9001015009087","passportNumber":null,"telNumber":"0821234567","alternativeTelNumber":null,'
        '"emailAddress":"thandi@example.test","addressLine1":"12 Example Street","addressLine2":null,'
        '"suburb":%s,"cityTownId":%d,"cityTownName":%s,"provinceRegionId":%d,"provinceRegionName":%s,'
        '"postalCode":%s,"highestQualification":%s,"highestQualificationName":null,"assessmentStatus":"Assessed",'
        '"placementAssessmentDate":null,"numeracyLevel":null,"numeracyLevelName":null,"communicationLevel":null,'
        '"communicationLevelName":null,"employmentStatus":"Employed","employerId":null,"employerName":null,'
        '"disabilityStatus":"No","scannedPortfolio":null,"createdAt":"2026-01-05 10:00:00",'
        '"updatedAt":"2026-01-06 11:30:00"}}'
    ) % (learner_id, s(suburb), city_id, s(town), city_id, s(province), s(postal), s(qualification))


def test_administrator_gets_the_learner_byte_for_byte(sidecar_server, wordpress_site, login, known_learner,
                                                      pg_database):
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    response = call(wordpress_site, admin, ACTION, {"id": str(known_learner), "nonce": nonce})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert response.text == expected_learner_json(pg_database, known_learner)


def test_id_from_the_query_string_and_missing_learner(sidecar_server, wordpress_site, login, known_learner):
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    by_get = call(wordpress_site, admin, ACTION, method="GET", params={"id": str(known_learner), "nonce": nonce})
    assert by_get.status_code == 200 and by_get.json()["data"]["id"] == known_learner
    missing = call(wordpress_site, admin, ACTION, {"id": "999999", "nonce": nonce})
    assert (missing.status_code, missing.text) == (400, '{"success":false,"data":{"message":"Learner not found"}}')
    bad = call(wordpress_site, admin, ACTION, {"id": "1 OR 1=1", "nonce": nonce})
    assert (bad.status_code, bad.text) == (400, '{"success":false,"data":{"message":"Invalid learner ID"}}')


def test_editor_and_subscriber_get_the_capability_error(sidecar_server, wordpress_site, login, known_learner):
    for user in ("editor1", "subscriber1"):
        session = login(user)
        nonce = create_nonce(wordpress_site, session, "learners_nonce_action")
        response = call(wordpress_site, session, ACTION, {"id": str(known_learner), "nonce": nonce})
        assert response.status_code == 403, user
        assert response.text == '{"success":false,"data":{"message":"Insufficient permissions."}}'


def test_logged_out_gets_zero_400(sidecar_server, wordpress_site, known_learner):
    nonce = create_nonce(wordpress_site, None, "learners_nonce_action")
    response = call(wordpress_site, None, ACTION, {"id": str(known_learner), "nonce": nonce})
    assert (response.status_code, response.text) == (400, "0")


def test_foreign_stale_and_missing_nonces_get_the_nonce_error(sidecar_server, wordpress_site, login, known_learner):
    admin = login("admin")
    other_session = login("admin")
    foreign = create_nonce(wordpress_site, other_session, "learners_nonce_action")
    wrong_action = create_nonce(wordpress_site, admin, "learners_nonce")
    stale = wordpress_site.php(
        "add_filter('nonce_life', function () { return 2; }); wp_set_current_user(0);"
        "echo wp_create_nonce('learners_nonce_action');").strip()
    for nonce in (foreign, wrong_action, stale, "", "0123456789"):
        response = call(wordpress_site, admin, ACTION, {"id": str(known_learner), "nonce": nonce})
        assert response.status_code == 403, nonce
        assert response.text == '{"success":false,"data":{"message":"Invalid security token."}}'


def test_old_cookie_is_refused_after_logout(sidecar_server, wordpress_site, login, logout, known_learner):
    admin = login("admin")
    nonce = create_nonce(wordpress_site, admin, "learners_nonce_action")
    assert call(wordpress_site, admin, ACTION, {"id": str(known_learner), "nonce": nonce}).status_code == 200
    old_cookies = logout(admin)
    replay = requests.Session()
    replay.cookies.update(old_cookies)
    response = call(wordpress_site, replay, ACTION, {"id": str(known_learner), "nonce": nonce})
    assert (response.status_code, response.text) == (400, "0")


def signed_post(server, body=b"id=1", **kwargs):
    fields = dict(pair.split("=") for pair in body.decode().split("&"))
    return forward(server, "wecoza_get_learner", fields, **kwargs)


def test_sidecar_refuses_unsigned_forged_replayed_and_stale_requests(sidecar_process):
    first, headers = signed_post(sidecar_process)
    assert first.status_code == 400 and first.text == "0"  # a valid signature; logged out -> WordPress's answer
    replay = requests.post(f"{sidecar_process.url}/ajax/wecoza_get_learner", data=b"id=1", headers=headers,
                           timeout=10)
    assert replay.status_code == 401 and replay.json()["error"] == "replayed_request_id"
    stale, _ = signed_post(sidecar_process, timestamp=int(time.time()) - 600)
    assert stale.status_code == 401 and stale.json()["error"] == "stale_timestamp"
    forged, _ = signed_post(sidecar_process, secret="not-the-secret")
    assert forged.status_code == 401 and forged.json()["error"] == "bad_signature"
    tampered_headers = dict(headers, **{"X-WeCoza-Request-Id": secrets.token_hex(16)})
    tampered = requests.post(f"{sidecar_process.url}/ajax/wecoza_get_learner", data=b"action=wecoza_get_learner",
                             headers=tampered_headers, timeout=10)
    assert tampered.status_code == 401 and tampered.json()["error"] == "bad_signature"
    unsigned = requests.post(f"{sidecar_process.url}/ajax/wecoza_get_learner", data=b"id=1", timeout=10)
    assert unsigned.status_code == 401 and unsigned.json()["error"] == "missing_signature"


@pytest.mark.parametrize("sent_to, signed_for", [
    ("form", "/ajax/learners_create"),        # an action's signature sent to the form of the same name
    ("ajax", "/form/learners_create"),        # and the other way round
    ("ajax", "/ajax/wecoza_get_learners"),    # another action's
])
def test_a_forward_signed_for_another_path_is_refused(sidecar_process, sent_to, signed_for):
    name = "learners_create"
    refused, headers = forward(sidecar_process, name, {"id": "1"}, path=sent_to, signed_for=signed_for)
    assert refused.status_code == 401 and refused.json()["error"] == "bad_signature"
    assert refused.headers["X-WeCoza-Channel-Error"] == "bad_signature"
    # the same headers on the path they were signed for pass the channel (logged out: not a channel refusal)
    rightful = requests.post(f"{sidecar_process.url}{signed_for}", data=b"id=1", headers=headers, timeout=10)
    assert rightful.status_code != 401 and "X-WeCoza-Channel-Error" not in rightful.headers


def test_health_and_readiness(sidecar_process):
    health = requests.get(f"{sidecar_process.url}/healthz", timeout=10).json()
    assert health["status"] == "ok" and health["version"]
    ready = requests.get(f"{sidecar_process.url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"mysql": {"ok": True}, "postgres": {"ok": True}}


@pytest.mark.parametrize("caller, nonce_ok", [("admin", False), ("subscriber1", True)],
                         ids=["wrong nonce", "no capability"])
def test_a_read_refused_after_running_beside_the_authentication_leaks_nothing_and_keeps_its_id(
        sidecar_server, wordpress_site, login, known_learner, caller, nonce_ok):
    """A real login makes the sidecar read ahead (wp_bridge asks_the_database); the refusal is what is answered,
    with nothing of the learner, and the request id the read claimed refuses a resend."""
    session = login(caller)
    nonce = create_nonce(wordpress_site, session, "learners_nonce_action") if nonce_ok else "0123456789"
    cookie = wire_cookie(session)
    refused, headers = forward(sidecar_server, ACTION, {"id": str(known_learner), "nonce": nonce}, cookie=cookie)
    assert refused.status_code == 403
    assert refused.json() == {"success": False, "data": {"message": (
        "Invalid security token." if not nonce_ok else "Insufficient permissions.")}}
    assert "Thandi" not in refused.text
    resent = requests.post(f"{sidecar_server.url}/ajax/{ACTION}", data=refused.request.body, headers=headers,
                           timeout=10)
    assert resent.status_code == 401 and resent.json()["error"] == "replayed_request_id"
