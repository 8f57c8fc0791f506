"""``wecoza-sidecar serve``: the Flask app under granian (a Rust HTTP server), so that parsing HTTP, the threads a
request crosses and closing its connection cost the machine a fraction of what gunicorn's Python layer did (measured:
``bench/README.md``, bench_latency). ``config/gunicorn.conf.py`` still serves the same app under an operator's own
gunicorn, with the settings of ``gunicorn_settings`` below.

Each worker reads the configuration itself, as it starts (``worker_app``): the settings file and wp-config.php (keys
and salts included) as they are then. HUP replaces every worker, one at a time, so a rotated salt takes effect at the
next reload; the main process never builds the app.
"""
from __future__ import annotations

import multiprocessing
import os
import tempfile

# A worker's request threads; a request waiting on a database holds one.
THREADS = 4
# How long a worker that is being replaced or stopped may take to finish its requests.
GRACEFUL_SECONDS = 20
# On reload, how long a new worker has to start before the one it replaces is stopped (both serve meanwhile).
RESPAWN_SECONDS = 2.0


# The names a request's environ gives what the client sent (PEP 3333: CGI variables, and HTTP_* for each header).
REQUEST_VARIABLES = frozenset({
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_NAME",
    "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_USER", "HTTPS", "REQUEST_URI", "RAW_URI"})


def default_workers() -> int:
    return max(2, multiprocessing.cpu_count() * 2 + 1)


def gunicorn_settings(bind: str, workers: int | None = None) -> dict:
    return {
        "bind": bind,
        "workers": workers or default_workers(),
        # gthread, whose event loop does not wait for clients to close their connections (sidecar/lingering.py)
        "worker_class": "sidecar.lingering.LingeringThreadWorker",
        "threads": THREADS,
        "timeout": 30,
        "graceful_timeout": GRACEFUL_SECONDS,
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
    requests. Never in the master, even under --preload: every worker would share its sockets."""
    warm_up(worker.wsgi)


def warm_up(app) -> None:
    """Opens the app's database connections before it takes requests (Services.warm_up)."""
    services = getattr(app, "extensions", {}).get("wecoza")
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


def granian_worker_app():
    """The app of one granian worker (granian calls this factory in each worker as it starts): built from the
    configuration as it is now, its database connections opened. granian then copies the worker's environment into
    every request's environ: by then it holds neither variables named as request headers nor the secrets, which the
    configuration has read."""
    drop_request_variables(os.environ)
    app = worker_app()
    drop_secret_settings(os.environ)
    warm_up(app)
    return app


def drop_request_variables(environment) -> None:
    """Removes from a worker's environment every variable named as a request's environ names what a client sent.
    granian starts each request's environ from the worker's environment: a variable ``HTTP_COOKIE`` or
    ``HTTP_X_FORWARDED_PROTO`` left there would read as sent by every client that did not send that header. Workers
    send no HTTP requests of their own, so proxy settings (``HTTP_PROXY``) are not needed there."""
    for name in [name for name in environment if name.startswith("HTTP_") or name in REQUEST_VARIABLES]:
        del environment[name]


def drop_secret_settings(environment) -> None:
    """Removes the secret settings (passwords, the shared secret) from a worker's environment once its configuration
    has been read: the configuration keeps what it read, and a new worker reads them from the main process's."""
    from .config import SETTINGS
    for setting in SETTINGS:
        if setting.secret and setting.env:
            environment.pop(setting.env, None)


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
    address = listening_address(host, port)
    sweep_uploads(config)
    prepare_multiprocess_metrics()
    server = granian_server("sidecar.serving:granian_worker_app", address, port, workers or default_workers(),
                            factory=True)
    if dispatch:
        server.on_startup(lambda: _start_dispatcher(config))
    server.serve()
    return 0


def granian_server(target: str, address: str, port: int, workers: int, factory: bool = False):
    """granian serving the WSGI app ``target`` ("module:name"; with ``factory``, a function returning the app) with
    the sidecar's settings: ``serve`` runs the sidecar with them, the bench its controls."""
    from granian.constants import HTTPModes, Interfaces
    from granian.server import Server
    # Workers start as new interpreters: none inherits the main process's threads or open sockets.
    multiprocessing.set_start_method("spawn", force=True)
    return Server(
        target, factory=factory, address=address, port=port, interface=Interfaces.WSGI, http=HTTPModes.http1,
        websockets=False, workers=workers, blocking_threads=THREADS,
        # No access log: the sidecar writes one JSON line per request itself (sidecar/logs.py), with the verified
        # request id and without query strings or client-chosen headers.
        log_access=False, respawn_failed_workers=True, respawn_interval=RESPAWN_SECONDS,
        workers_kill_timeout=GRACEFUL_SECONDS)


def listening_address(host: str, port: int) -> str:
    """The IP address ``serve`` listens on for ``host`` (granian takes addresses only), once it is known to be free:
    every granian worker listens with SO_REUSEPORT, so a second server on a port in use would start and share it."""
    import socket
    family, kind, proto, _, sockaddr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        # as servers bind: a restart finds the port's closed connections still in TIME_WAIT
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(sockaddr)
        except OSError as exc:
            raise SystemExit(f"wecoza-sidecar serve: cannot listen on {host}:{port}: {exc.strerror}") from None
    return sockaddr[0]


def _start_dispatcher(config) -> None:
    from .dispatcher import start_in_background
    start_in_background(config)
