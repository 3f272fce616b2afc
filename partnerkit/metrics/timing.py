"""Engagement timing: when in the deal cycle the partner was brought in, and the win rate.

For a partner deal closed (won or lost) in W with a ``partner_engaged_on`` date, the
fraction of its cycle elapsed at engagement is
``(partner_engaged_on - created_on) / max(closed_on - created_on, 1 day)`` clipped to [0, 1]
(engaged before creation counts as 0, after the close as 1). It is *early* below
``policy.timing_cuts[0]``, *mid* below ``policy.timing_cuts[1]`` and *late* otherwise.
Deals without an engagement date are left out.

The per-deal bucket is computed in the single deals pass of stage 1
(:func:`partnerkit.facts.deals.engagement_bucket`; :func:`partnerkit.facts.deals.deal_facts`
keeps ``<bucket>_closed`` and ``<bucket>_won`` per partner); :func:`timing` adds those up.

Examples
--------
>>> f = pl.LazyFrame({"partner_id": ["a", "b", None],
...     "early_closed": [4, 6, 9], "early_won": [3, 3, 9], "mid_closed": [0, 2, 0],
...     "mid_won": [0, 1, 0], "late_closed": [1, 0, 0], "late_won": [0, 0, 0]})
>>> timing(f, min_sample=5).collect().rows()
[('early', 10, 6, 0.6, True), ('mid', 2, 1, 0.5, False), ('late', 1, 0, 0.0, False)]
"""

from __future__ import annotations

import polars as pl

from partnerkit.schema import TIMING_BUCKETS

__all__ = ["timing"]


def timing(facts: pl.LazyFrame, /, *, min_sample: int) -> pl.LazyFrame:
    """Win rate of partner deals by engagement bucket, over all partners.

    Requires columns: ``partner_id`` and ``<bucket>_closed``, ``<bucket>_won`` for each of
    :data:`partnerkit.schema.TIMING_BUCKETS` (rows with a null ``partner_id``, direct deals,
    are ignored). Returns ``bucket``, ``deals`` (closed in W), ``won``, ``win_rate`` (null
    when no deal) and ``enough`` (``deals >= min_sample``).
    """
    partners = facts.filter(pl.col("partner_id").is_not_null())
    parts = [
        partners.select(
            pl.lit(name).alias("bucket"),
            pl.col(f"{name}_closed").sum().cast(pl.Int64).alias("deals"),
            pl.col(f"{name}_won").sum().cast(pl.Int64).alias("won"),
        )
        for name in TIMING_BUCKETS
    ]
    return pl.concat(parts).with_columns(
        win_rate=pl.when(pl.col("deals") > 0).then(pl.col("won") / pl.col("deals")),
        enough=pl.col("deals") >= min_sample,
    )
