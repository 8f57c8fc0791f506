"""Invented South African ID numbers of the valid format (the demo's learners, the tests' probe learner)."""
from __future__ import annotations

import datetime as dt

from sidecar.learners.validation import luhn_valid


def sa_id_number(born: dt.date, female: bool, sequence: int, citizen: bool = True) -> str:
    """YYMMDD SSSS C A Z: sequence below 5000 for women, 5000+ for men; C 0 citizen, 1 permanent resident;
    A 8; Z the Luhn check digit."""
    gender_digits = sequence % 5000 + (0 if female else 5000)
    body = f"{born:%y%m%d}{gender_digits:04d}{0 if citizen else 1}8"
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable: one check digit always fits")
