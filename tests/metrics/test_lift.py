import datetime as dt
import math
from dataclasses import replace
from statistics import NormalDist

import numpy as np
import polars as pl
import pytest

from partnerkit.facts import from_portfolio
from partnerkit.metrics.lift import LIFT_SCHEMA, lift
from partnerkit.policy import Policy
from partnerkit.window import Window

W = Window.ending(dt.date(2025, 12, 31), months=12)


def lift_of(portfolio, **settings):
    """The lift of ``portfolio`` under the default policy with ``settings`` changed."""
    facts = from_portfolio(portfolio, window=W, policy=Policy()).collect()
    policy = replace(Policy(), **settings)
    return lift(facts.deals, samples=facts.lift_samples, policy=policy)


def rows(out):
    return {(r["scope"], r["group"]): r for r in out.to_dicts()}


def test_point_estimates_on_the_tiny_portfolio(tiny):
    out = lift_of(tiny, min_sample=3)
    assert out.schema == LIFT_SCHEMA
    assert out.select("scope", "group").rows() == [
        ("portfolio", "partner"),
        ("portfolio", "direct"),
        ("A", "partner"),
        ("B", "partner"),
        ("D", "partner"),
    ]  # fmt: skip  (C's only deal closed on the window start: nothing closed in W)
    r = rows(out)
    p = r[("portfolio", "partner")]
    # partner deals closed in W: A won 1000 (50 d), won 3000 (92 d), lost; B won 2000 (183 d);
    # D won 800 (4 d)
    assert (p["n_closed"], p["n_won"], p["win_rate"]) == (5, 4, 0.8)
    assert p["mean_deal"] == 1700.0  # 6800 / 4
    assert p["days_to_close"] == pytest.approx(329 / 4)
    direct = r[("portfolio", "direct")]
    assert (direct["n_closed"], direct["n_won"], direct["win_rate"]) == (2, 1, 0.5)
    assert (direct["mean_deal"], direct["days_to_close"]) == (400.0, 61.0)
    a = r[("A", "partner")]
    assert (a["n_closed"], a["win_rate"], a["mean_deal"], a["days_to_close"]) == (
        3,
        pytest.approx(2 / 3),
        2000.0,
        71.0,
    )
    assert [x["enough"] for x in out.to_dicts()] == [True, False, True, False, False]


def test_bootstrap_intervals_small_groups(tiny):
    r = rows(lift_of(tiny, min_sample=1))
    a, b = r[("A", "partner")], r[("B", "partner")]
    # A: Binomial(3, 2/3)/3 puts 3.7% on 0 and 25.9% on <= 1/3: 5% quantile 1/3; 29.6% on 1 ->
    # 95% quantile 1
    assert (a["win_rate_lo"], a["win_rate_hi"]) == (pytest.approx(1 / 3), 1.0)
    # means of two draws from {1000, 3000}: 1000 (25%), 2000, 3000 (25%)
    assert (a["mean_deal_lo"], a["mean_deal_hi"]) == (1000.0, 3000.0)
    assert (a["days_to_close_lo"], a["days_to_close_hi"]) == (50.0, 92.0)
    assert a["interval"] == "bootstrap"
    # a single won deal: the interval is the point
    assert (b["win_rate_lo"], b["win_rate_hi"]) == (1.0, 1.0)
    assert (b["mean_deal_lo"], b["mean_deal_hi"]) == (2000.0, 2000.0)


def test_normal_limit_above_max_n(tiny):
    r = rows(lift_of(tiny, bootstrap_max_n=1, min_sample=1))
    a = r[("A", "partner")]
    z = NormalDist().inv_cdf(0.95)
    # won amounts 1000 and 3000: sd (population) 1000; days 50 and 92: sd 21
    assert a["interval"] == "normal"
    assert a["mean_deal_lo"] == pytest.approx(2000 - z * 1000 / math.sqrt(2))
    assert a["mean_deal_hi"] == pytest.approx(2000 + z * 1000 / math.sqrt(2))
    assert a["days_to_close_hi"] == pytest.approx(71 + z * 21 / math.sqrt(2))
    # the portfolio partner group pools per-partner spreads: amounts 1000, 3000, 2000, 800
    p = r[("portfolio", "partner")]
    values = [1000, 3000, 2000, 800]
    sd = math.sqrt(sum((v - 1700) ** 2 for v in values) / 4)
    assert p["interval"] == "normal"
    assert p["mean_deal_hi"] == pytest.approx(1700 + z * sd / 2)


def test_small_groups_get_estimates_but_no_interval(tiny):
    out = lift_of(tiny, min_sample=3)
    small = out.filter(~pl.col("enough"))
    # B and D closed one deal each, the direct deals two
    assert sorted(small["scope"].to_list()) == ["B", "D", "portfolio"]
    assert small["mean_deal"].null_count() == 0
    for col in ("win_rate_lo", "mean_deal_hi", "days_to_close_lo", "interval"):
        assert small[col].null_count() == small.height, col
    # A closed 3 deals (enough for a win rate) but won 2 (too few for the means); the
    # portfolio's partner deals: 5 closed, 4 won
    big = rows(out.filter(pl.col("enough")))
    a, p = big[("A", "partner")], big[("portfolio", "partner")]
    assert (a["enough"], a["enough_won"], a["interval"]) == (True, False, None)
    assert a["win_rate_lo"] is not None
    assert (a["mean_deal_lo"], a["days_to_close_hi"]) == (None, None)
    assert (a["mean_deal"], a["days_to_close"]) == (2000.0, 71.0)  # estimates kept
    assert (p["enough_won"], p["interval"]) == (True, "bootstrap")


def test_seeded_and_reproducible(tiny):
    assert lift_of(tiny, seed=3).equals(lift_of(tiny, seed=3))


def test_intervals_contain_the_estimate(build):
    amounts = [float(100 + 37 * i % 900) for i in range(40)]
    p = build(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={
            "deal_id": [f"d{i}" for i in range(40)],
            "partner_id": ["a"] * 30 + [None] * 10,
            "created_on": ["2025-01-01"] * 40,
            "closed_on": [f"2025-{1 + i % 12:02d}-15" for i in range(40)],
            "outcome": ["won" if i % 3 else "lost" for i in range(40)],
            "amount": amounts,
        },
    )
    out = lift_of(p)
    for r in out.to_dicts():
        shown = {"win_rate": r["enough"], "mean_deal": r["enough_won"]}
        shown["days_to_close"] = r["enough_won"]
        for m, ok in shown.items():
            if ok:
                assert r[f"{m}_lo"] <= r[m] <= r[f"{m}_hi"], (r["scope"], m)
            else:
                assert r[f"{m}_lo"] is None, (r["scope"], m)
    # a: 30 closed, 20 won; direct: 10 closed (enough) but 6 won (not enough for means)
    flags = out.select("scope", "group", "enough", "enough_won").rows()
    assert flags == [
        ("portfolio", "partner", True, True),
        ("portfolio", "direct", True, False),
        ("a", "partner", True, True),
    ]


def test_no_closed_deals(build):
    p = build(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={"deal_id": ["d"], "partner_id": ["a"], "created_on": ["2025-01-01"],
               "closed_on": [None], "outcome": ["open"], "amount": [5.0]},
    )  # fmt: skip
    out = lift_of(p)
    assert out.height == 2  # the two portfolio rows only
    assert out["win_rate"].to_list() == [None, None]
    assert out["n_closed"].to_list() == [0, 0]


def test_policy_confidence_widens_intervals(tiny):
    narrow = rows(lift_of(tiny, confidence=0.5, min_sample=1))[("portfolio", "partner")]
    wide = rows(lift_of(tiny, confidence=0.99, min_sample=1))[("portfolio", "partner")]
    assert (
        wide["mean_deal_hi"] - wide["mean_deal_lo"]
        > narrow["mean_deal_hi"] - narrow["mean_deal_lo"]
    )


# --- the intervals have the distribution of a plain resampling bootstrap ------------------


def many_partners(n_partners, amounts, lost):
    """Identical partners: each won ``amounts`` (days 10, 20, ...) and lost ``lost`` deals."""
    ids = [f"p{i:03d}" for i in range(n_partners)]
    k = len(amounts)
    facts = pl.DataFrame(
        {
            "partner_id": ids,
            "won_deals": [k] * n_partners,
            "lost_deals": [lost] * n_partners,
            "won_revenue": [float(sum(amounts))] * n_partners,
            "avg_days_to_close": [10.0 * (k + 1) / 2] * n_partners,
            "sd_won_amount": [0.0] * n_partners,
            "sd_days_to_close": [0.0] * n_partners,
        }
    )
    samples = pl.DataFrame(
        {
            "partner_id": [p for p in ids for _ in amounts],
            "amount": [float(a) for _ in ids for a in amounts],
            "days": [10 * (j + 1) for _ in ids for j in range(k)],
        }
    )
    return facts, samples


def test_win_rate_intervals_are_distributed_as_resampled_ones():
    # 400 partners, 7 won of 20 closed: each interval is a fresh bootstrap of its own
    facts, samples = many_partners(400, [100.0] * 7, lost=13)
    policy = replace(Policy(), min_sample=10, confidence=0.9, seed=5)
    out = lift(facts, samples=samples, policy=policy)
    mine = out.filter(pl.col("scope") != "portfolio")
    rng = np.random.default_rng(11)
    draws = rng.binomial(20, 7 / 20, size=(4000, 1000)) / 20
    plain = np.quantile(draws, (0.05, 0.95), axis=1)
    for col, ref in (("win_rate_lo", plain[0]), ("win_rate_hi", plain[1])):
        got = mine[col].to_numpy()
        # same mean (within 4 standard errors) and about the same spread
        assert abs(got.mean() - ref.mean()) < 4 * ref.std() / math.sqrt(len(got)) + 1e-12, col
        assert 0.8 < got.std() / ref.std() < 1.25, col


def test_mean_intervals_are_distributed_as_resampled_ones():
    amounts = [100.0, 150.0, 220.0, 300.0, 310.0, 480.0, 500.0, 650.0, 900.0, 1200.0, 40.0, 75.0]
    facts, samples = many_partners(300, amounts, lost=0)
    policy = replace(Policy(), min_sample=10, confidence=0.9, seed=9)
    out = lift(facts, samples=samples, policy=policy)
    mine = out.filter(pl.col("scope") != "portfolio")
    assert set(mine["interval"]) == {"bootstrap"}
    rng = np.random.default_rng(4)
    values = np.array(amounts)
    picks = rng.integers(0, len(values), size=(300, 1000, len(values)))
    plain = np.quantile(values[picks].mean(axis=2), (0.05, 0.95), axis=1)
    for col, ref in (("mean_deal_lo", plain[0]), ("mean_deal_hi", plain[1])):
        got = mine[col].to_numpy()
        # partners of one size share the resample counts (their values are shuffled), so
        # their intervals are not independent: compare the mean with the single spread
        assert abs(got.mean() - ref.mean()) < 3 * ref.std(), col
        assert got.min() < ref.mean() < got.max(), col
    # days 10..120 travel with the amounts: their interval is around the mean of 65
    assert (mine["days_to_close_lo"] < 65).all()
    assert (mine["days_to_close_hi"] > 65).all()


def test_one_won_deal_among_many_closed_gets_no_mean_interval(build):
    # 12 closed deals, 1 won: a win rate of 1/12 with an interval, but a mean deal size
    # and days to close of a single deal, shown without any interval
    p = build(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={
            "deal_id": [f"d{i}" for i in range(12)],
            "partner_id": ["a"] * 12,
            "created_on": ["2025-01-01"] * 12,
            "closed_on": ["2025-03-01"] * 12,
            "outcome": ["won"] + ["lost"] * 11,
            "amount": [500.0] * 12,
        },
    )
    a = rows(lift_of(p))[("a", "partner")]
    assert (a["n_closed"], a["n_won"], a["enough"], a["enough_won"]) == (12, 1, True, False)
    assert a["win_rate"] == pytest.approx(1 / 12)
    assert a["win_rate_lo"] <= a["win_rate"] <= a["win_rate_hi"]
    assert (a["mean_deal"], a["days_to_close"]) == (500.0, 59.0)
    assert [a[k] for k in ("mean_deal_lo", "mean_deal_hi", "days_to_close_lo", "interval")] == [
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize("lost", [0, 5, 50])
def test_lost_deals_never_give_the_means_support(build, lost):
    # metamorphic: adding lost deals moves the win rate's support, never the means'
    won = 9  # one short of the default minimum
    n = won + lost
    p = build(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={
            "deal_id": [f"d{i}" for i in range(n)],
            "partner_id": ["a"] * n,
            "created_on": ["2025-01-01"] * n,
            "closed_on": ["2025-03-01"] * n,
            "outcome": ["won"] * won + ["lost"] * lost,
            "amount": [100.0 * (i + 1) for i in range(n)],
        },
    )
    a = rows(lift_of(p))[("a", "partner")]
    assert a["enough"] is (n >= 10)
    assert (a["enough_won"], a["mean_deal_lo"], a["mean_deal"]) == (False, None, 500.0)


@pytest.mark.parametrize("shape", [(4, 1000), (30, 7), (9, 2), (5, 1)])
@pytest.mark.parametrize("q", [(0.05, 0.95), (0.025, 0.975), (0.5,), (0.0, 1.0)])
def test_quantiles_match_numpy_exactly(shape, q):
    from partnerkit.metrics.lift import _quantiles  # noqa: PLC0415

    values = np.random.default_rng(5).random(shape)
    values[:, ::3] = np.round(values[:, ::3], 1)  # ties
    assert np.array_equal(_quantiles(values.copy(), q), np.quantile(values, q, axis=1))


def test_lift_chart_rows_judge_means_on_won_deals(build):
    from partnerkit.charts.lift import lift_rows  # noqa: PLC0415

    # 12 closed deals, 1 won: the win rate has its sample, the means do not
    p = build(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={
            "deal_id": [f"d{i}" for i in range(12)],
            "partner_id": ["a"] * 12,
            "created_on": ["2025-01-01"] * 12,
            "closed_on": ["2025-03-01"] * 12,
            "outcome": ["won"] + ["lost"] * 11,
            "amount": [500.0] * 12,
        },
    )
    out = lift_rows(lift_of(p), scope="a").filter(pl.col("group") == "partner")
    assert out.select("metric", "enough", "note").rows() == [
        ("Win rate", True, "n=12"),
        ("Mean deal size", False, "n=1 won, below minimum"),
        ("Days to close (won)", False, "n=1 won, below minimum"),
    ]
