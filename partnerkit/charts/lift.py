"""With vs without partner: win rate, deal size and days to close, with their intervals.

Reads the analysis' ``lift`` table (one row per scope and group, partner or direct, with
bootstrap interval bounds ``<metric>_lo`` / ``<metric>_hi``) and draws each metric as a
point with an error bar per group. Figures whose sample is below the policy's minimum
are drawn faint and labelled, never hidden: the win rate's sample is the closed deals
(``enough``), the means' the won deals (``enough_won`` and ``n_won``, when the table has
them).

Examples
--------
>>> import polars as pl
>>> lift = pl.DataFrame({"scope": ["portfolio"] * 2, "group": ["partner", "direct"],
...     "n_closed": [40, 60], "win_rate": [0.4, 0.3], "win_rate_lo": [0.3, 0.2],
...     "win_rate_hi": [0.5, 0.4], "mean_deal": [10.0, 8.0], "mean_deal_lo": [9.0, 7.0],
...     "mean_deal_hi": [11.0, 9.0], "days_to_close": [50.0, 70.0], "enough": [True, True]})
>>> spec = lift_chart(lift).to_dict()
>>> [layer["mark"]["type"] for layer in spec["vconcat"][0]["layer"]]
['rule', 'point', 'text']
"""

from __future__ import annotations

import altair as alt
import polars as pl

from partnerkit.charts import columns as c
from partnerkit.charts.theme import BAR, MUTED

__all__ = ["GROUP_COLORS", "LIFT_METRICS", "lift_chart", "lift_rows"]

LIFT_METRICS: dict[str, str] = {
    c.WIN_RATE: "Win rate",
    c.MEAN_DEAL: "Mean deal size",
    c.DAYS_TO_CLOSE: "Days to close (won)",
}
"""Metrics of the with-vs-without table, in display order, with their panel titles."""

GROUP_COLORS: dict[str, str] = {"partner": BAR, "direct": MUTED}
"""Colours of partner deals and direct deals."""


def lift_rows(lift: pl.DataFrame, /, *, scope: str = c.OVERALL) -> pl.DataFrame:
    """Long frame for plotting: one row per group and metric with ``value``, ``lo``, ``hi``.

    Interval bounds missing from the table are nulls (no error bar is drawn). For a
    partner's scope, the portfolio's direct deals are added as the baseline when the scope
    has no direct row of its own.

    Requires columns: ``scope``, ``group``, ``n_closed``, ``enough`` and each metric of
    :data:`LIFT_METRICS` present in ``lift``.

    >>> lift = pl.DataFrame({"scope": ["portfolio"], "group": ["direct"], "n_closed": [3],
    ...     "win_rate": [0.5], "enough": [False]})
    >>> lift_rows(lift).select("metric", "value", "lo", "note").rows()
    [('Win rate', 0.5, None, 'n=3, below minimum')]
    """
    rows = lift.filter(pl.col(c.SCOPE) == scope)
    if scope != c.OVERALL and not rows.filter(pl.col(c.GROUP) == c.DIRECT).height:
        baseline = lift.filter((pl.col(c.SCOPE) == c.OVERALL) & (pl.col(c.GROUP) == c.DIRECT))
        rows = pl.concat([rows, baseline], how="diagonal_relaxed")
    parts = []
    by_won = {"enough_won", "n_won"} <= set(rows.columns)
    for metric, label in LIFT_METRICS.items():
        if metric not in rows.columns:
            continue
        won = by_won and metric != c.WIN_RATE  # a mean of won deals rests on the won ones
        count = pl.col("n_won") if won else pl.col(c.N_CLOSED)
        bounds = [
            pl.col(f"{metric}{suffix}").cast(pl.Float64)
            if f"{metric}{suffix}" in rows.columns
            else pl.lit(None, dtype=pl.Float64)
            for suffix in (c.LOW, c.HIGH)
        ]
        parts.append(
            rows.select(
                c.GROUP,
                c.N_CLOSED,
                pl.col("enough_won" if won else c.ENOUGH).fill_null(value=False).alias(c.ENOUGH),
                pl.lit(label).alias("metric"),
                pl.col(metric).cast(pl.Float64).alias("value"),
                bounds[0].alias("lo"),
                bounds[1].alias("hi"),
                pl.format("n={}{}", count, pl.lit(" won" if won else "")).alias("_n"),
            )
        )
    long = pl.concat(parts) if parts else pl.DataFrame()
    if long.height == 0:
        return long
    return long.with_columns(
        pl.when(pl.col(c.ENOUGH))
        .then(pl.col("_n"))
        .otherwise(pl.format("{}, below minimum", "_n"))
        .alias("note")
    ).drop("_n")


def lift_chart(
    lift: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    scope: str = c.OVERALL,
    title: str | None = None,
) -> alt.VConcatChart:
    """Point and interval per group (partner, direct) for each metric, one panel per metric.

    Each panel starts at zero so that differences are not exaggerated.

    Requires columns: ``scope``, ``group``, ``n_closed``, ``enough`` and the metrics
    ``win_rate``, ``mean_deal``, ``days_to_close`` (each optional) with ``_lo`` / ``_hi``.

    Examples
    --------
    >>> lift = pl.DataFrame({"scope": ["p1"], "group": ["partner"], "n_closed": [2],
    ...     "win_rate": [1.0], "enough": [False]})
    >>> lift_chart(lift, scope="p1").to_dict()["vconcat"][0]["title"]["text"]
    'Win rate'
    """
    frame = c.collected(lift, (c.SCOPE, c.GROUP, c.N_CLOSED, c.ENOUGH), chart="lift")
    rows = lift_rows(frame, scope=scope)
    groups = alt.Scale(domain=list(GROUP_COLORS), range=list(GROUP_COLORS.values()))
    y = alt.Y(f"{c.GROUP}:N", sort=list(GROUP_COLORS), title=None)
    faint = alt.condition(alt.datum[c.ENOUGH], alt.value(1.0), alt.value(0.3))
    formats = {c.WIN_RATE: ".0%", c.MEAN_DEAL: ",.0f", c.DAYS_TO_CLOSE: ",.0f"}
    panels = []
    for metric, label in LIFT_METRICS.items():
        part = rows.filter((pl.col("metric") == label) & pl.col("value").is_not_null())
        if part.height == 0:  # no closed (or won) deal of the scope: no point to draw
            continue
        fmt = formats[metric]
        x = alt.X("value:Q", title=None, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=True))
        tooltip = [
            alt.Tooltip(f"{c.GROUP}:N", title="deals"),
            alt.Tooltip("value:Q", title=label, format=fmt),
            alt.Tooltip("lo:Q", title="interval low", format=fmt),
            alt.Tooltip("hi:Q", title="interval high", format=fmt),
            alt.Tooltip("note:N", title="sample"),
        ]
        base = alt.Chart().encode(y=y, tooltip=tooltip)
        panels.append(
            alt.LayerChart(
                layer=[
                    base.mark_rule(strokeWidth=2).encode(
                        x=alt.X("lo:Q", scale=alt.Scale(zero=True)),
                        x2="hi:Q",
                        color=alt.Color(f"{c.GROUP}:N", scale=groups, legend=None),
                        opacity=faint,
                    ),
                    base.mark_point(filled=True, size=90).encode(
                        x=x,
                        color=alt.Color(f"{c.GROUP}:N", scale=groups, title="deals"),
                        opacity=faint,
                    ),
                    base.mark_text(align="left", dx=8, dy=-9, fontSize=10, color=MUTED).encode(
                        x=x, text="note:N"
                    ),
                ],
                data=part,
            ).properties(
                width=420,
                height=alt.Step(26),
                title=alt.Title(label, fontSize=12, fontWeight="bold", offset=4),
            )
        )
    scope_text = "all deals in the window" if scope == c.OVERALL else f"scope {scope}"
    if not panels:  # empty axes would read as figures of zero
        note = pl.DataFrame({"note": ["Nothing to draw: no deal of this scope closed in W."]})
        panels.append(
            alt.Chart(note)
            .mark_text(align="left", baseline="middle", fontSize=13, color=MUTED)
            .encode(x=alt.value(0), y=alt.value(15), text="note:N")
            .properties(width=420, height=30)
        )
    chart: alt.VConcatChart = alt.vconcat(
        *panels,
        spacing=14,
        title=alt.Title(
            title or "With vs without partner",
            subtitle=f"{scope_text}; lines: confidence intervals; faint: sample too small"
            if rows.height and rows["value"].null_count() < rows.height
            else scope_text,
        ),
    ).resolve_scale(x="independent")
    return chart
