"""A PDF must parse as a PDF and an image as an image: polyglots with HTML where browsers sniff are refused,
and the files the real pages send still pass."""
from __future__ import annotations

import struct
import zlib

import pytest

from sidecar import uploads
from sidecar.uploads import ATTACHMENT, PORTFOLIO_PDF, UploadRejected
from devstack import class_pages as pages
from tests.learners import samples

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def jpeg_with_comment(comment: bytes) -> bytes:
    real = samples.jpeg()
    return real[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + real[2:]


def png_with_text(text: bytes) -> bytes:
    real = samples.png()
    return real[:33] + png_chunk(b"tEXt", b"Comment\x00" + text) + real[33:]


@pytest.mark.parametrize("maker,mime", [
    (samples.pdf, uploads.PDF), (samples.png, uploads.PNG), (samples.jpeg, uploads.JPEG),
    (lambda: pages.PDF_BYTES, uploads.PDF), (lambda: pages.PNG_BYTES, uploads.PNG),
    (lambda: samples.pdf("x" * 5000), uploads.PDF),
    (lambda: samples.pdf() + b"\r\n" * 100, uploads.PDF),             # blank lines after %%EOF
    (lambda: png_with_text(b"Created with a scanner"), uploads.PNG),
    (lambda: jpeg_with_comment(b"scan 2026 <3"), uploads.JPEG),
])
def test_the_pages_files_still_pass(maker, mime):
    assert uploads.sniff(maker()) == mime


@pytest.mark.parametrize("name,data", [
    ("pdf with html after the header", b"%PDF-1.4\n" + HTML + b"\n" + samples.pdf()[9:]),
    ("pdf with a comment of markup", samples.pdf().replace(b"% WeCoza test", b"%<!-- <iframe src=x> -->")),
    ("pdf that is only a header", b"%PDF-1.7\n"),
    ("pdf header and end marker only", b"%PDF-1.7\n" + HTML + b"\n%%EOF\n"),
    ("pdf without an object", b"%PDF-1.4\ntrailer<<>>\n%%EOF\n"),
    ("pdf without an end marker", samples.pdf().replace(b"%%EOF", b"")),
    ("pdf whose end marker is far from the end", samples.pdf() + b"\n" + b"x" * 2000),
    ("jpeg with html in a comment", jpeg_with_comment(HTML)),
    ("jpeg start then html", b"\xff\xd8\xff" + HTML),
    ("jpeg without a frame", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"),
    ("jpeg of zero width", samples.jpeg().replace(b"\x08\x00\x01\x00\x01\x01", b"\x08\x00\x01\x00\x00\x01")),
    ("jpeg whose segment runs past the end", samples.jpeg()[:30]),
    ("png with html in a text chunk", png_with_text(HTML)),
    ("png signature then html", b"\x89PNG\r\n\x1a\n" + HTML),
    ("png with a broken IHDR checksum", samples.png()[:29] + b"\x00\x00\x00\x00" + samples.png()[33:]),
    ("png of zero height", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 0, 8, 2, 0, 0, 0))
     + samples.png()[33:]),
    ("png without image data", samples.png()[:33] + png_chunk(b"IEND", b"")),
])
def test_polyglots_and_shells_are_refused(name, data):
    assert uploads.sniff(data) is None, name


def test_markup_beyond_what_browsers_sniff_does_not_refuse_a_real_pdf():
    """Text far into a document (a quoted web page in a report) is content, not a polyglot."""
    data = samples.pdf("x" * uploads.SNIFFED_BYTES + "<html><body>quoted page</body></html>")
    assert uploads.sniff(data) == uploads.PDF


@pytest.mark.parametrize("name,data,kind", [
    ("scan.pdf", b"%PDF-1.4\n" + HTML + b"\n1 0 obj<<>>endobj\n%%EOF\n", PORTFOLIO_PDF),
    ("photo.jpg", jpeg_with_comment(HTML), ATTACHMENT),
    ("photo.png", png_with_text(HTML), ATTACHMENT),
])
def test_check_refuses_a_polyglot_as_content(name, data, kind):
    with pytest.raises(UploadRejected) as refused:
        uploads.check(samples.upload(name, data), kind)
    assert refused.value.reason == "content"
