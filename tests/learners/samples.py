"""Small, valid sample files built in memory (no binary fixtures in the repository)."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from sidecar.phpform import UploadedFile


def pdf(text: str = "WeCoza test") -> bytes:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"% " + text.encode("ascii", "replace") + b"\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
    return body


def png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\x00\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    """A 1x1 grey baseline JPEG: quantisation table, frame, one-code Huffman tables, one scan, end."""
    def segment(marker, payload):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload
    one_code = b"\x01" + b"\x00" * 15 + b"\x00"  # one code of length 1 for symbol 0
    return (b"\xff\xd8" + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xDB, b"\x00" + b"\x01" * 64)
            + segment(0xC0, b"\x08" + struct.pack(">HH", 1, 1) + b"\x01\x01\x11\x00")
            + segment(0xC4, b"\x00" + one_code) + segment(0xC4, b"\x10" + one_code)
            + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x3f" + b"\xff\xd9")


def _ooxml(parts: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        for name, text in parts.items():
            archive.writestr(name, text)
    return buf.getvalue()


def docx() -> bytes:
    return _ooxml({"word/document.xml": "<w:document/>"})


def xlsx() -> bytes:
    return _ooxml({"xl/workbook.xml": "<workbook/>"})


def zip_plain() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buf.getvalue()


def _cfb(stream_name: str) -> bytes:
    """A minimal OLE2 compound file: header, one FAT sector, one directory sector, one data sector."""
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<8I", header, 44, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fatsect, end, end, *([free] * 125))

    def entry(name, kind, start, size, child=free):
        raw = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        raw[0:len(encoded)] = encoded
        struct.pack_into("<H", raw, 64, len(encoded))
        raw[66] = kind
        raw[67] = 1
        struct.pack_into("<III", raw, 68, free, free, child)
        struct.pack_into("<I", raw, 116, start)
        struct.pack_into("<I", raw, 120, size)
        return bytes(raw)

    directory = entry("Root Entry", 5, end, 0, child=1) + entry(stream_name, 2, 2, 4096) + b"\x00" * 256
    data = b"\x00" * 512
    return bytes(header) + fat + directory + data


def doc() -> bytes:
    return _cfb("WordDocument")


def xls() -> bytes:
    return _cfb("Workbook")


def upload(filename: str, data: bytes, content_type: str = "application/octet-stream", field: str = "file"):
    return UploadedFile(field, filename, content_type, data)
