"""tests/, bench/ and demo/ share their machinery through devstack/ only: none of the three imports another, and
devstack imports none of them (every import statement of every module, read with ast)."""
import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CONSUMERS = ("tests", "bench", "demo")
SHARED = "devstack"


def imported_packages(path: Path) -> set[str]:
    """The top-level package of every absolute import in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str):
    return sorted(p for p in (REPO_ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("package", [*CONSUMERS, SHARED])
def test_no_imports_between_tests_bench_and_demo(package):
    forbidden = set(CONSUMERS) - {package}
    crossing = {str(path.relative_to(REPO_ROOT)): sorted(imported_packages(path) & forbidden)
                for path in modules(package)}
    assert {path: names for path, names in crossing.items() if names} == {}


def test_the_reader_sees_every_form_of_import(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text("import demo.stack\nfrom bench import run\nfrom .near import x\n"
                      "def later():\n    from tests.support import ajax\n")
    assert imported_packages(module) == {"demo", "bench", "tests"}
