"""Stage 1 stays in one room, and that room speaks to engines through narwhals only.

Two rules, checked on the source (AST), each shown to catch a planted violation:

1. **Only ``partnerkit/facts/`` (and ``partnerkit/load/``, which reads and checks the
   sources) reads raw canonical rows.** Code that reduces deals, activities, investments or
   overlaps has to name their columns, so the rule looks for the columns that exist only in
   those raw tables: the canonical columns of the four tables, less those of ``partners``
   (the partner dimension stage 2 reads) and less every column of a declared fact table (when
   ``partnerkit.schema`` declares them). A distinctive name (``created_on``, ``occurred_on``,
   ``initiated_by``...) counts wherever it appears as a string, however the code got there
   (a ``pl.col`` call, a tuple of names, a dict key); an everyday word (``source``, ``kind``,
   ``hours``...) only where it names a column (``col("...")``, ``frame["..."]``). Docstrings
   (their examples build portfolios from literals) and questions about what a source
   supplied (``has("deals", "source")``, or a ``("deals", "source", ...)`` tuple naming the
   table then one of its columns, as a table of notes about absent inputs does) are not
   reads. Raw tables reached as attributes of
   a portfolio and then queried (``portfolio.deals.filter(...)``) count as well.
   ``partnerkit/schema.py`` declares the columns and ``partnerkit/samples/`` writes raw
   tables; both are outside the rule.

2. **``partnerkit/facts/`` imports no engine** (polars, DuckDB, PySpark, pandas, PyArrow,
   SQLFrame, Ibis, Dask) except in ``partnerkit/facts/engines.py``, the one engine-branch
   module; everything else goes through narwhals. The modules that hold or read the
   *collected* facts may import polars and nothing else (:data:`POLARS_HANDOVER`): stage 2
   runs in polars by design, so the handover object is a polars one. Imports under
   ``if TYPE_CHECKING:`` are allowed: they never run, so they add no runtime dependency on
   an engine, and annotating a function with the native type it hands back
   (``pl.LazyFrame``) is documentation a reader needs. Imports inside functions and
   ``importlib.import_module("...")`` count.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from partnerkit.schema import TABLES

PACKAGE = Path(__file__).resolve().parents[2] / "partnerkit"

STAGE_ONE = "facts"
ENGINE_MODULE = "facts/engines.py"
READERS = ("facts", "load")
"""Folders allowed to read raw rows."""
OUTSIDE = ("schema.py", "samples")
"""Files and folders outside rule 1: the declaration of the columns, the sample generator."""
ENGINES = frozenset(
    {"polars", "duckdb", "pyspark", "pandas", "pyarrow", "sqlframe", "ibis", "dask", "modin"}
)
RAW = ("deals", "activities", "investments", "overlaps")
EVERYDAY_WORDS = frozenset({"source", "kind", "hours", "amount", "currency", "category"})
"""Raw-only columns whose names are ordinary words: they count only where they name a column."""
FRAME_METHODS = frozenset(
    {
        "filter",
        "select",
        "with_columns",
        "group_by",
        "join",
        "collect",
        "sort",
        "unique",
        "head",
        "tail",
        "unpivot",
        "pivot",
        "agg",
        "explode",
        "drop",
        "rename",
        "collect_schema",
        "lazy",
        "to_series",
        "get_column",
    }
)
COLUMN_CALLS = frozenset({"col", "get_column", "alias"})


def fact_columns() -> frozenset[str]:
    """Every column of the fact tables declared in ``partnerkit.schema`` (none declared: empty)."""
    schema = importlib.import_module("partnerkit.schema")
    names: set[str] = set()
    for attr in ("FACT_TABLES", "FACT_SCHEMAS"):
        declared = getattr(schema, attr, None) or {}
        for table in declared.values():
            cols = getattr(table, "names", table)  # a Table's names, or a Schema's
            names.update(cols() if callable(cols) else cols)
    return frozenset(names)


def raw_only_columns(facts: frozenset[str] = frozenset()) -> frozenset[str]:
    """Columns of the raw tables that neither the partner dimension nor any fact table has."""
    raw = {c for t in RAW for c in TABLES[t].names}
    return frozenset(raw - set(TABLES["partners"].names) - facts)


# --- rule 1 ---


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
        # attribute docstrings: a bare string right after an assignment
        body = getattr(node, "body", None)
        for stmt in body if isinstance(body, list) else []:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                ids.add(id(stmt.value))
    return ids


def _call_name(call: ast.Call) -> str | None:
    f = call.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return None


def _owner_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


@dataclass(frozen=True)
class Read:
    """One place that reads raw rows."""

    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def raw_reads(source: str, path: str, raw_only: frozenset[str]) -> list[Read]:
    """Where ``source`` names a raw-only column or queries a portfolio's raw table."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    column_args: set[int] = set()
    supplied_args: set[int] = set()
    found: list[Read] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            args = [a for a in node.args if isinstance(a, ast.Constant)]
            if name in COLUMN_CALLS:
                column_args.update(id(a) for a in args)
            if name in {"has", "missing"}:
                supplied_args.update(id(a) for a in args)
            # portfolio.deals.filter(...): a raw table queried
            f = node.func
            if (
                isinstance(f, ast.Attribute)
                and f.attr in FRAME_METHODS
                and isinstance(f.value, ast.Attribute)
                and f.value.attr in RAW
                and "portfolio" in _owner_name(f.value.value).lower()
            ):
                found.append(Read(path, node.lineno, f"queries portfolio.{f.value.attr}"))
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            column_args.add(id(node.slice))
        elif isinstance(node, ast.Tuple) and len(node.elts) >= 2:
            # ("deals", "source", ...): a column of a table named, as has() is asked
            table, column = node.elts[0], node.elts[1]
            if (
                isinstance(table, ast.Constant)
                and isinstance(column, ast.Constant)
                and table.value in RAW
                and column.value in TABLES[str(table.value)].names
            ):
                supplied_args.add(id(column))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        value = node.value
        if value not in raw_only or id(node) in skip or id(node) in supplied_args:
            continue
        if value in EVERYDAY_WORDS and id(node) not in column_args:
            continue
        found.append(Read(path, node.lineno, f"names raw column {value!r}"))
    return sorted(found, key=lambda r: (r.line, r.what))


def _modules(package: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(package.rglob("*.py")):
        yield path.relative_to(package).as_posix(), path


def rule_one(package: Path, raw_only: frozenset[str]) -> list[Read]:
    """Every raw read outside the folders allowed to read raw rows."""
    found: list[Read] = []
    for rel, path in _modules(package):
        top = rel.split("/")[0]
        if top in READERS or top in OUTSIDE:
            continue
        found += raw_reads(path.read_text(encoding="utf-8"), rel, raw_only)
    return found


# --- rule 2 ---


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
            if name == "TYPE_CHECKING":
                for stmt in node.body:
                    inside.update(id(n) for n in ast.walk(stmt))
    return inside


def engine_imports(source: str, path: str) -> list[Read]:
    """Imports of an engine in ``source`` that run (not under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(source)
    typing_only = _type_checking_blocks(tree)
    found: list[Read] = []
    for node in ast.walk(tree):
        roots: list[str] = []
        if isinstance(node, ast.Import):
            roots = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots = [node.module.split(".")[0]]
        elif (
            isinstance(node, ast.Call)
            and _call_name(node) in {"import_module", "__import__", "find_spec"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots = [node.args[0].value.split(".")[0]]
        line = getattr(node, "lineno", 0)
        found.extend(
            Read(path, line, f"imports {root}")
            for root in roots
            if root in ENGINES and id(node) not in typing_only
        )
    return sorted(found, key=lambda r: (r.line, r.what))


def rule_two(package: Path, handover: Mapping[str, str] | None = None) -> list[Read]:
    """Every engine import in the stage-1 package outside its engine-branch module.

    ``handover`` names the modules that may import polars (and no other engine) because they
    hold or read the *collected* facts, which are polars by contract (stage 2 runs in
    polars); see :data:`POLARS_HANDOVER`.
    """
    handover = POLARS_HANDOVER if handover is None else handover
    found: list[Read] = []
    for rel, path in _modules(package):
        if rel.split("/")[0] != STAGE_ONE or rel == ENGINE_MODULE:
            continue
        found += [
            r
            for r in engine_imports(path.read_text(encoding="utf-8"), rel)
            if not (rel in handover and r.what == "imports polars")
        ]
    return found


# --- the package ---

POLARS_HANDOVER: dict[str, str] = {
    "facts/stage.py": "Facts, the collected facts handed to stage 2, are polars frames",
    "facts/store.py": "a facts folder is read back into polars Facts",
    "facts/partner.py": "one partner's rows, collected for the drill-through of a polars Portfolio",
}
"""Stage-1 modules allowed to import polars (only polars), and why."""

PENDING: dict[str, str] = {}
"""Modules outside ``partnerkit/facts/`` still reading raw rows, with why. The list must be
exact: a new reader fails the test, and so does a module that stopped reading raw rows and is
still listed (take it off)."""


def test_only_stage_one_reads_raw_rows():
    reads = rule_one(PACKAGE, raw_only_columns(fact_columns()))
    modules = sorted({r.path for r in reads})
    listed = "\n".join(str(r) for r in reads if r.path not in PENDING)
    assert modules == sorted(PENDING), f"raw rows read outside partnerkit/facts/:\n{listed}"


def test_stage_one_reaches_engines_through_narwhals_only():
    assert (PACKAGE / STAGE_ONE).is_dir()
    found = rule_two(PACKAGE)
    assert not found, "\n".join(map(str, found))


# --- the rules catch what they must, and only that ---

PLANTED_READ = '''
"""A stage-2 module.

>>> pl.DataFrame({"created_on": ["2025-01-01"]})  # docstring examples are not reads
"""
import polars as pl
from partnerkit.window import Window

NAMES = ("partner_id", "occurred_on")


def late(deals):
    return deals.filter(pl.col("closed_on") > Window.start)


def explained(facts, has):
    if has("deals", "source"):  # asking what was supplied is no read
        return facts.select(pl.col("source"))
    return facts.select("kind")  # an ordinary word, not naming a column here


NOTES = (("activities", "initiated_by", "no initiator"), ("deals", "occurred_on", "wrong table"))


def reads(portfolio):
    return portfolio.deals.group_by("partner_id").len()
'''


def test_rule_one_finds_planted_reads(tmp_path):
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "planted.py").write_text(PLANTED_READ)
    found = [str(r) for r in rule_one(tmp_path, raw_only_columns())]
    assert found == [
        "metrics/planted.py:9: names raw column 'occurred_on'",
        "metrics/planted.py:13: names raw column 'closed_on'",
        "metrics/planted.py:18: names raw column 'source'",
        "metrics/planted.py:22: names raw column 'occurred_on'",
        "metrics/planted.py:26: queries portfolio.deals",
    ]


def test_rule_one_lets_the_readers_and_declarations_be(tmp_path):
    for folder in ("facts", "load", "samples"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.py").write_text(PLANTED_READ)
    (tmp_path / "schema.py").write_text(PLANTED_READ)
    assert rule_one(tmp_path, raw_only_columns()) == []


def test_raw_only_columns_leave_out_partner_and_fact_columns():
    raw_only = raw_only_columns(frozenset({"amount", "kind"}))
    assert {"created_on", "closed_on", "occurred_on", "initiated_by", "starts_on"} <= raw_only
    assert {"our_status", "partner_status", "deal_id", "outcome"} <= raw_only
    # partner_id is the key everywhere, category is a partner column, the others are facts
    assert not {"partner_id", "category", "amount", "kind"} & raw_only


PLANTED_ENGINES = """
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import narwhals.stable.v2 as nw

if TYPE_CHECKING:
    import polars as pl
    from pyspark.sql import DataFrame


def collect(frame):
    import duckdb

    return duckdb, importlib.import_module("pyspark.sql")


import pandas.api.types as pdt
"""


@pytest.mark.parametrize("name", ["stage.py", "sub/stage.py"])
def test_rule_two_finds_planted_engine_imports(tmp_path, name):
    path = tmp_path / "facts" / name
    path.parent.mkdir(parents=True)
    path.write_text(PLANTED_ENGINES)
    (tmp_path / "facts" / "engines.py").write_text(PLANTED_ENGINES)
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "other.py").write_text(PLANTED_ENGINES)
    found = [str(r) for r in rule_two(tmp_path, {f"facts/{name}": "hands facts to polars"})]
    assert found == [
        f"facts/{name}:15: imports duckdb",
        f"facts/{name}:17: imports pyspark",
        f"facts/{name}:20: imports pandas",
    ]


def test_rule_two_lets_only_the_handover_import_polars(tmp_path):
    (tmp_path / "facts").mkdir()
    for name in ("handover.py", "compute.py"):
        (tmp_path / "facts" / name).write_text("import polars as pl\nimport duckdb\n")
    found = [str(r) for r in rule_two(tmp_path, {"facts/handover.py": "collected facts"})]
    assert found == [
        "facts/compute.py:1: imports polars",
        "facts/compute.py:2: imports duckdb",
        "facts/handover.py:2: imports duckdb",
    ]
