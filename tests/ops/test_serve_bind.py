"""``wecoza-sidecar serve --bind HOST:PORT``: a host name is resolved (granian itself takes addresses only), and a
port another server holds is refused at once with a clear message (granian's workers listen with SO_REUSEPORT, so a
second server would otherwise start and take a share of the requests)."""
from __future__ import annotations

import signal
import subprocess

import requests

from devstack.ports import LOOPBACK, free_port, wait_for_http
from devstack.processes import stop_group
from devstack.sidecar_server import SidecarServer
from devstack.system import REPO_ROOT


def serve(server: SidecarServer, bind: str) -> subprocess.Popen:
    metrics = server.log_path.parent / "metrics"  # serve makes a folder in /tmp when it is not given one
    metrics.mkdir(exist_ok=True)
    return subprocess.Popen(server.serve_command(bind),
                            env={**server.env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True)


def test_a_host_name_is_served_on_its_address(wordpress_site, pg_database, tmp_path):
    server = SidecarServer(tmp_path / "sidecar", wordpress_site, pg_database, workers=1)
    port = free_port()
    proc = serve(server, f"localhost:{port}")
    try:
        wait_for_http(f"http://{LOOPBACK}:{port}/healthz", "serve --bind localhost", timeout=60, proc=proc,
                      status=200)
    finally:
        stop_group(proc, first=signal.SIGTERM, leader_first=True)


def test_a_port_another_sidecar_serves_is_refused_with_a_clear_message(wordpress_site, pg_database, tmp_path):
    running = SidecarServer(tmp_path / "running", wordpress_site, pg_database, workers=1).start()
    try:
        second = SidecarServer(tmp_path / "second", wordpress_site, pg_database, workers=1)
        proc = serve(second, f"{LOOPBACK}:{running.port}")
        try:
            output, _ = proc.communicate(timeout=30)
        finally:
            stop_group(proc, leader_first=True)
    finally:
        running.stop()
    assert proc.returncode != 0
    assert f"cannot listen on {LOOPBACK}:{running.port}" in output, output[-2000:]


def test_a_restart_listens_again_on_the_port_it_served_on(wordpress_site, pg_database, tmp_path):
    """The connections the server closed first wait in TIME_WAIT on its port: a restart must still bind it."""
    server = SidecarServer(tmp_path / "sidecar", wordpress_site, pg_database, workers=1).start()
    try:
        for _ in range(5):
            assert requests.get(f"{server.url}/healthz", headers={"Connection": "close"}, timeout=10).ok
        server.restart()
        assert requests.get(f"{server.url}/healthz", timeout=10).ok
    finally:
        server.stop()
