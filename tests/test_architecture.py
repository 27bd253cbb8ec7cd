"""The shape of the package, read from the code: no import circle anywhere (imports inside
functions count too), and the layers keep their rules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "facilitation"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (anywhere in its body)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "versions" not in p.parts}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # "from . import x" may name a module x of that package.
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_package_imports_one_that_imports_it_back():
    graph = import_graph()
    assert graph["facilitation.services.notes"]  # the walk sees imports at all
    # A package imports its own modules by design ("from . import x"); only loops between modules count.
    real = {name: {t for t in targets if not name.startswith(t + ".") and not t.startswith(name + ".")}
            for name, targets in graph.items()}
    assert circles(real) == []


def test_the_walk_finds_a_circle_when_there_is_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_services_decide_nothing_about_the_web():
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("facilitation.services"):
            assert not {t for t in targets if t.startswith(("facilitation.web", "facilitation.realtime"))}, name


def test_only_the_presenters_module_makes_a_note_wire_form():
    """Visibility is decided in one place: no other module builds a note's form or strips a pseudonym."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "presenters.py":
            continue
        text = path.read_text()
        assert '"pseudonym": ""' not in text and "anonymity != p.SHOWN" not in text, path
