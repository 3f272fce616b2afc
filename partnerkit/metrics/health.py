"""Partner health: named dimensions of weighted, percentile-ranked scorecard metrics.

The model comes from ``policy.health`` (default: interest, awareness, encouragement).

- Each metric is scored by its **percentile rank among the included partners** (by default
  the ``counted`` ones): ``100 * (r - 1) / (n - 1)`` where ``r`` is the average rank of the
  value (ties share it) among the ``n`` included partners with a value. The highest value
  scores 100, a single partner 50. Booleans count as 0/1. Metrics with
  ``higher_is_better=False`` are flipped (``100 - p``).
- **Nothing earns nothing**: the worst value scores 0 however many partners share it (no
  sponsor, no enablement, never active), unless every included partner shares it (the
  metric then tells nobody apart, and everyone scores 50). Averaged ranks would give a
  tie at the bottom points, the more partners in it the more points.
- A **null metric is silence, scored as the lowest value** (``HealthMetric.missing``
  ``"lowest"``, the default): the partner ranks below every partner with a value (tied with
  the other silent ones), so a partner with no referrals or no partner-initiated activity
  never scores above one with a little. A metric with ``missing="absent"`` (default model:
  ``incentive_retention``, null for a partner never given a measurable incentive) is instead
  left out of that partner's dimension and the weights of its other metrics are
  renormalised. A metric no included partner has a value for (an input the source did not
  supply) is left out for everyone; a dimension with no metric left is null. (Counts are 0,
  not null, when the source table was supplied; ratios such as reciprocity are null when
  there is nothing to divide.)
- A dimension is the weighted mean of its metric percentiles; ``health`` is the plain mean
  of the non-null dimensions. Partners not included get nulls.

:func:`health_explained` lists the numbers behind every score: for each partner, dimension
and metric the value (null when missing), its percentile (0 for a missing value scored as
lowest, as for the worst value), the nominal weight and the ``contribution`` (percentile times the
weight renormalised over the metrics that count for that partner; null for a metric left
out), so the non-null contributions of a dimension add up to its score exactly as
:func:`health` computes it, and ``health`` is the mean of those dimension scores.

The percentiles do not depend on the weights. :func:`health_percentiles` computes them once
(one column per dimension and metric) and :func:`reweight` scores any weights from them
with weighted means alone, without ranking again: the interactive path, a few milliseconds
at 100,000 partners, giving the same numbers as :func:`health`.

Examples
--------
>>> from partnerkit.policy import HealthDimension, HealthMetric
>>> model = (HealthDimension("reach", (HealthMetric("x", 3.0), HealthMetric("y", 1.0))),)
>>> f = pl.LazyFrame({"partner_id": ["a", "b", "c"], "x": [1.0, 2.0, 3.0],
...     "y": [5.0, None, 5.0], "counted": [True, True, True]})
>>> health(f, model=model).select("partner_id", "reach", "health").collect().rows()
[('a', 18.75, 18.75), ('b', 37.5, 37.5), ('c', 93.75, 93.75)]

(``b`` has no ``y``: it ranks below ``a`` and ``c``, who tie at 75.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import polars as pl

from partnerkit.policy import HealthDimension, HealthMetric

__all__ = [
    "health",
    "health_explained",
    "health_percentiles",
    "percentile_column",
    "percentile_rank",
    "reweight",
]

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

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


def _check(frame: pl.LazyFrame | pl.DataFrame, model: Sequence[HealthDimension]) -> None:
    names = set(frame.collect_schema().names())
    unknown = sorted({m.column for d in model for m in d.metrics} - names)
    if unknown:
        raise ValueError(
            "the health model names columns the scorecard does not have: " + ", ".join(unknown)
        )


def percentile_column(dimension: str, metric: str, /) -> str:
    """Name of the :func:`health_percentiles` column of one metric of one dimension.

    >>> percentile_column("interest", "sourced_pipeline")
    'interest: sourced_pipeline'
    """
    return f"{dimension}: {metric}"


def _scored_value(metric: HealthMetric, keep: pl.Expr | None) -> pl.Expr:
    """Return the metric's values as ranked (a missing one as the worst, unless absent).

    Left null when no included partner has a value (the input was not supplied).
    """
    x = pl.col(metric.column).cast(pl.Float64)
    if metric.missing == "absent":
        return x
    worst = float("-inf") if metric.higher_is_better else float("inf")
    seen = (x if keep is None else pl.when(keep).then(x)).count() > 0
    return pl.when(seen).then(x.fill_null(worst)).otherwise(x)


def _nothing_scores_nothing(percentile: pl.Expr, value: pl.Expr, *, higher: bool) -> pl.Expr:
    """Score the worst value 0 however many partners share it, unless every partner does.

    Ties share their average rank, so without this the partners sharing the worst value
    (no sponsor, no enablement, never active) would earn points for it, the more of them
    the more points. ``value`` is null for partners left out.

    >>> p = percentile_rank(pl.col("sponsor"))
    >>> scored = _nothing_scores_nothing(p, pl.col("sponsor"), higher=True)
    >>> pl.DataFrame({"sponsor": [False, False, False, True]}).select(scored).to_series().to_list()
    [0.0, 0.0, 0.0, 100.0]
    >>> pl.DataFrame({"sponsor": [True, True, True]}).select(scored).to_series().to_list()
    [50.0, 50.0, 50.0]
    """
    worst = value.min() if higher else value.max()
    apart = value.drop_nulls().n_unique() > 1  # a metric every partner ties on tells nobody apart
    return pl.when((value == worst) & apart).then(0.0).otherwise(percentile)


def _percentile_exprs(model: Sequence[HealthDimension], include: str | None) -> dict[str, pl.Expr]:
    keep = None if include is None else pl.col(include).fill_null(value=False)
    exprs = {}
    for dim in model:
        for m in dim.metrics:
            value = _scored_value(m, keep)
            p = percentile_rank(value, include=keep)
            p = p if m.higher_is_better else 100.0 - p
            exprs[percentile_column(dim.name, m.column)] = _nothing_scores_nothing(
                p, value if keep is None else pl.when(keep).then(value), higher=m.higher_is_better
            )
    return exprs


def health_percentiles(
    frame: Frame,
    /,
    *,
    model: Sequence[HealthDimension],
    include: str | None = "counted",
) -> Frame:
    """Rank every metric of ``model`` for every partner: the percentiles health weighs.

    Returns ``partner_id`` and one Float64 column per dimension and metric, named by
    :func:`percentile_column`, holding the metric's percentile rank among the included
    partners (0-100, already flipped for lower-is-better metrics; null for a null metric or
    a partner not included), one row per input row, in the input's order. The percentiles do
    not depend on the weights: compute them once, then :func:`reweight` for any weights.
    Works on a LazyFrame or a DataFrame and returns the same kind.

    Requires columns: ``partner_id``, ``include`` (unless None) and every metric column of
    the model; an unknown metric column raises ``ValueError``.

    >>> from partnerkit.policy import HealthMetric
    >>> model = (HealthDimension("reach", (HealthMetric("x"), HealthMetric("y", 1.0, False))),)
    >>> f = pl.DataFrame({"partner_id": ["a", "b", "c"], "x": [1, 2, 3], "y": [7, 8, None]})
    >>> health_percentiles(f, model=model, include=None).rows()  # c's missing y is the worst
    [('a', 0.0, 100.0), ('b', 50.0, 50.0), ('c', 100.0, 0.0)]
    """
    _check(frame, model)
    exprs = _percentile_exprs(model, include)
    if isinstance(frame, pl.DataFrame):
        # through the lazy planner, as in health(), so that the floats agree to the last bit
        return frame.lazy().select("partner_id", **exprs).collect(engine="in-memory")
    return frame.select("partner_id", **exprs)


def _dimension(dim: HealthDimension) -> pl.Expr:
    """Weighted mean of a dimension's non-null percentiles (null when none is left)."""
    cols = [pl.col(percentile_column(dim.name, m.column)) for m in dim.metrics]
    total = pl.sum_horizontal(
        c.fill_null(0.0) * m.weight for c, m in zip(cols, dim.metrics, strict=True)
    )
    weights = pl.sum_horizontal(
        pl.when(c.is_not_null()).then(m.weight).otherwise(0.0)
        for c, m in zip(cols, dim.metrics, strict=True)
    )
    return pl.when(weights > 0).then(total / weights)


def _weighted(frame: Frame, model: Sequence[HealthDimension]) -> Frame:
    dims = {dim.name: _dimension(dim) for dim in model}
    return frame.with_columns(**dims).with_columns(
        health=pl.mean_horizontal(*(pl.col(d.name) for d in model))
    )


def reweight(percentiles: Frame, /, *, model: Sequence[HealthDimension]) -> Frame:
    """Score health from :func:`health_percentiles` with the weights of ``model``.

    The interactive path (e.g. weight sliders): no metric is ranked again, each dimension is
    the weighted mean of the percentiles of its non-null metrics and ``health`` the mean of
    the non-null dimensions, exactly as :func:`health` computes them. Returns
    ``partner_id``, one column per dimension and ``health``, one row per input row, in the
    input's order. Works on a LazyFrame or a DataFrame (in-memory) and returns the same
    kind.

    ``model`` may change the weights of the model the percentiles were computed for, not its
    metrics or directions: a dimension and metric without a percentile column raises
    ``ValueError``.

    Requires columns: ``partner_id`` and :func:`percentile_column` of every metric of
    ``model``.

    >>> from partnerkit.policy import HealthMetric
    >>> model = (HealthDimension("reach", (HealthMetric("x"), HealthMetric("y"))),)
    >>> f = pl.DataFrame({"partner_id": ["a", "b"], "x": [1.0, 2.0], "y": [4.0, 3.0]})
    >>> pct = health_percentiles(f, model=model, include=None)
    >>> reweight(pct, model=model).rows()
    [('a', 50.0, 50.0), ('b', 50.0, 50.0)]
    >>> heavier_y = (HealthDimension("reach", (HealthMetric("x", 1.0), HealthMetric("y", 3.0))),)
    >>> reweight(pct, model=heavier_y).rows()
    [('a', 75.0, 75.0), ('b', 25.0, 25.0)]
    """
    names = set(percentiles.collect_schema().names())
    wanted = [percentile_column(d.name, m.column) for d in model for m in d.metrics]
    missing = [c for c in wanted if c not in names]
    if missing:
        raise ValueError(
            "no percentiles for these dimension metrics (compute health_percentiles with "
            "this model's metrics first): " + ", ".join(missing)
        )
    if isinstance(percentiles, pl.DataFrame):
        return reweight(percentiles.lazy(), model=model).collect(engine="in-memory")
    scored = _weighted(percentiles.select("partner_id", *dict.fromkeys(wanted)), model)
    return scored.select("partner_id", *(d.name for d in model), "health")


def health(
    frame: pl.LazyFrame,
    /,
    *,
    model: Sequence[HealthDimension],
    include: str | None = "counted",
) -> pl.LazyFrame:
    """Add one 0-100 column per dimension of ``model`` and ``health`` (module docstring).

    The same numbers as :func:`reweight` of :func:`health_percentiles`. Requires columns:
    ``include`` (a boolean, unless None) and every metric column of the model; an unknown
    metric column raises ``ValueError``.
    """
    _check(frame, model)
    exprs = _percentile_exprs(model, include)
    scored = _weighted(frame.with_columns(**exprs), model)
    return scored.drop(list(exprs))


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
    _check(frame, model)
    scored = frame.with_columns(**_percentile_exprs(model, include))
    if include is not None:
        scored = scored.filter(pl.col(include).fill_null(value=False))
    parts = []
    for dim in model:
        cols = [pl.col(percentile_column(dim.name, m.column)) for m in dim.metrics]
        weights = pl.sum_horizontal(
            pl.when(c.is_not_null()).then(m.weight).otherwise(0.0)
            for c, m in zip(cols, dim.metrics, strict=True)
        )
        for m in dim.metrics:
            pct = pl.col(percentile_column(dim.name, m.column))
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
