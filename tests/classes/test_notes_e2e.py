"""Class notes, attachments and class deletion through admin-ajax.php."""
import concurrent.futures
import datetime
import json
import re

import pytest

from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

CLASS = "wecoza_class_nonce"


@pytest.fixture(scope="module")
def nonce(page):
    return page.nonce("admin", CLASS)


@pytest.fixture(scope="module")
def noted(made):
    """A class with a note written earlier by another user (author 999)."""
    return made.class_row(class_code="NOTES-1", class_notes_data=[{
        "id": "note_old", "content": "Old note", "category": ["Venue issues"], "priority": "medium",
        "author_id": 999, "created_at": "2026-01-10T08:00:00+00:00", "updated_at": "2026-01-10T08:00:00+00:00",
        "attachments": [{"name": "plan.pdf", "url": "http://example.invalid/plan.pdf"}]}])


def note_fields(class_id, nonce, **note):
    fields = [("class_id", str(class_id)), ("nonce", nonce)]
    for key, value in note.items():
        if isinstance(value, list):
            fields += [(f"note[{key}][]", v) for v in value]
        elif isinstance(value, dict):
            for index, attachment in value.items():
                fields += [(f"note[attachments][{index}][{k}]", v) for k, v in attachment.items()]
        else:
            fields.append((f"note[{key}]", value))
    return fields


def test_add_note_with_attachment_metadata_sanitised(page, nonce, noted, db, wordpress_site):
    uploads_url = f"{wordpress_site.url}/wp-content/uploads"
    attachments = {
        0: {"id": "456", "url": f"{uploads_url}/wecoza-classes/2026/02/x.pdf", "name": "x <b>bold</b>.pdf",
            "size": "12345", "type": "application/pdf", "onclick": "alert(1)"},
        1: {"url": "javascript:alert(1)", "name": "evil"},
        2: {"url": "https://evil.example/x.pdf", "name": "elsewhere"},
        3: {"url": f'{uploads_url}/x.pdf"><script>', "name": "quote"},
    }
    response = page.post("save_class_note", note_fields(
        noted, nonce, id="", content="Learners behind\non module 2 <script>x</script>",
        category=["Learners behind schedule", "Poor attendance"],
        priority="high", attachments=attachments))
    note = response.json()["data"]["note"]
    assert re.fullmatch(r"note_[0-9a-f]{13}", note["id"])
    assert note["content"] == "Learners behind\non module 2"
    assert note["category"] == ["Learners behind schedule", "Poor attendance"]
    assert (note["priority"], note["author_id"], note["author_name"]) == ("high", 1, "admin")
    assert note["attachments"] == [{"id": "456", "url": f"{uploads_url}/wecoza-classes/2026/02/x.pdf",
                                    "name": "x bold.pdf", "filename": "x bold.pdf", "size": "12345",
                                    "type": "application/pdf"}]
    stored = db.scalar("SELECT class_notes_data FROM classes WHERE class_id = %s", (noted,))
    assert [n["id"] for n in stored] == ["note_old", note["id"]]
    assert stored[1] == {k: v for k, v in note.items() if k != "author_name"}


def test_editing_keeps_the_author_and_creation_time(page, nonce, noted, db):
    response = page.post("save_class_note", note_fields(noted, nonce, id="note_old", content="Edited by admin",
                                                        category=["Venue issues"], priority="low"))
    note = response.json()["data"]["note"]
    assert (note["author_id"], note["created_at"], note["updated_by"]) == (999, "2026-01-10T08:00:00+00:00", 1)
    assert note["author_name"] == "Unknown"
    assert note["attachments"] == [{"name": "plan.pdf", "url": "http://example.invalid/plan.pdf"}]  # not sent: kept
    assert note["updated_at"] != "2026-01-10T08:00:00+00:00"
    stored = {n["id"]: n for n in db.scalar("SELECT class_notes_data FROM classes WHERE class_id = %s", (noted,))}
    assert stored["note_old"]["content"] == "Edited by admin" and stored["note_old"]["author_id"] == 999


def test_list_is_newest_first_with_names_and_iso_times(page, nonce, noted):
    notes = page.post("get_class_notes", {"class_id": str(noted), "nonce": nonce}).json()["data"]["notes"]
    assert [n["content"] for n in notes] == ["Learners behind\non module 2", "Edited by admin"]
    assert [n["author_name"] for n in notes] == ["admin", "Unknown"]
    for n in notes:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", n["created_at"])


def test_concurrent_saves_keep_every_note(page, nonce, made, db):
    class_id = made.class_row(class_code="NOTES-RACE")

    def save(i):
        return page.post("save_class_note", note_fields(class_id, nonce, content=f"Parallel note {i}",
                                                        category=["Class on track"], priority="medium"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(save, range(16)))
    assert all(r.json()["success"] for r in results)
    stored = db.scalar("SELECT class_notes_data FROM classes WHERE class_id = %s", (class_id,))
    assert sorted(n["content"] for n in stored) == sorted(f"Parallel note {i}" for i in range(16))
    assert len({n["id"] for n in stored}) == 16


def test_delete_note(page, nonce, noted, db):
    response = page.post("delete_class_note", {"class_id": str(noted), "nonce": nonce, "note_id": "note_old"})
    assert response.text == '{"success":true,"data":{"message":"Note deleted successfully"}}'
    stored = db.scalar("SELECT class_notes_data FROM classes WHERE class_id = %s", (noted,))
    assert [n["content"] for n in stored] == ["Learners behind\non module 2"]
    event = db.one("SELECT payload FROM wecoza_sidecar.outbox WHERE name = 'wecoza_class_note_deleted' "
                   "ORDER BY created_at DESC LIMIT 1")["payload"]
    assert (event["class_id"], event["note_id"]) == (noted, "note_old")


def test_upload_attachment_stores_the_file_under_the_uploads_dir(page, nonce, uploads_root, wordpress_site):
    for name, content, mime in (("Minutes March.pdf", pages.PDF_BYTES, "application/pdf"),
                                ("photo.PNG", pages.PNG_BYTES, "image/png")):
        response = page.post("upload_attachment", {"nonce": nonce, "context": "class_notes"},
                             files=[("file", (name, content, "application/octet-stream"))])
        answer = response.json()["data"]
        today = datetime.datetime.now(datetime.timezone.utc)
        assert answer["title"] == name.rsplit(".", 1)[0]
        assert answer["filetype"] == mime and answer["filesize"] == len(content)
        relative = f"wecoza-classes/{today:%Y}/{today:%m}/{answer['filename']}"
        assert answer["url"] == f"{wordpress_site.url}/wp-content/uploads/{relative}"
        assert (uploads_root / relative).read_bytes() == content
        assert re.fullmatch(r"attachment_[0-9a-f]{24}\.(pdf|png)", answer["filename"])
        assert answer["id"] == answer["filename"].rsplit(".", 1)[0]


# --- delete_class -------------------------------------------------------------------------

def test_delete_refuses_naming_the_dependent_records(page, nonce, made, db):
    class_id = made.class_row(class_code="DEL-BLOCKED")
    (learner,) = made.learners(1, surname="Delete")
    made.lp(learner, 1, class_id=class_id)
    db.run("INSERT INTO agent_replacements (class_id, original_agent_id, replacement_agent_id, start_date) "
           "VALUES (%s, 3, 4, '2026-04-01'), (%s, 3, 5, '2026-05-01')", (class_id, class_id))
    response = page.post("delete_class", {"class_id": str(class_id), "nonce": nonce})
    assert response.json() == {"success": False, "data": (
        "This class cannot be deleted because other records still refer to it: agent replacements (2), "
        "learner LP records (1). Remove or reassign them first.")}
    assert db.count("classes", "class_id = %s", (class_id,)) == 1


def test_delete_removes_the_class_its_visits_and_their_reports(page, nonce, made, db, uploads_root):
    class_id = made.class_row(class_code="DEL-OK", class_subject="NUM")
    qa_visits = json.dumps([{"date": "2026-03-20", "type": "Initial QA Visit", "officer": "", "hasNewFile": True}])
    fields = pages.update_form(nonce, class_id, code="DEL-OK", subject="NUM", qa_visits_data=qa_visits)
    assert page.class_form(fields, files=pages.qa_files(pages.PDF_BYTES)).json()["success"]
    document = db.scalar("SELECT latest_document FROM qa_visits WHERE class_id = %s", (class_id,))
    assert (uploads_root / document["file_path"]).is_file()
    response = page.post("delete_class", {"class_id": str(class_id), "nonce": nonce})
    assert response.json() == {"success": True, "data": {"message": "Class deleted successfully.", "class_id": class_id,
                                                         "class_subject": "NUM", "class_code": "DEL-OK"}}
    assert db.count("classes", "class_id = %s", (class_id,)) == 0
    assert db.count("qa_visits", "class_id = %s", (class_id,)) == 0
    assert not (uploads_root / document["file_path"]).exists()
    again = page.post("delete_class", {"class_id": str(class_id), "nonce": nonce})
    assert again.json() == {"success": False, "data": "Class not found or already deleted."}


def test_delete_refused_by_a_foreign_key_at_the_delete_changes_nothing(page, nonce, made, db, uploads_root):
    """The DELETE travels with the outbox insert and the COMMIT. A key the checks do not count (here one whose
    ON DELETE SET DEFAULT names no class) fails it there: the general refusal, and everything is rolled back."""
    class_id = made.class_row(class_code="DEL-LATE", class_subject="NUM")
    qa_visits = json.dumps([{"date": "2026-03-20", "type": "Initial QA Visit", "officer": "", "hasNewFile": True}])
    fields = pages.update_form(nonce, class_id, code="DEL-LATE", subject="NUM", qa_visits_data=qa_visits)
    assert page.class_form(fields, files=pages.qa_files(pages.PDF_BYTES)).json()["success"]
    document = db.scalar("SELECT latest_document FROM qa_visits WHERE class_id = %s", (class_id,))
    table = f"test_refers_to_class_{class_id}"
    db.run(f"CREATE TABLE {table} (class_id integer NOT NULL DEFAULT -1 "
           "REFERENCES classes (class_id) ON DELETE SET DEFAULT)")
    try:
        db.run(f"INSERT INTO {table} VALUES (%s)", (class_id,))
        events_before = db.count("wecoza_sidecar.outbox", "name = 'wecoza_class_deleted'")
        response = page.post("delete_class", {"class_id": str(class_id), "nonce": nonce})
        assert response.json() == {"success": False, "data": (
            "This class cannot be deleted because other records still refer to it. Remove or reassign them first.")}
        assert db.count("wecoza_sidecar.outbox", "name = 'wecoza_class_deleted'") == events_before
    finally:
        db.run(f"DROP TABLE {table}")
    assert db.count("classes", "class_id = %s", (class_id,)) == 1
    assert db.count("qa_visits", "class_id = %s", (class_id,)) == 1
    assert (uploads_root / document["file_path"]).is_file()
