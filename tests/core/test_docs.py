"""The documentation keeps its promises: the generated tables are current, every relative link and anchor
resolves, the README opens with the two commands and lists every HTTP route the sidecar serves."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = sorted([REPO / "README.md", REPO / "CONTRIBUTING.md", REPO / "bench" / "README.md",
               REPO / "wp-plugin-shim" / "README.md", *(REPO / "docs").glob("*.md")])
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


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
    for source in (REPO / "sidecar").glob("*.py"):
        routes |= set(re.findall(r"@app\.(?:get|post|route)\(\"([^\"]+)\"", source.read_text()))
    assert {"/events/status", "/events/retry", "/files/authorize"} <= routes
    for route in routes:
        assert f"`{route}`" in readme or f" {route}`" in readme, route
    assert "one JSON line" in readme
    assert not re.search(r"\b(two|several|2) (JSON )?(log )?lines\b", readme)
