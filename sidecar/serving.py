"""``wecoza-sidecar serve``: the Flask app under gunicorn, with the production settings of
``config/gunicorn.conf.py`` (which imports ``gunicorn_settings`` from here).

Each worker reads the configuration itself, after the fork (``worker_app``): the settings file and wp-config.php
(keys and salts included) as they are when the worker starts. HUP replaces every worker, so a rotated salt takes
effect at the next reload; the master never builds the app.
"""
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
        # gthread, whose event loop does not wait for clients to close their connections (sidecar/lingering.py)
        "worker_class": "sidecar.lingering.LingeringThreadWorker",
        "threads": 4,
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        # No access log: the sidecar writes one JSON line per request itself (sidecar/logs.py), with the verified
        # request id and without query strings or client-chosen headers.
        "accesslog": None,
        "errorlog": "-",
        "max_requests": 5000,
        # The app is built in each worker, never in the master (see worker_app).
        "preload_app": False,
        # gunicorn's control socket is one per user and machine, shared by every instance: not wanted here.
        "control_socket_disable": True,
        "max_requests_jitter": 500,
        "post_worker_init": warm_up_worker,
    }


def warm_up_worker(worker) -> None:
    """gunicorn's post_worker_init: each worker, its app built, opens its database connections before it takes
    requests (Services.warm_up). Never in the master, even under --preload: every worker would share its sockets."""
    services = getattr(worker.wsgi, "extensions", {}).get("wecoza")
    if services is not None:  # None: the worker serves 503s until the configuration can be read
        services.warm_up()


def prepare_multiprocess_metrics() -> None:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="wecoza-metrics-")


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


def worker_app():
    """The WSGI app of one worker, built from the configuration as it is now.

    A configuration that can no longer be read does not stop the master, nor leave the worker on the old keys:
    the worker answers 503 to everything until the configuration is fixed and the sidecar reloaded.
    """
    from .config import ConfigError, load_config, require_complete
    try:
        config = load_config()
        require_complete(config)
    except ConfigError as exc:
        return configuration_unavailable(str(exc))
    from .app import create_app
    return create_app(config)


def configuration_unavailable(reason: str):
    import json
    import logging
    from .logs import configure_logging
    configure_logging()
    logging.getLogger("wecoza.sidecar").error(
        "[WeCoza Core] this worker serves nothing: the configuration cannot be read (%s); "
        "fix it, then reload the sidecar", reason)
    body = json.dumps({"status": "fail", "error": "configuration_unavailable"}).encode()

    def app(environ, start_response):
        start_response("503 Service Unavailable", [("Content-Type", "application/json"),
                                                   ("Content-Length", str(len(body)))])
        return [body]
    return app


class SidecarApplication(BaseApplication):
    def __init__(self, config, options: dict, dispatch: bool):
        self._config = config  # the master's copy, read at start: for the dispatcher only, never for requests
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
        return worker_app()


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
