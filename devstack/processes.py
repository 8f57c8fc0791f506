"""Processes in their own process group (started, stopped as a whole, their members found), and their logs."""
import os
import signal
import subprocess
from pathlib import Path


def tail(path, lines=40):
    """The last lines of a log file, for error messages ('' when there is none)."""
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def spawn(cmd, log_path, env=None, cwd=None):
    """Start cmd in its own session (its own process group), stdout and stderr to log_path."""
    from .leftovers import record_group
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env=env, cwd=cwd, start_new_session=True)
    record_group(proc.pid)  # stopped by the next run if this one is killed (devstack/leftovers.py)
    return proc


def stop_group(proc, timeout=10.0, first=signal.SIGTERM, leader_first=False):
    """Signal the process group of proc (SIGTERM unless told), SIGKILL it when it does not go within timeout.
    ``leader_first``: the first signal goes to proc alone, which stops its own workers (as systemd's KillMode=mixed
    does): granian's workers that receive it themselves while still starting can hold on until their kill timeout."""
    if proc is None:
        return
    for sig in (first, signal.SIGKILL):
        try:
            if leader_first and sig == first:
                os.kill(proc.pid, sig)
            else:
                os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # reap workers that outlived their parent
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stat_fields(pid: int) -> tuple[str, list[str]] | None:
    """``/proc/<pid>/stat`` as (command name, the fields after it, from field 3, the state, on); None when the process
    has gone. The command name sits in parentheses and may hold spaces and parentheses: the fields after it do not."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()


def proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state letter, process group, start time in clock ticks after boot) of a process; None when there is none."""
    stat = stat_fields(pid)
    if stat is None:
        return None
    fields = stat[1]
    return fields[0], int(fields[2]), int(fields[19])


def live_processes():
    """(pid, the fields of its stat after the command name) of every process now running, zombies left out."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = stat_fields(int(entry.name))
            if stat is not None and stat[1][0] != "Z":
                yield int(entry.name), stat[1]


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    return [pid for pid, fields in live_processes() if int(fields[2]) == pgid]


def children(parent: int) -> dict[int, bytes]:
    """Live (not zombie) child processes of ``parent``: pid -> command line (NUL-separated, as /proc gives it)."""
    found = {}
    for pid, fields in live_processes():
        if int(fields[1]) == parent:
            try:
                found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue  # gone meanwhile
    return found


def spawned_workers(parent: int) -> set[int]:
    """The worker processes of a server's main process that multiprocessing's spawn started (granian's workers), not
    multiprocessing's resource tracker nor another child such as the dispatcher of ``serve --dispatch``."""
    return {pid for pid, command in children(parent).items() if b"spawn_main" in command}
