"""Domain events in ``wecoza_sidecar.outbox``: every statement about the table is here.

An event is recorded in the transaction of the change. The shim fires it inline and acknowledges it; what
it does not acknowledge within ``[dispatch] delay`` the dispatcher delivers: it claims a batch with a lease
(one short transaction), POSTs it with no transaction open, then records the result in another short one.
A dispatcher that dies mid-delivery leaves a lease that expires, and the events are claimed again.

The backlog is the events still to be delivered: neither delivered nor parked. Parked events (after
``[dispatch] max_attempts`` failures) wait for an operator, not for the dispatcher, and are counted apart.
"""
from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass

from psycopg2.extras import Json

from .phpjson import php_json_encode

log = logging.getLogger("wecoza.sidecar.dispatch")

MAX_BACKOFF = 3600  # seconds between attempts, at most
# The shim remembers the ids it fired this long (WeCoza_Sidecar_Event_Store::KEEP_EVENTS_DAYS) and fires an id only
# once within it. An older event may have fired already, inline, with its acknowledgement lost: it is parked, not
# delivered, a day before that memory ends.
SHIM_REMEMBERS_DAYS = 30
DELIVERED_WITHIN_DAYS = SHIM_REMEMBERS_DAYS - 1
TOO_OLD = (f"not delivered: recorded more than {DELIVERED_WITHIN_DAYS} days ago, and WordPress forgets after "
           f"{SHIM_REMEMBERS_DAYS} which events it fired, so it could fire this one twice; a retry parks it again")
PRUNE_BATCH = 5000  # delivered rows deleted per statement, so no delete holds its locks for long

UNDELIVERED = "delivered_at IS NULL"
WAITING = "delivered_at IS NULL AND parked_at IS NULL"  # the backlog
PARKED = "delivered_at IS NULL AND parked_at IS NOT NULL"


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    payload: dict

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "payload": self.payload}


@dataclass(frozen=True)
class Backlog:
    pending: int                                  # waiting for delivery
    parked: int                                   # given up on until retried
    oldest_pending: datetime.datetime | None      # when the oldest waiting event was recorded
    oldest_pending_seconds: float                 # its age (0 when none waits)


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
    """Record delivery (``via`` "inline" for the shim's acknowledgement, "dispatch" for the dispatcher's)
    of those not delivered yet; the number recorded."""
    if not ids:
        return 0
    cur.execute("UPDATE wecoza_sidecar.outbox SET delivered_at = now(), delivered_via = %s, last_error = NULL, "
                f"leased_until = NULL WHERE id = ANY(%s::uuid[]) AND {UNDELIVERED}", (via, ids))
    return cur.rowcount


def claim(postgres, batch: int, lease_seconds: float) -> list[dict]:
    """Up to ``batch`` due events, oldest first, leased to the caller for ``lease_seconds``: no other
    dispatcher claims them until the lease ends. Its own short transaction, in which the waiting events too old
    to deliver (``DELIVERED_WITHIN_DAYS``) are parked first."""
    with postgres.transaction() as cur:
        park_too_old(cur)
        cur.execute(
            "UPDATE wecoza_sidecar.outbox SET leased_until = now() + make_interval(secs => %s) "
            "WHERE id IN (SELECT id FROM wecoza_sidecar.outbox "
            f"WHERE {WAITING} AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until <= now()) "
            "ORDER BY created_at, id LIMIT %s FOR UPDATE SKIP LOCKED) "
            "RETURNING id::text AS id, name, payload, attempts, created_at",
            (lease_seconds, batch))
        rows = cur.fetchall()
    return sorted(rows, key=lambda r: (r["created_at"], r["id"]))


def park_too_old(cur) -> list[dict]:
    """Park the waiting events recorded more than ``DELIVERED_WITHIN_DAYS`` ago (a retried one among them): each as
    {id, name}."""
    cur.execute(f"UPDATE wecoza_sidecar.outbox SET parked_at = now(), leased_until = NULL, last_error = %s "
                f"WHERE {WAITING} AND created_at < now() - make_interval(days => %s) "
                "RETURNING id::text AS id, name", (TOO_OLD, DELIVERED_WITHIN_DAYS))
    rows = cur.fetchall()
    for row in rows:
        log.error("[WeCoza Core] event %s (%s) parked: %s", row["id"], row["name"], TOO_OLD)
    return rows


def delivered(cur, ids: list[str]) -> int:
    """After a delivery WordPress acknowledged: the attempt counts, and the events are done."""
    if not ids:
        return 0
    cur.execute("UPDATE wecoza_sidecar.outbox SET delivered_at = now(), delivered_via = 'dispatch', "
                "attempts = attempts + 1, last_error = NULL, leased_until = NULL "
                f"WHERE id = ANY(%s::uuid[]) AND {UNDELIVERED}", (ids,))
    return cur.rowcount


def failed(cur, ids: list[str], error: str, max_attempts: int) -> list[dict]:
    """After a delivery that failed: another attempt after 2^attempts seconds (at most ``MAX_BACKOFF``), or
    parked once ``max_attempts`` are spent. Each event as {id, name, attempts, parked}."""
    if not ids:
        return []
    cur.execute(
        "UPDATE wecoza_sidecar.outbox SET attempts = attempts + 1, last_error = %(error)s, leased_until = NULL, "
        "parked_at = CASE WHEN attempts + 1 >= %(max)s THEN now() END, "
        "next_attempt_at = CASE WHEN attempts + 1 >= %(max)s THEN next_attempt_at "
        "ELSE now() + make_interval(secs => least(%(backoff)s, power(2, attempts + 1))) END "
        f"WHERE id = ANY(%(ids)s::uuid[]) AND {UNDELIVERED} "
        "RETURNING id::text AS id, name, attempts, parked_at IS NOT NULL AS parked",
        {"error": error, "max": max_attempts, "backoff": MAX_BACKOFF, "ids": ids})
    return cur.fetchall()


def retry_parked(cur, ids: list[str] | None = None) -> int:
    """Give parked events (all, or those of ``ids``) a fresh set of attempts."""
    sql = (f"UPDATE wecoza_sidecar.outbox SET parked_at = NULL, attempts = 0, next_attempt_at = now(), "
           f"leased_until = NULL WHERE {PARKED}")
    args: tuple = ()
    if ids:
        sql += " AND id = ANY(%s::uuid[])"
        args = (ids,)
    cur.execute(sql, args)
    return cur.rowcount


def prune(postgres, retention_days: int) -> int:
    """Delete events delivered more than ``retention_days`` ago (0 keeps every one); the number deleted."""
    if retention_days <= 0:
        return 0
    deleted = 0
    while True:
        with postgres.transaction() as cur:
            cur.execute("DELETE FROM wecoza_sidecar.outbox WHERE id IN (SELECT id FROM wecoza_sidecar.outbox "
                        "WHERE delivered_at < now() - make_interval(days => %s) LIMIT %s)",
                        (retention_days, PRUNE_BATCH))
            deleted += cur.rowcount
            if cur.rowcount < PRUNE_BATCH:
                return deleted


def backlog(cur) -> Backlog:
    cur.execute(f"SELECT count(*) FILTER (WHERE {WAITING}) AS pending, count(*) FILTER (WHERE {PARKED}) AS parked, "
                f"min(created_at) FILTER (WHERE {WAITING}) AS oldest, "
                f"coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE {WAITING})), 0) AS age "
                f"FROM wecoza_sidecar.outbox WHERE {UNDELIVERED}")
    row = cur.fetchone()
    return Backlog(row["pending"], row["parked"], row["oldest"], float(row["age"]))


def read_backlog(postgres) -> Backlog | None:
    """The backlog, or None when PostgreSQL does not answer (the backlog is informational)."""
    try:
        with postgres.transaction() as cur:
            return backlog(cur)
    except Exception:  # noqa: BLE001 - /readyz and /metrics answer while PostgreSQL is down
        return None


def status(cur, limit: int = 20) -> dict:
    """The backlog and the latest failing and parked events (no payloads: they stay in PostgreSQL)."""
    counts = backlog(cur)
    columns = "id::text AS id, name, attempts, last_error, created_at, next_attempt_at, parked_at"
    cur.execute(f"SELECT {columns} FROM wecoza_sidecar.outbox WHERE {PARKED} ORDER BY parked_at DESC LIMIT %s",
                (limit,))
    parked = cur.fetchall()
    cur.execute(f"SELECT {columns} FROM wecoza_sidecar.outbox WHERE {WAITING} AND attempts > 0 "
                "ORDER BY next_attempt_at LIMIT %s", (limit,))
    failing = cur.fetchall()

    def rows(items):
        return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in item.items()} for item in items]

    oldest = counts.oldest_pending
    return {"pending": counts.pending, "parked": counts.parked,
            "oldest_pending": oldest.isoformat() if oldest else None,
            "parked_events": rows(parked), "failing_events": rows(failing)}
