"""Fault injection: what the user sees, that the database holds all of a change or none of it, that no
file is left without its row, and that service resumes by itself when the fault ends."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from sidecar.guard import FILE_STORAGE_FAILED, SERVICE_UNAVAILABLE
from tests.learners import samples
from tests.learners.test_forms_e2e import capture_fields, email, post_form
from devstack.sidecar_server import SidecarServer
from devstack.signed import forward, wire_cookie

from .tcp_proxy import TcpProxy

UNAVAILABLE = {"success": False, "data": {"message": SERVICE_UNAVAILABLE}}


def get_learner(ajax, learner_id):
    return ajax.post("wecoza_get_learner", data={"id": str(learner_id)}, nonce_action="learners_nonce_action")


def update_learner(ajax, learner_id, **fields):
    return ajax.post("wecoza_update_learner", data={"id": str(learner_id), **fields},
                     nonce_action="learners_nonce_action")


def terminate_backends(pg_database):
    pg_database.server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = :'db' AND pid <> pg_backend_pid();", db=pg_database.dbname)


def test_postgres_refusing_connections_then_back(ajax, db, learners, pg_database, sidecar_server):
    learner_id = learners.make(first_name="Before")
    assert get_learner(ajax, learner_id).status_code == 200  # the sidecar's pool holds live connections now
    pg_database.server.psql('ALTER DATABASE :"db" ALLOW_CONNECTIONS false;', db=pg_database.dbname)
    try:
        terminate_backends(pg_database)
        read = get_learner(ajax, learner_id)
        write = update_learner(ajax, learner_id, first_name="During")
        assert (read.status_code, read.json()) == (503, UNAVAILABLE)
        assert (write.status_code, write.json()) == (503, UNAVAILABLE)
        ready = requests.get(f"{sidecar_server.url}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["checks"]["postgres"]["ok"] is False and ready.json()["checks"]["mysql"]["ok"] is True
    finally:
        pg_database.server.psql('ALTER DATABASE :"db" ALLOW_CONNECTIONS true;', db=pg_database.dbname)
    assert db.scalar("SELECT first_name FROM learners WHERE id = %s", (learner_id,)) == "Before"
    for _ in range(4):  # every worker resumes by itself, with no failed request
        assert get_learner(ajax, learner_id).status_code == 200
    assert update_learner(ajax, learner_id, first_name="After").status_code == 200
    assert db.scalar("SELECT first_name FROM learners WHERE id = %s", (learner_id,)) == "After"


def test_postgres_restarted_between_requests(ajax, learners, pg_server):
    learner_id = learners.make(first_name="Restart")
    assert get_learner(ajax, learner_id).status_code == 200
    started = pg_server.psql("SELECT pg_postmaster_start_time();")
    pg_server.restart()  # the suite's own server
    assert pg_server.psql("SELECT pg_postmaster_start_time();") != started
    for _ in range(4):  # pooled connections died with the server: noticed at checkout, no request fails
        response = get_learner(ajax, learner_id)
        assert response.status_code == 200, response.text


def test_postgres_slowed_mid_request_finishes_the_request(ajax, db, learners, pg_database):
    learner_id = learners.make(first_name="Slow")
    results = {}
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("LOCK TABLE learners IN ACCESS EXCLUSIVE MODE")
        worker = threading.Thread(target=lambda: results.setdefault(
            "r", update_learner(ajax, learner_id, first_name="Waited")))
        worker.start()
        time.sleep(2)
        assert worker.is_alive(), "the update waits for the lock"
        conn.commit()
    worker.join(30)
    assert results["r"].status_code == 200, results["r"].text
    assert db.scalar("SELECT first_name FROM learners WHERE id = %s", (learner_id,)) == "Waited"


@pytest.fixture(scope="module")
def isolated_sidecar(wordpress_site, pg_database, sidecar_server, tmp_path_factory):
    """A second sidecar reading WordPress's MySQL through a proxy we can cut, with a 1 s statement timeout."""
    root = tmp_path_factory.mktemp("faults")
    proxy = TcpProxy(wordpress_site.db.host, wordpress_site.db.port).start()
    server = SidecarServer(root / "sidecar", wordpress_site, pg_database,
                           settings="[postgres]\nstatement_timeout = 1000\n")
    server.env.update({"WECOZA_WP_DB_HOST": "127.0.0.1", "WECOZA_WP_DB_PORT": str(proxy.port)})
    server.start()
    try:
        yield server, proxy
    finally:
        server.stop()
        proxy.stop()


def test_mysql_stopped_then_back(isolated_sidecar, ajax, learners):
    server, proxy = isolated_sidecar
    learner_id = learners.make(first_name="Mysql")
    fields = {"id": str(learner_id), "nonce": ajax.nonce("admin", "learners_nonce_action")}
    cookie = wire_cookie(ajax.session("admin"))
    ok, _ = forward(server, "wecoza_get_learner", fields, cookie=cookie)
    assert ok.status_code == 200
    proxy.stop()
    try:
        down, _ = forward(server, "wecoza_get_learner", fields, cookie=cookie)
        assert (down.status_code, down.json()) == (503, UNAVAILABLE)
        assert "SA ID" not in down.text and "Mysql" not in down.text
        ready = requests.get(f"{server.url}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"mysql": {"ok": False}, "postgres": {"ok": True}}
        assert str(proxy.port) not in ready.text  # no host, port or error text to an anonymous caller
        assert "readyz: mysql not ready" in server.log()  # the detail is for the operator's log
    finally:
        proxy.start()
    for _ in range(3):
        back, _ = forward(server, "wecoza_get_learner", fields, cookie=cookie)
        assert back.status_code == 200, back.text


def test_statement_timeout_fails_cleanly_and_changes_nothing(isolated_sidecar, ajax, db, learners, pg_database):
    server, _ = isolated_sidecar
    learner_id = learners.make(first_name="Locked")
    fields = {"id": str(learner_id), "first_name": "Never", "nonce": ajax.nonce("admin", "learners_nonce_action")}
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("LOCK TABLE learners IN ACCESS EXCLUSIVE MODE")
        response, _ = forward(server, "wecoza_update_learner", fields, cookie=wire_cookie(ajax.session("admin")))
        conn.rollback()
    assert (response.status_code, response.json()) == (503, UNAVAILABLE)
    assert db.scalar("SELECT first_name FROM learners WHERE id = %s", (learner_id,)) == "Locked"


def portfolio_files(uploads_root: Path) -> set[str]:
    folder = uploads_root / "portfolios"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_sidecar_killed_mid_write_leaves_neither_row_nor_file(
        sidecar_server, wordpress_site, ajax, db, pg_database, page, uploads_root):
    address = email()
    fields = capture_fields(ajax.nonce("admin", "submit_learners_form"), address)
    files = [("scanned_portfolio[]", ("scan.pdf", samples.pdf("killed"), "application/pdf"))]
    before = {n for n in portfolio_files(uploads_root) if not n.endswith(".part")}
    outcome = {}
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("LOCK TABLE learners IN EXCLUSIVE MODE")  # the create blocks inside its transaction
        worker = threading.Thread(target=lambda: outcome.setdefault(
            "r", post_form(ajax.session("admin"), page, fields, files)))
        worker.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(n.endswith(".part") for n in portfolio_files(uploads_root)):
            time.sleep(0.1)
        os.killpg(sidecar_server.proc.pid, signal.SIGKILL)
        sidecar_server.proc.wait(10)
        conn.rollback()
    worker.join(60)
    sidecar_server.proc = None
    sidecar_server.start()
    assert outcome["r"].status_code == 303  # the shim shows its "unavailable" alert after the redirect
    landing = ajax.session("admin").get(urljoin(wordpress_site.url, outcome["r"].headers["Location"]), timeout=30)
    assert "temporarily unavailable" in landing.text
    assert db.one("SELECT id FROM learners WHERE email_address = %s", (address,)) is None
    after = portfolio_files(uploads_root)
    assert {n for n in after if not n.endswith(".part")} == before, "no committed file without its row"
    from sidecar.uploads import sweep_partial_uploads
    sweep_partial_uploads(uploads_root, older_than=0)
    assert not any(n.endswith(".part") for n in portfolio_files(uploads_root))


@pytest.fixture
def small_portfolio_disk(uploads_root):
    """The portfolios folder on a 256 KiB tmpfs (root only: mount)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small filesystem (CI runs as root)")
    folder = uploads_root / "portfolios"
    folder.mkdir(exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.mark.parametrize("fault", ["disk_full", "read_only"])
def test_uploads_disk_full_or_read_only(fault, small_portfolio_disk, wordpress_site, ajax, db, page):
    if fault == "disk_full":
        (small_portfolio_disk / "filler").write_bytes(b"\0" * (250 * 1024))
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(small_portfolio_disk)], check=True)
    address = email()
    fields = capture_fields(ajax.nonce("admin", "submit_learners_form"), address)
    files = [("scanned_portfolio[]", ("scan.pdf", samples.pdf("x" * 20000), "application/pdf"))]
    response = post_form(ajax.session("admin"), page, fields, files)
    assert response.status_code == 303
    landing = ajax.session("admin").get(urljoin(wordpress_site.url, response.headers["Location"]), timeout=30).text
    assert FILE_STORAGE_FAILED in landing
    assert db.one("SELECT id FROM learners WHERE email_address = %s", (address,)) is None
    names = {p.name for p in small_portfolio_disk.iterdir()}
    assert names <= {"filler", "index.php", ".htaccess"}, names
