"""The benchmark phrase never calls a flat portfolio 80/20 (figures worked by hand)."""

from __future__ import annotations

import polars as pl
import pytest

from partnerkit import formatting as fmt
from partnerkit.metrics.pareto import concentration, pareto


def position(values: list[float]) -> str | None:
    ids = [f"p{i:02d}" for i in range(len(values))]
    frame = pl.LazyFrame({"partner_id": ids, "won_revenue": values})
    ranked = pareto(frame, value="won_revenue", threshold=0.8)
    return (
        concentration(ranked, value="won_revenue", threshold=0.8, denominator="enrolled")
        .collect()["benchmark_position"]
        .item()
    )


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


def _expected(values: list[float]) -> str | None:
    """The phrase worked out in plain Python, from the definitions (not the polars code).

    Percentages are written as every figure of the kit is (:func:`partnerkit.formatting.percent`).
    """
    cents = sorted((round(v * 100) for v in values), reverse=True)
    total = sum(cents)
    if total == 0:
        return None
    n = len(cents)
    cum = [sum(cents[: k + 1]) / total for k in range(n)]

    def curve(p: float) -> float:  # linear between partners
        t = n * p
        k = int(t)
        before = cum[k - 1] if k else 0.0
        nxt = cents[k] / total if k < n else 0.0
        return before + (t - k) * nxt

    for label, p, v, rest in (
        ("95/5", 0.05, 0.95, " or more"),
        ("90/10", 0.10, 0.90, " (not 95/5)"),
        ("80/20", 0.20, 0.80, " (not 90/10)"),
    ):
        if curve(p) >= v - 1e-12:
            return f"as concentrated as {label}{rest}: the top {p:.0%} make {fmt.percent(curve(p))}"
    k = next(i for i, c in enumerate(cum, 1) if c >= 0.8 - 1e-12)
    return f"flatter than 80/20: {fmt.percent(k / n)} of partners make 80%"


@pytest.mark.slow
def test_phrase_matches_a_plain_python_reading_of_the_definitions() -> None:
    import random  # noqa: PLC0415

    rng = random.Random(11)
    for _ in range(150):
        n = rng.randint(1, 40)
        shape = rng.choice([0.3, 1.0, 3.0])
        values = [round(rng.paretovariate(shape) * 1000, 2) if rng.random() > 0.2 else 0.0
                  for _ in range(n)]  # fmt: skip
        assert position(values) == _expected(values), values
