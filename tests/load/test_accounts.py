"""The overlaps table from two account lists: matching by domain, else by company name."""

import polars as pl
import pytest

from partnerkit.load.accounts import normalise_company, normalise_domain, overlaps_from_accounts


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
def test_normalise_company(raw, expected):
    assert pl.select(normalise_company(pl.lit(raw))).item() == expected


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
