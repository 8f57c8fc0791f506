"""Fixtures of the operations tests: a learner whose personal data the tests look for in logs."""
import datetime as dt
import secrets

import pytest

from devstack.sa_id import sa_id_number


@pytest.fixture(scope="module")
def probe_learner(pg_database):
    """A learner with a fresh, valid-format SA ID number and email (unique per run, so a hit in a log is ours).

    Yields {"id", "sa_id_no", "email", "tel", "first_name", "surname"}; the row is removed after the module.
    """
    rng = secrets.SystemRandom()
    person = {
        "sa_id_no": sa_id_number(dt.date(rng.randint(1970, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                                 female=True, sequence=rng.randrange(5000)),
        "email": f"probe.{secrets.token_hex(5)}@example.org",
        "tel": f"08{rng.randrange(10**8):08d}",
        "first_name": f"Probe{secrets.token_hex(3)}",
        "surname": f"Zungu{secrets.token_hex(3)}",
    }
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT location_id FROM locations ORDER BY location_id LIMIT 1")
        location_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO learners (title, first_name, surname, gender, race, sa_id_no, tel_number, email_address, "
            "city_town_id, province_region_id, employment_status, disability_status) "
            "VALUES ('Ms', %s, %s, 'Female', 'Black', %s, %s, %s, %s, %s, false, false) RETURNING id",
            (person["first_name"], person["surname"], person["sa_id_no"], person["tel"], person["email"],
             location_id, location_id))
        person["id"] = cur.fetchone()[0]
        conn.commit()
    yield person
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM learners WHERE id = %s", (person["id"],))
        conn.commit()
