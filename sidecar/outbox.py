"""Domain events, written to ``wecoza_sidecar.outbox`` in the transaction of the change."""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from psycopg2.extras import Json

from .phpjson import php_json_encode


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    payload: dict

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "payload": self.payload}


def record(cur, name: str, payload: dict, user_id: int | None, deliver_after: int = 0) -> Event:
    """Write the event; the dispatcher leaves it alone for ``deliver_after`` seconds,
    the time the shim has to fire it inline and acknowledge it."""
    event_id = str(uuid.uuid4())
    full = dict(payload)
    full.update({
        "event_id": event_id,
        "user_id": user_id or 0,
        "time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
    cur.execute("INSERT INTO wecoza_sidecar.outbox (id, name, payload, next_attempt_at) "
                "VALUES (%s, %s, %s, now() + make_interval(secs => %s))",
                (event_id, name, Json(full, dumps=php_json_encode), deliver_after))
    return Event(event_id, name, full)


def mark_delivered(cur, ids: list[str], via: str) -> int:
    if not ids:
        return 0
    cur.execute("UPDATE wecoza_sidecar.outbox SET delivered_at = now(), delivered_via = %s, last_error = NULL "
                "WHERE id = ANY(%s::uuid[]) AND delivered_at IS NULL", (via, ids))
    return cur.rowcount
