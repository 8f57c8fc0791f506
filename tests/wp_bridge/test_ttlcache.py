"""wp_bridge.ttlcache: values kept for ttl seconds of an injected clock, reloaded after, one loader at a time
when asked."""
import threading
import time

from wp_bridge.ttlcache import TTLCache


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def counting(values):
    calls = []

    def load():
        calls.append(None)
        return values[len(calls) - 1]
    return load, calls


def test_a_value_is_kept_until_ttl_seconds_have_passed_then_reloaded():
    clock = Clock()
    cache = TTLCache(10, clock)
    load, calls = counting(["first", "second"])
    assert cache.get("k", load) == "first"
    clock.now += 9.999
    assert cache.get("k", load) == "first"
    clock.now += 0.001
    assert cache.get("k", load) == "second"
    assert len(calls) == 2


def test_keys_expire_separately_and_none_is_a_value():
    clock = Clock()
    cache = TTLCache(10, clock)
    assert cache.get("a", lambda: None) is None
    clock.now += 5
    assert cache.get("b", lambda: "b") == "b"
    assert cache.get("a", lambda: "reloaded") is None     # a kept None is served, not reloaded
    clock.now += 5
    assert cache.get("a", lambda: "reloaded") == "reloaded"
    assert cache.get("b", lambda: "not yet") == "b"


def test_clear_drops_every_value():
    cache = TTLCache(10, Clock())
    cache.get("a", lambda: 1)
    cache.clear()
    assert cache.get("a", lambda: 2) == 2


def test_a_failed_load_keeps_nothing():
    cache = TTLCache(10, Clock())

    def fail():
        raise RuntimeError("down")
    try:
        cache.get("a", fail)
    except RuntimeError:
        pass
    assert cache.get("a", lambda: "up") == "up"


def test_kept_in_creates_the_cache_once_per_store():
    store: dict = {}
    first = TTLCache.kept_in(store, "name", 10)
    assert TTLCache.kept_in(store, "name", 99) is first and store == {"name": first} and first.ttl == 10


def loads_when_many_threads_ask_at_once(single_flight):
    cache = TTLCache(10, single_flight=single_flight)
    calls, started = [], threading.Barrier(8)

    def load():
        calls.append(None)
        time.sleep(0.05)
        return "value"

    def ask():
        started.wait()
        assert cache.get("k", load) == "value"
    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(calls)


def test_single_flight_loads_an_expired_key_once_for_all_waiting_threads():
    assert loads_when_many_threads_ask_at_once(single_flight=True) == 1


def test_without_single_flight_concurrent_misses_each_load():
    assert loads_when_many_threads_ask_at_once(single_flight=False) > 1
