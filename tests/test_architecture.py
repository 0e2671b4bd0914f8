"""The design's rules, read from the source: every import (lazy and TYPE_CHECKING ones included)
of every module under tracker/ and alerts/, found by walking its AST."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("tracker", "alerts")
# what alerts may import from tracker: the stage dataclasses, the diff and the config
ALERTS_MAY_IMPORT = {"tracker.model", "tracker.diff", "tracker.config"}
# the orchestrator: the one place in tracker that calls into alerts
ORCHESTRATOR = "tracker.pipeline"
MIGRATIONS = "tracker.migrations.versions."  # frozen history: each upgrade() is one DDL script


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {
        module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))
    }


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def imported(name: str) -> set[str]:
    """Every module `name` imports, wherever the import statement stands."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from tracker.store import models` imports the module tracker.store.models, not
            # a name of the package (whose __init__ runs first, as for any submodule)
            submodules = {f"{base}.{a.name}" for a in node.names} & modules().keys()
            out.update(submodules)
            if len(submodules) < len(node.names):
                out.add(base)
    return out


def graph() -> dict[str, set[str]]:
    """Edges between the project's own modules."""
    own = modules()
    return {name: {m for m in imported(name) if m in own and m != name} for name in own}


def test_the_walker_sees_lazy_and_type_checking_imports() -> None:
    assert "tracker.migrations" in imported("tracker.store")  # inside a method
    assert "tracker.model" in imported("tracker.cli")  # under TYPE_CHECKING


def test_sqlalchemy_only_in_the_store_and_the_migrations() -> None:
    allowed = ("tracker.store", "tracker.migrations")
    leaks = sorted(
        name
        for name in modules()
        if not (name == allowed[0] or name.startswith(allowed))
        and any(m == "sqlalchemy" or m.startswith("sqlalchemy.") for m in imported(name))
    )
    assert leaks == []


def test_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert [" -> ".join(c) for c in cycles] == []


def test_alerts_depend_only_on_the_model_diff_and_config() -> None:
    wrong = {
        name: sorted(m for m in imported(name) if m.startswith("tracker") and m != "tracker")
        for name in modules()
        if name.startswith("alerts")
    }
    assert {k: [m for m in v if m not in ALERTS_MAY_IMPORT] for k, v in wrong.items()} == {
        k: [] for k in wrong
    }


def test_only_the_orchestrator_calls_into_alerts() -> None:
    callers = sorted(
        name
        for name in modules()
        if name.startswith("tracker")
        and any(m == "alerts" or m.startswith("alerts.") for m in imported(name))
    )
    assert callers == [ORCHESTRATOR]


def sized() -> list[str]:
    return list(modules())


@pytest.mark.parametrize("name", sized())
def test_functions_are_small(name: str) -> None:
    if name.startswith(MIGRATIONS):
        pytest.skip("a migration is frozen DDL history")
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree(name))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > 50
    ]
    assert long == []


@pytest.mark.parametrize("name", sized())
def test_modules_are_small(name: str) -> None:
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines < 400
