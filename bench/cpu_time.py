"""CPU time by process group, from the kernel's per-thread accounting (``/proc/<pid>/task/<tid>/schedstat``: time on
a CPU, in nanoseconds).

Where a request's wall time on a shared machine is noisy (the PHP paths drift by a millisecond or two from run to
run), the CPU each process spent on it is not: it says what the hop is made of (WordPress's own PHP, the sidecar,
MariaDB, PostgreSQL, the client and its proxy) and whether a change made any of it cheaper. Linux only; threads
that end between two snapshots take their time with them (the servers measured keep theirs), and a process that ends
passes its time to its parent only once reaped, counted in clock ticks (10 ms).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

PROC = Path("/proc")


NS_PER_TICK = 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def thread_cpu_ns(pid: int) -> int:
    """CPU time of every thread of ``pid`` so far, with that of the children it has reaped (a database server's ended
    connections), 0 when it has gone."""
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()
    total = (int(fields[13]) + int(fields[14])) * NS_PER_TICK  # cutime, cstime: reaped children, in clock ticks
    for task in tasks:
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


def parents() -> dict[int, int]:
    """{pid: parent pid} of every process."""
    out = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # the command name sits in parentheses and may hold spaces: the fields after it are fixed
            out[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    return out


def with_descendants(roots: Iterable[int]) -> set[int]:
    family = {pid for pid in roots if pid}
    tree = parents()
    grew = True
    while grew:
        grew = False
        for pid, parent in tree.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return family


def named(*names: str) -> set[int]:
    """Processes whose command name is one of ``names`` (a server the bench did not start, found by its name)."""
    out = set()
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    out.add(int(entry.name))
            except OSError:
                continue
    return out


class CpuMeter:
    """CPU time per named group of processes. ``groups`` maps a name to a function giving its pids, called at each
    snapshot (so processes started since, such as a new database backend, are counted); ``own`` names the group of
    the measuring process itself, whose time excludes what the snapshots cost it."""

    def __init__(self, groups: Mapping[str, Callable[[], set[int]]], own: str):
        self.groups = dict(groups)
        self.own = own

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """{group: (time when the snapshot began, time when it ended)}: the same for every group but the own one."""
        began = time.process_time_ns()
        taken = {name: (ns, ns) for name, ns in
                 ((name, sum(thread_cpu_ns(pid) for pid in pids())) for name, pids in self.groups.items())}
        taken[self.own] = (began, time.process_time_ns())
        return taken

    @staticmethod
    def spent(before: Mapping[str, tuple[int, int]], after: Mapping[str, tuple[int, int]]) -> dict[str, int]:
        """CPU ns of each group between the end of ``before`` and the beginning of ``after``."""
        return {name: after[name][0] - before[name][1] for name in after}
