"""sidecar.uploads: sniffing, checks, staging inside the uploads root, removal after commit."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from sidecar import uploads
from sidecar.learners import portfolios
from sidecar.uploads import ATTACHMENT, PORTFOLIO_PDF, PROGRESSION_DOCUMENT, UploadRejected

from . import samples


@pytest.mark.parametrize("maker,mime", [
    (samples.pdf, uploads.PDF), (samples.docx, uploads.DOCX), (samples.xlsx, uploads.XLSX),
    (samples.doc, uploads.DOC), (samples.xls, uploads.XLS), (samples.png, uploads.PNG), (samples.jpeg, uploads.JPEG),
])
def test_sniff_recognises_real_files(maker, mime):
    assert uploads.sniff(maker()) == mime


@pytest.mark.parametrize("data", [
    b"", b"<?php system($_GET['c']); ?>", b"<html><script>alert(1)</script></html>", b"%PDF", b"%PDF-x.y\n",
    b"PK\x03\x04garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, b"MZ\x90\x00", b"GIF89a....",
])
def test_sniff_rejects_other_content(data):
    assert uploads.sniff(data) is None


def test_sniff_plain_zip_is_not_office():
    assert uploads.sniff(samples.zip_plain()) is None


@pytest.mark.parametrize("name,kind,expected", [
    ("scan.pdf", PORTFOLIO_PDF, "pdf"), ("SCAN.PDF", PORTFOLIO_PDF, "pdf"),
    ("C:\\Users\\x\\Desktop\\scan.pdf", PORTFOLIO_PDF, "pdf"), ("../../etc/scan.pdf", PORTFOLIO_PDF, "pdf"),
])
def test_check_accepts_and_normalises(name, kind, expected):
    assert uploads.check(samples.upload(name, samples.pdf()), kind) == expected


def test_check_normalises_jpeg():
    assert uploads.check(samples.upload("photo.JPEG", samples.jpeg()), ATTACHMENT) == "jpg"


@pytest.mark.parametrize("name,data,reason", [
    ("evil.php", samples.pdf(), "extension"),
    ("evil.pdf.php", samples.pdf(), "extension"),
    ("noextension", samples.pdf(), "extension"),
    ("shell.pdf", b"<?php echo 1; ?>", "content"),
    ("page.pdf", b"<html><body>hi</body></html>", "content"),
    ("word.pdf", samples.docx(), "content"),       # a real docx renamed to .pdf
    ("scan.doc", samples.pdf(), "content"),        # a real pdf renamed to .doc (for PROGRESSION_DOCUMENT)
    ("scan.docx", samples.xlsx(), "content"),
    ("empty.pdf", b"", "empty"),
])
def test_check_rejects_disguised_files(name, data, reason):
    kind = PROGRESSION_DOCUMENT if name.endswith((".doc", ".docx")) else PORTFOLIO_PDF
    with pytest.raises(UploadRejected) as caught:
        uploads.check(samples.upload(name, data), kind)
    assert caught.value.reason == reason
    assert caught.value.message


def test_check_size_limit():
    big = samples.pdf() + b"0" * (10 * 1024 * 1024)
    with pytest.raises(UploadRejected) as caught:
        uploads.check(samples.upload("big.pdf", big), PORTFOLIO_PDF)
    assert caught.value.reason == "size"
    assert caught.value.message == "File is too large. Maximum size is 10MB."


def test_check_missing():
    with pytest.raises(UploadRejected) as caught:
        uploads.check(None, PORTFOLIO_PDF)
    assert caught.value.reason == "missing"


def test_progression_kinds_accept_word():
    assert uploads.check(samples.upload("a.docx", samples.docx()), PROGRESSION_DOCUMENT) == "docx"
    assert uploads.check(samples.upload("a.doc", samples.doc()), PROGRESSION_DOCUMENT) == "doc"
    with pytest.raises(UploadRejected):
        uploads.check(samples.upload("a.xls", samples.xls()), PROGRESSION_DOCUMENT)
    assert uploads.check(samples.upload("a.xls", samples.xls()), ATTACHMENT) == "xls"


# --- staging ----------------------------------------------------------------------------

class FakeConfig:
    def __init__(self, root, url="https://example.test/wp-content/uploads"):
        self.values = {"sidecar.uploads_dir": str(root) if root else None, "sidecar.uploads_url": url}

    def get(self, key):
        return self.values.get(key)


class FakeServices:
    def __init__(self, config):
        self.config = config

    def site_url(self):
        return "https://example.test"


class FakeCtx:
    def __init__(self, root):
        self.config = FakeConfig(root)
        self.services = FakeServices(self.config)


class FakeUnit:
    """Just the Unit surface uploads uses; commit()/fail() play the transaction's outcome."""

    def __init__(self, root):
        self.ctx = FakeCtx(root)
        self.commit_actions, self.failure_actions = [], []

    def after_commit(self, fn):
        self.commit_actions.append(fn)

    def on_failure(self, fn):
        self.failure_actions.append(fn)

    def commit(self):
        for fn in self.commit_actions:
            fn()

    def fail(self):
        for fn in reversed(self.failure_actions):
            fn()


def files_under(root: Path):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_stage_then_commit_moves_file_into_place(tmp_path):
    unit = FakeUnit(tmp_path)
    upload = samples.upload("../../x.pdf", samples.pdf())
    stored = uploads.stage(unit, upload, PORTFOLIO_PDF, "portfolios", "portfolio_")
    assert stored.relative_path.startswith("portfolios/portfolio_") and stored.relative_path.endswith(".pdf")
    assert stored.url == "https://example.test/wp-content/uploads/" + stored.relative_path
    assert stored.extension == "pdf" and stored.size == len(samples.pdf()) and stored.mime == uploads.PDF
    final = tmp_path / stored.relative_path
    assert not final.exists()                       # not before the commit
    unit.commit()
    assert final.read_bytes() == samples.pdf()
    assert oct(final.stat().st_mode & 0o777) == "0o644"
    leftovers = [f for f in files_under(tmp_path) if ".part" in f]
    assert leftovers == []
    assert (tmp_path / "portfolios" / "index.php").exists()
    assert (tmp_path / "portfolios" / ".htaccess").exists()


def test_stage_then_failure_leaves_nothing(tmp_path):
    unit = FakeUnit(tmp_path)
    uploads.stage(unit, samples.upload("x.pdf", samples.pdf()), PORTFOLIO_PDF, "portfolios", "portfolio_")
    unit.fail()
    assert [f for f in files_under(tmp_path) if f.endswith((".pdf", ".part"))] == []


def test_stage_names_are_unique_and_server_chosen(tmp_path):
    unit = FakeUnit(tmp_path)
    names = {uploads.stage(unit, samples.upload("same.pdf", samples.pdf()), PORTFOLIO_PDF, "portfolios",
                           "portfolio_").relative_path for _ in range(20)}
    assert len(names) == 20
    assert all("same" not in n for n in names)


@pytest.mark.parametrize("relative_dir,prefix", [
    ("../outside", "p_"), ("/etc", "p_"), ("portfolios/../..", "p_"), ("", "p_"), ("portfolios", "../p"),
    ("portfolios", "a/b"), ("port folios", "p_"),
])
def test_stage_refuses_unsafe_destinations(tmp_path, relative_dir, prefix):
    root = tmp_path / "uploads"
    root.mkdir()
    with pytest.raises(ValueError):
        uploads.stage(FakeUnit(root), samples.upload("x.pdf", samples.pdf()), PORTFOLIO_PDF, relative_dir, prefix)
    assert files_under(tmp_path) == []


def test_stage_refuses_a_symlinked_directory_leading_outside(tmp_path):
    root = tmp_path / "uploads"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    os.symlink(outside, root / "portfolios")
    with pytest.raises(ValueError):
        uploads.stage(FakeUnit(root), samples.upload("x.pdf", samples.pdf()), PORTFOLIO_PDF, "portfolios", "p_")
    assert list(outside.iterdir()) == []


def test_stage_rejects_bad_upload_before_writing(tmp_path):
    with pytest.raises(UploadRejected):
        uploads.stage(FakeUnit(tmp_path), samples.upload("x.pdf", b"<?php"), PORTFOLIO_PDF, "portfolios", "p_")
    assert files_under(tmp_path) == []


def test_stage_without_uploads_dir(tmp_path):
    with pytest.raises(uploads.UploadsNotConfigured):
        uploads.stage(FakeUnit(None), samples.upload("x.pdf", samples.pdf()), PORTFOLIO_PDF, "portfolios", "p_")


STORED = portfolios.STORED_FILE
OURS = "portfolios/portfolio_" + "a" * 24 + ".pdf"


def test_remove_after_commit_only_inside_root_and_only_stored_shapes(tmp_path):
    root = tmp_path / "uploads"
    (root / "portfolios").mkdir(parents=True)
    inside = root / OURS
    inside.write_bytes(b"x")
    canary = root / "portfolios" / "a.pdf"
    canary.write_bytes(b"keep")
    outside = tmp_path / "secret.txt"
    outside.write_text("keep")
    unit = FakeUnit(root)
    assert uploads.remove_after_commit(unit, OURS, STORED) is True
    for hostile in ("../secret.txt", "/etc/passwd", str(outside), "portfolios/../../secret.txt", "", "a\x00b",
                    "portfolios/a.pdf", "portfolios/portfolio_" + "a" * 24 + ".pdf/../a.pdf"):
        assert uploads.remove_after_commit(unit, hostile, STORED) is False
    assert inside.exists()             # nothing before the commit
    unit.commit()
    assert not inside.exists()
    assert outside.read_text() == "keep" and canary.read_bytes() == b"keep"


@pytest.mark.parametrize("path, stored", [
    ("portfolios/portfolio_" + "0f" * 12 + ".pdf", True),          # the sidecar's names
    ("portfolios/portfolio_65a1b2c3d4e5f4.12345678.pdf", True),    # the legacy plugin's uniqid('portfolio_', true)
    ("portfolios/portfolio_65a1b2c3d4e5f4.12345678.php", False),
    ("portfolios/progression_1_" + "0" * 24 + ".pdf", False),
    ("acc-canary.txt", False),
])
def test_portfolio_file_shapes(path, stored):
    assert bool(STORED.fullmatch(path)) is stored


def test_remove_after_commit_missing_file_is_fine(tmp_path):
    unit = FakeUnit(tmp_path)
    assert uploads.remove_after_commit(unit, OURS, STORED) is True
    unit.commit()
