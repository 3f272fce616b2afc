"""Partner health: named dimensions of weighted, percentile-ranked scorecard metrics.

The model comes from ``policy.health`` (default: interest, awareness, encouragement).

- Each metric is scored by its **percentile rank among the included partners** (by default
  the ``counted`` ones): ``100 * (r - 1) / (n - 1)`` where ``r`` is the average rank of the
  value (ties share it) among the ``n`` included partners with a value. The lowest value
  scores 0, the highest 100, a tie or a single partner 50. Booleans count as 0/1. Metrics
  with ``higher_is_better=False`` are flipped (``100 - p``).
- A **null metric is left out** of that partner's dimension and the weights of the other
  metrics are renormalised; a dimension with no metric left is null. (Counts are 0, not
  null, when the source table was supplied; ratios such as reciprocity are null when there
  is nothing to divide, and whole inputs the source did not supply are null for everyone.)
- A dimension is the weighted mean of its metric percentiles; ``health`` is the plain mean
  of the non-null dimensions. Partners not included get nulls.

:func:`health_explained` lists the numbers behind every score: for each partner, dimension
and metric the value, its percentile, the nominal weight and the ``contribution`` (percentile
times renormalised weight), so the contributions of a dimension add up to its score.

Examples
--------
>>> from partnerkit.policy import HealthDimension, HealthMetric
>>> model = (HealthDimension("reach", (HealthMetric("x", 3.0), HealthMetric("y", 1.0))),)
>>> f = pl.LazyFrame({"partner_id": ["a", "b", "c"], "x": [1.0, 2.0, 3.0],
...     "y": [5.0, None, 5.0], "counted": [True, True, True]})
>>> health(f, model=model).select("partner_id", "reach", "health").collect().rows()
[('a', 12.5, 12.5), ('b', 50.0, 50.0), ('c', 87.5, 87.5)]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from partnerkit.policy import HealthDimension

__all__ = ["health", "health_explained", "percentile_rank"]

_EXPLAINED = pl.Schema(
    {
        "partner_id": pl.String(),
        "dimension": pl.String(),
        "metric": pl.String(),
        "value": pl.Float64(),
        "percentile": pl.Float64(),
        "weight": pl.Float64(),
        "contribution": pl.Float64(),
    }
)


def percentile_rank(value: pl.Expr, /, *, include: pl.Expr | None = None) -> pl.Expr:
    """Expression: percentile rank (0-100) of ``value`` among included, non-null rows.

    ``100 * (average rank - 1) / (n - 1)``; 50 for a lone value; null for rows left out.

    >>> df = pl.DataFrame({"v": [10, 20, 20, None, 40]})
    >>> df.select(percentile_rank(pl.col("v"))).to_series().to_list()
    [0.0, 50.0, 50.0, None, 100.0]
    """
    x = value.cast(pl.Float64)
    if include is not None:
        x = pl.when(include).then(x)
    n = x.count()
    r = x.rank("average")
    return (
        pl.when(x.is_null()).then(None).when(n > 1).then((r - 1) / (n - 1) * 100.0).otherwise(50.0)
    )


def _check(frame: pl.LazyFrame, model: Sequence[HealthDimension]) -> None:
    names = set(frame.collect_schema().names())
    unknown = sorted({m.column for d in model for m in d.metrics} - names)
    if unknown:
        raise ValueError(
            "the health model names columns the scorecard does not have: " + ", ".join(unknown)
        )


def _pct(dim: str, col: str) -> str:
    return f"_pct__{dim}__{col}"


def _with_percentiles(
    frame: pl.LazyFrame, model: Sequence[HealthDimension], include: str | None
) -> pl.LazyFrame:
    _check(frame, model)
    keep = None if include is None else pl.col(include).fill_null(value=False)
    exprs = {}
    for dim in model:
        for m in dim.metrics:
            p = percentile_rank(pl.col(m.column), include=keep)
            exprs[_pct(dim.name, m.column)] = p if m.higher_is_better else 100.0 - p
    return frame.with_columns(**exprs)


def _weight_sum(dim: HealthDimension) -> pl.Expr:
    return pl.sum_horizontal(
        pl.when(pl.col(_pct(dim.name, m.column)).is_not_null()).then(m.weight).otherwise(0.0)
        for m in dim.metrics
    )


def health(
    frame: pl.LazyFrame,
    /,
    *,
    model: Sequence[HealthDimension],
    include: str | None = "counted",
) -> pl.LazyFrame:
    """Add one 0-100 column per dimension of ``model`` and ``health`` (module docstring).

    Requires columns: ``include`` (a boolean, unless None) and every metric column of the
    model; an unknown metric column raises ``ValueError``.
    """
    scored = _with_percentiles(frame, model, include)
    dims = {}
    for dim in model:
        total = pl.sum_horizontal(
            pl.col(_pct(dim.name, m.column)).fill_null(0.0) * m.weight for m in dim.metrics
        )
        weights = _weight_sum(dim)
        dims[dim.name] = pl.when(weights > 0).then(total / weights)
    temp = [_pct(d.name, m.column) for d in model for m in d.metrics]
    return (
        scored.with_columns(**dims)
        .with_columns(health=pl.mean_horizontal(*(pl.col(d.name) for d in model)))
        .drop(temp)
    )


def health_explained(
    frame: pl.LazyFrame,
    /,
    *,
    model: Sequence[HealthDimension],
    include: str | None = "counted",
) -> pl.LazyFrame:
    """One row per included partner, dimension and metric: the numbers behind the scores.

    Requires columns: ``partner_id``, ``include`` and every metric column of the model.
    Returns ``partner_id``, ``dimension``, ``metric``, ``value``, ``percentile`` (already
    flipped for lower-is-better metrics), ``weight`` (nominal) and ``contribution``
    (percentile x weight / sum of the weights of the partner's non-null metrics in that
    dimension; null when the metric is null).
    """
    scored = _with_percentiles(frame, model, include)
    if include is not None:
        scored = scored.filter(pl.col(include).fill_null(value=False))
    parts = []
    for dim in model:
        weights = _weight_sum(dim)
        for m in dim.metrics:
            pct = pl.col(_pct(dim.name, m.column))
            parts.append(
                scored.select(
                    pl.col("partner_id").cast(pl.String),
                    pl.lit(dim.name).alias("dimension"),
                    pl.lit(m.column).alias("metric"),
                    pl.col(m.column).cast(pl.Float64).alias("value"),
                    pct.alias("percentile"),
                    pl.lit(float(m.weight)).alias("weight"),
                    pl.when(weights > 0).then(pct * m.weight / weights).alias("contribution"),
                )
            )
    if not parts:
        return pl.LazyFrame(schema=_EXPLAINED)
    return pl.concat(parts).sort("partner_id", maintain_order=True)
