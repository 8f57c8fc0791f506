"""The learner forms' recorded posts (``../shared/recordings``: learner-capture, learner-update, learner-portfolio)
read field by field as PHP would fill ``$_POST``/``$_FILES``: the hidden ``sponsors[]`` template, the
placement date sent twice, empty placement levels while "Not Assessed", and the empty file input."""
import datetime
from types import SimpleNamespace

import pytest

from sidecar.learners import portfolios, validation
from sidecar.phpform import parse_body
from sidecar.refusals import VALIDATION
from devstack import recording

FORM_POSTS = {r["flow"]: r for r in recording.load() if r["action"] is None}


def recorded_fields(flow):
    assert flow in FORM_POSTS, f"{flow} is not in ../shared/recordings/page-requests.json"
    return recording.fields_to_send(FORM_POSTS[flow], nonce="nonce")


def posted(fields):
    return parse_body(*recording.encode("multipart/form-data", fields))


def replaced(fields, name, values):
    """Each ``name`` field in turn set to the next of ``values``."""
    pending = list(values)
    return [(n, pending.pop(0) if n == name else v) for n, v in fields]


def uploads_of(files):
    return portfolios.files_from(SimpleNamespace(files=files))


@pytest.mark.parametrize("flow", ["learner-capture", "learner-update", "learner-portfolio"])
def test_recorded_learner_post_is_valid(flow):
    post, files = posted(recorded_fields(flow))
    assert post["sponsors"] == {0: ""}          # the hidden sponsor template select, posted as is
    values, errors = validation.learner_values(post)
    if flow == "learner-capture":
        validation.check_required_for_create(values, errors)
    assert errors == {}
    assert "sponsors" not in values and "id_type" not in values   # not learner columns
    assert values["assessment_status"] == "Not Assessed"
    assert values["placement_assessment_date"] is None
    assert values["employment_status"] is True and values["disability_status"] is False
    assert values["employer_id"] == 9001 and values["city_town_id"] == 9001
    if flow == "learner-capture":
        # "Not Assessed": the page's empty level selects are stored as NULL
        assert values["communication_level"] is None and values["numeracy_level"] is None
        assert values["postal_code"] == "0007"
    else:
        assert "communication_level" not in values and "numeracy_level" not in values  # not sent: kept
    if flow == "learner-portfolio":
        [upload] = uploads_of(files)
        assert (upload.filename, upload.size, upload.content_type) == ("accpage-portfolio.pdf", 612,
                                                                       "application/pdf")
        portfolios.check_all([upload])
    else:
        assert files == {} and uploads_of(files) == []   # the empty file input is no upload


def test_the_last_of_two_filled_placement_dates_wins():
    """The capture form has two ``placement_assessment_date`` inputs; PHP keeps the last one sent.
    (Which one wins when only the first is filled is the form handler's decision: test_page_flows_e2e.py.)"""
    fields = replaced(recorded_fields("learner-capture"), "placement_assessment_date", ["2026-01-05", "2026-02-09"])
    values, errors = validation.learner_values(posted(fields)[0])
    assert errors == {} and values["placement_assessment_date"] == datetime.date(2026, 2, 9)


def test_assessed_levels_are_kept():
    fields = replaced(recorded_fields("learner-capture"), "assessment_status", ["Assessed"])
    fields = replaced(replaced(fields, "communication_level", ["3"]), "numeracy_level", ["4"])
    values, errors = validation.learner_values(posted(fields)[0])
    assert errors == {} and (values["communication_level"], values["numeracy_level"]) == (3, 4)


def test_an_invalid_field_is_refused_by_name_without_its_value():
    fields = replaced(recorded_fields("learner-update"), "email_address", ["not-an-address-Quokka7"])
    values, errors = validation.learner_values(posted(fields)[0])
    assert list(errors) == ["email_address"]
    refusal = validation.ValidationFailed(errors).refusal
    assert (refusal.kind, refusal.fields) == (VALIDATION, ("email_address",))
    assert "Email address" in refusal.message and "Quokka7" not in refusal.message
