"""The hostile-input pass: hypothesis property tests of every parser that reads what a client, the
database or an operator's file can put in front of it (issue 9, part 2).

Property everywhere: the module's own refusal (its exception type) or a correct result, never another
exception. The budget is a hypothesis settings profile chosen by ``WECOZA_FUZZ_PROFILE``:

    ci    (default) 300 examples per test, no deadline; the whole folder runs in well under a minute
    long  20,000 examples per test (scripts/fuzz.sh; about 20 minutes)

The profiles are applied to the fuzz tests only (``@FUZZ``), never loaded globally, so the rest of the
suite keeps its own settings. Each target is wrapped with ``counted()``; at the end of the session
``pytest_terminal_summary`` prints per target how many cases (hypothesis examples) reached it and how
many calls were made: ``fuzz: N cases run (target: C calls)``.
"""
from __future__ import annotations

import functools
import os
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

PROFILE_ENV = "WECOZA_FUZZ_PROFILE"
PROFILES = {"ci": 300, "long": 20_000}
# Registered as "wecoza-fuzz-ci" / "wecoza-fuzz-long": hypothesis has a built-in profile named "ci", which it
# loads by itself on CI machines, and re-registering that name would change every hypothesis test of the suite.
# Other settings are inherited from the profile hypothesis loaded (on CI: derandomized, no example database).
PROFILE_NAMES = {name: f"wecoza-fuzz-{name}" for name in PROFILES}

for _name, _examples in PROFILES.items():
    settings.register_profile(
        PROFILE_NAMES[_name], max_examples=_examples, deadline=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                               HealthCheck.large_base_example])

PROFILE = os.environ.get(PROFILE_ENV, "ci").strip() or "ci"
if PROFILE not in PROFILES:
    raise pytest.UsageError(f"{PROFILE_ENV}={PROFILE!r}: use one of {', '.join(PROFILES)}")

FUZZ = settings.get_profile(PROFILE_NAMES[PROFILE])     # the decorator every fuzz test wears

CALLS: Counter = Counter()      # target -> calls
CASES: Counter = Counter()      # target -> examples that called it at least once
_serial = 0                     # the example being run (incremented by @case)
_last_seen: dict[str, int] = {}
_started = time.monotonic()


def case(test):
    """Innermost decorator of a fuzz test body (below ``@given``): marks the start of one example."""
    @functools.wraps(test)
    def run(*args, **kwargs):
        global _serial
        _serial += 1
        return test(*args, **kwargs)
    return run


def counted(target: str, function):
    """``function`` with its calls counted under ``target``."""
    @functools.wraps(function)
    def call(*args, **kwargs):
        CALLS[target] += 1
        if _last_seen.get(target) != _serial:
            _last_seen[target] = _serial
            CASES[target] += 1
        return function(*args, **kwargs)
    return call


def pytest_terminal_summary(terminalreporter):
    if not CALLS:
        return
    write = terminalreporter.write_line
    terminalreporter.section(f"fuzz (profile {PROFILE}: {PROFILES[PROFILE]:,} examples per test)")
    width = max(len(t) for t in CALLS)
    for target in sorted(CALLS):
        write(f"fuzz: {CASES[target]:>7,} cases run ({target + ':':<{width + 1}} {CALLS[target]:>8,} calls)")
    write(f"fuzz: {_serial:>7,} cases run in all ({len(CALLS)} targets; a case may reach several), "
          f"{time.monotonic() - _started:.1f} s since the fuzz folder was loaded")
