"""Every PHP file of the shim (and of its test helpers) is valid PHP, and the PHP signer matches wp_bridge.channel."""
import json
import subprocess
from pathlib import Path

import pytest

from wp_bridge.channel import ACK_KIND, EVENTS_KIND, ChannelSigner, ForwardedRequest, canonical, sha256_hex

REPO = Path(__file__).resolve().parents[2]
SHIM = REPO / "wp-plugin-shim"
PHP_FILES = sorted(SHIM.rglob("*.php")) + sorted((REPO / "tests" / "shim").rglob("*.php"))


def test_there_are_php_files():
    assert (SHIM / "wecoza-sidecar-shim.php") in PHP_FILES
    assert (SHIM / "uninstall.php") in PHP_FILES


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_php_lint(path):
    run = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No syntax errors detected" in run.stdout


@pytest.mark.parametrize("path", [p for p in PHP_FILES if p.is_relative_to(SHIM)], ids=lambda p: p.name)
def test_every_shim_file_refuses_direct_access(path):
    head = path.read_text()[:2000]
    assert "defined( 'ABSPATH' ) || exit;" in head or "defined( 'WP_UNINSTALL_PLUGIN' ) || exit;" in head


def test_one_class_per_include_file():
    for path in (SHIM / "includes").glob("*.php"):
        text = path.read_text()
        classes = [line for line in text.splitlines() if line.startswith(("class ", "final class "))]
        assert len(classes) == 1, path.name


SIGNER_PHP = r"""
define('ABSPATH', '/');
require $argv[1];
$in = json_decode(stream_get_contents(STDIN), true);
$c = new WeCoza_Sidecar_Channel($in['secret']);
$req = $in['request'];
$req['body'] = base64_decode($req['body']);
echo json_encode([
    'request' => $c->sign(WeCoza_Sidecar_Channel::request_canonical($req)),
    'events' => $c->sign(WeCoza_Sidecar_Channel::events_canonical($in['ts'], $in['rid'], $in['events'])),
    'ack' => $c->sign(WeCoza_Sidecar_Channel::ack_canonical($in['ts'], $in['rid'], $in['ack'])),
    'valid_events' => $c->valid(WeCoza_Sidecar_Channel::events_canonical($in['ts'], $in['rid'], $in['events']), $in['py_events']),
    'newline' => WeCoza_Sidecar_Channel::canonical('k', ["a\nb"]),
    'header_safe' => WeCoza_Sidecar_Channel::header_safe("a\r\nb\tc\xc3\xab~"),
    'fresh' => [WeCoza_Sidecar_Channel::fresh((string) time()), WeCoza_Sidecar_Channel::fresh((string) (time() - 61)), WeCoza_Sidecar_Channel::fresh('12x')],
]);
"""


@pytest.mark.parametrize("secret", ["s3cret", "ünïcode sécret with spaces", "x" * 200])
def test_php_signatures_equal_the_python_channel(secret, tmp_path):
    body = bytes(range(256)) + "Zoë".encode()
    fields = dict(timestamp="1700000000", request_id="ab" * 16, method="POST", action="wecoza_get_learner",
                  query="action=x&y=%2F", content_type="multipart/form-data; boundary=zz", https="1",
                  client_ip="203.0.113.9", user_agent="Mozilla/5.0 (X11)", cookie="a=b; c=d%7Ce")
    events = "W3siaWQiOiIxIn1d"
    ack = '{"ids":["a","b"]}'
    signer = ChannelSigner(secret)
    py_events = signer.sign_events("1700000001", "cd" * 16, events.encode())
    script = tmp_path / "sign.php"
    script.write_text("<?php\n" + SIGNER_PHP)
    run = subprocess.run(
        ["php", str(script), str(SHIM / "includes" / "class-wecoza-sidecar-channel.php")],
        input=json.dumps({"secret": secret, "ts": "1700000001", "rid": "cd" * 16, "events": events, "ack": ack,
                          "py_events": py_events,
                          "request": {**fields, "body": __import__("base64").b64encode(body).decode()}}),
        capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["request"] == signer.sign(ForwardedRequest(body=body, **fields).canonical())
    assert out["events"] == py_events
    assert out["ack"] == signer.sign(canonical(ACK_KIND, "1700000001", "cd" * 16, sha256_hex(ack)))
    assert out["valid_events"] is True
    assert out["newline"] is None
    assert out["header_safe"] == "ab%09c%C3%AB~"
    assert out["fresh"] == [True, False, False]
    assert EVENTS_KIND == "wecoza-sidecar-events-v1"
