"""``systemctl stop wecoza-sidecar``: SIGTERM to the main process alone (the unit's KillMode=mixed), which stops its
workers and the dispatcher of ``--dispatch``, at once when they are idle, even right after the start."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from devstack.processes import children, proc_stat, spawned_workers
from devstack.sidecar_server import SidecarServer
from devstack.waiting import wait_until

# Not a speed target: only far below systemd's TimeoutStopSec (30 s) and granian's kill timeout (20 s).
STOPPED_WITHIN = 8.0


def gone(pid: int) -> bool:
    stat = proc_stat(pid)
    return stat is None or stat[0] == "Z"


def test_sigterm_to_the_main_process_stops_workers_and_dispatcher(wordpress_site, pg_database, tmp_path):
    server = SidecarServer(tmp_path / "sidecar", wordpress_site, pg_database, workers=2).start(dispatch=True)
    try:
        processes = children(server.proc.pid)
        dispatcher = [pid for pid, command in processes.items() if b"dispatch" in command]
        workers = list(spawned_workers(server.proc.pid))
        assert len(dispatcher) == 1 and len(workers) == 2, processes

        os.kill(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=STOPPED_WITHIN)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running {STOPPED_WITHIN:.0f} s after SIGTERM\n{server.log(20)}") from None
        # the dispatcher is told to stop as the main process exits: it may take a moment more
        wait_until(lambda: all(gone(pid) for pid in workers + dispatcher), timeout=STOPPED_WITHIN)
    finally:
        server.stop()


def test_the_systemd_unit_signals_the_main_process_alone():
    """The test above is what `systemctl stop` does only with KillMode=mixed: with the default (control-group) every
    worker is signalled too, and one still starting can hold on until granian's kill timeout."""
    unit = (Path(__file__).resolve().parents[2] / "config" / "wecoza-sidecar.service").read_text()
    settings = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#"))
    assert (settings.get("KillMode"), settings.get("KillSignal")) == ("mixed", "SIGTERM")
