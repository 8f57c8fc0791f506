"""A scripted stand-in for the sidecar, for testing the shim in isolation.

A real HTTP server on a loopback port (a thread). It verifies every forwarded request with
``wp_bridge.channel`` exactly as the sidecar does (ChannelSigner, ForwardedRequest), records what it
received, and answers what the test scripted: status, headers, body, signed (or forged) events,
filter headers, a delay. It also takes acknowledgements (``POST /events/ack``) and answers ``/healthz``, and the
signed ``POST /events/status`` and ``POST /events/retry`` from ``event_status`` (retrying un-parks the listed events
there), verified like acknowledgements; each of those calls is recorded in ``signed_calls``.
"""
from __future__ import annotations

import base64
import contextlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from wp_bridge.channel import SIGNATURE_HEADER, ChannelError, ChannelSigner, ForwardedRequest

LOOPBACK = "127.0.0.1"
JSON_TYPE = "application/json; charset=UTF-8"


@dataclass
class Reply:
    """What the fake answers to one forwarded request."""

    status: int = 200
    body: bytes = b'{"success":true,"data":[]}'
    headers: dict = field(default_factory=lambda: {"Content-Type": JSON_TYPE})
    events: list | None = None          # [{"id", "name", "payload"}], sent signed in X-WeCoza-Events
    events_secret: str | None = None    # sign the events with this secret instead (a forgery)
    events_timestamp: int | None = None
    events_path: str | None = None      # sign the events for this path instead of the request's (a misuse)
    filter: tuple[str, str] | None = None  # (filter name, dot path)
    delay: float = 0.0
    raw: bytes | None = None            # written as is instead of an HTTP answer (garbage)


@dataclass
class Received:
    """One request the fake received, with the outcome of its signature check."""

    method: str
    path: str
    headers: dict
    body: bytes
    forwarded: ForwardedRequest | None = None
    refused: str = ""                    # the ChannelError reason, '' when the signature held

    @property
    def action(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def header(self, name: str, default: str = "") -> str:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return default


def empty_event_status() -> dict:
    return {"pending": 0, "parked": 0, "oldest_pending": None, "parked_events": [], "failing_events": []}


class FakeSidecar:
    def __init__(self, secret: str | None = None, version: str = "0.1.0"):
        self.secret = secret or secrets.token_hex(32)
        self.signer = ChannelSigner(self.secret)
        self.version = version
        self.health: dict | None = None   # None: {"status": "ok", "version": version}
        self.received: list[Received] = []
        self.acks: list[dict] = []        # {"ids": [...], "refused": reason}
        self.replies: dict[str, Reply] = {}
        self.default = Reply()
        self.event_status: dict = empty_event_status()  # answered by POST /events/status
        # /events/status and /events/retry: {"path", "message", "refused"}
        self.signed_calls: list[dict] = []
        self.signed_failure: tuple[int, dict, bytes] | None = None  # (status, headers, body) answered to both instead
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # ---------------------------------------------------------------- lifecycle
    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, port: int = 0) -> FakeSidecar:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer((LOOPBACK, port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-sidecar", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @contextlib.contextmanager
    def stopped(self):
        """Inside the block nothing listens on the fake's port; it serves again afterwards."""
        port = self.port
        self.stop()
        try:
            yield self
        finally:
            self.start(port)

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self.acks.clear()
            self.replies.clear()
            self.default = Reply()
            self.health = None
            self.event_status = empty_event_status()
            self.signed_calls.clear()
            self.signed_failure = None
            self.signer = ChannelSigner(self.secret)

    # ---------------------------------------------------------------- scripting
    def script(self, name: str, reply: Reply | None = None, **kwargs) -> Reply:
        """Answer requests for action or form ``name`` with ``reply`` (or Reply(**kwargs))."""
        reply = reply or Reply(**kwargs)
        self.replies[name] = reply
        return reply

    def last(self, path_prefix: str = "/") -> Received:
        matching = [r for r in self.received if r.path.startswith(path_prefix)]
        assert matching, f"the fake sidecar received nothing under {path_prefix}"
        return matching[-1]

    def wait_for_ack(self, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.acks:
                return self.acks[-1]
            time.sleep(0.05)
        raise AssertionError("no acknowledgement reached the fake sidecar")

    # ---------------------------------------------------------------- signing helpers
    def encode_events(self, events: list, request_id: str, path: str, secret: str | None = None,
                      timestamp: int | None = None) -> dict:
        """The signed event headers of an answer to ``POST path`` with ``request_id``."""
        encoded = base64.b64encode(json.dumps(events, separators=(",", ":")).encode()).decode("ascii")
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signer = ChannelSigner(secret) if secret else self.signer
        return {
            "X-WeCoza-Events": encoded,
            "X-WeCoza-Events-Timestamp": stamp,
            "X-WeCoza-Events-Signature": signer.sign_events("POST", path, stamp, request_id, encoded.encode("ascii")),
        }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSidecar
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - keep pytest output clean
        pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, headers: dict, body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the shim gave up (timeout test)

    def _json(self, status: int, value) -> None:
        self._send(status, {"Content-Type": "application/json"}, json.dumps(value).encode())

    def do_GET(self):  # noqa: N802
        if self.path == "/healthz":
            self._json(200, self.fake.health or {"status": "ok", "version": self.fake.version})
        else:
            self._send(400, {"Content-Type": "text/html; charset=UTF-8"}, b"0")

    def do_POST(self):  # noqa: N802
        body = self._read_body()
        headers = dict(self.headers.items())
        received = Received("POST", self.path, headers, body)
        with self.fake._lock:
            self.fake.received.append(received)
        if self.path == "/events/ack":
            return self._ack(received)
        if self.path in ("/events/status", "/events/retry"):
            return self._signed_json(received)
        kind, _, name = self.path.lstrip("/").partition("/")
        if kind not in ("ajax", "form") or not name:
            return self._send(400, {"Content-Type": "text/html; charset=UTF-8"}, b"0")

        h = self.headers
        forwarded = ForwardedRequest.from_headers(h, unquote(self.path), body)
        received.forwarded = forwarded
        try:
            self.fake.signer.verify_request(forwarded, h.get(SIGNATURE_HEADER, ""))
        except ChannelError as exc:
            received.refused = exc.reason
            return self._json(401, {"error": exc.reason})

        reply = self.fake.replies.get(name, self.fake.default)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.raw is not None:
            self.close_connection = True
            try:
                self.wfile.write(reply.raw)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        headers = dict(reply.headers)
        if reply.events is not None:
            headers.update(self.fake.encode_events(reply.events, forwarded.request_id,
                                                   reply.events_path or forwarded.path, reply.events_secret,
                                                   reply.events_timestamp))
        if reply.filter is not None:
            headers["X-WeCoza-Filter"], headers["X-WeCoza-Filter-Path"] = reply.filter
        self._send(reply.status, headers, reply.body)

    def _ack(self, received: Received):
        h = self.headers
        entry = {"ids": [], "refused": "", "body": received.body}
        try:
            self.fake.signer.verify_message("POST", self.path, h.get("X-WeCoza-Timestamp", ""),
                                            h.get("X-WeCoza-Request-Id", ""), received.body,
                                            h.get(SIGNATURE_HEADER, ""))
            entry["ids"] = json.loads(received.body)["ids"]
        except ChannelError as exc:
            entry["refused"] = exc.reason
        with self.fake._lock:
            self.fake.acks.append(entry)
        if entry["refused"]:
            return self._json(401, {"error": entry["refused"]})
        return self._json(200, {"acknowledged": len(entry["ids"])})

    def _signed_json(self, received: Received):
        """POST /events/status and /events/retry: signed messages for their path, JSON object bodies."""
        h = self.headers
        entry = {"path": self.path, "message": None, "refused": ""}
        try:
            self.fake.signer.verify_message("POST", self.path, h.get("X-WeCoza-Timestamp", ""),
                                            h.get("X-WeCoza-Request-Id", ""), received.body,
                                            h.get(SIGNATURE_HEADER, ""))
            entry["message"] = json.loads(received.body)
        except ChannelError as exc:
            entry["refused"] = exc.reason
        except ValueError:
            entry["refused"] = "bad_body"
        with self.fake._lock:
            self.fake.signed_calls.append(entry)
        if not entry["refused"] and not isinstance(entry["message"], dict):
            entry["refused"] = "bad_body"
        if entry["refused"] == "bad_body":
            return self._json(400, {"error": "bad_body"})
        if entry["refused"]:
            return self._send(401, {"Content-Type": "application/json", "X-WeCoza-Channel-Error": entry["refused"]},
                              json.dumps({"error": entry["refused"]}).encode())
        if self.fake.signed_failure is not None:
            status, headers, body = self.fake.signed_failure
            return self._send(status, headers, body)
        if self.path == "/events/status":
            return self._json(200, self.fake.event_status)
        with self.fake._lock:
            status = self.fake.event_status
            wanted = entry["message"].get("ids")
            retried = [e for e in status["parked_events"] if not wanted or e["id"] in wanted]
            status["parked_events"] = [e for e in status["parked_events"] if e not in retried]
            status["parked"] -= len(retried)
            status["pending"] += len(retried)
        return self._json(200, {"retried": len(retried)})
