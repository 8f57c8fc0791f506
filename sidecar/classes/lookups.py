"""Class types and subjects (``class_types``, ``class_type_subjects``), cached in process.

The cache lives in ``services.caches`` (one per worker process). An entry is served for up to
``TTL`` seconds, but at most every ``RECHECK`` seconds a fingerprint of both tables (an md5 over
their rows, one cheap query) is compared with the one the entry was built from; a change in
either table drops every entry, so an edit made in the database shows within ``RECHECK``
seconds in every worker. No sidecar action writes these tables.
"""
from __future__ import annotations

import threading
import time

from wp_bridge.ttlcache import TTLCache

CACHE_KEY = "classes.lookups"
TTL = 2 * 3600          # the reference's transient lifetime
RECHECK = 30
MAX_TYPE_CODE = 20      # the reference answers nothing for longer codes

FINGERPRINT_SQL = """
    SELECT md5(coalesce((SELECT string_agg(t::text, '|' ORDER BY t.class_type_id) FROM public.class_types t), '')
           || '#' ||
           coalesce((SELECT string_agg(s::text, '|' ORDER BY s.class_type_subject_id)
                       FROM public.class_type_subjects s), '')) AS fingerprint
"""

_lock = threading.Lock()


class _Cache:
    def __init__(self, clock):
        self.fingerprint = None
        self.checked_at = float("-inf")
        self.entries: TTLCache = TTLCache(TTL, clock)


def _cache(services, clock) -> _Cache:
    cache = services.caches.get(CACHE_KEY)
    if cache is None:
        cache = services.caches.setdefault(CACHE_KEY, _Cache(clock))
    return cache


def cached(services, cur, key, build, clock=time.monotonic):
    """The value for ``key``, built with ``build(cur)`` when missing, stale or the tables changed.
    ``clock``: the clock of the cache, when this call is the worker's first."""
    cache = _cache(services, clock)
    now = cache.entries.clock()
    if now - cache.checked_at >= RECHECK:
        cur.execute(FINGERPRINT_SQL)
        fingerprint = cur.fetchone()["fingerprint"]
        with _lock:
            if fingerprint != cache.fingerprint:
                cache.entries.clear()
                cache.fingerprint = fingerprint
            cache.checked_at = now
    return cache.entries.get(key, lambda: build(cur))


def class_types(cur) -> list[dict]:
    """Active types by display order: ``[{id, name, mode, progression_hours}]``."""
    cur.execute("SELECT class_type_code, class_type_name, subject_selection_mode, progression_total_hours "
                "FROM public.class_types WHERE is_active IS TRUE ORDER BY display_order, class_type_id")
    return [{"id": r["class_type_code"], "name": r["class_type_name"], "mode": r["subject_selection_mode"],
             "progression_hours": r["progression_total_hours"]} for r in cur.fetchall()]


def subjects_for(cur, type_code: str) -> list[dict]:
    """``[{id, name, duration}]`` for an active type: its own subjects, every active subject
    (``all_subjects``, one entry per code), or the ``LP`` pseudo-subject (``progression``)."""
    cur.execute("SELECT class_type_id, subject_selection_mode, progression_total_hours FROM public.class_types "
                "WHERE class_type_code = %s AND is_active IS TRUE", (type_code,))
    kind = cur.fetchone()
    if kind is None:
        return []
    mode = kind["subject_selection_mode"]
    if mode == "progression":
        return [{"id": "LP", "name": "Learner Progression", "duration": kind["progression_total_hours"]}]
    if mode == "all_subjects":
        cur.execute("SELECT s.subject_code, s.subject_name, s.subject_duration FROM public.class_type_subjects s "
                    "JOIN public.class_types t ON t.class_type_id = s.class_type_id "
                    "WHERE s.is_active IS TRUE AND t.is_active IS TRUE "
                    "ORDER BY t.display_order, t.class_type_id, s.display_order, s.class_type_subject_id")
    else:
        cur.execute("SELECT subject_code, subject_name, subject_duration FROM public.class_type_subjects "
                    "WHERE class_type_id = %s AND is_active IS TRUE ORDER BY display_order, class_type_subject_id",
                    (kind["class_type_id"],))
    subjects, seen = [], set()
    for row in cur.fetchall():
        if row["subject_code"] in seen:
            continue
        seen.add(row["subject_code"])
        subjects.append({"id": row["subject_code"], "name": row["subject_name"], "duration": row["subject_duration"]})
    return subjects
