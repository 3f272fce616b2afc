"""Account overlap (account mapping): potential, realized and untapped co-selling.

Definitions, per partner (W is the analysis window):

- ``overlap_accounts``: distinct accounts in the partner's account mapping.
- ``cosell_potential``: overlap accounts where we have a prospect and the partner a customer
  (they can help us).
- ``help_potential``: the reverse, we have a customer and the partner a prospect (we can help
  them).
- ``realized_overlap``: overlap accounts with a deal through that partner live in W (created on
  or before as_of and not closed on or before the window start; a deal left open long past
  its expected close date is a stale record, live only until that date, or its creation
  date when undated).
- ``untapped_overlap``: co-sell-potential accounts with no deal through that partner live in W,
  so ``0 <= untapped_overlap <= cosell_potential``.
- ``overlap_open_pipeline``: amount of every deal (direct or through any partner) open at
  as_of on the partner's overlap accounts: pipeline the partner could help close.

The ``overlaps`` table itself is an input; :func:`partnerkit.load.accounts.overlaps_from_accounts`
builds it from two plain account lists.

The per-partner counts are stage-1 facts (:func:`partnerkit.facts.overlaps.overlap_facts`);
:func:`coverage` reads the mapped pairs and the deal accounts.
"""

from __future__ import annotations

import polars as pl

__all__ = ["coverage"]


def coverage(overlaps: pl.LazyFrame, /, *, accounts: pl.LazyFrame) -> pl.LazyFrame:
    """Accounts each partner covers: its overlap accounts plus the accounts of its deals in W.

    Requires columns: ``partner_id``, ``account_id`` (both frames; ``accounts`` as from
    :func:`partnerkit.facts.deals.deal_accounts`). Returns ``partner_id``, ``account_id``,
    ``via_overlap`` and ``via_deal``, sorted.

    >>> ov = pl.LazyFrame({"partner_id": ["a", "a"], "account_id": ["x", "y"]})
    >>> acc = pl.LazyFrame({"partner_id": ["a", None], "account_id": ["z", "x"]})
    >>> coverage(ov, accounts=acc).collect().rows()
    [('a', 'x', True, False), ('a', 'y', True, False), ('a', 'z', False, True)]
    """
    mapped = (
        overlaps.select("partner_id", "account_id")
        .unique()
        .with_columns(via_overlap=pl.lit(value=True))
    )
    dealt = (
        accounts.filter(pl.col("partner_id").is_not_null())
        .select("partner_id", "account_id")
        .unique()
        .with_columns(via_deal=pl.lit(value=True))
    )
    return (
        mapped.join(dealt, on=["partner_id", "account_id"], how="full", coalesce=True)
        .with_columns(pl.col("via_overlap", "via_deal").fill_null(value=False))
        .sort("partner_id", "account_id")
    )
