"""A read's checks run while PostgreSQL answers it (sidecar.guard, issue 15), against the session's WordPress,
MariaDB and PostgreSQL: the learner page's read, forwarded by the shim or sent by the browser in direct mode, has
its caller identified (MySQL's answer read, cookie, capabilities, nonce) while the thread waits for the read's
statement; the admin gets the learner, and a wrong nonce still gets the refusal and nothing of the learner. A read
the shim sent while WordPress loads (X-WeCoza-Sent-Early) does the same: with PostgreSQL across a network it is not
finished when PHP asks for it (docs/design.md, Performance).

The moment is seen by the process's wait callback (sidecar.db.wait_for_postgres, wrapped here), never timed."""
from __future__ import annotations

import json

import psycopg2.extensions
import pytest

from devstack.ajax import create_nonce
from devstack.inprocess import InProcessSidecar
from devstack.sidecar_server import settings_file
from devstack.signed import wire_cookie
from sidecar.db import wait_for_postgres

SENT_EARLY_HEADER = "X-WeCoza-Sent-Early"  # the shim's marker (WeCoza_Sidecar_Channel::SENT_EARLY_HEADER)

ACTION = "wecoza_get_learner"
NONCE_ACTION = "learners_nonce_action"


@pytest.fixture(params=["forwarded", "forwarded early", "direct"])
def mode(request):
    return request.param


@pytest.fixture
def sidecar(sidecar_server, tmp_path, mode):
    env = dict(sidecar_server.env)
    if mode == "direct":
        env.update(settings_file(tmp_path, "[sidecar]\ndirect_mode = on\n"))
    sidecar = InProcessSidecar(env)
    yield sidecar
    sidecar.close()


@pytest.fixture
def seen(sidecar, monkeypatch):
    """Whether the thread was waiting for PostgreSQL each time an identification's result was asked for."""
    waiting = []

    def observed_wait(conn):
        waiting.append(True)
        try:
            wait_for_postgres(conn)
        finally:
            waiting.pop()

    wordpress = sidecar.app.extensions["wecoza"].wordpress
    start_identify = wordpress.start_identify
    asked = []

    class Observed:
        def __init__(self, identifying):
            self._identifying = identifying
            self.waiting = identifying.waiting

        def result(self):
            asked.append(bool(waiting))
            return self._identifying.result()

    monkeypatch.setattr(wordpress, "start_identify", lambda *args, **kwargs: Observed(start_identify(*args,
                                                                                                     **kwargs)))
    psycopg2.extensions.set_wait_callback(observed_wait)
    yield asked
    psycopg2.extensions.set_wait_callback(wait_for_postgres)


def learner_read(sidecar, mode, site, session, learner_id: int, nonce: str):
    fields = {"action": ACTION, "id": str(learner_id), "nonce": nonce}
    if mode.startswith("forwarded"):
        hints = {SENT_EARLY_HEADER: "1"} if mode == "forwarded early" else None
        return sidecar.call(ACTION, fields, cookie=wire_cookie(session), hints=hints)
    client = sidecar.app.test_client(use_cookies=False)
    return client.post("/wp-admin/admin-ajax.php", data=fields, environ_overrides={"HTTP_COOKIE": wire_cookie(session)})


def test_the_caller_is_checked_while_postgresql_answers_the_read(sidecar, mode, seen, wordpress_site, login,
                                                                 known_learner):
    session = login("admin")
    nonce = create_nonce(wordpress_site, session, NONCE_ACTION)
    response = learner_read(sidecar, mode, wordpress_site, session, known_learner, nonce)
    assert response.status_code == 200
    body = json.loads(response.data)
    assert body["success"] is True and body["data"]["id"] == known_learner, body
    assert "Thandi" in response.data.decode()
    assert seen == [True]


def test_a_wrong_nonce_is_refused_without_the_learner_though_the_read_ran(sidecar, mode, seen, wordpress_site, login,
                                                                          known_learner):
    session = login("admin")
    response = learner_read(sidecar, mode, wordpress_site, session, known_learner, "0123456789")
    body = json.loads(response.data)
    assert body["success"] is False
    assert b"Thandi" not in response.data and b"9001015009087" not in response.data
    assert seen == [True]
