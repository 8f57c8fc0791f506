"""The learner forms' dropdown data (docs/contracts/learners.md#dropdown-data), cached in the worker process.

Lookup tables hold no personal data. They are cached per process for ``TTL`` seconds (the
reference kept them 15 minutes in transients). No sidecar action writes these tables, so an edit
made in the database shows within ``TTL`` seconds.
"""
from __future__ import annotations

import time

from wp_bridge.ttlcache import TTLCache

from . import queries

CACHE_KEY = "learners.dropdown_data"
TTL = 300.0


def _items(rows):
    return [{"id": row["id"], "name": row["name"]} for row in rows]


def load(cur) -> dict:
    levels = queries.placement_levels(cur)
    return {
        "cities": _items(queries.cities(cur)),
        "provinces": _items(queries.provinces(cur)),
        "qualifications": _items(queries.qualifications(cur)),
        "employers": _items(queries.employers(cur)),
        "placement_levels": {
            # split by the level's first letter, case-sensitively, as the reference did
            "numeracy_levels": _items(r for r in levels if (r["name"] or "").startswith("N")),
            "communication_levels": _items(r for r in levels if (r["name"] or "").startswith("C")),
        },
    }


def dropdown_data(ctx, clock=time.monotonic) -> dict:
    """``clock``: the clock of the cache, when this call is the worker's first."""
    cache = TTLCache.kept_in(ctx.services.caches, CACHE_KEY, TTL, clock)
    return cache.get(None, lambda: _load_in_transaction(ctx))


def _load_in_transaction(ctx) -> dict:
    with ctx.transaction() as unit:
        return load(unit.cursor)
