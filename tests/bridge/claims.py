"""A request's ActionContext with its replay claim, as the guard builds it, on a test pool; and whether an id was
recorded. For the tests of what a request's transaction sends and keeps."""
from __future__ import annotations

import time
import types
import uuid

from sidecar.context import ActionContext
from sidecar.replays import PostgresReplayStore

WINDOW = 60


def context(postgres, reads_only=False, request_id=None) -> ActionContext:
    store = PostgresReplayStore(postgres, WINDOW)
    request_id = request_id or uuid.uuid4().hex
    services = types.SimpleNamespace(postgres=postgres)
    return ActionContext(services=services, action="probe", request_id=request_id, method="POST", get={}, post={},
                         files={}, user=None, inline_events=False, reads_only=reads_only,
                         claim=store.claim(request_id, int(time.time())))


def seen(postgres, request_id) -> bool:
    with postgres.transaction() as cur:
        cur.execute("SELECT 1 FROM wecoza_sidecar.seen_requests WHERE request_id = %s", (request_id,))
        return cur.fetchone() is not None
