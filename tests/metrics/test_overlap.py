import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl

from partnerkit.facts.deals import deal_accounts as stage_one_accounts
from partnerkit.metrics.overlap import coverage
from partnerkit.window import Window

W = Window.ending(dt.date(2025, 12, 31), months=12)


def deal_accounts(deals, *, window):
    """Stage 1's (partner, account) reduction of polars ``deals``."""
    return stage_one_accounts(nw.from_native(deals), window=window).to_native()


def test_coverage_on_the_tiny_portfolio(tiny):
    out = coverage(tiny.overlaps, accounts=deal_accounts(tiny.deals, window=W)).collect()
    a = out.filter(pl.col("partner_id") == "A")
    # A maps x1 x2 x9 and has deals live in W on x1 x2 x3
    assert a.select("account_id", "via_overlap", "via_deal").rows() == [
        ("x1", True, True), ("x2", True, True), ("x3", False, True), ("x9", True, False),
    ]  # fmt: skip
    # D's deal on x6 (closed 2025-05-05) and B's on x1; C's deal ended on the window start;
    # E's deal starts after as_of
    assert sorted(out.filter(pl.col("partner_id") != "A").rows()) == [
        ("B", "x1", True, True), ("D", "x6", False, True),
    ]  # fmt: skip
