"""Asks the real PHP interpreter, so our PHP-compatible pieces are checked against PHP itself."""
from __future__ import annotations

import json
import subprocess


def php(code: str, stdin: bytes = b"") -> bytes:
    done = subprocess.run(["php", "-d", "display_errors=stderr", "-r", code], input=stdin,
                          capture_output=True, timeout=30, check=True)
    return done.stdout


def php_json_encode_of_json(values: list) -> list[str]:
    """PHP's json_encode of each value, after PHP decoded our JSON of it (assoc arrays)."""
    out = php("$in = json_decode(stream_get_contents(STDIN), true);"
              "foreach ($in as $v) { echo json_encode($v), \"\\n\"; }",
              json.dumps(values).encode())
    return out.decode().splitlines()


def php_parse_str(queries: list[bytes]) -> list:
    """PHP's parse_str for each query string, as JSON (objects keep PHP key order)."""
    payload = json.dumps([q.decode("latin-1") for q in queries]).encode()
    out = php("ini_set('max_input_vars', '100000');"
              "$in = json_decode(stream_get_contents(STDIN), true);"
              "foreach ($in as $q) { parse_str(mb_convert_encoding($q, 'ISO-8859-1', 'UTF-8'), $r);"
              " echo json_encode($r, JSON_FORCE_OBJECT | JSON_INVALID_UTF8_SUBSTITUTE), \"\\n\"; }",
              payload)
    return [json.loads(line) for line in out.decode().splitlines()]
