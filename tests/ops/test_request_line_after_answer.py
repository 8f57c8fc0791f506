"""A request is counted and logged once its answer has gone out, as an access log is: the caller never waits for its
own log line. Run in this process, against the session's MariaDB and PostgreSQL, so the moment the server sends the
answer (it has taken the whole body, then closes it, as a server does) can be told from the moment the server is
done with the request."""
from __future__ import annotations


import pytest
from flask import Response
from prometheus_client import REGISTRY
from werkzeug.test import EnvironBuilder

from devstack.ajax import create_nonce
from devstack.inprocess import InProcessSidecar
from devstack.sidecar_server import settings_file
from devstack.signed import wire_cookie

ACTION = "wecoza_get_learner"


@pytest.fixture
def direct_app(sidecar_server, tmp_path, request_lines):
    sidecar = InProcessSidecar({**sidecar_server.env, **settings_file(tmp_path, "[sidecar]\ndirect_mode = on\n")})
    try:
        yield sidecar.app, request_lines
    finally:
        sidecar.close()


def learner_read(site, session, learner_id: int) -> dict:
    """The WSGI environ of the learner page's read, as nginx hands it to the sidecar in direct mode."""
    nonce = create_nonce(site, session, "learners_nonce_action")
    return EnvironBuilder(method="POST", path="/wp-admin/admin-ajax.php",
                          data={"action": ACTION, "id": str(learner_id), "nonce": nonce},
                          headers={"Cookie": wire_cookie(session)}).get_environ()


def answered(app, environ) -> tuple[str, bytes, object]:
    """(status, body, the body's iterable, not closed yet): what a WSGI server holds once it has sent the answer."""
    started = []
    body = app(environ, lambda status, headers, exc_info=None: started.append(status))
    return started[0], b"".join(body), body


def counted(status: int) -> float:
    return REGISTRY.get_sample_value("wecoza_sidecar_requests_total", {"action": ACTION, "status": str(status)}) or 0


def test_an_answered_read_is_logged_and_counted_when_the_server_closes_it(direct_app, wordpress_site, login,
                                                                         probe_learner):
    app, records = direct_app
    environ = learner_read(wordpress_site, login("admin"), probe_learner["id"])
    before = counted(200)

    status, body, iterable = answered(app, environ)
    assert status.startswith("200") and body.startswith(b'{"success":true'), body[:200]
    assert records == [] and counted(200) == before  # the answer is out; nothing has been written yet

    iterable.close()
    [record] = records
    assert (record.fields["action"], record.fields["status"], record.fields["auth"]) == (ACTION, 200, "ok")
    assert record.fields["duration_ms"] > 0
    assert counted(200) == before + 1


def test_a_refused_read_is_logged_when_the_server_closes_it(direct_app, wordpress_site, login, probe_learner):
    app, records = direct_app

    status, _, iterable = answered(app, learner_read(wordpress_site, login("subscriber1"), probe_learner["id"]))
    assert status.startswith("403") and records == []
    iterable.close()
    [record] = records
    assert (record.fields["status"], record.fields["refusal"]["kind"]) == (403, "auth")


def test_an_answer_whose_body_goes_to_the_server_as_is_is_logged_at_once(direct_app):
    """A response werkzeug passes through untouched (``direct_passthrough``, as a file sent whole would be) has no close
    that calls back: its line is written when the answer is handed over, never lost."""
    app, records = direct_app
    app.add_url_rule("/passed-through", "passed_through",
                     lambda: Response(iter([b"as is"]), content_type="text/plain", direct_passthrough=True))

    status, body, _ = answered(app, EnvironBuilder(path="/passed-through").get_environ())

    assert status.startswith("200") and body == b"as is"
    [record] = records
    assert (record.fields["route"], record.fields["status"], record.fields["method"]) == ("/passed-through", 200, "GET")
