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


def described_by(exc: BaseException | None) -> Refusal | None:
    """The refusal an exception stands for, or None when it is not one the sidecar knows."""
    if exc is None:
        return None
    own = getattr(exc, "refusal", None)
    if isinstance(own, Refusal):
        return own
    # Exceptions of modules that do not describe themselves (imported here, not at the top: no import cycle).
    from .classes.save import SaveRefused
    from .learners.records import DeleteBlocked, LearnerMissing
    from .uploads import UploadRejected
    if isinstance(exc, UploadRejected):
        return Refusal(UPLOAD, (), f"{exc.reason}: {exc.message}")  # upload messages are fixed texts
    if isinstance(exc, LearnerMissing):
        return Refusal(NOT_FOUND, (), "The learner does not exist.")
    if isinstance(exc, DeleteBlocked):
        return Refusal(CONFLICT, (), exc.message)  # record kinds and counts only
    if isinstance(exc, SaveRefused):
        # its message may list the unknown ids that were submitted
        return Refusal(CONFLICT, (), "The stored records refused the save (an unknown reference or a missing class).")
    return None
