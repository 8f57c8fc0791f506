"""Optional coverage-guided fuzzing of the same targets with atheris (libFuzzer), for scripts/fuzz.sh.

Not a test module (pytest does not collect it) and not needed by the CI profile: atheris is not a
dependency of the project. Install it into the venv to use it (``.venv/bin/pip install atheris``), then

    .venv/bin/python -m tests.fuzz.atheris_targets TARGET [libFuzzer flags, e.g. -atheris_runs=100000]

TARGET is one of the names in TARGETS. The seeds (the vectors' serialized strings, a wp-config.php,
form bodies, schedules) are written to a temporary corpus folder first. The property is the pytest one:
a result or the module's own exception; anything else is a crash, which libFuzzer reports and saves.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["wp_bridge", "sidecar.phpform", "sidecar.classes"]):
    from sidecar.classes import calendar
    from sidecar.classes import schedule as sched
    from sidecar.phpform import FormError, parse_multipart, parse_urlencoded
    from wp_bridge.cookies import parse_cookie_header, validate_auth_cookie
    from wp_bridge.errors import CookieHeaderError, PHPSerializeError, WPConfigError
    from wp_bridge.phpserialize import is_serialized, maybe_unserialize, unserialize
    from wp_bridge.wpconfig import read_wp_config

from tests.fuzz.strategies import serialized_seeds  # noqa: E402
from tests.fuzz.test_wpconfig import SEED as WP_CONFIG_SEED  # noqa: E402

_CONFIG = Path(tempfile.mkdtemp(prefix="wecoza-atheris-")) / "wp-config.php"


def fuzz_unserialize(data: bytes) -> None:
    try:
        unserialize(data)
    except PHPSerializeError:
        pass
    is_serialized(data)
    maybe_unserialize(data)


def fuzz_cookie_header(data: bytes) -> None:
    try:
        jar = parse_cookie_header(data)
    except CookieHeaderError:
        return
    for value in jar.values():
        validate_auth_cookie(value, "logged_in", 1767258000, "AJAX", lookup=lambda login: None, salt=b"s")


def fuzz_wp_config(data: bytes) -> None:
    _CONFIG.write_bytes(data)
    try:
        read_wp_config(_CONFIG)
    except WPConfigError:
        pass


def fuzz_urlencoded(data: bytes) -> None:
    try:
        parse_urlencoded(data)
    except FormError:
        pass


def fuzz_multipart(data: bytes) -> None:
    head, _, body = data.partition(b"\n")      # first line: the Content-Type header value
    try:
        parse_multipart(body, head.decode("latin-1"))
    except FormError:
        pass


def fuzz_schedule(data: bytes) -> None:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return
    stored, stops = (value[0], value[1]) if isinstance(value, list) and len(value) == 2 else (value, [])
    calendar.class_events({"class_id": 1, "class_code": "C", "class_subject": "S", "class_duration": 120,
                           "schedule_data": stored, "stop_restart_dates": stops if _bounded(stops) else []})


def _bounded(stops) -> bool:
    """Stop periods of at most ~3 years (a longer one is one event per day: a known cost, reported)."""
    for stop, restart in sched.stop_periods(stops):
        if (restart - stop).days > 1100:
            return False
    return True


def _seeds(target: str) -> list[bytes]:
    if target == "unserialize":
        return list(serialized_seeds())
    if target == "cookie_header":
        return [b"wordpress_test_cookie=WP%20Cookie%20check; wordpress_logged_in_x=admin%7C1767430800%7Ctok%7Cabc",
                b"a[b]=1; a.b=2; c[=3"]
    if target == "wp_config":
        return [WP_CONFIG_SEED]
    if target == "urlencoded":
        return [b"a[]=1&a[x][y]=2&b.c=3&d=%41%zz", b"schedule_data%5Bpattern%5D=weekly&nonce=abc"]
    if target == "multipart":
        return [b"multipart/form-data; boundary=XyZ\n--XyZ\r\nContent-Disposition: form-data; name=\"a[]\"\r\n\r\n1"
                b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.pdf\"\r\nContent-Type: "
                b"application/pdf\r\n\r\n%PDF-1.4\r\n--XyZ--\r\n"]
    if target == "schedule":
        return [json.dumps([{"pattern": "weekly", "startDate": "2026-03-02", "endDate": "2026-06-26",
                             "selectedDays": ["Monday"], "timeData": {"mode": "per-day", "perDayTimes": {
                                 "Monday": {"startTime": "09:00", "endTime": "11:00"}}},
                             "exceptionDates": [{"date": "2026-03-09", "reason": "x"}]},
                            [{"stop_date": "2026-04-01", "restart_date": "2026-04-08"}]]).encode()]
    return []


TARGETS = {"unserialize": fuzz_unserialize, "cookie_header": fuzz_cookie_header, "wp_config": fuzz_wp_config,
           "urlencoded": fuzz_urlencoded, "multipart": fuzz_multipart, "schedule": fuzz_schedule}


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in TARGETS:
        sys.exit(f"usage: {argv[0]} {{{','.join(TARGETS)}}} [libFuzzer flags]")
    target = argv[1]
    corpus = Path(tempfile.mkdtemp(prefix=f"wecoza-atheris-{target}-"))
    for i, seed in enumerate(_seeds(target)):
        (corpus / f"seed{i}").write_bytes(seed)
    atheris.Setup([argv[0], *argv[2:], str(corpus)], TARGETS[target])
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
