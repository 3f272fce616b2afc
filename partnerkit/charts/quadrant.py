"""Value vs potential: where each partner stands, coloured by its recommendation.

Won revenue (value) against untapped co-sell overlap (a potential, in accounts) or health (a
0-100 score), on symlog axes (health: linear) so that a few large partners do not flatten
the rest and zeros still show. The partners
that matter most on either axis are drawn as points with their recommendation, reasons and
explanation in the tooltip; every other partner is counted in a grey density grid, so the
chart stays small at any portfolio size. Dashed lines mark the portfolio medians.

Examples
--------
>>> import polars as pl
>>> card = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"], "rank": [1, 2],
...     "won_revenue": [9.0, 0.0], "untapped_overlap": [1, 12],
...     "recommendation": ["keep", "invest"], "reasons": [["VITAL"], ["DORMANT_OVERLAP"]],
...     "explanation": ["Top producer.", "Re-activate."]})
>>> spec = quadrant_chart(card).to_dict()
>>> spec["layer"][-1]["encoding"]["color"]["scale"]["domain"]
['keep', 'invest', 'watch', 'exit']
"""

from __future__ import annotations

import altair as alt
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.charts import binning
from partnerkit.charts import columns as c
from partnerkit.charts.theme import (
    COMPACT_LABEL,
    DENSITY_SCHEME,
    MUTED,
    UNRATED,
    recommendation_scale,
)

__all__ = ["quadrant_chart", "recommendation_labels"]

_REASONS_TEXT = "reasons_text"


def recommendation_labels(frame: pl.DataFrame, /) -> pl.DataFrame:
    """Fill a missing or null ``recommendation`` with ``unrated`` and join ``reasons`` as text.

    Requires columns: none (``recommendation``, ``reasons`` are used when present).

    >>> recommendation_labels(pl.DataFrame({"reasons": [["A", "B"], None]})).rows()
    [(['A', 'B'], 'unrated', 'A, B'), (None, 'unrated', '')]
    """
    rec = (
        pl.col(c.RECOMMENDATION).fill_null(UNRATED)
        if c.RECOMMENDATION in frame.columns
        else pl.lit(UNRATED)
    )
    reasons = (
        pl.col(c.REASONS).list.join(", ").fill_null("")
        if c.REASONS in frame.columns
        else pl.lit("")
    )
    return frame.with_columns(rec.alias(c.RECOMMENDATION), reasons.alias(_REASONS_TEXT))


def symlog_ticks(top: float | None, /, *, most: int = 9) -> list[float]:
    """Readable tick values for a symlog axis from 0 to ``top``: 1-2-5 steps, else powers of 10.

    >>> symlog_ticks(60.0)
    [0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
    >>> symlog_ticks(3e6)
    [0.0, 1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0, 1000000.0]
    """
    if top is None or top < 1:
        return [0.0, 1.0]
    ticks = [0.0]
    decade = 1.0
    while decade <= top:
        ticks += [t for t in (decade, 2 * decade, 5 * decade) if t <= top]
        decade *= 10
    if len(ticks) > most:
        ticks = [t for t in ticks if t == 0 or str(int(t)).rstrip("0") == "1"]
    return ticks


def _title(column: str) -> str:
    return column.replace("_", " ").capitalize()


_UNITS = {c.HEALTH: "score 0-100", c.UNTAPPED_OVERLAP: "accounts", c.COSELL_POTENTIAL: "accounts"}


def _axis_title(column: str) -> str:
    """Name an axis after its column and its unit (when not money).

    >>> _axis_title("health"), _axis_title("won_revenue")
    ('Health (score 0-100)', 'Won revenue')
    """
    unit = _UNITS.get(column)
    return f"{_title(column)} ({unit})" if unit else _title(column)


def _scale(top: float | None, *, log: bool) -> tuple[alt.Scale, alt.Axis]:
    if not log:
        return alt.Scale(zero=True), alt.Axis(labelExpr=COMPACT_LABEL)
    ticks = symlog_ticks(top)
    upper = max(top or 1.0, ticks[-1])
    return (
        alt.Scale(type="symlog", domain=[0, upper], nice=False),
        alt.Axis(labelExpr=COMPACT_LABEL, values=ticks),
    )


def _maximum(frame: pl.DataFrame, column: str) -> float | None:
    top = frame.select(pl.col(column).cast(pl.Float64).max()).item()
    return None if top is None else float(top)


def quadrant_chart(
    scorecard: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    x: str = c.WON_REVENUE,
    y: str = c.UNTAPPED_OVERLAP,
    top: int = 300,
    bins: int = 24,
    log_y: bool | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Scatter of ``x`` (value) against ``y`` (a potential or a score), coloured by recommendation.

    The ``top`` partners (half the largest by ``x``, half by ``y``) are points; the rest are
    a density grid of ``bins`` x ``bins`` cells. Every partner counted in portfolio
    statistics is shown (dormant ones too: they are where untapped potential hides); without
    a ``counted`` column, partners without a rank are left out. The ``y`` axis is symlog
    unless ``log_y`` is false (default: linear for ``health``, a bounded 0-100 score).

    Requires columns: ``partner_id``, ``name``, ``rank``, ``x``, ``y``; ``recommendation``,
    ``reasons``, ``explanation`` and ``health`` are shown when present.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a"], "name": ["A"], "rank": [1],
    ...     "won_revenue": [5.0], "health": [70.0]})
    >>> quadrant_chart(card, y="health").to_dict()["layer"][-1]["encoding"]["y"]["field"]
    'health'
    """
    frame = c.collected(scorecard, (c.PARTNER_ID, c.NAME, c.RANK, x, y), chart="quadrant")
    listed = pl.col(c.COUNTED) if c.COUNTED in frame.columns else pl.col(c.RANK).is_not_null()
    frame = recommendation_labels(frame.filter(listed))
    half = max(top // 2, 1)
    by_x = frame.sort([x, c.PARTNER_ID], descending=[True, False], nulls_last=True).head(half)
    by_y = frame.sort([y, c.PARTNER_ID], descending=[True, False], nulls_last=True).head(half)
    chosen = pl.concat([by_x, by_y]).unique(c.PARTNER_ID, keep="first", maintain_order=True)
    rest = frame.join(chosen.select(c.PARTNER_ID), on=c.PARTNER_ID, how="anti")
    log_y = y != c.HEALTH if log_y is None else log_y
    grid = binning.density_grid(rest, x=x, y=y, bins=bins, y_log=log_y)
    medians = frame.select(pl.col(x).median().alias("mx"), pl.col(y).median().alias("my"))
    extras = [col for col in (c.HEALTH, c.EXPLANATION) if col in frame.columns]
    kept = dict.fromkeys([c.PARTNER_ID, c.NAME, x, y, c.RECOMMENDATION, _REASONS_TEXT, *extras])
    points = chosen.select(*kept)

    x_scale, x_axis = _scale(_maximum(frame, x), log=True)
    y_scale, y_axis = _scale(_maximum(frame, y), log=log_y)
    x_title, y_title = _axis_title(x), _axis_title(y)
    x_enc = alt.X(f"{x}:Q", title=x_title, scale=x_scale, axis=x_axis)
    y_enc = alt.Y(f"{y}:Q", title=y_title, scale=y_scale, axis=y_axis)
    density = (
        alt.Chart(grid.with_columns(pl.col("x_lo", "x_hi", "y_lo", "y_hi").round_sig_figs(4)))
        .mark_rect(opacity=0.55)
        .encode(
            x=alt.X("x_lo:Q", scale=x_scale, title=x_title, axis=x_axis),
            x2="x_hi:Q",
            y=alt.Y("y_lo:Q", scale=y_scale, title=y_title, axis=y_axis),
            y2="y_hi:Q",
            color=alt.Color(
                "partners:Q",
                scale=alt.Scale(scheme=DENSITY_SCHEME, type="log"),
                title="other partners",
            ),
            tooltip=[alt.Tooltip("partners:Q", title="partners in cell", format=",")],
        )
    )
    median_rules = alt.LayerChart(
        layer=[
            alt.Chart(medians).mark_rule(color=MUTED, strokeDash=[4, 4]).encode(x="mx:Q"),
            alt.Chart(medians).mark_rule(color=MUTED, strokeDash=[4, 4]).encode(y="my:Q"),
        ]
    )
    tooltip = [
        alt.Tooltip(f"{c.NAME}:N", title="partner"),
        alt.Tooltip(f"{c.RECOMMENDATION}:N", title="recommendation"),
        alt.Tooltip(f"{x}:Q", title=_title(x), format=",.0f"),
        alt.Tooltip(f"{y}:Q", title=_title(y), format=",.4~f"),
        *(
            [alt.Tooltip(f"{c.HEALTH}:Q", title="health", format=".0f")]
            if c.HEALTH in extras and c.HEALTH not in (x, y)
            else []
        ),
        alt.Tooltip(f"{_REASONS_TEXT}:N", title="reasons"),
        *([alt.Tooltip(f"{c.EXPLANATION}:N", title="why")] if c.EXPLANATION in extras else []),
    ]
    dots = (
        alt.Chart(points)
        .mark_circle(size=60, opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            x=x_enc,
            y=y_enc,
            color=alt.Color(
                f"{c.RECOMMENDATION}:N",
                scale=recommendation_scale(points[c.RECOMMENDATION].to_list()),
                title="recommendation",
            ),
            tooltip=tooltip,
        )
    )
    shown = points.height
    subtitle = (
        f"{fmt.counted(shown, 'partner')} drawn (largest on either axis); "
        f"{rest.height:,} more counted in the grey grid; dashed: medians"
        if rest.height
        else f"{fmt.counted(shown, 'partner')}; dashed lines: medians"
    )
    layers = [density, median_rules, dots] if grid.height else [median_rules, dots]
    chart: alt.LayerChart = (
        alt.LayerChart(layer=[*layers])
        .resolve_scale(color="independent")
        .properties(
            width=460,
            height=340,
            title=alt.Title(title or f"{_title(x)} vs {_title(y).lower()}", subtitle=subtitle),
        )
    )
    return chart
