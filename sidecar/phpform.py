"""Request parameters parsed the way PHP fills ``$_GET``, ``$_POST`` and ``$_FILES``.

PHP rules reproduced: ``a[]`` appends with the next integer key, ``a[k][j]`` nests, a later
value replaces an earlier one of the same name (an array replaces a scalar and a scalar an
array), numeric keys become integers, ``.`` and space in the top-level name become ``_``,
a name with an unclosed ``[`` keeps the rest literally (with the ``[`` turned into ``_``).
Limits stand in for PHP's ``max_input_vars``, ``max_file_uploads`` and ``max_input_nesting_level``;
a body is read in one pass and a limit is checked as each field or part is read, never after them all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.errors import MessageError
from email.parser import BytesParser
from email.policy import HTTP
from email.utils import collapse_rfc2231_value
from urllib.parse import unquote_to_bytes

# PHP's own default max_input_vars, under which the legacy pages ran: PHP never handed them more fields. The
# largest page post recorded (the class edit page, ../shared/recordings) sends 63; a class form with many rows
# a few hundred.
MAX_INPUT_VARS = 1000
# PHP's max_file_uploads is 20 and the learner update page can send up to about 20 portfolios: room to spare.
MAX_FILE_UPLOADS = 50
# Above the largest file any action accepts (10 MiB), so an oversized file still reaches that action's own
# check and message; no text field of the pages comes near it.
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_NESTING = 64
URLENCODED = "application/x-www-form-urlencoded"
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
    upload_error: str = ""  # a file PHP refused before the shim forwarded it: PHP's error code, and no bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _php_key(key: str):
    if _INT_KEY.fullmatch(key) and -2**63 <= int(key) < 2**63:
        return int(key)
    return key


def split_name(name: str) -> list[str] | None:
    """``a[b][]`` -> ``['a', 'b', '']``; None for a name PHP drops."""
    name = name.split("\x00", 1)[0].lstrip(" ")  # PHP reads the name as a C string
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


class FormBuilder:
    """Fills one PHP array tree; remembers each array's next free integer key (PHP's ``nNextFreeElement``),
    so an ``a[]`` append costs O(1) however many came before."""

    def __init__(self):
        self.target: dict = {}
        self._next_free: dict[int, tuple[dict, int]] = {}  # id -> (the array itself, kept alive; next key)

    def assign(self, name: str, value) -> None:
        parts = split_name(name)
        if parts is None:
            return
        node = self.target
        for i, part in enumerate(parts):
            key = self._append_key(node) if part == "" else (_php_key(part) if i > 0 else part)
            if isinstance(key, int):
                self._taken(node, key)
            if i == len(parts) - 1:
                node[key] = value
            else:
                child = node.get(key)
                if not isinstance(child, dict):
                    child = {}
                    node[key] = child
                node = child

    def _append_key(self, node: dict) -> int:
        known = self._next_free.get(id(node))
        return known[1] if known else 0

    def _taken(self, node: dict, key: int) -> None:
        known = self._next_free.get(id(node))
        if known is None or key >= known[1]:
            self._next_free[id(node)] = (node, key + 1)


def parse_urlencoded(data: bytes | str) -> dict:
    if isinstance(data, str):
        data = data.encode("latin-1", "replace")
    form = FormBuilder()
    count = 0
    for match in _PAIR.finditer(data):
        count += 1
        if count > MAX_INPUT_VARS:
            raise FormError(f"more than {MAX_INPUT_VARS} form fields")
        raw_name, _, raw_value = match.group().partition(b"=")
        name = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode("utf-8", "replace")
        value = unquote_to_bytes(raw_value.replace(b"+", b" ")).decode("utf-8", "replace")
        form.assign(name, value)
    return form.target


_PAIR = re.compile(rb"[^&]+")


def parse_multipart(body: bytes, content_type: str) -> tuple[dict, dict]:
    """Return (fields, files); files map PHP-style names to UploadedFile."""
    if "boundary=" not in content_type:
        raise FormError("multipart body without a boundary")
    try:
        return _parse_multipart(body, content_type)
    except FormError:
        raise
    except (IndexError, ValueError, LookupError, TypeError, MessageError) as exc:
        # The standard library's header parser fails in many ways on hostile headers (found by fuzzing).
        raise FormError("malformed multipart body") from exc


# The part header the shim puts on a file PHP refused (wp-plugin-shim/includes/class-wecoza-sidecar-multipart.php).
UPLOAD_ERROR_HEADER = "X-WeCoza-Upload-Error"


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict, dict]:
    envelope = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n", headersonly=True)
    boundary = envelope.get_boundary()
    if envelope.get_content_maintype() != "multipart" or not boundary:
        raise FormError("malformed multipart body")
    fields, files = FormBuilder(), FormBuilder()
    count = uploads = 0
    for raw in split_parts(body, boundary.encode("latin-1", "replace")):
        count += 1
        if count > MAX_INPUT_VARS:
            raise FormError(f"more than {MAX_INPUT_VARS} form fields")
        if len(raw) > MAX_PART_BYTES:
            raise FormError(f"a form field or file larger than {MAX_PART_BYTES // (1024 * 1024)} MiB")
        part, payload = _split_headers(raw)
        name, filename, value = _read_part(part, payload)
        if not name:
            continue
        if filename is not None:
            upload_error = (part.get(UPLOAD_ERROR_HEADER) or "").strip()
            if filename == "" and not value and not upload_error:
                continue  # an empty file input, as PHP reports UPLOAD_ERR_NO_FILE
            uploads += 1
            if uploads > MAX_FILE_UPLOADS:
                raise FormError(f"more than {MAX_FILE_UPLOADS} files")
            files.assign(name, UploadedFile(name, filename, part.get_content_type(), value, upload_error))
        else:
            fields.assign(name, value)
    if count == 0:
        raise FormError("malformed multipart body")
    return fields.target, files.target


def split_parts(body: bytes, boundary: bytes):
    """Each part's bytes (headers and content) in order, found one at a time in a single pass.

    A delimiter is ``--boundary`` at the start of a line, followed by ``--`` (the last), or by optional
    spaces or tabs and the line end; the line break before it belongs to it. A body that ends without
    the closing delimiter ends its last part there.
    """
    delimiter = b"--" + boundary
    start = _delimiter_at(body, delimiter, 0)
    while start >= 0:
        after = start + len(delimiter)
        if body.startswith(b"--", after):
            return
        line_end = body.find(b"\n", after)
        content = len(body) if line_end < 0 else line_end + 1
        following = _delimiter_at(body, delimiter, content)
        end = len(body) if following < 0 else following
        if following >= 0:
            end -= 2 if body[end - 2:end] == b"\r\n" else 1  # the line break before the delimiter
        yield body[content:max(end, content)]
        start = following


def _delimiter_at(body: bytes, delimiter: bytes, pos: int) -> int:
    """Where the next delimiter line at or after ``pos`` begins (its ``--``), or -1."""
    while True:
        found = body.find(delimiter, pos)
        if found < 0:
            return -1
        after = found + len(delimiter)
        at_line_start = found == 0 or body[found - 1] == 0x0A
        if at_line_start and (body.startswith(b"--", after) or _blank_to_line_end(body, after)):
            return found
        pos = found + 1


def _blank_to_line_end(body: bytes, pos: int) -> bool:
    """Only spaces or tabs from ``pos`` to the line end (or the body's end)."""
    while pos < len(body) and body[pos] in b" \t":
        pos += 1
    return pos == len(body) or body[pos] in b"\r\n"


def _split_headers(raw: bytes):
    """(the part's headers as a message, its content bytes as sent: PHP applies no transfer encoding)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        cut = raw.find(separator)
        if cut >= 0:
            head, payload = raw[:cut], raw[cut + len(separator):]
            break
    else:
        head, payload = raw, b""
    return BytesParser(policy=HTTP).parsebytes(head + b"\r\n\r\n", headersonly=True), payload


def _param(part, key: str) -> str | None:
    value = part.get_param(key, header="content-disposition")
    if isinstance(value, tuple):  # RFC 2231 (name*=charset''value)
        value = collapse_rfc2231_value(value)
    return None if value is None else str(value)


def _read_part(part, payload: bytes) -> tuple[str | None, str | None, bytes | str]:
    """(field name, client file name or None, bytes for a file / text for a field)."""
    name = _param(part, "name")
    filename = _param(part, "filename")
    if filename is not None:
        return name, filename, payload
    return name, None, payload.decode(part.get_content_charset() or "utf-8", "replace")


def media_type(content_type: str) -> str:
    """The media type of a Content-Type header, without its parameters, in lower case."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_body(body: bytes, content_type: str) -> tuple[dict, dict]:
    """PHP's ``$_POST`` and ``$_FILES``: filled from those two media types only (without a Content-Type, PHP
    leaves the body unread)."""
    media = media_type(content_type)
    if media == "multipart/form-data":
        return parse_multipart(body, content_type)
    if media == URLENCODED:
        return parse_urlencoded(body), {}
    return {}, {}


def scalar(params: dict, name: str, default: str | None = None) -> str | None:
    """A top-level field as PHP's string, or the default when absent or an array."""
    value = params.get(name)
    return value if isinstance(value, str) else default
