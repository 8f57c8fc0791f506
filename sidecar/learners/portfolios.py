"""Learner portfolios (docs/contracts/learners.md#portfolios): PDFs under ``{uploads}/portfolios/``,
a ``learner_portfolios`` row each, and the denormalised ``learners.scanned_portfolio``.

Differences from the reference, on purpose: the content must really be a PDF (not only the
extension), names are random rather than time-derived, the files appear only after the
database commit, and ``scanned_portfolio`` always lists the learner's newest portfolios that
fit its 255 characters instead of overflowing (which made the reference roll back).
"""
from __future__ import annotations

import re

from .. import uploads
from . import events, queries

DIRECTORY = "portfolios"          # where the legacy plugin put them, so existing links keep working
NAME_PREFIX = "portfolio_"
# The only portfolio files a delete may remove: the sidecar's random names, and the legacy plugin's
# uniqid('portfolio_', true) names (13 hex digits, then a digit, a dot and 8 digits).
STORED_FILE = re.compile(r"portfolios/portfolio_(?:[0-9a-f]{24}|[0-9a-f]{13}[0-9]\.[0-9]{8})\.pdf")
SCANNED_PORTFOLIO_MAX = 255
MAX_FILES_PER_POST = 20


def files_from(ctx, field: str = "scanned_portfolio") -> list:
    """The uploaded files of ``field[]`` (or a single ``field``), in the order sent."""
    value = ctx.files.get(field)
    if value is None:
        return []
    if isinstance(value, dict):
        return [v for _, v in sorted(((k, v) for k, v in value.items() if isinstance(k, int)),
                                     key=lambda kv: kv[0])
                if hasattr(v, "data")]
    return [value] if hasattr(value, "data") else []


def check_all(files: list) -> None:
    """Reject the whole post before anything is written if any file is not an acceptable PDF."""
    if len(files) > MAX_FILES_PER_POST:
        raise uploads.UploadRejected(f"Too many files: at most {MAX_FILES_PER_POST} portfolios per upload.",
                                     "count")
    for position, upload in enumerate(files, start=1):
        try:
            uploads.check(upload, uploads.PORTFOLIO_PDF)
        except uploads.UploadRejected as exc:
            message = exc.message
            if exc.reason in ("extension", "content"):
                message = "Only PDF files can be uploaded as portfolios."
            raise uploads.UploadRejected(f"Portfolio file {position}: {message}", exc.reason) from None


def fit_paths(paths: list[str], limit: int = SCANNED_PORTFOLIO_MAX) -> str | None:
    """As many whole paths (newest first) as fit in ``limit`` characters, joined with ', '."""
    kept: list[str] = []
    length = 0
    for path in paths:
        extra = len(path) + (2 if kept else 0)
        if length + extra > limit:
            break
        kept.append(path)
        length += extra
    return ", ".join(kept) if kept else None


def refresh_scanned_portfolio(cur, learner_id: int) -> None:
    paths = [row["file_path"] for row in queries.portfolios(cur, learner_id)]
    queries.hold_scanned_portfolio(cur, learner_id, fit_paths(paths))


def save(unit, learner_id: int, files: list) -> list[int]:
    """Stage every file, insert its row and emit its event inside the unit; return the new ids."""
    ids = []
    for upload in files:
        stored = uploads.stage(unit, upload, uploads.PORTFOLIO_PDF, DIRECTORY, NAME_PREFIX)
        portfolio_id = queries.insert_portfolio(unit.cursor, learner_id, stored.relative_path)
        ids.append(portfolio_id)
        unit.emit(events.PORTFOLIO_UPLOADED, {"learner_id": learner_id, "portfolio_id": portfolio_id,
                                              "file_path": stored.relative_path})
    if files:
        refresh_scanned_portfolio(unit.cursor, learner_id)
    return ids


def delete(unit, learner_id: int, portfolio_id: int) -> bool:
    """Delete one portfolio of this learner; its file goes after the commit. False if not theirs.

    Every portfolio write locks the learner first, so once it is locked its portfolios read here are the ones
    there are, and those left after the DELETE are the others."""
    cur = unit.cursor
    queries.hold_learner_lock(cur, learner_id)
    rows = queries.portfolios(cur, learner_id)
    row = next((r for r in rows if r["portfolio_id"] == portfolio_id), None)
    if row is None:
        return False
    queries.hold_delete_portfolio(cur, portfolio_id)
    queries.hold_scanned_portfolio(cur, learner_id, fit_paths([r["file_path"] for r in rows if r is not row]))
    uploads.remove_after_commit(unit, row["file_path"], STORED_FILE)
    unit.emit(events.PORTFOLIO_DELETED, {"learner_id": learner_id, "portfolio_id": portfolio_id})
    return True
