"""What a killed test or bench run leaves behind, stopped and removed by the next run.

A run killed outright (SIGKILL, a CI job's timeout) runs no atexit handler and no fixture teardown: its database
servers, WordPress, sidecars and nginx go on in sessions of their own, and their folders stay. So every test session
and bench run keeps a ledger (``start_ledger()``), a file in the temp directory named after the run's process and its
start time, of the process groups, processes and folders it starts. ``sweep()``, at the start of the next run, stops
what the ledger of a run that is gone names and removes its folders. A run still alive is never touched, and a
process is signalled only while it still has the start time recorded for it (a pid the system gave to another
process since is left alone). A run that ends normally removes its own ledger.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from .processes import group_members, proc_stat

LEDGER_NAME = re.compile(r"wecoza-run-(\d+)-(\d+)\.ledger")
# The only folders a run records (devstack/servers.py, bench/stack.py): anything else named in a ledger, such as a
# path cut short by the kill, is never removed.
FOLDER_PREFIXES = ("wecoza-test-", "wecoza-bench-")
_lock = threading.Lock()
_own: Path | None = None


def start_ticks(pid: int) -> int | None:
    stat = proc_stat(pid)
    return None if stat is None else stat[2]


def ledger_path(directory: Path, pid: int, started: int) -> Path:
    return directory / f"wecoza-run-{pid}-{started}.ledger"


def start_ledger() -> Path | None:
    """Keep a ledger for this process from now on (a test session, a bench run; the demo, whose servers are meant to
    outlive it, keeps none); removed when the process ends normally. None where /proc cannot tell this process's
    start time: a ledger whose run could not be told from a later one would be swept while the run goes on."""
    global _own
    with _lock:
        started = start_ticks(os.getpid())
        if _own is None and started is not None:
            _own = ledger_path(Path(tempfile.gettempdir()), os.getpid(), started)
            atexit.register(_own.unlink, missing_ok=True)
        return _own


def _write(line: str) -> None:
    with _lock:
        if _own is not None:
            with open(_own, "a") as out:
                out.write(line + "\n")


def record_group(pgid: int) -> None:
    """A process group this run started (``devstack.processes.spawn``): its leader's pid is the group's id."""
    _write(f"group {pgid} {start_ticks(pgid) or 0}")


def record_process(pid: int) -> None:
    """A server this run started that runs on its own (a postmaster forked by pg_ctl, mariadbd)."""
    _write(f"process {pid} {start_ticks(pid) or 0}")


def record_folder(path: Path) -> None:
    _write(f"folder {path}")


def sweep(directory: Path | None = None) -> list[str]:
    """Stop and remove what the ledgers of ended runs in ``directory`` (the temp directory) name; returns what was
    done, one line each."""
    directory = Path(directory or tempfile.gettempdir())
    done: list[str] = []
    for ledger in sorted(directory.glob("wecoza-run-*.ledger")):
        match = LEDGER_NAME.fullmatch(ledger.name)
        if match is None or start_ticks(int(match[1])) == int(match[2]):
            continue  # not a ledger of ours, or its run is still going
        try:
            entries = [line.partition(" ")[::2] for line in ledger.read_text().splitlines()]
        except OSError:
            continue
        for kind, rest in entries:  # the servers first: a folder goes once nothing writes to it
            ids = rest.split()
            if kind in ("group", "process") and len(ids) == 2 and all(part.isdigit() for part in ids):
                stop = _kill_group if kind == "group" else _stop_process  # a line cut short by the kill is skipped
                if stop(int(ids[0]), int(ids[1])):
                    done.append(f"stopped {kind} {ids[0]}")
        for kind, rest in entries:
            if kind == "folder" and Path(rest).name.startswith(FOLDER_PREFIXES) and Path(rest).exists():
                shutil.rmtree(rest, ignore_errors=True)
                done.append(f"removed {rest}")
        ledger.unlink(missing_ok=True)
    return done


def _kill_group(pgid: int, started: int) -> bool:
    leader = start_ticks(pgid)
    if leader is not None and leader != started:
        return False  # the pid is another process's now; while it leads a group, ours is gone
    if leader is None and not group_members(pgid):
        return False  # no member left: a group id is never reused while the group has one
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def _stop_process(pid: int, started: int, grace: float = 10.0) -> bool:
    """SIGTERM (a postmaster or mariadbd then shuts down cleanly), SIGKILL after ``grace`` seconds."""
    if not _running(pid, started):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while _running(pid, started):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.05)
    except ProcessLookupError:
        pass
    return True


def _running(pid: int, started: int) -> bool:
    """The recorded process is still there and not a zombie."""
    stat = proc_stat(pid)
    return stat is not None and stat[2] == started and stat[0] != "Z"
