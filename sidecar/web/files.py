"""``GET /files/authorize``: the web server asks before it serves a private document (``sidecar.files``)."""
from __future__ import annotations

from flask import Blueprint, Response, g, request

from ..files import authorize
from . import services

files = Blueprint("files", __name__)


@files.get("/files/authorize")
def authorize_file():
    g.outcome = authorize(services(), request.headers, request.scheme)
    reply = g.outcome.reply
    response = Response(reply.body, status=reply.status)
    if reply.content_type:
        response.headers["Content-Type"] = reply.content_type
    else:
        del response.headers["Content-Type"]
    for name, value in reply.headers.items():
        response.headers[name] = value
    return response
