"""Text cleaning for values the class pages send, as WordPress's sanitize_text_field and
sanitize_textarea_field do it, minus the magic-quote backslashes: the text is stored as typed,
with tags removed and whitespace tidied."""
from __future__ import annotations

import re

_BLOCK_TAGS = re.compile(r"<(script|style)[^>]*?>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[a-zA-Z/!?][^>]*(?:>|$)", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_LINE_SPACES = re.compile(r"[ \t\f\v]+")


def strip_tags(text: str) -> str:
    text = _BLOCK_TAGS.sub("", text)
    text = _TAG.sub("", text)
    return text.replace("<", "&lt;")


def clean_line(value, max_length: int | None = None) -> str:
    """sanitize_text_field: one line, no tags, no control characters, trimmed."""
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


def php_intval(value) -> int:
    """PHP's ``(int)`` of a form string: leading whitespace, sign and digits; anything else is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return 0
    match = re.match(r"\s*([+-]?\d+)", value)
    if not match:
        return 0
    number = int(match.group(1))
    return max(min(number, 2**63 - 1), -2**63)


def strict_id(value) -> int | None:
    """A positive database id written as plain digits (int4 range), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**31 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        return None
    number = int(text)
    return number if 0 < number < 2**31 else None
