"""Stage 1 follows the engine of its input: DuckDB relations give the polars facts.

Quick checks on the tiny hand-worked portfolio (the conformance suite covers Spark and many
more data sets): every fact table, the core reduction, the default as-of, absent tables,
and the refusal of frames of other libraries.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from partnerkit.facts import (
    FactSettings,
    UnsupportedEngine,
    build_facts,
    core_facts,
    latest_event,
    portfolio_tables,
)
from partnerkit.facts.stage import FACT_ORDER
from partnerkit.policy import Policy
from partnerkit.window import Window


def settings(window: Window) -> FactSettings:
    return FactSettings.from_policy(Policy(), window)


def sorted_frame(frame):
    return frame.sort(frame.columns, nulls_last=True)


def as_duckdb(tables, con):
    """The polars tables as DuckDB relations (through Arrow, no files)."""
    out = {}
    for name, frame in tables.items():
        arrow = frame.collect().to_arrow()
        con.register(f"t_{name}", arrow)
        out[name] = con.sql(f"select * from t_{name}")
    return out


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


@pytest.mark.slow
def test_every_fact_table_on_duckdb_equals_polars(tiny, con):
    tables = portfolio_tables(tiny)
    assert latest_event(as_duckdb(tables, con)) == latest_event(tables)
    w = Window.ending(latest_event(tables), months=12)
    want = build_facts(tables, window=w, settings=settings(w)).collect()
    stage = build_facts(as_duckdb(tables, con), window=w, settings=settings(w))
    assert stage.engine == "duckdb"
    assert all(isinstance(t, duckdb.DuckDBPyRelation) for t in stage.tables.values())
    got = stage.collect()
    for name in FACT_ORDER:
        a, b = got.frames()[name].collect(), want.frames()[name].collect()
        try:
            assert_frame_equal(sorted_frame(a), sorted_frame(b))
        except AssertionError as e:
            raise AssertionError(f"{name}: {e}") from None
    assert got.deal_quarters.collect().height > 0


@pytest.mark.slow
def test_absent_tables_are_empty_on_duckdb_as_on_polars(tiny, con):
    tables = {k: v for k, v in portfolio_tables(tiny).items() if k in ("partners", "deals")}
    w = Window.ending(latest_event(tables), months=12)
    want = build_facts(tables, window=w, settings=settings(w)).collect()
    got = build_facts(as_duckdb(tables, con), window=w, settings=settings(w)).collect()
    for name in ("activities", "investments", "overlaps", "mapped", "incentives"):
        assert got.frames()[name].collect().height == 0 == want.frames()[name].collect().height
    assert not got.has("activities")
    assert got.has("deals", "amount")
    assert_frame_equal(sorted_frame(got.deals.collect()), sorted_frame(want.deals.collect()))


def test_core_facts_on_duckdb_equal_polars(tiny, con):
    tables = portfolio_tables(tiny)
    w = Window.ending(latest_event(tables), months=12)
    want = core_facts(tables, window=w, settings=settings(w)).collect()
    got = core_facts(as_duckdb(tables, con), window=w, settings=settings(w)).collect()
    for name in ("partners", "deals", "activities"):
        a, b = got.frames()[name].collect(), want.frames()[name].collect()
        try:
            assert_frame_equal(sorted_frame(a), sorted_frame(b))
        except AssertionError as e:
            raise AssertionError(f"{name}: {e}") from None


def test_frames_of_other_libraries_and_mixed_engines_are_refused(tiny, con):
    tables = portfolio_tables(tiny)
    w = Window.ending(latest_event(tables), months=12)
    arrow = {k: v.collect().to_arrow() for k, v in tables.items()}
    with pytest.raises(UnsupportedEngine, match="pyarrow"):
        build_facts(arrow, window=w, settings=settings(w))
    mixed = {"partners": tables["partners"], "deals": as_duckdb(tables, con)["deals"]}
    with pytest.raises(UnsupportedEngine, match="mix"):
        build_facts(mixed, window=w, settings=settings(w))
    with pytest.raises(ValueError, match="not canonical"):
        build_facts({**tables, "orders": tables["deals"]}, window=w, settings=settings(w))
    assert isinstance(arrow["deals"], pa.Table)
