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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from devstack.processes import stat_fields

PROC = Path("/proc")
NS_PER_TICK = 1_000_000_000 // os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Process:
    ppid: int
    comm: str
    reaped_ns: int  # cutime + cstime: the children it has reaped (a database server's ended connections)


def stat_of(pid: int) -> Process | None:
    """``/proc/<pid>/stat``, or None when the process has gone."""
    stat = stat_fields(pid)
    if stat is None:
        return None
    comm, fields = stat
    return Process(int(fields[1]), comm, (int(fields[13]) + int(fields[14])) * NS_PER_TICK)


def process_table() -> dict[int, Process]:
    """Every process, read once per snapshot."""
    table = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (process := stat_of(int(entry.name))) is not None:
            table[int(entry.name)] = process
    return table


def cpu_ns(pid: int, process: Process) -> int:
    """CPU time of every thread of ``pid`` so far, with that of the children it has reaped; 0 when it has gone."""
    total = process.reaped_ns
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return 0
    for task in tasks:
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


def with_descendants(*roots: int) -> Callable[[Mapping[int, Process]], set[int]]:
    """A group: the ``roots`` and every process under them."""
    def pids(table: Mapping[int, Process]) -> set[int]:
        family = set(roots)
        grew = True
        while grew:
            grew = False
            for pid, process in table.items():
                if process.ppid in family and pid not in family:
                    family.add(pid)
                    grew = True
        return family & table.keys()
    return pids


def named(*names: str) -> Callable[[Mapping[int, Process]], set[int]]:
    """A group: the processes whose command name is one of ``names`` (a server the bench did not start)."""
    return lambda table: {pid for pid, process in table.items() if process.comm in names}


class CpuMeter:
    """CPU time per named group of processes. ``groups`` maps a name to a function choosing its pids from the process
    table, read anew at each snapshot (so processes started since, such as a new database backend, are counted);
    ``own`` names the group of the measuring process itself, whose time excludes what the snapshots cost it."""

    def __init__(self, groups: Mapping[str, Callable[[Mapping[int, Process]], set[int]]], own: str):
        self.groups = dict(groups)
        self.own = own

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """{group: (time when the snapshot began, time when it ended)}: the same for every group but the own one."""
        began = time.process_time_ns()
        table = process_table()
        taken = {}
        for name, choose in self.groups.items():
            ns = sum(cpu_ns(pid, table[pid]) for pid in choose(table))
            taken[name] = (ns, ns)
        taken[self.own] = (began, time.process_time_ns())
        return taken

    @staticmethod
    def spent(before: Mapping[str, tuple[int, int]], after: Mapping[str, tuple[int, int]]) -> dict[str, int]:
        """CPU ns of each group between the end of ``before`` and the beginning of ``after``."""
        return {name: after[name][0] - before[name][1] for name in after}
