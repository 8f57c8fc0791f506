"""The signed shim <-> sidecar channel (docs/design.md#the-signed-channel).

Every message is signed over a canonical text: the lines below joined with "\\n". The first three lines
are always its kind, then the HTTP method and the path the message is sent to (or, for inline events, the
request they answer), so a signature made for one path is refused on any other.
The signature is itsdangerous' ``Signer(secret, salt=SALT, key_derivation="hmac",
digest_method=sha256)``, which is, byte for byte, what the PHP shim computes::

    key = HMAC-SHA256(key=secret, msg=SALT)                      (raw bytes)
    sig = base64url_without_padding(HMAC-SHA256(key=key, msg=canonical))

Forwarded request (shim -> sidecar, ``POST /ajax/<action>`` or ``POST /form/<form>``), canonical lines:
    "wecoza-sidecar-request-v2", "POST", path, timestamp, request_id, browser method, query,
    content_type, https ("1"/"0"), client_ip, user_agent, sha256hex(body), sha256hex(cookie)

Events (sidecar -> shim), canonical lines:
    "wecoza-sidecar-events-v2", method, path, timestamp, request_id, sha256hex(events text)
  inline (``X-WeCoza-Events*`` headers): the method, path and request id of the forwarded request they answer;
  delivered by the dispatcher: "POST", "/wecoza-sidecar/v1/events" (the shim's REST route) and its own id.

Signed JSON message (shim -> sidecar, ``POST /events/ack``, ``/events/status``, ``/events/retry``), canonical lines:
    "wecoza-sidecar-message-v2", "POST", path, timestamp, request_id, sha256hex(body)

Paths are the sidecar's own routes (without any prefix it is mounted under) and the REST route as WordPress
names it (the same for ``/wp-json/...`` and ``?rest_route=...``).
"""
from __future__ import annotations

import hashlib
import heapq
import hmac
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from itsdangerous import Signer

SALT = "wecoza-sidecar-v1"
REQUEST_KIND = "wecoza-sidecar-request-v2"
EVENTS_KIND = "wecoza-sidecar-events-v2"
MESSAGE_KIND = "wecoza-sidecar-message-v2"
FORWARD_METHOD = "POST"
DEFAULT_WINDOW = 60

TIMESTAMP_HEADER = "X-WeCoza-Timestamp"
REQUEST_ID_HEADER = "X-WeCoza-Request-Id"
SIGNATURE_HEADER = "X-WeCoza-Signature"
# the headers that carry a forwarded request's fields (its path and body travel as the forward's own)
_FORWARDED_HEADERS = {
    "timestamp": TIMESTAMP_HEADER, "request_id": REQUEST_ID_HEADER, "method": "X-WeCoza-Method",
    "query": "X-WeCoza-Query", "content_type": "Content-Type", "https": "X-WeCoza-Https",
    "client_ip": "X-WeCoza-Client-Ip", "user_agent": "X-WeCoza-User-Agent", "cookie": "X-WeCoza-Cookie",
}
_FORWARDED_DEFAULTS = {"method": FORWARD_METHOD, "https": "0"}


class ChannelError(Exception):
    """A message that is unsigned, badly signed, stale or replayed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def canonical(kind: str, method: str, path: str, *fields: str) -> bytes:
    """The text a signature covers: the kind, the HTTP method and path the message is for, its fields."""
    lines = (kind, method, path) + fields
    for line in lines:
        if "\n" in line:
            raise ChannelError("newline_in_field")
    return "\n".join(lines).encode("utf-8")


def forward_path(kind: str, name: str) -> str:
    """The sidecar path a forwarded action (kind "ajax") or form (kind "form") is sent to."""
    return f"/{kind}/{name}"


@dataclass(frozen=True)
class ForwardedRequest:
    """What the shim tells the sidecar about the browser's request."""

    timestamp: str
    request_id: str
    method: str       # the browser's method; the forward itself is always FORWARD_METHOD
    path: str         # forward_path(...): /ajax/<action> or /form/<form>
    query: str
    content_type: str
    https: str
    client_ip: str
    user_agent: str
    body: bytes
    cookie: str

    def to_headers(self, signature: str | None = None) -> dict[str, str]:
        """The headers the shim sends this request with (no Content-Type when it has none)."""
        headers = {header: getattr(self, field) for field, header in _FORWARDED_HEADERS.items()}
        if not self.content_type:
            del headers["Content-Type"]
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        return headers

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], path: str, body: bytes) -> ForwardedRequest:
        """The request read from the forward's headers (a case-insensitive mapping as servers give them),
        the path it was sent to and its body."""
        fields = {field: headers.get(header, _FORWARDED_DEFAULTS.get(field, ""))
                  for field, header in _FORWARDED_HEADERS.items()}
        fields["method"] = fields["method"].upper()
        return cls(path=path, body=body, **fields)

    def canonical(self) -> bytes:
        return canonical(
            REQUEST_KIND, FORWARD_METHOD, self.path, self.timestamp, self.request_id, self.method,
            self.query, self.content_type, self.https, self.client_ip, self.user_agent,
            sha256_hex(self.body), sha256_hex(self.cookie),
        )


def replay_expiry(sent_at: int, window: int) -> int:
    """Until when a request id signed at ``sent_at`` must be remembered: its timestamp is fresh up to
    ``sent_at + window`` on a host whose clock is right, and a margin of another window covers hosts
    (and the database) whose clocks differ."""
    return sent_at + 2 * window


class ReplayCache:
    """Request ids seen within the time window, in this process; a second sighting is a replay.

    Enough for one process. Several processes or hosts need a shared store with the same
    ``add(request_id, now, sent_at) -> bool`` (the sidecar keeps one in PostgreSQL).
    """

    def __init__(self, window: int):
        self._window = window
        self._expiries: list[tuple[int, str]] = []
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, request_id: str, now: float, sent_at: int) -> bool:
        with self._lock:
            while self._expiries and self._expiries[0][0] < now:
                expiry, old_id = heapq.heappop(self._expiries)
                if self._seen.get(old_id) == expiry:
                    del self._seen[old_id]
            if request_id in self._seen:
                return False
            expiry = replay_expiry(sent_at, self._window)
            self._seen[request_id] = expiry
            heapq.heappush(self._expiries, (expiry, request_id))
            return True


class ChannelSigner:
    def __init__(self, secret: str, window: int = DEFAULT_WINDOW, clock=time.time, replays=None):
        if not secret:
            raise ValueError("the shared secret is empty")
        self._signer = Signer(secret.encode("utf-8"), salt=SALT, key_derivation="hmac",
                              digest_method=hashlib.sha256)
        self.window = window
        self.clock = clock
        self._replays = replays if replays is not None else ReplayCache(window)

    def sign(self, text: bytes) -> str:
        return self._signer.get_signature(text).decode("ascii")

    def valid(self, text: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.sign(text).encode("ascii"),
                                   (signature or "").encode("ascii", "replace"))

    @property
    def replays(self):
        return self._replays

    def verify(self, text: bytes, signature: str, timestamp: str, request_id: str, record: bool = True) -> int:
        """Raise ChannelError unless the message is signed, fresh and new; return its signed time.
        ``record=False``: the caller records the request id itself (the sidecar, with the request's first
        statement) and the message is not yet known to be new."""
        if not signature:
            raise ChannelError("missing_signature")
        if not self.valid(text, signature):
            raise ChannelError("bad_signature")
        try:
            sent_at = int(timestamp)
        except (TypeError, ValueError):
            raise ChannelError("bad_timestamp") from None
        now = self.clock()
        if abs(now - sent_at) > self.window:
            raise ChannelError("stale_timestamp")
        if not request_id or len(request_id) > 64:
            raise ChannelError("bad_request_id")
        if record and not self._replays.add(request_id, now, sent_at):
            raise ChannelError("replayed_request_id")
        return sent_at

    def verify_request(self, req: ForwardedRequest, signature: str, record: bool = True) -> int:
        return self.verify(req.canonical(), signature, req.timestamp, req.request_id, record)

    def sign_events(self, method: str, path: str, timestamp: str, request_id: str, events_text: bytes) -> str:
        return self.sign(canonical(EVENTS_KIND, method, path, timestamp, request_id, sha256_hex(events_text)))

    def sign_message(self, method: str, path: str, timestamp: str, request_id: str, body: bytes) -> str:
        return self.sign(canonical(MESSAGE_KIND, method, path, timestamp, request_id, sha256_hex(body)))

    def verify_message(self, method: str, path: str, timestamp: str, request_id: str, body: bytes,
                       signature: str, record: bool = True) -> int:
        return self.verify(canonical(MESSAGE_KIND, method, path, timestamp, request_id, sha256_hex(body)),
                           signature, timestamp, request_id, record)
