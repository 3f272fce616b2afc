import dataclasses

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.metrics.health import (
    health,
    health_explained,
    health_percentiles,
    percentile_column,
    percentile_rank,
    reweight,
)
from partnerkit.policy import HealthDimension, HealthMetric

MODEL = (
    HealthDimension("pull", (HealthMetric("deals", 2.0), HealthMetric("stale", 1.0, False))),
    HealthDimension("care", (HealthMetric("sponsor", 1.0),)),
)


def frame():
    return pl.LazyFrame(
        {
            "partner_id": ["a", "b", "c", "d", "x"],
            "deals": [0, 10, 10, 30, 99],
            "stale": [5.0, None, 50.0, 20.0, 0.0],
            "sponsor": [True, False, False, None, True],
            "counted": [True, True, True, True, False],
        }
    )


def test_percentile_rank_average_ties_and_single_values():
    f = pl.DataFrame({"v": [3.0, 1.0, 1.0, 2.0], "k": [True, True, True, False]})
    # among 3.0, 1.0, 1.0: ranks 3, 1.5, 1.5 -> (r-1)/2*100
    got = f.select(percentile_rank(pl.col("v"), include=pl.col("k"))).to_series().to_list()
    assert got == [100.0, 25.0, 25.0, None]
    lone = pl.DataFrame({"v": [7.0]}).select(percentile_rank(pl.col("v"))).item()
    assert lone == 50.0


def test_health_hand_example():
    out = health(frame(), model=MODEL).collect()
    # deals among a b c d (x not counted): 0, 10, 10, 30 -> 0, 50, 50, 100
    # stale (lower is better) among a c d (b null): 5, 50, 20 -> 0, 100, 50 -> flipped 100, 0, 50
    # pull: a (0*2 + 100)/3; b 50 (stale null -> weight renormalised); c (100 + 0)/3; d (200+50)/3
    assert out["pull"].to_list() == pytest.approx(
        [100 / 3, 50.0, 100 / 3, 250 / 3, None], nan_ok=True
    )
    assert out["pull"][4] is None
    # sponsor among a b c (d null): 1, 0, 0 -> 100, 25, 25
    assert out["care"].to_list()[:4] == [100.0, 25.0, 25.0, None]
    # health = mean of the non-null dimensions
    assert out["health"].to_list()[:4] == pytest.approx(
        [(100 / 3 + 100) / 2, 37.5, (100 / 3 + 25) / 2, 250 / 3]
    )
    assert out["health"][4] is None
    assert set(out.columns) == {*frame().collect_schema().names(), "pull", "care", "health"}


def test_explained_contributions_add_up_to_the_dimension_score():
    model_frame = frame()
    scores = health(model_frame, model=MODEL).collect()
    why = health_explained(model_frame, model=MODEL).collect()
    assert why.columns == [
        "partner_id", "dimension", "metric", "value", "percentile", "weight", "contribution",
    ]  # fmt: skip
    assert "x" not in why["partner_id"].to_list()  # not counted
    assert why.height == 4 * 3  # 4 counted partners x 3 metrics
    sums = why.group_by("partner_id", "dimension").agg(pl.col("contribution").sum())
    for pid, dim, total in sums.rows():
        expected = scores.filter(pl.col("partner_id") == pid)[dim].item()
        assert total == pytest.approx(expected or 0.0)
    b_stale = why.filter((pl.col("partner_id") == "b") & (pl.col("metric") == "stale")).row(0)
    assert b_stale[3:] == (None, None, 1.0, None)
    a_stale = why.filter((pl.col("partner_id") == "a") & (pl.col("metric") == "stale")).row(0)
    # value 5 days, percentile flipped to 100, weight 1 of 3 -> contribution 100/3
    assert a_stale[3:6] == (5.0, 100.0, 1.0)
    assert a_stale[6] == pytest.approx(100 / 3)


def test_all_null_metric_gives_null_dimension():
    f = pl.LazyFrame(
        {"partner_id": ["a", "b"], "m": [None, None], "counted": [True, True]},
        schema_overrides={"m": pl.Float64},
    )
    model = (HealthDimension("d", (HealthMetric("m"),)),)
    assert health(f, model=model).collect()["health"].to_list() == [None, None]


def test_unknown_metric_raises():
    with pytest.raises(ValueError, match="nope"):
        health(frame(), model=(HealthDimension("d", (HealthMetric("nope"),)),))


# --- percentiles once, weights many times -------------------------------------------------


def test_health_percentiles_hand_example():
    pct = health_percentiles(frame(), model=MODEL).collect()
    assert pct.columns == ["partner_id", "pull: deals", "pull: stale", "care: sponsor"]
    # as in test_health_hand_example: deals 0 50 50 100; stale flipped 100 - 0 50 (b null);
    # sponsor 100 25 25 - (d null); x is not counted: nulls
    assert pct.rows() == [
        ("a", 0.0, 100.0, 100.0),
        ("b", 50.0, None, 25.0),
        ("c", 50.0, 0.0, 25.0),
        ("d", 100.0, 50.0, None),
        ("x", None, None, None),
    ]
    assert percentile_column("pull", "stale") == "pull: stale"


def test_reweight_hand_example():
    pct = health_percentiles(frame().collect(), model=MODEL)
    # deals now weighs 1 and stale 3: a (0 + 300) / 4 = 75; b stale null -> 50 alone;
    # c (50 + 0) / 4 = 12.5; d (100 + 150) / 4 = 62.5
    model = (
        HealthDimension("pull", (HealthMetric("deals", 1.0), HealthMetric("stale", 3.0, False))),
        MODEL[1],
    )
    out = reweight(pct, model=model)
    assert out.columns == ["partner_id", "pull", "care", "health"]
    assert out["pull"].to_list() == [75.0, 50.0, 12.5, 62.5, None]
    assert out["health"].to_list() == [87.5, 37.5, 18.75, 62.5, None]


def test_reweight_needs_the_percentiles_of_every_metric():
    pct = health_percentiles(frame(), model=MODEL[:1])
    with pytest.raises(ValueError, match="care: sponsor"):
        reweight(pct, model=MODEL)


weights = st.lists(st.sampled_from([0.0, 0.25, 1.0, 1.5, 3.0]), min_size=3, max_size=3)


@given(weights, st.booleans())
@settings(max_examples=40, deadline=None)
def test_reweight_equals_health_with_the_same_weights(new, lazy):
    model = (
        dataclasses.replace(
            MODEL[0],
            metrics=tuple(
                dataclasses.replace(m, weight=w)
                for m, w in zip(MODEL[0].metrics, new, strict=False)
            ),
        ),
        dataclasses.replace(MODEL[1], metrics=(HealthMetric("sponsor", new[2]),)),
    )
    source = frame() if lazy else frame().collect()
    pct = health_percentiles(source, model=MODEL)
    got = reweight(pct, model=model)
    got = got.collect(engine="in-memory") if lazy else got
    want = health(frame(), model=model).collect(engine="in-memory")
    assert got.equals(want.select("partner_id", "pull", "care", "health"))
