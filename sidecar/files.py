"""Private documents: the web server asks ``GET /files/authorize`` before it serves a file from a folder
the sidecar writes (portfolios, class attachments, QA reports and questions), so the links on the pages
stay as they are and only a user with the capability of the action that serves those files gets them.

nginx (``auth_request``, config/nginx-private-files.conf) passes the browser's Cookie header and the
request line's URI as ``X-Original-URI``; the answer is 204, 401 (not logged in) or 403 (no capability,
or a path outside the private folders), without a body. Apache (config/apache-private-files.conf)
proxies the whole request here with ``X-WeCoza-Sendfile: on``; an allowed request is then answered with
``X-Sendfile`` naming the file inside the uploads root, for mod_xsendfile to send.
"""
from __future__ import annotations

import logging
import posixpath
import re
from urllib.parse import unquote, urlsplit

from . import access, refusals, uploads
from .actions.classes import ATTACHMENT_DIR
from .actions.qa import QUESTION_DIR
from .browser_cookies import cookie_header
from .classes.qa import REPORT_DIR
from .handling import Outcome
from .learners.portfolios import DIRECTORY as PORTFOLIO_DIR
from .refusals import Refusal
from .responses import Reply

log = logging.getLogger("wecoza.sidecar.files")

# Each folder below the uploads root that the sidecar writes, and the action whose answers link to its
# files: that action's capability (``[capabilities]`` may change it) is the one a reader needs.
PRIVATE_FOLDERS = {
    PORTFOLIO_DIR: "wecoza_get_learner",      # portfolios and LP progression documents
    ATTACHMENT_DIR: "get_class_notes",        # class note attachments
    REPORT_DIR: "get_qa_visits",              # QA visit reports
    QUESTION_DIR: "submit_qa_question",       # QA question attachments (no action lists them)
}
DEFAULT_UPLOADS_PATH = "/wp-content/uploads"
SENDFILE_REQUEST = "X-WeCoza-Sendfile"
DOCUMENT_HEADERS = {"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff",
                    "Cache-Control": "private"}


def private_file(original_uri: str, uploads_path: str) -> tuple[str, str] | None:
    """(folder, path below the uploads root) of a request for a private document, decoded and with its dot
    segments resolved as the web server resolves them; None for any other path."""
    try:
        path = unquote(original_uri.partition("?")[0], errors="strict") if original_uri.startswith("/") else ""
    except (UnicodeDecodeError, ValueError):
        return None
    if not path or "\x00" in path or "\\" in path:
        return None
    normal = posixpath.normpath(re.sub("/+", "/", path))
    prefix = uploads_path.rstrip("/") + "/"
    if not normal.startswith(prefix):
        return None
    relative = normal[len(prefix):]
    folder, _, rest = relative.partition("/")
    if folder not in PRIVATE_FOLDERS or not rest:
        return None
    return folder, relative


def uploads_path(services) -> str:
    """The URL path the uploads root is served at (from ``sidecar.uploads_url`` or the site's home)."""
    return urlsplit(uploads.uploads_url(services, "")).path.rstrip("/") or DEFAULT_UPLOADS_PATH


def empty(status: int) -> Reply:
    return Reply(status, b"", "")


def authorize(services, headers, scheme: str) -> Outcome:
    """The answer to the web server's question about one request (its ``headers``, our ``scheme``)."""
    found = private_file(headers.get("X-Original-URI", ""), uploads_path(services))
    if found is None:
        return Outcome(empty(403), "files", auth="not_private",
                       refusal=Refusal(refusals.BAD_REQUEST, (), "not a private document path"))
    folder, relative = found
    label = f"files:{folder}"
    action = services.registry.actions[PRIVATE_FOLDERS[folder]]
    auth = services.wordpress.authenticate(
        cookie_header=cookie_header(headers.get("Cookie")), method="GET", ajax=False,
        https=headers.get("X-Forwarded-Proto", scheme) == "https")
    gate = access.Gate(label=label, capability=action.capability, key=action.name)
    denial = access.decide(services, gate, auth)
    user_id = auth.user.id if auth.user else 0
    if denial is not None:
        return refused(label, denial, user_id)
    if headers.get(SENDFILE_REQUEST, "").lower() != "on":
        return Outcome(empty(204), label, user_id, "ok")
    return Outcome(sendfile_reply(services, relative), label, user_id, "ok")


def refused(label: str, denial: access.Denial, user_id: int) -> Outcome:
    if denial.check == access.UNAVAILABLE:
        return Outcome(empty(503), label, 0, denial.reason,
                       refusal=Refusal(refusals.UNAVAILABLE, (), "WordPress database unavailable"))
    if denial.check == access.LOGGED_OUT:
        return Outcome(empty(401), label, 0, denial.reason, refusal=refusals.auth("logged_out"))
    return Outcome(empty(403), label, user_id, denial.reason, refusal=refusals.auth(denial.reason))


def sendfile_reply(services, relative: str) -> Reply:
    """For Apache's mod_xsendfile: the file's absolute path, only inside the uploads root."""
    try:
        target = uploads.resolve_inside(uploads.uploads_root(services.config), relative)
    except uploads.UploadsNotConfigured:
        target = None
    if target is None or not target.is_file():
        return empty(404)
    extension = uploads.client_extension(target.name)
    content_type = uploads.EXTENSION_MIME.get(extension, "application/octet-stream")
    return Reply(200, b"", content_type, {"X-Sendfile": str(target), **DOCUMENT_HEADERS})
