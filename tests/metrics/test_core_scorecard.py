"""The core scorecard equals the matching columns of the full scorecard, on any data.

The core is a separate, lighter query (deals pre-filtered to W, no health, tiers, ...), so
each test compares it with :func:`partnerkit.metrics.scorecard.scorecard` column by column,
on the hand-worked tiny portfolio, on a generated one, and on sources lacking tables or
columns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from partnerkit.analysis import analyze, quick_scorecard
from partnerkit.facts import FactSettings, core_facts, from_portfolio, latest_date, portfolio_tables
from partnerkit.metrics.scorecard import CORE_COLUMNS, core_scorecard, scorecard
from partnerkit.policy import Policy
from partnerkit.samples import generate
from partnerkit.window import Window

AS_OF = dt.date(2025, 12, 31)


def core_card(portfolio, *, window, policy):
    """The core scorecard of ``portfolio`` as quick_scorecard builds it (lazy)."""
    stage = core_facts(
        portfolio_tables(portfolio),
        window=window,
        settings=FactSettings.from_policy(policy, window),
        supplied=portfolio.supplied or None,
    )
    return core_scorecard(stage.lazy(), policy=policy)


def both(portfolio, *, as_of=AS_OF, policy=None):
    policy = policy or Policy()
    w = Window.ending(as_of, months=policy.lookback_months)
    facts = from_portfolio(portfolio, window=w, policy=policy).collect()
    full = scorecard(portfolio.partners, facts=facts, policy=policy)
    core = core_card(portfolio, window=w, policy=policy)
    return core.collect(), full.select(CORE_COLUMNS).collect()


def test_tiny_portfolio_by_hand(tiny):
    core, full = both(tiny)
    assert_frame_equal(core, full)
    a = core.filter(pl.col("partner_id") == "A").row(0, named=True)
    # A: wins 1000 + 3000 in W, loses 500; 1000 is prior half, 3000 recent
    assert (a["won_revenue"], a["won_deals"], a["lost_deals"]) == (4000.0, 2, 1)
    assert a["win_rate"] == pytest.approx(2 / 3)
    assert a["revenue_trend"] == pytest.approx((3000 - 1000) / 4000)
    # C won only on the window start (outside W): dormant in W, so outside the denominator
    c = core.filter(pl.col("partner_id") == "C").row(0, named=True)
    assert (c["won_revenue"], c["state"], c["rank"], c["vital"]) == (0.0, "dormant", None, False)


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"denominator": "enrolled"},
        {"denominator": "positive", "vital_threshold": 0.5},
        {"pareto_value": "sourced_pipeline"},
        {"include_statuses": ("active", "prospect"), "lookback_months": 6},
    ],
)
def test_generated_portfolio_under_policies(change):
    portfolio = generate(partners=120, seed=11).portfolio()
    policy = dataclasses.replace(Policy(), **change)
    core, full = both(portfolio, as_of=latest_date(portfolio), policy=policy)
    assert_frame_equal(core, full)
    assert core["vital"].sum() > 0


def test_missing_tables_and_columns_are_null_as_in_the_scorecard(build):
    partners = {"partner_id": ["a", "b"], "name": ["A", "B"]}
    deals = {
        "deal_id": ["d1", "d2"],
        "partner_id": ["a", "b"],
        "created_on": ["2025-02-01", "2025-03-01"],
        "closed_on": ["2025-05-01", None],
        "outcome": ["won", "open"],
        "amount": [10.0, 20.0],
    }
    bare = build(partners=partners, deals=deals)
    core, full = both(bare)
    assert_frame_equal(core, full)
    assert core["activities"].is_null().all()
    assert core["sourced_pipeline"].is_null().all()
    no_hours = build(
        partners=partners,
        deals=deals,
        activities={"partner_id": ["a"], "occurred_on": ["2025-06-01"], "kind": ["intro"]},
    )
    core, full = both(no_hours)
    assert_frame_equal(core, full)
    assert core["hours_intro"].is_null().all()
    assert core["referrals_given"].is_null().all()
    assert core["activities"].to_list() == [1, 0]


def test_a_value_outside_the_core_is_refused(tiny):
    policy = dataclasses.replace(Policy(), pareto_value="open_pipeline")
    with pytest.raises(ValueError, match="open_pipeline"):
        core_card(tiny, window=Window.ending(AS_OF, months=12), policy=policy)


def test_quick_scorecard_matches_analyze():
    portfolio = generate(partners=80, seed=5).portfolio()
    card = analyze(portfolio).scorecard.select(CORE_COLUMNS)
    assert_frame_equal(quick_scorecard(portfolio), card)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    months=st.integers(1, 24),
    back=st.integers(0, 400),
    threshold=st.floats(0.05, 0.99),
)
def test_core_equals_scorecard_for_any_window(seed, months, back, threshold):
    portfolio = generate(partners=30, seed=seed).portfolio()
    policy = dataclasses.replace(Policy(), lookback_months=months, vital_threshold=threshold)
    as_of = latest_date(portfolio) - dt.timedelta(days=back)
    core, full = both(portfolio, as_of=as_of, policy=policy)
    assert_frame_equal(core, full)


@pytest.mark.parametrize("months", [1, 12])
def test_partner_signal_before_a_short_window(months):
    """The partner-side signal of the state, inside W or (a 1-month W) before it."""
    from partnerkit.load import from_frames  # noqa: PLC0415

    p = from_frames(
        partners=pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]}),
        deals=pl.DataFrame(
            {"deal_id": ["d"], "partner_id": ["b"], "created_on": ["2024-01-05"],
             "closed_on": ["2024-02-01"], "outcome": ["won"], "amount": [5.0]}
        ),
        activities=pl.DataFrame(
            {"partner_id": ["a", "b"], "occurred_on": ["2025-11-01", "2025-11-01"],
             "kind": ["intro", "intro"], "initiated_by": ["partner", "us"], "hours": [1.0, 1.0]}
        ),
    )  # fmt: skip
    policy = dataclasses.replace(Policy(), lookback_months=months)
    core, full = both(p, policy=policy)
    assert_frame_equal(core, full)
    # a initiated an activity 60 days before as_of (within active_days 91): active, in a
    # 12-month window and in a 1-month one alike; b's was ours: dormant
    assert core.sort("partner_id")["state"].to_list() == ["active", "dormant"]
