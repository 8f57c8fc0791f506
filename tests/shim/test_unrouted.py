"""Unrouting an action hands it back to whatever PHP handler is still registered (one action at a time)."""
import pytest
import requests

pytestmark = pytest.mark.every_wordpress


def test_routed_action_is_answered_by_the_sidecar_even_with_a_legacy_handler(sidecar, ajax_url):
    sidecar.script("wecoza_get_learner", body=b'{"success":true,"data":"sidecar"}')
    response = requests.post(ajax_url, data={"action": "wecoza_get_learner"}, timeout=30)
    assert response.text == '{"success":true,"data":"sidecar"}'


def test_unrouted_action_falls_through_to_the_legacy_handler_for_logged_in_callers(sidecar, shim_site, ajax_url):
    """...but not for logged-out ones: the legacy plugin registered its reads for them too (fetch_learners_data gave
    anyone every learner's personal data), and unticking an action must not bring that back."""
    shim_site.set_option("wecoza_sidecar_unrouted", ["wecoza_get_learner"])
    logged_out = requests.post(ajax_url, data={"action": "wecoza_get_learner"}, timeout=30)
    assert (logged_out.status_code, logged_out.text) == (400, "0")
    admin = shim_site.login("admin")
    logged_in = admin.post(ajax_url, data={"action": "wecoza_get_learner"}, timeout=30)
    assert logged_in.status_code == 200
    assert logged_in.json() == {"success": True, "data": {"answered_by": "legacy php"}}
    assert sidecar.received == []
    # the other actions are still routed
    sidecar.script("fetch_learners_dropdown_data", body=b'{"success":true,"data":"sidecar"}')
    other = requests.post(ajax_url, data={"action": "fetch_learners_dropdown_data"}, timeout=30)
    assert other.text == '{"success":true,"data":"sidecar"}'


def test_unrouted_action_without_another_handler_is_unknown_to_wordpress(sidecar, shim_site, ajax_url):
    shim_site.set_option("wecoza_sidecar_unrouted", ["wecoza_update_learner"])
    response = requests.post(ajax_url, data={"action": "wecoza_update_learner"}, timeout=30)
    assert (response.status_code, response.text) == (400, "0")
    assert sidecar.received == []


def test_routes_file_missing_routes_nothing(sidecar, shim_site, ajax_url):
    shim_site.set_option("wecoza_test_routes_file", str(shim_site.path / "no-such-routes.json"))
    response = requests.post(ajax_url, data={"action": "wecoza_get_learner"}, timeout=30)
    assert response.json()["data"] == {"answered_by": "legacy php"}
    assert sidecar.received == []
