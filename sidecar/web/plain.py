"""Routes answered as plain WSGI, ahead of Flask: the ones every page request takes, the shim's forwards and direct
mode's admin-ajax.php (sidecar.web.forwarded, sidecar.web.direct).

A direct-mode read spent about a sixth of its time in Flask's request context, routing and Response object, more on
a busy 2-core host than a profile shows, since that code is cold again after every PHP request (bench_latency).
A plain route gets what a Flask view gets from the app (``sidecar.app``): a request id of ours, the path as Flask
read it, the timing, the JSON log line and the metrics once the answer is sent, and the app's answers to a path or
method it does not serve, a body over the limit and an unexpected error. Every other path goes to Flask unchanged.
"""
from __future__ import annotations

import functools
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import ClientDisconnected, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_content_length

from ..handling import TOO_LARGE, Outcome
from ..logs import log_request
from ..responses import JSON_TYPE, UNKNOWN_ACTION, Reply, message_error

log = logging.getLogger("wecoza.sidecar")

UNEXPECTED = "An unexpected error occurred."
READ_CHUNK = 64 * 1024
_SLASHES = re.compile("/{2,}")


def new_request_id() -> str:
    """Ours, for the log line: a client-chosen id never reaches the log (a signed forward's is the shim's)."""
    return secrets.token_hex(8)


def record_request(metrics, request_id: str, outcome: Outcome | None, status: int, duration: float, method: str,
                   route: str) -> None:
    """Counted and logged once the server has sent the answer, as an access log is: the caller does not wait."""
    if outcome is not None:
        metrics.observe(outcome.action, status, duration)
    log_request(request_id, outcome, status, duration, method, route)


def not_found() -> Reply:
    """What admin-ajax.php answers a request it cannot serve, and so the sidecar for a path or method it has not."""
    return UNKNOWN_ACTION


def body_too_large() -> Reply:
    """A body over ``max_body_bytes``, refused unread, where no action's shape is known."""
    return message_error(TOO_LARGE, 413)


def unexpected_error(request_id: str | None) -> Reply:
    """The answer to an error no handler expected, logged with its traceback and the request id."""
    log.exception("[WeCoza Core] request %s: unhandled error", request_id)
    return message_error(UNEXPECTED, 500)


def request_path(environ: dict) -> str:
    """The path as Flask routed it and as ``request.path`` gave it: PATH_INFO's bytes read as UTF-8 (a server hands
    them over decoded as latin-1, PEP 3333), one slash in front, and runs of slashes as one (werkzeug redirected
    those to the merged path; nginx matched its location on the merged path and passes the one the client sent)."""
    raw = environ.get("PATH_INFO", "")
    if not raw.isascii():
        raw = raw.encode("latin-1", "replace").decode("utf-8", "replace")
    return _SLASHES.sub("/", "/" + raw)


class PlainRequest:
    """What a plain route reads of its request: the environ's CGI variables and headers, and the body under the
    app's size limit."""

    __slots__ = ("environ", "request_id", "method", "path", "_max_body")

    def __init__(self, environ: dict, request_id: str, max_body: int, method: str, path: str):
        self.environ = environ
        self.request_id = request_id
        self.method = method
        self.path = path
        self._max_body = max_body

    @property
    def query(self) -> str:
        """The query string as sent (PEP 3333 hands it over latin-1 decoded)."""
        return self.environ.get("QUERY_STRING", "")

    @property
    def scheme(self) -> str:
        return self.environ.get("wsgi.url_scheme", "http")

    @property
    def headers(self) -> EnvironHeaders:
        return EnvironHeaders(self.environ)

    def header(self, name: str, default: str = "") -> str:
        """One request header (``Content-Type`` and ``Content-Length`` are CGI variables, the others HTTP_*)."""
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        return self.environ.get(key, default)

    def body(self) -> bytes:
        """The whole body, or RequestEntityTooLarge over the limit: unread for a declared length, and for a body of
        unknown length (chunked) once a byte past the limit has arrived. (werkzeug's limited stream, under Flask's
        ``MAX_CONTENT_LENGTH``, cuts such a body at the limit and hands over the part as if it were the whole.)
        No length and no end the server vouches for: no body, as werkzeug reads it. A body that ends before its
        declared length (the client left): ClientDisconnected, and nothing runs."""
        length = get_content_length(self.environ)
        if length is not None and length > self._max_body:
            raise RequestEntityTooLarge()
        if length is None and not self.environ.get("wsgi.input_terminated"):
            return b""
        stream = self.environ["wsgi.input"]
        wanted = length if length is not None else self._max_body + 1
        chunks, total = [], 0
        while total < wanted:
            try:
                chunk = stream.read(min(READ_CHUNK, wanted - total))
            except (OSError, ValueError) as exc:  # the connection failed under the server's stream
                raise ClientDisconnected() from exc
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > self._max_body:
            raise RequestEntityTooLarge()
        if length is not None and total < length:
            raise ClientDisconnected()  # never run an action on the part of a body that did arrive
        return b"".join(chunks)


# ``handler(services, request, name) -> (outcome or None, reply)``: ``name`` is what a prefix route's path names after
# the prefix ("" for an exact path); the outcome (None for a refusal before any action) is what the log line reports.
Handler = Callable[[object, PlainRequest, str], "tuple[Outcome | None, Reply]"]


@dataclass(frozen=True)
class PlainRoute:
    """``label``: the route's pattern for the log line (never the client's path); ``methods``: the ones it answers,
    the others going to Flask (which has no such route, and answers 400 "0")."""
    handler: Handler
    label: str
    methods: frozenset


class PlainRoutes:
    """WSGI middleware in front of the Flask app (``app.wsgi_app``). ``exact`` maps a path to its route; ``prefixed``
    maps a prefix such as ``/ajax/`` to the route of every path that is that prefix and one non-empty segment."""

    def __init__(self, flask_wsgi, services, max_body: int, exact: dict[str, PlainRoute] | None = None,
                 prefixed: dict[str, PlainRoute] | None = None):
        self.flask_wsgi = flask_wsgi
        self.services = services
        self.max_body = max_body
        self.exact = exact or {}
        self.prefixed = prefixed or {}

    def match(self, path: str) -> tuple[PlainRoute | None, str]:
        route = self.exact.get(path)
        if route is not None:
            return route, ""
        head, slash, name = path.rpartition("/")
        route = self.prefixed.get(head + slash)
        return (route, name) if route is not None and name else (None, "")

    def __call__(self, environ, start_response):
        path = request_path(environ)
        route, name = self.match(path)
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if route is None or method not in route.methods:
            return self.flask_wsgi(environ, start_response)
        started = time.perf_counter()
        request = PlainRequest(environ, new_request_id(), self.max_body, method, path)
        try:
            outcome, reply = route.handler(self.services, request, name)
        except ClientDisconnected:
            log.warning("[WeCoza Core] request %s: the client left before its body arrived: nothing was run",
                        request.request_id)
            outcome, reply = None, not_found()
        except RequestEntityTooLarge:
            outcome, reply = None, body_too_large()
        except (NotFound, MethodNotAllowed):
            outcome, reply = None, not_found()
        except Exception:  # noqa: BLE001 - answered as Flask's error handler answers it
            outcome, reply = None, unexpected_error(request.request_id)
        start_response(status_line(reply.status), response_headers(reply))
        record = functools.partial(record_request, self.services.metrics, request.request_id, outcome, reply.status,
                                   time.perf_counter() - started, method, route.label)
        # a HEAD answer keeps its Content-Length and sends no body, as werkzeug's responses do
        return ClosingBody(b"" if method == "HEAD" else reply.body, record)


@functools.lru_cache(maxsize=64)
def status_line(status: int) -> str:
    return f"{status} {HTTP_STATUS_CODES.get(status, 'UNKNOWN').upper()}"  # as werkzeug writes it


def response_headers(reply: Reply) -> list[tuple[str, str]]:
    headers = [("Content-Type", reply.content_type or JSON_TYPE), ("Content-Length", str(len(reply.body)))]
    headers += reply.headers.items()
    return headers


class ClosingBody:
    """A one-chunk body whose ``close`` (the server's, once it has sent the answer) runs ``on_close``."""

    __slots__ = ("_chunks", "_on_close")

    def __init__(self, body: bytes, on_close):
        self._chunks = [body]
        self._on_close = on_close

    def __iter__(self):
        return iter(self._chunks)

    def close(self) -> None:
        self._on_close()
