"""``wecoza-sidecar serve``: the Flask app under gunicorn, with the production settings of
``config/gunicorn.conf.py`` (which imports ``gunicorn_settings`` from here)."""
from __future__ import annotations

import multiprocessing
import os
import tempfile

from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    return max(2, multiprocessing.cpu_count() * 2 + 1)


def gunicorn_settings(bind: str, workers: int | None = None) -> dict:
    return {
        "bind": bind,
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": 4,
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        # No access log: the sidecar writes one JSON line per request itself (sidecar/logs.py), with the verified
        # request id and without query strings or client-chosen headers.
        "accesslog": None,
        "errorlog": "-",
        "max_requests": 5000,
        # gunicorn's control socket is one per user and machine, shared by every instance: not wanted here.
        "control_socket_disable": True,
        "max_requests_jitter": 500,
    }


def prepare_multiprocess_metrics() -> None:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="wecoza-metrics-")


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


class SidecarApplication(BaseApplication):
    def __init__(self, config, options: dict, dispatch: bool):
        self._config = config
        self._options = options
        self._dispatch = dispatch
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)
        self.cfg.set("child_exit", child_exit)
        if self._dispatch:
            self.cfg.set("when_ready", self._start_dispatcher)

    def _start_dispatcher(self, server):
        from .dispatcher import start_in_background
        start_in_background(self._config)

    def load(self):
        from .app import create_app
        return create_app(self._config)


def sweep_uploads(config) -> None:
    import logging
    from .uploads import sweep_partial_uploads
    root = config.get("sidecar.uploads_dir")
    if root:
        removed = sweep_partial_uploads(root)
        if removed:
            logging.getLogger("wecoza.sidecar").warning("removed %d abandoned partial uploads", removed)


def serve(config, workers: int | None = None, dispatch: bool = False) -> int:
    host, port = config.bind
    sweep_uploads(config)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    prepare_multiprocess_metrics()
    SidecarApplication(config, gunicorn_settings(bind, workers), dispatch).run()
    return 0
