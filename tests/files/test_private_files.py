"""Private documents behind a real nginx (config/nginx-private-files.conf) asking the sidecar's
GET /files/authorize: the links stay the same, only users with the capability get the files."""
from __future__ import annotations

import secrets

import pytest
import requests

from sidecar.files import PRIVATE_FOLDERS
from tests.learners import samples
from devstack.ajax import call, create_nonce
from devstack.system import REPO_ROOT

# One document in each private folder, named as the sidecar names them.
DOCUMENTS = {
    "portfolios": "portfolios/portfolio_{token}.pdf",
    "wecoza-classes": "wecoza-classes/2026/01/attachment_{token}.pdf",
    "qa-reports": "qa-reports/qa_report_{token}.pdf",
    "qa-questions": "qa-questions/7/question_{token}.pdf",
}


@pytest.fixture(scope="module")
def documents(uploads_root):
    """{folder: path below the uploads root} of one PDF per private folder, and one public upload."""
    written = {}
    for folder, shape in {**DOCUMENTS, "public": "2026/01/brochure_{token}.pdf"}.items():
        relative = shape.format(token=secrets.token_hex(12))
        path = uploads_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(samples.pdf(folder))
        written[folder] = relative
    yield written
    for relative in written.values():
        (uploads_root / relative).unlink(missing_ok=True)


def fetch(proxy, relative, session=None, **kwargs):
    http = session if session is not None else requests.Session()
    return http.get(f"{proxy.url}/wp-content/uploads/{relative}", timeout=30, allow_redirects=False, **kwargs)


def stage_folders() -> set[str]:
    """The first directory of every ``uploads.stage(unit, upload, kind, DIRECTORY, prefix)`` call in the sidecar,
    with the names resolved in the calling module."""
    import ast
    import importlib
    found = set()
    for path in (REPO_ROOT / "sidecar").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "stage"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "uploads"):
                continue
            directory = node.args[3]
            if isinstance(directory, ast.JoinedStr):
                directory = directory.values[0].value if isinstance(directory.values[0], ast.FormattedValue) \
                    else directory.values[0]
            module = importlib.import_module(".".join(path.relative_to(REPO_ROOT).with_suffix("").parts))
            value = ast.literal_eval(directory) if isinstance(directory, ast.Constant) else \
                eval(compile(ast.Expression(directory), str(path), "eval"), vars(module))  # noqa: S307 - our source
            found.add(str(value).split("/")[0])
    return found


def test_every_folder_the_sidecar_writes_is_private_in_the_sidecar_and_both_examples():
    folders = stage_folders()
    assert len(folders) >= 4 and folders == set(PRIVATE_FOLDERS) == set(DOCUMENTS)
    nginx = (REPO_ROOT / "config" / "nginx-private-files.conf").read_text()
    apache = (REPO_ROOT / "config" / "apache-private-files.conf").read_text()
    for folder in folders:
        assert f"location ^~ /wp-content/uploads/{folder}/ {{\n    auth_request /wecoza-files-authorize;" in nginx
        assert folder in apache


@pytest.mark.parametrize("folder", sorted(DOCUMENTS))
def test_a_user_with_the_capability_gets_the_document_as_a_download(proxy, documents, sessions, folder, uploads_root):
    response = fetch(proxy, documents[folder], sessions["admin"])
    assert response.status_code == 200, response.text[:200]
    assert response.content == (uploads_root / documents[folder]).read_bytes()
    assert response.headers["Content-Disposition"] == "attachment"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private"


@pytest.mark.parametrize("folder", sorted(DOCUMENTS))
def test_users_without_the_capability_are_refused(proxy, documents, sessions, folder):
    for who in ("subscriber", "editor"):
        response = fetch(proxy, documents[folder], sessions[who])
        assert response.status_code == 403, who
        assert b"%PDF" not in response.content


@pytest.mark.parametrize("folder", sorted(DOCUMENTS))
def test_logged_out_visitors_are_refused(proxy, documents, folder):
    response = fetch(proxy, documents[folder])
    assert response.status_code == 401
    assert b"%PDF" not in response.content


def test_a_forged_or_logged_out_cookie_is_refused(proxy, documents, wordpress_site):
    session = wordpress_site.login("admin")
    assert fetch(proxy, documents["portfolios"], session).status_code == 200
    old = wordpress_site.logout(session)
    replayed = requests.Session()
    for name, value in old.items():
        replayed.cookies.set(name, value)
    assert fetch(proxy, documents["portfolios"], replayed).status_code == 401
    forged = requests.Session()
    for name, value in old.items():
        forged.cookies.set(name, value[:-4] + "0000" if name.startswith("wordpress_logged_in_") else value)
    assert fetch(proxy, documents["portfolios"], forged).status_code == 401


def test_other_uploads_stay_public(proxy, documents):
    response = fetch(proxy, documents["public"])
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert "attachment" not in response.headers.get("Content-Disposition", "")


@pytest.mark.parametrize("disguise", [
    "2026/../{path}",              # dot segments: nginx resolves them into the private folder
    "2026/%2e%2e/{path}",          # encoded dot segments
    "{encoded}",                   # the folder name percent-encoded
    "/{path}",                     # a doubled slash
])
def test_path_tricks_do_not_reach_a_private_file(proxy, documents, disguise):
    path = documents["portfolios"]
    encoded = "".join(f"%{ord(c):02x}" for c in "portfolios") + path[len("portfolios"):]
    relative = disguise.format(path=path, encoded=encoded)
    response = requests.get(f"{proxy.url}/wp-content/uploads/{relative}", timeout=30, allow_redirects=False)
    assert response.status_code in (400, 401, 403, 404)
    assert b"%PDF" not in response.content


def test_a_file_the_sidecar_stored_is_served_from_the_url_it_answered(proxy, routed, sessions, wordpress_site):
    """The link the page gets from upload_attachment is the one nginx protects (links unchanged)."""
    nonce = create_nonce(wordpress_site, sessions["admin"], "wecoza_class_nonce")
    answer = call(wordpress_site, sessions["admin"], "upload_attachment", {"nonce": nonce, "context": "class_notes"},
                  files=[("file", ("Minutes.png", samples.png(), "image/png"))]).json()
    assert answer["success"], answer
    path = answer["data"]["url"].split("/wp-content/uploads/", 1)[1]
    assert path.startswith("wecoza-classes/")
    assert fetch(proxy, path, sessions["admin"]).content == samples.png()
    assert fetch(proxy, path, sessions["subscriber"]).status_code == 403
    assert fetch(proxy, path).status_code == 401


def test_capabilities_setting_decides_per_folder(relaxed_proxy, documents, sessions):
    """`[capabilities] wecoza_get_learner = read` opens portfolios to subscribers, and nothing else."""
    assert fetch(relaxed_proxy, documents["portfolios"], sessions["subscriber"]).status_code == 200
    assert fetch(relaxed_proxy, documents["qa-reports"], sessions["subscriber"]).status_code == 403
    assert fetch(relaxed_proxy, documents["portfolios"]).status_code == 401


# --- the endpoint itself (what nginx and Apache ask) ------------------------------------------

def authorize(sidecar, uri=None, session=None, **headers):
    if uri is not None:
        headers["X-Original-URI"] = uri
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies) if session is not None else ""
    return requests.get(f"{sidecar.url}/files/authorize", headers={"Cookie": cookie, **headers}, timeout=30)


def test_authorize_answers_without_a_body(routed, documents, sessions):
    uri = f"/wp-content/uploads/{documents['portfolios']}"
    since = len(routed.log())
    for session, status in ((sessions["admin"], 204), (sessions["subscriber"], 403), (None, 401)):
        response = authorize(routed, uri, session)
        assert (response.status_code, response.content) == (status, b"")
    lines = routed.request_lines(since, count=3, action="files:portfolios")
    assert sorted(line["status"] for line in lines) == [204, 401, 403]


@pytest.mark.parametrize("uri", [None, "", "/wp-content/uploads/2026/01/x.pdf", "/wp-content/uploads/portfolios/",
                                 "/wp-content/uploads/portfolios/../../wp-config.php", "/wp-content/uploads/%ff.pdf",
                                 "http://elsewhere/wp-content/uploads/portfolios/a.pdf"])
def test_authorize_refuses_anything_but_a_private_document(routed, sessions, uri):
    """Asked about another path (a proxy misconfigured), the answer is no, even for an administrator."""
    response = authorize(routed, uri, sessions["admin"])
    assert (response.status_code, response.content) == (403, b"")


def test_sendfile_mode_names_the_file_inside_the_uploads_root(routed, documents, sessions, uploads_root):
    """Apache's variant (config/apache-private-files.conf): the allowed answer carries X-Sendfile."""
    uri = f"/wp-content/uploads/{documents['qa-reports']}"
    response = authorize(routed, uri, sessions["admin"], **{"X-WeCoza-Sendfile": "on"})
    assert response.status_code == 200
    assert response.headers["X-Sendfile"] == str((uploads_root / documents["qa-reports"]).resolve())
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    missing = authorize(routed, "/wp-content/uploads/qa-reports/qa_report_missing.pdf", sessions["admin"],
                        **{"X-WeCoza-Sendfile": "on"})
    assert (missing.status_code, missing.headers.get("X-Sendfile")) == (404, None)
    refused = authorize(routed, uri, sessions["subscriber"], **{"X-WeCoza-Sendfile": "on"})
    assert (refused.status_code, refused.headers.get("X-Sendfile")) == (403, None)
