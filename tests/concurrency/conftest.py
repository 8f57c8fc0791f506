"""Concurrency against the real services (issue 9, part 4): many browsers hitting admin-ajax.php at the
same moment, through the shim, into the sidecar (2 workers x 4 threads) and PostgreSQL. PHP's
built-in server runs 4 workers, so 20 requests queue there; the barrier releases them together.

Fixtures are the learner tests' (real WordPress sessions, nonces made by WordPress, rows made with SQL
and removed at the end), plus:

    race(requests, who="admin")   run [(action, fields)] at once, one thread and one requests.Session
                                  (a copy of the logged-in session's cookies) each; returns Outcome list
    class_row(code)               a class made with SQL, removed (with its change log) at module end
"""
from __future__ import annotations

import dataclasses
import threading
import time

import pytest
import requests

# the learner tests' fixtures (routed comes from tests/conftest.py)
from tests.learners.conftest import ajax, db, learners  # noqa: F401
from devstack.ajax import ajax_url

TIMEOUT = 180          # seconds per request: the machine may be busy with another test run


@dataclasses.dataclass
class Outcome:
    index: int
    status: int | None = None
    text: str = ""
    started: float = 0.0        # time.monotonic() when the request was sent
    seconds: float = 0.0
    error: BaseException | None = None

    def json(self):
        import json
        return json.loads(self.text)


def clone(session: requests.Session) -> requests.Session:
    """A new browser with the same cookies (its own connection pool)."""
    copy = requests.Session()
    copy.headers.update(session.headers)
    copy.cookies.update(session.cookies)
    return copy


def run_together(site, session, calls) -> list[Outcome]:
    """POST every (action, fields) at once: one thread each, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome(i) for i in range(len(calls))]

    def run(i, action, fields):
        http = clone(session)
        body = [("action", action)] + (list(fields.items()) if isinstance(fields, dict) else list(fields))
        try:
            barrier.wait(timeout=60)
            outcomes[i].started = time.monotonic()
            response = http.post(ajax_url(site), data=body, timeout=TIMEOUT)
            outcomes[i].seconds = time.monotonic() - outcomes[i].started
            outcomes[i].status, outcomes[i].text = response.status_code, response.text
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            outcomes[i].error = exc
        finally:
            http.close()

    threads = [threading.Thread(target=run, args=(i, action, fields), daemon=True)
               for i, (action, fields) in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 90)
    assert not any(t.is_alive() for t in threads), "a request thread did not finish"
    failed = [o for o in outcomes if o.error is not None]
    assert not failed, f"requests failed: {[(o.index, repr(o.error)) for o in failed]}"
    return outcomes


@pytest.fixture(scope="module")
def race(wordpress_site, sessions):  # noqa: F811
    def race_(calls, who="admin"):
        return run_together(wordpress_site, sessions[who], calls)
    return race_


@pytest.fixture(scope="module")
def class_row(db):  # noqa: F811
    made = []

    def make(code: str) -> int:
        class_id = db.scalar(
            "INSERT INTO classes (client_id, class_type, class_subject, class_code, class_duration, "
            "original_start_date) VALUES (1, 'AET', 'COMM', %s, 120, '2026-03-02') RETURNING class_id", (code,))
        made.append(class_id)
        return class_id
    yield make
    if made:
        db.run("DELETE FROM class_change_logs WHERE class_id = ANY(%s)", (made,))
        db.run("DELETE FROM classes WHERE class_id = ANY(%s)", (made,))
