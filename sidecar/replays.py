"""The replay store for signed shim requests, shared through PostgreSQL by every worker and host.

A forwarded request's id is not recorded on its own round trip: it is a ``Claim`` whose insert travels in front of
the request's first statement, in the same transaction (``ActionContext.transaction``). The id's row is the
primary key of ``seen_requests``, so a second request with the same id fails on it, whichever worker or host
runs it; one still in flight holds the row, so the second waits for the first to commit (refused) or roll back.

A write that fails takes its claim with it: the id records that the request took effect, and a failed write
took none. A resend of that same signed request (only within the signature window) can then run once, never
twice, because a success commits the id with the change; this is what makes a resend after a lost answer safe.
Keeping the id of a failed write would need a commit of its own, outside the write's transaction.

The table is logged, so a committed claim survives a crash of PostgreSQL and a failover to a standby, as the write
it came with does. A claim committed with nothing else written (a read, a request that sent no statement) does not
wait for its commit's WAL flush (``synchronous_commit`` off for that transaction alone): a durable commit waits for
the disk and any synchronous standby, on a managed database often longer than the read's whole round trip, and the
legacy plugin's reads wait for none. The claim is seen by every other transaction the moment it commits, so replays
are refused as before; a crash can lose only the read claims of its last moments (at most three times
``wal_writer_delay``, 600 ms by default), and a resend of one of those reads within the signature window would run
the read again, which changes nothing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import psycopg2.errors

from wp_bridge.channel import ChannelError, replay_expiry

CLAIM = ("INSERT INTO wecoza_sidecar.seen_requests (request_id, expires_at) VALUES (%s, to_timestamp(%s))")
# Folded into a claim now and then; SKIP LOCKED: rows another transaction is deleting are left to it, so a
# purge never waits, and a long write holding a purge's locks never holds up another request.
PURGE_FOLDED = ("DELETE FROM wecoza_sidecar.seen_requests WHERE request_id IN (SELECT request_id FROM "
                "wecoza_sidecar.seen_requests WHERE expires_at < now() FOR UPDATE SKIP LOCKED)")
PRIMARY_KEY = "seen_requests_pkey"
# For the transaction it is sent in alone; PostgreSQL reads it when that transaction commits.
COMMIT_WITHOUT_FLUSH = "SELECT set_config('synchronous_commit', 'off', true)"


class ReplayedRequest(ChannelError):
    """The request id was seen before (committed by another request): the request is refused, nothing ran."""

    def __init__(self):
        super().__init__("replayed_request_id")


class PostgresReplayStore:
    PURGE_ONE_IN = 200

    def __init__(self, postgres, window: int):
        self.postgres = postgres
        self.window = window

    def add(self, request_id: str, now: float, sent_at: int) -> bool:
        """True the first time an id is seen; False for a replay. The id is kept until its signed
        timestamp is stale on every host (``replay_expiry``), whatever the clock of the host that saw it.
        On its own round trip: for the signed messages that run no action (events/ack, status, retry)."""
        with self.postgres.transaction() as cur:
            if random.randrange(self.PURGE_ONE_IN) == 0:
                self.purge(cur)
            cur.execute(CLAIM + " ON CONFLICT DO NOTHING RETURNING 1",
                        (request_id, replay_expiry(sent_at, self.window)))
            return cur.fetchone() is not None

    def claim(self, request_id: str, sent_at: int) -> Claim:
        return Claim(self, request_id, replay_expiry(sent_at, self.window))

    @staticmethod
    def purge(cur) -> None:
        cur.execute("DELETE FROM wecoza_sidecar.seen_requests WHERE expires_at < now()")


@dataclass
class Claim:
    """A verified request's id, to be recorded with the request's first statement (or alone, see ``settle``)."""

    store: PostgresReplayStore
    request_id: str
    expires_at: int
    attached: bool = False  # handed to a transaction: committed or rolled back with it
    replayed: bool = False

    def held_statements(self, alone: bool = False) -> list[tuple]:
        """What a transaction sends in front of its first statement: the claim (once per request). ``alone``: the
        transaction writes nothing but the claim (a read), so its commit need not wait for the WAL flush."""
        if self.attached:
            return []
        self.attached = True
        held = [(CLAIM, (self.request_id, self.expires_at), self._refusal)]
        if alone:
            held.append((COMMIT_WITHOUT_FLUSH, None, None))
        if random.randrange(self.store.PURGE_ONE_IN) == 0:
            held.insert(0, (PURGE_FOLDED, None, None))
        return held

    def unsent(self) -> None:
        """The transaction it was handed to failed before sending anything: nothing was recorded or rolled back,
        so the request's next transaction carries it, or ``settle`` records it alone."""
        self.attached = False

    def settle(self) -> None:
        """Record the id alone when the request sent no statement (a refusal, an action without PostgreSQL):
        every verified request id is recorded unless its write failed. Raises ReplayedRequest for a replay."""
        if not self.attached:
            with self.store.postgres.transaction(held=self.held_statements(alone=True), statement_by_statement=True):
                pass

    def _refusal(self, exc) -> ReplayedRequest | None:
        if isinstance(exc, psycopg2.errors.UniqueViolation) and exc.diag.constraint_name == PRIMARY_KEY:
            self.replayed = True
            return ReplayedRequest()
        return None
