"""Round trips per request (issue 15): for every action of the registry and both learner form posts, a successful
administrator request through WordPress, the shim and a sidecar whose PostgreSQL and MySQL connections pass through
counting proxies (devstack/action_requests.py, shared with bench/bench_round_trips.py).

A read costs 1 PostgreSQL round trip (the replay check travels with its statement) and 1 MySQL round trip (the
user, capabilities, session and nonce in one); every read is held to it, none is exempt. A write costs at most its
budget below, the forwarded request alone: the shim's acknowledgement of the events afterwards (POST /events/ack)
is a request of its own, held to 1. Counts, not times: they do not depend on the machine. Each count is the median
of a few requests, so the site data reloaded from MySQL once a minute does not decide a test.
"""
from __future__ import annotations

import pytest

from devstack.action_requests import forwarding_to_proxied_sidecar, is_read, labels, measure

# label -> (PostgreSQL round trips, MySQL round trips, what they are). Each write's first round trip carries BEGIN
# and the replay check with its first statement; its last carries the outbox insert and COMMIT.
WRITE_BUDGETS = {
    "update_learner": (2, 1, "the learner FOR UPDATE with its references; UPDATE learners, outbox + COMMIT"),
    "wecoza_update_learner": (2, 1, "the learner FOR UPDATE with its references; UPDATE learners, outbox + COMMIT"),
    "update_learner_data": (2, 1, "the learner FOR UPDATE with its references; UPDATE learners, outbox + COMMIT"),
    "delete_learner": (2, 1, "the learner's lock, with its blockers counted and its portfolios listed; DELETE, "
                             "outbox + COMMIT"),
    "wecoza_delete_learner": (2, 1, "the learner's lock, with its blockers and portfolios; DELETE, outbox + COMMIT"),
    "delete_learner_portfolio": (2, 1, "the learner's lock with its portfolios; DELETE the portfolio, UPDATE "
                                       "learners.scanned_portfolio, outbox + COMMIT"),
    "mark_progression_complete": (3, 1, "the LP FOR UPDATE with the transaction's date; INSERT the portfolio "
                                        "document RETURNING its id; UPDATE the LP, INSERT learner_progressions, "
                                        "outbox + COMMIT"),
    "upload_progression_portfolio": (3, 1, "the LP FOR UPDATE; INSERT the document RETURNING file_id; "
                                           "outbox (with the file_id) + COMMIT"),
    "save_class (create)": (4, 1, "client/site/agents exist; INSERT classes RETURNING class_id; the LP "
                                  "products of the subject; outbox + COMMIT"),
    "save_class (update)": (4, 1, "the class's lock with the class, the ids the form names and its agent "
                                  "replacements; QA visits FOR UPDATE; the LP products; UPDATE classes, outbox + "
                                  "COMMIT (the site's address and permalinks come with the authentication query)"),
    "delete_class": (2, 1, "the class's lock with the class, the rows that refer to it and its QA documents (the "
                           "foreign keys read once per worker); DELETE, outbox + COMMIT"),
    "save_class_note": (2, 1, "the notes FOR UPDATE; UPDATE classes.class_notes_data, outbox + COMMIT (the "
                              "author's display name comes with the authentication query)"),
    "delete_class_note": (2, 1, "the notes FOR UPDATE; UPDATE classes.class_notes_data, outbox + COMMIT"),
    "upload_attachment": (1, 1, "the replay check and the outbox insert in one implicit transaction"),
    "create_qa_visit": (2, 1, "INSERT qa_visits checking the class and the officer, RETURNING id; outbox + COMMIT"),
    "export_qa_reports": (1, 1, "the replay check and the report SELECT (POST only, but a read)"),
    "delete_qa_report": (3, 1, "the class's visits FOR UPDATE with the class check; other visits naming the file; "
                               "UPDATE the visit, outbox + COMMIT"),
    "submit_qa_question": (2, 1, "the class exists; the question and outbox + COMMIT (the author's display "
                                 "name comes with the authentication query)"),
    "learners_create": (3, 1, "the references the form names, in one SELECT; INSERT learners RETURNING id; "
                              "outbox + COMMIT"),
    "learners_update": (2, 1, "the learner's lock with the learner and its references; UPDATE learners, outbox + "
                              "COMMIT (the update form's URL option comes with the authentication query)"),
}


@pytest.fixture(scope="module")
def counted(wordpress_site, pg_database, sidecar_server, uploads_root, tmp_path_factory):
    """The session's WordPress forwarding to a sidecar of this module's behind counting proxies; the shim is
    pointed back at the session's sidecar afterwards."""
    with forwarding_to_proxied_sidecar(tmp_path_factory.mktemp("round-trips"), wordpress_site, pg_database,
                                       sidecar_server, uploads_root) as (sidecar, requests_):
        yield requests_, sidecar.meter


def test_every_write_has_a_budget_with_its_reason():
    assert set(WRITE_BUDGETS) == {label for label in labels() if not is_read(label)}
    assert all(pg >= 1 and mysql >= 1 and reason for pg, mysql, reason in WRITE_BUDGETS.values())


def succeeded(result):
    """A refused request makes the test fail, never an expected failure (pytest.fail is no AssertionError)."""
    if not result["ok"]:
        pytest.fail(f"the request did not succeed: {result}")


@pytest.mark.parametrize("label", [label for label in labels() if is_read(label)])
def test_a_read_is_one_postgresql_and_one_mysql_round_trip(label, counted):
    result = measure(*counted, label)
    succeeded(result)
    typical = result["typical"]
    assert (typical["postgres"], typical["mysql"], typical["sidecar_requests"]) == (1, 1, 1), result


@pytest.mark.parametrize("label", sorted(WRITE_BUDGETS))
def test_a_write_stays_within_its_budget(label, counted):
    result = measure(*counted, label)
    succeeded(result)
    postgres, mysql, _ = WRITE_BUDGETS[label]
    assert result["typical"]["postgres"] <= postgres, result
    assert result["typical"]["mysql"] <= mysql, result
    # the shim's acknowledgement of the write's events: its replay claim and the update in one message
    assert result["typical"]["acknowledgement"] <= 1, result
