"""Per-partner overlap facts (stage 1), by hand and on the tiny portfolio."""

import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl

from partnerkit.facts.deals import deal_accounts
from partnerkit.facts.overlaps import overlap_facts as stage_one_overlaps
from partnerkit.window import Window

W = Window.ending(dt.date(2025, 12, 31), months=12)


def overlap_facts(overlaps, *, accounts):
    return stage_one_overlaps(nw.from_native(overlaps), accounts=nw.from_native(accounts))


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
