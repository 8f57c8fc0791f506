"""A refused save leaves its reason in the sidecar's request line (action, refusal kind, field names, a message)
and none of the values the admin submitted: the recorded pages' posts, with a real mistake in them, sent
through WordPress and the shim."""
import secrets

import pytest

from devstack import recording
from devstack.ajax import ajax_url, create_nonce

RECORDED = {(r["flow"], r["action"]): r for r in recording.load()}


def recorded_fields(flow, action, nonce):
    key = (flow, action)
    assert key in RECORDED, f"{key} is not in ../shared/recordings/page-requests.json"
    return recording.fields_to_send(RECORDED[key], nonce=nonce)


def before_last(fields, name, pairs):
    """``pairs`` inserted before the last ``name`` field (the group's hidden template row)."""
    at = max(i for i, (n, _) in enumerate(fields) if n == name)
    return fields[:at] + pairs + fields[at:]


def with_values(fields, values):
    return [(name, values.get(name, value)) for name, value in fields]


def post_multipart(session, url, fields):
    body, content_type = recording.encode("multipart/form-data", fields)
    return session.post(url, data=body, headers={"Content-Type": content_type}, timeout=60, allow_redirects=False)


@pytest.fixture(scope="module")
def form_page(wordpress_site, routed):
    return wordpress_site.publish_page("refusal-log", "<p>Learner form page</p>")


def test_refusals_are_logged_with_their_reason_and_without_values(sidecar_server, wordpress_site, routed, login,
                                                                  form_page):
    admin = login("admin")
    subscriber = login("subscriber1")
    mark = secrets.token_hex(4)
    submitted = {
        "site_address": f"{mark} Quokka Lane", "class_code": f"QK{mark}", "event type": f"Zebra event {mark}",
        "event description": f"Wombat packs {mark}", "learner surname": f"Pangolin{mark}",
        "learner email": f"pangolin.{mark}@@example.invalid", "learner first name": f"Okapi{mark}",
    }
    since = len(sidecar_server.log())

    # save_class: a real event row (a type, no date) before the page's template row
    class_nonce = create_nonce(wordpress_site, admin, "wecoza_class_nonce")
    fields = with_values(recorded_fields("class-capture", "save_class", class_nonce),
                         {"site_address": submitted["site_address"], "class_code": submitted["class_code"]})
    fields = before_last(fields, "event_types[]", [
        ("event_types[]", submitted["event type"]), ("event_descriptions[]", submitted["event description"]),
        ("event_dates_input[]", ""), ("event_statuses[]", "Pending"), ("event_notes[]", "")])
    reply = post_multipart(admin, ajax_url(wordpress_site), fields)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"success": False, "data": f"The event '{submitted['event type']}' needs a date."}

    # save_class: a backup agent row with a date and no agent, not the last one
    fields = before_last(recorded_fields("class-capture", "save_class", class_nonce), "backup_agent_ids[]",
                         [("backup_agent_ids[]", ""), ("backup_agent_dates[]", "2027-02-17")])
    reply = post_multipart(admin, ajax_url(wordpress_site), fields)
    assert reply.json() == {"success": False,
                            "data": "Backup agent 1: a date was given without choosing the agent."}

    # save_class by a subscriber: the guard's own refusal
    fields = recorded_fields("class-capture", "save_class", create_nonce(wordpress_site, subscriber,
                                                                         "wecoza_class_nonce"))
    reply = post_multipart(subscriber, ajax_url(wordpress_site), fields)
    assert reply.json()["success"] is False

    # the learner capture form with an invalid email address
    form_nonce = create_nonce(wordpress_site, admin, "submit_learners_form")
    fields = with_values(recorded_fields("learner-capture", None, form_nonce), {
        "email_address": submitted["learner email"], "surname": submitted["learner surname"],
        "first_name": submitted["learner first name"]})
    reply = post_multipart(admin, form_page, fields)
    assert reply.status_code == 303, reply.text

    saves = sidecar_server.request_lines(since, count=3, action="save_class")
    assert [(line["status"], line["auth"]) for line in saves] == [(200, "ok"), (200, "ok"), (200, "capability")]
    assert [line["refusal"] for line in saves] == [
        {"kind": "validation", "fields": ["event_dates_input"], "message": "Event 2: the date is missing."},
        {"kind": "validation", "fields": ["backup_agent_ids"],
         "message": "Backup agent 1: a date was given without choosing the agent."},
        {"kind": "auth", "fields": [], "message": "capability"},
    ]
    [learner_form] = sidecar_server.request_lines(since, action="form:learners_create")
    assert learner_form["refusal"] == {"kind": "validation", "fields": ["email_address"],
                                       "message": "Please correct the following: Email address is not valid"}

    sidecar_log = sidecar_server.log()[since:]
    for what, value in submitted.items():
        assert value not in sidecar_log, f"the submitted {what} is in the sidecar's log"
    assert mark not in sidecar_log


def test_fixed_text_refusals_name_their_field(sidecar_server, wordpress_site, routed, login):
    admin = login("admin")
    since = len(sidecar_server.log())
    nonce = create_nonce(wordpress_site, admin, "wecoza_class_nonce")
    for class_id in ("not-a-number", "2147000000"):
        reply = admin.post(ajax_url(wordpress_site), data={"action": "get_class_notes", "nonce": nonce,
                                                            "class_id": class_id}, timeout=30)
        assert reply.json()["success"] is False
    assert [line["refusal"] for line in sidecar_server.request_lines(since, count=2, action="get_class_notes")] == [
        {"kind": "validation", "fields": ["class_id"], "message": "Invalid class ID"},
        {"kind": "not_found", "fields": ["class_id"], "message": "Class not found"},
    ]
