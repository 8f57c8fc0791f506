"""The form parser's limits (issue 14, point 3): checked as each field or part is read, PHP-like values."""
from __future__ import annotations

import pytest

from sidecar import phpform
from sidecar.phpform import FormError, parse_multipart, parse_urlencoded, split_parts
from sidecar.registry import READS, WRITES, Action

BOUNDARY = "limits"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def part(name: str, value: bytes = b"x", filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def test_the_field_count_is_php_max_input_vars():
    fields, _ = parse_multipart(body(*(part("a[]") for _ in range(phpform.MAX_INPUT_VARS))), CONTENT_TYPE)
    assert len(fields["a"]) == phpform.MAX_INPUT_VARS and list(fields["a"])[-1] == phpform.MAX_INPUT_VARS - 1
    with pytest.raises(FormError, match="form fields"):
        parse_multipart(body(*(part("a[]") for _ in range(phpform.MAX_INPUT_VARS + 1))), CONTENT_TYPE)
    with pytest.raises(FormError, match="form fields"):
        parse_urlencoded(b"&".join([b"a[]=1"] * (phpform.MAX_INPUT_VARS + 1)))


def test_the_count_is_checked_before_the_parts_after_it_are_read():
    """Parts past the limit are never looked at: here they could not be read at all (unknown charset)."""
    unreadable = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"z\"\r\n"
                  "Content-Type: text/plain; charset=no-such-charset\r\n\r\nz\r\n").encode()
    with pytest.raises(FormError, match="no-such|malformed"):
        parse_multipart(body(unreadable), CONTENT_TYPE)
    with pytest.raises(FormError, match="form fields"):
        parse_multipart(body(*(part("a") for _ in range(phpform.MAX_INPUT_VARS)), unreadable), CONTENT_TYPE)


def test_parts_are_split_one_at_a_time():
    parts = split_parts(body(part("a"), part("b")) + b"garbage after the end", BOUNDARY.encode())
    assert next(parts).endswith(b"\r\n\r\nx")
    assert next(parts).endswith(b"\r\n\r\nx")
    assert next(parts, None) is None


def test_file_count_and_part_size():
    files = [part("p[]", b"%PDF-1.4", filename=f"{i}.pdf") for i in range(phpform.MAX_FILE_UPLOADS)]
    _, uploads = parse_multipart(body(*files), CONTENT_TYPE)
    assert len(uploads["p"]) == phpform.MAX_FILE_UPLOADS
    with pytest.raises(FormError, match="files"):
        parse_multipart(body(*files, part("p[]", b"%PDF-1.4", filename="one-more.pdf")), CONTENT_TYPE)
    # a file over any action's own limit (10 MiB) still reaches that action's check and message
    big = 10 * 1024 * 1024 + 1
    _, uploads = parse_multipart(body(part("f", b"x" * big, filename="big.pdf")), CONTENT_TYPE)
    assert uploads["f"].size == big
    with pytest.raises(FormError, match="larger than"):
        parse_multipart(body(part("f", b"x" * phpform.MAX_PART_BYTES, filename="huge.pdf")), CONTENT_TYPE)


def test_appends_follow_the_largest_integer_key_as_php():
    assert parse_urlencoded(b"a[5]=x&a[]=y&a[2]=z&a[]=w") == {"a": {5: "x", 6: "y", 2: "z", 7: "w"}}
    assert parse_urlencoded(b"a[]=1&a=s&a[]=2") == {"a": {0: "2"}}  # a scalar replaced the array: counting restarts


def noop(_ctx):
    return None


def test_an_action_declares_its_methods_and_a_write_is_post_only():
    with pytest.raises(ValueError, match="methods"):
        Action(name="undeclared", handler=noop, summary="", nonce_actions=("n",))
    with pytest.raises(ValueError, match="writes"):
        Action(name="writes_on_get", handler=noop, summary="", nonce_actions=("n",), methods=READS,
               events=("wecoza_something_saved",))
    Action(name="a_write", handler=noop, summary="", nonce_actions=("n",), methods=WRITES, events=("e",))


def test_every_registered_action_is_a_read_or_a_post_only_write():
    from sidecar.actions import registry
    for action in registry.actions.values():
        assert action.methods in (READS, WRITES), action.name
        assert not action.events or action.methods == WRITES, action.name
