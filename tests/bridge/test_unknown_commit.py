"""A write whose COMMIT reached PostgreSQL but whose answer was lost (the connection cut in between) may have
committed: the request fails, but the files the row may name are put in place, never deleted. At worst a file no
row names stays behind; never a row naming a file that is gone."""
from __future__ import annotations

import types
import uuid

import pytest

from sidecar import uploads
from sidecar.config import load_config
from sidecar.context import ActionContext
from sidecar.db import DatabaseUnavailable
from tests.bridge.commit_cutter import CommitCutter
from tests.bridge.pools import pool_to
from tests.learners import samples


@pytest.fixture(scope="module")
def probe_table(pg_database):
    postgres = pool_to(pg_database, size=1)
    with postgres.transaction() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS commit_probe (id serial PRIMARY KEY, note text NOT NULL)")
    yield
    with postgres.transaction() as cur:
        cur.execute("DROP TABLE commit_probe")
    postgres.close()


def test_a_commit_whose_answer_is_lost_keeps_the_files_the_row_may_name(pg_database, probe_table, tmp_path):
    note = f"unknown-{uuid.uuid4().hex}"
    with CommitCutter(pg_database.host, pg_database.port) as cutter:
        postgres = pool_to(pg_database, cutter, size=1)
        services = types.SimpleNamespace(postgres=postgres, config=load_config({"WECOZA_UPLOADS_DIR": str(tmp_path)}))
        ctx = ActionContext(services=services, action="probe", request_id=uuid.uuid4().hex, method="POST", get={},
                            post={}, files={}, user=None, inline_events=False)
        try:
            with pytest.raises(DatabaseUnavailable):
                with ctx.transaction() as unit:
                    unit.cursor.execute("INSERT INTO commit_probe (note) VALUES (%s) RETURNING id", (note,))
                    stored = uploads.stage(unit, samples.upload("scan.pdf", samples.pdf()), uploads.PORTFOLIO_PDF,
                                           "portfolios", "portfolio_")
                    cutter.armed = True
        finally:
            postgres.close()
    with pg_database.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM commit_probe WHERE note = %s", (note,))
        assert cur.fetchone()[0] == 1, "the server committed"
    assert (tmp_path / stored.relative_path).read_bytes() == samples.pdf()
    assert not [p for p in tmp_path.rglob("*.part")]
