"""The package's layers, checked on the source: imports go one way, and no cycle exists.

Lowest first — foundation (settings, errors, models, text helpers) < ``backends`` (store,
generations, embeddings) < ``ingest`` < ``search`` < ``answer`` < ``trainer`` < the
interfaces (``chat``, ``evaluation``, ``cli``). A module may import its own layer or lower
ones; imports inside functions count too (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"

LAYERS = ["foundation", "backends", "ingest", "search", "answer", "trainer", "interfaces"]
INTERFACES = {"chat", "evaluation", "cli", "__main__"}
SUBPACKAGE_LAYERS = {"backends", "ingest", "search", "answer", "trainer"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "foundation"  # the package itself (its version)
    head = parts[1]
    if head in SUBPACKAGE_LAYERS:
        return head
    if head in INTERFACES:
        return "interfaces"
    return "foundation"  # settings, errors, models, textnorm, safety, resources


def imports_of(path: Path) -> set[str]:
    """Every ``assistant`` module imported by the file, wherever the import statement sits."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "assistant")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "assistant":
                target = node.module
            else:
                continue
            # ``from pkg import submodule`` depends on the submodule.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if known(candidate) else target)
    return {resolve(name) for name in found} - {module}


def known(module: str) -> bool:
    relative = Path(*module.split("."))
    root = PACKAGE.parent
    path = root / relative
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def resolve(module: str) -> str:
    """The module itself, or the nearest package that exists (``a.b.name`` → ``a.b``)."""
    while module and not known(module):
        module = module.rpartition(".")[0]
    return module


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_sits_in_a_known_layer():
    for module in graph():
        assert layer_of(module) in LAYERS, module


def test_imports_never_go_up_a_layer():
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = [
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in graph().items()
        for target in targets
        if rank[layer_of(target)] > rank[layer_of(module)]
    ]
    assert not upward, "\n".join(upward)


def test_no_import_cycle():
    edges = graph()
    # Packages' ``__init__`` are edges of their own only when they import something.
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert not cycles, "\n".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("upward", ["from ..answer.answering import Assistant"])
def test_the_layer_check_catches_an_upward_import(tmp_path, monkeypatch, upward):
    # The checker itself, on a copy: a search module importing the answer layer is flagged.
    module = PACKAGE / "search" / "lexical.py"
    path = tmp_path / "assistant" / "search" / "lexical.py"
    path.parent.mkdir(parents=True)
    path.write_text(module.read_text(encoding="utf-8") + f"\n{upward}\n", encoding="utf-8")
    (tmp_path / "assistant" / "answer").mkdir()
    (tmp_path / "assistant" / "answer" / "answering.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "assistant")
    with pytest.raises(AssertionError, match=r"imports assistant\.answer\.answering"):
        test_imports_never_go_up_a_layer()
