"""QA actions (docs/contracts/classes.md#qa-actions), from the production ``qa_visits`` table.

The reference registered all of them for logged-out visitors too and read tables that do not
exist; here every one needs a login with ``manage_learners`` and a nonce, errors keep the
controller's ``{"message": …}`` shape with HTTP 400/403, and no figure is invented (see
``sidecar/classes/qa.py`` for which fields are computed and which are left out).
"""
from __future__ import annotations

import datetime
import secrets

from .. import refusals, responses, uploads
from ..handling import HandlerError
from ..registry import MVC_DENIALS, READS, WRITES, registry
from ..classes import events, people, qa
from ..classes.form import FormInvalid, mysql_utc
from ..inputs import clean_line, clean_text, intval_id, parse_date, strict_id, strict_int

DASHBOARD_NONCE = "qa_dashboard_nonce"
CLASS_NONCE = "wecoza_class_nonce"


def refuse(message: str, *fields: str, status: int = 400, kind: str = refusals.REFUSED) -> HandlerError:
    """The MVC ``{"message"}`` error; the log gets ``message`` and ``fields`` (see refusals.fixed)."""
    return HandlerError(responses.message_error(message, status), refusals.fixed(message, *fields, kind=kind))


def today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


def class_exists(cur, class_id: int) -> bool:
    cur.execute("SELECT 1 FROM public.classes WHERE class_id = %s", (class_id,))
    return cur.fetchone() is not None


@registry.action(
    "get_qa_analytics",
    methods=READS,
    summary="QA dashboard figures from qa_visits: visits per month, per subject, per officer, totals",
    nonce_actions=(DASHBOARD_NONCE,),
    denials=MVC_DENIALS,
)
def get_qa_analytics(ctx):
    try:
        start, end = qa.date_range(ctx.params, today())
    except FormInvalid as exc:
        raise refuse(exc.message) from None
    department = ctx.params.get("department")
    department = clean_line(department, 100) if isinstance(department, str) else ""
    with ctx.transaction() as unit:
        data = qa.analytics(unit.cursor, start, end, department or None)
    return responses.success(data)


@registry.action(
    "get_qa_summary",
    methods=READS,
    summary="QA widget: the five latest visits, this month's counts, alerts computed from the visits",
    nonce_actions=(DASHBOARD_NONCE,),
    denials=MVC_DENIALS,
)
def get_qa_summary(ctx):
    with ctx.transaction() as unit:
        data = qa.summary(unit.cursor, today())
    return responses.success(data)


@registry.action(
    "get_qa_visits",
    methods=READS,
    summary="QA visits of one class, newest first, with their report documents",
    nonce_actions=(DASHBOARD_NONCE,),
    denials=MVC_DENIALS,
)
def get_qa_visits(ctx):
    _class_id, rows = visits_of_requested_class(ctx)
    return responses.success(rows)


def visits_of_requested_class(ctx):
    """(class_id, its QA visits) for the request's ``class_id``; refuses an invalid or unknown class."""
    class_id = intval_id(ctx.params.get("class_id"))
    if not class_id:
        raise refuse("Invalid class ID", "class_id", kind=refusals.VALIDATION)
    with ctx.transaction() as unit:
        rows = qa.class_visits(unit.cursor, class_id)
    if rows is None:
        raise refuse("Class not found", "class_id", kind=refusals.NOT_FOUND)
    return class_id, rows


@registry.action(
    "create_qa_visit",
    summary="Record a QA visit of a class (date, type, officer) in qa_visits",
    nonce_actions=(DASHBOARD_NONCE,),
    methods=WRITES,
    denials=MVC_DENIALS,
    events=(events.QA_VISIT_CREATED,),
)
def create_qa_visit(ctx):
    # qa_visits holds date, type, officer and a report; the reference's other parameters (ratings,
    # findings, visit_notes, ...) have no column in production and are not stored.
    class_id = intval_id(ctx.params.get("class_id"))
    if not class_id:
        raise refuse("Invalid class ID", "class_id", kind=refusals.VALIDATION)
    raw_date = ctx.params.get("visit_date")
    visit_date = parse_date(raw_date) if isinstance(raw_date, str) else None
    if visit_date is None:
        raise refuse("A valid visit date (YYYY-MM-DD) is required", "visit_date", kind=refusals.VALIDATION)
    raw_type = ctx.params.get("visit_type")
    visit_type = clean_line(raw_type, 255) if isinstance(raw_type, str) else ""
    if not visit_type or visit_type == "routine":
        visit_type = qa.VISIT_TYPES[0]
    if visit_type not in qa.VISIT_TYPES:
        raise refuse("Unknown visit type. Choose " + ", ".join(qa.VISIT_TYPES), "visit_type", kind=refusals.VALIDATION)
    officer_raw = ctx.params.get("officer_name")
    officer = clean_line(officer_raw, 255) if isinstance(officer_raw, str) else ""
    officer_id = strict_id(ctx.params.get("qa_officer_id"))
    with ctx.transaction() as unit:
        cur = unit.cursor
        visit_id = _insert_visit(cur, class_id, visit_date, visit_type, officer,
                                 officer_id if officer_id and not officer else None)
        if visit_id is None:
            if not class_exists(cur, class_id):
                raise refuse("Class not found", "class_id", kind=refusals.NOT_FOUND)
            raise refuse("Unknown QA officer", "qa_officer_id", kind=refusals.VALIDATION)
        unit.emit(events.QA_VISIT_CREATED,
                  {"visit_id": visit_id, "class_id": class_id, "has_report": False})
    return responses.success({"visit_id": visit_id, "message": "QA visit created successfully"})


def _insert_visit(cur, class_id: int, visit_date, visit_type: str, officer: str, agent_id: int | None):
    """Insert the visit, the officer's name taken from ``agents`` when ``agent_id`` is given, in one statement;
    its id, or None (nothing inserted) when the class or that agent does not exist."""
    cur.execute(
        "INSERT INTO public.qa_visits (class_id, visit_date, visit_type, officer_name, created_at, updated_at) "
        "SELECT c.class_id, %(date)s, %(type)s, coalesce(a.name, %(officer)s), now(), now() "
        "FROM public.classes c LEFT JOIN (SELECT concat_ws(' ', first_name, surname) AS name FROM public.agents "
        "WHERE agent_id = %(agent)s) a ON true "
        "WHERE c.class_id = %(class_id)s AND (%(agent)s::int IS NULL OR a.name IS NOT NULL) RETURNING id",
        {"class_id": class_id, "date": visit_date, "type": visit_type, "officer": officer, "agent": agent_id})
    row = cur.fetchone()
    return None if row is None else row["id"]


@registry.action(
    "export_qa_reports",
    summary="CSV download of the QA visits in a date range (formula-safe cells)",
    nonce_actions=(DASHBOARD_NONCE,),
    methods=WRITES,
    response="csv",
    denials=MVC_DENIALS,
)
def export_qa_reports(ctx):
    # Columns are the visit's real fields; the reference's 'N/A' officer/rating/duration columns
    # are replaced by class code, subject, visit type, officer and report name.
    fmt = ctx.params.get("format")
    fmt = fmt.strip().lower() if isinstance(fmt, str) and fmt.strip() else "csv"
    if fmt == "pdf":
        raise refuse("PDF export not implemented yet", "format", kind=refusals.VALIDATION)
    if fmt != "csv":
        raise refuse("Unsupported export format", "format", kind=refusals.VALIDATION)
    try:
        start, end = qa.date_range(ctx.params, today())
    except FormInvalid as exc:
        raise refuse(exc.message) from None
    with ctx.transaction(reads_only=True) as unit:  # POST only (as the page sends it), but a read
        rows = qa.export_rows(unit.cursor, start, end)
    filename = f"qa-reports-{today().isoformat()}.csv"
    return responses.Reply(200, qa.to_csv(rows), responses.CSV_TYPE,
                           {"Content-Disposition": f'attachment; filename="{filename}"'})


@registry.action(
    "delete_qa_report",
    summary="Remove the report document of one QA visit (report_id = visit id, or report_index); the file is "
            "deleted after the commit",
    nonce_actions=(CLASS_NONCE,),
    methods=WRITES,
    denials=MVC_DENIALS,
    events=(events.QA_REPORT_DELETED,),
)
def delete_qa_report(ctx):
    # The page's helper sends report_id; the reference read report_index (both accepted). The file
    # path comes from the stored document only, and only the sidecar's own qa-reports/ names are deleted.
    class_id = intval_id(ctx.params.get("class_id"))
    report_id = intval_id(ctx.params.get("report_id"))
    raw_index = ctx.params.get("report_index")
    # strictly an integer: intval("abc") is 0, which would name the newest report
    index = strict_int(raw_index, signed=True) if isinstance(raw_index, str) and raw_index.strip() else -1
    if not class_id or (not report_id and (index is None or index < 0)):
        raise refuse("Invalid input data", "class_id", "report_id", kind=refusals.VALIDATION)
    with ctx.transaction() as unit:
        cur = unit.cursor
        visits = _lock_visits(cur, class_id)
        if visits is None:
            raise refuse("Class not found", "class_id", kind=refusals.NOT_FOUND)
        if report_id:
            visit = next((v for v in visits if v["id"] == report_id), None)
        else:
            visit = visits[index] if index < len(visits) else None
        if visit is None or not visit["latest_document"]:
            raise refuse("Report not found", "report_id", kind=refusals.NOT_FOUND)
        cur.hold("UPDATE public.qa_visits SET latest_document = NULL, updated_at = now() WHERE id = %s",
                 (visit["id"],))
        qa.remove_unreferenced(unit, [visit["latest_document"]])
        unit.emit(events.QA_REPORT_DELETED, {"visit_id": visit["id"], "class_id": class_id})
        remaining = sum(1 for v in visits if v["latest_document"] and v["id"] != visit["id"])
    return responses.success({"remaining_reports": remaining, "message": "Report deleted successfully"})


def _lock_visits(cur, class_id: int) -> list[dict] | None:
    """The class's visits [{id, latest_document}], newest first, locked; then, in the same message, read with
    whether the class exists (a statement of its own, so it sees what is committed once the lock is held).
    None when there is no such class."""
    cur.hold("SELECT 1 FROM public.qa_visits WHERE class_id = %s ORDER BY visit_date DESC, id FOR UPDATE",
             (class_id,))
    cur.execute("SELECT coalesce((SELECT json_agg(json_build_object('id', id, 'latest_document', latest_document) "
                "ORDER BY visit_date DESC, id) FROM public.qa_visits WHERE class_id = %(id)s), '[]') AS visits "
                "FROM public.classes WHERE class_id = %(id)s", {"id": class_id})
    row = cur.fetchone()
    return None if row is None else row["visits"]


@registry.action(
    "get_class_qa_data",
    methods=READS,
    summary="QA visit dates and reports of one class (from qa_visits)",
    nonce_actions=(CLASS_NONCE,),
    denials=MVC_DENIALS,
)
def get_class_qa_data(ctx):
    _class_id, rows = visits_of_requested_class(ctx)
    reports = []
    for row in rows:
        document = row["document"] or {}
        reports.append({"visit_id": row["visit_id"], "date": row["visit_date"], "type": row["visit_type"],
                        "officer": row["officer_name"], "url": document.get("file_url"),
                        "filename": document.get("original_name") or document.get("filename")})
    return responses.success({"qa_visit_dates": [r["visit_date"] for r in rows], "qa_reports": reports})


QUESTION_DIR = "qa-questions"


@registry.action(
    "submit_qa_question",
    summary="Submit a QA question about a class, with an optional attachment (PDF, Word, JPEG/PNG; 5 MB)",
    nonce_actions=(CLASS_NONCE,),
    methods=WRITES,
    denials=MVC_DENIALS,
    events=(events.QA_QUESTION_SUBMITTED,),
)
def submit_qa_question(ctx):
    # As in the reference nothing is stored in the database (production has no table for it); the
    # class is checked before any file is written, and the attachment is checked by extension AND
    # content and stored under a server-chosen name. Listeners get wecoza_qa_question_submitted.
    class_id = intval_id(ctx.params.get("class_id"))
    question = clean_text(ctx.post.get("question") if isinstance(ctx.post.get("question"), str) else "", 5000)
    context = clean_text(ctx.post.get("context") if isinstance(ctx.post.get("context"), str) else "", 5000)
    if not class_id or not question:
        raise refuse("Invalid input data", "class_id", "question", kind=refusals.VALIDATION)
    attachment = ctx.files.get("attachment")
    if attachment is not None and not hasattr(attachment, "data"):
        raise refuse("Invalid input data", "attachment", kind=refusals.VALIDATION)
    if attachment is not None:
        try:
            uploads.check(attachment, qa.QA_QUESTION)
        except uploads.UploadRejected as exc:
            if exc.reason == "size":
                raise refuse("File size exceeds maximum of 5MB") from None
            if exc.reason == "php":
                raise refuse(exc.message) from None
            raise refuse("Invalid file type") from None
    question_id = "qa_" + secrets.token_hex(7)[:13]
    stored = None
    try:
        with ctx.transaction() as unit:
            if not class_exists(unit.cursor, class_id):
                raise refuse("Class not found", "class_id", kind=refusals.NOT_FOUND)
            if attachment is not None:
                stored = uploads.stage(unit, attachment, qa.QA_QUESTION, f"{QUESTION_DIR}/{class_id}", "question_")
            unit.emit(events.QA_QUESTION_SUBMITTED,
                      {"class_id": class_id, "question_id": question_id, "has_attachment": stored is not None})
    except uploads.UploadsNotConfigured:
        raise refuse("Failed to move uploaded file") from None
    author = people.display_names(ctx.services, [ctx.user_id], ctx.user).get(ctx.user_id, "")
    body = {"id": question_id, "question": question, "context": context, "author": author,
            "author_id": ctx.user_id,
            "timestamp": mysql_utc(),
            "status": "pending", "answers": []}
    if stored is not None:
        name = stored.relative_path.rsplit("/", 1)[-1]
        body["attachment"] = {"url": stored.url, "path": stored.relative_path, "name": name}
    return responses.success({"question": body, "message": "Question submitted successfully"})

