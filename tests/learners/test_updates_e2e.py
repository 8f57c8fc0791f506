"""update_learner, wecoza_update_learner and update_learner_data through admin-ajax.php."""
from __future__ import annotations

import datetime

import pytest

from .conftest import learner_row

pytestmark = pytest.mark.every_wordpress

OLD = ("update_learner", "learners_nonce")
MVC = ("wecoza_update_learner", "learners_nonce_action")
MODAL = ("update_learner_data", "learners_nonce_action")
UPDATED = '{"success":true,"data":{"message":"Learner updated successfully"}}'


@pytest.fixture()
def learner(learners):
    return learners.make(first_name="Sipho", surname="Ndlovu", email_address="sipho@example.test")


def events_for(db, name, learner_id):
    return [r["payload"] for r in db.all(
        "SELECT payload FROM wecoza_sidecar.outbox WHERE name = %s AND payload->>'learner_id' = %s "
        "ORDER BY created_at", (name, str(learner_id)))]


@pytest.mark.parametrize("action,nonce_action", [OLD, MVC, MODAL])
def test_partial_typed_update(ajax, db, learner, action, nonce_action):
    before = learner_row(db, learner)
    response = ajax.post(action, data={
        "id": str(learner), "first_name": "  Sipho   Themba ", "numeracy_level": "2", "communication_level": "",
        "employment_status": "0", "disability_status": "1", "placement_assessment_date": "2026-02-03",
        "highest_qualification": "3", "email_address": "sipho.new@example.test", "suburb": "Ignored",
        "scanned_portfolio": "portfolios/../../wp-config.php", "id_type": "sa_id", "sponsors[]": "1",
    }, nonce_action=nonce_action)
    assert (response.status_code, response.text) == (200, UPDATED)
    after = learner_row(db, learner)
    assert after["first_name"] == "Sipho Themba"          # trimmed, whitespace collapsed, no slashes added
    assert after["numeracy_level"] == 2 and after["communication_level"] is None
    assert after["employment_status"] is False and after["disability_status"] is True
    assert after["placement_assessment_date"] == datetime.date(2026, 2, 3)
    assert after["highest_qualification"] == 3 and after["email_address"] == "sipho.new@example.test"
    assert after["scanned_portfolio"] == before["scanned_portfolio"]
    assert after["updated_at"] > before["updated_at"] or before["updated_at"].year == 2099
    untouched = {k for k in before if k not in ("first_name", "numeracy_level", "communication_level",
                                                "employment_status", "disability_status", "placement_assessment_date",
                                                "highest_qualification", "email_address", "updated_at")}
    assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}
    payload = events_for(db, "wecoza_learner_updated", learner)[-1]
    assert payload["changed_fields"] == sorted(["communication_level", "disability_status", "email_address",
                                                "employment_status", "first_name", "highest_qualification",
                                                "numeracy_level", "placement_assessment_date"])
    assert payload["learner_id"] == learner and payload["user_id"] > 0
    assert "Sipho Themba" not in str(payload) and "sipho.new" not in str(payload)   # names of fields only


def test_quotes_are_stored_as_typed(ajax, db, learner):
    response = ajax.post("update_learner", data={"id": str(learner), "surname": "O'Brien \"Jr\" \\ Smith"},
                         nonce_action="learners_nonce")
    assert response.text == UPDATED
    assert learner_row(db, learner)["surname"] == "O'Brien \"Jr\" \\ Smith"


def test_updated_at_is_now_in_utc(ajax, db, learner):
    ajax.post("update_learner", data={"id": str(learner), "race": "Coloured"}, nonce_action="learners_nonce")
    updated = learner_row(db, learner)["updated_at"]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert abs((now - updated).total_seconds()) < 60


@pytest.mark.parametrize("fields,errors", [
    ({"email_address": "not-an-email"}, {"email_address": "Email address is not valid"}),
    ({"sa_id_no": "9001015009087"}, {"sa_id_no": "Invalid ID number checksum"}),
    ({"sa_id_no": "9013015009087"}, {"sa_id_no": "ID number must be 13 digits in format: YYMMDD + 7 digits"}),
    ({"sa_id_no": "9002305009087"}, {"sa_id_no": "Invalid date in ID number"}),
    ({"passport_number": "A1"},
     {"passport_number": "Passport number must be 6-12 characters (letters and numbers only)"}),
    ({"placement_assessment_date": "2026-02-30"},
     {"placement_assessment_date": "Placement assessment date must be a valid date (YYYY-MM-DD)"}),
    ({"first_name": "x" * 51}, {"first_name": "First name must be at most 50 characters"}),
    ({"first_name": ""}, {"first_name": "First name is required"}),
    ({"numeracy_level": "1; DROP TABLE learners"}, {"numeracy_level": "Please choose a valid numeracy level"}),
    ({"city_town_id": "999999"}, {"city_town_id": "Please choose a valid city/town"}),
    ({"employer_id": "99999999999"}, {"employer_id": "Please choose a valid employer"}),
    # the references are looked up together, with the learner: each missing one named, in the form's order
    ({"first_name": "", "employer_id": "1", "numeracy_level": "999", "city_town_id": "999999",
      "province_region_id": "999998"},
     {"first_name": "First name is required", "city_town_id": "Please choose a valid city/town",
      "province_region_id": "Please choose a valid province/region",
      "numeracy_level": "Please choose a valid numeracy level"}),
    ({"employment_status": "maybe"}, {"employment_status": "Employment status must be yes or no"}),
    ({"assessment_status": "Completed"},
     {"assessment_status": "Assessment status must be one of: Assessed, Not Assessed"}),
    ({"surname[]": "x"}, {"surname": "Surname must be a single value"}),
    ({"surname": "<script>alert(1)</script>"}, {"surname": "Surname must not contain < or >"}),
    ({"address_line_1": "a\x00b"}, {"address_line_1": "Address line 1 contains characters that are not allowed"}),
    ({"tel_number": "1; DROP TABLE x"},
     {"tel_number": "Telephone number may contain only digits, spaces and + ( ) - ."}),
    ({"sa_id_no": "", "passport_number": ""}, {"sa_id_no": "You must provide either SA ID Number or Passport Number."}),
])
def test_invalid_fields_are_named_and_nothing_changes(ajax, db, learner, fields, errors):
    before = learner_row(db, learner)
    events_before = len(events_for(db, "wecoza_learner_updated", learner))
    message = "Please correct the following: " + "; ".join(errors.values())
    old = ajax.post("update_learner", data={"id": str(learner), "first_name": "Changed", **fields},
                    nonce_action="learners_nonce") if "first_name" not in fields else \
        ajax.post("update_learner", data={"id": str(learner), **fields}, nonce_action="learners_nonce")
    assert old.status_code == 200
    assert old.json() == {"success": False, "data": {"message": message, "errors": errors}}
    mvc = ajax.post("wecoza_update_learner", data={"id": str(learner), **fields}, nonce_action="learners_nonce_action")
    assert mvc.status_code == 400
    assert mvc.json() == {"success": False, "data": {"message": message, "errors": errors}}
    assert learner_row(db, learner) == before
    assert len(events_for(db, "wecoza_learner_updated", learner)) == events_before


def test_exact_error_bytes(ajax, learner):
    response = ajax.post("update_learner", data={"id": str(learner), "email_address": "a@b"},
                         nonce_action="learners_nonce")
    assert response.text == ('{"success":false,"data":{"message":"Please correct the following: Email address is not '
                             'valid","errors":{"email_address":"Email address is not valid"}}}')


def test_passport_may_replace_the_sa_id(ajax, db, learner):
    response = ajax.post("update_learner", data={"id": str(learner), "sa_id_no": "", "passport_number": "AB123456"},
                         nonce_action="learners_nonce")
    assert response.text == UPDATED
    row = learner_row(db, learner)
    assert (row["sa_id_no"], row["passport_number"]) == (None, "AB123456")


@pytest.mark.parametrize("action,nonce_action,missing_id", [
    ("update_learner", "learners_nonce", (200, '{"success":false,"data":{"message":"Learner ID is required"}}')),
    ("wecoza_update_learner", "learners_nonce_action",
     (400, '{"success":false,"data":{"message":"Invalid learner ID"}}')),
])
def test_ids(ajax, learner, action, nonce_action, missing_id):
    for bad in ({}, {"id": ""}, {"id": "abc"}, {"id": "0"}, {"id": "1 OR 1=1"}, {"id[]": "1"}):
        response = ajax.post(action, data={**bad, "first_name": "X"}, nonce_action=nonce_action)
        assert (response.status_code, response.text) == missing_id, bad
    # the id is read from the POST body only, as the reference's handlers did
    by_query = ajax.post(action, data={"first_name": "X"}, params={"id": str(learner)}, nonce_action=nonce_action)
    assert (by_query.status_code, by_query.text) == missing_id
    gone = ajax.post(action, data={"id": "2147483000", "first_name": "X"}, nonce_action=nonce_action)
    assert gone.json() == {"success": False, "data": {"message": "Learner not found"}}


def test_nonces_each_update_action_accepts(ajax, db, learner):
    for action, nonce_action in (("update_learner", "learners_nonce"), ("update_learner", "learners_nonce_action"),
                                 ("update_learner_data", "learners_nonce_action"),
                                 ("update_learner_data", "learners_nonce"),
                                 ("wecoza_update_learner", "learners_nonce_action")):
        response = ajax.post(action, data={"id": str(learner), "gender": "Male"}, nonce_action=nonce_action)
        assert response.text == UPDATED, (action, nonce_action)
    refused = ajax.post("wecoza_update_learner", data={"id": str(learner)}, nonce_action="learners_nonce")
    assert (refused.status_code, refused.text) == (
        403, '{"success":false,"data":{"message":"Invalid security token."}}')


@pytest.mark.parametrize("action,nonce_action", [OLD, MODAL])
def test_old_style_denials(ajax, db, learner, action, nonce_action):
    before = learner_row(db, learner)
    for who in ("editor", "subscriber"):
        response = ajax.post(action, who=who, data={"id": str(learner), "first_name": "Hacked"},
                             nonce_action=nonce_action)
        assert (response.status_code, response.text) == (
            200, '{"success":false,"data":{"message":"Unauthorized access"}}')
    stale = ajax.post(action, data={"id": str(learner), "first_name": "Hacked", "nonce": "0123456789"})
    assert stale.text == '{"success":false,"data":{"message":"Security check failed"}}'
    foreign = ajax.post(action, data={"id": str(learner), "first_name": "Hacked",
                                      "nonce": ajax.nonce("editor", nonce_action)})
    assert foreign.text == '{"success":false,"data":{"message":"Security check failed"}}'
    assert ajax.post(action, who=None, data={"id": str(learner)}, nonce_action=nonce_action).text == "0"
    assert learner_row(db, learner) == before


def test_mvc_denials(ajax, db, learner):
    before = learner_row(db, learner)
    editor = ajax.post("wecoza_update_learner", who="editor", data={"id": str(learner), "first_name": "Hacked"},
                       nonce_action="learners_nonce_action")
    assert (editor.status_code, editor.text) == (
        403, '{"success":false,"data":{"message":"Insufficient permissions."}}')
    logged_out = ajax.post("wecoza_update_learner", who=None, data={"id": str(learner)},
                           nonce_action="learners_nonce_action")
    assert (logged_out.status_code, logged_out.text) == (400, "0")
    assert learner_row(db, learner) == before
