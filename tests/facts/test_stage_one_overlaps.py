"""Per-partner overlap facts (stage 1), by hand and on the tiny portfolio."""

import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl

from partnerkit.facts.deals import deal_accounts
from partnerkit.facts.overlaps import overlap_facts as stage_one_overlaps
from partnerkit.window import Window

W = Window.ending(dt.date(2025, 12, 31), months=12)


def overlap_facts(overlaps, *, accounts):
    return stage_one_overlaps(
        nw.from_native(overlaps), accounts=nw.from_native(accounts), start=W.start
    )


def test_overlap_facts_hand_example():
    overlaps = pl.LazyFrame(
        {
            "partner_id": ["a"] * 5 + ["b"],
            "account_id": ["x1", "x2", "x3", "x4", "x4", "x1"],
            "our_status": ["prospect", "prospect", "customer", "none", "prospect", "prospect"],
            "partner_status": ["customer", "customer", "prospect", "customer", "customer", "none"],
        }
    )
    accounts = pl.LazyFrame(
        {
            "partner_id": ["a", "a", None, "b"],
            "account_id": ["x1", "x3", "x2", "x9"],
            "deals": [1, 2, 1, 1],
            "open_amount": [10.0, 0.0, 5.0, 7.0],
            "active_to": [W.end] * 4,
        },
        schema_overrides={"partner_id": pl.String},
    )
    out = overlap_facts(overlaps, accounts=accounts).to_native().sort("partner_id").collect()
    # a maps x1..x4 (x4 twice: one account; one of its rows is prospect/customer -> co-sell);
    # co-sell x1 x2 x4, help x3; a's own deals touch x1 and x3 -> realized 2, untapped x2 x4;
    # open pipeline on a's accounts: x1 10 + x2 5 (direct) = 15
    assert out.row(0) == ("a", 4, 3, 1, 2, 2, 15.0)
    # b maps x1 (no co-sell: they have no customer there); a's open deal on x1 counts for b too
    assert out.row(1) == ("b", 1, 0, 0, 0, 0, 10.0)


def test_untapped_never_exceeds_potential_on_the_tiny_portfolio(tiny):
    accounts = deal_accounts(nw.from_native(tiny.deals), window=W)
    out = overlap_facts(tiny.overlaps, accounts=accounts).to_native().collect()
    assert (out["untapped_overlap"] <= out["cosell_potential"]).all()
    assert (out["untapped_overlap"] >= 0).all()


def test_a_stale_open_deal_realizes_no_account():
    # A deal left open since 2023 (undated, or expected to close long before the window) is a
    # stale record: it works its account only until its expected close, so the account stays
    # untapped; a deal expected inside W, or created in W, realizes it.
    overlaps = pl.LazyFrame(
        {
            "partner_id": ["a"] * 4,
            "account_id": ["x1", "x2", "x3", "x4"],
            "our_status": ["prospect"] * 4,
            "partner_status": ["customer"] * 4,
        }
    )
    day = dt.date
    deals = pl.LazyFrame(
        {
            "deal_id": ["d1", "d2", "d3", "d4"],
            "partner_id": ["a"] * 4,
            "account_id": ["x1", "x2", "x3", "x4"],
            "created_on": [day(2023, 11, 1), day(2023, 11, 1), day(2024, 11, 1), day(2025, 11, 1)],
            "closed_on": [None, day(2024, 1, 15), day(2025, 3, 1), None],
            "outcome": ["open"] * 4,
            "amount": [1.0, 2.0, 4.0, 8.0],
        }
    )
    accounts = deal_accounts(nw.from_native(deals), window=W, active_days=91).to_native()
    out = overlap_facts(overlaps, accounts=accounts).to_native().collect()
    # x1 (undated, created 2023) and x2 (expected 2024-01-15) stale before W; x3 expected
    # 2025-03-01 inside W: worked until then; x4 live
    assert out.select("realized_overlap", "untapped_overlap").row(0) == (2, 2)
    # all four stay open pipeline on the partner's accounts
    assert out["overlap_open_pipeline"].item() == 15.0
