"""save_class through admin-ajax.php -> shim -> sidecar, as the capture and update pages send it."""
import datetime
import json
import threading

import pytest

from devstack import class_pages as pages

pytestmark = pytest.mark.every_wordpress

CLASS_NONCE = "wecoza_class_nonce"


def data(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True, body
    return body["data"]


def error(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is False, body
    return body["data"]


@pytest.fixture(scope="module")
def subject_product(made, db):
    """A learning programme named like the COMM subject: LP rows resolve to it (sidecar/classes/lp.py)."""
    name = db.scalar("SELECT subject_name FROM class_type_subjects WHERE subject_code = 'COMM' LIMIT 1")
    return made.product(name)


@pytest.fixture(scope="module")
def created(page, made, db, subject_product):
    """One class created through the capture page with every field group."""
    ids = made.learners(4)
    learners = [pages.learner_entry(i, f"Learner {n}", status="CIC - Currently in Class")
                for n, i in enumerate(ids[:3])]
    nonce = page.nonce("admin", CLASS_NONCE)
    fields = pages.capture_form(
        nonce, learners=learners, exam_learners=learners[:1], exam_class="Yes", exam_type="Final \"written\" exam",
        backups=[("5", "2026-03-10"), ("6", "")], stops=[("2026-04-10", "2026-04-20")],
        events=[("Deliveries", "Deliver learner's packs", "2026-03-01", "Completed", "box \\ 3")],
        exceptions=[("2026-03-09", "Client Cancelled")], code="TES030209", site_address="12 O'Reilly St",
        schedule=pages.schedule_fields(exceptions=[("2026-03-09", "Client Cancelled")], overrides=["2026-04-27"]))
    response = page.class_form(fields)
    answer = data(response)
    return {"answer": answer, "class_id": answer["class_id"], "learners": learners, "ids": ids,
            "raw": response.text, "nonce": nonce}


def test_create_answers_as_the_page_reads_it(created, wordpress_site):
    answer = created["answer"]
    cid = created["class_id"]
    assert answer["message"] == "Draft class created successfully. Created 3 LP record(s)."
    assert answer["redirect_url"].startswith(wordpress_site.url) and answer["redirect_url"].endswith(f"class_id={cid}")
    assert answer["lp_creation_results"] == {
        "created": 3, "warnings": 0, "errors": 0,
        "details": [f"Learner {i}: Created LP successfully" for i in created["ids"][:3]]}
    assert created["raw"].startswith('{"success":true,"data":{"message":"Draft class created successfully.')
    assert '"redirect_url":"http:\\/\\/' in created["raw"]  # PHP json_encode escaping


def test_create_stores_every_field_group_as_typed(created, db, subject_product):
    row = db.one("SELECT * FROM classes WHERE class_id = %s", (created["class_id"],))
    assert (row["client_id"], row["site_id"], row["class_type"], row["class_subject"]) == (1, 1, "AET", "COMM")
    assert row["class_code"] == "TES030209" and row["class_duration"] == 120
    assert row["class_address_line"] == "12 O'Reilly St"                       # no magic-quote backslash
    assert row["original_start_date"] == datetime.date(2026, 3, 2)
    assert (row["seta_funded"], row["seta"], row["exam_class"]) == (True, "ETDP", True)
    assert row["exam_type"] == 'Final "written" exam'
    assert (row["initial_class_agent"], row["initial_agent_start_date"], row["project_supervisor_id"]) == (
        3, datetime.date(2026, 3, 1), 2)
    assert row["class_agent"] is None and row["order_nr"] is None
    assert row["learner_ids"] == created["learners"]
    assert row["exam_learners"] == created["learners"][:1]
    assert row["backup_agent_ids"] == [{"agent_id": 5, "date": "2026-03-10"}, {"agent_id": 6, "date": ""}]
    assert row["stop_restart_dates"] == [{"stop_date": "2026-04-10", "restart_date": "2026-04-20"}]
    assert row["event_dates"] == [{"type": "Deliveries", "description": "Deliver learner's packs", "date": "2026-03-01",
                                   "status": "Completed", "notes": "box \\ 3"}]
    schedule = row["schedule_data"]
    assert schedule["version"] == "2.0" and schedule["pattern"] == "weekly"
    assert (schedule["startDate"], schedule["endDate"]) == ("2026-03-02", "2026-06-26")
    assert schedule["timeData"] == {"mode": "per-day", "perDayTimes": {
        "Monday": {"start_time": "09:00", "end_time": "11:00", "duration": "2.00"},
        "Wednesday": {"start_time": "13:00", "end_time": "15:30", "duration": "2.50"}}}
    assert schedule["selectedDays"] == ["Monday", "Wednesday"]
    assert schedule["exceptionDates"] == [{"date": "2026-03-09", "reason": "Client Cancelled"}]
    assert schedule["holidayOverrides"] == {"2026-04-27": True}
    assert set(schedule["metadata"]) == {"lastUpdated", "validatedAt"}
    assert row["class_notes_data"] == []
    lps = db.all("SELECT learner_id, product_id, status, start_date, notes FROM learner_lp_tracking "
                 "WHERE class_id = %s ORDER BY learner_id", (created["class_id"],))
    assert [(r["learner_id"], r["product_id"], r["status"]) for r in lps] == [
        (i, subject_product, "in_progress") for i in created["ids"][:3]]
    assert lps[0]["notes"] == f"Auto-created on class assignment. Class ID: {created['class_id']}"
    log = db.one("SELECT operation FROM class_change_logs WHERE class_id = %s ORDER BY log_id", (created["class_id"],))
    assert log["operation"] == "INSERT"
    event = db.one("SELECT payload FROM wecoza_sidecar.outbox WHERE name = 'wecoza_class_created' "
                   "AND (payload->>'class_id')::int = %s", (created["class_id"],))
    assert event["payload"]["learner_count"] == 3 and "learner_ids" in event["payload"]["fields"]
    assert "Learner 0" not in json.dumps(event["payload"])                   # names, never values


def test_update_with_qa_visits_replacements_and_new_learner(created, page, db, uploads_root):
    cid = created["class_id"]
    learners = created["learners"] + [pages.learner_entry(created["ids"][3], "Learner 3")]
    qa_visits = json.dumps([
        {"date": "2026-03-20", "type": "Initial QA Visit", "officer": "Jane QA", "hasNewFile": True},
        {"date": "2026-04-22", "type": "Follow-up QA", "officer": "", "hasNewFile": False},
        {"date": "2026-05-13", "type": "Compliance Check", "officer": "Sam", "hasNewFile": True}])
    fields = pages.update_form(
        created["nonce"], cid, learners=learners, start="2026-03-16", code="CHANGED-CODE",
        replacements=[("7", "2026-04-01"), ("8", "2026-05-04")], stops=[("2026-04-10", "2026-04-20")],
        qa_rows=[("2026-03-20", "Initial QA Visit", "Jane QA"), ("2026-04-22", "Follow-up QA", ""),
                 ("2026-05-13", "Compliance Check", "Sam")], qa_visits_data=qa_visits,
        schedule=pages.schedule_fields(start="2026-03-16"))
    answer = data(page.class_form(fields, files=pages.qa_files(pages.PDF_BYTES, None, pages.PDF_BYTES + b"2")))
    assert answer["message"] == "Class updated successfully. Created 1 LP record(s)."
    assert answer["lp_creation_results"]["details"] == [f"Learner {created['ids'][3]}: Created LP successfully"]
    row = db.one("SELECT * FROM classes WHERE class_id = %s", (cid,))
    assert row["original_start_date"] == datetime.date(2026, 3, 2)      # not overwritten by the update
    assert row["class_code"] == "TES030209"                              # the update page cannot change it
    assert row["schedule_data"]["startDate"] == "2026-03-16"
    assert len(row["learner_ids"]) == 4
    replacements = db.all("SELECT original_agent_id, replacement_agent_id, start_date FROM agent_replacements "
                          "WHERE class_id = %s ORDER BY start_date", (cid,))
    assert [(r["original_agent_id"], r["replacement_agent_id"], r["start_date"].isoformat()) for r in replacements] == [
        (3, 7, "2026-04-01"), (3, 8, "2026-05-04")]
    visits = db.all("SELECT visit_date, visit_type, officer_name, latest_document FROM qa_visits WHERE class_id = %s "
                    "ORDER BY visit_date", (cid,))
    assert [(v["visit_date"].isoformat(), v["visit_type"], v["officer_name"]) for v in visits] == [
        ("2026-03-20", "Initial QA Visit", "Jane QA"), ("2026-04-22", "Follow-up QA", ""),
        ("2026-05-13", "Compliance Check", "Sam")]
    first, second, third = (v["latest_document"] for v in visits)
    assert second is None
    assert first["original_name"] == "visit report 0.pdf" and third["original_name"] == "visit report 2.pdf"
    for document, content in ((first, pages.PDF_BYTES), (third, pages.PDF_BYTES + b"2")):
        assert document["file_path"].startswith("qa-reports/qa_report_") and document["file_path"].endswith(".pdf")
        assert (uploads_root / document["file_path"]).read_bytes() == content
        assert document["file_url"].endswith("/wp-content/uploads/" + document["file_path"])
        assert document["file_size"] == len(content) and document["uploaded_by"] == "admin"


def test_plain_update_keeps_qa_reports_and_files(created, page, db, uploads_root):
    """The update page re-posts the QA rows without qa_visits_data unless a QA field was touched."""
    cid = created["class_id"]
    before = db.all("SELECT id, latest_document FROM qa_visits WHERE class_id = %s ORDER BY id", (cid,))
    learners = created["learners"] + [pages.learner_entry(created["ids"][3], "Learner 3")]
    fields = pages.update_form(created["nonce"], cid, learners=learners, start="2026-03-16",
                               replacements=[("7", "2026-04-01"), ("8", "2026-05-04")],
                               qa_rows=[("2026-05-13", "Compliance Check", "Sam"), ("2026-04-22", "Follow-up QA", ""),
                                        ("2026-03-20", "Initial QA Visit", "Jane QA")],
                               schedule=pages.schedule_fields(start="2026-03-16"))
    answer = data(page.class_form(fields, files=pages.qa_files(None, None, None)))
    assert answer["message"] == "Class updated successfully."
    after = db.all("SELECT id, latest_document FROM qa_visits WHERE class_id = %s ORDER BY id", (cid,))
    assert after == before
    for visit in after:
        if visit["latest_document"]:
            assert (uploads_root / visit["latest_document"]["file_path"]).is_file()


def test_a_form_without_a_section_leaves_it_alone(created, page, db):
    cid = created["class_id"]
    before = db.one("SELECT * FROM classes WHERE class_id = %s", (cid,))
    visits_before = db.count("qa_visits", "class_id = %s", (cid,))
    fields = [("class_id", str(cid)), ("nonce", created["nonce"]), ("exam_type", "Oral")]
    answer = data(page.class_form(fields))
    assert answer["lp_creation_results"] == {"created": 0, "warnings": 0, "errors": 0, "details": []}
    after = db.one("SELECT * FROM classes WHERE class_id = %s", (cid,))
    changed = {k for k in before if before[k] != after[k]}
    assert changed - {"updated_at"} == {"exam_type"}
    assert db.count("qa_visits", "class_id = %s", (cid,)) == visits_before
    assert db.count("agent_replacements", "class_id = %s", (cid,)) == 2


def test_the_redirect_follows_a_permalink_change_at_once(created, page, wordpress_site):
    """save_class reads the site's permalink structure with its caller (no round trip, no stale copy): the next
    save after an admin changes it sends the browser to the single-class page as WordPress now links it."""
    cid = created["class_id"]
    fields = [("class_id", str(cid)), ("nonce", created["nonce"]), ("exam_type", "Oral")]
    kept = wordpress_site.get_option("permalink_structure", "")
    try:
        for structure, address in (("", f"/?pagename=app/display-single-class&class_id={cid}"),
                                   ("/%postname%/", f"/app/display-single-class/?class_id={cid}"),
                                   ("", f"/?pagename=app/display-single-class&class_id={cid}")):
            wordpress_site.set_option("permalink_structure", structure)
            assert data(page.class_form(fields))["redirect_url"] == wordpress_site.url + address
    finally:
        wordpress_site.set_option("permalink_structure", kept)


def test_removing_a_visit_deletes_it_and_its_report_but_keeps_the_others(created, page, db, uploads_root):
    cid = created["class_id"]
    visits = db.all("SELECT visit_date, latest_document FROM qa_visits WHERE class_id = %s ORDER BY visit_date", (cid,))
    kept, removed = visits[0]["latest_document"], visits[2]["latest_document"]
    qa_visits = json.dumps([
        {"date": "2026-03-20", "type": "Initial QA Visit", "officer": "Jane QA", "hasNewFile": False,
         "existingDocument": kept},
        {"date": "2026-04-22", "type": "Follow-up QA", "officer": "Ann", "hasNewFile": False}])
    fields = pages.update_form(created["nonce"], cid, learners=created["learners"], start="2026-03-16",
                               qa_rows=[("2026-03-20", "Initial QA Visit", "Jane QA"),
                                        ("2026-04-22", "Follow-up QA", "Ann")],
                               qa_visits_data=qa_visits, schedule=pages.schedule_fields(start="2026-03-16"))
    data(page.class_form(fields, files=pages.qa_files(None, None)))
    after = db.all("SELECT visit_date, officer_name, latest_document FROM qa_visits WHERE class_id = %s "
                   "ORDER BY visit_date", (cid,))
    assert [(v["visit_date"].isoformat(), v["officer_name"]) for v in after] == [("2026-03-20", "Jane QA"),
                                                                              ("2026-04-22", "Ann")]
    assert after[0]["latest_document"] == kept and (uploads_root / kept["file_path"]).is_file()
    assert not (uploads_root / removed["file_path"]).exists()
    # removing learners from the list does not touch their LP rows
    assert db.count("learner_lp_tracking", "class_id = %s", (cid,)) == 4


def test_lp_collision_puts_the_active_lp_on_hold_with_the_warning(page, made, db, subject_product):
    other = made.product("Another programme")
    learner, fresh = made.learners(2, surname="Collision")
    old = made.lp(learner, other, notes="existing notes")
    nonce = page.nonce("admin", CLASS_NONCE)
    fields = pages.capture_form(nonce, learners=[pages.learner_entry(learner), pages.learner_entry(fresh)],
                                code="COLLIDE01")
    answer = data(page.class_form(fields))
    assert answer["message"] == ("Draft class created successfully. Created 2 LP record(s). "
                                 "1 learner(s) had existing LPs put on hold.")
    assert answer["lp_creation_results"] == {"created": 2, "warnings": 1, "errors": 0, "details": [
        f"Learner {learner}: Created LP (previous LP put on hold)", f"Learner {fresh}: Created LP successfully"]}
    previous = db.one("SELECT status, notes FROM learner_lp_tracking WHERE tracking_id = %s", (old,))
    assert previous["status"] == "on_hold"
    assert previous["notes"].startswith("existing notes\nPut on hold - learner assigned to new class. ")
    new = db.one("SELECT product_id, status, notes FROM learner_lp_tracking WHERE learner_id = %s AND status = "
                 "'in_progress'", (learner,))
    assert new["product_id"] == subject_product
    assert new["notes"].endswith("(Previous LP put on hold: Another programme)")


def test_subject_without_a_programme_creates_no_lp_and_holds_nothing(page, made, db):
    other = made.product("Held programme")
    (learner,) = made.learners(1, surname="NoProduct")
    old = made.lp(learner, other)
    nonce = page.nonce("admin", CLASS_NONCE)
    fields = pages.capture_form(nonce, class_type="SOFT", subject="IPC", learners=[pages.learner_entry(learner)],
                                code="NOPROD01")
    answer = data(page.class_form(fields))
    assert answer["message"] == "Draft class created successfully."
    assert answer["lp_creation_results"]["created"] == 0
    assert "No learning programme found for subject 'IPC'" in answer["lp_creation_results"]["details"][0]
    assert db.scalar("SELECT status FROM learner_lp_tracking WHERE tracking_id = %s", (old,)) == "in_progress"


def test_numeric_subject_is_a_product_id(page, made, db):
    product = made.product("Numbered programme")
    (learner,) = made.learners(1, surname="Numeric")
    fields = pages.capture_form(page.nonce("admin", CLASS_NONCE), subject=str(product),
                                learners=[pages.learner_entry(learner)], code="NUMERIC01")
    assert data(page.class_form(fields))["lp_creation_results"]["created"] == 1
    assert db.scalar("SELECT product_id FROM learner_lp_tracking WHERE learner_id = %s", (learner,)) == product


def test_too_many_learners_for_the_production_trigger_is_a_clear_error(page, made, db):
    ids = made.learners(90, surname="Payload")
    learners = [pages.learner_entry(i, f"Learner with a long name number {i}") for i in ids]
    classes, lps, events = db.count("classes"), db.count("learner_lp_tracking"), db.count("wecoza_sidecar.outbox")
    fields = pages.capture_form(page.nonce("admin", CLASS_NONCE), learners=learners, code="BIGCLASS1")
    message = error(page.class_form(fields))
    assert message.startswith("This class could not be saved: the change is too large for the database's "
                              "change-notification trigger (log_class_change, 8000 bytes per change)")
    assert "SQL" not in message and "payload string" not in message
    assert (db.count("classes"), db.count("learner_lp_tracking"), db.count("wecoza_sidecar.outbox")) == (
        classes, lps, events)


def test_an_update_refuses_unknown_new_ids_found_with_the_lock_and_keeps_a_learner_it_had(page, made, db):
    """The ids are looked up with the class's lock, every learner of the form among them; only the learners the
    class did not have are refused, after the other kinds, and nothing changes."""
    nonce = page.nonce("admin", CLASS_NONCE)
    (known,) = made.learners(1, surname="Known")
    kept = [pages.learner_entry(888888, "No longer a learner"), pages.learner_entry(known, "Known")]
    class_id = made.class_row(class_code="REFUPD01", learner_ids=kept)
    before = db.one("SELECT * FROM classes WHERE class_id = %s", (class_id,))
    refused = page.class_form(pages.update_form(nonce, class_id, code="REFUPD01", agent="777",
                                                learners=[*kept, pages.learner_entry(999999, "Unknown")]))
    assert error(refused) == "Unknown agent id(s): 777. Unknown learner id(s): 999999."
    assert db.one("SELECT * FROM classes WHERE class_id = %s", (class_id,)) == before
    saved = data(page.class_form(pages.update_form(nonce, class_id, code="REFUPD01", learners=kept)))
    assert saved["class_id"] == class_id
    assert [entry["id"] for entry in db.scalar("SELECT learner_ids FROM classes WHERE class_id = %s",
                                                (class_id,))] == ["888888", str(known)]


def test_a_learner_deleted_while_a_class_adds_it_is_refused_not_listed(page, made, db, pg_database):
    """delete_learner refuses a learner a class lists, and the save locks the learners it adds: whichever comes
    first, the class never lists a learner that is gone. Here the delete holds the learner first."""
    nonce = page.nonce("admin", CLASS_NONCE)
    (doomed,) = made.learners(1, surname="Doomed")
    class_id = made.class_row(class_code="RACEDEL1", learner_ids=[])
    before = db.one("SELECT * FROM classes WHERE class_id = %s", (class_id,))
    deleting = pg_database.connect()
    try:
        with deleting.cursor() as cur:  # as delete_learner: the learner locked, the delete not committed yet
            cur.execute("SELECT 1 FROM learners WHERE id = %s FOR UPDATE", (doomed,))
        answer = {}
        saving = threading.Thread(target=lambda: answer.update(response=page.class_form(pages.update_form(
            nonce, class_id, code="RACEDEL1", learners=[pages.learner_entry(doomed, "Doomed")]))))
        saving.start()
        saving.join(2)
        assert saving.is_alive(), "the save did not wait for the learner's lock"
        with deleting.cursor() as cur:
            cur.execute("DELETE FROM learners WHERE id = %s", (doomed,))
        deleting.commit()
        saving.join(60)
    finally:
        deleting.close()
    assert error(answer["response"]) == f"Unknown learner id(s): {doomed}."
    assert db.one("SELECT * FROM classes WHERE class_id = %s", (class_id,)) == before


def test_agent_replacements_read_with_the_class_are_rewritten_only_when_they_change(page, made, db):
    nonce = page.nonce("admin", CLASS_NONCE)
    class_id = made.class_row(class_code="REPL01")

    def stored():
        return db.all("SELECT replacement_id, replacement_agent_id, start_date::text AS day FROM agent_replacements "
                      "WHERE class_id = %s ORDER BY replacement_id", (class_id,))

    fields = pages.update_form(nonce, class_id, code="REPL01", replacements=[("4", "2026-04-01"), ("5", "2026-05-01")])
    data(page.class_form(fields))
    first = stored()
    assert [(r["replacement_agent_id"], r["day"]) for r in first] == [(4, "2026-04-01"), (5, "2026-05-01")]
    data(page.class_form(fields))
    assert stored() == first                                               # the same rows, not written again
    fields = pages.update_form(nonce, class_id, code="REPL01", replacements=[("4", "2026-04-02"), ("5", "2026-05-01")])
    data(page.class_form(fields))
    assert [(r["replacement_agent_id"], r["day"]) for r in stored()] == [(4, "2026-04-02"), (5, "2026-05-01")]
    assert stored()[0]["replacement_id"] > first[-1]["replacement_id"]


def test_an_update_too_large_for_the_trigger_refuses_where_it_fails_and_keeps_everything(page, made, db):
    """The UPDATE travels with the statements after it (agent replacements, QA visits, LP rows): its failure is
    still this refusal, and nothing of the save is kept."""
    nonce = page.nonce("admin", CLASS_NONCE)
    class_id = data(page.class_form(pages.capture_form(nonce, code="BIGUPD01")))["class_id"]
    before = db.one("SELECT * FROM classes WHERE class_id = %s", (class_id,))
    ids = made.learners(90, surname="Payload")
    learners = [pages.learner_entry(i, f"Learner with a long name number {i}") for i in ids]
    counts = (db.count("learner_lp_tracking"), db.count("agent_replacements"), db.count("qa_visits"),
              db.count("wecoza_sidecar.outbox"))
    fields = pages.update_form(nonce, class_id, code="BIGUPD01", learners=learners,
                               replacements=[("4", "2026-04-01")], qa_rows=[("2026-03-20", "Initial QA Visit", "Q")])
    message = error(page.class_form(fields))
    assert message.startswith("This class could not be saved: the change is too large for the database's "
                              "change-notification trigger (log_class_change, 8000 bytes per change)")
    assert db.one("SELECT * FROM classes WHERE class_id = %s", (class_id,)) == before
    assert (db.count("learner_lp_tracking"), db.count("agent_replacements"), db.count("qa_visits"),
            db.count("wecoza_sidecar.outbox")) == counts


def test_one_learner_failing_leaves_the_others_and_their_held_lps_alone(made, db, pg_database, subject_product):
    """In process, on the real database: the batch fails (a learner id without a learner row), the fallback
    runs learner by learner; the failing one is reported and its savepoint undone."""
    import types

    import psycopg2.extras

    from sidecar.classes import lp

    class_id = made.class_row(class_code="LP-FALLBACK")
    other = made.product("Fallback programme")
    held, fresh = made.learners(2, surname="Fallback")
    old = made.lp(held, other)
    missing = 2_000_000_000
    conn = pg_database.connect()
    try:
        cur = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
        emitted = []
        unit = types.SimpleNamespace(cursor=cur, emit=lambda name, payload: emitted.append((name, payload)))
        results = lp.create_for_new_learners(unit, class_id, "AET", "COMM", [
            {"id": str(held)}, {"id": str(missing)}, {"id": str(fresh)}])
        assert results.as_dict() == {"created": 2, "warnings": 1, "errors": 1, "details": [
            f"Learner {held}: Created LP (previous LP put on hold)",
            f"Learner {missing}: Failed - Failed to create LP: the learning programme record could not be created",
            f"Learner {fresh}: Created LP successfully"]}
        cur.execute("SELECT status FROM learner_lp_tracking WHERE tracking_id = %s", (old,))
        assert cur.fetchone()["status"] == "on_hold"
        assert [name for name, _ in emitted] == ["wecoza_progression_put_on_hold", "wecoza_progression_started",
                                                 "wecoza_progression_started"]
    finally:
        conn.rollback()
        conn.close()
