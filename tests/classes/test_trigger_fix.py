"""The operator's fix for log_class_change() (sidecar/classes/notify_trigger_fix.sql), on a database of its own
with the production dump: before it a 100-learner class is refused with a clear message, after it the class
saves, the change log keeps the whole row and listeners get a small notification naming the log row.

The sidecar runs in process with a stand-in for WordPress (devstack/inprocess.py): this test is about the
database, and it must not alter the trigger of the session's shared database."""
import json
import select
import tempfile
from pathlib import Path

import pytest

from devstack import class_pages as pages
from devstack.class_rows import add_learners, add_product_for_subject, apply_trigger_fix
from devstack.inprocess import InProcessSidecar, StandInWordPress, migrate, sidecar_env
from devstack.postgres import create_pg_database, drop_pg_database


@pytest.fixture(scope="module")
def own_database(pg_server):
    pg = create_pg_database(pg_server)
    uploads = Path(tempfile.mkdtemp(prefix="wecoza-trigger-test-"))
    sidecar = InProcessSidecar(sidecar_env(pg, uploads, WECOZA_UPLOADS_URL="https://example.test/wp-content/uploads"),
                               wordpress=StandInWordPress())
    try:
        migrate(pg)
        add_product_for_subject(pg)
        yield pg, sidecar
    finally:
        sidecar.close()
        drop_pg_database(pg)
        for path in sorted(uploads.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        uploads.rmdir()


@pytest.mark.slow
def test_the_fix_lets_a_big_class_save_and_notifies_without_the_diff(own_database):
    pg, sidecar = own_database
    ids = add_learners(pg, 100)
    learners = [pages.learner_entry(i, f"Learner number {i} with a name") for i in ids]
    refused = sidecar.call("save_class", pages.capture_form("n", learners=learners)).get_json()
    assert refused["success"] is False and "log_class_change" in refused["data"]

    apply_trigger_fix(pg)
    listener = pg.connect()
    listener.autocommit = True
    try:
        listener.cursor().execute("LISTEN class_change_channel")
        answer = sidecar.call("save_class", pages.capture_form("n", learners=learners)).get_json()
        assert answer["success"] is True, answer
        assert answer["data"]["lp_creation_results"]["created"] == 100
        class_id = answer["data"]["class_id"]
        select.select([listener], [], [], 5)
        listener.poll()
        notes = [json.loads(n.payload) for n in listener.notifies]
        big = next(n for n in notes if n["class_id"] == class_id and n["operation"] == "INSERT")
        assert big["diff_truncated"] is True and "learner_ids" in big["changed_columns"] and "diff" not in big
        with pg.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT jsonb_array_length(diff->'learner_ids') FROM class_change_logs WHERE log_id = %s",
                        (big["log_id"],))
            assert cur.fetchone()[0] == 100

        small = sidecar.call("save_class", [("class_id", str(class_id)), ("nonce", "n"), ("exam_type", "Oral")])
        assert small.get_json()["success"] is True
        select.select([listener], [], [], 5)
        listener.poll()
        update = [json.loads(n.payload) for n in listener.notifies][-1]
        assert update["operation"] == "UPDATE" and update["diff"]["exam_type"] == {"old": "", "new": "Oral"}
    finally:
        listener.close()
