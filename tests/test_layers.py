"""The package's import graph: layers import only downwards, and nothing cycles.

Read from the source with ``ast`` (imports inside functions count: a lazy
import is still a dependency; imports under ``if TYPE_CHECKING:`` do not,
they never run).  A new module must be placed in :data:`LAYERS` below.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import zhtargets

PACKAGE = Path(zhtargets.__file__).parent

# Lower numbers sit lower; a module may import its own layer and the ones
# below (see docs/ARCHITECTURE.md in the shared docs, "The layers").
LAYERS: dict[str, int] = {
    "records": 0,
    "_lexicon": 1, "_io": 1, "_segmenter": 1, "_workers": 1, "_patterns": 1, "normalize": 1, "numerals": 1, "units": 1,
    "spans": 2, "context": 2, "indicators": 2, "extractor": 2, "batch": 2, "periods": 2,
    "structure": 3, "genre": 3, "parts": 3, "indicator_table": 3, "document": 3,
    "link": 4, "judge": 4, "evidence": 4, "surroundings": 4, "panel": 4, "evaluate": 4, "dask": 4,
    "wording": 5, "render": 5, "ledger": 5, "plots": 5,
    "cli": 6, "__main__": 6, "__init__": 6,
}
# Document.link() is the README's one-call shortcut to link a document's plans
# to its own results; link itself never imports document, so no cycle forms.
SHORTCUTS = frozenset({("document", "link")})
VIEWS = frozenset(m for m, layer in LAYERS.items() if layer == 5)


def _top_level_names() -> set[str]:
    return {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _imports(path: Path, names: set[str]) -> set[str]:
    """Top-level modules of the package that ``path`` imports."""
    rel = path.relative_to(PACKAGE).with_suffix("").parts
    package = ("zhtargets", *rel[:-1]) if rel[-1] != "__init__" else ("zhtargets", *rel[:-1])
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[tuple[str, ...]] = []
        if isinstance(node, ast.Import):
            targets = [tuple(a.name.split(".")) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            module = (*base, *(node.module.split(".") if node.module else ()))
            if node.module is None:
                targets = [(*module, a.name) for a in node.names]
            else:
                targets = [module]
        for t in targets:
            if t[0] != "zhtargets":
                continue
            key = t[1] if len(t) > 1 and t[1] in names else "__init__"
            found.add(key)
    return found


def _graph() -> dict[str, set[str]]:
    names = _top_level_names()
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).parts
        module = rel[0].removesuffix(".py")
        graph.setdefault(module, set()).update(_imports(path, names) - {module})
    return graph


def test_every_module_has_a_layer():
    unplaced = sorted(set(_graph()) - set(LAYERS))
    assert not unplaced, f"place these modules in LAYERS of {__file__}: {unplaced}"


def test_records_import_nothing_of_the_package():
    assert _graph()["records"] == set()


def test_no_module_imports_a_layer_above_it():
    upward = sorted((m, d) for m, deps in _graph().items() for d in deps
                    if m in LAYERS and d in LAYERS and LAYERS[d] > LAYERS[m]
                    and (m, d) not in SHORTCUTS)
    assert not upward, f"imports reaching up a layer: {upward}"


def test_only_the_top_imports_views():
    into_views = sorted((m, d) for m, deps in _graph().items() for d in deps & VIEWS
                        if m not in VIEWS and LAYERS.get(m, 0) < 6)
    assert not into_views


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("source, expected", [
    ("from .records import Target", {"records"}),
    ("from . import extract", {"__init__"}),
    ("from zhtargets import Extractor", {"__init__"}),
    ("import zhtargets.render", {"render"}),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .render import render",
     set()),
    ("def f():\n    from .ledger import to_excel", {"ledger"}),
])
def test_the_graph_reader_sees_each_form_of_import(tmp_path, monkeypatch, source, expected):
    # The reader is what the layer tests stand on: each import form must count.
    fake = PACKAGE / "records.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert _imports(fake, {"records", "render", "ledger", "extractor"}) == expected
