"""Class actions (docs/contracts/classes.md#actions: ClassAjaxController and PublicHolidaysController).

Shapes kept from the reference: errors are ``{"success":false,"data":"<text>"}`` with HTTP 200;
``get_calendar_events`` and ``get_public_holidays`` answer a bare JSON array. Decisions where the
reference is broken or too open are noted at each action; the security policy (docs/design.md#security-policy)
adds login + ``manage_learners`` to every action except the public reference data.
"""
from __future__ import annotations

import datetime
from dataclasses import replace

import psycopg2

from .. import refusals, responses, uploads
from ..handling import HandlerError
from ..registry import READS, WRITES, Denials, registry
from ..classes import calendar, events, form as class_form, holidays, lookups, notes, people, qa, removal, save
from ..classes.form import FormInvalid
from ..inputs import clean_line, intval_id, php_intval
from ..phpjson import php_json_encode

CLASS_NONCE = "wecoza_class_nonce"
CALENDAR_NONCE = "wecoza_calendar_nonce"
NO_PERMISSION = "You do not have permission to manage classes."


def string_denials(nonce_message: str, capability_message: str = NO_PERMISSION) -> Denials:
    """ClassAjaxController's shape: ``data`` is a bare string, HTTP 200; the nonce is checked first."""
    return Denials(capability=responses.error(capability_message), nonce=responses.error(nonce_message),
                   order=("nonce", "capability"), generic=lambda msg: responses.error(msg, 500))


def fail(message: str, *fields: str, kind: str = refusals.REFUSED) -> HandlerError:
    """The action's ``{"success":false,"data":message}``; the log gets ``message`` and ``fields``
    (see refusals.fixed)."""
    return HandlerError(responses.error(message), refusals.fixed(message, *fields, kind=kind))


def with_filter(reply: responses.Reply, action_filter, *args) -> responses.Reply:
    """Ask the shim to run the WordPress filter over the value at the dot path before sending, with ``args`` after
    the value as the reference passed them (a JSON list, escaped to ASCII as a header must be)."""
    name, path = action_filter
    headers = {**reply.headers, "X-WeCoza-Filter": name, "X-WeCoza-Filter-Path": path}
    if args:
        headers["X-WeCoza-Filter-Args"] = php_json_encode(list(args))
    return replace(reply, headers=headers)


def class_id_param(ctx, source=None) -> int:
    """``intval($_POST['class_id'])``; 0 when missing or not a positive int4."""
    return intval_id((source if source is not None else ctx.post).get("class_id"))


def display_name(ctx) -> str:
    if ctx.user is None:
        return ""
    return people.display_names(ctx.services, [ctx.user.id], ctx.user).get(ctx.user.id, "")


# --- save / delete ------------------------------------------------------------------------

@registry.action(
    "save_class",
    summary="Create or update a class from the capture/update form (multipart), with agent replacements, "
            "QA visits and report files, and LP rows for newly assigned learners, in one transaction",
    nonce_actions=(CLASS_NONCE,),
    methods=WRITES,
    denials=string_denials("Security check failed. Please refresh the page and try again."),
    events=(events.CLASS_CREATED, events.CLASS_UPDATED, events.AGENT_REPLACEMENTS_SAVED,
            events.QA_VISIT_CREATED, events.QA_VISIT_UPDATED, events.QA_VISIT_DELETED,
            events.PROGRESSION_STARTED, events.PROGRESSION_PUT_ON_HOLD),
    options=save.REDIRECT_OPTIONS,
)
def save_class(ctx):
    # Deviations (docs/contracts/classes.md#known-bugs-of-the-reference): a field not sent keeps its stored value;
    # original_start_date is not overwritten on update; monthly day and single times are kept;
    # QA report files are never deleted because the form left them out, and file paths never come
    # from the client; LP products are resolved from the subject (lp.py) atomically with the save;
    # `class_notes[]` (not part of #classes-form) is ignored instead of replacing the notes.
    try:
        parsed = class_form.parse_class_form(ctx.post)
        qa_input = qa.parse_visits(ctx.post, ctx.files)
    except FormInvalid as exc:
        raise fail(exc.message) from None
    uploader = display_name(ctx) if qa_input is not None else ""
    try:
        with ctx.transaction() as unit:
            result = save.save_class(unit, parsed, qa_input, uploader)
    except save.SaveRefused as exc:
        raise fail(exc.message) from None
    except uploads.UploadsNotConfigured:
        raise fail("QA report files cannot be stored: the uploads directory is not configured.") from None
    except psycopg2.DataError:
        raise fail("The class could not be saved: a value is not valid for its field. Nothing was saved.") from None
    return responses.success({
        "message": result.message(),
        "class_id": result.class_id,
        "redirect_url": save.redirect_url(ctx, result.class_id),
        "lp_creation_results": result.lp.as_dict(),
    })


@registry.action(
    "delete_class",
    summary="Delete a class; refuses, naming the dependent records, when the schema blocks it",
    nonce_actions=(CLASS_NONCE,),
    methods=WRITES,
    denials=string_denials("Security check failed.", "You do not have permission to delete classes."),
    events=(events.CLASS_DELETED,),
)
def delete_class(ctx):
    # The security policy's manage_learners (the reference required manage_options; an operator who wants
    # that back maps `delete_class = manage_options` in the [capabilities] section of the configuration).
    # The answer adds class_subject and class_code, which the single-class page reads.
    class_id = class_id_param(ctx)
    if not class_id:
        raise fail("Invalid class ID provided.", "class_id", kind=refusals.VALIDATION)
    try:
        with ctx.transaction() as unit:
            row = removal.delete_class(unit, class_id)
    except removal.DeleteRefused as exc:
        raise fail(exc.message) from None
    return responses.success({"message": "Class deleted successfully.", "class_id": class_id,
                              "class_subject": row["class_subject"], "class_code": row["class_code"]})


# --- calendar and lookups -----------------------------------------------------------------

@registry.action(
    "get_calendar_events",
    methods=READS,
    summary="FullCalendar events of one class: sessions from the schedule, exceptions, stop/restart periods",
    nonce_actions=(CALENDAR_NONCE,),
    response="array",
    denials=string_denials("Security check failed."),
)
def get_calendar_events(ctx):
    # Sessions are generated from what the form really saves (perDayTimes), honour exceptions,
    # stop periods and public holidays (unless overridden); no invented "sample" sessions. Unlike the
    # reference, only the days of FullCalendar's start/end are answered, and at most calendar.MAX_EVENTS.
    class_id = class_id_param(ctx, ctx.params)
    if not class_id:
        raise fail("Invalid class ID provided.", "class_id", kind=refusals.VALIDATION)
    with ctx.transaction() as unit:
        row = calendar.load_class(unit.cursor, class_id)
    if row is None:
        raise fail("Class not found.", "class_id", kind=refusals.NOT_FOUND)
    days = calendar.window(ctx.params.get("start"), ctx.params.get("end"))
    return responses.json_reply(calendar.class_events(row, days=days))


@registry.action(
    "get_public_holidays",
    methods=READS,
    summary="South African public holidays of a year (computed), as FullCalendar background events",
    nonce_actions=(CALENDAR_NONCE,),
    public=True,
    response="array",
    denials=string_denials("Security check failed"),
)
def get_public_holidays(ctx):
    # Public reference data: served to anonymous visitors too (with the page's calendar nonce).
    # Computed instead of the reference's fixed list: Good Friday, Family Day and the Sunday rule.
    raw = ctx.params.get("year")
    year = php_intval(raw) if isinstance(raw, str) else 0
    if not holidays.FIRST_YEAR <= year <= holidays.LAST_YEAR:
        year = datetime.datetime.now(datetime.timezone.utc).year
    return responses.json_reply(holidays.fullcalendar_events(year))


SUBJECTS_FILTER = ("wecoza_classes_get_subjects", "data")
TYPES_FILTER = ("wecoza_classes_get_class_types", "data")


@registry.action(
    "get_class_subjects",
    methods=READS,
    summary="Subjects of a class type (GET class_type), from class_types / class_type_subjects, cached",
    nonce_actions=None,
    nonce_note="the class form fetches it with a plain GET and no nonce; public lookup data",
    public=True,
    filter=SUBJECTS_FILTER,
    denials=string_denials("Security check failed."),
)
def get_class_subjects(ctx):
    code = ctx.get.get("class_type")
    code = clean_line(code) if isinstance(code, str) else ""
    if not code:
        raise fail("Class type is required.", "class_type", kind=refusals.VALIDATION)
    subjects = []
    if len(code) <= lookups.MAX_TYPE_CODE:
        with ctx.transaction() as unit:
            subjects = lookups.cached(ctx.services, unit.cursor, ("subjects", code),
                                      lambda cur: lookups.subjects_for(cur, code))
    if not subjects:
        raise fail("No subjects found for the selected class type.", "class_type", kind=refusals.NOT_FOUND)
    return with_filter(responses.success(subjects), SUBJECTS_FILTER, code)  # ($subjects, $classTypeId)


@registry.action(
    "get_class_types",
    methods=READS,
    summary="Active class types (id, name, mode, progression_hours), cached; the reference renders them "
            "into the form, this serves the same list",
    nonce_actions=None,
    nonce_note="public lookup data, no page sends a nonce for it",
    public=True,
    filter=TYPES_FILTER,
    denials=string_denials("Security check failed."),
)
def get_class_types(ctx):
    with ctx.transaction() as unit:
        types = lookups.cached(ctx.services, unit.cursor, ("types",), lookups.class_types)
    return with_filter(responses.success(types), TYPES_FILTER)


# --- notes --------------------------------------------------------------------------------

NOTE_DENIALS = string_denials("Invalid nonce")


def uploads_base(ctx) -> str:
    return uploads.uploads_url(ctx.services, "").rstrip("/")


@registry.action(
    "get_class_notes",
    methods=READS,
    summary="Notes of a class (newest 50) with author names",
    nonce_actions=(CLASS_NONCE,),
    denials=NOTE_DENIALS,
)
def get_class_notes(ctx):
    class_id = class_id_param(ctx)
    if not class_id:
        raise fail("Invalid class ID", "class_id", kind=refusals.VALIDATION)
    with ctx.transaction() as unit:
        stored = notes.read_notes(unit.cursor, class_id)
    if stored is None:
        raise fail("Class not found", "class_id", kind=refusals.NOT_FOUND)
    names = people.display_names(ctx.services, notes.author_ids(stored), ctx.user)
    return responses.success({"notes": notes.notes_for_page(stored, names)})


@registry.action(
    "save_class_note",
    summary="Add or edit a class note (row locked: concurrent saves keep every note; edits keep author and time)",
    nonce_actions=(CLASS_NONCE,),
    methods=WRITES,
    denials=NOTE_DENIALS,
    events=(events.NOTE_SAVED,),
)
def save_class_note(ctx):
    class_id = class_id_param(ctx)
    if not class_id:
        raise fail("Invalid class ID", "class_id", kind=refusals.VALIDATION)
    try:
        posted = notes.read_note(ctx.post.get("note"))
        with ctx.transaction() as unit:
            note = notes.save_note(unit, class_id, posted, ctx.user_id, uploads_base(ctx))
    except FormInvalid as exc:
        raise fail(exc.message) from None
    names = people.display_names(ctx.services, notes.author_ids([note]), ctx.user)
    return responses.success({"note": notes.notes_for_page([note], names)[0]})


@registry.action(
    "delete_class_note",
    summary="Delete one note of a class (row locked)",
    nonce_actions=(CLASS_NONCE,),
    methods=WRITES,
    denials=NOTE_DENIALS,
    events=(events.NOTE_DELETED,),
)
def delete_class_note(ctx):
    class_id = class_id_param(ctx)
    if not class_id:
        raise fail("Invalid class ID", "class_id", kind=refusals.VALIDATION)
    note_id = ctx.post.get("note_id")
    note_id = clean_line(note_id, 64) if isinstance(note_id, str) else ""
    if not note_id:
        raise fail("Note ID not provided", "note_id", kind=refusals.VALIDATION)
    try:
        with ctx.transaction() as unit:
            notes.delete_note(unit, class_id, note_id)
    except FormInvalid as exc:
        raise fail(exc.message) from None
    return responses.success({"message": "Note deleted successfully"})


# --- attachments --------------------------------------------------------------------------

ATTACHMENT_DIR = "wecoza-classes"


@registry.action(
    "upload_attachment",
    summary="Store a class-note attachment (PDF, Office, JPEG/PNG; 10 MB; content checked) under the uploads "
            "directory",
    nonce_actions=(CLASS_NONCE,),
    methods=WRITES,
    denials=string_denials("Invalid security token"),
    events=(events.ATTACHMENT_UPLOADED,),
)
def upload_attachment(ctx):
    # The file lands in {uploads}/wecoza-classes/YYYY/MM/ under a server-chosen name; no WordPress
    # media-library post is created (the sidecar does not write WordPress's database), so `id` is
    # the stored file's own identifier, not a post id. `upload_files` is required as in the reference.
    upload = ctx.files.get("file")
    if not hasattr(upload, "data"):
        raise fail("No file uploaded", "file", kind=refusals.VALIDATION)
    if not uploads.may_store_files(ctx):
        raise fail("You do not have permission to upload files", kind=refusals.AUTH)
    context = clean_line(ctx.post.get("context") if isinstance(ctx.post.get("context"), str) else "", 50)
    try:
        uploads.check(upload, uploads.ATTACHMENT)
    except uploads.UploadRejected as exc:
        if exc.reason == "size":
            raise fail("File size exceeds maximum of 10MB") from None
        if exc.reason in ("extension", "content"):
            raise fail("Invalid file type") from None
        raise fail(exc.message) from None
    today = datetime.datetime.now(datetime.timezone.utc)
    try:
        with ctx.transaction() as unit:
            stored = uploads.stage(unit, upload, uploads.ATTACHMENT, f"{ATTACHMENT_DIR}/{today:%Y}/{today:%m}",
                                   "attachment_")
            unit.emit(events.ATTACHMENT_UPLOADED,
                      {"relative_path": stored.relative_path, "context": context or "general"})
    except uploads.UploadsNotConfigured:
        raise fail("File upload failed") from None
    filename = stored.relative_path.rsplit("/", 1)[-1]
    original = clean_line(upload.filename.replace("\\", "/").rsplit("/", 1)[-1], 255)
    title = original.rsplit(".", 1)[0] if "." in original else original
    return responses.success({
        "id": filename.rsplit(".", 1)[0],
        "url": stored.url,
        "title": title or filename,
        "filename": filename,
        "filesize": stored.size,
        "filetype": stored.mime,
    })
