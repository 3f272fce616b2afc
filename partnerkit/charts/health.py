"""What drives health: per partner, and across the portfolio per group of partners.

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
>>> health_drivers_chart(explained).to_dict()["encoding"]["yOffset"]["field"]
'group'
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl
from altair.utils.schemapi import Undefined, UndefinedType

from partnerkit.charts import columns as c
from partnerkit.charts.columns import default_partners
from partnerkit.charts.theme import (
    MUTED,
    RECOMMENDATION_COLORS,
    UNRATED,
    VITAL_COLORS,
    metric_scale,
)

__all__ = [
    "DRIVER_GROUPS",
    "HEALTH_THIRDS",
    "default_partners",
    "drawable",
    "driver_groups",
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
    metrics: Sequence[str],
    x_title: str,
    x_axis: alt.Axis | UndefinedType = Undefined,
    legend: alt.Legend | UndefinedType = Undefined,
) -> alt.Chart:
    """Stack the points each metric adds to a health score, one colour a metric.

    The part the portfolio's health breakdown and a one-pager's health panel share: the sum
    of ``contribution`` on a 0-100 axis, coloured by ``metric_label`` with each metric's
    fixed colour (:func:`partnerkit.charts.theme.metric_scale`; ``metrics`` are every metric
    of the health model, so a custom metric is coloured alike in every chart), stacked in
    metric order. Callers add the rows' axis and the tooltip.

    >>> rows = pl.DataFrame({"metric": ["reciprocity"], "metric_label": ["reciprocity"],
    ...     "contribution": [40.0]})
    >>> spec = points_bars(rows, metrics=["reciprocity"], x_title="points").to_dict()
    >>> spec["encoding"]["x"]["scale"], spec["encoding"]["color"]["scale"]
    ({'domain': [0, 100]}, {'domain': ['reciprocity'], 'range': ['#72B7B2']})
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
                scale=metric_scale(_drawn_metrics(rows, metrics), metrics),
                legend=legend,
            ),
            order=alt.Order(f"{c.METRIC}:N"),
        )
    )
    return chart


def _drawn_metrics(rows: pl.DataFrame, metrics: Sequence[str], /) -> list[str]:
    """List the metrics of ``rows`` in the order of ``metrics`` (the model's), then any other."""
    drawn = set(rows[c.METRIC].to_list())
    return [m for m in metrics if m in drawn] + sorted(drawn - set(metrics))


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
    every = c.collected(health_explained, (*_REQUIRED, c.VALUE), chart="health breakdown")
    frame = drawable(every)
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
    chart: alt.Chart = (
        points_bars(
            rows,
            metrics=every[c.METRIC].unique(maintain_order=True).to_list(),
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


DRIVER_GROUPS: dict[str, str] = {
    "vital few": VITAL_COLORS["vital few"],
    "keep / invest": RECOMMENDATION_COLORS["keep"],
    "watch": RECOMMENDATION_COLORS["watch"],
    "exit": RECOMMENDATION_COLORS["exit"],
    UNRATED: RECOMMENDATION_COLORS[UNRATED],
}
"""The groups the health drivers compare, in legend order, with their fixed colours.

The vital few first; every other partner by its recommendation (keep and invest together:
the partners the portfolio goes on with); ``unrated`` for a partner without one."""

HEALTH_THIRDS: dict[str, str] = {
    "healthiest third": "#1B3A5C",
    "middle third": "#6F8FAF",
    "least healthy third": "#C9D1D9",
}
"""The groups the health drivers compare without a scorecard: partners by health, in thirds."""

_GROUP = "group"


def driver_groups(
    health_explained: pl.DataFrame, /, scorecard: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Put each partner of ``health_explained`` in the group the health drivers compare.

    With a ``scorecard`` holding ``vital`` or ``recommendation``: the vital few, then the
    rest by recommendation (:data:`DRIVER_GROUPS`). Otherwise the partners in thirds of
    their health (the mean of their dimension scores, each the sum of its contributions;
    :data:`HEALTH_THIRDS`). Returns ``partner_id`` and ``group``, one row per partner.

    >>> explained = pl.DataFrame({"partner_id": ["a", "b", "c"],
    ...     "dimension": ["interest"] * 3, "contribution": [90.0, 50.0, 10.0]})
    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c"], "vital": [True, False, False],
    ...     "recommendation": ["keep", "invest", None]})
    >>> driver_groups(explained, card)["group"].to_list()
    ['vital few', 'keep / invest', 'unrated']
    >>> driver_groups(explained)["group"].to_list()
    ['healthiest third', 'middle third', 'least healthy third']
    """
    ids = health_explained.select(c.PARTNER_ID).unique(maintain_order=True)
    if scorecard is not None and {c.VITAL, c.RECOMMENDATION} & set(scorecard.columns):
        vital = pl.col(c.VITAL).fill_null(value=False) if c.VITAL in scorecard.columns else None
        recommendation = (
            pl.col(c.RECOMMENDATION)
            if c.RECOMMENDATION in scorecard.columns
            else pl.lit(None, pl.String)
        )
        by_recommendation = (
            pl.when(recommendation.is_in(["keep", "invest"]))
            .then(pl.lit("keep / invest"))
            .when(recommendation.is_in(["watch", "exit"]))
            .then(recommendation)
            .otherwise(pl.lit(UNRATED))
        )
        group = (
            by_recommendation
            if vital is None
            else pl.when(vital).then(pl.lit("vital few")).otherwise(by_recommendation)
        )
        card = scorecard.select(
            c.PARTNER_ID,
            *([c.VITAL] if vital is not None else []),
            *([c.RECOMMENDATION] if c.RECOMMENDATION in scorecard.columns else []),
        )
        return ids.join(card, on=c.PARTNER_ID, how="left").select(c.PARTNER_ID, group.alias(_GROUP))
    health = (
        health_explained.group_by(c.PARTNER_ID, c.DIMENSION, maintain_order=True)
        .agg(pl.col(c.CONTRIBUTION).sum(), pl.col(c.CONTRIBUTION).is_not_null().any().alias("n"))
        .filter("n")
        .group_by(c.PARTNER_ID, maintain_order=True)
        .agg(pl.col(c.CONTRIBUTION).mean().alias(c.HEALTH))
    )
    thirds = list(HEALTH_THIRDS)
    ranked = health.with_columns(
        ((pl.col(c.HEALTH).rank("ordinal", descending=True) - 1) * 3 // pl.len()).alias("third")
    )
    return ids.join(ranked, on=c.PARTNER_ID, how="left").select(
        c.PARTNER_ID,
        pl.col("third")
        .fill_null(len(thirds) - 1)
        .replace_strict(dict(enumerate(thirds)), return_dtype=pl.String)
        .alias(_GROUP),
    )


def _driver_label(partners: int, /) -> pl.Expr:
    """Name each metric, with how many of the ``partners`` have a value when some have none.

    A metric most partners lack (a mean over a few) then says so where it is read.
    """
    valued = pl.col("with_value").sum().over(c.METRIC)
    return (
        pl.when(valued < partners)
        .then(
            pl.format(
                "{} ({} of {} with a value)",
                pl.col(c.METRIC).str.replace_all("_", " "),
                valued,
                pl.lit(partners),
            )
        )
        .otherwise(pl.col(c.METRIC).str.replace_all("_", " "))
        .alias(_METRIC_LABEL)
    )


def _averaged_over() -> pl.Expr:
    """Say over which partners a group's mean points of a metric are taken."""
    scored, valued = pl.col("scored"), pl.col("with_value")
    return (
        pl.when(scored == valued)
        .then(pl.format("the {} with a value", valued))
        .otherwise(
            pl.format("all {} ({} without a value score the lowest)", scored, scored - valued)
        )
        .alias("averaged_over")
    )


def health_drivers_chart(
    health_explained: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    scorecard: pl.DataFrame | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Per metric, the mean points it adds to its dimension score in each group of partners.

    Every metric's percentiles average 50 over the whole portfolio, so a portfolio mean
    shows only the weights; what tells what drives health is how the groups differ. The
    groups are those of :func:`driver_groups`: the vital few and the rest by recommendation
    when ``scorecard`` is given, else thirds of health. One bar per metric and group,
    grouped by dimension, the metrics that separate the groups most on top; the tooltip
    gives the group's partner count and over how many partners the metric has a value.

    Requires columns: ``partner_id``, ``dimension``, ``metric``, ``percentile``, ``weight``,
    ``contribution`` (``value`` is used when present); ``partner_id`` and ``vital`` or
    ``recommendation`` in ``scorecard``.

    Examples
    --------
    >>> explained = pl.DataFrame({"partner_id": ["a", "b"], "dimension": ["interest"] * 2,
    ...     "metric": ["reciprocity"] * 2, "percentile": [20.0, 80.0], "weight": [1.0, 1.0],
    ...     "contribution": [10.0, 40.0]})
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "vital": [False, True],
    ...     "recommendation": ["exit", "keep"]})
    >>> health_drivers_chart(explained, scorecard=card).data.select(
    ...     "group", "mean_contribution", "partners").rows()
    [('vital few', 40.0, 1), ('exit', 10.0, 1)]
    """
    frame = c.collected(health_explained, _REQUIRED, chart="health drivers")
    dimensions = frame[c.DIMENSION].unique(maintain_order=True).to_list()
    groups = driver_groups(frame, scorecard)
    palette = DRIVER_GROUPS if groups[_GROUP].is_in(list(DRIVER_GROUPS)).all() else HEALTH_THIRDS
    present = set(groups[_GROUP].to_list())
    order = [g for g in palette if g in present]
    sizes = groups.group_by(_GROUP).agg(pl.len().alias("partners"))
    valued = pl.col(c.VALUE) if c.VALUE in frame.columns else pl.col(c.CONTRIBUTION)
    drivers = (
        frame.join(groups, on=c.PARTNER_ID, how="left")
        .group_by(_GROUP, c.DIMENSION, c.METRIC)
        .agg(
            pl.col(c.CONTRIBUTION).mean().alias("mean_contribution"),
            pl.col(c.WEIGHT).first(),
            pl.col(c.CONTRIBUTION).is_not_null().sum().alias("scored"),
            valued.is_not_null().sum().alias("with_value"),
        )
        .filter(pl.col("scored") > 0)
        .join(sizes, on=_GROUP)
        .with_columns(
            _driver_label(groups.height),
            _averaged_over(),
            pl.col(_GROUP).replace_strict({g: i for i, g in enumerate(order)}).alias("order"),
        )
    )
    # the metrics on which the groups differ most come first in their dimension
    spread = (
        drivers.group_by(_METRIC_LABEL)
        .agg((pl.col("mean_contribution").max() - pl.col("mean_contribution").min()).alias("s"))
        .sort(["s", _METRIC_LABEL], descending=[True, False])[_METRIC_LABEL]
        .to_list()
    )
    dim_order = {d: i for i, d in enumerate(dimensions)}
    drivers = drivers.sort(pl.col(c.DIMENSION).replace_strict(dim_order), _METRIC_LABEL, "order")
    counts = "; ".join(
        f"{g} {n:,}"
        for g, n in sizes.sort(
            pl.col(_GROUP).replace_strict({g: i for i, g in enumerate(order)})
        ).iter_rows()
    )
    compared = (
        "the vital few and the rest by recommendation"
        if palette is DRIVER_GROUPS
        else "partners in thirds of health"
    )
    chart: alt.Chart = (
        alt.Chart(drivers)
        .mark_bar()
        .encode(
            x=alt.X("mean_contribution:Q", title="mean points per partner in the group"),
            y=alt.Y(f"{_METRIC_LABEL}:N", title=None, sort=spread, axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset(f"{_GROUP}:N", sort=order),
            color=alt.Color(
                f"{_GROUP}:N",
                title="partners",
                scale=alt.Scale(domain=order, range=[palette[g] for g in order]),
            ),
            row=alt.Row(
                f"{c.DIMENSION}:N",
                sort=dimensions,
                title=None,
                header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"),
            ),
            tooltip=[
                alt.Tooltip(f"{_GROUP}:N", title="group"),
                alt.Tooltip("partners:Q", title="partners in the group", format=","),
                alt.Tooltip(f"{c.DIMENSION}:N", title="dimension"),
                alt.Tooltip(f"{_METRIC_LABEL}:N", title="metric"),
                alt.Tooltip("weight:Q", title="weight", format=".2~f"),
                alt.Tooltip("mean_contribution:Q", title="mean points", format=".1f"),
                alt.Tooltip("averaged_over:N", title="averaged over"),
                alt.Tooltip("with_value:Q", title="partners with a value", format=","),
            ],
        )
        .resolve_scale(y="independent")
        .properties(
            width=320,
            height=alt.Step(7),  # per bar: the step of the offset
            title=alt.Title(
                title or "Health drivers: what separates the groups of partners",
                subtitle=[
                    f"mean points each metric adds to its dimension score, for {compared}",
                    f"({counts} partners); the metrics that differ most first",
                ],
                subtitleColor=MUTED,
            ),
        )
    )
    return chart
