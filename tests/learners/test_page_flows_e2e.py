"""The learner pages' flows as the unchanged pages really post them: the capture form's fields in the recorded
order (recordings/page-requests.json) with what an admin chooses filled in, through WordPress, the shim and
the sidecar; the list page's Delete button."""
from __future__ import annotations

import secrets
from urllib.parse import urljoin

import pytest

from devstack import recording

from . import samples
from .conftest import learner_row

pytestmark = pytest.mark.every_wordpress

CAPTURED = "Learner Added successfully!"


@pytest.fixture(scope="module")
def capture_page(wordpress_site, routed):
    return wordpress_site.publish_page("new-learner", "<p>New learner</p>")


def recorded_capture():
    [request] = [r for r in recording.load() if r["flow"] == "learner-capture" and r["action"] is None]
    return request


def page_post(ajax, url, changes, portfolio=None, sponsors=()):
    """The capture form as recorded, with ``changes`` (name -> value, or a list for a repeated name, in order),
    the chosen ``sponsors`` before the hidden template's empty one, and a PDF in the file input."""
    request = recorded_capture()
    fields = recording.fields_to_send(request, ajax.nonce("admin", recording.nonce_action(request)))
    repeated = {name: list(value) for name, value in changes.items() if isinstance(value, list)}
    out = []
    for name, value in fields:
        if name in repeated:
            value = repeated[name].pop(0)
        elif name in changes:
            value = changes[name]
        if name == "scanned_portfolio[]" and portfolio is not None:
            value = recording.RebuiltFile(portfolio[0], portfolio[1], "application/pdf")
        if name == "sponsors[]":
            out += [(name, sponsor) for sponsor in sponsors]
        out.append((name, value))
    body, content_type = recording.encode(request["content_type"], out)
    admin = ajax.sessions["admin"]
    response = admin.post(url, data=body, headers={"Content-Type": content_type}, timeout=60, allow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return admin.get(urljoin(ajax.site.url, response.headers["Location"]), timeout=30).text


def assessed(email, dates):
    return {"email_address": email, "city_town_id": "2", "province_region_id": "2", "highest_qualification": "2",
            "employer_id": "2", "assessment_status": "Assessed", "communication_level": "4", "numeracy_level": "2",
            "placement_assessment_date": dates}


def captured(db, learners, email):
    row = db.one("SELECT * FROM learners WHERE email_address = %s", (email,))
    assert row is not None
    learners.ids.append(row["id"])
    return row


def test_capture_with_a_portfolio_as_the_page_posts_it(ajax, db, capture_page, uploads_root, learners):
    email = f"{secrets.token_hex(4)}@learner-tests.example"
    pdf = samples.pdf("captured portfolio")
    # The form has two placement_assessment_date inputs; PHP (and the sidecar) keep the last one.
    landing = page_post(ajax, capture_page, assessed(email, ["", "2026-11-20"]), portfolio=("cv scan.pdf", pdf),
                        sponsors=("1",))
    assert CAPTURED in landing
    row = captured(db, learners, email)
    assert (row["first_name"], row["surname"], row["sa_id_no"], row["tel_number"], row["postal_code"]) == \
        ("Accpage", "Capture (FAKE)", "9001015800088", "0710000123", "0007")
    assert (row["city_town_id"], row["province_region_id"], row["highest_qualification"], row["employer_id"]) == \
        (2, 2, 2, 2)
    assert (row["assessment_status"], row["communication_level"], row["numeracy_level"]) == ("Assessed", 4, 2)
    assert row["placement_assessment_date"].isoformat() == "2026-11-20"
    [portfolio] = db.all("SELECT * FROM learner_portfolios WHERE learner_id = %s", (row["id"],))
    assert (uploads_root / portfolio["file_path"]).read_bytes() == pdf
    assert row["scanned_portfolio"] == portfolio["file_path"]


def test_delete_from_the_list_view(ajax, db, learners):
    learner = learners.make(first_name="Listed", surname="For Delete")
    rows = ajax.post("fetch_learners_data", nonce_action="learners_nonce").json()["data"]
    button = f'<button class="btn btn-sm bg-danger-subtle delete-learner-btn" data-id="{learner}">Delete</button>'
    assert button in rows
    # learners-app.js: the button's data-id and WeCozaLearners.nonce (learners_nonce_action)
    response = ajax.post("delete_learner", data={"id": str(learner)}, nonce_action="learners_nonce_action")
    assert (response.status_code, response.text) == (
        200, '{"success":true,"data":{"message":"Learner deleted successfully"}}')
    assert learner_row(db, learner) is None
    assert button not in ajax.post("fetch_learners_data", nonce_action="learners_nonce").json()["data"]
