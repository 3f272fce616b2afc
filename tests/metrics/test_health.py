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
MODEL_ABSENT = tuple(
    dataclasses.replace(
        d, metrics=tuple(dataclasses.replace(m, missing="absent") for m in d.metrics)
    )
    for d in MODEL
)
"""The same model with every missing value left out (re-weighted) instead of scored lowest."""


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
    # stale (lower is better) among a b c d, b's missing value the worst (+inf):
    # 5, inf, 50, 20 -> ranks 1 4 3 2 -> 0, 100, 200/3, 100/3 -> flipped 100, 0, 100/3, 200/3
    # pull = (2 deals + stale) / 3: a 100/3; b 100/3; c (100 + 100/3)/3; d (200 + 200/3)/3
    assert out["pull"].to_list()[:4] == pytest.approx([100 / 3, 100 / 3, 400 / 9, 800 / 9])
    # sponsor 1, 0, 0 and d's missing value lowest: ranks 4, 2.5, 2.5, 1 -> 100, 50, 50, 0
    assert out["care"].to_list()[:4] == [100.0, 50.0, 50.0, 0.0]
    assert out["health"].to_list()[:4] == pytest.approx(
        [(100 / 3 + 100) / 2, (100 / 3 + 50) / 2, (400 / 9 + 50) / 2, 400 / 9]
    )
    assert (out["pull"][4], out["care"][4], out["health"][4]) == (None, None, None)


def test_health_hand_example_with_missing_values_absent():
    out = health(frame(), model=MODEL_ABSENT).collect()
    # deals among a b c d (x not counted): 0, 10, 10, 30 -> 0, 50, 50, 100
    # stale (lower is better) among a c d (b null): 5, 50, 20 -> 0, 100, 50 -> flipped 100, 0, 50
    # pull: a (0*2 + 100)/3; b 50 (stale null -> weight renormalised); c (100 + 0)/3; d (200+50)/3
    assert out["pull"].to_list() == pytest.approx(
        [100 / 3, 50.0, 100 / 3, 250 / 3, None], nan_ok=True
    )
    assert out["pull"][4] is None
    # sponsor among a b c (d null): 1, 0, 0 -> 100, and 0 for the two without: the worst
    # value earns nothing however many share it (averaged ranks would give them 25 each)
    assert out["care"].to_list()[:4] == [100.0, 0.0, 0.0, None]
    # health = mean of the non-null dimensions
    assert out["health"].to_list()[:4] == pytest.approx(
        [(100 / 3 + 100) / 2, 25.0, (100 / 3 + 0) / 2, 250 / 3]
    )
    assert out["health"][4] is None
    assert set(out.columns) == {*frame().collect_schema().names(), "pull", "care", "health"}


@pytest.mark.parametrize("model", [MODEL, MODEL_ABSENT], ids=["lowest", "absent"])
def test_explained_rows_add_up_to_every_score(model):
    scores = health(frame(), model=model).collect()
    why = health_explained(frame(), model=model).collect()
    dims = (
        why.group_by("partner_id", "dimension")
        .agg(pl.col("contribution").sum(), pl.col("contribution").is_not_null().any().alias("k"))
        .filter(pl.col("k"))
        .pivot("dimension", index="partner_id", values="contribution")
        .sort("partner_id")
    )
    want = scores.filter(pl.col("counted")).sort("partner_id")
    for d in (d.name for d in model):
        got = dict(zip(dims["partner_id"], dims[d], strict=True)) if d in dims.columns else {}
        for pid, score in zip(want["partner_id"], want[d], strict=True):
            assert got.get(pid) == pytest.approx(score), (pid, d)
    # health is the mean of the dimension scores the explanation adds up to
    means = [
        None if not vals else sum(vals) / len(vals)
        for vals in (
            [v for v in row if v is not None] for row in want.select("pull", "care").rows()
        )
    ]
    assert want["health"].to_list() == pytest.approx(means)


def test_explained_missing_value_scored_lowest():
    why = health_explained(frame(), model=MODEL).collect()
    b_stale = why.filter((pl.col("partner_id") == "b") & (pl.col("metric") == "stale")).row(0)
    # value missing, ranked worst: percentile 0, full weight 1 of 3, contribution 0
    assert b_stale[3:] == (None, 0.0, 1.0, 0.0)


def test_explained_contributions_add_up_to_the_dimension_score():
    model_frame = frame()
    scores = health(model_frame, model=MODEL_ABSENT).collect()
    why = health_explained(model_frame, model=MODEL_ABSENT).collect()
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
    # as in test_health_hand_example: the missing stale of b and sponsor of d rank lowest
    assert pct.rows() == [
        ("a", 0.0, 100.0, 100.0),
        ("b", 50.0, 0.0, 50.0),
        ("c", 50.0, pytest.approx(100 / 3), 50.0),
        ("d", 100.0, pytest.approx(200 / 3), 0.0),
        ("x", None, None, None),
    ]


def test_health_percentiles_hand_example_with_missing_values_absent():
    pct = health_percentiles(frame(), model=MODEL_ABSENT).collect()
    assert pct.columns == ["partner_id", "pull: deals", "pull: stale", "care: sponsor"]
    # as in test_health_hand_example: deals 0 50 50 100; stale flipped 100 - 0 50 (b null);
    # sponsor 100 0 0 - (d null; the worst value earns nothing); x is not counted: nulls
    assert pct.rows() == [
        ("a", 0.0, 100.0, 100.0),
        ("b", 50.0, None, 0.0),
        ("c", 50.0, 0.0, 0.0),
        ("d", 100.0, 50.0, None),
        ("x", None, None, None),
    ]
    assert percentile_column("pull", "stale") == "pull: stale"


def test_reweight_hand_example():
    pct = health_percentiles(frame().collect(), model=MODEL)
    # deals weighs 1, stale 3: a (0 + 300)/4; b (50 + 0)/4; c (50 + 100)/4; d (100 + 200)/4
    model = (
        HealthDimension("pull", (HealthMetric("deals", 1.0), HealthMetric("stale", 3.0, False))),
        MODEL[1],
    )
    out = reweight(pct, model=model)
    assert out["pull"].to_list()[:4] == pytest.approx([75.0, 12.5, 37.5, 75.0])
    assert out["health"].to_list()[:4] == pytest.approx([87.5, 31.25, 43.75, 37.5])
    assert (out["pull"][4], out["health"][4]) == (None, None)


def test_reweight_hand_example_with_missing_values_absent():
    pct = health_percentiles(frame().collect(), model=MODEL_ABSENT)
    # deals now weighs 1 and stale 3: a (0 + 300) / 4 = 75; b stale null -> 50 alone;
    # c (50 + 0) / 4 = 12.5; d (100 + 150) / 4 = 62.5
    model = (
        HealthDimension(
            "pull",
            (HealthMetric("deals", 1.0), HealthMetric("stale", 3.0, False, missing="absent")),
        ),
        MODEL_ABSENT[1],
    )
    out = reweight(pct, model=model)
    assert out.columns == ["partner_id", "pull", "care", "health"]
    assert out["pull"].to_list() == [75.0, 50.0, 12.5, 62.5, None]
    # care (sponsor): a 100, b 0, c 0 (the worst value earns nothing), d none
    assert out["health"].to_list() == [87.5, 25.0, 6.25, 62.5, None]


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


# --- silence scores lowest ------------------------------------------------------------------


def test_metric_nobody_has_is_left_out_not_scored_lowest():
    # only a partner left out of the portfolio has a value: the metric counts for nobody
    f = pl.LazyFrame(
        {"partner_id": ["a", "b", "x"], "m": [None, None, 4.0], "n": [1.0, 2.0, 3.0],
         "counted": [True, True, False]}
    )  # fmt: skip
    model = (HealthDimension("d", (HealthMetric("m"), HealthMetric("n"))),)
    assert health(f, model=model).collect()["d"].to_list() == [0.0, 100.0, None]


referrals = st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=2, max_size=12)


@given(referrals, st.integers(1, 5))
@settings(max_examples=60, deadline=None)
def test_silence_never_scores_above_a_little_activity(values, little):
    """Metamorphic: give one silent partner a little activity; its score must not drop, and
    every silent partner scores at most every partner with a value."""
    values = [None, *values]  # partner 0 is silent
    model = (HealthDimension("interest", (HealthMetric("referrals"),)),)

    def scores(vals):
        f = pl.LazyFrame(
            {"partner_id": [f"p{i}" for i in range(len(vals))], "referrals": vals,
             "counted": [True] * len(vals)},
            schema_overrides={"referrals": pl.Int64},
        )  # fmt: skip
        return health(f, model=model).collect()["interest"].to_list()

    before = scores(values)
    silent = [s for s, v in zip(before, values, strict=True) if v is None]
    active = [s for s, v in zip(before, values, strict=True) if v is not None]
    if active:
        assert max(silent) < min(active)
    after = scores([little, *values[1:]])
    if before[0] is not None:  # None: nobody had a value, the metric counted for nobody
        assert after[0] >= before[0]


def test_policy_file_can_leave_a_metric_absent():
    from partnerkit.policy import Policy  # noqa: PLC0415

    p = Policy.from_dict({"health": {"d": {"m": {"weight": -2.0, "missing": "absent"}, "n": 1}}})
    assert p.health[0].metrics == (
        HealthMetric("m", 2.0, higher_is_better=False, missing="absent"),
        HealthMetric("n", 1.0),
    )
    with pytest.raises(ValueError, match="missing must be"):
        Policy.from_dict({"health": {"d": {"m": {"missing": "zero"}}}})


def test_a_silent_partner_scores_below_one_with_a_little_activity(build):
    """End to end: no activity at all against one partner-initiated referral."""
    from partnerkit.analysis import analyze  # noqa: PLC0415

    p = build(
        partners={"partner_id": ["busy", "little", "silent"], "name": ["B", "L", "S"]},
        deals={
            "deal_id": ["d1", "d2", "d3"],
            "partner_id": ["busy", "little", "silent"],
            "created_on": ["2025-01-01"] * 3,
            "closed_on": ["2025-03-01"] * 3,
            "outcome": ["won"] * 3,
            "amount": [100.0] * 3,
            "source": ["partner"] * 3,
        },
        activities={
            "partner_id": ["busy", "busy", "busy", "little"],
            "occurred_on": ["2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04"],
            "kind": ["referral", "intro", "enablement", "referral"],
            "initiated_by": ["us", "partner", "us", "partner"],
            "hours": [1.0, 1.0, 1.0, 1.0],
        },
    )
    interest = dict(analyze(p).scorecard.select("partner_id", "interest").iter_rows())
    # partner-initiated share: busy 1/3, little 1, silent none (lowest): 50, 100, 0;
    # reciprocity: busy 0, little 1, silent none: 50, 100, 0; sourced pipeline all equal: 50
    assert interest["silent"] < interest["little"]
    assert interest["silent"] == pytest.approx((0 + 50 + 0) / 2.5)
    assert interest["little"] == pytest.approx((100 + 50 + 50) / 2.5)
