"""The requests the unchanged legacy pages sent (``../shared/recordings/page-requests.json``), rebuilt for
sending again: fields in recorded order, a fresh nonce for every ``<nonce>``, files rebuilt from their
recorded name, size and type, the recorded content type."""
from __future__ import annotations

import json
import secrets
import urllib.parse
from dataclasses import dataclass

from sidecar.actions import registry

from .system import shared_dir

RECORDED_REQUESTS = 16
MASKED_NONCE = "<nonce>"

# Where the registry accepts two nonce actions, the one the page really sends (docs/contracts/learners.md#nonces: the
# learner and portfolio delete buttons send the learners_nonce_action nonce).
PAGE_NONCE = {"delete_learner": "learners_nonce_action", "delete_learner_portfolio": "learners_nonce_action"}


def recording_path():
    shared = shared_dir()
    return None if shared is None else shared / "recordings" / "page-requests.json"


def load() -> list[dict]:
    """Every recorded request, each with ``step`` (its place in its flow) and ``test_id``; [] without ../shared."""
    path = recording_path()
    if path is None or not path.is_file():
        return []
    requests_ = json.loads(path.read_text(encoding="utf-8"))
    steps: dict[str, int] = {}
    for request in requests_:
        request["step"] = steps.setdefault(request["flow"], 0)
        steps[request["flow"]] += 1
        request["test_id"] = f"{request['flow']}-{request['step']}-{request['action'] or 'form'}"
    return requests_


def nonce_action(request: dict) -> str | None:
    """The WordPress nonce action of the request's ``<nonce>`` fields, from the sidecar's registry."""
    if request["action"] is None:
        names = {name for name, _ in request["fields"]}
        [form] = [f for f in registry.forms.values() if f.nonce_field in names]
        return form.nonce_action
    accepted = registry.actions[request["action"]].nonce_actions
    if accepted is None:
        return None
    chosen = PAGE_NONCE.get(request["action"], accepted[0])
    assert chosen in accepted, (request["action"], chosen, accepted)
    return chosen


@dataclass
class RebuiltFile:
    name: str
    content: bytes
    content_type: str


def rebuilt_file(recorded: dict) -> RebuiltFile:
    """An empty file input stays an empty part; a recorded PDF becomes a real PDF of the recorded size."""
    if not recorded["file"]:
        return RebuiltFile("", b"", recorded["type"])
    assert recorded["type"] == "application/pdf", recorded
    return RebuiltFile(recorded["file"], pdf_of_size(recorded["bytes"]), recorded["type"])


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes (a comment line pads it)."""
    head, tail = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% ", b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    assert size >= len(head) + len(tail), size
    return head + b"x" * (size - len(head) - len(tail)) + tail


def fields_to_send(request: dict, nonce: str | None, replace: dict | None = None) -> list[tuple[str, object]]:
    """The recorded fields in order, ``<nonce>`` replaced, files rebuilt, and ``replace`` (name -> value)
    applied to the values that refer to rows an earlier request of the flow created."""
    replace = replace or {}
    out = []
    for name, value in request["fields"]:
        if isinstance(value, dict):
            value = rebuilt_file(value)
        elif value == MASKED_NONCE:
            assert nonce is not None, f"{request['test_id']}: a masked nonce but no nonce action"
            value = nonce
        if name in replace:
            value = replace[name]
        out.append((name, value))
    return out


def encode(content_type: str, fields) -> tuple[bytes, str]:
    """(body, Content-Type header) as the browser sent them: urlencoded, or multipart with every part in order."""
    if content_type == "application/x-www-form-urlencoded":
        assert not any(isinstance(v, RebuiltFile) for _, v in fields)
        return urllib.parse.urlencode(fields).encode("ascii"), content_type
    assert content_type == "multipart/form-data", content_type
    boundary = "----WebKitFormBoundary" + secrets.token_hex(8)
    body = bytearray()
    for name, value in fields:
        body += f"--{boundary}\r\n".encode()
        if isinstance(value, RebuiltFile):
            body += (f'Content-Disposition: form-data; name="{name}"; filename="{value.name}"\r\n'
                     f"Content-Type: {value.content_type}\r\n\r\n").encode()
            body += value.content
        else:
            body += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode("utf-8")
        body += b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"
