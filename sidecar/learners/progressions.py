"""Learning programme (LP) progressions (docs/contracts/learners.md#progressions): reads in the shapes of
``ProgressionService`` and the completion and portfolio rules.

Rules kept from the reference: one ``in_progress`` LP per learner (the database's unique
partial index); an LP is completed from ``in_progress`` or ``on_hold``; completing does not
require the hours to be reached (the page shows "Required hours completed" for information);
completion stamps ``completion_date`` (today, UTC), ``marked_complete_by``/``_date``, recomputes
``hours_absent = max(0, trained - present)`` and writes the legacy ``learner_progressions`` row.

Changed on purpose: completion requires the portfolio document (the page always sends it and
``learner_progression_portfolios`` is documented as "required for completion"), everything
happens in one transaction with the file moved into place after the commit, the stored file
type is the sniffed one (never the client's claim), and an LP completed twice is refused
under a row lock rather than by a racy read.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from .. import uploads
from . import events

DIRECTORY = "portfolios"                # the legacy PortfolioUploadService's directory
FILE_TYPE_MAX = 50                      # learner_progression_portfolios.file_type varchar(50)
FILE_NAME_MAX = 255
_NOW_UTC = "(now() AT TIME ZONE 'UTC')"

# A learner's LPs in one statement, in the order ``overall`` adds them up; ``completion_order`` is the order
# ``history`` lists the completed ones in.
_LEARNER_LPS = """
SELECT t.tracking_id, t.learner_id, t.product_id, t.class_id, t.hours_trained, t.hours_present,
       t.hours_absent, t.status, t.start_date::text AS start_date, t.completion_date::text AS completion_date,
       t.notes, p.product_name, p.product_duration, c.class_code,
       row_number() OVER (ORDER BY t.completion_date DESC NULLS LAST, t.tracking_id DESC) AS completion_order
  FROM learner_lp_tracking t
  LEFT JOIN products p ON p.product_id = t.product_id
  LEFT JOIN classes c ON c.class_id = t.class_id
 WHERE t.learner_id = %s
 ORDER BY t.start_date DESC NULLS LAST, t.tracking_id DESC
"""


class ProgressionMissing(Exception):
    pass


class AlreadyCompleted(Exception):
    pass


def _hours(value) -> float:
    return float(value) if value is not None else 0.0


def progress_percentage(hours_present, duration) -> float:
    """``min(100, round(present / duration * 100, 1))``; 0 without a positive duration (always a float)."""
    if not duration or duration <= 0:
        return 0.0
    return float(min(100.0, php_round(_hours(hours_present) / duration * 100, 1)))


def php_round(value: float, places: int = 0) -> float:
    """PHP ``round()``: half away from zero (Python rounds half to even)."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def is_hours_complete(hours_present, duration) -> bool:
    return bool(duration) and _hours(hours_present) >= duration


def current_details(rows: list):
    """The newest ``in_progress`` LP (the database allows one per learner)."""
    row = max((r for r in rows if r["status"] == "in_progress"), key=lambda r: r["tracking_id"], default=None)
    if row is None:
        return None
    return {
        "tracking_id": row["tracking_id"],
        "product_name": row["product_name"],
        "product_duration": row["product_duration"],
        "hours_trained": _hours(row["hours_trained"]),
        "hours_present": _hours(row["hours_present"]),
        "hours_absent": _hours(row["hours_absent"]),
        "progress_percentage": progress_percentage(row["hours_present"], row["product_duration"]),
        "start_date": row["start_date"],
        "class_code": row["class_code"],
        "is_hours_complete": is_hours_complete(row["hours_present"], row["product_duration"]),
    }


def history(rows: list) -> list:
    """The completed LPs, latest completion first."""
    completed = sorted((r for r in rows if r["status"] == "completed"), key=lambda r: r["completion_order"])
    return [{
        "tracking_id": row["tracking_id"],
        "product_name": row["product_name"],
        "start_date": row["start_date"],
        "completion_date": row["completion_date"],
        "hours_present": _hours(row["hours_present"]),
        "product_duration": row["product_duration"],
    } for row in completed]


def overall(rows: list) -> dict:
    """``getLearnerOverallProgress``, PHP number types included: sums start as int 0 and turn
    float once an hours value (float) is added; on-hold LPs count as in progress."""
    enrolled, completed_hours, completed = 0, 0, 0
    for row in rows:
        duration = row["product_duration"] or 0
        enrolled += duration
        if row["status"] == "completed":
            completed_hours += duration
            completed += 1
        else:
            completed_hours += _hours(row["hours_present"])
    percentage = php_round(completed_hours / enrolled * 100, 1) if enrolled > 0 else 0
    return {
        "total_lps": len(rows),
        "completed_lps": completed,
        "in_progress_lps": len(rows) - completed,
        "total_enrolled_hours": enrolled,
        "total_completed_hours": completed_hours,
        "overall_percentage": percentage,
    }


def learner_progressions(cur, learner_id: int) -> dict:
    cur.execute(_LEARNER_LPS, (learner_id,))
    rows = cur.fetchall()
    return {"current_lp": current_details(rows), "history": history(rows), "overall": overall(rows)}


# --- writes ----------------------------------------------------------------------------------

def display_file_name(filename: str, extension: str) -> str:
    """The client's file name as information only: no directories, no control or odd characters."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", base).strip(" ._")
    base = re.sub(r"_+", "_", base)[:FILE_NAME_MAX]
    return base or f"portfolio.{extension}"


def stored_file_type(stored: uploads.StoredFile) -> str:
    return stored.mime if len(stored.mime) <= FILE_TYPE_MAX else stored.extension


def _lock(cur, tracking_id: int):
    """The LP, locked; ``today`` is the transaction's UTC date (``now()`` is the same for all its statements)."""
    cur.execute("SELECT tracking_id, learner_id, product_id, status, notes, "
                f"{_NOW_UTC}::date::text AS today FROM learner_lp_tracking "
                "WHERE tracking_id = %s FOR UPDATE", (tracking_id,))
    row = cur.fetchone()
    if row is None:
        raise ProgressionMissing(tracking_id)
    return row


def _store_portfolio(unit, lp, upload, user_id: int):
    stored = uploads.stage(unit, upload, uploads.PROGRESSION_DOCUMENT, DIRECTORY,
                           f"progression_{lp['tracking_id']}_")
    unit.cursor.execute(
        "INSERT INTO learner_progression_portfolios "
        "(tracking_id, file_name, file_path, file_type, file_size, uploaded_by, uploaded_at) "
        f"VALUES (%s, %s, %s, %s, %s, %s, {_NOW_UTC}) RETURNING file_id",
        (lp["tracking_id"], display_file_name(upload.filename, stored.extension), stored.relative_path,
         stored_file_type(stored), stored.size, user_id or None))
    return unit.cursor.fetchone()["file_id"], stored


def mark_complete(ctx, tracking_id: int, upload) -> str:
    """Complete the LP with its portfolio; return the completion date (YYYY-MM-DD)."""
    uploads.check(upload, uploads.PROGRESSION_DOCUMENT)
    with ctx.transaction() as unit:
        cur = unit.cursor
        lp = _lock(cur, tracking_id)
        if lp["status"] == "completed":
            raise AlreadyCompleted(tracking_id)
        file_id, stored = _store_portfolio(unit, lp, upload, ctx.user_id)
        completion_date = lp["today"]
        # the LP is locked: nobody waits for these answers, they travel with the outbox insert and the COMMIT
        cur.hold(
            "UPDATE learner_lp_tracking SET status = 'completed', "
            f"completion_date = %s, marked_complete_by = %s, marked_complete_date = {_NOW_UTC}, "
            f"portfolio_file_path = %s, portfolio_uploaded_at = {_NOW_UTC}, "
            "hours_absent = GREATEST(0, coalesce(hours_trained, 0) - coalesce(hours_present, 0)), "
            f"updated_at = {_NOW_UTC} WHERE tracking_id = %s",
            (completion_date, ctx.user_id or None, stored.relative_path, tracking_id))
        cur.hold(
            "INSERT INTO learner_progressions (learner_id, from_product_id, to_product_id, progression_date, notes) "
            "VALUES (%s, %s, %s, %s, %s)",
            (lp["learner_id"], lp["product_id"], lp["product_id"], completion_date,
             "LP completed: " + (lp["notes"] or "")))
        unit.emit(events.PROGRESSION_COMPLETED, {
            "tracking_id": tracking_id, "learner_id": lp["learner_id"], "product_id": lp["product_id"],
            "previous_status": lp["status"], "file_id": file_id})
    return completion_date


def upload_portfolio(ctx, tracking_id: int, upload) -> tuple[int, uploads.StoredFile]:
    """Attach a portfolio document to an LP (any status); return (file_id, stored file)."""
    uploads.check(upload, uploads.PROGRESSION_DOCUMENT)
    with ctx.transaction() as unit:
        lp = _lock(unit.cursor, tracking_id)
        file_id, stored = _store_portfolio(unit, lp, upload, ctx.user_id)
        unit.emit(events.PROGRESSION_PORTFOLIO_UPLOADED, {
            "tracking_id": tracking_id, "learner_id": lp["learner_id"], "file_id": file_id,
            "file_path": stored.relative_path})
    return file_id, stored
