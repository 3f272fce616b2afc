"""Stage-1 reduction of the account mapping: per-partner overlap counts.

The definitions (overlap accounts, co-sell and help potential, realized, untapped, open
pipeline on overlap accounts) are in :mod:`partnerkit.metrics.overlap`. The deal side is
:func:`partnerkit.facts.deals.deal_accounts`, cut to the mapped pairs before it is joined.

Examples
--------
>>> import polars as pl
>>> ov = nw.from_native(pl.LazyFrame({"partner_id": ["a", "a"], "account_id": ["x", "y"],
...     "our_status": ["prospect", "customer"], "partner_status": ["customer", "prospect"]}))
>>> acc = nw.from_native(pl.LazyFrame({"partner_id": ["a"], "account_id": ["x"],
...     "deals": [1], "open_amount": [0.0], "active_to": [dt.date(2025, 6, 1)]}))
>>> overlap_facts(ov, accounts=acc, start=dt.date(2025, 1, 1)).collect().row(0)
('a', 2, 1, 1, 1, 0, 0.0)

A deal left open since before the window (a stale record ending on its expected close) works
no account in W:

>>> overlap_facts(ov, accounts=acc, start=dt.date(2025, 6, 1)).collect().row(0)
('a', 2, 1, 1, 0, 1, 0.0)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import narwhals.stable.v2 as nw

from partnerkit.facts.aggregates import count_if, money

__all__ = ["mapped_accounts", "overlap_facts"]

Frame = nw.LazyFrame[Any]


def overlap_facts(overlaps: Frame, /, *, accounts: Frame, start: dt.date) -> Frame:
    """Per-partner overlap counts (see :mod:`partnerkit.metrics.overlap` for the definitions).

    Requires columns: ``partner_id``, ``account_id``, ``our_status``, ``partner_status`` in
    ``overlaps``; ``accounts`` is :func:`partnerkit.facts.deals.deal_accounts`
    (``partner_id``, ``account_id``, ``open_amount``, ``active_to``); ``start`` is the
    window's start: a partner realizes an account when it worked it after ``start`` (a
    stale open deal ends on its expected close date). Returns ``partner_id``,
    ``overlap_accounts``, ``cosell_potential``, ``help_potential``, ``realized_overlap``,
    ``untapped_overlap``, ``overlap_open_pipeline``.
    """
    ours, theirs = nw.col("our_status"), nw.col("partner_status")
    cosell = ((ours == "prospect") & (theirs == "customer")).fill_null(value=False)
    helps = ((ours == "customer") & (theirs == "prospect")).fill_null(value=False)
    pairs = overlaps.group_by("partner_id", "account_id").agg(
        count_if(cosell).alias("_cosell"),
        count_if(helps).alias("_help"),
    )
    keys = pairs.select("partner_id", "account_id")
    # the deal side can be millions of (partner, account) pairs: cut it to the mapped ones
    realized = (
        accounts.filter(~nw.col("partner_id").is_null() & (nw.col("active_to") > nw.lit(start)))
        .join(keys, on=["partner_id", "account_id"], how="semi")
        .select("partner_id", "account_id", nw.lit(1).alias("_realized"))
    )
    open_by_account = (
        accounts.join(keys.select("account_id").unique(), on="account_id", how="semi")
        .group_by("account_id")
        .agg(nw.col("open_amount").sum().alias("_open"))
    )
    done = nw.col("_realized").fill_null(0) > 0
    potential = nw.col("_cosell") > 0
    return (
        pairs.join(realized, on=["partner_id", "account_id"], how="left")
        .join(open_by_account, on="account_id", how="left")
        .group_by("partner_id")
        .agg(
            nw.len().cast(nw.Int64).alias("overlap_accounts"),
            count_if(potential).alias("cosell_potential"),
            count_if(nw.col("_help") > 0).alias("help_potential"),
            count_if(done).alias("realized_overlap"),
            count_if(potential & ~done).alias("untapped_overlap"),
            money(nw.col("_open").fill_null(0.0).sum()).alias("overlap_open_pipeline"),
        )
    )


def mapped_accounts(overlaps: Frame, /) -> Frame:
    """Distinct (``partner_id``, ``account_id``) pairs of the account mapping (coverage).

    >>> import polars as pl
    >>> ov = nw.from_native(pl.LazyFrame({"partner_id": ["a", "a"], "account_id": ["x", "x"],
    ...     "our_status": ["none"] * 2, "partner_status": ["none"] * 2}))
    >>> mapped_accounts(ov).collect().rows()
    [('a', 'x')]
    """
    return overlaps.select("partner_id", "account_id").unique()
