"""bench/pinning.py holds every thread of a process tree to a CPU for one pass and gives them every CPU back: the
"cores apart" pass of bench_latency is only a diagnostic if the hold really takes."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench.pinning import can_pin, pinned, threads_of

# A parent with a second thread, and a child process: what the hold must reach besides the root's main thread.
TREE = """
import subprocess, sys, threading, time
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


@pytest.fixture
def tree():
    """(the root's pid, its child's pid), both ended after the test."""
    root = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    child = int(root.stdout.readline())
    try:
        yield root.pid, child
    finally:
        for pid in (child, root.pid):
            os.kill(pid, 9)
        root.wait()


def affinities(pids) -> set[frozenset]:
    return {frozenset(os.sched_getaffinity(tid)) for tid in threads_of(set(pids))}


@pytest.mark.skipif(not can_pin(), reason="needs 2 CPUs (this machine kind has 2)")
def test_every_thread_of_the_tree_is_held_to_its_side_s_cpu_then_given_every_cpu_back(tree):
    every_cpu = frozenset(os.sched_getaffinity(0))
    first, second = sorted(every_cpu)[:2]
    root, child = tree
    time.sleep(0.1)  # the root's second thread started
    assert len(threads_of({root})) >= 2

    with pinned((), (root,)):  # the second side: the second CPU
        assert affinities([root, child]) == {frozenset({second})}
    assert affinities([root, child]) == {every_cpu}

    with pinned((root,)):
        assert affinities([root, child]) == {frozenset({first})}
    assert affinities([root, child]) == {every_cpu}
