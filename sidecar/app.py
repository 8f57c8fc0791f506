"""The Flask application: the worker's services, the per-request log line and timing, the error answers,
and the blueprints of ``sidecar.web``."""
from __future__ import annotations

import functools
import time

from flask import Flask, g, request

from . import actions  # noqa: F401  (registers every action)
from .config import load_config
from .logs import configure_logging
from .registry import registry as default_registry
from .services import Services
from .web import as_response, direct, forwarded
from .web.events import events
from .web.files import files
from .web.health import health
from .web.plain import (PlainRoutes, body_too_large, new_request_id, not_found, record_request,
                         unexpected_error)


def create_app(config=None, services: Services | None = None, registry=None) -> Flask:
    app = Flask("sidecar")
    if services is None:
        config = config or load_config()
        services = Services.from_config(config, registry or default_registry)
    # Werkzeug refuses a larger body (RequestEntityTooLarge) before reading it.
    app.config["MAX_CONTENT_LENGTH"] = services.config.int("sidecar.max_body_bytes")
    configure_logging(services.config.get("sidecar.log_level"))
    app.extensions["wecoza"] = services

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()
        g.request_id = new_request_id()  # a signed forward replaces it with the shim's id once verified
        g.outcome = None

    @app.after_request
    def finish(response):
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        # Counted and logged once the server has sent the answer (it closes the body then), as an access log is:
        # the caller does not wait for them. The duration is the time to the answer.
        record = functools.partial(record_request, services.metrics, g.request_id, g.get("outcome"),
                                   response.status_code, time.perf_counter() - g.started, request.method, route)
        if response.direct_passthrough:  # its body goes to the server as is: nothing would call back on close
            record()
        else:
            response.call_on_close(record)
        return response

    for blueprint in (health, events, files):
        app.register_blueprint(blueprint)
    exact = {direct.PATH: direct.direct} if services.config.get("sidecar.direct_mode") == "on" else {}
    app.wsgi_app = PlainRoutes(app.wsgi_app, services, app.config["MAX_CONTENT_LENGTH"], exact=exact,
                               prefixed={"/ajax/": forwarded.action_route, "/form/": forwarded.form_route})

    @app.errorhandler(404)
    @app.errorhandler(405)
    def not_routed(_exc):
        return as_response(not_found())

    @app.errorhandler(413)
    def too_large(_exc):
        return as_response(body_too_large())

    @app.errorhandler(Exception)
    def unexpected(exc):
        return as_response(unexpected_error(g.get("request_id")))

    return app

