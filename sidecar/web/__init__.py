"""The HTTP layer: one Flask blueprint per concern, assembled by ``sidecar.app.create_app``."""
from __future__ import annotations

from flask import Response, current_app

from ..responses import Reply


def services():
    """The worker's ``Services`` (``create_app`` keeps them in the app's extensions)."""
    return current_app.extensions["wecoza"]


def as_response(reply: Reply) -> Response:
    response = Response(reply.body, status=reply.status, content_type=reply.content_type)
    for name, value in reply.headers.items():
        response.headers[name] = value
    return response
