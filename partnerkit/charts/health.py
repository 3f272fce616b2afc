"""What drives health: per partner, and across the portfolio per dimension.

Both charts read the analysis' ``health_explained`` table (one row per partner, dimension
and metric, with the metric's value, its percentile within the portfolio, its weight and its
contribution to the dimension score) and draw it; nothing is re-scored here.

Examples
--------
>>> import polars as pl
>>> explained = pl.DataFrame({"partner_id": ["a", "a"],
...     "dimension": ["interest", "interest"], "metric": ["sourced_pipeline", "reciprocity"],
...     "value": [5.0, 0.2], "percentile": [80.0, 40.0], "weight": [1.0, 1.0],
...     "contribution": [40.0, 20.0]})
>>> spec = health_breakdown_chart(explained, partners=["a"]).to_dict()
>>> spec["mark"]["type"], spec["encoding"]["x"]["aggregate"]
('bar', 'sum')
>>> health_drivers_chart(explained).to_dict()["encoding"]["x"]["field"]
'mean_contribution'
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl
from altair.utils.schemapi import Undefined, UndefinedType

from partnerkit.charts import columns as c
from partnerkit.charts.columns import default_partners
from partnerkit.charts.theme import BAR, CATEGORY_SCHEME, MUTED, WIDE_CATEGORY_SCHEME
from partnerkit.metrics.health import health_drivers

__all__ = [
    "default_partners",
    "drawable",
    "health_breakdown_chart",
    "health_drivers_chart",
    "metric_label",
    "metric_tooltips",
    "points_bars",
]

_REQUIRED = (c.PARTNER_ID, c.DIMENSION, c.METRIC, c.PERCENTILE, c.WEIGHT, c.CONTRIBUTION)
_METRIC_LABEL = "metric_label"
_PARTNER_LABEL = "partner"


def metric_label() -> pl.Expr:
    """Return the expression of the ``metric_label`` column: the metric name in words.

    >>> pl.DataFrame({"metric": ["sourced_pipeline"]}).select(metric_label()).item()
    'sourced pipeline'
    """
    return pl.col(c.METRIC).str.replace_all("_", " ").alias(_METRIC_LABEL)


def drawable(health_explained: pl.DataFrame, /) -> pl.DataFrame:
    """Drop the metrics that add no points (null contribution) before bars are stacked.

    A null in a stack makes Vega place every later bar of the stack at NaN, drawn 0 px
    wide; a metric without a value adds nothing to the score, so it has no bar.

    Requires columns: ``contribution``.

    >>> drawable(pl.DataFrame({"metric": ["a", "b"], "contribution": [None, 2.0]})).rows()
    [('b', 2.0)]
    """
    return health_explained.filter(pl.col(c.CONTRIBUTION).is_not_null())


def points_bars(
    rows: pl.DataFrame,
    /,
    *,
    metrics: int,
    x_title: str,
    x_axis: alt.Axis | UndefinedType = Undefined,
    legend: alt.Legend | UndefinedType = Undefined,
) -> alt.Chart:
    """Stack the points each metric adds to a health score, one colour a metric.

    The part the portfolio's health breakdown and a one-pager's health panel share: the sum
    of ``contribution`` on a 0-100 axis, coloured by ``metric_label`` (a wider palette above
    ten ``metrics``), stacked in metric order. Callers add the rows' axis and the tooltip.

    >>> rows = pl.DataFrame({"metric": ["training"], "metric_label": ["training"],
    ...     "contribution": [40.0]})
    >>> spec = points_bars(rows, metrics=1, x_title="points").to_dict()
    >>> spec["encoding"]["x"]["scale"], spec["encoding"]["color"]["field"]
    ({'domain': [0, 100]}, 'metric_label')
    """
    chart: alt.Chart = (
        alt.Chart(rows)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                f"sum({c.CONTRIBUTION}):Q",
                title=x_title,
                scale=alt.Scale(domain=[0, 100]),
                axis=x_axis,
            ),
            color=alt.Color(
                f"{_METRIC_LABEL}:N",
                title="metric",
                scale=alt.Scale(scheme=CATEGORY_SCHEME if metrics <= 10 else WIDE_CATEGORY_SCHEME),
                legend=legend,
            ),
            order=alt.Order(f"{c.METRIC}:N"),
        )
    )
    return chart


def metric_tooltips() -> list[alt.Tooltip]:
    """Return the tooltip of one metric's bar in a health score: what it is and adds.

    Dimension, metric, the metric's value, its percentile, its weight and the points it adds
    (read from ``health_explained`` rows with a ``metric_label`` column).

    >>> [t.to_dict()["title"] for t in metric_tooltips()]
    ['dimension', 'metric', 'value', 'percentile', 'weight', 'points']
    """
    return [
        alt.Tooltip(f"{c.DIMENSION}:N", title="dimension"),
        alt.Tooltip(f"{_METRIC_LABEL}:N", title="metric"),
        alt.Tooltip(f"{c.VALUE}:Q", title="value", format=",.4~f"),
        alt.Tooltip(f"{c.PERCENTILE}:Q", title="percentile", format=".0f"),
        alt.Tooltip(f"{c.WEIGHT}:Q", title="weight", format=".2~f"),
        alt.Tooltip(f"{c.CONTRIBUTION}:Q", title="points", format=".1f"),
    ]


def health_breakdown_chart(
    health_explained: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    partners: Sequence[str] | None = None,
    scorecard: pl.DataFrame | None = None,
    limit: int = 12,
    title: str | None = None,
) -> alt.Chart:
    """Stacked bars per partner and dimension: how many points each metric contributes.

    Shows ``partners`` (default: the ``limit`` best-ranked partners of ``scorecard``, else
    the first ``limit`` partner ids), one row per partner, one column per dimension; the
    tooltip gives each metric's value, percentile and weight. Names come from ``scorecard``
    when given.

    Requires columns: ``partner_id``, ``dimension``, ``metric``, ``value``, ``percentile``,
    ``weight``, ``contribution`` (and ``partner_id``, ``name``, ``rank`` in ``scorecard``).

    Examples
    --------
    >>> explained = pl.DataFrame({"partner_id": ["a"], "dimension": ["awareness"],
    ...     "metric": ["training"], "value": [3.0], "percentile": [50.0], "weight": [1.0],
    ...     "contribution": [50.0]})
    >>> health_breakdown_chart(explained).to_dict()["encoding"]["column"]["field"]
    'dimension'
    """
    frame = drawable(c.collected(health_explained, (*_REQUIRED, c.VALUE), chart="health breakdown"))
    chosen = c.chosen_partners(frame, partners=partners, scorecard=scorecard, limit=limit)
    rows = frame.filter(pl.col(c.PARTNER_ID).is_in(chosen))
    order = {pid: i for i, pid in enumerate(chosen)}
    rows = c.with_partner_label(rows, scorecard, label=_PARTNER_LABEL)
    rows = rows.with_columns(
        metric_label(),
        pl.col(c.PARTNER_ID).replace_strict(order, default=len(order)).alias("order"),
    ).sort("order", c.DIMENSION, c.METRIC)
    partner_order = rows.unique(_PARTNER_LABEL, keep="first").sort("order")[_PARTNER_LABEL]
    dimensions = frame[c.DIMENSION].unique(maintain_order=True).to_list()
    metrics = frame[c.METRIC].n_unique()
    chart: alt.Chart = (
        points_bars(
            rows,
            metrics=metrics,
            x_title="score (points)",
            x_axis=alt.Axis(values=[0, 50, 100]),
        )
        .encode(
            y=alt.Y(f"{_PARTNER_LABEL}:N", sort=partner_order.to_list(), title=None),
            column=alt.Column(
                f"{c.DIMENSION}:N",
                sort=dimensions,
                title=None,
                header=alt.Header(labelFontWeight="bold", labelFontSize=12),
            ),
            tooltip=[alt.Tooltip(f"{_PARTNER_LABEL}:N", title="partner"), *metric_tooltips()],
        )
        .properties(
            width=150,
            height=alt.Step(18),
            title=alt.Title(
                title or "Health: what drives each score",
                subtitle="points each metric adds to the dimension score (0-100)",
            ),
        )
    )
    return chart


def health_drivers_chart(
    health_explained: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    title: str | None = None,
) -> alt.Chart:
    """Per dimension, the mean points each metric contributes across all partners.

    One bar per metric (a handful of rows whatever the portfolio size), grouped by
    dimension (the figures of :func:`partnerkit.metrics.health.health_drivers`); the tooltip
    adds the metric's weight and mean percentile.

    Requires columns: ``partner_id``, ``dimension``, ``metric``, ``percentile``, ``weight``,
    ``contribution``.

    Examples
    --------
    >>> explained = pl.DataFrame({"partner_id": ["a", "b"], "dimension": ["interest"] * 2,
    ...     "metric": ["reciprocity"] * 2, "percentile": [20.0, 80.0], "weight": [1.0, 1.0],
    ...     "contribution": [10.0, 40.0]})
    >>> health_drivers_chart(explained).data["mean_contribution"].to_list()
    [25.0]
    """
    frame = c.collected(health_explained, _REQUIRED, chart="health drivers")
    dimensions = frame[c.DIMENSION].unique(maintain_order=True).to_list()
    drivers = health_drivers(frame.lazy()).with_columns(metric_label()).collect()
    chart: alt.Chart = (
        alt.Chart(drivers)
        .mark_bar(color=BAR)
        .encode(
            x=alt.X("mean_contribution:Q", title="mean points per partner"),
            y=alt.Y(f"{_METRIC_LABEL}:N", title=None, sort="-x"),
            row=alt.Row(
                f"{c.DIMENSION}:N",
                sort=dimensions,
                title=None,
                header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"),
            ),
            tooltip=[
                alt.Tooltip(f"{c.DIMENSION}:N", title="dimension"),
                alt.Tooltip(f"{_METRIC_LABEL}:N", title="metric"),
                alt.Tooltip("weight:Q", title="weight", format=".2~f"),
                alt.Tooltip("mean_percentile:Q", title="mean percentile", format=".0f"),
                alt.Tooltip("mean_contribution:Q", title="mean points", format=".1f"),
                alt.Tooltip("partners:Q", title="partners", format=","),
            ],
        )
        .resolve_scale(y="independent")
        .properties(
            width=320,
            height=alt.Step(20),
            title=alt.Title(
                title or "Health drivers across the portfolio",
                subtitle="mean points each metric adds to its dimension score",
                subtitleColor=MUTED,
            ),
        )
    )
    return chart
