"""Pareto: the vital few, concentration figures and their stability across quarters.

Definitions (value = a non-negative column, by default won revenue in W):

- Partners taking part (the *denominator*, see :func:`in_denominator`) are ranked by value,
  highest first, ties broken by ``partner_id``; ``rank`` runs 1..n.
- ``share = value / total`` and ``cum_share`` is the running sum of shares in rank order;
  both are null when the total is 0.
- A partner is **vital** when the cumulative share *before* it is below the threshold: the
  vital few are the minimal prefix of the ranking whose share reaches the threshold. Total 0
  means nobody is vital. Values are compared in whole cents (integers), so sums are exact,
  and a prefix reaching the threshold exactly counts as reaching it.
- Partners outside the denominator get null rank and shares and are never vital.

Concentration (:func:`concentration`) reads the ranking as a concentration curve
C(p) = share of value held by the top fraction p of partners, linear between partners
(C(k/n) = cum_share at rank k). ``top20_share`` = C(0.2); ``closest_benchmark`` is the
reference point (80/20, 90/10, 95/5) nearest the curve, i.e. with the smallest
|C(partner share) - value share|.

Examples
--------
>>> f = pl.LazyFrame({"partner_id": ["a", "b", "c", "d"], "won_revenue": [10.0, 60.0, 30.0, 0.0]})
>>> pareto(f).sort("rank").select("partner_id", "rank", "cum_share", "vital").collect().rows()
[('b', 1, 0.6, True), ('c', 2, 0.9, True), ('a', 3, 1.0, False), ('d', 4, 1.0, False)]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

__all__ = [
    "BENCHMARKS",
    "concentration",
    "in_denominator",
    "pareto",
    "vital_by_quarter",
]

BENCHMARKS: tuple[tuple[str, float, float], ...] = (
    ("80/20", 0.2, 0.8),
    ("90/10", 0.1, 0.9),
    ("95/5", 0.05, 0.95),
)
"""Industry reference points: (label, share of partners, share of value they produce)."""

_TOLERANCE = 1e-12
"""Relative slack when comparing a cumulative value with threshold x total."""


def _units(value: str) -> pl.Expr:
    return (pl.col(value).cast(pl.Float64).fill_null(0.0) * 100).round().cast(pl.Int64)


def in_denominator(
    denominator: str, /, *, value: str = "won_revenue", include: str | None = "counted"
) -> pl.Expr:
    """Expression: the partner is in the concentration denominator.

    ``enrolled``: every included (counted) partner; ``active``: included and not dormant
    (requires a ``state`` column); ``positive``: included with value > 0.

    >>> f = pl.DataFrame({"counted": [True, True, False], "state": ["dormant", "active", "active"],
    ...     "won_revenue": [0.0, 5.0, 5.0]})
    >>> f.select(in_denominator("active")).to_series().to_list()
    [False, True, False]
    """
    base = pl.lit(value=True) if include is None else pl.col(include).fill_null(value=False)
    if denominator == "enrolled":
        return base
    if denominator == "active":
        return base & (pl.col("state") != "dormant").fill_null(value=False)
    if denominator == "positive":
        return base & (_units(value) > 0)
    raise ValueError(f"denominator must be enrolled, active or positive, not {denominator!r}")


def pareto(
    frame: pl.LazyFrame,
    /,
    *,
    value: str = "won_revenue",
    threshold: float = 0.8,
    include: pl.Expr | str | None = None,
    by: Sequence[str] = (),
) -> pl.LazyFrame:
    """Rank partners by ``value`` and flag the vital few (module docstring).

    Requires columns: ``partner_id``, ``value`` and the ``by`` columns. ``include`` (a
    boolean column or expression) limits who takes part; ``by`` ranks within groups (e.g.
    per quarter). Adds ``rank``, ``share``, ``cum_share`` and ``vital``; rows taking part come
    first, in rank order.
    """
    keys = list(by)

    def over(e: pl.Expr) -> pl.Expr:
        return e.over(keys) if keys else e

    if include is None:
        keep = pl.lit(value=True)
    else:
        keep = pl.col(include) if isinstance(include, str) else include
    marked = frame.with_columns(_in=keep.fill_null(value=False), _u=_units(value))
    u = pl.col("_u")
    total, cum = over(u.sum()), over(u.cum_sum())
    inside = (
        marked.filter(pl.col("_in"))
        .sort([*keys, "_u", "partner_id"], descending=[False] * len(keys) + [True, False])
        .with_columns(
            rank=over(u.cum_count()).cast(pl.Int64),
            share=pl.when(total > 0).then(u / total),
            cum_share=pl.when(total > 0).then(cum / total),
            vital=(total > 0) & ((cum - u) < threshold * total * (1 - _TOLERANCE)),
        )
    )
    outside = marked.filter(~pl.col("_in")).with_columns(
        rank=pl.lit(None, dtype=pl.Int64),
        share=pl.lit(None, dtype=pl.Float64),
        cum_share=pl.lit(None, dtype=pl.Float64),
        vital=pl.lit(value=False),
    )
    return pl.concat([inside, outside]).drop("_in", "_u")


def concentration(
    ranked: pl.LazyFrame,
    /,
    *,
    value: str = "won_revenue",
    threshold: float = 0.8,
    denominator: str = "active",
) -> pl.LazyFrame:
    """One-row concentration summary of a :func:`pareto` ranking.

    Requires columns: ``rank``, ``share``, ``cum_share``, ``vital`` and ``value``. Returns
    ``denominator``, ``value_column``, ``threshold``, ``partners`` (ranked), ``total_value``,
    ``vital_count``, ``vital_share`` (vital / partners), ``vital_value_share``,
    ``zero_value_share``, ``top20_share``, ``top10_share``, ``top5_share``, ``gini``
    (0 = equal, toward 1 = concentrated), ``hhi`` (sum of squared shares, 0-1) and
    ``closest_benchmark``; the shares are null when there is no partner and the value
    figures are null when the total is 0.

    >>> f = pl.LazyFrame({"partner_id": list("abcde"),
    ...     "won_revenue": [80.0, 10.0, 5.0, 5.0, 0.0]})
    >>> c = concentration(pareto(f)).collect()
    >>> c.select("partners", "vital_count", "top20_share", "gini", "closest_benchmark").row(0)
    (5, 1, 0.8, 0.66, '80/20')
    """
    r = ranked.filter(pl.col("rank").is_not_null())
    n = pl.len()
    u = _units(value)
    total = u.sum()
    rank = pl.col("rank")

    def curve(p: float) -> pl.Expr:
        t = n.cast(pl.Float64) * p
        k = t.floor()
        before = pl.col("cum_share").filter(rank == k).sum()
        nxt = pl.col("share").filter(rank == k + 1).sum()
        return pl.when(total > 0).then(before + (t - k) * nxt)

    gaps = [(curve(p) - v).abs() for _, p, v in BENCHMARKS]
    labels = {i: label for i, (label, _, _) in enumerate(BENCHMARKS)}
    share_of = pl.when(n > 0)
    return r.select(
        pl.lit(denominator).alias("denominator"),
        pl.lit(value).alias("value_column"),
        pl.lit(float(threshold)).alias("threshold"),
        n.cast(pl.Int64).alias("partners"),
        (total.cast(pl.Float64) / 100).alias("total_value"),
        pl.col("vital").sum().cast(pl.Int64).alias("vital_count"),
        share_of.then(pl.col("vital").sum() / n).alias("vital_share"),
        pl.when(total > 0)
        .then(pl.col("share").filter(pl.col("vital")).sum())
        .alias("vital_value_share"),
        share_of.then((u == 0).sum() / n).alias("zero_value_share"),
        curve(0.2).alias("top20_share"),
        curve(0.1).alias("top10_share"),
        curve(0.05).alias("top5_share"),
        pl.when(total > 0).then(((n + 1 - 2 * rank) * u).sum() / (n * total)).alias("gini"),
        pl.when(total > 0).then((pl.col("share") ** 2).sum()).alias("hhi"),
        pl.when(total > 0)
        .then(pl.concat_list(gaps).list.arg_min().replace_strict(labels, return_dtype=pl.String))
        .alias("closest_benchmark"),
    )


def vital_by_quarter(values: pl.LazyFrame, /, *, threshold: float = 0.8) -> pl.LazyFrame:
    """Flag the vital few of each quarter.

    Requires columns: ``partner_id``, ``quarter``, ``value``. Returns ``partner_id``,
    ``quarter``, ``value``, ``rank``, ``share`` and ``vital``, sorted by quarter and rank.

    >>> import datetime as dt
    >>> q1, q2 = dt.date(2025, 1, 1), dt.date(2025, 4, 1)
    >>> v = pl.LazyFrame({"partner_id": ["a", "b", "a"], "quarter": [q1, q1, q2],
    ...     "value": [9.0, 1.0, 4.0]})
    >>> vital_by_quarter(v).select("partner_id", "quarter", "vital").collect().rows()[1:]
    [('b', datetime.date(2025, 1, 1), False), ('a', datetime.date(2025, 4, 1), True)]
    """
    return (
        pareto(values, value="value", threshold=threshold, by=["quarter"])
        .select("partner_id", "quarter", "value", "rank", "share", "vital")
        .sort("quarter", "rank")
    )
