import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl
import pytest

from partnerkit.facts.deals import deal_accounts as stage_one_accounts
from partnerkit.metrics.overlap import (
    coverage,
    normalise_domain,
    normalise_name,
    overlaps_from_accounts,
)
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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Acme.COM/contact?x=1", "acme.com"),
        ("acme.com:8080", "acme.com"),
        ("sales@acme.co.uk", "acme.co.uk"),
        ("  www.globex.io.  ", "globex.io"),
        ("", None),
    ],
)
def test_normalise_domain(raw, expected):
    assert pl.select(normalise_domain(pl.lit(raw))).item() == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The Acme Corporation", "acme"),
        ("ACME, Inc.", "acme"),
        ("Ware House Ltd", "warehouse"),
        ("Warehouse", "warehouse"),
        ("Smith & Sons GmbH", "smithandsons"),
        ("Co", "co"),  # a name that is only a legal form stays
        ("---", None),
    ],
)
def test_normalise_name(raw, expected):
    assert pl.select(normalise_name(pl.lit(raw))).item() == expected


def test_overlaps_from_accounts_rules():
    ours = pl.LazyFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4"],
            "name": ["Acme Inc", "Globex", "Initech", "Umbrella"],
            "domain": ["acme.com", "globex.com", None, "umbrella.com"],
            "status": ["Prospect", "customer", "none", "customer"],
        }
    )
    theirs = pl.LazyFrame(
        {
            "partner_id": ["p", "p", "p", "p", "q"],
            "name": ["ACME corp", "Globex GmbH", "Initech", "Acme", "Umbrella Group"],
            "domain": ["https://acme.com", "globex.de", None, None, None],
            "status": ["prospect", "customer", "customer", "customer", "prospect"],
        }
    )
    out = overlaps_from_accounts(ours, theirs).collect()
    # A1 matches twice for p (by domain: prospect; by name, domain missing: customer): strongest
    # wins; A2 names match but the domains contradict; A3 by name; A4 for q by name
    assert out.rows() == [
        ("p", "A1", "prospect", "customer"),
        ("p", "A3", "none", "customer"),
        ("q", "A4", "customer", "prospect"),
    ]


def test_overlaps_from_accounts_needs_keys():
    ours = pl.LazyFrame({"account_id": ["A"], "status": ["customer"]})
    theirs = pl.LazyFrame({"name": ["A"], "status": ["customer"]})
    with pytest.raises(ValueError, match="domain"):
        overlaps_from_accounts(ours, theirs, partner_id="p").collect()
    with pytest.raises(ValueError, match="partner_id"):
        overlaps_from_accounts(theirs.with_columns(account_id=pl.lit("A")), theirs)
