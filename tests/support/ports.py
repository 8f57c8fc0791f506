"""Free loopback ports, waiting for a service to answer, and stopping process groups."""
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

LOOPBACK = "127.0.0.1"


def free_port(host=LOOPBACK):
    """A port nobody listens on right now (the kernel's choice for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_open(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def tail(path, lines=40):
    """The last lines of a log file, for error messages ('' when there is none)."""
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_for_http(url, what, timeout=30.0, proc=None, log_path=None, status=None):
    """Poll url until it answers (with `status` when given, else any status below 500).

    Fails with the log's tail when the process dies first or time runs out.
    """
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before answering {url}\n{tail(log_path)}")
        try:
            response = requests.get(url, timeout=2, allow_redirects=False)
            if response.status_code == status or (status is None and response.status_code < 500):
                return response
            last_error = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            last_error = type(exc).__name__
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer {url} within {timeout:.0f}s ({last_error})\n{tail(log_path)}")


def spawn(cmd, log_path, env=None, cwd=None):
    """Start cmd in its own session (its own process group), stdout and stderr to log_path."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env=env, cwd=cwd, start_new_session=True)


def stop_group(proc, timeout=10.0, first=signal.SIGTERM):
    """Signal the process group of proc (SIGTERM unless told), SIGKILL it when it does not go within timeout."""
    if proc is None:
        return
    for sig in (first, signal.SIGKILL):
        try:
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
