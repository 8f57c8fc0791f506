"""The replay store for signed shim requests, shared through PostgreSQL by every worker and host."""
from __future__ import annotations

import random

from wp_bridge.channel import replay_expiry


class PostgresReplayStore:
    PURGE_ONE_IN = 200

    def __init__(self, postgres, window: int):
        self.postgres = postgres
        self.window = window

    def add(self, request_id: str, now: float, sent_at: int) -> bool:
        """True the first time an id is seen; False for a replay. The id is kept until its signed
        timestamp is stale on every host (``replay_expiry``), whatever the clock of the host that saw it."""
        with self.postgres.transaction() as cur:
            if random.randrange(self.PURGE_ONE_IN) == 0:
                self.purge(cur)
            cur.execute("INSERT INTO wecoza_sidecar.seen_requests (request_id, expires_at) "
                        "VALUES (%s, to_timestamp(%s)) ON CONFLICT DO NOTHING RETURNING 1",
                        (request_id, replay_expiry(sent_at, self.window)))
            return cur.fetchone() is not None

    @staticmethod
    def purge(cur) -> None:
        cur.execute("DELETE FROM wecoza_sidecar.seen_requests WHERE expires_at < now()")
