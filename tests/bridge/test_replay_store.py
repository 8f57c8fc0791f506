"""Replay protection remembers a request id until its SIGNED timestamp is stale on every host (signed time +
window + a skew margin), in the process cache and in the PostgreSQL store shared by workers and hosts."""
from __future__ import annotations

import time
import uuid

import pytest

from sidecar.db import Postgres
from sidecar.migrate import migrate
from sidecar.replays import PostgresReplayStore
from wp_bridge.channel import ReplayCache, replay_expiry

WINDOW = 300


def test_replay_expiry_is_the_signed_time_plus_the_window_and_a_skew_margin():
    assert replay_expiry(1_000_000, WINDOW) == 1_000_000 + WINDOW + WINDOW


def test_process_cache_keeps_an_id_signed_ahead_of_its_clock():
    cache = ReplayCache(WINDOW)
    now = 1_000_000
    sent_at = now + WINDOW  # the sender's clock is a window ahead: still fresh here
    assert cache.add("a", now, sent_at)
    # Long after "a" was first seen here; another id arrives and makes the cache purge.
    later = now + 2 * WINDOW + 1
    assert cache.add("b", later, later)
    assert not cache.add("a", later, sent_at)  # still remembered: signed time + window + margin is ahead
    assert cache.add("a", replay_expiry(sent_at, WINDOW) + 1, sent_at)  # forgotten once stale everywhere


@pytest.fixture(scope="module")
def store(pg_database):
    postgres = Postgres(lambda: {"host": pg_database.host, "port": pg_database.port, "dbname": pg_database.dbname,
                                 "user": pg_database.user, "password": pg_database.password}, pool_max=2)
    migrate(postgres)
    yield PostgresReplayStore(postgres, WINDOW)
    postgres.close()


def expires_at(store, request_id):
    with store.postgres.transaction() as cur:
        cur.execute("SELECT extract(epoch FROM expires_at)::bigint AS at FROM wecoza_sidecar.seen_requests "
                    "WHERE request_id = %s", (request_id,))
        row = cur.fetchone()
    return row["at"] if row else None


def test_postgres_store_purges_by_signed_time_not_by_first_sighting(store):
    now = int(time.time())
    ahead, stale = f"ahead-{uuid.uuid4().hex}", f"stale-{uuid.uuid4().hex}"
    assert store.add(ahead, now, now + WINDOW)
    assert not store.add(ahead, now, now + WINDOW)
    assert expires_at(store, ahead) == replay_expiry(now + WINDOW, WINDOW)
    assert store.add(stale, now, now - 3 * WINDOW)
    with store.postgres.transaction() as cur:
        # First seen long ago (as by a host whose clock is behind): a purge by sighting time would drop it.
        cur.execute("UPDATE wecoza_sidecar.seen_requests SET seen_at = now() - interval '1 day' "
                    "WHERE request_id IN (%s, %s)", (ahead, stale))
        PostgresReplayStore.purge(cur)
    assert expires_at(store, ahead) is not None
    assert expires_at(store, stale) is None
    assert not store.add(ahead, now, now + WINDOW)
