"""Waiting for a condition another process or thread brings about, with a deadline."""
import time


def wait_until(condition, timeout: float = 10, interval: float = 0.02) -> None:
    """Return once ``condition()`` is true; fail the test (AssertionError) when ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(interval)
