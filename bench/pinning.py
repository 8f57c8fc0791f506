"""Processes held to CPUs for one pass of a benchmark (a diagnostic, never a setting of the product).

On this machine's 2 cores, WordPress's PHP shares its core with the sidecar, MariaDB and PostgreSQL while an early read
is answered beside it, and the scheduler moves it between them. Holding WordPress to one core and the sidecars to the
other measures what the same code costs when each has a core of its own, as on a host with cores to spare. Every
thread of every process of a group is held (as ``taskset -a``); threads and processes started meanwhile inherit it.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence

from bench.cpu_time import PROC, process_table, with_descendants


def threads_of(pids: set[int]) -> list[int]:
    tids = []
    for pid in pids:
        with contextlib.suppress(OSError):
            tids += [int(task.name) for task in (PROC / str(pid) / "task").iterdir()]
    return tids


def hold(pids: set[int], cpus: set[int]) -> None:
    for tid in threads_of(pids):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            os.sched_setaffinity(tid, cpus)


@contextlib.contextmanager
def pinned(*sides: Sequence[int]) -> Iterator[None]:
    """Each side's root pids and their descendants held to a CPU of their own (the first side to the first CPU this
    process may use, and so on), given back every CPU afterwards."""
    every_cpu = os.sched_getaffinity(0)
    cpus = sorted(every_cpu)
    if len(sides) > len(cpus):
        raise ValueError(f"{len(sides)} sides for {len(cpus)} CPUs")
    table = process_table()
    try:
        for cpu, roots in zip(cpus[:len(sides)], sides, strict=True):
            hold(with_descendants(*roots)(table), {cpu})
        yield
    finally:
        table = process_table()
        for roots in sides:
            hold(with_descendants(*roots)(table), every_cpu)


def can_pin(sides: int = 2) -> bool:
    """Enough CPUs for this process to give each side one."""
    return len(os.sched_getaffinity(0)) >= sides
