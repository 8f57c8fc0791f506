"""Class notes, kept in ``classes.class_notes_data`` (jsonb array; docs/contracts/classes.md#class-notes).

Every write locks the class row (``SELECT … FOR UPDATE``) before reading the array, so two
concurrent saves cannot lose each other's note. An edit keeps the note's original author and
creation time (the reference replaced both). Attachment metadata is reduced to known keys with
plain values and URLs below the uploads URL (no ``javascript:`` links).
"""
from __future__ import annotations

import datetime
import re
import secrets

from psycopg2.extras import Json

from ..phpjson import php_json_encode
from . import events
from .form import FormInvalid, iso_utc, utc_now
from .save import NOTES_LIMIT_MESSAGE, is_notify_overflow
from ..inputs import clean_line, clean_text

PRIORITIES = ("low", "medium", "high")
MAX_NOTES_SHOWN = 50
MAX_CONTENT = 10000
MAX_ATTACHMENTS = 20
ATTACHMENT_KEYS = ("id", "url", "name", "filename", "size", "type")
_NOTE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def iso(value) -> str | None:
    """``date('c', strtotime(x))``: ISO 8601 in UTC; None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def new_note_id() -> str:
    return "note_" + secrets.token_hex(7)[:13]


def _sort_key(note) -> float:
    stamp = iso(note.get("created_at")) if isinstance(note, dict) else None
    if stamp is None:
        return 0.0
    return datetime.datetime.fromisoformat(stamp).timestamp()


def notes_for_page(stored, names: dict[int, str]) -> list[dict]:
    """Newest first, at most 50, with ``author_name`` and ISO timestamps, as get_class_notes answers."""
    notes = [n for n in (stored if isinstance(stored, list) else []) if isinstance(n, dict)]
    notes.sort(key=_sort_key, reverse=True)
    shown = []
    for note in notes[:MAX_NOTES_SHOWN]:
        note = dict(note)
        author = note.get("author_id")
        if isinstance(author, int) and not isinstance(author, bool):
            note["author_name"] = names.get(author, "Unknown")
        elif author is not None and str(author).isdigit():
            note["author_name"] = names.get(int(author), "Unknown")
        for key in ("created_at", "updated_at"):
            if key in note:
                note[key] = iso(note[key]) or note[key]
        shown.append(note)
    return shown


def author_ids(stored) -> set[int]:
    ids = set()
    for note in stored if isinstance(stored, list) else []:
        if isinstance(note, dict):
            author = note.get("author_id")
            if isinstance(author, int) and not isinstance(author, bool):
                ids.add(author)
            elif isinstance(author, str) and author.isdigit():
                ids.add(int(author))
    return ids


def _attachment_url(value, uploads_base: str) -> str | None:
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not re.match(r"https?://", url, re.IGNORECASE) or any(c in url for c in "\"'<> \t\r\n\\"):
        return None
    if uploads_base and not _without_scheme(url).startswith(_without_scheme(uploads_base).rstrip("/") + "/"):
        return None  # only files below the site's uploads URL (http or https)
    return url


def _without_scheme(url: str) -> str:
    return re.sub(r"^https?://", "", url, flags=re.IGNORECASE).lower()


def clean_attachments(raw, uploads_base: str, previous: list | None = None) -> list[dict]:
    """Known keys, string values, safe URLs; an attachment without a usable URL is dropped."""
    items = list(raw.values()) if isinstance(raw, dict) else (raw if isinstance(raw, list) else [])
    known = {a.get("url"): a for a in (previous or []) if isinstance(a, dict)}
    cleaned = []
    for item in items[:MAX_ATTACHMENTS]:
        if not isinstance(item, dict):
            continue
        url = _attachment_url(item.get("url"), uploads_base)
        if url is None:
            continue
        before = known.get(url, {})
        name = clean_line(item.get("name") or item.get("filename") or before.get("name") or "", 255)
        name = name or url.rsplit("/", 1)[-1]
        entry = {"url": url, "name": name, "filename": name}
        for key in ("id", "size"):
            value = item.get(key, before.get(key))
            if (isinstance(value, (int, str)) and not isinstance(value, bool)
                    and re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", str(value))):
                entry[key] = str(value)
        mime = item.get("type", before.get("type"))
        if isinstance(mime, str) and re.fullmatch(r"[a-z]+/[a-z0-9.+-]{1,100}", mime.strip().lower()):
            entry["type"] = mime.strip().lower()
        cleaned.append({k: entry[k] for k in ATTACHMENT_KEYS if k in entry})
    return cleaned


def read_note(raw) -> dict:
    """The posted ``note[...]`` array, validated (messages as the reference's)."""
    if not isinstance(raw, dict) or not raw:
        raise FormInvalid("No note data provided")
    content = clean_text(raw.get("content") if isinstance(raw.get("content"), str) else "")
    if not content:
        raise FormInvalid("Note content is required")
    if len(content) > MAX_CONTENT:
        raise FormInvalid(f"Note content is too long ({MAX_CONTENT} characters at most)")
    category_raw = raw.get("category")
    if isinstance(category_raw, dict):
        categories = [clean_line(v, 100) for v in category_raw.values() if isinstance(v, str)]
    elif isinstance(category_raw, str):
        categories = [clean_line(category_raw, 100)]
    else:
        categories = []
    categories = [c for c in dict.fromkeys(categories) if c]
    if not categories:
        raise FormInvalid("At least one class note type is required")
    priority = clean_line(raw.get("priority") if isinstance(raw.get("priority"), str) else "", 20).lower()
    if not priority:
        raise FormInvalid("Priority is required")
    if priority not in PRIORITIES:
        raise FormInvalid("Priority must be low, medium or high")
    note_id = raw.get("id") if isinstance(raw.get("id"), str) else ""
    note_id = note_id.strip()
    if note_id and not _NOTE_ID.fullmatch(note_id):
        raise FormInvalid("Invalid note ID")
    return {"id": note_id, "content": content, "category": categories, "priority": priority,
            "attachments_sent": "attachments" in raw, "attachments": raw.get("attachments")}


def read_notes(cur, class_id: int):
    """The stored notes array, or None when the class does not exist."""
    cur.execute("SELECT class_notes_data FROM public.classes WHERE class_id = %s", (class_id,))
    row = cur.fetchone()
    return None if row is None else row["class_notes_data"]


def _lock(cur, class_id: int) -> list:
    """The notes array with the class row locked until the commit (FormInvalid when there is no class)."""
    cur.execute("SELECT class_notes_data FROM public.classes WHERE class_id = %s FOR UPDATE", (class_id,))
    row = cur.fetchone()
    if row is None:
        raise FormInvalid("Class not found")
    notes = row["class_notes_data"]
    return list(notes) if isinstance(notes, list) else []


def _store(cur, class_id: int, notes: list) -> None:
    """Write the array back (the row is locked: nothing waits for the answer, it travels with the COMMIT). The
    classes trigger sends old and new array with pg_notify (8000 bytes at most), so a class with many notes can
    hit the limit: a clear refusal then, not an SQL error."""
    cur.hold("UPDATE public.classes SET class_notes_data = %s, updated_at = %s WHERE class_id = %s",
             (Json(notes, dumps=php_json_encode), utc_now(), class_id), on_error=_notes_too_large)


def _notes_too_large(exc):
    return FormInvalid(NOTES_LIMIT_MESSAGE) if is_notify_overflow(exc) else None


def save_note(unit, class_id: int, posted: dict, user_id: int, uploads_base: str) -> dict:
    """Add or edit the posted note on the locked class row; returns the stored note."""
    notes = _lock(unit.cursor, class_id)
    note, created, fields = upsert(notes, posted, user_id, uploads_base)
    _store(unit.cursor, class_id, notes)
    unit.emit(events.NOTE_SAVED,
              {"class_id": class_id, "note_id": note["id"], "created": created, "fields": fields})
    return note


def delete_note(unit, class_id: int, note_id: str) -> None:
    notes = _lock(unit.cursor, class_id)
    index = next((i for i, n in enumerate(notes) if isinstance(n, dict) and n.get("id") == note_id), None)
    if index is None:
        raise FormInvalid("Note not found")
    del notes[index]
    _store(unit.cursor, class_id, notes)
    unit.emit(events.NOTE_DELETED, {"class_id": class_id, "note_id": note_id})


def upsert(notes: list, posted: dict, user_id: int, uploads_base: str) -> tuple[dict, bool, list[str]]:
    """Apply the posted note; returns (stored note, created?, field names set)."""
    stamp = iso_utc()
    index = next((i for i, n in enumerate(notes) if isinstance(n, dict) and posted["id"]
                  and n.get("id") == posted["id"]), None)
    if index is None:
        note = {"id": posted["id"] or new_note_id(), "content": posted["content"], "category": posted["category"],
                "priority": posted["priority"], "author_id": user_id, "created_at": stamp, "updated_at": stamp,
                "attachments": clean_attachments(posted["attachments"], uploads_base)}
        if any(isinstance(n, dict) and n.get("id") == note["id"] for n in notes):
            note["id"] = new_note_id()
        notes.append(note)
        return note, True, ["content", "category", "priority", "attachments"]
    before = notes[index]
    note = dict(before)
    note.update({"content": posted["content"], "category": posted["category"], "priority": posted["priority"],
                 "updated_at": stamp})
    if posted["attachments_sent"]:
        note["attachments"] = clean_attachments(posted["attachments"], uploads_base, before.get("attachments"))
    note.setdefault("author_id", user_id)
    note.setdefault("created_at", stamp)
    if note.get("author_id") != user_id:
        note["updated_by"] = user_id
    changed = [k for k in ("content", "category", "priority", "attachments") if note.get(k) != before.get(k)]
    notes[index] = note
    return note, False, changed
