"""What passes between the HTTP layer, the guard and a handler: the request as the sidecar sees it,
the outcome it answers with, and a handler's refusal. Handlers import this module, never their caller."""
from __future__ import annotations

from dataclasses import dataclass, field

from .refusals import Refusal
from .responses import Reply

SERVICE_UNAVAILABLE = "The WeCoza service is temporarily unavailable. Please try again."
TOO_LARGE = "The request is too large. Nothing was saved."
FILE_STORAGE_FAILED = ("The uploaded file could not be stored on the server (disk full or not writable). "
                       "Nothing was saved.")


@dataclass
class Incoming:
    """A browser's admin-ajax request as the sidecar sees it (forwarded or direct)."""

    request_id: str
    method: str
    query: str
    content_type: str
    body: bytes
    cookie: str
    https: bool
    client_ip: str = ""
    user_agent: str = ""
    inline_events: bool = True  # False in direct mode: no shim fires them, the dispatcher does
    signed: bool = False  # forwarded by the shim: WordPress has parsed the body already, under PHP's limits
    parsed: tuple | None = field(default=None, repr=False)
    caller: object | None = field(default=None, repr=False)  # wp_bridge's AuthResult from the cookies alone
    claim: object | None = field(default=None, repr=False)  # the signed request id's replays.Claim (forwarded)


@dataclass
class Outcome:
    reply: Reply
    action: str
    user_id: int = 0
    auth: str = ""
    events: tuple = ()
    refusal: Refusal | None = None


class HandlerError(Exception):
    """A handler's refusal that carries its own reply (validation, not found, blocked).

    Why, for the log: ``refusal`` when given; else what the exception being handled when it was raised
    describes (``raise HandlerError(reply) from None`` inside ``except FormInvalid`` keeps it as
    ``__context__``, read by the guard); else a refusal of no stated reason (the reply's text may hold
    values, it is not logged).
    """

    def __init__(self, reply: Reply, refusal: Refusal | None = None):
        super().__init__(reply.status)
        self.reply = reply
        self.refusal = refusal
