"""Learner actions and form posts (docs/contracts/learners.md), each declared once.

Common decisions (docs/design.md#compatibility, #security-policy), repeated next to each action where they apply:

* Every action needs a logged-in user with ``manage_learners`` (the reference checked
  ``manage_options`` on the old-style handlers, nothing at all on the list and dropdown reads,
  and served those and ``get_learner_progressions`` to anonymous visitors). A logged-out caller
  gets admin-ajax's ``0`` with HTTP 400.
* The old-style handlers keep their shapes: errors at HTTP 200, nonce checked before the
  capability, ``Security check failed`` / ``Unauthorized access``.
* Input is validated per field; errors name the fields, never echo values; nothing is written.
"""
from __future__ import annotations

import logging

import psycopg2

from .. import responses, uploads
from ..handling import HandlerError
from ..responses import form_reply
from ..learners import events, lookups, portfolios, progressions, queries, records, rows_html, shapes
from ..inputs import php_bool, strict_id, strict_int
from ..learners.validation import ID_REQUIRED, ValidationFailed
from ..registry import READS, WRITES, Denials, registry

log = logging.getLogger("wecoza.sidecar.learners")

# LearnerAjaxHandlers::verify_learner_access: nonce first, then capability, HTTP 200 objects.
OLD_STYLE_DENIALS = Denials(
    capability=responses.message_error("Unauthorized access"),
    nonce=responses.message_error("Security check failed"),
    order=("nonce", "capability"),
)

# delete_learner_portfolio: the page shows ``response.data`` as text ("Failed to delete portfolio
# file: " + data), so its refusals are strings too (the reference sent objects: "[object Object]").
PORTFOLIO_DENIALS = Denials(
    capability=responses.error("Unauthorized access"),
    nonce=responses.error("Security check failed"),
    order=("nonce", "capability"),
    generic=lambda msg: responses.error(msg, 500),
)

# The progression handlers (docs/contracts/learners.md#refusal-shapes): every error is a plain string at HTTP 200.
PROGRESSION_DENIALS = Denials(
    capability=responses.error("You do not have permission to perform this action."),
    nonce=responses.error("Security check failed."),
    order=("nonce", "capability"),
    generic=lambda msg: responses.error(msg, 500),
)

BOTH_LEARNER_NONCES = ("learners_nonce", "learners_nonce_action")
LEARNER_WRITE_EVENTS = (events.LEARNER_UPDATED, events.PORTFOLIO_UPLOADED)

MAX_PAGE = 500
DEFAULT_PAGE = 50


def learner_id_from(ctx, name: str = "id", post_only: bool = False) -> int:
    """The strict id of the POST value, or of GET when POST lacks it (unless ``post_only``, as the
    write handlers read ``$_POST`` only); 0 means invalid."""
    return strict_id(ctx.post.get(name) if name in ctx.post or post_only else ctx.get.get(name), signed=True) or 0


def get_int(ctx, name: str, default: int) -> int:
    """The strict integer of ``$_GET[name]``; the default when it is absent or not an integer."""
    number = strict_int(ctx.get.get(name), signed=True)
    return default if number is None else number


# --- reads -----------------------------------------------------------------------------------

@registry.action(
    "wecoza_get_learner",
    methods=READS,
    summary="One learner with lookup names (camelCase), for the learner views",
    nonce_actions=("learners_nonce_action",),
)
def wecoza_get_learner(ctx):
    return one_learner(ctx, queries.mapped_by_id, shapes.to_array)


def one_learner(ctx, read, shape):
    """The learner of the request's ``id`` read by ``read`` and answered in ``shape``, or the MVC 400 refusals."""
    learner_id = learner_id_from(ctx)
    if not learner_id:
        raise HandlerError(responses.message_error("Invalid learner ID", 400))
    with ctx.transaction() as unit:
        row = read(unit.cursor, learner_id)
    if row is None:
        raise HandlerError(responses.message_error("Learner not found", 400))
    return responses.success(shape(row))


# Not in the reference: the shim reads this to show the update form the learner's own stored values
# (the legacy form pre-filled the city's postal code from the mapped read above).
@registry.action(
    "wecoza_get_learner_form_values",
    methods=READS,
    summary="One learner's own stored values (camelCase, ids not names), for the update form's pre-fill",
    nonce_actions=("learners_nonce_action",),
)
def wecoza_get_learner_form_values(ctx):
    return one_learner(ctx, queries.raw_by_id, shapes.raw_to_array)


# Decisions: the reference served this list to anonymous visitors (nopriv, nonce only, which every
# logged-out visitor shares); here it needs manage_learners. Rows are built so that the page's
# .text()-then-.html() round trip can never produce markup (rows_html); a learner without a name
# is listed (the reference's whole list failed with HTTP 500).
@registry.action(
    "fetch_learners_data",
    methods=READS,
    summary="All learners as the list page's <tr> rows (HTML string in the JSON envelope)",
    nonce_actions=("learners_nonce",),
    denials=OLD_STYLE_DENIALS,
)
def fetch_learners_data(ctx):
    with ctx.transaction() as unit:
        learners = queries.list_rows(unit.cursor)
    if not learners:
        return responses.error("No learners found.")
    return responses.success(rows_html.rows(ctx.services.site_url(), learners))


# Decisions: the capture and update forms post this without any nonce (the reference then refused
# them and the required selects never filled). The data is non-personal lookup data, so a logged-in
# manage_learners user is served without a nonce. Cached per worker (lookups.TTL).
@registry.action(
    "fetch_learners_dropdown_data",
    methods=READS,
    summary="Cities, provinces, qualifications, employers and placement levels for the learner forms",
    nonce_actions=None,
    nonce_note="the capture and update forms send no nonce; non-personal lookup data, capability still required",
    denials=OLD_STYLE_DENIALS,
)
def fetch_learners_dropdown_data(ctx):
    return responses.success(lookups.dropdown_data(ctx))


# Decisions: limit/offset/mappings are read from the query string as the reference did; the page
# is cut in the database also when mappings=1 (the reference returned every mapped row then);
# limit defaults to 50 and is bounded to 1..500, offset to >= 0.
@registry.action(
    "wecoza_get_learners",
    methods=READS,
    summary="A page of learners (camelCase), raw or with lookup names, and the total",
    nonce_actions=("learners_nonce_action",),
)
def wecoza_get_learners(ctx):
    limit = get_int(ctx, "limit", DEFAULT_PAGE)
    limit = DEFAULT_PAGE if limit <= 0 else min(limit, MAX_PAGE)
    offset = min(max(get_int(ctx, "offset", 0), 0), 2**31 - 1)
    mappings = php_bool(ctx.get.get("mappings"))
    read, shape = (queries.mapped_page, shapes.to_array) if mappings else (queries.raw_page, shapes.raw_to_array)
    with ctx.transaction() as unit:
        rows = read(unit.cursor, limit, offset)
        # past the last page there is no row to carry the total: counted on its own then
        total = rows[0][queries.TOTAL] if rows else queries.count(unit.cursor)
    learners = [shape({k: v for k, v in row.items() if k != queries.TOTAL}) for row in rows]
    return responses.success({"learners": learners, "total": total, "limit": limit, "offset": offset})


# --- updates ---------------------------------------------------------------------------------

def _update(ctx, error_reply, missing_id_message, success_reply):
    learner_id = learner_id_from(ctx, post_only=True)
    if not learner_id:
        raise HandlerError(error_reply(missing_id_message))
    try:
        records.update(ctx, learner_id, ctx.post)
    except ValidationFailed as exc:
        raise HandlerError(error_reply(exc.message, errors=exc.errors)) from None
    except records.LearnerMissing:
        raise HandlerError(error_reply("Learner not found")) from None
    return success_reply


def _message_errors(status: int):
    """``{"success":false,"data":{"message":…[,"errors":{field: message}]}}`` at ``status``: 200 for the
    old-style handlers, 400 for the MVC ones (BaseController::sendError merges extra data the same way)."""
    def reply(message, errors=None):
        data = {"message": message}
        if errors:
            data["errors"] = errors
        return responses.error(data, status)
    return reply


_old_error = _message_errors(200)
_mvc_error = _message_errors(400)


UPDATED = responses.success({"message": "Learner updated successfully"})


# Decisions (all three update actions): only the fields sent are written, typed (ids as integers,
# employment/disability as booleans, '' as NULL), after validation (email, SA ID format + birth
# date + Luhn, passport, dates, lengths, existing lookup ids); `suburb` (no such column) and
# `scanned_portfolio` (kept by the server) are ignored; updated_at = now() in UTC as the PHP wrote
# it. The reference rewrote the whole row from its mapped read and failed on every call.
@registry.action(
    "update_learner",
    summary="Update the learner fields sent (old-style handler shape)",
    nonce_actions=BOTH_LEARNER_NONCES,
    nonce_note="learners_nonce as the reference; learners_nonce_action too, the only learner nonce most pages carry",
    denials=OLD_STYLE_DENIALS,
    methods=WRITES,
    events=(events.LEARNER_UPDATED,),
)
def update_learner(ctx):
    return _update(ctx, _old_error, "Learner ID is required", UPDATED)


@registry.action(
    "wecoza_update_learner",
    summary="Update the learner fields sent (MVC handler shape, 400/403 errors)",
    nonce_actions=("learners_nonce_action",),
    methods=WRITES,
    events=(events.LEARNER_UPDATED,),
)
def wecoza_update_learner(ctx):
    return _update(ctx, _mvc_error, "Invalid learner ID", UPDATED)


# Decisions: learners-app.js posts this (its edit modal) with WeCozaLearners.nonce
# (learners_nonce_action) and no handler existed (0/400). Served like update_learner.
@registry.action(
    "update_learner_data",
    summary="Update the learner fields sent (the edit modal of learners-app.js)",
    nonce_actions=("learners_nonce_action", "learners_nonce"),
    nonce_note="the page sends WeCozaLearners.nonce (learners_nonce_action); the reference registered no handler",
    denials=OLD_STYLE_DENIALS,
    methods=WRITES,
    events=(events.LEARNER_UPDATED,),
)
def update_learner_data(ctx):
    return _update(ctx, _old_error, "Learner ID is required", UPDATED)


# --- deletes ---------------------------------------------------------------------------------

def _delete(ctx, error_reply):
    learner_id = learner_id_from(ctx, post_only=True)
    if not learner_id:
        raise HandlerError(error_reply("Invalid learner ID"))
    try:
        records.delete(ctx, learner_id)
    except records.LearnerMissing:
        raise HandlerError(error_reply("This learner no longer exists; it may already have been deleted.")) from None
    except records.DeleteBlocked as exc:
        raise HandlerError(error_reply(exc.message)) from None
    return responses.success({"message": "Learner deleted successfully"})


# Decisions: the page (learners-app.js) sends WeCozaLearners.nonce, made for learners_nonce_action,
# so both nonce actions are accepted (the reference refused every delete). Related records that
# would be lost or left dangling (class lists, LP tracking, hours logs, progressions, products,
# exams, progress reports) refuse the delete with a message naming them; portfolio rows cascade
# and their files are removed after the commit (the reference left them on disk).
@registry.action(
    "delete_learner",
    summary="Delete a learner and their portfolios, unless other records refer to them",
    nonce_actions=BOTH_LEARNER_NONCES,
    nonce_note="the page sends learners_nonce_action; the reference checked learners_nonce only",
    denials=OLD_STYLE_DENIALS,
    methods=WRITES,
    events=(events.LEARNER_DELETED,),
)
def delete_learner(ctx):
    return _delete(ctx, _old_error)


@registry.action(
    "wecoza_delete_learner",
    summary="Delete a learner (MVC handler shape, 400/403 errors)",
    nonce_actions=("learners_nonce_action", "learners_nonce"),
    methods=WRITES,
    events=(events.LEARNER_DELETED,),
)
def wecoza_delete_learner(ctx):
    return _delete(ctx, _mvc_error)


# Decisions: both nonce actions (the page sends learners_nonce_action); the portfolio must belong
# to the learner given (the reference did not check); the file is removed after the commit (the
# reference unlinked it first); scanned_portfolio is rewritten from the remaining portfolios,
# newest first, as many whole paths as fit its 255 characters. Every answer's data is a string,
# which the page shows as text.
@registry.action(
    "delete_learner_portfolio",
    summary="Delete one portfolio file of a learner",
    nonce_actions=BOTH_LEARNER_NONCES,
    nonce_note="the page sends learners_nonce_action; the reference checked learners_nonce only",
    denials=PORTFOLIO_DENIALS,
    methods=WRITES,
    events=(events.PORTFOLIO_DELETED,),
)
def delete_learner_portfolio(ctx):
    portfolio_id = strict_id(ctx.post.get("portfolio_id"))
    learner_id = strict_id(ctx.post.get("learner_id"))
    if not portfolio_id or not learner_id:
        return responses.error("Invalid portfolio or learner ID")
    with ctx.transaction() as unit:
        deleted = portfolios.delete(unit, learner_id, portfolio_id)
    if not deleted:
        return responses.error("Portfolio not found for this learner. It may already have been deleted.")
    return responses.success("Portfolio deleted successfully")


# --- progressions ----------------------------------------------------------------------------

def _tracking_id(ctx) -> int | None:
    return strict_id(ctx.post.get("tracking_id"))


def _upload_error(exc: uploads.UploadRejected) -> str:
    if exc.reason in ("extension", "content"):
        return "Invalid file type. Allowed: PDF, DOC, DOCX."
    if exc.reason == "size":
        return "File is too large. Maximum size is 10MB."
    if exc.reason == "missing":
        return "No file uploaded."
    return exc.message


# Decisions: the reference handler was never wired (the page's call got 0/400) and was open to
# anonymous visitors; here manage_learners and learners_nonce. The learner id is read from the
# query string only, as the reference did.
@registry.action(
    "get_learner_progressions",
    methods=READS,
    summary="A learner's current LP, completed LPs and overall progress",
    nonce_actions=("learners_nonce",),
    denials=PROGRESSION_DENIALS,
)
def get_learner_progressions(ctx):
    learner_id = strict_id(ctx.get.get("learner_id"))
    if not learner_id:
        return responses.error("Missing learner ID.")
    with ctx.transaction() as unit:
        data = progressions.learner_progressions(unit.cursor, learner_id)
    return responses.success(data)


# Decisions: the progression page posts multipart (tracking_id, portfolio_file, nonce for
# learners_nonce) and got 0/400 (no handler). Completion needs the portfolio document, checked by
# extension AND content (PDF/DOC/DOCX, 10 MiB); from in_progress or on_hold; hours are not
# required (as the reference). One transaction; the file appears after the commit.
@registry.action(
    "mark_progression_complete",
    summary="Mark a learner's LP complete with its portfolio document (multipart)",
    nonce_actions=("learners_nonce",),
    denials=PROGRESSION_DENIALS,
    methods=WRITES,
    events=(events.PROGRESSION_COMPLETED,),
)
def mark_progression_complete(ctx):
    tracking_id = _tracking_id(ctx)
    if not tracking_id:
        return responses.error("Missing tracking ID.")
    upload = ctx.files.get("portfolio_file")
    if not hasattr(upload, "data"):
        return responses.error("Please upload the portfolio document to mark this LP as complete.")
    try:
        completion_date = progressions.mark_complete(ctx, tracking_id, upload)
    except uploads.UploadRejected as exc:
        log.info("request %s: %s: upload refused (%s)", ctx.request_id, ctx.action, exc.reason)
        return responses.error(_upload_error(exc))
    except progressions.ProgressionMissing:
        return responses.error("Progression not found.")
    except progressions.AlreadyCompleted:
        return responses.error("This LP is already marked as complete.")
    return responses.success({"message": "LP marked as complete successfully.", "tracking_id": tracking_id,
                              "completion_date": completion_date})


# Decisions: unwired in the reference and without a caller; served with the same checks as
# mark_progression_complete, the file checked by extension AND content.
@registry.action(
    "upload_progression_portfolio",
    summary="Attach a portfolio document to a learner's LP (multipart)",
    nonce_actions=("learners_nonce",),
    denials=PROGRESSION_DENIALS,
    methods=WRITES,
    events=(events.PROGRESSION_PORTFOLIO_UPLOADED,),
)
def upload_progression_portfolio(ctx):
    tracking_id = _tracking_id(ctx)
    if not tracking_id:
        return responses.error("Missing tracking ID.")
    upload = ctx.files.get("portfolio_file")
    if not hasattr(upload, "data"):
        return responses.error("No file uploaded.")
    try:
        file_id, stored = progressions.upload_portfolio(ctx, tracking_id, upload)
    except uploads.UploadRejected as exc:
        log.info("request %s: %s: upload refused (%s)", ctx.request_id, ctx.action, exc.reason)
        return responses.error(_upload_error(exc))
    except progressions.ProgressionMissing:
        return responses.error("Progression not found.")
    return responses.success({"message": "Portfolio uploaded successfully.", "file_id": file_id,
                              "file_path": stored.relative_path, "file_url": stored.url})


# --- form posts (the shim forwards them, redirects with 303 and shows the message) ------------

CREATED = "Learner Added successfully!"
CREATE_FAILED = "There was an error inserting the learner. Please try again."
UPDATED_MESSAGE = "Learner information has been updated successfully!"
UPDATED_WITH_FILES = "Learner updated successfully! Files have been uploaded."
UPDATE_FAILED = "There was an error updating the learner. Please try again."

# Statement errors (not connection loss, which the guard answers with 503): legacy failure text.
_DATA_ERRORS = (psycopg2.DataError, psycopg2.IntegrityError, psycopg2.ProgrammingError, psycopg2.InternalError)


def _log_database_error(ctx, exc) -> None:
    # the class and SQLSTATE only: PostgreSQL's message text can quote the values
    log.error("[WeCoza Core] request %s: %s: database error %s (SQLSTATE %s)", ctx.request_id, ctx.action,
              type(exc).__name__, getattr(exc, "pgcode", None))


# Decisions: the reference inserted a `suburb` column that does not exist, so every capture failed.
# Here: validated and typed fields, the learner and all portfolios in one transaction (a bad file
# rejects the whole post, nothing is stored), PDFs checked by content, files under
# {uploads}/portfolios/ as before, moved there only after the commit.
@registry.form(
    "learners_create",
    nonce_field="wecoza_learners_form_nonce",
    nonce_action="submit_learners_form",
    summary="The learner capture form ([wecoza_learners_form]) with scanned_portfolio[] PDFs",
    events=(events.LEARNER_CREATED, events.PORTFOLIO_UPLOADED),
)
def learners_create(ctx):
    files = portfolios.files_from(ctx)
    try:
        learner_id = records.create(ctx, ctx.post, files)
    except ValidationFailed as exc:
        only_id = exc.errors == {"sa_id_no": ID_REQUIRED}
        raise HandlerError(form_reply(False, ID_REQUIRED if only_id else exc.message, errors=exc.errors)) from None
    except uploads.UploadRejected as exc:
        log.info("request %s: %s: upload refused (%s)", ctx.request_id, ctx.action, exc.reason)
        raise HandlerError(form_reply(False, f"Some files could not be uploaded: {exc.message} Nothing was saved.")) \
            from None
    except _DATA_ERRORS as exc:
        _log_database_error(ctx, exc)
        return form_reply(False, CREATE_FAILED, 500)
    return form_reply(True, CREATED, learner_id=learner_id)


UPDATE_FORM_URL = "wecoza_learners_update_form_url"  # the page the update form sends the browser to


# Decisions: the learner is the page's ?learner_id= (the hidden field is only a fallback, and a
# different one is refused); only the fields sent are written (the reference's full-row update
# failed for every learner); new portfolios and the update are one transaction.
@registry.form(
    "learners_update",
    nonce_field="wecoza_learners_update_form_nonce",
    nonce_action="submit_learners_update_form",
    summary="The learner update form ([wecoza_learners_update_form]) with scanned_portfolio[] PDFs",
    events=LEARNER_WRITE_EVENTS,
    options=(UPDATE_FORM_URL,),
)
def learners_update(ctx):
    from_page = strict_id(ctx.get.get("learner_id"))
    from_field = strict_id(ctx.post.get("learner_id"))
    if from_page and from_field and from_page != from_field:
        return form_reply(False, "The form does not match the learner on this page. Nothing was saved.")
    learner_id = from_page or from_field
    if not learner_id:
        return form_reply(False, "Invalid learner ID")
    files = portfolios.files_from(ctx)
    try:
        records.update(ctx, learner_id, ctx.post, files)
    except ValidationFailed as exc:
        raise HandlerError(form_reply(False, exc.message, errors=exc.errors)) from None
    except records.LearnerMissing:
        raise HandlerError(form_reply(False, "Learner not found")) from None
    except uploads.UploadRejected as exc:
        log.info("request %s: %s: upload refused (%s)", ctx.request_id, ctx.action, exc.reason)
        raise HandlerError(form_reply(False, f"Some files could not be uploaded: {exc.message} Nothing was saved.")) \
            from None
    except _DATA_ERRORS as exc:
        _log_database_error(ctx, exc)
        return form_reply(False, UPDATE_FAILED, 500)
    extra = {"learner_id": learner_id}
    redirect = _after_update_url(ctx)
    if redirect:
        extra["redirect"] = redirect
    return form_reply(True, UPDATED_WITH_FILES if files else UPDATED_MESSAGE, **extra)


def _after_update_url(ctx) -> str:
    """Where the reference sent the browser after a successful update: the WordPress option
    ``wecoza_learners_update_form_url`` + ``/?updated=true`` (no redirect when it is not set)."""
    try:
        base = ctx.option(UPDATE_FORM_URL)
    except Exception:  # noqa: BLE001 - the update is committed; a missing redirect only keeps the page
        log.warning("request %s: could not read %s", ctx.request_id, UPDATE_FORM_URL)
        return ""
    if isinstance(base, bytes):
        base = base.decode("utf-8", "replace")
    if not isinstance(base, str) or not base.strip():
        return ""
    return base.strip().rstrip("/") + "/?updated=true"
