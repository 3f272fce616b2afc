"""The benchmark's DuckDB peer, checked by the conformance suite at the benchmark's scale S.

``bench/impl_duckdb.py`` is a separate, hand-written SQL statement for the core scorecard and
the vital few. At the benchmark's S scale (2,000 partners, 200,000 deals, 500,000
activities) on both data generators, its result must equal partnerkit's core scorecard
computed three ways: ``quick_scorecard`` (stage 1 and 2 fused on polars), and stage 1's core
run by the polars and the DuckDB engines on the same Parquet files, collected, then stage 2.
Values exactly (ids, counts, ranks, flags, nulls), floats to 1e-9 relative.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.load.read import read_portfolio
from partnerkit.samples.generator import write_sample
from tests.bench_modules import bench_module

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["base", "alt"])
def folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    harness = bench_module("harness")
    partners, deals_per, acts_per = harness.SCALES["S"]
    out = tmp_path_factory.mktemp(f"{request.param}-S")
    if request.param == "base":
        write_sample(
            out,
            partners=partners,
            seed=harness.SEED,
            format="parquet",
            deals_per_partner=deals_per,
            activities_per_partner=acts_per,
        )
    else:
        bench_module("gen_alt").write(
            out,
            partners=partners,
            deals=partners * deals_per,
            activities=partners * acts_per,
            seed=harness.ALT_SEED,
        )
    return out


@pytest.fixture(scope="module")
def peer(folder: Path) -> pl.DataFrame:
    duck = bench_module("impl_duckdb")
    return duck.core(bench_module("harness").table_paths(folder))


def _same(got: pl.DataFrame, want: pl.DataFrame) -> None:
    common = [c for c in want.columns if c in got.columns]
    assert len(common) == len(want.columns), f"missing {set(want.columns) - set(got.columns)}"
    assert_frame_equal(
        got.select(common).sort("partner_id"),
        want.select(common).sort("partner_id"),
        check_dtypes=False,
        rel_tol=1e-9,
        abs_tol=0.0,
    )


def test_the_peer_result_is_worth_comparing(peer: pl.DataFrame):
    assert peer.height == 2_000
    assert 0 < peer["vital"].sum() < peer.height
    assert peer["win_rate"].null_count() > 0
    assert peer["revenue_trend"].drop_nulls().is_between(-1, 1).all()


def test_peer_equals_quick_scorecard(folder: Path, peer: pl.DataFrame):
    from partnerkit.analysis import quick_scorecard  # noqa: PLC0415

    _same(quick_scorecard(read_portfolio(folder, validate=False)), peer)


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_peer_equals_stage_one_on_each_engine(folder: Path, peer: pl.DataFrame, engine: str):
    card, info = bench_module("measures").engine_core(folder, engine)
    assert info["stage_one_s"] > 0
    _same(card, peer)
