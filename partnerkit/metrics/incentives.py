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

Examples
--------
>>> import datetime as dt
>>> from partnerkit.window import Window
>>> day = lambda d: dt.date(2025, 1, 1) + dt.timedelta(days=d)
>>> inv = pl.LazyFrame({"partner_id": ["a"], "category": ["incentive"],
...     "starts_on": [day(30)], "ends_on": [day(59)], "amount": [1000.0]})
>>> deals = pl.LazyFrame({"partner_id": ["a"] * 4,
...     "created_on": [day(5), day(31), day(40), day(50)]})
>>> out = incentive_durability(inv, deals=deals, window=Window(day(0), day(120)))
>>> out.select("deals_before", "deals_during", "deals_after", "lift", "durability").collect().row(0)
(1, 3, 0, 2.5, 'ephemeral')
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from partnerkit.window import Window

__all__ = ["DURABILITY", "RATE_DAYS", "incentive_durability", "incentive_summary"]

RATE_DAYS = 30
"""Deal-creation rates are expressed per this many days."""

DURABILITY = ("not yet measurable", "no lift", "ephemeral", "durable")
"""Values of the ``durability`` column of :func:`incentive_durability`."""


def _days(n: pl.Expr, /) -> pl.Expr:
    return pl.duration(days=n)


def incentive_durability(
    investments: pl.LazyFrame,
    /,
    *,
    deals: pl.LazyFrame,
    window: Window,
    categories: Sequence[str] = ("incentive",),
    min_lift: float = 1.2,
    min_retention: float = 0.5,
) -> pl.LazyFrame:
    """Deal-creation rate before, during and after each incentive (module docstring).

    Requires columns: ``partner_id``, ``category``, ``starts_on``, ``ends_on``, ``amount``
    (investments); ``partner_id`` and ``created_on`` (deals). Returns one row per incentive,
    sorted by partner and start date.
    """
    as_of = pl.lit(window.end)
    start, end = pl.col("starts_on"), pl.col("_end")
    inc = (
        investments.filter(
            pl.col("category").is_in(list(categories)) & (pl.col("starts_on") <= as_of)
        )
        .with_row_index("_inc")
        .with_columns(_end=pl.min_horizontal(pl.col("ends_on").fill_null(as_of), as_of))
        .with_columns(days=(end - start).dt.total_days() + 1)
        .join(
            deals.select(pl.col("created_on").min().alias("_first")),
            how="cross",
        )
        .with_columns(
            _b0=pl.max_horizontal(start - _days(pl.col("days")), pl.col("_first")),
            _b1=start - _days(pl.lit(1)),
            _a0=end + _days(pl.lit(1)),
            _a1=pl.min_horizontal(end + _days(pl.col("days")), as_of),
        )
        .with_columns(
            days_before=((pl.col("_b1") - pl.col("_b0")).dt.total_days() + 1).clip(0),
            days_after=((pl.col("_a1") - pl.col("_a0")).dt.total_days() + 1).clip(0),
        )
        .with_columns(measurable=pl.col("days_after") >= pl.col("days"))
    )
    created = pl.col("created_on")

    def between(lo: str | pl.Expr, hi: str | pl.Expr) -> pl.Expr:
        lo_e = pl.col(lo) if isinstance(lo, str) else lo
        hi_e = pl.col(hi) if isinstance(hi, str) else hi
        return ((created >= lo_e) & (created <= hi_e)).sum().cast(pl.Int64)

    counts = (
        deals.select("partner_id", "created_on")
        .filter(pl.col("partner_id").is_not_null() & (created <= as_of))
        .join(
            inc.select("_inc", "partner_id", "starts_on", "_end", "_b0", "_b1", "_a0", "_a1"),
            on="partner_id",
        )
        .group_by("_inc")
        .agg(
            between("_b0", "_b1").alias("deals_before"),
            between(start, end).alias("deals_during"),
            between("_a0", "_a1").alias("deals_after"),
        )
    )

    def rate(n: str, d: str | pl.Expr) -> pl.Expr:
        d_e = pl.col(d) if isinstance(d, str) else d
        return pl.when(d_e > 0).then(pl.col(n) * RATE_DAYS / d_e)

    before, during, after = pl.col("rate_before"), pl.col("rate_during"), pl.col("rate_after")
    return (
        inc.join(counts, on="_inc", how="left")
        .with_columns(pl.col("deals_before", "deals_during", "deals_after").fill_null(0))
        .with_columns(
            rate_before=rate("deals_before", "days_before"),
            rate_during=rate("deals_during", "days"),
            rate_after=pl.when(pl.col("measurable")).then(rate("deals_after", "days_after")),
        )
        .with_columns(
            lift=pl.when(before > 0).then(during / before),
            retention=pl.when((during > before) & after.is_not_null()).then(
                (after - before) / (during - before)
            ),
        )
        .with_columns(
            ephemeral=(
                (pl.col("lift") >= min_lift) & (pl.col("retention") < min_retention)
            ).fill_null(value=False),
            durability=pl.when(~pl.col("measurable"))
            .then(pl.lit(DURABILITY[0]))
            .when(
                ((pl.col("lift") >= min_lift) & pl.col("retention").is_not_null())
                .fill_null(value=False)
                .not_()
            )
            .then(pl.lit(DURABILITY[1]))
            .when(pl.col("retention") < min_retention)
            .then(pl.lit(DURABILITY[2]))
            .otherwise(pl.lit(DURABILITY[3])),
        )
        .select(
            "partner_id",
            "category",
            "starts_on",
            "ends_on",
            "amount",
            "days",
            "days_before",
            "days_after",
            "deals_before",
            "deals_during",
            "deals_after",
            "rate_before",
            "rate_during",
            "rate_after",
            "lift",
            "retention",
            "measurable",
            "ephemeral",
            "durability",
        )
        .sort("partner_id", "starts_on", "ends_on", "category", "amount", nulls_last=True)
    )


def incentive_summary(incentives: pl.LazyFrame, /) -> pl.LazyFrame:
    """Per partner: ``incentives`` (count), ``ephemeral_incentives`` and the mean retention.

    Requires columns: ``partner_id``, ``retention``, ``ephemeral`` (from
    :func:`incentive_durability`). ``incentive_retention`` is null when no incentive of the
    partner has a measurable retention.

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
