import pytest

from devstack.tcp_proxy import CountingProxy


@pytest.fixture(scope="module")
def known_learner(pg_database):
    """A learner with every mapped field set, removed after the module."""
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT location_id FROM locations ORDER BY location_id LIMIT 1")
        location_id = cur.fetchone()[0]
        cur.execute("SELECT id FROM learner_qualifications ORDER BY id LIMIT 1")
        qualification_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO learners (title, first_name, second_name, initials, surname, gender, race, sa_id_no, "
            "tel_number, email_address, address_line_1, city_town_id, province_region_id, postal_code, "
            "highest_qualification, assessment_status, employment_status, disability_status, "
            "created_at, updated_at) VALUES ('Ms', 'Thandi', 'Nomsa', 'T', 'Mokoena/Ndlovu', 'Female', 'Black', "
            "'9001015009087', '0821234567', 'thandi@example.test', '12 Example Street', %s, %s, '9999', %s, "
            "'Assessed', true, false, '2026-01-05 10:00:00', '2026-01-06 11:30:00') RETURNING id",
            (location_id, location_id, qualification_id))
        learner_id = cur.fetchone()[0]
        conn.commit()
    yield learner_id
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM learners WHERE id = %s", (learner_id,))
        conn.commit()


@pytest.fixture(scope="module")
def proxy(pg_database):
    """A TCP proxy in front of the session's PostgreSQL that counts round trips (devstack/tcp_proxy.py)."""
    with CountingProxy(pg_database.host, pg_database.port) as counting:
        yield counting
