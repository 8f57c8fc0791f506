"""The learner forms' dropdown data (docs/contracts/learners.md#dropdown-data), cached in the worker process.

Lookup tables hold no personal data. They are cached per process for ``TTL`` seconds (the
reference kept them 15 minutes in transients). No sidecar action writes these tables, so an edit
made in the database shows within ``TTL`` seconds.
"""
from __future__ import annotations

import threading
import time

from . import queries

CACHE_KEY = "learners.dropdown_data"
TTL = 300.0
_lock = threading.Lock()


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
    caches = ctx.services.caches
    now = clock()
    cached = caches.get(CACHE_KEY)
    if cached is not None and cached[0] > now:
        return cached[1]
    with ctx.transaction() as unit:
        data = load(unit.cursor)
    with _lock:
        caches[CACHE_KEY] = (now + TTL, data)
    return data
