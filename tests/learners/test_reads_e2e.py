"""fetch_learners_dropdown_data, wecoza_get_learners and get_learner_progressions through admin-ajax.php."""
from __future__ import annotations

import json

import pytest

from .conftest import FUTURE

pytestmark = pytest.mark.every_wordpress


def php_json(value) -> str:
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")


# --- fetch_learners_dropdown_data --------------------------------------------------------------

def expected_dropdown(db):
    def items(sql):
        return [{"id": r["id"], "name": r["name"]} for r in db.all(sql)]
    levels = items("SELECT placement_level_id AS id, level AS name FROM learner_placement_level ORDER BY level")
    return {
        "cities": items("SELECT DISTINCT ON (lower(town)) location_id AS id, town AS name FROM locations "
                        "WHERE coalesce(town, '') <> '' ORDER BY lower(town), location_id"),
        "provinces": items("SELECT DISTINCT ON (lower(province)) location_id AS id, province AS name FROM locations "
                           "WHERE coalesce(province, '') <> '' ORDER BY lower(province), location_id"),
        "qualifications": items("SELECT id, qualification AS name FROM learner_qualifications ORDER BY qualification"),
        "employers": items("SELECT employer_id AS id, employer_name AS name FROM employers ORDER BY employer_name"),
        "placement_levels": {"numeracy_levels": [i for i in levels if i["name"].startswith("N")],
                             "communication_levels": [i for i in levels if i["name"].startswith("C")]},
    }


def test_dropdown_without_nonce_by_post_and_get_as_the_forms_send_it(ajax, db):
    expected = '{"success":true,"data":' + php_json(expected_dropdown(db)) + "}"
    by_post = ajax.post("fetch_learners_dropdown_data")             # capture form: $.ajax POST, no nonce
    by_get = ajax.get("fetch_learners_dropdown_data")               # update form: fetch(...?action=...), no nonce
    for response in (by_post, by_get):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
        assert response.text == expected


def test_dropdown_seed_values_and_level_split(ajax):
    data = ajax.post("fetch_learners_dropdown_data").json()["data"]
    assert list(data) == ["cities", "provinces", "qualifications", "employers", "placement_levels"]
    assert {"id": 1, "name": "Testville"} in data["cities"]
    assert data["placement_levels"] == {
        "numeracy_levels": [{"id": 1, "name": "NL1"}, {"id": 2, "name": "NL2"}],
        "communication_levels": [{"id": 3, "name": "CL1"}, {"id": 4, "name": "CL2"}]}


@pytest.mark.parametrize("who", ["editor", "subscriber"])
def test_dropdown_refused_without_manage_learners(ajax, who):
    response = ajax.post("fetch_learners_dropdown_data", who=who)
    assert (response.status_code, response.text) == (200, '{"success":false,"data":{"message":"Unauthorized access"}}')


def test_dropdown_logged_out(ajax):
    response = ajax.post("fetch_learners_dropdown_data", who=None)
    assert (response.status_code, response.text) == (400, "0")


# --- wecoza_get_learners -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def paged(learners):
    first = learners.make(first_name="Ayanda", surname="Zulu", email_address="ayanda@example.test",
                          second_name="", postal_code="2001", placement_assessment_date="2026-01-15",
                          created_at=FUTURE.replace(year=2098), updated_at=FUTURE.replace(year=2098))
    second = learners.make(first_name="Bongani", surname="Dlamini", employment_status=False, employer_id=None,
                           disability_status=None, created_at=FUTURE.replace(year=2097),
                           updated_at=FUTURE.replace(year=2097))
    learners.portfolio(first, "portfolios/portfolio_a.pdf", "2026-01-01 10:00:00")
    learners.portfolio(first, "portfolios/portfolio_b.pdf", "2026-01-02 10:00:00")
    return first, second


def test_page_envelope(ajax, paged, db):
    response = ajax.get("wecoza_get_learners", params={"limit": "2", "offset": "0"},
                        nonce_action="learners_nonce_action")
    assert response.status_code == 200
    total = db.scalar("SELECT count(*) FROM learners")
    assert response.text.startswith('{"success":true,"data":{"learners":[{"id":')
    assert response.text.endswith('],"total":%d,"limit":2,"offset":0}}' % total)
    assert len(response.json()["data"]["learners"]) == 2


def test_mapped_page_uses_lookup_names_and_portfolios(ajax, paged, db):
    first, _ = paged
    # find the offset of our learner in the list order, then ask for exactly that one row
    order = [r["id"] for r in db.all("SELECT id FROM learners ORDER BY created_at DESC, id DESC")]
    offset = order.index(first)
    response = ajax.get("wecoza_get_learners", params={"limit": "1", "offset": str(offset), "mappings": "yes"},
                        nonce_action="learners_nonce_action")
    data = response.json()["data"]
    assert (data["limit"], data["offset"], len(data["learners"])) == (1, offset, 1)
    row = data["learners"][0]
    assert row["id"] == first
    assert (row["cityTownName"], row["provinceRegionName"], row["suburb"], row["postalCode"]) == \
        ("Testville", "Gauteng", "Testville Central", "0001")          # the city's location, as the reference
    assert (row["highestQualification"], row["numeracyLevel"], row["communicationLevel"]) == ("Grade 12", "NL1", "CL1")
    assert (row["employmentStatus"], row["disabilityStatus"], row["employerName"]) == \
        ("Employed", "No", "Test Employer One (Pty) Ltd")
    assert row["scannedPortfolio"] == "portfolios\\/portfolio_b.pdf, portfolios\\/portfolio_a.pdf".replace("\\/", "/")
    assert '"scannedPortfolio":"portfolios\\/portfolio_b.pdf, portfolios\\/portfolio_a.pdf"' in response.text


def test_raw_row_exact_bytes(ajax, paged, db):
    first, _ = paged
    order = [r["id"] for r in db.all("SELECT id FROM learners ORDER BY created_at DESC, id DESC")]
    response = ajax.get("wecoza_get_learners", params={"limit": "1", "offset": str(order.index(first))},
                        nonce_action="learners_nonce_action")
    row = response.text.split('"learners":[', 1)[1].split('],"total"', 1)[0]
    assert row == (
        '{"id":%d,"title":"Ms","firstName":"Ayanda","secondName":null,"initials":"T","surname":"Zulu",'
        '"fullName":"Ayanda Zulu","gender":"Female","race":"Black","saIdNo":"9001015009087","passportNumber":null,'
        '"telNumber":"0821234567","alternativeTelNumber":null,"emailAddress":"ayanda@example.test",'
        '"addressLine1":"12 Example Street","addressLine2":null,"suburb":null,"cityTownId":1,"cityTownName":null,'
        '"provinceRegionId":1,"provinceRegionName":null,"postalCode":"2001","highestQualification":"2",'
        '"highestQualificationName":null,"assessmentStatus":"Assessed","placementAssessmentDate":"2026-01-15",'
        '"numeracyLevel":"1","numeracyLevelName":null,"communicationLevel":"3","communicationLevelName":null,'
        '"employmentStatus":"1","employerId":1,"employerName":null,"disabilityStatus":"",'
        '"scannedPortfolio":null,"createdAt":"2098-01-01 12:00:00","updatedAt":"2098-01-01 12:00:00"}') % first


@pytest.mark.parametrize("params,limit,offset", [
    ({}, 50, 0),
    ({"limit": "100000"}, 500, 0),
    ({"limit": "-5", "offset": "-3"}, 50, 0),
    ({"limit": "abc", "offset": "1; DROP TABLE learners"}, 50, 0),
    ({"limit": "3", "offset": "2"}, 3, 2),
])
def test_limit_and_offset_are_bounded(ajax, paged, db, params, limit, offset):
    response = ajax.get("wecoza_get_learners", params=params, nonce_action="learners_nonce_action")
    data = response.json()["data"]
    total = db.scalar("SELECT count(*) FROM learners")
    assert (data["limit"], data["offset"], data["total"]) == (limit, offset, total)
    expected_ids = [r["id"] for r in db.all("SELECT id FROM learners ORDER BY created_at DESC, id DESC "
                                            "LIMIT %s OFFSET %s", (limit, offset))]
    assert [r["id"] for r in data["learners"]] == expected_ids


def test_post_parameters_are_ignored_as_the_reference_read_get_only(ajax, paged):
    response = ajax.post("wecoza_get_learners", data={"limit": "1"}, nonce_action="learners_nonce_action")
    assert response.json()["data"]["limit"] == 50


@pytest.mark.parametrize("who", ["editor", "subscriber"])
def test_get_learners_capability(ajax, who):
    response = ajax.get("wecoza_get_learners", who=who, nonce_action="learners_nonce_action")
    assert (response.status_code, response.text) == (
        403, '{"success":false,"data":{"message":"Insufficient permissions."}}')


@pytest.mark.parametrize("nonce_action", [None, "learners_nonce"])
def test_get_learners_nonce(ajax, nonce_action):
    response = ajax.get("wecoza_get_learners", nonce_action=nonce_action)
    assert (response.status_code, response.text) == (
        403, '{"success":false,"data":{"message":"Invalid security token."}}')


def test_get_learners_logged_out(ajax):
    assert ajax.get("wecoza_get_learners", who=None, nonce_action="learners_nonce_action").status_code == 400


# --- get_learner_progressions ------------------------------------------------------------------

@pytest.fixture(scope="module")
def progressing(learners):
    learner = learners.make(first_name="Lerato", surname="Progress")
    done = learners.lp(learner, product_id=1, status="completed", trained=120, present=118.5,
                       start_date="2025-01-10", completion_date="2025-06-30")
    hold = learners.lp(learner, product_id=3, status="on_hold", trained=10, present=8, start_date="2025-07-01")
    current = learners.lp(learner, product_id=2, status="in_progress", trained=40, present=30.25,
                          start_date="2026-01-12")
    empty = learners.make(first_name="No", surname="Programmes")
    return learner, empty, {"done": done, "hold": hold, "current": current}


def test_progressions_shapes_and_php_number_types(ajax, progressing):
    learner, _, lps = progressing
    response = ajax.get("get_learner_progressions", params={"learner_id": str(learner)}, nonce_action="learners_nonce")
    assert response.status_code == 200
    assert response.text == (
        '{"success":true,"data":{"current_lp":{"tracking_id":%d,"product_name":"Test Numeracy L1",'
        '"product_duration":120,"hours_trained":40,"hours_present":30.25,"hours_absent":9.75,'
        '"progress_percentage":25.2,"start_date":"2026-01-12","class_code":null,"is_hours_complete":false},'
        '"history":[{"tracking_id":%d,"product_name":"Test Communication L1","start_date":"2025-01-10",'
        '"completion_date":"2025-06-30","hours_present":118.5,"product_duration":120}],'
        '"overall":{"total_lps":3,"completed_lps":1,"in_progress_lps":2,"total_enrolled_hours":400,'
        '"total_completed_hours":158.25,"overall_percentage":39.6}}}') % (lps["current"], lps["done"])


def test_progressions_of_a_learner_without_any(ajax, progressing):
    _, empty, _ = progressing
    response = ajax.get("get_learner_progressions", params={"learner_id": str(empty)}, nonce_action="learners_nonce")
    assert response.text == ('{"success":true,"data":{"current_lp":null,"history":[],"overall":{"total_lps":0,'
                             '"completed_lps":0,"in_progress_lps":0,"total_enrolled_hours":0,'
                             '"total_completed_hours":0,"overall_percentage":0}}}')


@pytest.fixture(scope="module")
def progressing_with_nulls(learners, db):
    """Completed LPs tied on their completion date and one without it, LPs without a start date or hours."""
    learner = learners.make(first_name="Sipho", surname="Orders")
    done = learners.lp(learner, product_id=1, status="completed", present=100, start_date="2024-01-10",
                       completion_date="2024-06-30")
    undated = learners.lp(learner, product_id=3, status="completed", present=150.5, start_date="2024-02-01")
    tied = learners.lp(learner, product_id=2, status="completed", present=0.1, start_date=None,
                       completion_date="2024-06-30")
    hold = learners.lp(learner, product_id=3, status="on_hold", start_date="2025-01-01")
    current = learners.lp(learner, product_id=2, status="in_progress", trained=12.5, start_date="2025-02-01")
    db.run("UPDATE learner_lp_tracking SET hours_present = NULL WHERE tracking_id = ANY(%s)", ([hold, current],))
    return learner, {"done": done, "undated": undated, "tied": tied, "current": current}


def test_progressions_orders_and_nulls(ajax, progressing_with_nulls):
    learner, lps = progressing_with_nulls
    response = ajax.get("get_learner_progressions", params={"learner_id": str(learner)}, nonce_action="learners_nonce")
    assert response.text == (
        '{"success":true,"data":{"current_lp":{"tracking_id":%d,"product_name":"Test Numeracy L1",'
        '"product_duration":120,"hours_trained":12.5,"hours_present":0,"hours_absent":12.5,'
        '"progress_percentage":0,"start_date":"2025-02-01","class_code":null,"is_hours_complete":false},'
        '"history":[{"tracking_id":%d,"product_name":"Test Numeracy L1","start_date":null,'
        '"completion_date":"2024-06-30","hours_present":0.1,"product_duration":120},'
        '{"tracking_id":%d,"product_name":"Test Communication L1","start_date":"2024-01-10",'
        '"completion_date":"2024-06-30","hours_present":100,"product_duration":120},'
        '{"tracking_id":%d,"product_name":"Test Communication L2","start_date":"2024-02-01",'
        '"completion_date":null,"hours_present":150.5,"product_duration":160}],'
        '"overall":{"total_lps":5,"completed_lps":3,"in_progress_lps":2,"total_enrolled_hours":680,'
        '"total_completed_hours":400,"overall_percentage":58.8}}}'
    ) % (lps["current"], lps["tied"], lps["done"], lps["undated"])


def test_progressions_errors_and_denials(ajax, progressing):
    learner, _, _ = progressing
    missing = ajax.get("get_learner_progressions", params={"learner_id": "abc"}, nonce_action="learners_nonce")
    assert missing.text == '{"success":false,"data":"Missing learner ID."}'
    by_post = ajax.post("get_learner_progressions", data={"learner_id": str(learner)}, nonce_action="learners_nonce")
    assert by_post.text == '{"success":false,"data":"Missing learner ID."}'          # $_GET only, as the reference
    editor = ajax.get("get_learner_progressions", who="editor", params={"learner_id": str(learner)},
                      nonce_action="learners_nonce")
    assert (editor.status_code, editor.text) == (
        200, '{"success":false,"data":"You do not have permission to perform this action."}')
    bad_nonce = ajax.get("get_learner_progressions", params={"learner_id": str(learner)},
                         nonce_action="learners_nonce_action")
    assert bad_nonce.text == '{"success":false,"data":"Security check failed."}'
    assert ajax.get("get_learner_progressions", who=None, params={"learner_id": str(learner)},
                    nonce_action="learners_nonce").text == "0"
