"""Logging: one JSON line per request (the web server's access log is off: this is it), errors with the
``[WeCoza Core]`` prefix.

Nothing here ever receives a cookie, nonce, password or form value: the request line
holds ids, names, statuses and timings only. A refused request's line also says why
(``"refusal": {"kind", "fields", "message"}``, see ``refusals``): in the same line rather than
a second one, so the status, the caller and the reason are read together and no line is lost
between them.
"""
from __future__ import annotations

import json
import logging
import sys
import time

request_log = logging.getLogger("wecoza.sidecar.requests")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
            entry["trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "info") -> None:
    root = logging.getLogger("wecoza")
    root.setLevel(level.upper())
    if not any(getattr(h, "_wecoza", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._wecoza = True
        root.addHandler(handler)
        root.propagate = False


# Logged names are cut: an action or route name may come from a client (direct mode, unknown paths).
MAX_NAME = 100


def first_line(exc: Exception) -> str:
    """What an exception says, cut to its first line, for a log line about a dependency that failed."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""


def log_request(request_id: str, outcome, status: int, duration: float, method: str = "", route: str = "") -> None:
    """The one JSON line of a request: its action's outcome, or for other routes (health, metrics, events)
    the route pattern it matched. Never a query string, header value or form value."""
    fields = {"message": "request", "request_id": request_id}
    if outcome is not None:
        fields.update({
            "action": (outcome.action or "")[:MAX_NAME],
            "user_id": outcome.user_id,
            "status": status,
            "duration_ms": round(duration * 1000, 2),
            "auth": outcome.auth,
            "events": len(outcome.events),
        })
        if outcome.refusal is not None:
            fields["refusal"] = outcome.refusal.as_log()
    else:
        fields.update({"method": method[:MAX_NAME], "route": route[:MAX_NAME], "status": status,
                       "duration_ms": round(duration * 1000, 2)})
    request_log.info("request", extra={"fields": fields})
