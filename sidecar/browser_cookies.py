"""The Cookie header of a browser's own request (direct mode, private documents), as the server hands it over.

granian passes a header value holding any byte outside visible ASCII as an empty string (gunicorn decoded such values
as latin-1): a site cookie such as ``city=Zürich``, set raw by a script, empties the whole Cookie header, and the
caller reads as logged out. A browser never sends an empty Cookie header, so an empty one is that case: the worker
says so in its log, once, for the operator (docs/operators.md, "Serve under systemd"). The shim's forwarded requests
are not affected: it percent-encodes the cookies it forwards.
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger("wecoza.sidecar")
_warned = threading.Event()

UNREADABLE = ("[WeCoza Core] a browser sent a Cookie header the server could not read (a byte outside ASCII, from a "
              "cookie of the site): such callers read as logged out here (direct mode hands them to WordPress; "
              "private documents are refused); see docs/operators.md, Serve under systemd")


def cookie_header(value: str | None) -> str:
    """The request's Cookie header, ``value`` as the server handed it over (None when none was sent): '' when none
    was sent or the server could not read it."""
    if value == "" and not _warned.is_set():
        _warned.set()
        log.warning(UNREADABLE)
    return value or ""
