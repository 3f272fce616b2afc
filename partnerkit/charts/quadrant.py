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

import math

import altair as alt
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.charts import binning
from partnerkit.charts import columns as c
from partnerkit.charts.theme import (
    COMPACT_LABEL,
    DENSITY_SCHEME,
    INK,
    MUTED,
    RECOMMENDATION_COLORS,
    UNRATED,
    recommendation_scale,
)

__all__ = ["crowds", "quadrant_chart", "recommendation_labels"]

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


def _scale(
    top: float | None, *, log: bool, drawn: pl.Series | None = None
) -> tuple[alt.Scale, alt.Axis]:
    low = min(0.0, float(drawn.min())) if drawn is not None and drawn.len() else 0.0  # type: ignore[arg-type]
    if not log:
        return alt.Scale(zero=True), alt.Axis(labelExpr=COMPACT_LABEL)
    ticks = symlog_ticks(top)
    upper = max(top or 1.0, ticks[-1])
    if drawn is not None and drawn.len():
        upper = max(upper, float(drawn.max()))  # type: ignore[arg-type]
    return (
        alt.Scale(type="symlog", domain=[low, upper], nice=False),
        alt.Axis(labelExpr=COMPACT_LABEL, values=ticks),
    )


def _drawn_span(frame: pl.DataFrame, column: str, top: float | None, *, log: bool) -> float:
    """Measure an axis in its drawn units (symlog where ``log``), at least 1."""
    if top is None:
        return 1.0
    if log:
        return max(math.log1p(max(top, 1.0)), 1.0)
    low = _minimum(frame, column) or 0.0
    return max(top - min(low, 0.0), 1.0)


def _minimum(frame: pl.DataFrame, column: str) -> float | None:
    low = frame.select(pl.col(column).cast(pl.Float64).min()).item()
    return None if low is None else float(low)


def _density_colour(grid: pl.DataFrame, /) -> alt.Color | alt.ColorValue:
    """Shade the grid's cells by their count; one grey when every cell holds as many.

    A log scale over a single count draws a legend of one value; then the subtitle says
    how many partners each cell holds instead.
    """
    counts = grid[c.PARTNERS]
    if counts.n_unique() <= 1:
        return alt.ColorValue(_GRID_GREY)
    return alt.Color(
        f"{c.PARTNERS}:Q",
        scale=alt.Scale(
            scheme=DENSITY_SCHEME,
            type="log",
            domain=[int(counts.min()), int(counts.max())],  # type: ignore[arg-type]
        ),
        title="other partners",
    )


_GRID_GREY = RECOMMENDATION_COLORS[UNRATED]


def _in_grid(grid: pl.DataFrame, rest: int, /) -> str:
    """Say how the partners not drawn are counted in the grey grid."""
    counts = grid[c.PARTNERS]
    if grid.height and counts.n_unique() == 1:
        each = fmt.counted(int(counts[0]), "partner")
        cells = fmt.counted(grid.height, "grey cell")
        return f"{rest:,} more counted in {cells} ({each} each)"
    return f"{rest:,} more counted in the grey grid"


def _crowd_labels(
    points: pl.DataFrame, /, *, x: str, y: str, span: float, log: bool
) -> pl.DataFrame:
    """One label per crowd drawn: its partner count, just above its spread points."""
    rows = points.filter(pl.col(_CROWD) > 1).group_by(x, y).agg(pl.len().alias(c.PARTNERS))
    lift = ((pl.col(c.PARTNERS) + 0.5).sqrt() * _STEP + 0.02) * span
    value = pl.col(y).cast(pl.Float64)
    top = binning.symlog_inverse(binning.symlog(value) + lift) if log else value + lift
    return rows.select(pl.col(x).cast(pl.Float64).alias(_X), top.alias(_Y), c.PARTNERS).sort(
        c.PARTNERS, descending=True
    )


def _maximum(frame: pl.DataFrame, column: str) -> float | None:
    top = frame.select(pl.col(column).cast(pl.Float64).max()).item()
    return None if top is None else float(top)


_X, _Y = "x_drawn", "y_drawn"
_CROWD = "crowd"
_GOLDEN = math.pi * (3 - math.sqrt(5))


def crowds(frame: pl.DataFrame, /, *, x: str, y: str) -> pl.DataFrame:
    """Count the partners that share one point: every ``(x, y)`` held by two or more.

    Returns ``x``, ``y`` and ``partners``, the largest crowd first; nulls are left out.

    >>> crowds(pl.DataFrame({"a": [0, 0, 0, 5, 5, 7], "b": [0, 0, 0, 1, 1, 1]}),
    ...     x="a", y="b").rows()
    [(0, 0, 3), (5, 1, 2)]
    """
    return (
        frame.drop_nulls([x, y])
        .group_by(x, y)
        .agg(pl.len().alias(c.PARTNERS))
        .filter(pl.col(c.PARTNERS) > 1)
        .sort([c.PARTNERS, x, y], descending=[True, False, False])
    )


def _spread(
    points: pl.DataFrame, /, *, x: str, y: str, spans: tuple[float, float], log: tuple[bool, bool]
) -> pl.DataFrame:
    """Add the drawn position ``x_drawn``, ``y_drawn``: crowds spread in a small sunflower.

    Partners alone at their point are drawn where they are. The ``n`` partners of a crowd
    are laid out around it on a Vogel spiral (the i-th at radius proportional to sqrt(i),
    every partner a like area), in the axes' drawn units (symlog where ``log``), so each
    one's colour shows; ``spans`` are the axes' drawn lengths. Adds ``crowd``: the number
    of partners at the partner's point (1 when alone).
    """

    def forward(col: str, *, on_log: bool) -> pl.Expr:
        value = pl.col(col).cast(pl.Float64)
        return binning.symlog(value) if on_log else value

    def back(value: pl.Expr, *, on_log: bool) -> pl.Expr:
        return binning.symlog_inverse(value) if on_log else value

    order = {r: i for i, r in enumerate([*RECOMMENDATION_COLORS])}
    ranked = points.with_columns(
        pl.len().over(x, y).alias(_CROWD),
        pl.col(c.RECOMMENDATION).replace_strict(order, default=len(order)).alias("_rec"),
    ).with_columns(
        (pl.int_range(pl.len()).sort_by("_rec", c.PARTNER_ID).over(x, y))
        .cast(pl.Float64)
        .alias("_i")
    )
    radius = (pl.col("_i") + 0.5).sqrt() * _STEP
    angle = pl.col("_i") * _GOLDEN
    alone = pl.col(_CROWD) == 1
    return ranked.with_columns(
        pl.when(alone)
        .then(pl.col(x).cast(pl.Float64))
        .otherwise(back(forward(x, on_log=log[0]) + radius * angle.cos() * spans[0], on_log=log[0]))
        .alias(_X),
        pl.when(alone)
        .then(pl.col(y).cast(pl.Float64))
        .otherwise(back(forward(y, on_log=log[1]) + radius * angle.sin() * spans[1], on_log=log[1]))
        .alias(_Y),
    ).drop("_rec", "_i")


_STEP = 0.011
"""Distance between neighbours of a crowd, as a share of each axis' drawn length."""


def _crowd_sentence(crowded: pl.DataFrame, /, *, x: str, y: str) -> str:
    """Say how many partners sit at each crowded point, the largest first (at most three).

    >>> _crowd_sentence(pl.DataFrame({"won_revenue": [0.0, 0.0], "untapped_overlap": [0, 1],
    ...     "partners": [63, 20]}), x="won_revenue", y="untapped_overlap")
    'spread around their point: 63 partners at won revenue 0, untapped overlap 0; 20 at 0, 1'
    """
    parts = []
    for i, (vx, vy, n) in enumerate(crowded.head(3).iter_rows()):
        where = (
            f"{_title(x).lower()} {fmt.compact(vx)}, {_title(y).lower()} {fmt.compact(vy)}"
            if i == 0
            else f"{fmt.compact(vx)}, {fmt.compact(vy)}"
        )
        parts.append(f"{fmt.counted(n, 'partner') if i == 0 else f'{n:,}'} at {where}")
    more = crowded.height - 3
    tail = f"; {more:,} more shared points" if more > 0 else ""
    return "spread around their point: " + "; ".join(parts) + tail


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

    The ``top`` partners (half the largest by ``x``, half by ``y``) are points; so are the
    partners sharing one point (say no revenue and no untapped account), up to ``top`` of
    them, largest crowds first: they are spread in a small sunflower around their point,
    labelled with their count, and the subtitle says how many sit at each crowded point.
    The rest are a density grid of ``bins`` x ``bins`` cells (one grey and no legend when
    every cell holds as many partners). Every partner counted in portfolio
    statistics is shown (dormant ones too: they are where untapped potential hides); without
    a ``counted`` column, partners without a rank are left out. The ``y`` axis is symlog
    unless ``log_y`` is false (default: linear for ``health``, a bounded 0-100 score).

    Requires columns: ``partner_id``, ``name``, ``rank``, ``x``, ``y``; ``recommendation``,
    ``reasons``, ``explanation`` and ``health`` are shown when present.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a"], "name": ["A"], "rank": [1],
    ...     "won_revenue": [5.0], "health": [70.0]})
    >>> quadrant_chart(card, y="health").to_dict()["layer"][-1]["encoding"]["y"]["title"]
    'Health (score 0-100)'
    """
    frame = c.collected(scorecard, (c.PARTNER_ID, c.NAME, c.RANK, x, y), chart="quadrant")
    listed = pl.col(c.COUNTED) if c.COUNTED in frame.columns else pl.col(c.RANK).is_not_null()
    frame = recommendation_labels(frame.filter(listed))
    crowded = crowds(frame, x=x, y=y)
    # the partners of the largest crowds are drawn one by one, spread around their point,
    # up to ``top`` of them in all (so at most 2 x ``top`` points); the others stay counted
    # in the grid
    spread_crowds = crowded.filter(pl.col(c.PARTNERS).cum_sum() <= top).select(x, y)
    members = frame.join(spread_crowds, on=[x, y], how="semi")
    half = max(top // 2, 1)
    by_x = frame.sort([x, c.PARTNER_ID], descending=[True, False], nulls_last=True).head(half)
    by_y = frame.sort([y, c.PARTNER_ID], descending=[True, False], nulls_last=True).head(half)
    chosen = pl.concat([by_x, by_y, members]).unique(
        c.PARTNER_ID, keep="first", maintain_order=True
    )
    rest = frame.join(chosen.select(c.PARTNER_ID), on=c.PARTNER_ID, how="anti")
    log_y = y != c.HEALTH if log_y is None else log_y
    grid = binning.density_grid(rest, x=x, y=y, bins=bins, y_log=log_y)
    medians = frame.select(pl.col(x).median().alias("mx"), pl.col(y).median().alias("my"))
    extras = [col for col in (c.HEALTH, c.EXPLANATION) if col in frame.columns]
    kept = dict.fromkeys([c.PARTNER_ID, c.NAME, x, y, c.RECOMMENDATION, _REASONS_TEXT, *extras])
    top_x, top_y = _maximum(frame, x), _maximum(frame, y)
    spans = (_drawn_span(frame, x, top_x, log=True), _drawn_span(frame, y, top_y, log=log_y))
    points = _spread(chosen.select(*kept), x=x, y=y, spans=spans, log=(True, log_y))
    labels = _crowd_labels(points, x=x, y=y, span=spans[1], log=log_y)

    x_scale, x_axis = _scale(top_x, log=True, drawn=points[_X])
    y_scale, y_axis = _scale(top_y, log=log_y, drawn=points[_Y])
    x_title, y_title = _axis_title(x), _axis_title(y)
    x_enc = alt.X(f"{_X}:Q", title=x_title, scale=x_scale, axis=x_axis)
    y_enc = alt.Y(f"{_Y}:Q", title=y_title, scale=y_scale, axis=y_axis)
    density = (
        alt.Chart(grid.with_columns(pl.col("x_lo", "x_hi", "y_lo", "y_hi").round_sig_figs(4)))
        .mark_rect(opacity=0.55)
        .encode(
            x=alt.X("x_lo:Q", scale=x_scale, title=x_title, axis=x_axis),
            x2="x_hi:Q",
            y=alt.Y("y_lo:Q", scale=y_scale, title=y_title, axis=y_axis),
            y2="y_hi:Q",
            color=_density_colour(grid),
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
        alt.Tooltip(f"{_CROWD}:Q", title="partners at this point", format=","),
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
    subtitle = [
        f"{fmt.counted(shown, 'partner')} drawn (largest on either axis); "
        f"{_in_grid(grid, rest.height)}; dashed: medians"
        if rest.height
        else f"{fmt.counted(shown, 'partner')}; dashed lines: medians"
    ]
    if crowded.height:
        subtitle.append(_crowd_sentence(crowded, x=x, y=y))
    crowd_text = (
        alt.Chart(labels)
        .mark_text(fontWeight="bold", fontSize=11, color=INK, baseline="bottom")
        .encode(
            x=alt.X(f"{_X}:Q", scale=x_scale, title=x_title, axis=x_axis),
            y=alt.Y(f"{_Y}:Q", scale=y_scale, title=y_title, axis=y_axis),
            text=alt.Text(f"{c.PARTNERS}:Q", format=","),
            tooltip=[alt.Tooltip(f"{c.PARTNERS}:Q", title="partners at this point")],
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [median_rules]
    if grid.height:
        layers.insert(0, density)
    if labels.height:
        layers.append(crowd_text)
    layers.append(dots)
    chart: alt.LayerChart = (
        alt.LayerChart(layer=layers)
        .resolve_scale(color="independent")
        .properties(
            width=460,
            height=340,
            title=alt.Title(title or f"{_title(x)} vs {_title(y).lower()}", subtitle=subtitle),
        )
    )
    return chart
