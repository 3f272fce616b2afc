"""Keep each UI library inside the layer allowed to use it (checked on the source, by AST).

- ipywidgets (and anywidget) only in ``partnerkit/widgets``;
- altair only in ``partnerkit/charts``, ``partnerkit/report`` and ``partnerkit/widgets``;
- pandas nowhere in the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "partnerkit"

# library -> package folders allowed to import it (empty: nowhere)
ALLOWED: dict[str, tuple[str, ...]] = {
    "ipywidgets": ("widgets",),
    "anywidget": ("widgets",),
    "altair": ("charts", "report", "widgets"),
    "pandas": (),
}


def imported_roots(source: str) -> set[str]:
    """Top-level module names imported anywhere in ``source`` (also inside functions)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def violations(package: Path) -> list[str]:
    """``path imports lib`` for every import of a UI library outside its allowed folders."""
    found = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        folder = parts[0] if len(parts) > 1 else ""
        libs = sorted(imported_roots(path.read_text(encoding="utf-8")) & ALLOWED.keys())
        found.extend(
            f"{path.relative_to(package.parent)} imports {lib}"
            for lib in libs
            if folder not in ALLOWED[lib]
        )
    return found


def test_package_keeps_ui_libraries_in_their_layer() -> None:
    assert list(PACKAGE.rglob("*.py")), "package sources not found"
    assert violations(PACKAGE) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import ipywidgets as w", {"ipywidgets"}),
        ("from altair.utils import x", {"altair"}),
        ("def f():\n    import pandas\n", {"pandas"}),
        ("import importlib\nimportlib.import_module('pandas')", {"importlib", "pandas"}),
        ("from . import altair", set()),  # a relative import of a sibling module
        ("import polars.selectors as cs", {"polars"}),
    ],
)
def test_imported_roots(source: str, expected: set[str]) -> None:
    assert imported_roots(source) == expected


def test_violations_flags_a_misplaced_import(tmp_path: Path) -> None:
    pkg = tmp_path / "partnerkit"
    (pkg / "metrics").mkdir(parents=True)
    (pkg / "widgets").mkdir()
    (pkg / "charts").mkdir()
    (pkg / "metrics" / "pareto.py").write_text("import altair\nimport polars\n")
    (pkg / "widgets" / "explorer.py").write_text("import ipywidgets\nimport altair\n")
    (pkg / "charts" / "pareto.py").write_text("from ipywidgets import HTML\n")
    (pkg / "analysis.py").write_text("import pandas as pd\n")
    assert violations(pkg) == [
        "partnerkit/analysis.py imports pandas",
        "partnerkit/charts/pareto.py imports ipywidgets",
        "partnerkit/metrics/pareto.py imports altair",
    ]
