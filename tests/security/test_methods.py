"""Declared methods are enforced: a write is POST only and reads its parameters from the body (issue 14, point 5).

Through the real WordPress and shim: a link or image tag (a GET) carrying a valid nonce must never write, and a
POST whose fields ride in the URL must not either (PHP's handlers read ``$_POST``).
"""
from __future__ import annotations

import pytest

from sidecar.actions import registry
from sidecar.registry import WRITES
from devstack.ajax import call, create_nonce

DASHBOARD = "qa_dashboard_nonce"


@pytest.fixture(scope="module")
def class_id(pg_database):
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO classes (client_id, class_type, class_subject, class_code, class_duration, "
                    "original_start_date) VALUES (1, 'AET', 'COMM', 'METHODS-1', 120, '2026-03-02') RETURNING class_id")
        made = cur.fetchone()[0]
        conn.commit()
    yield made
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM qa_visits WHERE class_id = %s", (made,))
        cur.execute("DELETE FROM classes WHERE class_id = %s", (made,))
        conn.commit()


def visits_of(pg_database, class_id) -> int:
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM qa_visits WHERE class_id = %s", (class_id,))
        return cur.fetchone()[0]


def visit_fields(class_id, nonce) -> dict:
    return {"nonce": nonce, "class_id": str(class_id), "visit_date": "2026-03-02", "visit_type": "Initial QA Visit",
            "officer_name": "Method Test"}


def test_a_get_with_the_nonce_in_the_url_writes_nothing(wordpress_site, sessions, pg_database, class_id):
    admin = sessions["admin"]
    nonce = create_nonce(wordpress_site, admin, DASHBOARD)
    response = call(wordpress_site, admin, "create_qa_visit", method="GET", params=visit_fields(class_id, nonce))
    assert response.status_code == 400, response.text
    assert response.json() == {"success": False, "data": {"message": "This action must be sent as a POST request."}}
    assert visits_of(pg_database, class_id) == 0
    # the same fields in a POST body do write: the refusal was the method's
    created = call(wordpress_site, admin, "create_qa_visit", data=visit_fields(class_id, nonce))
    assert created.status_code == 200 and created.json()["success"] is True, created.text
    assert visits_of(pg_database, class_id) == 1


def test_a_write_reads_its_fields_from_the_body_only(wordpress_site, sessions, pg_database, class_id):
    admin = sessions["admin"]
    nonce = create_nonce(wordpress_site, admin, DASHBOARD)
    before = visits_of(pg_database, class_id)
    fields = visit_fields(class_id, nonce)
    response = call(wordpress_site, admin, "create_qa_visit", data={"nonce": nonce},
                    params={k: v for k, v in fields.items() if k != "nonce"})
    assert response.status_code == 400, response.text
    assert response.json() == {"success": False, "data": {"message": "Invalid class ID"}}
    assert visits_of(pg_database, class_id) == before


WRITE_ACTIONS = sorted(a.name for a in registry.actions.values() if a.methods == WRITES)


@pytest.mark.parametrize("name", WRITE_ACTIONS)
def test_every_write_refuses_get_in_its_own_shape(name, wordpress_site, sessions):
    action = registry.actions[name]
    admin = sessions["admin"]
    nonce = create_nonce(wordpress_site, admin, action.nonce_actions[0])
    response = call(wordpress_site, admin, name, method="GET", params={action.nonce_field: nonce})
    expected = action.denials.generic("This action must be sent as a POST request.")
    assert (response.status_code, response.content) == (400, expected.body), response.text
