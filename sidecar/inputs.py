"""Reading request values, for both domains: ids, integers, dates, booleans and text.

Values arrive as PHP would see them in ``$_POST``/``$_GET``: a string, or a dict for a PHP array (see
``sidecar.phpform``). Every reader answers for any such value, arrays included.

Two id readings exist on purpose:

* ``strict_id``: plain ASCII digits (blanks around allowed), a positive int4; anything else is not an id
  ("12abc", "1 OR 1=1", "1.5"). The rule for every new reader.
* ``intval_id``: PHP's ``intval()`` of the value, then a positive int4 (" 12abc" is 12). Only where an action
  keeps the reference's reading of its id (``intval($_POST['class_id'])`` in the class and QA handlers).

Booleans: ``php_bool`` is ``filter_var($v, FILTER_VALIDATE_BOOLEAN)``. The class form read its Yes/No selects
as ``'Yes'``, ``'1'``, ``'yes'`` or ``'true'`` (case-sensitive); it now reads them with ``php_bool``, the one
rule PHP itself applies to a form's boolean: the values the page sends (Yes, No) read the same, and "on" or
"TRUE" now read as true too.

Dates: ``Y-m-d`` in ``YEARS`` for both domains. The learner form allowed 1900-2100 and the class pages
1900-2200; the wider range wins, so that no schedule already stored with a later date stops reading.
"""
from __future__ import annotations

import datetime
import math
import re

INT4_MAX = 2**31 - 1
INT8_RANGE = (-2**63, 2**63 - 1)

# Dates outside these years are typing errors. The schedule generator adds years to a date, so the range also
# keeps well inside Python's (found by fuzzing with 9999-12-31).
YEARS = range(1900, 2201)

TRUE_WORDS = ("1", "true", "on", "yes")
FALSE_WORDS = ("0", "false", "off", "no", "")

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# PHP's leading numeric string: its blanks, then an integer or a float
_LEADING_NUMBER = re.compile(r"[ \t\n\r\v\f]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_INTEGER = re.compile(r"[+-]?[0-9]+")


# --- integers and ids ----------------------------------------------------------------------

def php_intval(value) -> int:
    """PHP 8's ``(int)`` of a form string: its leading number (" 12abc" is 12, "1e3" is 1000, "1.9" is 1),
    capped to PHP's integer range; infinite or no number is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return 0
    match = _LEADING_NUMBER.match(value)
    if not match:
        return 0
    low, high = INT8_RANGE
    text = match.group(1)
    if _INTEGER.fullmatch(text) and low <= int(text) <= high:
        return int(text)
    number = float(text)
    if not math.isfinite(number):
        return 0
    if not -2.0**63 <= number < 2.0**63:
        return high if number > 0 else low
    return int(number)


def strict_int(value, signed: bool = False) -> int | None:
    """An integer written as ASCII digits (blanks around allowed, a sign only when ``signed``); None for
    anything else, arrays included."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    digits = text[1:] if signed and text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        return None
    return int(text)


def strict_id(value, signed: bool = False) -> int | None:
    """A positive int4 id: ``strict_int`` of a string, or a Python int (decoded JSON); else None."""
    if isinstance(value, bool):
        return None
    number = value if isinstance(value, int) else strict_int(value, signed)
    return number if number is not None and 0 < number <= INT4_MAX else None


def intval_id(value) -> int:
    """``intval($value)`` of a string as a positive int4 id; 0 when missing, an array or out of range."""
    number = php_intval(value) if isinstance(value, str) else 0
    return number if 0 < number <= INT4_MAX else 0


# --- booleans ------------------------------------------------------------------------------

def php_bool(value) -> bool:
    """``filter_var($v, FILTER_VALIDATE_BOOLEAN)``: true for 1/true/on/yes (any case, blanks around)."""
    return isinstance(value, str) and value.strip().lower() in TRUE_WORDS


def bool_or_none(value) -> bool | None:
    """``FILTER_VALIDATE_BOOLEAN`` with ``FILTER_NULL_ON_FAILURE``: None when the value is no boolean word."""
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


# --- dates ---------------------------------------------------------------------------------

def parse_date(value) -> datetime.date | None:
    """A ``Y-m-d`` string (blanks around allowed) that is a real date in ``YEARS``, else None
    (PHP's ``date('Y-m-d', strtotime(x)) === x``, bounded). A ``date`` is checked against ``YEARS``."""
    if isinstance(value, datetime.date):
        return value if value.year in YEARS else None
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        return None
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if day.year in YEARS else None


# --- text ----------------------------------------------------------------------------------
# WordPress's sanitize_text_field and sanitize_textarea_field, minus the magic-quote backslashes: the text is
# stored as typed, with tags removed and whitespace tidied (the class pages' rule). The learner form refuses
# what these would remove instead (sidecar.learners.validation), so it only collapses blanks.

_BLOCK_TAGS = re.compile(r"<(script|style)[^>]*?>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[a-zA-Z/!?][^>]*(?:>|$)", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_LINE_SPACES = re.compile(r"[ \t\f\v]+")
_FORM_BLANKS = re.compile(r"[\r\n\t ]+")


def strip_tags(text: str) -> str:
    text = _BLOCK_TAGS.sub("", text)
    text = _TAG.sub("", text)
    return text.replace("<", "&lt;")


def clean_line(value, max_length: int | None = None) -> str:
    """sanitize_text_field: one line, no tags, no control characters, trimmed; "" for a non-string."""
    if not isinstance(value, str):
        return ""
    text = strip_tags(_CONTROL.sub("", value))
    text = _SPACES.sub(" ", text).strip()
    if max_length is not None:
        text = text[:max_length]
    return text


def clean_text(value, max_length: int | None = None) -> str:
    """sanitize_textarea_field: like clean_line but keeps line breaks."""
    if not isinstance(value, str):
        return ""
    text = strip_tags(_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")))
    lines = [_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines).strip()
    if max_length is not None:
        text = text[:max_length]
    return text


def collapse_blanks(value: str) -> str:
    """Runs of spaces, tabs and line breaks as one space, trimmed (nothing removed besides)."""
    return _FORM_BLANKS.sub(" ", value).strip()
