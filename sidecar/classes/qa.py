"""QA visits (``public.qa_visits``): the class form's visit rows and report files, the QA
dashboard's figures, the CSV export.

Production has no ``qa_reports`` / ``agent_qa_visits`` tables (the reference's QAModel queries
them and fails), so every figure here comes from ``qa_visits`` joined to ``classes``. There
are no ratings, issues or visit notes in production: the reference's hard-coded ratings
(4.1/4.2/4.3), trending issues and alerts are not reproduced. Rating fields are left out,
``trending_issues`` is an empty list, and the alerts are computed from the visits.

Report files: a document's path is only ever one the sidecar stored (``qa-reports/<random>.pdf``);
what the client echoes back (``existingDocument``) is used only to recognise which stored
document a row keeps. A stored document is never deleted because a form left it out; it is
removed from disk only when its visit is deliberately removed or its report replaced, and then
only if no other visit refers to it and its path has the shape the sidecar writes.
"""
from __future__ import annotations

import datetime
import io
import json
import re
from dataclasses import dataclass, field

from psycopg2.extras import Json

from .. import uploads
from ..phpjson import php_json_encode
from . import events
from .form import FormInvalid, filled_rows, mysql_utc
from ..inputs import clean_line, parse_date

VISIT_TYPES = ("Initial QA Visit", "Follow-up QA", "Compliance Check", "Final Assessment")
QA_REPORT = uploads.FileKind("QA report", ("pdf",), (uploads.PDF,), 10 * uploads.MIB)
QA_QUESTION = uploads.FileKind("QA question attachment", ("pdf", "doc", "docx", "jpg", "jpeg", "png"),
                               (uploads.PDF, uploads.DOC, uploads.DOCX, uploads.JPEG, uploads.PNG), 5 * uploads.MIB)
REPORT_DIR = "qa-reports"
SAFE_REPORT_PATH = re.compile(r"qa-reports/[A-Za-z0-9][A-Za-z0-9_-]*\.pdf")
NEW_FILE = (True, 1, "1", "true")  # hasNewFile as the page's JSON may carry it
UNREADABLE_VISITS = "The QA visit details could not be read. Please reload the page and try again."
FILES_WITHOUT_VISITS = "The QA report files arrived without their visit details. Please reload the page and try again."


@dataclass
class VisitInput:
    date: datetime.date
    type: str
    officer: str
    upload: object | None = None          # UploadedFile for a new report
    existing: dict | None = None          # the client's echo of a stored document (a key, never a path)


@dataclass
class QAInput:
    explicit: bool                        # qa_visits_data was sent: the list is the whole truth
    visits: list = field(default_factory=list)


def uploaded_list(files: dict, name: str) -> list:
    value = files.get(name)
    if value is None:
        return []
    if isinstance(value, dict):
        return [v for v in value.values() if hasattr(v, "data")]
    return [value] if hasattr(value, "data") else []


def _visit_type(raw) -> str:
    value = clean_line(raw if isinstance(raw, str) else "", 255) or VISIT_TYPES[0]
    if value not in VISIT_TYPES:
        raise FormInvalid("Unknown QA visit type. Choose " + ", ".join(VISIT_TYPES) + ".", "qa_visit_types")
    return value


def _visit_date(raw) -> datetime.date:
    day = parse_date(raw) if isinstance(raw, str) else None
    if day is None:
        raise FormInvalid("A QA visit date is not a valid date (YYYY-MM-DD).", "qa_visit_dates")
    return day


def parse_visits(post: dict, files: dict) -> QAInput | None:
    """The QA section of the update page; None when the form has no QA section."""
    reports = uploaded_list(files, "qa_reports")
    for upload in reports:
        try:
            uploads.check(upload, QA_REPORT)
        except uploads.UploadRejected as exc:
            raise FormInvalid(f"QA report: {exc.message}", "qa_reports") from None
    raw = post.get("qa_visits_data")
    if isinstance(raw, str) and raw.strip():
        try:
            data = json.loads(raw)
        except ValueError:
            raise FormInvalid(UNREADABLE_VISITS, "qa_visits_data") from None
        if not isinstance(data, list):
            raise FormInvalid(UNREADABLE_VISITS, "qa_visits_data")
        visits, pending = [], list(reports)
        wanted = sum(1 for v in data if isinstance(v, dict) and v.get("hasNewFile") in NEW_FILE)
        if wanted != len(reports):
            raise FormInvalid(f"The QA report files do not match the QA visits ({len(reports)} file(s) for "
                              f"{wanted} visit(s) marked with a new report). Please choose the files again.",
                              "qa_reports")
        for entry in data:
            if not isinstance(entry, dict):
                raise FormInvalid(UNREADABLE_VISITS, "qa_visits_data")
            visit = VisitInput(_visit_date(entry.get("date")), _visit_type(entry.get("type")),
                               clean_line(entry.get("officer") if isinstance(entry.get("officer"), str) else "", 255))
            if entry.get("hasNewFile") in NEW_FILE:
                visit.upload = pending.pop(0)
            elif isinstance(entry.get("existingDocument"), dict):
                visit.existing = entry["existingDocument"]
            visits.append(visit)
        return QAInput(True, visits)
    if "qa_visit_dates" in post:
        if reports:
            raise FormInvalid(FILES_WITHOUT_VISITS, "qa_reports")
        visits = [VisitInput(_visit_date(raw_date), _visit_type(raw_type), clean_line(officer, 255))
                  for _, (raw_date, raw_type, officer) in filled_rows(
                      post, "qa_visit_dates", "qa_visit_types", "qa_officers", preset=("qa_visit_types",))]
        return QAInput(False, visits)
    if reports:
        raise FormInvalid(FILES_WITHOUT_VISITS, "qa_reports")
    return None


def _doc_key(document) -> tuple:
    if not isinstance(document, dict):
        return ("", "")
    path = document.get("file_path") if isinstance(document.get("file_path"), str) else ""
    name = document.get("filename") if isinstance(document.get("filename"), str) else ""
    return (path, name)


def safe_report_path(document) -> str | None:
    """The stored document's path when it has the shape the sidecar writes, else None."""
    if not isinstance(document, dict):
        return None
    path = document.get("file_path")
    if isinstance(path, str) and SAFE_REPORT_PATH.fullmatch(path):
        return path
    return None


def new_document(stored: uploads.StoredFile, original_name: str, uploader: str) -> dict:
    name = stored.relative_path.rsplit("/", 1)[-1]
    original = clean_line(re.split(r"[\\/]", original_name or "")[-1], 255) or name
    return {"filename": name, "original_name": original, "file_path": stored.relative_path,
            "file_url": stored.url, "file_size": stored.size, "uploaded_by": uploader,
            "upload_date": mysql_utc()}


def sync_visits(unit, class_id: int, qa: QAInput, uploader: str) -> dict:
    """Bring the class's visits in line with the form; returns counts."""
    cur = unit.cursor
    cur.execute("SELECT id, visit_date, visit_type, officer_name, latest_document FROM public.qa_visits "
                "WHERE class_id = %s ORDER BY visit_date DESC, id FOR UPDATE", (class_id,))
    stored = cur.fetchall()
    claimed: set[int] = set()
    counts = {"created": 0, "updated": 0, "deleted": 0}
    superseded: list[dict] = []

    def claim(predicate):
        for row in stored:
            if row["id"] not in claimed and predicate(row):
                claimed.add(row["id"])
                return row
        return None

    def same_key(visit):
        return lambda row: (row["visit_date"] == visit.date and row["visit_type"] == visit.type
                            and (row["officer_name"] or "") == visit.officer)

    plan = []
    for visit in qa.visits:
        row, document = None, None
        if visit.existing is not None:
            key = _doc_key(visit.existing)
            if any(key):
                row = claim(lambda r, key=key: _doc_key(r["latest_document"]) == key
                            or bool(key[0]) and _doc_key(r["latest_document"])[0] == key[0])
        if row is None:
            row = claim(same_key(visit))
        if visit.upload is not None:
            stored_file = uploads.stage(unit, visit.upload, QA_REPORT, REPORT_DIR, "qa_report_")
            document = new_document(stored_file, visit.upload.filename, uploader)
            if row is not None and row["latest_document"]:
                superseded.append(row["latest_document"])
        elif row is not None:
            document = row["latest_document"]
        plan.append((visit, row, document))

    for visit, row, document in plan:
        doc_value = Json(document, dumps=php_json_encode) if document is not None else None
        if row is None:
            cur.execute("INSERT INTO public.qa_visits (class_id, visit_date, visit_type, officer_name, "
                        "latest_document, created_at, updated_at) "
                        "VALUES (%s, %s, %s, %s, %s, now(), now()) RETURNING id",
                        (class_id, visit.date, visit.type, visit.officer, doc_value))
            visit_id = cur.fetchone()["id"]
            counts["created"] += 1
            unit.emit(events.QA_VISIT_CREATED,
                      {"visit_id": visit_id, "class_id": class_id, "has_report": document is not None})
            continue
        changed = [name for name, old, new in (("visit_date", row["visit_date"], visit.date),
                                               ("visit_type", row["visit_type"], visit.type),
                                               ("officer_name", row["officer_name"] or "", visit.officer),
                                               ("latest_document", row["latest_document"], document))
                   if old != new]
        if changed:
            cur.execute("UPDATE public.qa_visits SET visit_date = %s, visit_type = %s, officer_name = %s, "
                        "latest_document = %s, updated_at = now() WHERE id = %s",
                        (visit.date, visit.type, visit.officer, doc_value, row["id"]))
            counts["updated"] += 1
            unit.emit(events.QA_VISIT_UPDATED,
                      {"visit_id": row["id"], "class_id": class_id, "fields": changed})

    if qa.explicit:
        for row in stored:
            if row["id"] in claimed:
                continue
            cur.execute("DELETE FROM public.qa_visits WHERE id = %s", (row["id"],))
            counts["deleted"] += 1
            unit.emit(events.QA_VISIT_DELETED, {"visit_id": row["id"], "class_id": class_id})
            if row["latest_document"]:
                superseded.append(row["latest_document"])
    remove_unreferenced(unit, superseded)
    return counts


def remove_unreferenced(unit, documents) -> None:
    """Delete the files of documents no visit refers to any more (after the commit)."""
    paths = {p for p in (safe_report_path(d) for d in documents) if p}
    if not paths:
        return
    cur = unit.cursor
    cur.execute("SELECT DISTINCT latest_document->>'file_path' AS path FROM public.qa_visits "
                "WHERE latest_document->>'file_path' = ANY(%s)", (sorted(paths),))
    still_used = {row["path"] for row in cur.fetchall()}
    for path in sorted(paths - still_used):
        uploads.remove_after_commit(unit, path, SAFE_REPORT_PATH)


def visit_document(document) -> dict | None:
    """A stored document as the pages read it (no server path beyond the relative one)."""
    if not isinstance(document, dict):
        return None
    keys = ("filename", "original_name", "file_path", "file_url", "file_size", "uploaded_by", "upload_date")
    return {k: document.get(k) for k in keys if k in document}


# --- dashboard figures --------------------------------------------------------------------

def month_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The reference's default range: the first day of the month six months ago to the end of this month."""
    year, month = today.year, today.month - 6
    while month < 1:
        year, month = year - 1, month + 12
    start = datetime.date(year, month, 1)
    next_month = datetime.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return start, next_month - datetime.timedelta(days=1)


def date_range(params: dict, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    default_start, default_end = month_bounds(today)
    values = []
    for name, default in (("start_date", default_start), ("end_date", default_end)):
        raw = params.get(name)
        raw = raw.strip() if isinstance(raw, str) else ""
        if not raw:
            values.append(default)
            continue
        day = parse_date(raw)
        if day is None:
            raise FormInvalid("Invalid date range.")
        values.append(day)
    if values[1] < values[0]:
        raise FormInvalid("Invalid date range.")
    return values[0], values[1]


# The dashboard's figures in one statement: each list a JSON array in its own order, the totals a JSON object.
# JSON turns the month (timestamp) into ISO text with a "T"; the numbers are counts and stay integers.
_ANALYTICS = """
WITH visits AS (
    SELECT v.id, v.class_id, v.visit_date, v.officer_name, v.latest_document, c.class_subject, c.class_type
      FROM public.qa_visits v JOIN public.classes c ON c.class_id = v.class_id
     WHERE v.visit_date BETWEEN %(start)s AND %(end)s
       AND (%(subject)s::text IS NULL OR c.class_subject = %(subject)s)
), monthly AS (
    SELECT date_trunc('month', visit_date)::timestamp AS month, count(*) AS total_visits,
           count(DISTINCT class_id) AS classes_visited
      FROM visits GROUP BY 1
), by_subject AS (
    SELECT class_subject, class_type, count(id) AS visit_count
      FROM visits GROUP BY class_subject, class_type
), officers AS (
    SELECT officer_name, count(*) AS total_visits, count(DISTINCT class_id) AS unique_classes,
           count(latest_document) AS reports_uploaded
      FROM visits WHERE officer_name <> '' GROUP BY officer_name
), overall AS (
    SELECT count(DISTINCT class_id) AS classes_visited, count(id) AS total_visits,
           count(DISTINCT NULLIF(officer_name, '')) AS active_officers, count(latest_document) AS reports_uploaded
      FROM visits
)
SELECT (SELECT coalesce(json_agg(m ORDER BY m.month), '[]') FROM monthly m) AS monthly,
       (SELECT coalesce(json_agg(s ORDER BY s.visit_count DESC, s.class_subject), '[]') FROM by_subject s)
           AS by_subject,
       (SELECT coalesce(json_agg(o ORDER BY o.total_visits DESC, o.officer_name), '[]') FROM officers o)
           AS officers,
       (SELECT row_to_json(t) FROM overall t) AS overall
"""


def analytics(cur, start: datetime.date, end: datetime.date, subject: str | None) -> dict:
    cur.execute(_ANALYTICS, {"start": start, "end": end, "subject": subject or None})
    figures = cur.fetchone()
    monthly = [{**row, "month": datetime.datetime.fromisoformat(row["month"])} for row in figures["monthly"]]
    return {
        "monthly_rates": monthly,
        # Visit counts per subject; the reference's hard-coded avg_rating is left out (no ratings are stored).
        "average_ratings": figures["by_subject"],
        # Per QA officer (qa_visits.officer_name); there is no agent id or performance score in production.
        "officer_performance": figures["officers"],
        # No issue tracking exists in production: nothing to report rather than invented issues.
        "trending_issues": [],
        "overall_stats": figures["overall"],
    }


# The five latest visits with this month's figures in one statement: the figures (counts, as JSON) on every row,
# and one row without a visit when there is none.
_SUMMARY = """
WITH recent AS (
    SELECT v.id AS visit_id, v.class_id, v.visit_date, v.visit_type, v.officer_name,
           (v.latest_document IS NOT NULL) AS has_report, c.class_code, c.class_subject,
           '' AS notes  -- qa_visits has no notes; the QA widget calls notes.substring() on every visit
      FROM public.qa_visits v JOIN public.classes c ON c.class_id = v.class_id
     WHERE v.visit_date <= %(today)s
     ORDER BY v.visit_date DESC, v.id DESC LIMIT 5
), figures AS (
    SELECT count(DISTINCT class_id) FILTER (WHERE visit_date >= date_trunc('month', %(today)s::date)
                                              AND visit_date <= %(today)s) AS classes_this_month,
           count(*) FILTER (WHERE visit_date >= date_trunc('month', %(today)s::date)
                              AND visit_date <= %(today)s) AS visits_this_month,
           count(*) FILTER (WHERE latest_document IS NULL AND visit_date <= %(today)s) AS missing_reports,
           count(*) FILTER (WHERE visit_date > %(today)s AND visit_date <= %(today)s::date + 30) AS upcoming
      FROM public.qa_visits
)
SELECT r.*, row_to_json(f) AS figures
  FROM figures f LEFT JOIN recent r ON true
 ORDER BY r.visit_date DESC, r.visit_id DESC
"""


def summary(cur, today: datetime.date) -> dict:
    cur.execute(_SUMMARY, {"today": today})
    rows = [dict(row) for row in cur.fetchall()]
    figures = rows[0]["figures"]
    recent = [{name: value for name, value in row.items() if name != "figures"}
              for row in rows if row["visit_id"] is not None]
    alerts = []
    if figures["missing_reports"]:
        alerts.append({"type": "warning",
                       "message": f"{figures['missing_reports']} QA visit(s) have no report uploaded"})
    if figures["upcoming"]:
        alerts.append({"type": "info", "message": f"{figures['upcoming']} QA visit(s) scheduled in the next 30 days"})
    if not figures["missing_reports"]:
        alerts.append({"type": "success", "message": "All QA visit reports are uploaded"})
    return {
        "recent_visits": recent,
        # avg_rating_this_month is left out: production stores no ratings.
        "key_metrics": {"classes_this_month": figures["classes_this_month"],
                        "visits_this_month": figures["visits_this_month"]},
        "alerts": alerts,
    }


def class_visits(cur, class_id: int) -> list[dict] | None:
    """The class's QA visits, newest first; None when there is no such class (one statement: the class, its
    visits joined on, a class without visits being one row without a visit)."""
    cur.execute("""
        SELECT v.id AS visit_id, c.class_id, v.visit_date, v.visit_type, v.officer_name, v.latest_document,
               v.created_at, c.class_code, c.class_subject
          FROM public.classes c LEFT JOIN public.qa_visits v ON v.class_id = c.class_id
         WHERE c.class_id = %s ORDER BY v.visit_date DESC, v.id""", (class_id,))
    found = cur.fetchall()
    if not found:
        return None
    rows = []
    for row in found:
        if row["visit_id"] is None:
            continue
        row = dict(row)
        row["document"] = visit_document(row.pop("latest_document"))
        row["created_at"] = row["created_at"].astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S") \
            if row["created_at"] else None
        rows.append(row)
    return rows


# --- CSV ------------------------------------------------------------------------------------

CSV_HEADER = ("Visit ID", "Class ID", "Class Code", "Subject", "Visit Date", "Visit Type", "Officer", "Report")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text  # a spreadsheet must not run it as a formula
    if any(ch in text for ch in (",", '"', "\\", "\n", "\r", "\t", " ")):
        text = '"' + text.replace('"', '""') + '"'
    return text


def export_rows(cur, start: datetime.date, end: datetime.date) -> list[dict]:
    cur.execute("""
        SELECT v.id, v.class_id, c.class_code, c.class_subject, v.visit_date, v.visit_type, v.officer_name,
               v.latest_document->>'original_name' AS report
          FROM public.qa_visits v JOIN public.classes c ON c.class_id = v.class_id
         WHERE v.visit_date BETWEEN %s AND %s ORDER BY v.visit_date DESC, v.id DESC""", (start, end))
    return cur.fetchall()


def to_csv(rows) -> bytes:
    out = io.StringIO()
    out.write(",".join(csv_cell(h) for h in CSV_HEADER) + "\n")
    for row in rows:
        cells = (row["id"], row["class_id"], row["class_code"], row["class_subject"],
                 row["visit_date"].isoformat() if row["visit_date"] else "", row["visit_type"], row["officer_name"],
                 row["report"])
        out.write(",".join(csv_cell(c) for c in cells) + "\n")
    return out.getvalue().encode("utf-8")
