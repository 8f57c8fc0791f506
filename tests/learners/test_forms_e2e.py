"""The capture and update form posts as a browser sends them: multipart POST to the page itself, forwarded by the
shim to the sidecar, 303 back with the legacy alert. One transaction plus files: a failure leaves neither."""
from __future__ import annotations

import secrets
from urllib.parse import urljoin

import pytest
import requests

from . import samples
from .conftest import files_under, learner_row

pytestmark = pytest.mark.every_wordpress

VALID_SA_ID = "9001015009086"
CREATE_SUCCESS = ('<div class="alert alert-sublte-success alert-dismissible fade show ydcoza-notification '
                  'ydcoza-auto-close" role="alert"><div class="d-flex gap-4"><span><i class="fa-solid fa-circle-check '
                  'icon-success"></i></span><div>Learner Added successfully!</div></div>')


@pytest.fixture(scope="module")
def page(wordpress_site, routed):
    return wordpress_site.publish_page("learner-form", "<p>Learner form page</p>")


def capture_fields(nonce, email, **overrides):
    fields = {
        "wecoza_learners_form_nonce": nonce, "_wp_http_referer": "/app/capture-learner/",
        "title": "Mr", "first_name": "Kagiso", "second_name": "Tumelo", "surname": "Molefe", "initials": "KT",
        "tel_number": "072 555 0199", "alternative_tel_number": "", "email_address": email, "id_type": "sa_id",
        "sa_id_no": VALID_SA_ID, "passport_number": "", "race": "Black", "gender": "Male",
        "address_line_1": "4 Long Street", "address_line_2": "", "city_town_id": "2", "province_region_id": "2",
        "postal_code": "8001", "highest_qualification": "2", "disability_status": "0",
        "assessment_status": "Assessed", "communication_level": "4", "numeracy_level": "2",
        "placement_assessment_date": "2026-02-10", "employment_status": "1", "employer_id": "2",
        "sponsors[]": "1",
    }
    fields.update(overrides)
    return fields


def for_learner(page, learner_id):
    """The update page's URL with ?learner_id= (as the learner list links to it)."""
    return f"{page}{'&' if '?' in page else '?'}learner_id={learner_id}"


def post_form(session, url, fields, files=None):
    http = session or requests
    return http.post(url, data=fields, files=files, timeout=60, allow_redirects=False)


def portfolio_files(uploads_root):
    return {f for f in files_under(uploads_root) if f.startswith("portfolios/")}


def by_email(db, email):
    return db.one("SELECT * FROM learners WHERE email_address = %s", (email,))


def email():
    return f"{secrets.token_hex(4)}@learner-tests.example"


def test_create_with_portfolios(ajax, db, wordpress_site, page, uploads_root, learners):
    admin = ajax.sessions["admin"]
    address = email()
    fields = capture_fields(ajax.nonce("admin", "submit_learners_form"), address, first_name="Kagiso  O'Neil")
    files = [("scanned_portfolio[]", ("scan one.pdf", samples.pdf("one"), "application/pdf")),
             ("scanned_portfolio[]", ("scan two.PDF", samples.pdf("two"), "application/pdf"))]
    before_files = portfolio_files(uploads_root)
    response = post_form(admin, page, fields, files)
    assert response.status_code == 303
    landing = admin.get(urljoin(wordpress_site.url, response.headers["Location"]), timeout=30).text
    assert CREATE_SUCCESS in landing

    row = by_email(db, address)
    assert row is not None
    learners.ids.append(row["id"])
    assert (row["first_name"], row["surname"], row["sa_id_no"], row["city_town_id"], row["numeracy_level"],
            row["communication_level"], row["employment_status"], row["disability_status"], row["employer_id"],
            row["highest_qualification"], str(row["placement_assessment_date"])) == \
        ("Kagiso O'Neil", "Molefe", VALID_SA_ID, 2, 2, 4, True, False, 2, 2, "2026-02-10")
    assert row["alternative_tel_number"] is None and row["passport_number"] is None
    portfolios = db.all("SELECT * FROM learner_portfolios WHERE learner_id = %s ORDER BY portfolio_id", (row["id"],))
    assert len(portfolios) == 2
    new_files = portfolio_files(uploads_root) - before_files
    assert {p["file_path"] for p in portfolios} == {f for f in new_files if f.endswith(".pdf")}
    stored = {(uploads_root / p["file_path"]).read_bytes() for p in portfolios}
    assert stored == {samples.pdf("one"), samples.pdf("two")}
    assert set(row["scanned_portfolio"].split(", ")) == {p["file_path"] for p in portfolios}
    assert not any(".part" in f for f in files_under(uploads_root))
    created = db.one("SELECT payload FROM wecoza_sidecar.outbox WHERE name = 'wecoza_learner_created' "
                     "AND payload->>'learner_id' = %s", (str(row["id"]),))["payload"]
    assert sorted(created["portfolio_ids"]) == [p["portfolio_id"] for p in portfolios]
    assert address not in str(created) and "Kagiso" not in str(created)


@pytest.mark.parametrize("bad_file", [
    ("cv.pdf", b"<?php system($_GET['c']); ?>"),             # disguised script
    ("cv.exe", samples.pdf()),                                # wrong extension
    ("cv.pdf", samples.pdf() + b"0" * (10 * 1024 * 1024)),   # too large
])
def test_create_with_one_bad_file_stores_nothing(ajax, db, wordpress_site, page, uploads_root, bad_file):
    admin = ajax.sessions["admin"]
    address = email()
    before_files = files_under(uploads_root)
    before_count = db.scalar("SELECT count(*) FROM learners")
    files = [("scanned_portfolio[]", ("good.pdf", samples.pdf(), "application/pdf")),
             ("scanned_portfolio[]", (bad_file[0], bad_file[1], "application/pdf"))]
    response = post_form(admin, page, capture_fields(ajax.nonce("admin", "submit_learners_form"), address), files)
    assert response.status_code == 303
    landing = admin.get(urljoin(wordpress_site.url, response.headers["Location"]), timeout=30).text
    assert "Some files could not be uploaded: Portfolio file 2:" in landing and "Nothing was saved." in landing
    assert by_email(db, address) is None
    assert db.scalar("SELECT count(*) FROM learners") == before_count
    assert files_under(uploads_root) == before_files


def test_create_validation_and_the_legacy_id_message(ajax, db, wordpress_site, page):
    admin = ajax.sessions["admin"]
    address = email()
    nonce = ajax.nonce("admin", "submit_learners_form")
    response = post_form(admin, page, capture_fields(nonce, address, sa_id_no="", passport_number=""))
    landing = admin.get(urljoin(wordpress_site.url, response.headers["Location"]), timeout=30).text
    assert "You must provide either SA ID Number or Passport Number." in landing
    response = post_form(admin, page, capture_fields(nonce, address, email_address="nope", sa_id_no="9001015009087"))
    landing = admin.get(urljoin(wordpress_site.url, response.headers["Location"]), timeout=30).text
    assert ("Please correct the following: Invalid ID number checksum; Email address is not valid" in landing)
    response = post_form(admin, page, capture_fields(nonce, address, city_town_id="999999", employer_id="999999",
                                                     highest_qualification="1"))
    landing = admin.get(urljoin(wordpress_site.url, response.headers["Location"]), timeout=30).text
    assert "Please correct the following: Please choose a valid city/town; Please choose a valid employer" in landing
    assert by_email(db, address) is None


@pytest.mark.parametrize("who,message", [
    ("editor", "You do not have permission to do this."),
    ("subscriber", "You do not have permission to do this."),
])
def test_create_refused_for_callers_without_the_capability(ajax, db, wordpress_site, page, who, message):
    session = ajax.session(who)
    address = email()
    response = post_form(session, page, capture_fields(ajax.nonce(who, "submit_learners_form"), address))
    assert response.status_code == 303
    landing = (session or requests).get(urljoin(wordpress_site.url, response.headers["Location"]), timeout=30).text
    assert message in landing
    assert by_email(db, address) is None


def test_create_by_a_visitor_goes_to_the_login_page_and_saves_nothing(ajax, db, page):
    address = email()
    response = post_form(None, page, capture_fields(ajax.nonce(None, "submit_learners_form"), address))
    assert response.status_code == 303 and "/wp-login.php?redirect_to=" in response.headers["Location"]
    assert by_email(db, address) is None


def test_create_with_a_bad_nonce(ajax, db, wordpress_site, page):
    admin = ajax.sessions["admin"]
    address = email()
    wrong_nonces = ("0123456789", ajax.nonce("admin", "submit_learners_update_form"),
                    ajax.nonce("editor", "submit_learners_form"))
    for nonce in wrong_nonces:
        post_form(admin, page, capture_fields(nonce, address))
    assert by_email(db, address) is None


# --- update form ---------------------------------------------------------------------------------

def update_fields(nonce, learner_id, **overrides):
    fields = {"wecoza_learners_update_form_nonce": nonce, "learner_id": str(learner_id),
              "first_name": "Updated", "surname": "Person", "email_address": "updated@example.test",
              "employment_status": "0", "disability_status": "1", "numeracy_level": "", "communication_level": "3"}
    fields.update(overrides)
    return fields


def test_update_form_with_a_new_portfolio_and_redirect(ajax, db, wordpress_site, page, uploads_root, learners):
    learner = learners.make(first_name="Before", surname="Update")
    wordpress_site.set_option("wecoza_learners_update_form_url", wordpress_site.url + "/app/all-learners")
    admin = ajax.sessions["admin"]
    try:
        response = post_form(admin, for_learner(page, learner),
                             update_fields(ajax.nonce("admin", "submit_learners_update_form"), learner),
                             [("scanned_portfolio[]", ("new.pdf", samples.pdf("new"), "application/pdf"))])
    finally:
        wordpress_site.set_option("wecoza_learners_update_form_url", "")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(wordpress_site.url + "/app/all-learners/?updated=true&wecoza_flash=")
    row = learner_row(db, learner)
    assert (row["first_name"], row["employment_status"], row["disability_status"], row["numeracy_level"],
            row["communication_level"]) == ("Updated", False, True, None, 3)
    [portfolio] = db.all("SELECT * FROM learner_portfolios WHERE learner_id = %s", (learner,))
    assert (uploads_root / portfolio["file_path"]).read_bytes() == samples.pdf("new")
    assert row["scanned_portfolio"] == portfolio["file_path"]
    payload = db.one("SELECT payload FROM wecoza_sidecar.outbox WHERE name = 'wecoza_learner_updated' "
                     "AND payload->>'learner_id' = %s", (str(learner),))["payload"]
    assert payload["portfolio_ids"] == [portfolio["portfolio_id"]]


def test_update_form_refuses_a_mismatched_learner_and_bad_files(ajax, db, wordpress_site, page, uploads_root,
                                                               learners):
    learner = learners.make(first_name="Stay", surname="Same")
    other = learners.make(first_name="Other", surname="Learner")
    admin = ajax.sessions["admin"]
    nonce = ajax.nonce("admin", "submit_learners_update_form")
    before, before_files = learner_row(db, learner), files_under(uploads_root)
    mismatch = post_form(admin, for_learner(page, learner), update_fields(nonce, other))
    landing = admin.get(urljoin(wordpress_site.url, mismatch.headers["Location"]), timeout=30).text
    assert "The form does not match the learner on this page. Nothing was saved." in landing
    bad = post_form(admin, for_learner(page, learner), update_fields(nonce, learner),
                    [("scanned_portfolio[]", ("x.pdf", b"GIF89a not a pdf", "application/pdf"))])
    landing = admin.get(urljoin(wordpress_site.url, bad.headers["Location"]), timeout=30).text
    assert "Only PDF files can be uploaded as portfolios." in landing
    assert learner_row(db, learner) == before
    assert files_under(uploads_root) == before_files
    assert learner_row(db, other)["first_name"] == "Other"
