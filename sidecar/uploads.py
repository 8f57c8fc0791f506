"""Uploaded files: checked (extension AND content must agree), staged inside the uploads
root during the transaction, moved into place only after the commit.

Nothing the client sends decides where a file lands or what it is called: the caller picks
a directory below the uploads root (``sidecar.uploads_dir``) and a name prefix, the name is
random, and every path is resolved and refused if it would leave the root.

    ext = uploads.check(upload, uploads.PORTFOLIO_PDF)          # raises UploadRejected
    with ctx.transaction() as unit:
        stored = uploads.stage(unit, upload, uploads.PORTFOLIO_PDF, "portfolios", "portfolio_")
        ... INSERT ... stored.relative_path ...
        uploads.remove_after_commit(unit, old_relative_path, portfolios.STORED_FILE)
"""
from __future__ import annotations

import io
import logging
import os
import re
import secrets
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import olefile

from wp_bridge.auth import AuthResult

from . import access

log = logging.getLogger("wecoza.sidecar.uploads")

MIB = 1024 * 1024

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLS = "application/vnd.ms-excel"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
PNG = "image/png"

# The one content type each accepted extension must sniff as.
EXTENSION_MIME = {
    "pdf": PDF,
    "doc": DOC,
    "docx": DOCX,
    "xls": XLS,
    "xlsx": XLSX,
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": PNG,
}
_NORMALISED = {"jpeg": "jpg"}


class UploadRejected(Exception):
    """A file the user must replace; ``message`` is safe to show, ``reason`` is a code
    (``missing``, ``php`` for a file PHP refused, ``empty``, ``size``, ``extension``, ``content``) callers may map
    to their own contract texts."""

    def __init__(self, message: str, reason: str = "content"):
        super().__init__(message)
        self.message = message
        self.reason = reason


class UploadsNotConfigured(RuntimeError):
    """``sidecar.uploads_dir`` is not set or does not exist (an operator error)."""


@dataclass(frozen=True)
class FileKind:
    name: str
    extensions: tuple
    mimes: tuple
    max_bytes: int

    @property
    def max_megabytes(self) -> int:
        return self.max_bytes // MIB


@dataclass(frozen=True)
class StoredFile:
    relative_path: str   # below the uploads root, "/"-separated, e.g. "portfolios/portfolio_ab12….pdf"
    url: str             # public URL (uploads URL + relative path); "" when no uploads URL is known
    size: int
    extension: str
    mime: str = ""       # the sniffed content type (never the client's claim)


PORTFOLIO_PDF = FileKind("portfolio", ("pdf",), (PDF,), 10 * MIB)
PROGRESSION_DOCUMENT = FileKind("progression document", ("pdf", "doc", "docx"), (PDF, DOC, DOCX), 10 * MIB)
ATTACHMENT = FileKind("attachment", ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"),
                      (PDF, DOC, DOCX, XLS, XLSX, JPEG, PNG), 10 * MIB)


# --- content sniffing --------------------------------------------------------------------

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_ZIP_MAGIC = b"PK\x03\x04"


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, among the ones we accept; None otherwise.

    A PDF or an image must parse as one (a matching first line is not enough), and must not carry HTML
    markup where browsers look for it: a polyglot is refused, whatever it would render as."""
    if data.startswith(b"%PDF-"):
        return PDF if _is_pdf(data) and not _has_markup(data) else None
    if data.startswith(_PNG_MAGIC):
        return PNG if _png_size(data) and not _has_markup(data) else None
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG if _jpeg_size(data) and not _has_markup(data) else None
    if data.startswith(_OLE2_MAGIC):
        return _sniff_ole2(data)
    if data.startswith(_ZIP_MAGIC):
        return _sniff_ooxml(data)
    return None


# HTML that browsers find when they sniff the first 1024 bytes: tags of at least three letters (a shorter
# pattern turns up by chance in compressed image or PDF data), links, comments.
SNIFFED_BYTES = 1024
_MARKUP = re.compile(
    rb"<(?:(?:!doctype\s+html|html|head|body|script|iframe|title|style|table|div|font|svg|img|object|embed|meta"
    rb"|form|base|link|plaintext|pre)[\s>/]|a\s[^>]{0,64}href|!--)",
    re.IGNORECASE)


def _has_markup(data: bytes) -> bool:
    return _MARKUP.search(data[:SNIFFED_BYTES]) is not None


_PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")   # at offset 0, as libmagic matches it
_PDF_OBJECT = re.compile(rb"(?<![0-9])[0-9]{1,10}[ \t\r\n]+[0-9]{1,5}[ \t\r\n]+obj\b")
_PDF_TAIL = 1024                                # readers look for %%EOF this close to the end


def _is_pdf(data: bytes) -> bool:
    """A header, at least one indirect object, and the end-of-file marker near the end."""
    return (_PDF_HEADER.match(data) is not None and b"%%EOF" in data[-_PDF_TAIL:]
            and _PDF_OBJECT.search(data) is not None)


# PNG: bit depths allowed for each colour type (ISO/IEC 15948, IHDR).
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_MAX_DIMENSION = 2 ** 31 - 1


def _png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the IHDR chunk (its checksum and fields valid), when the chunks that follow it
    lead to image data (IDAT). What comes after is left to the decoder, as browsers do."""
    if len(data) < 33 or data[8:16] != b"\x00\x00\x00\x0dIHDR":
        return None
    if zlib.crc32(data[12:29]) & 0xFFFFFFFF != struct.unpack_from(">I", data, 29)[0]:
        return None
    width, height, depth, colour, compression, filtering, interlace = struct.unpack_from(">IIBBBBB", data, 16)
    if not (0 < width <= _MAX_DIMENSION and 0 < height <= _MAX_DIMENSION):
        return None
    if depth not in _PNG_DEPTHS.get(colour, ()) or compression or filtering or interlace > 1:
        return None
    offset = 33
    while offset + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, offset)
        if kind == b"IDAT":
            return width, height
        if length > _MAX_DIMENSION or kind in (b"IHDR", b"IEND"):
            return None
        offset += 12 + length
    return None


# JPEG markers with no length field; the start-of-frame markers that carry the dimensions.
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the start-of-frame segment, reached by walking the segments after SOI, when a
    scan follows it. What comes after is left to the decoder, as browsers do."""
    offset, size = 2, None
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xFF:            # fill byte
            offset += 1
            continue
        if marker in _JPEG_STANDALONE:
            offset += 2
            continue
        if marker in (0xD8, 0xD9):
            return None
        length = struct.unpack_from(">H", data, offset + 2)[0]
        if length < 2 or offset + 2 + length > len(data):
            return None
        if marker in _JPEG_FRAMES:
            if length < 8 or size is not None:
                return None
            precision, height, width, components = struct.unpack_from(">BHHB", data, offset + 4)
            if precision not in (8, 12, 16) or not (width and height) or not 1 <= components <= 4:
                return None
            size = (width, height)
        if marker == 0xDA:            # start of scan: the entropy-coded data follows
            return size
        offset += 2 + length
    return None


def _sniff_ooxml(data: bytes) -> str | None:
    """docx / xlsx: a ZIP whose central directory lists the package parts (nothing is inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _sniff_ole2(data: bytes) -> str | None:
    """doc / xls: an OLE2 compound file (read by olefile) with a WordDocument or Workbook stream at its root."""
    try:
        # a BytesIO, never the bytes: olefile takes short bytes for a file name
        with olefile.OleFileIO(io.BytesIO(data)) as compound:
            streams = {entry[0] for entry in compound.listdir(streams=True, storages=False) if len(entry) == 1}
    except Exception:  # noqa: BLE001 - olefile raises assorted errors on a malformed file: it is not a document
        return None
    if "WordDocument" in streams:
        return DOC
    if "Workbook" in streams or "Book" in streams:
        return XLS
    return None


# --- checks ------------------------------------------------------------------------------

def client_extension(filename: str) -> str:
    """The lower-case extension of the client's file name (any directory part ignored)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = base.replace("\x00", "").strip().rstrip(".")
    if "." not in base:
        return ""
    return base.rsplit(".", 1)[1].lower()


# The reference handlers' words for PHP's upload errors (UPLOAD_ERR_*), for a file PHP refused before the shim
# forwarded it; any other code is "Unknown upload error".
PHP_UPLOAD_ERRORS = {
    "1": "File exceeds server maximum size",
    "2": "File exceeds form maximum size",
    "3": "File was only partially uploaded",
    "4": "No file was uploaded",
    "6": "Server configuration error",
    "7": "Failed to write file to disk",
    "8": "Upload blocked by extension",
}


def check(upload, kind: FileKind) -> str:
    """Validate one upload against ``kind``; return its normalised extension (``jpeg`` → ``jpg``).

    The extension must be one of the kind's, the bytes must sniff as the type of that very
    extension, and the size must be within the limit. Raises UploadRejected otherwise.
    """
    if upload is None or not hasattr(upload, "data"):
        raise UploadRejected("No file uploaded.", "missing")
    if getattr(upload, "upload_error", ""):
        raise UploadRejected(PHP_UPLOAD_ERRORS.get(upload.upload_error, "Unknown upload error"), "php")
    data = upload.data
    if not data:
        raise UploadRejected("The uploaded file is empty.", "empty")
    if len(data) > kind.max_bytes:
        raise UploadRejected(f"File is too large. Maximum size is {kind.max_megabytes}MB.", "size")
    allowed = ", ".join(e.upper() for e in kind.extensions if e not in _NORMALISED)
    extension = client_extension(upload.filename)
    if extension not in kind.extensions or extension not in EXTENSION_MIME:
        raise UploadRejected(f"Invalid file type. Allowed: {allowed}.", "extension")
    actual = sniff(data)
    if actual is None or actual not in kind.mimes or actual != EXTENSION_MIME[extension]:
        raise UploadRejected(f"Invalid file type. Allowed: {allowed}.", "content")
    return _NORMALISED.get(extension, extension)


# --- paths -------------------------------------------------------------------------------

_SAFE_DIR = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")
_SAFE_PREFIX = re.compile(r"[A-Za-z0-9_-]{0,64}")


def uploads_root(config) -> Path:
    configured = config.get("sidecar.uploads_dir")
    if not configured:
        raise UploadsNotConfigured("sidecar.uploads_dir (WECOZA_UPLOADS_DIR) is not set")
    root = Path(configured)
    if not root.is_dir():
        raise UploadsNotConfigured("the uploads directory (sidecar.uploads_dir) does not exist")
    return root.resolve()


def uploads_url(services_or_config, relative_path: str) -> str:
    """Public URL of a stored file: ``sidecar.uploads_url``, else ``<home>/wp-content/uploads``."""
    config = getattr(services_or_config, "config", services_or_config)
    base = (config.get("sidecar.uploads_url") or "").rstrip("/")
    if not base and hasattr(services_or_config, "site_url"):
        try:
            home = services_or_config.site_url()
        except Exception:  # noqa: BLE001 - a URL is informational; the file is stored either way
            home = ""
        base = f"{home}/wp-content/uploads" if home else ""
    return f"{base}/{relative_path}" if base else ""


def resolve_inside(root: Path, relative_path: str) -> Path | None:
    """The absolute path of ``relative_path`` if it stays inside ``root`` (symlinks resolved), else None."""
    if not isinstance(relative_path, str) or not relative_path or "\x00" in relative_path:
        return None
    if relative_path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", relative_path):
        return None
    candidate = (root / relative_path).resolve()
    if candidate == root or root not in candidate.parents:
        return None
    return candidate


# WordPress's capability to upload files, which storing an attachment needs besides the action's own.
STORE_FILES = "upload_files"


def may_store_files(ctx) -> bool:
    """Whether the handler's caller may store a file (``access.decide`` on the request's user)."""
    gate = access.Gate(label=ctx.action, capability=STORE_FILES)
    return access.decide(ctx.services, gate, AuthResult(ctx.user, None if ctx.user else "logged_out")) is None


def _config_of(unit):
    return unit.ctx.config


def _services_of(unit):
    return unit.ctx.services


def stage(unit, upload, kind: FileKind, relative_dir: str, name_prefix: str) -> StoredFile:
    """Check the upload, write it to a temporary file in its destination directory and arrange
    for it to be renamed into place after the unit commits (deleted if it fails)."""
    extension = check(upload, kind)
    if not _SAFE_DIR.fullmatch(relative_dir or "") or not _SAFE_PREFIX.fullmatch(name_prefix or ""):
        raise ValueError("unsafe upload directory or name prefix")
    root = uploads_root(_config_of(unit))
    directory = resolve_inside(root, relative_dir)
    if directory is None:
        raise ValueError("upload directory outside the uploads root")
    directory.mkdir(parents=True, exist_ok=True, mode=0o755)
    if directory.resolve() != directory or root not in directory.parents:
        raise ValueError("upload directory outside the uploads root")
    _protect_directory(directory)

    name = f"{name_prefix}{secrets.token_hex(12)}.{extension}"
    final = directory / name
    temp = directory / f".wecoza-{secrets.token_hex(8)}.part"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(temp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(upload.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        _unlink_quietly(temp)
        raise

    def move_into_place():
        if final.exists():  # never overwrite; random names make this practically impossible
            _unlink_quietly(temp)
            raise OSError(f"refusing to overwrite {final.name}")
        os.rename(temp, final)

    unit.on_failure(lambda: _unlink_quietly(temp))
    unit.after_commit(move_into_place)
    relative = f"{relative_dir}/{name}"
    return StoredFile(relative, uploads_url(_services_of(unit), relative), len(upload.data), extension,
                      EXTENSION_MIME[extension])


def remove_after_commit(unit, relative_path: str, shape: re.Pattern) -> bool:
    """Delete a stored file once the unit has committed: only a path of ``shape`` (the names the sidecar
    or the legacy plugin write there), inside the uploads root. A stored path is data, not proof: a row
    naming any other file under the uploads root must not make the sidecar delete it.

    Returns False (and deletes nothing) for any other path or without a root."""
    if not isinstance(relative_path, str) or not shape.fullmatch(relative_path):
        log.warning("not removing a stored file whose path is not one the sidecar or the legacy plugin writes")
        return False
    try:
        root = uploads_root(_config_of(unit))
    except UploadsNotConfigured:
        log.warning("not removing a stored file: the uploads directory is not configured")
        return False
    target = resolve_inside(root, relative_path)
    if target is None:
        log.warning("not removing a stored file whose path leaves the uploads root")
        return False
    unit.after_commit(lambda: _unlink_quietly(target))
    return True


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


_INDEX_PHP = "<?php\n// Silence is golden.\n"
_HTACCESS = (
    "# Written by the WeCoza sidecar: no listings, no scripts.\n"
    "Options -Indexes\n"
    "<FilesMatch \"\\.(php[0-9]?|phtml|phar|pl|py|cgi|sh)$\">\n"
    "  <IfModule mod_authz_core.c>\n    Require all denied\n  </IfModule>\n"
    "  <IfModule !mod_authz_core.c>\n    Order allow,deny\n    Deny from all\n  </IfModule>\n"
    "</FilesMatch>\n"
)


def _protect_directory(directory: Path) -> None:
    """An ``index.php`` and an Apache 2.2/2.4 ``.htaccess`` (the legacy plugin wrote a 2.2-only one)."""
    for name, text in (("index.php", _INDEX_PHP), (".htaccess", _HTACCESS)):
        path = directory / name
        if not path.exists():
            try:
                with open(path, "x", encoding="ascii") as handle:
                    handle.write(text)
            except FileExistsError:
                pass
            except OSError:
                log.warning("could not write %s in an upload directory", name)


PARTIAL_GLOB = ".wecoza-*.part"


def sweep_partial_uploads(root: Path, older_than: float = 600.0, now: float | None = None) -> int:
    """Remove staged uploads a killed process never committed nor cleaned (hidden ``.part`` files).

    Only files older than ``older_than`` seconds: a younger one may belong to a request still running.
    """
    import time
    now = time.time() if now is None else now
    removed = 0
    for path in Path(root).rglob(PARTIAL_GLOB):
        try:
            if path.is_file() and not path.is_symlink() and now - path.stat().st_mtime > older_than:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
