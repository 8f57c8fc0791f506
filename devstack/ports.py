"""Free loopback ports, and waiting for a service to answer on one."""
import socket
import time

import requests

from .processes import tail

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
