"""Channel conflict: partners of the same solution category working the same accounts at once.

Two partners conflict on an account when both have deals on it that are live in W (created
on or before as_of and not closed on or before the window start), they share a non-null
``category``, and they worked the account at the same time: the spans of their deals on it
overlap by at least one day. A partner's span on an account runs from the creation of its
first such deal (``active_from``) to the close of its last one, or as_of while one is still
open (``active_to``), as :func:`partnerkit.facts.deals.deal_accounts` gives them. A
partner whose deal closed before the other's was created is a successor, not a competitor.
(A partner with two deals far apart on one account spans the gap between them.) Each pair
appears once, with ``partner_a < partner_b``.

Examples
--------
>>> import datetime as dt
>>> d = dt.date.fromisoformat
>>> acc = pl.LazyFrame({"partner_id": ["a", "b", "c", "b"], "account_id": ["x", "x", "x", "y"],
...     "deals": [1, 2, 1, 1],
...     "active_from": [d("2025-01-01"), d("2025-02-01"), d("2025-05-01"), d("2025-01-01")],
...     "active_to": [d("2025-03-01"), d("2025-04-01"), d("2025-06-01"), d("2025-02-01")]})
>>> partners = pl.LazyFrame({"partner_id": ["a", "b", "c"], "category": ["crm"] * 3})
>>> conflicts(acc, partners=partners).collect().rows()  # c came to x after a and b had left
[('a', 'b', 'crm', 1, ['x'], 3)]
"""

from __future__ import annotations

import polars as pl

__all__ = ["conflicts"]


def conflicts(accounts: pl.LazyFrame, /, *, partners: pl.LazyFrame) -> pl.LazyFrame:
    """Pairs of same-category partners working the same accounts at the same time in W.

    Requires columns: ``partner_id``, ``account_id``, ``deals``, ``active_from``,
    ``active_to`` (``accounts``, as from :func:`partnerkit.facts.deals.deal_accounts`) and
    ``partner_id``, ``category`` (``partners``). Returns ``partner_a``, ``partner_b``,
    ``category``, ``shared_accounts`` (accounts both worked at the same time), ``accounts``
    (sorted list of those account ids) and ``deals`` (both partners' deals live in W on
    those accounts), most shared accounts first.
    """
    # categories are free text: "CRM" and "crm " are one category (the first spelling shown)
    key = pl.col("category").str.strip_chars().str.to_lowercase()
    side = (
        accounts.filter(pl.col("partner_id").is_not_null())
        .select("partner_id", "account_id", "deals", "active_from", "active_to")
        .join(
            partners.select("partner_id", "category", key.alias("_category")).filter(
                pl.col("_category").is_not_null() & (pl.col("_category") != "")
            ),
            on="partner_id",
        )
    )
    return (
        side.join(side, on=["_category", "account_id"], suffix="_b")
        .filter(
            (pl.col("partner_id") < pl.col("partner_id_b"))
            & (pl.col("active_from") <= pl.col("active_to_b"))
            & (pl.col("active_from_b") <= pl.col("active_to"))
        )
        .group_by("partner_id", "partner_id_b", "category")
        .agg(
            pl.len().cast(pl.Int64).alias("shared_accounts"),
            pl.col("account_id").sort().alias("accounts"),
            (pl.col("deals") + pl.col("deals_b")).sum().cast(pl.Int64).alias("deals"),
        )
        .rename({"partner_id": "partner_a", "partner_id_b": "partner_b"})
        .sort(["shared_accounts", "partner_a", "partner_b"], descending=[True, False, False])
    )
