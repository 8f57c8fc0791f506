"""The documentation keeps its promises: the generated tables are current, every relative link and anchor
resolves, the README opens with the two commands and lists every HTTP route the sidecar serves."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = sorted([REPO / "README.md", REPO / "CONTRIBUTING.md", REPO / "bench" / "README.md",
               REPO / "wp-plugin-shim" / "README.md", *(REPO / "docs").rglob("*.md")])
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# Where code comments and docs may cite the design and the contract notes from.
CITING = ("sidecar", "wp_bridge", "wp-plugin-shim", "demo", "devstack", "tests", "bench", "config", "scripts", "docs",
          ".ci", "README.md", "CONTRIBUTING.md", "pyproject.toml")
CITATION = re.compile(r"(?<![\w/.])docs/((?:[\w-]+/)*[\w-]+\.md)(?:#([\w-]+))?")
# Documents that live outside the repository (the design and the research notes on the legacy plugin).
OUTSIDE = re.compile(r"DESIGN\.md|\b(?:learners|classes)-contract\b|schema-notes|wordpress-auth\.md|recordings/README")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation (backticks too) dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)}


def test_generated_tables_and_files_are_current():
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "regenerate.py"), "--check"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_resolves(doc):
    text = re.sub(r"```.*?```", "", doc.read_text(), flags=re.S)
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (doc.parent / file_part).resolve() if file_part else doc
        assert linked.exists(), f"{doc.name}: {target} names no file"
        if anchor:
            assert anchor in anchors(linked), f"{doc.name}: {target} names no heading of {linked.name}"


def test_slug_matches_githubs_rule():
    assert slug("Wire contract (see `wp_bridge/channel.py`)") == "wire-contract-see-wp_bridgechannelpy"
    assert slug("Forward mode (default) or direct mode") == "forward-mode-default-or-direct-mode"
    assert slug("TLS and access to `/metrics` and `/readyz`") == "tls-and-access-to-metrics-and-readyz"


def test_readme_is_an_overview_that_opens_with_the_two_commands():
    readme = (REPO / "README.md").read_text()
    assert len(readme.encode()) <= 15_000
    assert readme.startswith("# WeCoza sidecar bridge\n\n```sh\n./scripts/demo.sh up\n./scripts/test.sh\n```\n")
    for guide in ("docs/admins.md", "docs/operators.md", "docs/hooks.md", "docs/differences.md", "CONTRIBUTING.md",
                  "bench/README.md"):
        assert f"]({guide})" in readme, guide


def test_readme_lists_every_http_route_and_one_log_line_per_request():
    readme = (REPO / "README.md").read_text()
    routes = set()
    for source in (REPO / "sidecar").rglob("*.py"):  # the blueprints of sidecar/web
        routes |= set(re.findall(r"@\w+\.(?:get|post|route)\(\"([^\"]+)\"", source.read_text()))
    routes |= plain_routes()
    assert {"/events/status", "/events/retry", "/files/authorize", "/ajax/<action>", "/form/<form>",
            "/wp-admin/admin-ajax.php"} <= routes
    for route in routes:
        assert f"`{route}`" in readme or f" {route}`" in readme, route
    assert "one JSON line" in readme
    assert not re.search(r"\b(two|several|2) (JSON )?(log )?lines\b", readme)


def plain_routes() -> set[str]:
    """The patterns of the plain WSGI routes (sidecar.web.plain) the modules of sidecar/web declare."""
    import importlib

    from sidecar.web.plain import PlainRoute
    labels = set()
    for source in (REPO / "sidecar" / "web").glob("*.py"):
        module = importlib.import_module(f"sidecar.web.{source.stem}".removesuffix(".__init__"))
        labels |= {value.label for value in vars(module).values() if isinstance(value, PlainRoute)}
    return labels


def citing_files():
    for root in CITING:
        path = REPO / root
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            if "__pycache__" in candidate.parts or candidate.suffix in (".pyc", ".gz", ".png", ".jpg", ".pdf"):
                continue
            try:
                yield candidate, candidate.read_text()
            except UnicodeDecodeError:
                continue


def test_every_citation_of_docs_resolves_inside_the_repository():
    """Comments and docs cite docs/<file>.md or docs/<file>.md#<heading>: the file and the heading exist."""
    cited = 0
    for path, text in citing_files():
        for doc, anchor in CITATION.findall(text):
            cited += 1
            target = REPO / "docs" / doc
            where = f"{path.relative_to(REPO)} cites docs/{doc}{'#' + anchor if anchor else ''}"
            assert target.is_file(), f"{where}: no such file"
            if anchor:
                assert anchor in anchors(target), f"{where}: no such heading"
    assert cited >= 20  # the domain modules cite their contract notes


def test_nothing_cites_a_document_outside_the_repository():
    """The design and the contract notes the code relies on are in docs/; nothing points outside any more."""
    this_file = Path(__file__).resolve()
    found = [f"{path.relative_to(REPO)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
             for path, text in citing_files() if path.resolve() != this_file
             for m in OUTSIDE.finditer(text)]
    assert not found, "\n".join(found)


def test_citation_pattern():
    assert CITATION.findall("see docs/contracts/learners.md#the-list-rows.") == [("contracts/learners.md",
                                                                                  "the-list-rows")]
    assert CITATION.findall("(docs/design.md)") == [("design.md", "")]
    assert CITATION.findall("../docs/operators.md#logs") == []  # a relative link: checked with the links above
    assert OUTSIDE.search("(learners-contract 2.6)") and OUTSIDE.search("DESIGN.md section 6")
