"""The core reduction groups raw rows by a 64-bit hash of partner_id: it must never show.

Whatever the key inside, the result is the one string keys give: the same with the hash
switched off, the same after the ids are rewritten as long record ids (results move with
their partner), the same whatever the row order, and rows of unknown partners stay out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.facts import FactSettings, core_facts, latest_date, portfolio_tables
from partnerkit.facts import core as stage_core
from partnerkit.facts.engines import hashed_keys
from partnerkit.load import from_frames
from partnerkit.metrics.scorecard import core_scorecard
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.samples import generate
from partnerkit.window import Window


def core_card(portfolio, *, window, policy):
    """The core scorecard of ``portfolio`` as quick_scorecard builds it (lazy)."""
    stage = core_facts(
        portfolio_tables(portfolio),
        window=window,
        settings=FactSettings.from_policy(policy, window),
        supplied=portfolio.supplied or None,
    )
    return core_scorecard(stage.lazy(), policy=policy)


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return generate(partners=120, seed=11).portfolio()


def core(portfolio: Portfolio) -> pl.DataFrame:
    w = Window.ending(latest_date(portfolio), months=12)
    return core_card(portfolio, window=w, policy=Policy()).collect()


def test_hashed_and_string_keys_agree(sample, monkeypatch):
    assert hashed_keys(nw.from_native(sample.partners), engine="polars")  # the fast path
    hashed = core(sample)
    monkeypatch.setattr(stage_core, "hashed_keys", lambda _partners, engine: False)
    assert_frame_equal(hashed, core(sample))
    assert hashed["won_revenue"].sum() > 0


def test_duplicate_ids_are_seen_by_the_check():
    partners = pl.LazyFrame({"partner_id": ["a", "b", "a"]})
    assert not hashed_keys(nw.from_native(partners), engine="polars")
    assert hashed_keys(nw.from_native(partners.unique()), engine="polars")
    assert not hashed_keys(nw.from_native(partners.unique()), engine="duckdb")


def _renamed(p: Portfolio, new: dict[str, str]) -> Portfolio:
    tables = {
        name: p.table(name).collect().with_columns(pl.col("partner_id").replace(new))
        for name in ("partners", "deals", "activities")
    }
    return from_frames(**tables)


def test_long_record_ids_carry_the_same_results(sample):
    ids = sample.partners.select("partner_id").collect()["partner_id"].to_list()
    # 18-character ids in the same sort order (ranks' tie-breaks unchanged), too long to inline
    new = {i: "0015g00000" + i.rjust(8, "0") for i in ids}
    before = core(sample).with_columns(pl.col("partner_id").replace(new))
    after = core(_renamed(sample, new))
    assert after["partner_id"].str.len_bytes().min() == 18
    assert_frame_equal(after, before)


def test_row_order_does_not_matter(sample):
    shuffled = dataclasses.replace(
        sample,
        deals=sample.deals.collect().sample(fraction=1.0, shuffle=True, seed=1).lazy(),
        activities=sample.activities.collect().sample(fraction=1.0, shuffle=True, seed=2).lazy(),
    )
    assert_frame_equal(core(shuffled), core(sample))


def test_rows_of_an_unknown_partner_stay_out(sample):
    deals = sample.deals.collect()
    acts = sample.activities.collect()
    ghost_deal = deals.head(1).with_columns(
        partner_id=pl.lit("ghost"), deal_id=pl.lit("ghost-1"), outcome=pl.lit("won")
    )
    ghost_act = acts.head(1).with_columns(partner_id=pl.lit("ghost"))
    # built without validation, as read_portfolio(validate=False) can hand them over
    haunted = dataclasses.replace(
        sample,
        deals=pl.concat([deals, ghost_deal]).lazy(),
        activities=pl.concat([acts, ghost_act]).lazy(),
    )
    card = core(haunted)
    assert "ghost" not in card["partner_id"].to_list()
    assert_frame_equal(card, core(sample))


def test_a_partner_seen_only_through_hashed_rows_keeps_its_own_figures(build):
    # hand-worked: p1 wins 100 and 50 in W, p2 loses one; p1's intro in W was ours
    p = build(
        partners={"partner_id": ["p1", "p2"], "name": ["One", "Two"]},
        deals={
            "deal_id": ["d1", "d2", "d3"],
            "partner_id": ["p1", "p1", "p2"],
            "created_on": ["2025-01-01", "2025-02-01", "2025-02-01"],
            "closed_on": ["2025-03-01", "2025-04-01", "2025-04-01"],
            "outcome": ["won", "won", "lost"],
            "amount": [100.0, 50.0, 70.0],
        },
        activities={
            "partner_id": ["p1", "p2"],
            "occurred_on": ["2025-05-01", "2024-01-01"],
            "kind": ["intro", "qbr"],
            "initiated_by": ["us", "partner"],
            "hours": [2.0, 1.0],
        },
    )
    w = Window.ending(dt.date(2025, 6, 30), months=12)
    card = core_card(p, window=w, policy=Policy()).collect().sort("partner_id")
    assert card.select("won_revenue", "won_deals", "lost_deals").rows() == [
        (150.0, 2, 0),
        (0.0, 0, 1),
    ]
    assert card["referrals_given"].to_list() == [1, 0]
    assert card["hours_intro"].to_list() == [2.0, 0.0]
    assert card["days_since_activity"].to_list() == [60, 546]


def test_the_partner_signal_looks_back_active_days_only(build):
    # as_of 2025-06-30, active_days 91: the signal counts partner-initiated activity after
    # 2025-03-31. p1: partner-initiated on 2025-04-01 (inside) -> active. p2: partner-initiated
    # on 2025-03-31 (on the edge, outside) and our touch on 2025-06-01 -> dormant. p3: the
    # partner's own activity long ago, nothing since -> dormant. Nobody won or created a deal
    # recently; the only deal (p1's, lost in 2024) keeps every partner's deal signal off.
    p = build(
        partners={"partner_id": ["p1", "p2", "p3"], "name": ["One", "Two", "Three"]},
        deals={
            "deal_id": ["d1"],
            "partner_id": ["p1"],
            "created_on": ["2024-01-01"],
            "closed_on": ["2024-02-01"],
            "outcome": ["lost"],
            "amount": [10.0],
        },
        activities={
            "partner_id": ["p1", "p2", "p2", "p3"],
            "occurred_on": ["2025-04-01", "2025-03-31", "2025-06-01", "2023-05-01"],
            "kind": ["cosell", "cosell", "qbr", "intro"],
            "initiated_by": ["partner", "partner", "us", "partner"],
        },
    )
    policy = Policy()
    assert policy.active_days == 91
    w = Window.ending(dt.date(2025, 6, 30), months=12)
    card = core_card(p, window=w, policy=policy).collect().sort("partner_id")
    assert card["state"].to_list() == ["active", "dormant", "dormant"]
    assert card["last_activity_on"].to_list() == [
        dt.date(2025, 4, 1),
        dt.date(2025, 6, 1),
        dt.date(2023, 5, 1),
    ]
