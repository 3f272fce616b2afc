"""Run stage 1 on each engine from the same canonical tables, and compare what comes back.

The conformance suite feeds each engine its own native frames, built from one set of polars
tables: a polars ``LazyFrame``; a DuckDB relation read from a Parquet file written to the
test's temporary folder; a Spark DataFrame from ``spark.read.parquet`` on the same file
(the session-wide ``spark`` fixture of ``tests/conftest.py``: ``local[2]``, UTC, few
shuffle partitions). DuckDB and Spark cases are marked ``slow`` (see :data:`ENGINE_PARAMS`).

Helpers:

- :func:`canonical_tables` casts dict literals to the canonical dtypes of
  :mod:`partnerkit.schema` (absent optional columns become nulls or their default);
- :func:`run_facts` runs stage 1 on one engine and collects every fact table to polars
  (:class:`FactsMemo`, fixture ``memo``: once per input and engine for the whole run);
- :func:`partner_view` joins the per-partner fact tables into one frame per partner, for
  checking hand-worked figures whatever table a figure lives in;
- :func:`assert_same_facts` compares two sets of fact tables, every table and column, rows
  sorted, money to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.policy import Policy
from partnerkit.schema import TABLES
from partnerkit.window import Window

Literal = Mapping[str, Sequence[Any]]

ENGINE_PARAMS = [
    pytest.param("polars", id="polars"),
    pytest.param("duckdb", id="duckdb", marks=pytest.mark.slow),
    pytest.param("spark", id="spark", marks=pytest.mark.slow),
]
"""Every engine stage 1 must agree on. DuckDB and Spark are ``slow``: stage 1 on a DuckDB
relation takes seconds even on a tiny portfolio (many small queries), Spark more (a JVM)."""


def canonical_tables(**tables: Literal | None) -> dict[str, pl.DataFrame]:
    """Canonical polars tables from dict literals (ISO strings accepted for dates).

    A table given as ``None`` is left out (not supplied); a table given as ``{}`` is empty
    with the canonical schema.
    """
    out: dict[str, pl.DataFrame] = {}
    for name, data in tables.items():
        if data is None:
            continue
        table = TABLES[name]
        unknown = set(data) - set(table.names)
        assert not unknown, f"not canonical in {name}: {unknown}"
        height = len(next(iter(data.values()))) if data else 0
        columns = []
        for col in table.columns:
            if col.name in data:
                values = [
                    dt.date.fromisoformat(v) if isinstance(v, str) and col.dtype == pl.Date() else v
                    for v in data[col.name]
                ]
            else:
                values = [col.default] * height
            columns.append(pl.Series(col.name, values, dtype=col.dtype))
        out[name] = pl.DataFrame(columns) if columns else pl.DataFrame(schema=table.schema)
    return out


def supplied_of(tables: Mapping[str, Literal | None]) -> dict[str, tuple[str, ...]]:
    """The ``supplied`` mapping of dict-literal tables: the columns given, per table."""
    return {
        name: tuple(c for c in TABLES[name].names if c in data)
        for name, data in tables.items()
        if data is not None
    }


# --- engines ---


class Engines:
    """Turns canonical polars tables into one engine's native frames.

    DuckDB relations live as long as the connection this object opens (closed by
    :meth:`close`); Spark frames come from the session-wide ``spark`` fixture.
    """

    def __init__(self, request: pytest.FixtureRequest, folder: Path) -> None:
        self._request = request
        self._folder = folder
        self._n = 0
        self._con: duckdb.DuckDBPyConnection | None = None

    def native(self, engine: str, tables: Mapping[str, pl.DataFrame]) -> dict[str, Any]:
        """``tables`` as native frames of ``engine`` (Parquet files for DuckDB and Spark)."""
        if engine == "polars":
            return {k: v.lazy() for k, v in tables.items()}
        self._n += 1
        folder = self._folder / f"{engine}-{self._n}"
        folder.mkdir()
        paths = {}
        for name, frame in tables.items():
            paths[name] = folder / f"{name}.parquet"
            frame.write_parquet(paths[name])
        if engine == "duckdb":
            self._con = self._con or duckdb.connect()
            return {k: self._con.read_parquet(str(p)) for k, p in paths.items()}
        if engine == "spark":
            session = self._request.getfixturevalue("spark")
            return {k: session.read.parquet(str(p)) for k, p in paths.items()}
        raise AssertionError(f"no such engine {engine!r}")

    def close(self) -> None:
        if self._con is not None:
            self._con.close()


@pytest.fixture
def engines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engines]:
    made = Engines(request, tmp_path)
    yield made
    made.close()


# --- stage 1 ---


def run_facts(
    engines: Engines,
    engine: str,
    tables: Mapping[str, pl.DataFrame],
    *,
    window: Window,
    policy: Policy | None = None,
    supplied: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, pl.DataFrame]:
    """Run stage 1 on ``engine`` and collect every fact table to polars, by name."""
    from partnerkit.facts import FactSettings, build_facts  # noqa: PLC0415

    policy = policy or Policy()
    settings = FactSettings.from_policy(policy, window)
    stage = build_facts(
        engines.native(engine, tables), window=window, settings=settings, supplied=supplied
    )
    assert stage.engine == engine
    return {k: v.collect() for k, v in stage.collect().frames().items()}


class FactsMemo:
    """Stage 1's facts of named inputs, computed once per engine for the whole run.

    Checking many figures of one input on Spark would otherwise start stage 1 again for each
    check (tens of seconds each on two cores).
    """

    def __init__(self, engines: Engines) -> None:
        self._engines = engines
        self._done: dict[tuple[str, str], dict[str, pl.DataFrame]] = {}

    def __call__(
        self,
        key: str,
        engine: str,
        tables: Mapping[str, pl.DataFrame],
        *,
        window: Window,
        supplied: Mapping[str, tuple[str, ...]] | None = None,
    ) -> dict[str, pl.DataFrame]:
        """The facts of ``tables`` (named ``key``) on ``engine``; the same key, the same input."""
        if (key, engine) not in self._done:
            self._done[key, engine] = run_facts(
                self._engines, engine, tables, window=window, supplied=supplied
            )
        return self._done[key, engine]


@pytest.fixture(scope="session")
def memo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FactsMemo]:
    made = Engines(request, tmp_path_factory.mktemp("memo"))
    yield FactsMemo(made)
    made.close()


# --- reading facts ---

QUARTER_VALUE_NAMES = ("won_revenue", "value", "revenue")


def partner_view(
    facts: Mapping[str, pl.DataFrame], partner_ids: Sequence[str], *, fill_absent: bool = False
) -> pl.DataFrame:
    """One row per partner of ``partner_ids`` with every per-partner figure stage 1 made.

    The per-partner tables are those with a ``partner_id`` column and no other key
    (``quarter``, ``account_id``, ...), at most one row per partner; the null partner (direct
    deals) is left out. A partner missing from a table gets nulls there, or with
    ``fill_absent`` zeros in its counts and sums (a partner with no rows has none of them);
    dates and means stay null. A null inside a row that is there is never filled.
    """
    view = pl.DataFrame({"partner_id": list(partner_ids)}, schema={"partner_id": pl.String})
    seen = {"partner_id"}
    for _, frame in sorted(facts.items()):
        if "partner_id" not in frame.columns or _is_keyed_finer(frame):
            continue
        rows = frame.filter(pl.col("partner_id").is_not_null())
        if rows["partner_id"].n_unique() != rows.height:
            continue
        new = [c for c in rows.columns if c not in seen]
        seen.update(new)
        joined = view.join(
            rows.select("partner_id", *new).with_columns(_hit=pl.lit(value=True)),
            on="partner_id",
            how="left",
        )
        sums = [
            c
            for c in new
            if joined.schema[c].is_numeric() and not c.startswith(("avg_", "sd_", "mean_"))
        ]
        if fill_absent:
            joined = joined.with_columns(
                pl.when(pl.col("_hit").is_null()).then(pl.col(c).fill_null(0)).otherwise(c).alias(c)
                for c in sums
            )
        view = joined.drop("_hit")
    return view


def _is_keyed_finer(frame: pl.DataFrame) -> bool:
    return any(c in frame.columns for c in ("quarter", "account_id", "amount", "days"))


def quarter_view(facts: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The long per-partner-quarter won revenue, as ``partner_id, quarter, won_revenue``.

    Rows with no revenue (zero or null) are left out, so an engine that keeps them and one
    that drops them read the same.
    """
    for frame in facts.values():
        if {"partner_id", "quarter"} <= set(frame.columns):
            value = next(c for c in QUARTER_VALUE_NAMES if c in frame.columns)
            return (
                frame.filter(pl.col("partner_id").is_not_null() & (pl.col(value).fill_null(0) != 0))
                .select("partner_id", "quarter", pl.col(value).alias("won_revenue"))
                .sort("partner_id", "quarter")
            )
    raise AssertionError(f"no per-partner-quarter table among {sorted(facts)}")


def sort_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in one order whatever the engine gave: by the key-like columns first, then all."""
    keys = [c for c, t in frame.schema.items() if t in (pl.String, pl.Date, pl.Boolean)]
    rest = [c for c in frame.columns if c not in keys]
    order = keys + rest
    return frame.sort(order, nulls_last=True) if order else frame


def assert_same_facts(
    got: Mapping[str, pl.DataFrame], want: Mapping[str, pl.DataFrame], *, label: str = ""
) -> None:
    """Every fact table of ``got`` equals ``want``'s: names, columns, dtypes, rows.

    Rows are sorted first (engines need not keep an order). Money is rounded to cents inside
    stage 1, so floats must agree to 1e-9 relative; counts, dates, ids and flags exactly.
    """
    assert sorted(got) == sorted(want), f"{label}: fact tables differ"
    for name in sorted(want):
        a, b = got[name], want[name]
        assert a.columns == b.columns, f"{label} {name}: columns {a.columns} != {b.columns}"
        try:
            assert_frame_equal(sort_rows(a), sort_rows(b), rel_tol=1e-9, abs_tol=1e-9)
        except AssertionError as e:
            raise AssertionError(f"{label} {name}: {e}") from None


def expected_frame(rows: Sequence[Mapping[str, Any]], schema: Mapping[str, Any]) -> pl.DataFrame:
    """A frame of hand-worked figures (one mapping per row) in the given dtypes."""
    return pl.DataFrame(list(rows), schema=dict(schema), orient="row")
