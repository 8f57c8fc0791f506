"""`python -m demo.stack` (what ./scripts/demo.sh runs): bring-up, idempotence, restart without data loss, purge.

The demo runs in a temporary --root with a unique --name, on a free --port: a developer's .demo/ is never touched.
"""
import html
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sidecar.learners.validation import luhn_valid
from demo.stack import group_members, mysql_database_exists, pg_connect, pg_database_exists, psql_admin, wp_php
from tests.support.ajax import call, create_nonce
from tests.support.ports import free_port, port_open
from tests.support.system import REPO_ROOT
from tests.support.wordpress import WordPressSite

SA_ID = re.compile(r"^([0-9]{2})((?:0[1-9])|(?:1[0-2]))((?:[0-2][0-9])|(?:3[0-1]))[0-9]{7}$")  # learners-contract 6.5


def stack(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "demo.stack", *map(str, args)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout)


def up(root, name, port):
    run = stack("up", "--root", root, "--name", name, "--port", port, "--json")
    assert run.returncode == 0, f"demo up failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}"
    return json.loads(run.stdout)


class DemoSite:
    """Just enough of tests.support.wordpress.WordPressSite for login() and create_nonce() on the demo's site."""

    login = WordPressSite.login

    def __init__(self, info):
        self.url = info["wordpress_url"]
        self.path = Path(info["wordpress"]["path"])
        self.users = {info["admin_login"]: info["admin_password"]}

    def php(self, code, *args):
        return wp_php(self.path, self.url, code, *args)


def pg_query(state, sql, args=()):
    conn = pg_connect(state)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()
    finally:
        conn.close()


def group_alive(pgid):
    return bool(group_members(pgid))


def developer_demo():
    state = REPO_ROOT / ".demo" / "state.json"
    return state.stat().st_mtime_ns if state.exists() else None


@pytest.fixture(scope="module")
def demo(system_services, tmp_path_factory):
    """One demo brought up for the module (a temp --root, a unique --name, a free --port); purged at the end."""
    before_developer_demo = developer_demo()
    root, name, port = tmp_path_factory.mktemp("demo") / "root", f"t{secrets.token_hex(4)}", free_port()
    started = time.monotonic()
    info = up(root, name, port)
    info["seconds"] = time.monotonic() - started
    state = json.loads((root / "state.json").read_text())
    try:
        yield {"root": root, "name": name, "port": port, "info": info, "state": state}
    finally:
        if root.exists():
            stack("down", "--purge", "--root", root)
    assert developer_demo() == before_developer_demo, "the tests touched the developer's .demo/"


@pytest.mark.slow
def test_bring_up(demo):
    info, state, root = demo["info"], demo["state"], demo["root"]
    assert oct((root / "state.json").stat().st_mode & 0o777) == "0o600"
    assert info["wordpress_url"] == f"http://127.0.0.1:{demo['port']}"
    assert state["postgres"]["dbname"] == f"wecoza_demo_{demo['name']}"
    assert state["mysql"]["dbname"] == f"wecoza_demo_wp_{demo['name']}"
    assert set(info["started"]) == {"wordpress", "sidecar"} and info["seconds"] < 300
    for key in ("wordpress", "sidecar"):
        assert info[key]["running"] and group_alive(info[key]["pid"])
    ready = requests.get(f"{info['sidecar_url']}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert ready.json()["outbox_backlog"] == 0


@pytest.mark.slow
def test_invented_data(demo):
    info, state = demo["info"], demo["state"]
    assert info["data"]["learners"] == 60 and len(info["data"]["classes"]) >= 3
    rows = pg_query(state, "SELECT id, sa_id_no, passport_number, first_name, surname FROM learners")
    assert len(rows) == 60
    ids = [r[1] for r in rows if r[1]]
    assert len(ids) >= 50 and len(set(ids)) == len(ids)
    assert all(SA_ID.match(i) and luhn_valid(i) for i in ids)
    assert all(r[1] or r[2] for r in rows) and all(r[3] and r[4] for r in rows)
    portfolios = pg_query(state, "SELECT learner_id, file_path FROM learner_portfolios")
    assert portfolios and all(re.fullmatch(r"portfolios/portfolio_[0-9a-f.]+\.pdf", p) for _, p in portfolios)
    pdf = requests.get(f"{info['wordpress_url']}/wp-content/uploads/{portfolios[0][1]}", timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    classes = pg_query(state, "SELECT class_id, schedule_data, learner_ids FROM classes ORDER BY class_id")
    assert len(classes) == len(info["data"]["classes"])
    learner_ids = {r[0] for r in rows}
    for _, schedule, members in classes:
        assert schedule["version"] == "2.0" and schedule["pattern"] in ("weekly", "biweekly")
        assert set(schedule["timeData"]["perDayTimes"]) == set(schedule["selectedDays"])
        assert members and all(isinstance(m["id"], str) and int(m["id"]) in learner_ids for m in members)


@pytest.mark.slow
def test_wordpress_shim_and_demo_page(demo):
    info, state = demo["info"], demo["state"]
    site = DemoSite(info)
    admin = site.login(info["admin_login"], info["admin_password"])
    page = admin.get(info["demo_page_url"], timeout=60)
    assert page.status_code == 200
    for marker in ('id="wecoza-demo-learners"', 'id="wecoza-demo-calendar"', "fetch_learners_data",
                   "wecoza_get_learner", "get_calendar_events", "learnersNonce", "calendarNonce"):
        assert marker in page.text, marker
    assert all(c["code"] in page.text for c in info["data"]["classes"])
    active = json.loads(site.php("echo json_encode(get_option('active_plugins'));"))
    assert {"wecoza-sidecar-shim/wecoza-sidecar-shim.php", "wecoza-demo/wecoza-demo.php"} <= set(active)

    # The three calls the page makes, with nonces made by WordPress for this session, through the shim.
    learner_id, sa_id, first_name, surname = pg_query(
        state, "SELECT id, sa_id_no, first_name, surname FROM learners WHERE sa_id_no IS NOT NULL ORDER BY id")[0]
    nonce = create_nonce(site, admin, "learners_nonce_action")
    answer = call(site, admin, "wecoza_get_learner", {"id": str(learner_id), "nonce": nonce})
    assert answer.status_code == 200, answer.text
    learner = answer.json()["data"]
    assert (learner["id"], learner["firstName"], learner["surname"], learner["saIdNo"]) == \
        (learner_id, first_name, surname, sa_id)

    rows = call(site, admin, "fetch_learners_data", {"nonce": create_nonce(site, admin, "learners_nonce")})
    assert rows.status_code == 200 and rows.json()["success"] is True
    assert rows.json()["data"].count("<tr>") == 60 and f'data-id="{learner_id}"' in rows.json()["data"]

    first_class = info["data"]["classes"][0]["id"]
    events = call(site, admin, "get_calendar_events",
                  {"class_id": str(first_class), "nonce": create_nonce(site, admin, "wecoza_calendar_nonce")})
    assert events.status_code == 200 and isinstance(events.json(), list)
    assert any(e.get("extendedProps", {}).get("type") == "class_session" for e in events.json())
    demo["session"], demo["nonce"], demo["learner"] = admin, nonce, (learner_id, learner)


@pytest.mark.slow
def test_demo_page_renders_in_a_browser(demo, tmp_path):
    """Headless Chromium logs in (a form posting to wp-login.php), opens the page, runs its script; the DOM after
    the script shows the learners from fetch_learners_data, one learner from wecoza_get_learner, and the class
    calendar from get_calendar_events."""
    info = demo["info"]
    learner_id = demo["learner"][0] if "learner" in demo else 1
    target = f"{info['demo_page_url']}&learner={learner_id}"
    login = tmp_path / "login.html"
    login.write_text(
        '<html><body onload="document.forms[0].submit()">'
        f'<form method="post" action="{html.escape(info["wordpress_url"])}/wp-login.php">'
        f'<input name="log" value="{html.escape(info["admin_login"])}">'
        f'<input name="pwd" value="{html.escape(info["admin_password"])}">'
        f'<input name="redirect_to" value="{html.escape(target)}"></form></body></html>')
    for attempt in range(3):  # a headless Chromium that exits without a DOM (it happens under load) runs again
        run = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / f'chromium-profile-{attempt}'}", "--virtual-time-budget=20000",
             "--dump-dom", login.as_uri()],
            capture_output=True, text=True, timeout=180)
        dom = run.stdout
        if 'id="wecoza-demo-learners"' in dom:
            break
    assert 'id="wecoza-demo-learners"' in dom, \
        f"the demo page did not load in Chromium (exit {run.returncode}):\n{dom[-1000:]}\n{run.stderr[-3000:]}"
    assert 'id="wecoza-demo-count">(60)<' in dom
    assert dom.count('wecoza-demo-open" data-id="') == 15  # one page of the list, each with its learner id
    assert 'id="wecoza-demo-learner-name">' in dom and f"(#{learner_id})</h3>" in dom
    assert "wecoza-demo-event-class_session" in dom and re.search(r"<h3>\w+ \d{4} — \d+ sessions</h3>", dom)
    for where in ("list", "learner", "calendar"):  # no failure notice is showing
        assert re.search(rf'<div id="wecoza-demo-notice-{where}"[^>]*\shidden', dom), where


@pytest.mark.slow
def test_up_again_restart_down_and_purge(demo):
    root, name, port, info, state = demo["root"], demo["name"], demo["port"], demo["info"], demo["state"]
    site = DemoSite(info)
    admin = demo.get("session") or site.login(info["admin_login"], info["admin_password"])
    nonce = demo.get("nonce") or create_nonce(site, admin, "learners_nonce_action")
    learner_id = pg_query(state, "SELECT min(id) FROM learners")[0][0]
    learner = call(site, admin, "wecoza_get_learner", {"id": str(learner_id), "nonce": nonce}).json()["data"]

    # ------------------------------------------------------------ up again: nothing changes
    again = up(root, name, port)
    assert again["started"] == []
    for key in ("wordpress_url", "sidecar_url", "admin_password"):
        assert again[key] == info[key]
    assert again["wordpress"]["pid"] == info["wordpress"]["pid"]
    assert again["sidecar"]["pid"] == info["sidecar"]["pid"]
    assert pg_query(state, "SELECT count(*) FROM learners") == [(60,)]

    # ------------------------------------------------------------ processes die: up restarts them, data kept
    for key in ("wordpress", "sidecar"):
        os.killpg(info[key]["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(port_open("127.0.0.1", info[k]["port"]) for k in ("wordpress", "sidecar")):
        assert time.monotonic() < deadline, "the killed services still answer"
        time.sleep(0.1)
    assert stack("status", "--root", root).returncode == 1
    restarted = up(root, name, port)
    assert set(restarted["started"]) == {"wordpress", "sidecar"}
    assert restarted["wordpress"]["port"] == port and restarted["sidecar"]["port"] == info["sidecar"]["port"]
    assert restarted["wordpress"]["pid"] != info["wordpress"]["pid"]
    same = call(site, admin, "wecoza_get_learner", {"id": str(learner_id), "nonce": nonce})
    assert same.status_code == 200 and same.json()["data"] == learner  # same session, same data
    assert pg_query(state, "SELECT count(*) FROM learners") == [(60,)]
    status = stack("status", "--root", root, "--json")
    assert status.returncode == 0 and json.loads(status.stdout)["readyz"]["status"] == "ok"

    # ------------------------------------------------------------ down: stopped, data kept
    pids = [restarted[k]["pid"] for k in ("wordpress", "sidecar")]
    down = stack("down", "--root", root)
    assert down.returncode == 0, down.stderr
    assert not any(group_alive(pid) for pid in pids)
    assert not port_open("127.0.0.1", port) and not port_open("127.0.0.1", info["sidecar"]["port"])
    assert pg_database_exists(state["postgres"]["dbname"]) and (root / "state.json").exists()

    # ------------------------------------------------------------ purge: nothing left
    purge = stack("down", "--purge", "--root", root)
    assert purge.returncode == 0, purge.stderr
    assert not root.exists()
    assert not pg_database_exists(state["postgres"]["dbname"])
    assert not mysql_database_exists(state["mysql"]["dbname"])
    assert psql_admin("SELECT count(*) FROM pg_roles WHERE rolname = :'r';\n", r=state["postgres"]["user"]).strip() \
        == "0"
    assert not any(group_alive(pid) for pid in pids + [info[k]["pid"] for k in ("wordpress", "sidecar")])


def test_up_refuses_leftover_databases_and_purge_without_state_removes_them(system_services, tmp_path):
    """A lost .demo/ does not make `up` overwrite databases it did not record; `down --purge --name` drops them."""
    name = f"t{secrets.token_hex(4)}"
    psql_admin("SELECT format('CREATE DATABASE %I', :'db') \\gexec\n", db=f"wecoza_demo_{name}")
    try:
        run = stack("up", "--root", tmp_path / "demo", "--name", name, "--port", free_port())
        assert run.returncode == 1
        assert f"wecoza_demo_{name}" in run.stderr and "down --purge" in run.stderr
        assert not (tmp_path / "demo" / "state.json").exists()
    finally:
        purge = stack("down", "--purge", "--root", tmp_path / "demo", "--name", name)
    assert purge.returncode == 0, purge.stderr
    assert not pg_database_exists(f"wecoza_demo_{name}")
