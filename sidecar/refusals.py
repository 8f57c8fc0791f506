"""Why the sidecar refused a request, as the request's log line tells an operator.

A refusal has a kind, the names of the fields at fault, and a message for the log that never holds a
submitted value. The user's own message may quote what they typed, so it is logged only where it is a
fixed text; an exception that refuses input says itself what to log (its ``refusal``).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

AUTH = "auth"                # not logged in, no capability, bad nonce (the reason is the message)
BAD_REQUEST = "bad_request"  # a body that cannot be read, an unknown action
VALIDATION = "validation"    # input the user must correct
UPLOAD = "upload"            # a file the user must replace
NOT_FOUND = "not_found"      # the record the request names does not exist
CONFLICT = "conflict"        # the stored data forbids it (related records, unknown references)
REFUSED = "refused"          # a handler's refusal that gave no reason of its own
UNAVAILABLE = "unavailable"  # a database did not answer
FAILED = "failed"            # the handler failed (the error line with the same request id says how)


@dataclass(frozen=True)
class Refusal:
    kind: str
    fields: tuple[str, ...] = ()
    message: str | None = None

    def as_log(self) -> dict:
        return {"kind": self.kind, "fields": list(self.fields), "message": self.message}


def fixed(message: str, *fields: str, kind: str = REFUSED) -> Refusal | None:
    """A refusal logged with the caller's fixed ``message`` and the field names at fault. None inside an
    ``except`` block: there the exception being handled says why (its message may quote the input)."""
    if sys.exc_info()[1] is not None:
        return None
    return Refusal(kind, fields, message)


def auth(reason: str) -> Refusal:
    return Refusal(AUTH, (), reason)
