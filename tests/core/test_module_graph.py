"""The sidecar's modules import each other without a cycle, and a handler never imports its caller.

Every import counts, also one inside a function: a cycle hidden in a function is still a cycle."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sidecar"
# The callers of handlers (the guard runs actions, forms runs form posts, the HTTP layer runs both).
CALLERS = {"sidecar.guard", "sidecar.forms", "sidecar.app"}
HANDLER_PACKAGES = ("sidecar.actions", "sidecar.classes", "sidecar.learners")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from . import outbox` imports the module sidecar.outbox
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known and m != name}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read():
    graph = import_graph()
    assert "sidecar.web.forwarded" in graph and "sidecar.guard" in graph["sidecar.web.forwarded"]
    assert "sidecar.handling" in graph["sidecar.actions.learners"]


def test_a_cycle_is_found_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_the_sidecar_is_in_an_import_cycle():
    assert cycles(import_graph()) == []


# Importing these runs the program (serve, or build the app from the environment's configuration).
ENTRY_POINTS = {"sidecar.__main__", "sidecar.wsgi"}


def test_every_module_imports():
    for name in sorted(set(modules()) - ENTRY_POINTS):
        importlib.import_module(name)


def is_caller(name: str) -> bool:
    return name in CALLERS or name.startswith("sidecar.web")


def test_handlers_do_not_import_their_callers():
    offenders = {name: sorted(filter(is_caller, deps)) for name, deps in import_graph().items()
                 if name.startswith(HANDLER_PACKAGES) and any(map(is_caller, deps))}
    assert offenders == {}
