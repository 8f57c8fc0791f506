"""`python -m demo.stack` (what ./scripts/demo.sh runs): bring-up, idempotence, restart without data loss, purge;
the write pages driven in Chromium (every write lands in PostgreSQL and its hooks show); `env` for the CLI; the
class-change trigger fix; the legacy plugin beside the shim (when WECOZA_LEGACY_PLUGIN names a copy).

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
from devstack.ajax import call, create_nonce
from devstack.browser import logged_in_context
from devstack.legacy_plugin import plugin_dir_from_env
from devstack.ports import free_port, port_open
from devstack.postgres import PgDatabase
from devstack.processes import group_members
from devstack.servers import pointing_at
from devstack.system import REPO_ROOT
from devstack.wordpress import WordPressSite, run_php

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TRIGGER_FIX = REPO_ROOT / "sidecar" / "classes" / "notify_trigger_fix.sql"
# docs/contracts/learners.md#validation
SA_ID = re.compile(r"^([0-9]{2})((?:0[1-9])|(?:1[0-2]))((?:[0-2][0-9])|(?:3[0-1]))[0-9]{7}$")


# The demo's servers in these tests: the suite's own (``servers``), never the machine's.
DEMO_SERVERS: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def servers(pg_server, mysql_server):
    """(PostgreSQL, MariaDB) the demo runs on: the suite's own servers, which every ``stack`` command is pointed at."""
    DEMO_SERVERS.update(pointing_at(pg_server, mysql_server))
    try:
        yield pg_server, mysql_server
    finally:
        DEMO_SERVERS.clear()


def stack(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "demo.stack", *map(str, args)], cwd=REPO_ROOT,
                          env={**os.environ, **DEMO_SERVERS}, capture_output=True, text=True, timeout=timeout)


def up(root, name, port, *more):
    run = stack("up", "--root", root, "--name", name, "--port", port, *more, "--json")
    assert run.returncode == 0, f"demo up failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}"
    return json.loads(run.stdout)


class DemoSite:
    """Just enough of devstack.wordpress.WordPressSite for login() and create_nonce() on the demo's site."""

    login = WordPressSite.login

    def __init__(self, info):
        self.url = info["wordpress_url"]
        self.path = Path(info["wordpress"]["path"])
        self.users = {info["admin_login"]: info["admin_password"]}

    def php(self, code, *args):
        return run_php(self.path, self.url, code, *args)


def pg_query(state, sql, args=()):
    conn = PgDatabase(**state["postgres"]).connect()
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
def demo(servers, tmp_path_factory):
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
def test_bring_up(demo, servers):
    info, state, root = demo["info"], demo["state"], demo["root"]
    assert (state["postgres"]["port"], state["mysql"]["port"]) == tuple(server.port for server in servers)  # ours
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
    assert "wecoza-demo-event-class_session" in dom
    assert re.search(r"<h3>\w+ \d{4} — \d+ sessions?(, \d+ public holidays?)?</h3>", dom)
    # the first class runs 16 weeks, longer than any gap between South Africa's public holidays: the days the
    # schedule skips for a holiday show the holiday
    assert re.search(r'<tr class="wecoza-demo-event-public_holiday">.*?<td class="type">public holiday</td>', dom)
    assert re.search(r"— \d+ sessions?, \d+ public holidays?</h3>", dom)
    assert not re.search(r"\b1 (sessions|public holidays|events|months)\b", dom)
    for where in ("list", "learner", "calendar"):  # no failure notice is showing
        assert re.search(rf'<div id="wecoza-demo-notice-{where}"[^>]*\shidden', dom), where


def answer(page, box):
    """The summary and the hook names of an answer box once its hooks are collected; the box is reset."""
    page.wait_for_selector(f"#wecoza-demo-answer-{box}[data-hooks=done]", timeout=60000)
    found = page.locator(f"#wecoza-demo-answer-{box}")
    summary = found.locator(".wecoza-demo-summary").inner_text()
    hooks = found.locator(".wecoza-demo-hooks li[data-hook]").evaluate_all("els => els.map(e => e.dataset.hook)")
    page.evaluate(f"document.getElementById('wecoza-demo-answer-{box}').removeAttribute('data-hooks')")
    return summary, hooks


@pytest.fixture()
def admin_page(demo, browser):
    info = demo["info"]
    site = DemoSite(info)
    session = site.login(info["admin_login"], info["admin_password"])
    context = logged_in_context(browser, site, session)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.slow
def test_learner_write_page(demo, admin_page):
    """Capture (form post with a portfolio), update (form post with another), quick update (update_learner_data),
    delete a portfolio, delete the learner: each click lands in PostgreSQL and shows its answer and its hooks."""
    state, page = demo["state"], admin_page
    page.goto("/wp-admin/admin.php?page=wecoza-demo-learners")
    page.wait_for_function("document.querySelector('#wd-city_town_id').options.length > 0")
    form = page.locator("#wd-learner-form")
    email = f"demo.{secrets.token_hex(3)}@example.org"
    for name, value in (("first_name", "Lwazi"), ("surname", "Demo-Capture"), ("tel_number", "0821234567"),
                        ("email_address", email), ("sa_id_no", "9001015009086"), ("address_line_1", "1 Main Street"),
                        ("postal_code", "2000")):
        form.locator(f"[name={name}]").fill(value)
    form.locator("#wd-scanned_portfolio").set_input_files([{"name": "one.pdf", "mimeType": "application/pdf",
                                                            "buffer": PDF}])
    page.click("#wd-learner-save")
    summary, hooks = answer(page, "learner-form")
    assert summary == "learners_create: Learner Added successfully!"
    assert set(hooks) == {"wecoza_learner_created", "wecoza_learner_portfolio_uploaded"}
    [(learner_id, surname)] = pg_query(state, "SELECT id, surname FROM learners WHERE email_address = %s", (email,))
    assert surname == "Demo-Capture" and page.input_value("#wd-learner") == str(learner_id)

    page.click("#wd-learner-load")
    # The form says when the loaded values are in: typing before that would be overwritten by the load.
    page.wait_for_selector(f"#wd-learner-form[data-loaded='{learner_id}']")
    assert page.input_value("[name=email_address]") == email
    form.locator("[name=surname]").fill("Demo-Updated")
    form.locator("#wd-scanned_portfolio").set_input_files([{"name": "two.pdf", "mimeType": "application/pdf",
                                                            "buffer": PDF}])
    page.click("#wd-learner-save")
    summary, hooks = answer(page, "learner-form")
    assert summary.startswith("learners_update: Learner updated successfully")
    assert set(hooks) == {"wecoza_learner_updated", "wecoza_learner_portfolio_uploaded"}
    assert pg_query(state, "SELECT surname FROM learners WHERE id = %s", (learner_id,)) == [("Demo-Updated",)]
    assert len(pg_query(state, "SELECT 1 FROM learner_portfolios WHERE learner_id = %s", (learner_id,))) == 2

    page.fill("#wd-quick-value", "0839990000")
    page.click("#wd-quick button[type=submit]")
    assert answer(page, "quick") == ("update_learner_data: done: Learner updated successfully",
                                     ["wecoza_learner_updated"])
    assert pg_query(state, "SELECT tel_number FROM learners WHERE id = %s", (learner_id,)) == [("0839990000",)]

    page.click("#wd-portfolios-load")
    page.wait_for_selector(".wd-portfolio-delete")
    assert page.locator(".wd-portfolio-delete").count() == 2
    page.locator(".wd-portfolio-delete").first.click()
    assert answer(page, "portfolio") == ("delete_learner_portfolio: done: Portfolio deleted successfully",
                                         ["wecoza_learner_portfolio_deleted"])
    assert len(pg_query(state, "SELECT 1 FROM learner_portfolios WHERE learner_id = %s", (learner_id,))) == 1

    page.select_option("#wd-delete-action", "wecoza_delete_learner")
    page.click("#wd-delete button[type=submit]")
    assert answer(page, "delete") == ("wecoza_delete_learner: done: Learner deleted successfully",
                                      ["wecoza_learner_deleted"])
    assert pg_query(state, "SELECT count(*) FROM learners WHERE id = %s", (learner_id,)) == [(0,)]

    # A refusal shows the sidecar's message and fires nothing.
    page.click("#wd-delete button[type=submit]")
    summary, hooks = answer(page, "delete")
    assert summary.startswith("wecoza_delete_learner: refused (HTTP 400)") and "no longer exists" in summary
    assert hooks == []


@pytest.mark.slow
def test_class_write_page(demo, admin_page):
    """Create a class with its schedule, edit the schedule, add a note with an attachment and delete it, record a
    QA visit, show the calendar with the public holidays: each lands in PostgreSQL and shows its hooks."""
    state, page = demo["state"], admin_page
    page.goto("/wp-admin/admin.php?page=wecoza-demo-classes")
    page.wait_for_function("document.querySelector('#wd-learners').options.length > 1 && "
                           "document.querySelector('#wd-class_subject').options.length > 0")
    page.fill("#wd-start", "2026-12-01")
    page.fill("#wd-end", "2027-01-29")
    page.check(".wd-day[value=Tuesday]")
    page.fill(".wd-day-start[data-day=Tuesday]", "08:30")
    page.fill(".wd-day-end[data-day=Tuesday]", "11:30")
    page.select_option("#wd-learners", index=[0, 1])
    page.click("#wd-class-save")
    summary, hooks = answer(page, "class-form")
    assert summary == "save_class: done: Draft class created successfully." and hooks == ["wecoza_class_created"]
    class_id = int(page.input_value("#wd-class"))
    [(schedule, members)] = pg_query(state, "SELECT schedule_data, learner_ids FROM classes WHERE class_id = %s",
                                     (class_id,))
    assert schedule["selectedDays"] == ["Tuesday"] and len(members) == 2
    assert (schedule["startDate"], schedule["endDate"]) == ("2026-12-01", "2027-01-29")

    page.wait_for_function("document.querySelector('#wd-class-form-title').textContent.startsWith('Edit class')")
    page.wait_for_function("document.querySelector('.wd-day[value=Tuesday]').checked")
    page.check(".wd-day[value=Thursday]")
    page.click("#wd-class-save")
    summary, hooks = answer(page, "class-form")
    assert summary == "save_class: done: Class updated successfully." and hooks == ["wecoza_class_updated"]
    [(schedule, members)] = pg_query(state, "SELECT schedule_data, learner_ids FROM classes WHERE class_id = %s",
                                     (class_id,))
    assert schedule["selectedDays"] == ["Tuesday", "Thursday"] and len(members) == 2

    page.fill("#wd-note-content", "Venue keys collected")
    page.locator("#wd-note-file").set_input_files([{"name": "register.pdf", "mimeType": "application/pdf",
                                                    "buffer": PDF}])
    page.click("#wd-note button[type=submit]")
    summary, hooks = answer(page, "note")
    assert summary.startswith("save_class_note: done")
    assert set(hooks) == {"wecoza_class_attachment_uploaded", "wecoza_class_note_saved"}
    [(notes,)] = pg_query(state, "SELECT class_notes_data FROM classes WHERE class_id = %s", (class_id,))
    assert [n["content"] for n in notes] == ["Venue keys collected"] and len(notes[0]["attachments"]) == 1
    page.wait_for_selector(".wd-note-delete")
    page.locator(".wd-note-delete").first.click()
    assert answer(page, "note") == ("delete_class_note: done: Note deleted successfully",
                                    ["wecoza_class_note_deleted"])
    assert pg_query(state, "SELECT class_notes_data FROM classes WHERE class_id = %s", (class_id,)) == [([],)]

    page.fill("#wd-qa-date", "2026-12-08")
    page.fill("#wd-qa-officer", "Demo QA Officer")
    page.click("#wd-qa button[type=submit]")
    assert answer(page, "qa") == ("create_qa_visit: done: QA visit created successfully",
                                  ["wecoza_qa_visit_created"])
    assert pg_query(state, "SELECT visit_date::text, officer_name FROM qa_visits WHERE class_id = %s",
                    (class_id,)) == [("2026-12-08", "Demo QA Officer")]

    page.click("#wd-calendar-load")
    page.wait_for_selector("#wd-calendar table")
    holidays = page.locator("#wd-calendar tr.wd-holiday td:nth-child(4)").all_inner_texts()
    assert {"Day of Reconciliation", "Christmas Day", "New Year's Day"} <= set(holidays)
    sessions = page.locator("#wd-calendar tr.wd-event-class_session").count()
    assert sessions > 10
    assert page.locator("#wd-calendar p.description").inner_text() == \
        f"{sessions} sessions, {len(holidays)} public holidays in the class period."


@pytest.mark.slow
def test_env_points_the_cli_at_the_demo(demo):
    """`eval "$(./scripts/demo.sh env)"` then the operator commands, in a shell that has no WECOZA_* settings."""
    root, state = demo["root"], demo["state"]
    shell = {k: v for k, v in os.environ.items() if not k.startswith("WECOZA_")}
    shell["PATH"] = os.pathsep.join(p for p in shell.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    script = (f'eval "$(./scripts/demo.sh env --root {root})" && wecoza-sidecar check-config --json && '
              f"wecoza-sidecar actions --format json >/dev/null && wecoza-sidecar dispatch --once 2>/dev/null")
    run = subprocess.run(["bash", "-c", script], cwd=REPO_ROOT, env=shell, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    config = json.loads(run.stdout)
    assert json.dumps(config).count(state["postgres"]["dbname"]) >= 1
    assert state["secret"] not in run.stdout and state["postgres"]["password"] not in run.stdout
    lines = subprocess.run(["scripts/demo.sh", "env", "--root", root], cwd=REPO_ROOT, capture_output=True, text=True,
                           timeout=120).stdout.splitlines()
    assert all(line.startswith(("export ", "#")) for line in lines)
    assert f"export WECOZA_BIND=127.0.0.1:{state['sidecar']['port']}" in lines


@pytest.mark.slow
def test_class_trigger_fix_applied_and_said(demo):
    info, state = demo["info"], demo["state"]
    [(exists,)] = pg_query(state, "SELECT to_regprocedure('public.log_class_change()') IS NOT NULL")
    assert info["class_trigger"] == ("fixed" if exists else "absent")
    if exists:
        [(source,)] = pg_query(state,
                               "SELECT prosrc FROM pg_proc WHERE oid = 'public.log_class_change()'::regprocedure")
        fix = TRIGGER_FIX.read_text()
        assert source.strip() == fix[fix.index("$$") + 2:fix.rindex("$$")].strip()
    text = stack("up", "--root", demo["root"])
    assert text.returncode == 0 and "notify_trigger_fix.sql applied" in text.stdout


@pytest.mark.slow
@pytest.mark.skipif(plugin_dir_from_env() is None,
                    reason="set WECOZA_LEGACY_PLUGIN to a copy of yourdesigncoza/wecoza-core (not part of this "
                           "project) to run `up --legacy-plugin` with it")
def test_up_with_the_legacy_plugin(demo):
    """On the running demo: the plugin is copied in and active beside the shim, its pages render its forms."""
    info = demo["info"]
    again = up(demo["root"], demo["name"], demo["port"], "--legacy-plugin", plugin_dir_from_env())
    assert set(again["legacy_pages"]) == {"new-learner", "update-learners", "new-class", "display-single-class"}
    site = DemoSite(info)
    active = json.loads(site.php("echo json_encode(get_option('active_plugins'));"))
    assert {"wecoza-core/wecoza-core.php", "wecoza-sidecar-shim/wecoza-sidecar-shim.php"} <= set(active)
    assert not (site.path / "wp-content" / "plugins" / "wecoza-core").is_symlink()
    admin = site.login(info["admin_login"], info["admin_password"])
    capture = admin.get(again["legacy_pages"]["new-learner"], timeout=60)
    assert capture.status_code == 200 and 'name="wecoza_learners_form_nonce"' in capture.text


def test_up_refuses_a_folder_that_is_not_the_legacy_plugin(tmp_path):
    run = stack("up", "--root", tmp_path / "demo", "--name", f"t{secrets.token_hex(4)}", "--port", free_port(),
                "--legacy-plugin", tmp_path)
    assert run.returncode == 1 and "--legacy-plugin" in run.stderr and "wecoza-core.php" in run.stderr
    assert not (tmp_path / "demo").exists()


@pytest.mark.slow
def test_up_again_restart_down_and_purge(demo, servers):
    root, name, port, info, state = demo["root"], demo["name"], demo["port"], demo["info"], demo["state"]
    demo_pg, demo_mysql = servers
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
    assert demo_pg.database_exists(state["postgres"]["dbname"]) and (root / "state.json").exists()

    # ------------------------------------------------------------ purge: nothing left
    purge = stack("down", "--purge", "--root", root)
    assert purge.returncode == 0, purge.stderr
    assert not root.exists()
    assert not demo_pg.database_exists(state["postgres"]["dbname"])
    assert not demo_mysql.database_exists(state["mysql"]["dbname"])
    roles = demo_pg.psql("SELECT count(*) FROM pg_roles WHERE rolname = :'r';\n", r=state["postgres"]["user"])
    assert roles.strip() == "0"
    assert demo_mysql.admin(f"SELECT COUNT(*) FROM mysql.user WHERE user = '{state['mysql']['user']}';\n"
                       ).strip().splitlines()[-1].strip() == "0"
    assert not any(group_alive(pid) for pid in pids + [info[k]["pid"] for k in ("wordpress", "sidecar")])


def test_up_refuses_leftover_databases_and_purge_without_state_removes_them(servers, tmp_path):
    """A lost .demo/ does not make `up` overwrite databases it did not record; `down --purge --name` drops them."""
    demo_pg, _ = servers
    name = f"t{secrets.token_hex(4)}"
    demo_pg.psql("SELECT format('CREATE DATABASE %I', :'db') \\gexec\n", db=f"wecoza_demo_{name}")
    try:
        run = stack("up", "--root", tmp_path / "demo", "--name", name, "--port", free_port())
        assert run.returncode == 1
        assert f"wecoza_demo_{name}" in run.stderr and "down --purge" in run.stderr
        assert not (tmp_path / "demo" / "state.json").exists()
    finally:
        purge = stack("down", "--purge", "--root", tmp_path / "demo", "--name", name)
    assert purge.returncode == 0, purge.stderr
    assert not demo_pg.database_exists(f"wecoza_demo_{name}")
