import datetime as dt

import polars as pl

from partnerkit.metrics.conflicts import conflicts
from partnerkit.metrics.facts import deal_accounts
from partnerkit.metrics.window import Window

W = Window.ending(dt.date(2025, 12, 31), months=12)


def test_conflicts_on_the_tiny_portfolio(tiny):
    out = conflicts(deal_accounts(tiny.deals, window=W), partners=tiny.partners).collect()
    # A and B (both crm) have deals live in W on x1: A's d1 and d3, B's d5. D (crm) works x6
    # alone; C (erp) is alone in its category.
    assert out.rows() == [("A", "B", "crm", 1, ["x1"], 3)]


def test_three_partners_and_deals_outside_the_window():
    d = dt.date.fromisoformat
    deals = pl.LazyFrame(
        {
            "partner_id": ["a", "b", "c", "a", "b", "c", "a"],
            "account_id": ["x", "x", "x", "y", "y", "z", "z"],
            "created_on": [d("2025-02-01")] * 6 + [d("2024-01-01")],
            "closed_on": [None] * 6 + [d("2024-06-01")],  # a's deal on z ended before W
            "amount": [1.0] * 7,
        }
    )
    partners = pl.LazyFrame({"partner_id": ["a", "b", "c"], "category": ["crm"] * 3})
    out = conflicts(deal_accounts(deals, window=W), partners=partners).collect()
    assert out.select("partner_a", "partner_b", "shared_accounts", "accounts", "deals").rows() == [
        ("a", "b", 2, ["x", "y"], 4),
        ("a", "c", 1, ["x"], 2),
        ("b", "c", 1, ["x"], 2),
    ]


def test_no_category_no_conflict():
    acc = pl.LazyFrame({"partner_id": ["a", "b"], "account_id": ["x", "x"], "deals": [1, 1]})
    partners = pl.LazyFrame(
        {"partner_id": ["a", "b"], "category": [None, None]},
        schema_overrides={"category": pl.String},
    )
    assert conflicts(acc, partners=partners).collect().height == 0
