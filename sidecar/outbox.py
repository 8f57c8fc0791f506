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


def status(cur, limit: int = 20) -> dict:
    """Backlog counts and the latest failing and parked events (no payloads: they stay in PostgreSQL)."""
    cur.execute("SELECT count(*) FILTER (WHERE parked_at IS NULL) AS pending, "
                "count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked, "
                "min(created_at) FILTER (WHERE parked_at IS NULL) AS oldest_pending "
                "FROM wecoza_sidecar.outbox WHERE delivered_at IS NULL")
    counts = cur.fetchone()
    columns = "id::text AS id, name, attempts, last_error, created_at, next_attempt_at, parked_at"
    cur.execute(f"SELECT {columns} FROM wecoza_sidecar.outbox WHERE delivered_at IS NULL AND parked_at IS NOT NULL "
                "ORDER BY parked_at DESC LIMIT %s", (limit,))
    parked = cur.fetchall()
    cur.execute(f"SELECT {columns} FROM wecoza_sidecar.outbox WHERE delivered_at IS NULL AND parked_at IS NULL "
                "AND attempts > 0 ORDER BY next_attempt_at LIMIT %s", (limit,))
    failing = cur.fetchall()

    def rows(items):
        return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in item.items()} for item in items]

    oldest = counts["oldest_pending"]
    return {"pending": counts["pending"], "parked": counts["parked"],
            "oldest_pending": oldest.isoformat() if oldest else None,
            "parked_events": rows(parked), "failing_events": rows(failing)}
