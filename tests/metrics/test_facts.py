import datetime as dt

import polars as pl
import pytest

from partnerkit.metrics.facts import (
    activity_facts,
    build_facts,
    deal_accounts,
    deal_facts,
    investment_facts,
    prorated_amount,
    quarter_column,
    quarter_values,
)
from partnerkit.metrics.window import Window
from partnerkit.policy import Policy

D = dt.date.fromisoformat
W = Window.ending(D("2025-12-31"), months=12)


def test_direct_deals_are_the_null_partner_row(tiny):
    f = deal_facts(tiny.deals, window=W).filter(pl.col("partner_id").is_null()).collect()
    # direct: won 400 (d7), lost 100 (d8), open 250 (d11, created 2025-12-01)
    assert f.select("won_revenue", "won_deals", "lost_deals", "open_pipeline", "deals_created").row(
        0
    ) == (400.0, 1, 1, 250.0, 3)


def test_spread_of_won_deals(tiny):
    f = deal_facts(tiny.deals, window=W).filter(pl.col("partner_id") == "A").collect()
    # won amounts 1000 and 3000: population sd 1000; days 50 and 92: sd 21
    assert f["sd_won_amount"].item() == pytest.approx(1000.0)
    assert f["sd_days_to_close"].item() == pytest.approx(21.0)


def test_quarter_columns_and_values(tiny):
    quarters = W.quarters(4)  # 2025-01-01 .. 2025-10-01
    facts = deal_facts(tiny.deals, window=W, quarters=quarters)
    a = facts.filter(pl.col("partner_id") == "A").collect()
    assert [a[quarter_column(q)].item() for q in quarters] == [1000.0, 0.0, 3000.0, 0.0]
    long = quarter_values(facts, quarters=quarters).sort("partner_id", "quarter").collect()
    # C's win of 2024-12-31 is before the first tracked quarter; E's after as_of
    assert long.rows() == [
        ("A", D("2025-01-01"), 1000.0),
        ("A", D("2025-07-01"), 3000.0),
        ("B", D("2025-10-01"), 2000.0),
        ("D", D("2025-04-01"), 800.0),
    ]


def test_deal_accounts_live_in_window(tiny):
    out = deal_accounts(tiny.deals, window=W).sort("partner_id", "account_id", nulls_last=True)
    # C's deal closed on the window start and E's was created after as_of: both absent
    assert out.collect().rows() == [
        ("A", "x1", 2, 0.0), ("A", "x2", 1, 0.0), ("A", "x3", 1, 700.0), ("B", "x1", 1, 0.0),
        ("D", "x6", 1, 0.0), (None, "x1", 1, 0.0), (None, "x5", 1, 0.0), (None, "x9", 1, 250.0),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("starts", "ends", "expected"),
    [
        ("2025-01-01", "2025-12-31", 365.0),  # all 365 days in W
        ("2024-01-01", "2024-12-31", 0.0),  # ends on the window start: out
        ("2024-12-31", "2025-01-01", 182.5),  # 2 days, the second in W
        ("2025-12-01", None, 365.0),  # ongoing: runs until as_of, all in W
        ("2025-12-01", "2026-01-30", 365 * 31 / 61),  # 31 of 61 days by as_of
        ("2026-01-01", None, 0.0),  # starts after as_of
    ],
)
def test_prorated_investment(starts, ends, expected):
    f = pl.DataFrame(
        {"starts_on": [D(starts)], "ends_on": [D(ends) if ends else None], "amount": [365.0]},
        schema_overrides={"ends_on": pl.Date},
    )
    assert f.select(prorated_amount(W)).item() == pytest.approx(expected)


def test_investment_facts_on_the_tiny_portfolio(tiny):
    out = investment_facts(tiny.investments, window=W).sort("partner_id").collect()
    assert out.rows() == [("A", 5460.0, 1810.0), ("B", 920.0, 920.0)]


def test_activity_facts_on_the_tiny_portfolio(tiny):
    out = activity_facts(tiny.activities, window=W).sort("partner_id").collect()
    c = out.filter(pl.col("partner_id") == "C").row(0, named=True)
    assert (c["activities"], c["last_activity_on"], c["last_qbr_on"]) == (0, D("2024-10-01"), None)
    a = out.filter(pl.col("partner_id") == "A").row(0, named=True)
    assert a["last_qbr_on"] == D("2025-05-01")
    assert (a["our_hours"], a["partner_hours"]) == (6.0, 3.0)


def test_build_facts_collects_every_frame_once(tiny):
    facts = build_facts(tiny, window=W, policy=Policy())
    done = facts.collect()
    assert set(done.frames()) == set(facts.frames())
    for name, frame in done.frames().items():
        # group_by output order is arbitrary: compare sorted
        got = frame.collect()
        again = facts.frames()[name].collect()
        assert got.sort(got.columns, nulls_last=True).equals(
            again.sort(again.columns, nulls_last=True)
        ), name
    assert done.has("deals", "source")
