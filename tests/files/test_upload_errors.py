"""A file PHP refused before the shim forwarded it (over upload_max_filesize, over the form's MAX_FILE_SIZE, cut
short...) arrives as a part with PHP's error code in ``X-WeCoza-Upload-Error`` and no bytes: it is refused with the
reference handlers' words for that error, not as an empty file."""
from __future__ import annotations

import pytest

from sidecar import uploads
from sidecar.phpform import parse_multipart

BOUNDARY = "----wecozatest"


def forwarded_part(error: str | None, filename: str = "notes.pdf", content: bytes = b"") -> tuple[bytes, str]:
    """A multipart body as the shim builds it for one file field."""
    extra = f"X-WeCoza-Upload-Error: {error}\r\n" if error is not None else ""
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/pdf\r\n{extra}\r\n").encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()
    return body, f"multipart/form-data; boundary={BOUNDARY}"


@pytest.mark.parametrize("code, text", [
    ("1", "File exceeds server maximum size"),
    ("2", "File exceeds form maximum size"),
    ("3", "File was only partially uploaded"),
    ("6", "Server configuration error"),
    ("7", "Failed to write file to disk"),
    ("8", "Upload blocked by extension"),
    ("not_uploaded", "Unknown upload error"),
    ("<script>", "Unknown upload error"),
])
def test_a_file_php_refused_is_refused_with_phps_reason(code, text):
    _fields, files = parse_multipart(*forwarded_part(code))
    assert files["file"].upload_error == code and files["file"].data == b""
    with pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(files["file"], uploads.ATTACHMENT)
    assert (refused.value.message, refused.value.reason) == (text, "php")


def test_a_refused_file_without_a_name_is_still_reported():
    _fields, files = parse_multipart(*forwarded_part("1", filename=""))
    assert files["file"].upload_error == "1"


def test_an_empty_file_input_is_still_no_file():
    _fields, files = parse_multipart(*forwarded_part(None, filename=""))
    assert files == {}
