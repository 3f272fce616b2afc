import datetime as dt
import math
from statistics import NormalDist

import polars as pl
import pytest

from partnerkit.metrics.facts import build_facts
from partnerkit.metrics.lift import LIFT_SCHEMA, lift
from partnerkit.metrics.window import Window
from partnerkit.policy import Policy

W = Window.ending(dt.date(2025, 12, 31), months=12)


def lift_of(portfolio, **kw):
    facts = build_facts(portfolio, window=W, policy=Policy()).collect()
    return lift(facts.deals, samples=facts.lift_samples, **kw)


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
    r = rows(lift_of(tiny, max_n=1, min_sample=1))
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
    assert out.filter(pl.col("enough"))["interval"].to_list() == ["bootstrap", "bootstrap"]


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
        for m in ("win_rate", "mean_deal", "days_to_close"):
            assert r[f"{m}_lo"] <= r[m] <= r[f"{m}_hi"], (r["scope"], m)
    assert out.filter(pl.col("scope") == "a")["enough"].item() is True


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
