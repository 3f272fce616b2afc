"""Channel conflict: partners of the same solution category working the same accounts in W.

Two partners conflict on an account when both have a deal on it that is live in W (created on
or before as_of and not closed on or before the window start) and they share a non-null
``category``. Each pair appears once, with ``partner_a < partner_b``.

Examples
--------
>>> acc = pl.LazyFrame({"partner_id": ["a", "b", "c", "b"], "account_id": ["x", "x", "x", "y"],
...     "deals": [1, 2, 1, 1]})
>>> partners = pl.LazyFrame({"partner_id": ["a", "b", "c"],
...     "category": ["crm", "crm", "erp"]})
>>> conflicts(acc, partners=partners).collect().rows()
[('a', 'b', 'crm', 1, ['x'], 3)]
"""

from __future__ import annotations

import polars as pl

__all__ = ["conflicts"]


def conflicts(accounts: pl.LazyFrame, /, *, partners: pl.LazyFrame) -> pl.LazyFrame:
    """Pairs of same-category partners with deals live in W on the same accounts.

    Requires columns: ``partner_id``, ``account_id``, ``deals`` (``accounts``, as from
    :func:`partnerkit.metrics.facts.deal_accounts`) and ``partner_id``, ``category``
    (``partners``). Returns ``partner_a``, ``partner_b``, ``category``, ``shared_accounts``,
    ``accounts`` (sorted list of the shared account ids) and ``deals`` (both partners' deals
    live in W on those accounts), most shared accounts first.
    """
    side = accounts.filter(pl.col("partner_id").is_not_null()).join(
        partners.select("partner_id", "category").filter(pl.col("category").is_not_null()),
        on="partner_id",
    )
    return (
        side.join(side, on=["category", "account_id"], suffix="_b")
        .filter(pl.col("partner_id") < pl.col("partner_id_b"))
        .group_by("partner_id", "partner_id_b", "category")
        .agg(
            pl.len().cast(pl.Int64).alias("shared_accounts"),
            pl.col("account_id").sort().alias("accounts"),
            (pl.col("deals") + pl.col("deals_b")).sum().cast(pl.Int64).alias("deals"),
        )
        .rename({"partner_id": "partner_a", "partner_id_b": "partner_b"})
        .sort(["shared_accounts", "partner_a", "partner_b"], descending=[True, False, False])
    )
