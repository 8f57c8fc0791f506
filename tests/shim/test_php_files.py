"""Every PHP file of the shim (and of its test helpers) is valid PHP, and the PHP signer matches wp_bridge.channel."""
import base64
import json
import subprocess
from pathlib import Path

import pytest

from wp_bridge.channel import (EVENTS_KIND, MESSAGE_KIND, REQUEST_KIND, ChannelSigner, ForwardedRequest, canonical,
                               forward_path, sha256_hex)

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
$texts = [
    'request' => WeCoza_Sidecar_Channel::request_canonical($req),
    'inline_events' => WeCoza_Sidecar_Channel::events_canonical('POST', WeCoza_Sidecar_Channel::forward_path('ajax', 'wecoza_update_learner'), $in['ts'], $in['rid'], $in['events']),
    'rest_events' => WeCoza_Sidecar_Channel::events_canonical('POST', '/wecoza-sidecar/v1/events', $in['ts'], $in['rid'], $in['events']),
    'ack' => WeCoza_Sidecar_Channel::message_canonical('POST', '/events/ack', $in['ts'], $in['rid'], $in['message']),
    'status' => WeCoza_Sidecar_Channel::message_canonical('POST', '/events/status', $in['ts'], $in['rid'], $in['message']),
    'retry' => WeCoza_Sidecar_Channel::message_canonical('POST', '/events/retry', $in['ts'], $in['rid'], $in['message']),
];
echo json_encode([
    'texts' => array_map('base64_encode', $texts),
    'signatures' => array_map([$c, 'sign'], $texts),
    'valid_events' => $c->valid($texts['rest_events'], $in['py_events']),
    'newline' => [WeCoza_Sidecar_Channel::canonical('k', 'POST', '/p', ["a\nb"]), WeCoza_Sidecar_Channel::canonical('k', 'POST', "/p\n", [])],
    'header_safe' => WeCoza_Sidecar_Channel::header_safe("a\r\nb\tc\xc3\xab~"),
    'fresh' => [WeCoza_Sidecar_Channel::fresh((string) time()), WeCoza_Sidecar_Channel::fresh((string) (time() - 61)), WeCoza_Sidecar_Channel::fresh('12x')],
]);
"""


@pytest.mark.parametrize("secret", ["s3cret", "ünïcode sécret with spaces", "x" * 200])
def test_php_canonical_texts_and_signatures_equal_the_python_channel(secret, tmp_path):
    body = bytes(range(256)) + "Zoë".encode()
    fields = dict(timestamp="1700000000", request_id="ab" * 16, method="GET",
                  path=forward_path("ajax", "wecoza_get_learner"), query="action=x&y=%2F",
                  content_type="multipart/form-data; boundary=zz", https="1", client_ip="203.0.113.9",
                  user_agent="Mozilla/5.0 (X11)", cookie="a=b; c=d%7Ce")
    events = "W3siaWQiOiIxIn1d"
    message = '{"ids":["a","b"]}'
    stamp, request_id = "1700000001", "cd" * 16
    signer = ChannelSigner(secret)
    py_events = signer.sign_events("POST", "/wecoza-sidecar/v1/events", stamp, request_id, events.encode())
    script = tmp_path / "sign.php"
    script.write_text("<?php\n" + SIGNER_PHP)
    run = subprocess.run(
        ["php", str(script), str(SHIM / "includes" / "class-wecoza-sidecar-channel.php")],
        input=json.dumps({"secret": secret, "ts": stamp, "rid": request_id, "events": events, "message": message,
                          "py_events": py_events,
                          "request": {**fields, "body": base64.b64encode(body).decode()}}),
        capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)

    def events_text(path):
        return canonical(EVENTS_KIND, "POST", path, stamp, request_id, sha256_hex(events))

    def message_text(path):
        return canonical(MESSAGE_KIND, "POST", path, stamp, request_id, sha256_hex(message))

    python_texts = {
        "request": ForwardedRequest(body=body, **fields).canonical(),
        "inline_events": events_text("/ajax/wecoza_update_learner"),
        "rest_events": events_text("/wecoza-sidecar/v1/events"),
        "ack": message_text("/events/ack"), "status": message_text("/events/status"),
        "retry": message_text("/events/retry"),
    }
    assert {k: base64.b64decode(v) for k, v in out["texts"].items()} == python_texts
    assert out["signatures"] == {k: signer.sign(v) for k, v in python_texts.items()}
    assert python_texts["request"].split(b"\n")[:3] == [REQUEST_KIND.encode(), b"POST", b"/ajax/wecoza_get_learner"]
    assert python_texts["status"].split(b"\n")[:3] == [MESSAGE_KIND.encode(), b"POST", b"/events/status"]
    assert len(set(out["signatures"].values())) == len(python_texts), "every path has its own signature"
    assert out["signatures"]["rest_events"] == py_events and out["valid_events"] is True
    assert out["newline"] == [None, None]
    assert out["header_safe"] == "ab%09c%C3%AB~"
    assert out["fresh"] == [True, False, False]
