"""delete_learner, wecoza_delete_learner and delete_learner_portfolio through admin-ajax.php: rows, files, events."""
from __future__ import annotations

import json
import secrets

import pytest

from .conftest import learner_row

pytestmark = pytest.mark.every_wordpress

DELETED = '{"success":true,"data":{"message":"Learner deleted successfully"}}'
GONE = "This learner no longer exists; it may already have been deleted."


def put_file(uploads_root, name=None, data=b"%PDF-1.4\n%%EOF\n"):
    name = name or f"portfolio_{secrets.token_hex(12)}.pdf"
    path = uploads_root / "portfolios" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return f"portfolios/{name}", path


def outbox(db, name, learner_id):
    return [r["payload"] for r in db.all(
        "SELECT payload FROM wecoza_sidecar.outbox WHERE name = %s AND payload->>'learner_id' = %s",
        (name, str(learner_id)))]


@pytest.fixture()
def classes(db):
    made = []

    def make(learner_ids=None, exam_learners=None):
        class_id = db.scalar("INSERT INTO classes (client_id, class_code, learner_ids, exam_learners) "
                             "VALUES (1, %s, %s, %s) RETURNING class_id",
                             (f"LT-{secrets.token_hex(4)}", json.dumps(learner_ids or []),
                              json.dumps(exam_learners or [])))
        made.append(class_id)
        return class_id
    yield make
    for class_id in made:
        db.run("DELETE FROM class_change_logs WHERE class_id = %s", (class_id,))
        db.run("DELETE FROM classes WHERE class_id = %s", (class_id,))


@pytest.mark.parametrize("action,nonce_action", [
    ("delete_learner", "learners_nonce_action"),     # what learners-app.js sends (WeCozaLearners.nonce)
    ("delete_learner", "learners_nonce"),            # what the reference checked
    ("wecoza_delete_learner", "learners_nonce_action"),
])
def test_delete_removes_rows_then_files_and_emits(ajax, db, learners, uploads_root, action, nonce_action):
    learner = learners.make(first_name="Delete", surname="Me")
    rel_a, path_a = put_file(uploads_root)
    rel_b, path_b = put_file(uploads_root)
    p_a = learners.portfolio(learner, rel_a)
    p_b = learners.portfolio(learner, rel_b)
    response = ajax.post(action, data={"id": str(learner)}, nonce_action=nonce_action)
    assert (response.status_code, response.text) == (200, DELETED)
    assert learner_row(db, learner) is None
    assert db.scalar("SELECT count(*) FROM learner_portfolios WHERE learner_id = %s", (learner,)) == 0
    assert not path_a.exists() and not path_b.exists()
    [payload] = outbox(db, "wecoza_learner_deleted", learner)
    assert sorted(payload["portfolio_ids"]) == sorted([p_a, p_b])

    again = ajax.post(action, data={"id": str(learner)}, nonce_action=nonce_action)
    status = 200 if action == "delete_learner" else 400
    assert (again.status_code, again.json()) == (status, {"success": False, "data": {"message": GONE}})


def test_blocked_delete_names_what_blocks_and_changes_nothing(ajax, db, learners, uploads_root, classes):
    learner = learners.make(first_name="Busy", surname="Learner")
    rel, path = put_file(uploads_root)
    learners.portfolio(learner, rel)
    classes(learner_ids=[{"id": str(learner), "name": "Busy Learner", "level": "COMM",
                          "status": "CIC - Currently in Class"}])
    classes(learner_ids=[learner, 999999])                                  # the legacy plain-id form
    learners.lp(learner, status="in_progress", trained=4, present=3)
    db.run("INSERT INTO learner_progressions (learner_id, from_product_id, to_product_id, progression_date) "
           "VALUES (%s, 1, 1, '2026-01-01')", (learner,))
    before = learner_row(db, learner)
    response = ajax.post("delete_learner", data={"id": str(learner)}, nonce_action="learners_nonce_action")
    assert response.status_code == 200
    assert response.json() == {"success": False, "data": {"message": (
        "This learner cannot be deleted because other records still refer to them: 2 class assignments, "
        "1 learning programme (LP) record, 1 progression record. Remove those first. Nothing was deleted.")}}
    mvc = ajax.post("wecoza_delete_learner", data={"id": str(learner)}, nonce_action="learners_nonce_action")
    assert mvc.status_code == 400 and "cannot be deleted" in mvc.json()["data"]["message"]
    assert learner_row(db, learner) == before
    assert path.exists()
    assert db.scalar("SELECT count(*) FROM learner_portfolios WHERE learner_id = %s", (learner,)) == 1
    assert outbox(db, "wecoza_learner_deleted", learner) == []


def test_a_reference_the_checks_do_not_know_refuses_at_the_delete_and_changes_nothing(ajax, db, learners,
                                                                                     uploads_root):
    """The DELETE travels with the outbox insert and the COMMIT: its foreign-key error still rolls all back."""
    learner = learners.make(first_name="Unknown", surname="Reference")
    rel, path = put_file(uploads_root)
    learners.portfolio(learner, rel)
    table = f"test_refers_to_learner_{secrets.token_hex(4)}"
    db.run(f"CREATE TABLE {table} (learner_id integer NOT NULL REFERENCES learners (id))")
    try:
        db.run(f"INSERT INTO {table} VALUES (%s)", (learner,))
        before = learner_row(db, learner)
        response = ajax.post("delete_learner", data={"id": str(learner)}, nonce_action="learners_nonce_action")
        assert response.json() == {"success": False, "data": {"message": (
            "This learner cannot be deleted because other records still refer to them: 1 other record. "
            "Remove those first. Nothing was deleted.")}}
    finally:
        db.run(f"DROP TABLE {table}")
    assert learner_row(db, learner) == before
    assert path.exists()
    assert db.scalar("SELECT count(*) FROM learner_portfolios WHERE learner_id = %s", (learner,)) == 1
    assert outbox(db, "wecoza_learner_deleted", learner) == []


def test_exam_list_and_hours_log_block_too(ajax, db, learners, classes):
    learner = learners.make(first_name="Exam", surname="Only")
    classes(exam_learners=[{"id": learner, "name": "Exam Only"}])
    db.run("INSERT INTO learner_hours_log (learner_id, product_id, log_date, source) VALUES (%s, 1, '2026-01-01', "
           "'manual')", (learner,))
    response = ajax.post("delete_learner", data={"id": str(learner)}, nonce_action="learners_nonce_action")
    assert "1 exam class assignment, 1 hours log entry" in response.json()["data"]["message"]
    assert learner_row(db, learner) is not None


def test_another_learners_id_in_a_class_does_not_block(ajax, db, learners, classes):
    learner = learners.make(first_name="Free", surname="Learner")
    classes(learner_ids=[{"id": str(learner) + "0", "name": "Someone Else"}, learner + 1000000])
    response = ajax.post("delete_learner", data={"id": str(learner)}, nonce_action="learners_nonce_action")
    assert response.text == DELETED


def test_delete_bad_ids_and_denials(ajax, db, learners):
    learner = learners.make(first_name="Keep", surname="Me")
    for data in ({}, {"id": "abc"}, {"id": "-1"}, {"id": "1 OR 1=1"}, {"id[]": "1"}):
        old = ajax.post("delete_learner", data=data, nonce_action="learners_nonce_action")
        assert old.text == '{"success":false,"data":{"message":"Invalid learner ID"}}', data
        mvc = ajax.post("wecoza_delete_learner", data=data, nonce_action="learners_nonce_action")
        assert (mvc.status_code, mvc.text) == (400, '{"success":false,"data":{"message":"Invalid learner ID"}}')
    for who in ("editor", "subscriber"):
        old = ajax.post("delete_learner", who=who, data={"id": str(learner)}, nonce_action="learners_nonce_action")
        assert old.text == '{"success":false,"data":{"message":"Unauthorized access"}}'
        mvc = ajax.post("wecoza_delete_learner", who=who, data={"id": str(learner)},
                        nonce_action="learners_nonce_action")
        assert (mvc.status_code, mvc.text) == (403, '{"success":false,"data":{"message":"Insufficient permissions."}}')
    for nonce in ("", "0123456789", ajax.nonce("editor", "learners_nonce_action"), ajax.nonce("admin", "other")):
        old = ajax.post("delete_learner", data={"id": str(learner), "nonce": nonce})
        assert old.text == '{"success":false,"data":{"message":"Security check failed"}}'
        mvc = ajax.post("wecoza_delete_learner", data={"id": str(learner), "nonce": nonce})
        assert (mvc.status_code, mvc.text) == (403, '{"success":false,"data":{"message":"Invalid security token."}}')
    for action in ("delete_learner", "wecoza_delete_learner"):
        assert ajax.post(action, who=None, data={"id": str(learner)}, nonce_action="learners_nonce_action").text == "0"
    assert learner_row(db, learner) is not None


# --- delete_learner_portfolio --------------------------------------------------------------------

def test_delete_portfolio_keeps_scanned_portfolio_consistent(ajax, db, learners, uploads_root):
    learner = learners.make(first_name="Port", surname="Folio")
    files = [put_file(uploads_root) for _ in range(8)]
    ids = [learners.portfolio(learner, rel, f"2026-01-0{i + 1} 10:00:00") for i, (rel, _) in enumerate(files)]
    victim = ids[3]
    response = ajax.post("delete_learner_portfolio", data={"portfolio_id": str(victim), "learner_id": str(learner)},
                         nonce_action="learners_nonce_action")
    assert (response.status_code, response.text) == (200, '{"success":true,"data":"Portfolio deleted successfully"}')
    assert not files[3][1].exists()
    assert all(path.exists() for i, (_, path) in enumerate(files) if i != 3)
    remaining = [rel for i, (rel, _) in enumerate(files) if i != 3][::-1]          # newest first
    scanned = learner_row(db, learner)["scanned_portfolio"]
    assert len(scanned) <= 255
    kept = scanned.split(", ")
    width = len(remaining[0])                        # all test paths have the same length (41)
    fits = max(n for n in range(len(remaining) + 1) if n * width + 2 * max(n - 1, 0) <= 255)
    assert kept == remaining[:fits] and fits < len(remaining)
    [payload] = outbox(db, "wecoza_learner_portfolio_deleted", learner)
    assert payload["portfolio_id"] == victim

    again = ajax.post("delete_learner_portfolio", data={"portfolio_id": str(victim), "learner_id": str(learner)},
                      nonce_action="learners_nonce")
    assert again.text == ('{"success":false,"data":"Portfolio not found for this learner. It may already have been '
                          'deleted."}')


def test_last_portfolio_deleted_clears_scanned_portfolio(ajax, db, learners, uploads_root):
    learner = learners.make(first_name="One", surname="File")
    rel, path = put_file(uploads_root)
    portfolio = learners.portfolio(learner, rel)
    db.run("UPDATE learners SET scanned_portfolio = %s WHERE id = %s", (rel, learner))
    response = ajax.post("delete_learner_portfolio", data={"portfolio_id": str(portfolio), "learner_id": str(learner)},
                         nonce_action="learners_nonce_action")
    assert response.text == '{"success":true,"data":"Portfolio deleted successfully"}'
    assert learner_row(db, learner)["scanned_portfolio"] is None
    assert not path.exists()


def test_portfolio_of_another_learner_is_refused(ajax, db, learners, uploads_root):
    owner = learners.make(first_name="Owner", surname="A")
    other = learners.make(first_name="Other", surname="B")
    rel, path = put_file(uploads_root)
    portfolio = learners.portfolio(owner, rel)
    response = ajax.post("delete_learner_portfolio", data={"portfolio_id": str(portfolio), "learner_id": str(other)},
                         nonce_action="learners_nonce_action")
    assert response.text == ('{"success":false,"data":"Portfolio not found for this learner. It may already have been '
                             'deleted."}')
    assert path.exists()
    assert db.scalar("SELECT count(*) FROM learner_portfolios WHERE portfolio_id = %s", (portfolio,)) == 1


def test_a_stored_path_leaving_the_uploads_root_is_never_unlinked(ajax, db, learners, uploads_root, wordpress_site):
    learner = learners.make(first_name="Path", surname="Trick")
    wp_config = wordpress_site.path / "wp-config.php"
    before = wp_config.read_bytes()
    portfolio = learners.portfolio(learner, "../../wp-config.php")
    response = ajax.post("delete_learner_portfolio", data={"portfolio_id": str(portfolio), "learner_id": str(learner)},
                         nonce_action="learners_nonce_action")
    assert response.text == '{"success":true,"data":"Portfolio deleted successfully"}'   # the row goes
    assert wp_config.read_bytes() == before                                                 # the file stays


@pytest.mark.parametrize("name", ["acc-canary.txt", "portfolios/notes.pdf", "portfolios/portfolio_x.pdf"])
def test_a_stored_path_the_sidecar_never_writes_is_never_unlinked(ajax, db, learners, uploads_root, name):
    learner = learners.make(first_name="Canary", surname="Row")
    canary = uploads_root / name
    canary.parent.mkdir(parents=True, exist_ok=True)
    canary.write_bytes(b"keep me")
    portfolio = learners.portfolio(learner, name)
    response = ajax.post("delete_learner_portfolio", data={"portfolio_id": str(portfolio), "learner_id": str(learner)},
                         nonce_action="learners_nonce_action")
    assert response.text == '{"success":true,"data":"Portfolio deleted successfully"}'   # the row goes
    assert canary.read_bytes() == b"keep me"                                                # the file stays
    canary.unlink()


def test_a_legacy_portfolio_file_is_removed_with_its_row(ajax, db, learners, uploads_root):
    learner = learners.make(first_name="Legacy", surname="Name")
    rel, path = put_file(uploads_root, "portfolio_65a1b2c3d4e5f4.12345678.pdf")  # uniqid('portfolio_', true)
    portfolio = learners.portfolio(learner, rel)
    response = ajax.post("delete_learner_portfolio", data={"portfolio_id": str(portfolio), "learner_id": str(learner)},
                         nonce_action="learners_nonce_action")
    assert response.text == '{"success":true,"data":"Portfolio deleted successfully"}'
    assert not path.exists()


def test_delete_portfolio_bad_input_and_denials(ajax, db, learners, uploads_root):
    learner = learners.make(first_name="Guard", surname="Ed")
    rel, path = put_file(uploads_root)
    portfolio = learners.portfolio(learner, rel)
    for data in ({}, {"portfolio_id": str(portfolio)}, {"learner_id": str(learner)},
                 {"portfolio_id": "1 OR 1=1", "learner_id": str(learner)},
                 {"portfolio_id[]": str(portfolio), "learner_id": str(learner)}):
        response = ajax.post("delete_learner_portfolio", data=data, nonce_action="learners_nonce_action")
        assert response.text == '{"success":false,"data":"Invalid portfolio or learner ID"}', data
    data = {"portfolio_id": str(portfolio), "learner_id": str(learner)}
    for who in ("editor", "subscriber"):
        response = ajax.post("delete_learner_portfolio", who=who, data=data, nonce_action="learners_nonce_action")
        assert response.text == '{"success":false,"data":"Unauthorized access"}'
    for nonce in ("", "0123456789", ajax.nonce("editor", "learners_nonce_action")):
        response = ajax.post("delete_learner_portfolio", data={**data, "nonce": nonce})
        assert response.text == '{"success":false,"data":"Security check failed"}'
    assert ajax.post("delete_learner_portfolio", who=None, data=data, nonce_action="learners_nonce_action").text == "0"
    assert path.exists()
    assert db.scalar("SELECT count(*) FROM learner_portfolios WHERE portfolio_id = %s", (portfolio,)) == 1
