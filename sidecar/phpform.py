"""Request parameters parsed the way PHP fills ``$_GET``, ``$_POST`` and ``$_FILES``.

PHP rules reproduced: ``a[]`` appends with the next integer key, ``a[k][j]`` nests, a later
value replaces an earlier one of the same name (an array replaces a scalar and a scalar an
array), numeric keys become integers, ``.`` and space in the top-level name become ``_``,
a name with an unclosed ``[`` keeps the rest literally (with the ``[`` turned into ``_``).
Limits stand in for PHP's ``max_input_vars`` and ``max_input_nesting_level``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.errors import MessageError
from email.parser import BytesParser
from email.policy import HTTP
from email.utils import collapse_rfc2231_value
from urllib.parse import unquote_to_bytes

MAX_INPUT_VARS = 5000
MAX_NESTING = 64
_INT_KEY = re.compile(r"-?[1-9][0-9]{0,18}|0")


class FormError(ValueError):
    """A request body that cannot be read as a form."""


@dataclass
class UploadedFile:
    """One entry of PHP's ``$_FILES``: the client's name is kept only as information."""

    field: str
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _php_key(key: str):
    if _INT_KEY.fullmatch(key) and -2**63 <= int(key) < 2**63:
        return int(key)
    return key


def split_name(name: str) -> list[str] | None:
    """``a[b][]`` -> ``['a', 'b', '']``; None for a name PHP drops."""
    name = name.lstrip(" ")
    bracket = name.find("[")
    base = name if bracket < 0 else name[:bracket]
    base = base.replace(".", "_").replace(" ", "_")
    if bracket < 0:
        return [base] if base else None
    rest = name[bracket:]
    parts = [base]
    pos = 0
    while pos < len(rest) and rest[pos] == "[":
        close = rest.find("]", pos + 1)
        if close < 0:
            if len(parts) == 1:
                # PHP turns the first unmatched '[' into '_' and keeps the rest literally.
                parts[0] = base + "_" + rest[1:].replace(".", "_").replace(" ", "_")
            break
        parts.append(rest[pos + 1:close])
        pos = close + 1
    if not parts[0]:
        return None
    if len(parts) - 1 > MAX_NESTING:
        raise FormError("form field nesting is too deep")
    return parts


def assign(target: dict, name: str, value) -> None:
    parts = split_name(name)
    if parts is None:
        return
    node = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "":
            int_keys = [k for k in node if isinstance(k, int)]
            key = max(int_keys) + 1 if int_keys else 0
        else:
            key = _php_key(part) if i > 0 else part
        if last:
            node[key] = value
        else:
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child


def parse_urlencoded(data: bytes | str) -> dict:
    if isinstance(data, str):
        data = data.encode("latin-1", "replace")
    result: dict = {}
    if not data:
        return result
    pairs = [p for p in re.split(rb"[&]", data) if p]
    if len(pairs) > MAX_INPUT_VARS:
        raise FormError(f"more than {MAX_INPUT_VARS} form fields")
    for pair in pairs:
        raw_name, _, raw_value = pair.partition(b"=")
        name = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode("utf-8", "replace")
        value = unquote_to_bytes(raw_value.replace(b"+", b" ")).decode("utf-8", "replace")
        assign(result, name, value)
    return result


def parse_multipart(body: bytes, content_type: str) -> tuple[dict, dict]:
    """Return (fields, files); files map PHP-style names to UploadedFile."""
    if "boundary=" not in content_type:
        raise FormError("multipart body without a boundary")
    try:
        return _parse_multipart(body, content_type)
    except (IndexError, ValueError, LookupError, MessageError) as exc:
        # The standard library's header parser fails in many ways on hostile headers (found by fuzzing).
        raise FormError("malformed multipart body") from exc


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict, dict]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise FormError("malformed multipart body")
    fields: dict = {}
    files: dict = {}
    count = 0
    for part in message.iter_parts():
        count += 1
        if count > MAX_INPUT_VARS:
            raise FormError(f"more than {MAX_INPUT_VARS} form fields")
        name, filename, value = _read_part(part)
        if not name:
            continue
        if filename is not None:
            if filename == "" and not value:
                continue  # an empty file input, as PHP reports UPLOAD_ERR_NO_FILE
            assign(files, name, UploadedFile(name, filename, part.get_content_type(), value))
        else:
            assign(fields, name, value)
    return fields, files


def _param(part, key: str) -> str | None:
    value = part.get_param(key, header="content-disposition")
    if isinstance(value, tuple):  # RFC 2231 (name*=charset''value)
        value = collapse_rfc2231_value(value)
    return None if value is None else str(value)


def _read_part(part) -> tuple[str | None, str | None, bytes | str]:
    """(field name, client file name or None, bytes for a file / text for a field)."""
    name = _param(part, "name")
    filename = _param(part, "filename")
    payload = part.get_payload(decode=True) or b""
    if filename is not None:
        return name, filename, payload
    return name, None, payload.decode(part.get_content_charset() or "utf-8", "replace")


def parse_body(body: bytes, content_type: str) -> tuple[dict, dict]:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "multipart/form-data":
        return parse_multipart(body, content_type)
    if media == "application/x-www-form-urlencoded" or (not media and body):
        return parse_urlencoded(body), {}
    return {}, {}


def scalar(params: dict, name: str, default: str | None = None) -> str | None:
    """A top-level field as PHP's string, or the default when absent or an array."""
    value = params.get(name)
    return value if isinstance(value, str) else default
