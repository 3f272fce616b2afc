"""The import structure: no cycle anywhere in the package, and the contracts cover every room.

The contracts themselves (one-way layers, no UI in the transforms, no pandas) live in
``pyproject.toml`` under ``[tool.importlinter]`` and run as ``lint-imports`` in ``make lint``;
:func:`test_import_contracts_are_kept` runs them here too, so that a plain ``pytest`` run
(and ``make test-fast``) catches a broken one.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "partnerkit"


def module_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import each other in a circle (strongly connected, >1).

    Iterative Tarjan over the direct imports of every module of ``graph``.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def sibling_cycles(graph: grimp.ImportGraph) -> dict[str, set[tuple[str, str]]]:
    """Per package, the imports to cut so that its children (subtrees squashed) form no circle.

    Two sibling packages whose modules import each other form a circle even when no single
    module does; an empty result means every package's children import one way only.
    """
    packages = sorted(m for m in graph.modules if graph.find_children(m))
    found = {p: graph.nominate_cycle_breakers(p) for p in packages}
    return {p: cut for p, cut in found.items() if cut}


def room_names() -> set[str]:
    """Every top-level package or module of ``partnerkit/`` (the rooms)."""
    names = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    names |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return {f"partnerkit.{n}" for n in names}


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def layered() -> set[str]:
    """The modules named in the layers contract."""
    (layers,) = [c["layers"] for c in contracts() if c["type"] == "layers"]
    assert isinstance(layers, list)
    return {name.strip() for layer in layers for name in str(layer).split("|")}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("partnerkit", cache_dir=None)


def test_no_import_cycle_between_modules(graph: grimp.ImportGraph) -> None:
    assert len(graph.modules) > 50, "the package graph looks empty"
    assert module_cycles(graph) == []


def test_no_import_cycle_between_sibling_packages(graph: grimp.ImportGraph) -> None:
    assert sibling_cycles(graph) == {}


def test_import_contracts_are_kept() -> None:
    assert lint_imports(str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_every_room_is_in_the_layers_contract() -> None:
    rooms = room_names()
    assert "partnerkit.load" in rooms
    assert "partnerkit.cli" in rooms
    assert rooms - layered() == set(), "a room missing from [tool.importlinter] layers"


def test_every_room_but_widgets_is_kept_from_widget_libraries() -> None:
    # A new room must be placed in a UI contract too, not only in the layers.
    sources: set[str] = set()
    for contract in contracts():
        if contract["type"] == "forbidden" and "ipywidgets" in contract["forbidden_modules"]:
            sources |= {str(m) for m in contract["source_modules"]}
    assert room_names() - sources == {"partnerkit.widgets"}


def test_every_layered_name_is_a_room() -> None:
    assert layered() - room_names() == set()


SKIP_ON_IMPORT = re.compile(r"""(?:importorskip|find_spec)\(\s*["']([\w.]+)["']""")


def hard_requirements() -> set[str]:
    """The import names of the package and of its required (not optional) dependencies."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {
        re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-")
        for spec in config["project"]["dependencies"]
    }
    names = {"partnerkit"}
    for module, dists in packages_distributions().items():
        if any(d.lower().replace("_", "-") in wanted for d in dists):
            names.add(module)
    return names


def skips_on_imports(source: str, hard: set[str]) -> list[str]:
    """Modules of ``hard`` whose absence ``source`` turns into a skip."""
    return [m for m in SKIP_ON_IMPORT.findall(source) if m.split(".")[0] in hard]


def test_no_test_skips_on_the_package_or_a_required_dependency() -> None:
    # A broken import of our own code or of a required dependency must fail, not skip.
    hard = hard_requirements()
    assert {"partnerkit", "polars", "altair", "anywidget", "ipywidgets"} <= hard
    found = {
        str(path.relative_to(ROOT)): skips
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if (skips := skips_on_imports(path.read_text(encoding="utf-8"), hard))
        and path.name != "test_imports.py"
    }
    assert found == {}


def test_skips_on_imports_finds_them() -> None:
    source = 'pytest.importorskip("partnerkit.load.read")\nfind_spec("anywidget") is None\n'
    source += 'pytest.importorskip("rfc3987_syntax")\n'
    assert skips_on_imports(source, {"partnerkit", "anywidget"}) == [
        "partnerkit.load.read",
        "anywidget",
    ]


# -- the checks above can fail: a small package with planted circles ----------------------


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[grimp.ImportGraph]:
    """``plantedkit``: a module circle (a <-> b) and a package circle (low <-> high)."""
    pkg = tmp_path / "plantedkit"
    for folder in (pkg, pkg / "low", pkg / "high"):
        folder.mkdir()
        (folder / "__init__.py").write_text("")
    (pkg / "a.py").write_text("import plantedkit.b\n")
    (pkg / "b.py").write_text("def f():\n    from plantedkit import a\n")
    (pkg / "c.py").write_text("import plantedkit.a\n")
    (pkg / "low" / "x.py").write_text("from plantedkit.high import y\n")
    (pkg / "high" / "y.py").write_text("import plantedkit.c\n")
    (pkg / "high" / "z.py").write_text("from plantedkit.low.x import *\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield grimp.build_graph("plantedkit", cache_dir=None)
    for name in [m for m in sys.modules if m.startswith("plantedkit")]:
        del sys.modules[name]


def test_module_cycles_finds_a_planted_circle(planted: grimp.ImportGraph) -> None:
    # a -> b -> a (b imports a inside a function: still a circle); c only leans on it.
    assert module_cycles(planted) == [["plantedkit.a", "plantedkit.b"]]


def test_sibling_cycles_finds_planted_package_circles(planted: grimp.ImportGraph) -> None:
    # low.x -> high.y and high.z -> low.x: no module circle, but low <-> high is one.
    found = sibling_cycles(planted)
    assert set(found) == {"plantedkit"}
    cut = found["plantedkit"]
    assert cut & {("plantedkit.a", "plantedkit.b"), ("plantedkit.b", "plantedkit.a")}
    assert cut & {
        ("plantedkit.low.x", "plantedkit.high.y"),
        ("plantedkit.high.z", "plantedkit.low.x"),
    }
