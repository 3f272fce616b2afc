"""The benchmark phrase never calls a flat portfolio 80/20 (figures worked by hand)."""

from __future__ import annotations

import polars as pl
import pytest

from partnerkit.metrics.pareto import concentration, pareto


def position(values: list[float]) -> str | None:
    ids = [f"p{i:02d}" for i in range(len(values))]
    frame = pl.LazyFrame({"partner_id": ids, "won_revenue": values})
    return concentration(pareto(frame)).collect()["benchmark_position"].item()


def test_flat_portfolio_is_flatter_than_80_20() -> None:
    # 50, 30, 20: cum .5, .8 -> two of three partners (67%) make 80%;
    # top 20% = 0.6 of the first partner = 0.3 < 0.8, so 80/20 is not reached
    assert position([50.0, 30.0, 20.0]) == "flatter than 80/20: 67% of partners make 80%"


def test_equal_partners_need_all_of_them() -> None:
    # ten partners of 10: cum reaches .8 at the 8th -> 80% of partners
    assert position([10.0] * 10) == "flatter than 80/20: 80% of partners make 80%"


def test_80_20_but_not_90_10() -> None:
    # ten partners: 45, 40, then eight of 1.875 (total 100): top 20% = 85% >= 80%;
    # top 10% = 45% < 90%
    values = [45.0, 40.0] + [1.875] * 8
    assert position(values) == "as concentrated as 80/20 (not 90/10): the top 20% make 85%"


def test_90_10_but_not_95_5() -> None:
    # twenty partners: 46, 46, then eighteen of 0.4444.. (total 100): top 10% = 2 partners
    # = 92% >= 90%; top 5% = 1 partner = 46% < 95%
    values = [46.0, 46.0] + [8.0 / 18] * 18
    assert position(values) == "as concentrated as 90/10 (not 95/5): the top 10% make 92%"


def test_95_5_or_more() -> None:
    # twenty partners, one holds 96 of 100: top 5% = one partner = 96%
    values = [96.0] + [1.0] * 4 + [0.0] * 15
    assert position(values) == "as concentrated as 95/5 or more: the top 5% make 96%"


def test_nothing_to_compare() -> None:
    assert position([0.0, 0.0]) is None


@pytest.mark.parametrize("scale", [1.0, 3.5, 1000.0])
def test_scaling_every_value_keeps_the_phrase(scale: float) -> None:
    base = [50.0, 30.0, 20.0, 0.0]
    assert position([v * scale for v in base]) == position(base)


def test_moving_value_to_the_top_never_makes_it_flatter() -> None:
    flat = position([25.0, 25.0, 25.0, 25.0, 0.0])
    assert flat is not None
    assert flat.startswith("flatter than 80/20")
    steep = position([96.0, 1.0, 1.0, 1.0, 1.0])
    assert steep is not None
    assert steep.startswith("as concentrated as")
