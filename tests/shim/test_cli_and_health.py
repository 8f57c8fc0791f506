"""WP-CLI commands (through a stand-in for WP-CLI) and the Site Health test."""
import json
import re
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.every_wordpress

HARNESS = Path(__file__).resolve().parent / "php" / "cli_harness.php"


def wp_cli(site, command, *args):
    run = subprocess.run(["php", str(HARNESS), str(site.path), site.url, command, *args], capture_output=True,
                         text=True, timeout=60, cwd=site.path)
    assert run.returncode == 0, run.stderr + run.stdout
    return json.loads(run.stdout)


def test_cli_command_class_loads_only_under_wp_cli(sidecar, shim_site):
    assert shim_site.php("echo json_encode(class_exists('WeCoza_Sidecar_Cli', false));") == "false"
    assert wp_cli(shim_site, "ping")["registered"] == "WeCoza_Sidecar_Cli"


def test_cli_ping(sidecar, shim_site):
    out = wp_cli(shim_site, "ping")
    assert out["exit"] == 0
    assert out["lines"][0][0] == "success"
    assert re.fullmatch(r"pong: status ok, version 0\.1\.0, \d+ ms", out["lines"][0][1])
    with sidecar.stopped():
        down = wp_cli(shim_site, "ping")
    assert down["exit"] == 1 and down["lines"][0][0] == "error"
    assert down["lines"][0][1].startswith("The sidecar does not answer: ")


def test_cli_status(sidecar, shim_site):
    shim_site.set_option("wecoza_sidecar_unrouted", ["export_learners_csv"])
    sidecar.health = {"status": "ok", "version": "0.3.1", "outbox_backlog": 4}
    out = wp_cli(shim_site, "status")
    text = "\n".join(line for _, line in out["lines"])
    assert f"Sidecar URL:     {sidecar.url}" in text
    assert "Shared secret:   (set)" in text and sidecar.secret not in text
    assert "Reachable:       yes" in text
    assert "Sidecar version: 0.3.1" in text
    assert "Outbox backlog:  4" in text
    assert ["warning", "Version skew: shim 0.1.0, sidecar 0.3.1"] in out["lines"]
    rows = {item["action"]: item for item in out["items"]["items"]}
    assert set(rows) == {"wecoza_get_learner", "wecoza_update_learner", "fetch_learners_dropdown_data",
                         "get_class_subjects", "export_learners_csv"}
    assert rows["export_learners_csv"]["routed"] == "no" and rows["wecoza_get_learner"]["routed"] == "yes"
    assert rows["get_class_subjects"]["public"] == "yes" and rows["get_class_subjects"]["who"] == "anyone"
    assert rows["wecoza_get_learner"]["who"] == "manage_learners"


def test_cli_events(sidecar, shim_site, ajax_url):
    fired = {"id": str(uuid.uuid4()), "name": "wecoza_test_event", "payload": {"secret_payload": "not shown"}}
    sidecar.script("wecoza_update_learner", events=[fired])
    requests.post(ajax_url, data={"action": "wecoza_update_learner"}, timeout=30)
    out = wp_cli(shim_site, "events", "--limit=50", "--format=json")
    assert out["items"]["format"] == "json"
    assert out["items"]["fields"] == ["fired_at", "name", "event_id", "source"]
    row = next(item for item in out["items"]["items"] if item["event_id"] == fired["id"])
    assert (row["name"], row["source"]) == ("wecoza_test_event", "inline")
    assert "not shown" not in json.dumps(out)


def site_health(site):
    code = """
        $test = new WeCoza_Sidecar_Site_Health(wecoza_sidecar_shim()->settings, wecoza_sidecar_shim()->client);
        $tests = $test->add_test(['direct' => [], 'async' => []]);
        $result = call_user_func($tests['direct']['wecoza_sidecar']['test']);
        echo json_encode($result);
    """
    return json.loads(site.php(code))


def test_site_health_good(sidecar, shim_site):
    result = site_health(shim_site)
    assert result["status"] == "good" and result["test"] == "wecoza_sidecar"
    assert "Sidecar 0.1.0, shim 0.1.0" in result["description"]


def test_site_health_version_skew_and_backlog(sidecar, shim_site):
    sidecar.health = {"status": "ok", "version": "0.2.0", "outbox_backlog": 42}
    result = site_health(shim_site)
    assert result["status"] == "recommended"
    assert "Version skew (shim 0.1.0, sidecar 0.2.0)" in result["description"]
    assert "Events waiting in the sidecar outbox: 42." in result["description"]
    sidecar.health = {"status": "ok", "version": "0.1.9", "outbox_backlog": 3}
    result = site_health(shim_site)
    assert result["status"] == "good" and "outbox: 3." in result["description"]
    sidecar.health = {"status": "ok", "version": "0.1.9", "outbox_backlog": 11}
    assert site_health(shim_site)["label"] == "The WeCoza sidecar has undelivered events"


def test_site_health_unreachable_and_unconfigured(sidecar, shim_site):
    with sidecar.stopped():
        result = site_health(shim_site)
    assert result["status"] == "critical" and "GET /healthz failed" in result["description"]
    shim_site.set_option("wecoza_sidecar_secret", "")
    assert site_health(shim_site)["label"] == "The WeCoza sidecar is not configured"


def test_site_health_screen_runs_the_test(sidecar, shim_site):
    page = shim_site.login("admin").get(f"{shim_site.url}/wp-admin/site-health.php", timeout=60).text
    assert "The WeCoza sidecar answers" in page
