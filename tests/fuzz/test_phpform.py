"""sidecar.phpform on hostile request bodies: url-encoded and multipart, random, mutated from valid
bodies, with odd boundaries, part headers, charsets and transfer encodings, and past the limits.

parse_urlencoded answers a dict, parse_multipart (fields, files) — or FormError; never another
exception (anything else would be an HTTP 500 for a request any client can send)."""
from __future__ import annotations

import string
import urllib.parse

from hypothesis import given
from hypothesis import strategies as st

from sidecar import phpform
from sidecar.phpform import FormError, UploadedFile

from .conftest import FUZZ, case, counted
from .strategies import mutated

parse_urlencoded = counted("sidecar.phpform.parse_urlencoded", phpform.parse_urlencoded)
parse_multipart = counted("sidecar.phpform.parse_multipart", phpform.parse_multipart)


def depth(node) -> int:
    return 1 + max((depth(v) for v in node.values()), default=0) if isinstance(node, dict) else 0


def sane(tree: dict, leaf) -> None:
    """PHP's shape: top-level names are non-empty strings, nested keys int or str, leaves of one type."""
    assert isinstance(tree, dict) and depth(tree) <= phpform.MAX_NESTING + 2
    assert all(isinstance(k, str) and k for k in tree)

    def walk(node):
        for key, value in node.items():
            assert isinstance(key, (int, str))
            if isinstance(value, dict):
                walk(value)
            else:
                assert isinstance(value, leaf), (key, value)
    walk(tree)


# --- url-encoded -------------------------------------------------------------------------------------

brackets = st.lists(st.sampled_from(["[]", "[0]", "[k]", "[-1]", "[01]", "[9223372036854775808]", "[", "]",
                                     "[a.b]", "[ ]", "[[x]]"]), max_size=6)
names = st.builds(lambda base, tail: base + "".join(tail),
                  st.sampled_from(["a", "b", "a.b", "a b", " a", "", "_", "0", "é", "%5B", "action", "nonce"]),
                  brackets)


@st.composite
def urlencoded(draw):
    pairs = draw(st.lists(st.tuples(names, st.text(max_size=12)), max_size=20))
    body = "&".join(urllib.parse.quote(n, safe=draw(st.sampled_from(["", "[]"]))) + "=" + urllib.parse.quote_plus(v)
                    for n, v in pairs)
    extra = draw(st.sampled_from(["", "", "deep", "many"]))
    if extra == "deep":
        body += "&d" + "[x]" * draw(st.integers(phpform.MAX_NESTING - 2, phpform.MAX_NESTING + 40)) + "=1"
    elif extra == "many":
        body += "&" + "&".join(f"f{i}=1" for i in range(draw(st.integers(phpform.MAX_INPUT_VARS - 30,
                                                                        phpform.MAX_INPUT_VARS + 30))))
    return body.encode()


def check_urlencoded(data):
    try:
        result = parse_urlencoded(data)
    except FormError:
        return
    sane(result, str)


@FUZZ
@given(st.binary(max_size=400) | st.text(max_size=200) | urlencoded() | mutated(urlencoded()))
@case
def test_urlencoded(data):
    check_urlencoded(data)


@FUZZ
@given(st.lists(st.tuples(st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=8),
                          st.text(max_size=20)), max_size=20))
@case
def test_plain_urlencoded_read_back(pairs):
    """Plain names: each value reads back exactly, a later value replaces an earlier one."""
    body = "&".join(f"{urllib.parse.quote(n)}={urllib.parse.quote_plus(v)}" for n, v in pairs)
    expected = {}
    for name, value in pairs:
        expected[name] = value.encode("utf-8").decode("utf-8", "replace")
    assert parse_urlencoded(body.encode()) == expected


# --- multipart ---------------------------------------------------------------------------------------

bchars = string.ascii_letters + string.digits + "'()+_,-./:=?"
boundaries = st.text(bchars, min_size=1, max_size=70) | st.sampled_from(
    ["----WebKitFormBoundaryAbC123", "x", "a b", '"quoted"', "-", "=", "--", " ", ""])
charsets = st.sampled_from(["utf-8", "UTF-8", "latin-1", "iso-8859-1", "utf-16", "ascii", "cp1252", "utf-7",
                            "bogus", "", "utf-8'en'x", "x-user-defined", "idna", "rot13", "base64"])
transfer = st.sampled_from([None, "base64", "quoted-printable", "7bit", "8bit", "binary", "x-uue", "bogus"])


stray_params = st.sampled_from(["a*", "x*0", "size", "a=", 'a="', "a=b=c", "*", "=", 'creation-date="x"',
                                "charset*", "boundary*"])


@st.composite
def part(draw):
    name = draw(names | st.text(max_size=10))
    disposition = draw(st.sampled_from(["form-data", "form-data", "form-data (", "(", "attachment", "form-data;"]))
    style = draw(st.sampled_from(['name="{}"', 'name="{}"', "name={}", "name*={}", "name*=utf-8''{}",
                                  'name*0="{}"; name*1="x"']))
    headers = [f"Content-Disposition: {disposition}; " + style.format(name)]
    if draw(st.integers(0, 3)) == 0:        # a stray parameter: no value, RFC 2231 star, odd quoting
        headers[0] += "; " + draw(stray_params)
    is_file = draw(st.booleans())
    if is_file:
        filename = draw(st.text(max_size=20) | st.sampled_from(["", "../../etc/passwd", "a\"b.pdf", "x.php"]))
        headers[0] += f'; filename="{filename}"'
        if draw(st.booleans()):
            headers[0] += "; filename*=UTF-8''%E2%82%AC.pdf"
    if draw(st.booleans()):
        headers.append(f"Content-Type: {draw(st.sampled_from(['text/plain', 'application/pdf', '', 'x']))}"
                       + (f"; charset={draw(charsets)}" if draw(st.booleans()) else "")
                       + (f"; {draw(stray_params)}" if draw(st.integers(0, 3)) == 0 else ""))
    encoding = draw(transfer)
    if encoding:
        headers.append(f"Content-Transfer-Encoding: {encoding}")
    content = draw(st.binary(max_size=40) | st.text(max_size=40).map(str.encode)
                   | st.sampled_from([b"aGVsbG8=", b"aGVsbG8", b"=41=4", b"=\r\n", b"begin 644 x\n", b"\r\n--"]))
    return "\r\n".join(headers).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + content


@st.composite
def multipart(draw):
    boundary = draw(boundaries)
    parts = draw(st.lists(part(), max_size=8))
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    body = draw(st.sampled_from([b"", b"preamble\r\n"])) + body + b"--" + boundary.encode() + b"--\r\n"
    quoted = draw(st.booleans())
    content_type = "multipart/form-data; boundary=" + (f'"{boundary}"' if quoted else boundary)
    if draw(st.integers(0, 5)) == 0:
        content_type += "; " + draw(stray_params)
    return body, content_type


content_types = st.text(st.characters(max_codepoint=255), max_size=80) | st.sampled_from([
    "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
    "multipart/form-data; boundary=x; boundary=y", "text/plain; boundary=x", "multipart/mixed; boundary=x",
    "multipart/form-data; charset=utf-8; boundary=x", "multipart/form-data;boundary=x\r\nX-Injected: 1",
    "multipart/form-data; boundary*=UTF-8''x", "multipart/form-data; boundary=x; a*",
    "multipart/form-data; a*; boundary=x"])


def check_multipart(body: bytes, content_type: str):
    try:
        fields, files = parse_multipart(body, content_type)
    except FormError:
        return None
    sane(fields, str)
    sane(files, UploadedFile)
    return fields, files


@FUZZ
@given(st.binary(max_size=400), content_types)
@case
def test_multipart_random(body, content_type):
    check_multipart(body, content_type)


@FUZZ
@given(multipart())
@case
def test_multipart_generated(generated):
    check_multipart(*generated)


@FUZZ
@given(st.data())
@case
def test_multipart_mutated(data):
    body, content_type = data.draw(multipart())
    body = data.draw(mutated(st.just(body)))
    content_type = data.draw(st.just(content_type) | mutated(st.just(content_type.encode())).map(
        lambda b: b.decode("latin-1")))
    check_multipart(body, content_type)


@FUZZ
@given(st.lists(st.tuples(st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=8),
                          st.text(max_size=30), st.booleans()), min_size=1, max_size=10),
       st.text(string.ascii_letters + string.digits, min_size=8, max_size=40))
@case
def test_plain_multipart_read_back(entries, boundary):
    """A browser-like body with plain names: every field and file reads back exactly (the last wins).
    (At least one part: a body with none, ``--b--``, is refused with FormError, a clean refusal.)"""
    body = b""
    fields, files = {}, {}
    for name, text, is_file in entries:
        content = text.encode()
        if is_file:
            head = f'Content-Disposition: form-data; name="{name}"; filename="f.bin"\r\nContent-Type: ' \
                   'application/octet-stream'
            files[name] = content       # an empty file with a filename is still a file (UPLOAD_ERR_OK, size 0)
        else:
            head = f'Content-Disposition: form-data; name="{name}"'
            fields[name] = text
        body += f"--{boundary}\r\n{head}\r\n\r\n".encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    got_fields, got_files = parse_multipart(body, f"multipart/form-data; boundary={boundary}")
    assert got_fields == fields
    assert {k: v.data for k, v in got_files.items()} == files
