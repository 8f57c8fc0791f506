"""What a killed run leaves behind is stopped and removed by the next run (devstack/leftovers.py), and nothing else:
a run still going, and a process that took a recorded pid since, are left alone.

The runs here are real child processes with their own temp directory: one is killed with SIGKILL, as a CI timeout
kills a test session, after starting a process group and a process of its own and making a folder."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from devstack import leftovers
from devstack.processes import proc_stat

REPO_ROOT = Path(__file__).resolve().parents[2]

RUN = textwrap.dedent("""
    import os, signal, subprocess, sys
    from pathlib import Path
    from devstack import leftovers
    from devstack.processes import spawn
    leftovers.start_ledger()
    folder = Path(sys.argv[1]) / "wecoza-test-servers-of-the-run"
    folder.mkdir()
    leftovers.record_folder(folder)
    group = spawn(["sleep", "300"], folder / "sleep.log")
    alone = subprocess.Popen(["sleep", "300"], start_new_session=True)
    leftovers.record_process(alone.pid)
    print(group.pid, alone.pid, flush=True)
    if sys.argv[2] == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.read()  # a run still going, until the test lets it end
""")


def alive(pid: int) -> bool:
    stat = proc_stat(pid)
    return stat is not None and stat[0] != "Z"


def gone_within(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def start_run(tmp_path: Path, how: str):
    """A child run with ``tmp_path`` as its temp directory: (its process, the pids of its group and lone process)."""
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(REPO_ROOT)}
    run = subprocess.Popen([sys.executable, "-c", RUN, str(tmp_path), how], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True, env=env, cwd=REPO_ROOT)
    group, alone = (int(pid) for pid in run.stdout.readline().split())
    return run, group, alone


def stop(*pids: int) -> None:
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_what_a_killed_run_started_is_stopped_and_its_folders_removed(tmp_path):
    run, group, alone = start_run(tmp_path, "killed")
    try:
        assert run.wait(30) == -signal.SIGKILL
        assert alive(group) and alive(alone)  # a killed run stops nothing of its own
        [ledger] = tmp_path.glob("wecoza-run-*.ledger")
        done = leftovers.sweep(tmp_path)
        assert sorted(done) == sorted([f"stopped group {group}", f"stopped process {alone}",
                                       f"removed {tmp_path / 'wecoza-test-servers-of-the-run'}"])
        assert gone_within(group) and gone_within(alone)
        assert not (tmp_path / "wecoza-test-servers-of-the-run").exists() and not ledger.exists()
        assert leftovers.sweep(tmp_path) == []
    finally:
        stop(group, alone)


def test_a_run_still_going_is_left_alone_and_removes_its_ledger_when_it_ends(tmp_path):
    run, group, alone = start_run(tmp_path, "going")
    try:
        assert leftovers.sweep(tmp_path) == []
        assert alive(group) and alive(alone) and (tmp_path / "wecoza-test-servers-of-the-run").exists()
        run.stdin.close()
        assert run.wait(30) == 0
        assert list(tmp_path.glob("wecoza-run-*.ledger")) == []
    finally:
        stop(group, alone)


def test_a_recorded_pid_that_another_process_holds_now_is_left_alone(tmp_path):
    ended = subprocess.Popen(["true"])
    ended.wait()
    other = subprocess.Popen(["sleep", "300"], start_new_session=True)
    try:
        ledger = leftovers.ledger_path(tmp_path, ended.pid, 1)  # a run that is gone
        started = leftovers.start_ticks(other.pid)
        ledger.write_text(f"process {other.pid} {started - 1}\ngroup {other.pid} {started - 1}\n")
        assert leftovers.sweep(tmp_path) == []
        assert alive(other.pid) and not ledger.exists()
    finally:
        stop(other.pid)
        other.wait()


def test_a_ledger_cut_short_by_the_kill_stops_and_removes_nothing_it_cannot_trust(tmp_path):
    """A line the kill cut short names no process, and only the run's own kind of folder is ever removed."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    kept = tmp_path / "not-a-run-folder"
    kept.mkdir()
    ledger = leftovers.ledger_path(tmp_path, ended.pid, 1)
    ledger.write_text(f"folder {kept}\ngroup 12")
    assert leftovers.sweep(tmp_path) == []
    assert kept.exists() and not ledger.exists()
