"""The OLE2 content check (sidecar.uploads.sniff with olefile) on hostile compound files: mutations of a real
.doc and .xls (header fields, FAT and directory sectors, truncation) and random bytes behind the OLE2 magic.

The check answers DOC, XLS or None (not a document), quickly; never an exception, never a file name
(olefile reads short bytes as a path: the check must hand it the bytes themselves)."""
from __future__ import annotations

import os
import time

from hypothesis import given
from hypothesis import strategies as st

from sidecar import uploads
from tests.learners import samples

from .conftest import FUZZ, case, counted
from .strategies import mutated

sniff = counted("sidecar.uploads.sniff (OLE2)", uploads.sniff)
MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@FUZZ
@given(mutated(st.sampled_from([samples.doc(), samples.xls()]), max_steps=8))
@case
def test_mutated_compound_files(data):
    started = time.monotonic()
    assert sniff(data) in (uploads.DOC, uploads.XLS, None)
    assert time.monotonic() - started < 2


@FUZZ
@given(st.binary(max_size=4096))
@case
def test_random_bytes_behind_the_magic(data):
    assert sniff(MAGIC + data) in (uploads.DOC, uploads.XLS, None)


def test_short_bytes_are_never_taken_for_a_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / os.fsdecode(MAGIC)).write_bytes(samples.doc())  # a file whose name is those bytes
    assert sniff(MAGIC) is None


def test_only_a_root_stream_names_the_kind():
    assert sniff(samples.doc()) == uploads.DOC and sniff(samples.xls()) == uploads.XLS
    assert sniff(samples._cfb("Contents")) is None
