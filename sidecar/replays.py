"""The replay store for signed shim requests, shared through PostgreSQL by every worker and host."""
from __future__ import annotations

import random


class PostgresReplayStore:
    PURGE_ONE_IN = 200

    def __init__(self, postgres, window: int):
        self.postgres = postgres
        self.window = window

    def add(self, request_id: str, now: float) -> bool:
        """True the first time an id is seen; False for a replay."""
        with self.postgres.transaction() as cur:
            if random.randrange(self.PURGE_ONE_IN) == 0:
                cur.execute("DELETE FROM wecoza_sidecar.seen_requests "
                            "WHERE seen_at < now() - make_interval(secs => %s)", (2 * self.window,))
            cur.execute("INSERT INTO wecoza_sidecar.seen_requests (request_id) VALUES (%s) "
                        "ON CONFLICT DO NOTHING RETURNING 1", (request_id,))
            return cur.fetchone() is not None
