"""Incentive durability: whether the deal flow an incentive buys outlasts it.

For each investment in an incentive category that started on or before as_of:

- the *during* span runs from ``starts_on`` to ``ends_on`` inclusive (an ongoing incentive,
  or one ending after as_of, is cut at as_of); its length is L days;
- the *before* span is the L days just before it and the *after* span the L days just after
  it, each clipped to the data (before: not earlier than the first deal in the portfolio;
  after: not later than as_of). A clipped before span keeps its true length in days, so its
  rate is scaled correctly; a span clipped to nothing has no rate (null);
- an incentive is ``measurable`` only once its after span is complete (L days up to
  as_of): until then its after rate, retention and verdict are not shown, so that an
  incentive that ended a few days ago is never judged on a few days of aftermath (an
  ongoing incentive is never measurable);
- ``rate_*`` is deals created through the partner per 30 days in each span (all outcomes);
- ``lift = rate_during / rate_before`` (null without a positive before-rate);
- ``retention = (rate_after - rate_before) / (rate_during - rate_before)``: the share of the
  gain still there afterwards (1 = fully kept, 0 = back to the old rate, negative = below
  it); null unless the rate rose during the incentive and the incentive is measurable;
- ``ephemeral`` when ``lift >= policy.incentive_min_lift`` and
  ``retention < policy.incentive_min_retention``; false when either is unknown;
- ``durability`` states the verdict in words: ``"not yet measurable"`` (after span not
  complete), ``"no lift"`` (lift or retention unknown, or lift below
  ``incentive_min_lift``), ``"ephemeral"`` or ``"durable"``.

Stage 1 measures each incentive (:func:`partnerkit.facts.investments.incentive_durability`,
one row per incentive, the ``incentives`` fact table); :func:`incentive_summary` sums it up
per partner.
"""

from __future__ import annotations

import polars as pl

__all__ = ["incentive_summary"]


def incentive_summary(incentives: pl.LazyFrame, /) -> pl.LazyFrame:
    """Per partner: ``incentives`` (count), ``ephemeral_incentives`` and the mean retention.

    Requires columns: ``partner_id``, ``retention``, ``ephemeral`` (from
    :func:`partnerkit.facts.investments.incentive_durability`). ``incentive_retention`` is
    null when no incentive of the partner has a measurable retention.

    >>> inc = pl.LazyFrame({"partner_id": ["a", "a"], "retention": [0.2, None],
    ...     "ephemeral": [True, False]})
    >>> incentive_summary(inc).collect().row(0)
    ('a', 2, 1, 0.2)
    """
    return incentives.group_by("partner_id").agg(
        pl.len().cast(pl.Int64).alias("incentives"),
        pl.col("ephemeral").sum().cast(pl.Int64).alias("ephemeral_incentives"),
        pl.col("retention").mean().alias("incentive_retention"),
    )
