"""The package's shape: imports point down the layers, nothing but the command line imports it, no cycles.

Every import counts, at module level or inside a function: an import moved into a function to dodge a
cycle is still the cycle.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# From the bottom up; a module may import from its own layer and the layers below it. ingest and
# releases sit side by side: neither imports the other. The applications (the Python API, the explorer,
# the coding assist) build on both and sit under the command line.
LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"cedar", "cedar.errors", "cedar.sample_data", "cedar.schema"}),
    ("validate", {"cedar.validate"}),
    ("ingest", {"cedar.ingest"}),
    ("releases", {"cedar.releases"}),
    ("apps", {"cedar.api", "cedar.explore", "cedar.coding"}),
    ("cli", {"cedar.cli", "cedar.__main__"}),
]
RANK = {"base": 0, "validate": 1, "ingest": 2, "releases": 2, "apps": 3, "cli": 4}
# The one import allowed to point up: `cedar.open_release` is found in cedar.api by the package's module
# __getattr__ (PEP 562), only when a user asks for it, so that `import cedar` stays light. Left out of
# the graph, it makes no cycle either; test_the_facade_is_the_only_exception holds it to that shape.
FACADE = ("cedar", "cedar.api")


def package_dirs() -> dict[str, Path]:
    """Each package's folder, as setuptools maps it: package-dir, or the parent's folder and the name."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapped = config["package-dir"]
    dirs: dict[str, Path] = {}
    for package in sorted(config["packages"], key=len):
        parent, _, leaf = package.rpartition(".")
        dirs[package] = REPO / mapped[package] if package in mapped else dirs[parent] / leaf
    return dirs


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name, from the folders pyproject maps."""
    found: dict[str, Path] = {}
    dirs = package_dirs()
    for package, folder in dirs.items():
        for path in folder.glob("*.py"):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            found[name] = path
    return found


def layer_of(module: str) -> str:
    best, best_len = None, -1
    for layer, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = layer, len(prefix)
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS"
    return best


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's own modules that `name` imports, anywhere in its text."""
    is_package = path.stem == "__init__"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            # `from package import module` imports the module; `from module import name` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target.split(".")[0] == "cedar" and target != name:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    edges = {name: imports_of(name, path, known) for name, path in mods.items()}
    edges[FACADE[0]] = edges[FACADE[0]] - {FACADE[1]}
    return edges


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(edges.items()):
        for target in sorted(targets):
            low, high = layer_of(module), layer_of(target)
            if high == "cli" and low != "cli":
                wrong.append(f"{module} imports the command line ({target})")
            elif RANK[high] > RANK[low] or (RANK[high] == RANK[low] and high != low):
                wrong.append(f"{module} ({low}) imports {target} ({high})")
    return wrong


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_module_belongs_to_a_layer():
    for module in modules():
        layer_of(module)


def test_no_module_imports_from_a_layer_above_it():
    assert upward_imports(graph()) == []


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_the_checks_catch_an_upward_import_and_a_cycle():
    edges = graph()
    edges["cedar.schema.model"] = edges["cedar.schema.model"] | {"cedar.validate.report"}
    assert "cedar.schema.model (base) imports cedar.validate.report (validate)" in upward_imports(edges)
    edges["cedar.validate.report"] = edges["cedar.validate.report"] | {"cedar.schema.model"}
    assert any({"cedar.schema.model", "cedar.validate.report"} <= set(c) for c in cycles(edges))
    assert upward_imports({"cedar.releases.build": {"cedar.ingest.store"}}) == [
        "cedar.releases.build (releases) imports cedar.ingest.store (ingest)"]


@pytest.mark.parametrize("source, expected", [
    ("from cedar.validate import report\n", {"cedar.validate.report"}),
    ("def f():\n    from ..validate.report import Report\n", {"cedar.validate.report"}),
    ("import cedar.validate.report as r\n", {"cedar.validate.report"}),
])
def test_imports_are_found_in_every_form(tmp_path, source, expected):
    path = tmp_path / "model.py"
    path.write_text(source, encoding="utf-8")
    known = {"cedar", "cedar.schema", "cedar.schema.model", "cedar.validate", "cedar.validate.report"}
    assert imports_of("cedar.schema.model", path, known) == expected


def test_the_facade_is_the_only_exception():
    """cedar imports cedar.api inside its module __getattr__ (and for type checkers, under TYPE_CHECKING,
    which never runs) and nothing else of cedar."""
    path = modules()["cedar"]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert imports_of("cedar", path, set(modules())) == {"cedar.api"}
    run_at_import = []
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            inside = [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
            assert [(n.module, [a.name for a in n.names]) for n in inside] == [("cedar", ["api"])]
            continue
        run_at_import += [getattr(n, "module", None) for n in ast.walk(node)
                          if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert set(run_at_import) == {"__future__", "typing"}, run_at_import
