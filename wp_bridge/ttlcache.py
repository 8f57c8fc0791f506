"""A small thread-safe cache whose entries expire ``ttl`` seconds (of ``clock``) after they were loaded."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, MutableMapping
from typing import Generic, TypeVar

V = TypeVar("V")


class TTLCache(Generic[V]):
    """``get(key, load)`` answers the kept value while it is younger than ``ttl``, else keeps and answers
    ``load()``. ``single_flight``: one thread loads an expired key while the others wait for its value
    (for loads that need nothing a waiting thread may hold, such as a pooled connection)."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic, *, single_flight: bool = False):
        self.ttl = ttl
        self.clock = clock
        self._single_flight = single_flight
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()

    @classmethod
    def kept_in(cls, store: MutableMapping, name: str, ttl: float,
                clock: Callable[[], float] = time.monotonic) -> TTLCache:
        """The cache kept in ``store`` (such as the sidecar's per-worker ``services.caches``) under ``name``,
        created on first use with ``ttl`` and ``clock``."""
        cache = store.get(name)
        if cache is None:
            cache = store.setdefault(name, cls(ttl, clock))
        return cache

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        found = self._fresh(key)
        if found is not None:
            return found[1]
        if not self._single_flight:
            return self._store(key, load)
        with self._load_lock:
            found = self._fresh(key)
            return found[1] if found is not None else self._store(key, load)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _fresh(self, key: Hashable) -> tuple[float, V] | None:
        entry = self._entries.get(key)
        if entry is not None and self.clock() - entry[0] < self.ttl:
            return entry
        return None

    def _store(self, key: Hashable, load: Callable[[], V]) -> V:
        loaded_at = self.clock()
        value = load()
        with self._lock:
            self._entries[key] = (loaded_at, value)
        return value
