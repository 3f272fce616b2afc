"""Concentration charts: the Pareto chart of the vital few and the Lorenz curve.

Both read the ranking the analysis computed (``rank``, ``cum_share``, ``vital``); neither
re-ranks. Portfolios of any size ship a bounded number of rows: above ``max_bars`` partners
the Pareto bars become runs of consecutive ranks (never mixing vital and the rest), and the
Lorenz curve is sampled at ``points`` exact quantiles.

Examples
--------
>>> import polars as pl
>>> card = pl.DataFrame({
...     "partner_id": ["a", "b", "c"], "name": ["A", "B", "C"], "rank": [1, 2, 3],
...     "won_revenue": [80.0, 15.0, 5.0], "cum_share": [0.8, 0.95, 1.0],
...     "vital": [True, False, False]})
>>> spec = pareto_chart(card, threshold=0.8).to_dict()
>>> [layer["mark"]["type"] for layer in spec["layer"][1]["layer"]][:2]
['line', 'rule']
>>> lorenz_chart(card, gini=0.5).to_dict()["title"]["text"]
'Lorenz curve — Gini 0.50'
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import altair as alt
import narwhals.stable.v1 as nw  # the version altair converts frames with
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.charts import binning
from partnerkit.charts import columns as c
from partnerkit.charts.theme import (
    ACCENT,
    COMPACT_LABEL,
    INK,
    MUTED,
    VITAL_COLORS,
    VITAL_LABELS,
    vital_scale,
)
from partnerkit.metrics.pareto import BENCHMARKS, vital_few_sentence, vital_needed
from partnerkit.policy import Policy

__all__ = ["BENCHMARKS", "MAX_BARS", "ParetoSpecs", "lorenz_chart", "pareto_chart"]

MAX_BARS = 200
"""Partners drawn one bar each; above it, each bar is a run of consecutive ranks."""

_X0, _X1, _GROUP, _LABEL = "partner_share_from", "partner_share", "group", "label"


def ranked(scorecard: pl.DataFrame | pl.LazyFrame, /, *, value: str) -> pl.DataFrame:
    """Return the partners in the concentration denominator (those ranked), in rank order.

    Requires columns: ``rank``, ``cum_share``, ``vital`` and ``value``.

    >>> ranked(pl.DataFrame({"rank": [2, None, 1], "cum_share": [1.0, None, 0.5],
    ...     "vital": [False, False, True], "v": [1.0, 9.0, 1.0]}), value="v")["rank"].to_list()
    [1, 2]
    """
    frame = c.collected(scorecard, (c.RANK, c.CUM_SHARE, c.VITAL, value), chart="concentration")
    return frame.filter(pl.col(c.RANK).is_not_null()).sort(c.RANK)


def _vital_label() -> pl.Expr:
    return (
        pl.when(pl.col(c.VITAL).fill_null(value=False))
        .then(pl.lit(VITAL_LABELS[0]))
        .otherwise(pl.lit(VITAL_LABELS[1]))
        .alias(_GROUP)
    )


def _pareto_bars(frame: pl.DataFrame, *, value: str, max_bars: int) -> pl.DataFrame:
    """One row per bar: a partner, or a run of consecutive ranks above ``max_bars``."""
    n = frame.height
    if n <= max_bars:
        names = [c.NAME] if c.NAME in frame.columns else []
        return frame.select(
            c.PARTNER_ID,
            *names,
            c.RANK,
            pl.lit(1).alias("partners"),
            pl.col(value).alias("bar_value"),
            pl.col(value).alias("total"),
            c.CUM_SHARE,
            ((pl.col(c.RANK) - 1) / n).alias(_X0),
            (pl.col(c.RANK) / n).alias(_X1),
            _vital_label(),
            pl.format("#{}", c.RANK).alias(_LABEL),
        )
    runs = binning.rank_bins(
        frame,
        rank=c.RANK,
        bins=max_bars,
        by=c.VITAL,
        aggs=[pl.col(value).sum().alias("total"), pl.col(c.CUM_SHARE).max()],
    )
    return runs.select(
        pl.col("first_rank").alias(c.RANK),
        "partners",
        (pl.col("total") / pl.col("partners")).alias("bar_value"),
        "total",
        c.CUM_SHARE,
        ((pl.col("first_rank") - 1) / n).alias(_X0),
        (pl.col("last_rank") / n).alias(_X1),
        _vital_label(),
        pl.format("ranks {}-{}", "first_rank", "last_rank").alias(_LABEL),
    )


@dataclass(frozen=True)
class _ParetoData:
    """The frames a Pareto chart draws, and the counts in its titles."""

    n: int
    vital_count: int
    vital_value_share: float | None
    bars: pl.DataFrame
    curve: pl.DataFrame
    rule: pl.DataFrame
    vital_rule: pl.DataFrame
    needed: int | None = None  # the shortest list from the top reaching the threshold

    def frames(self) -> dict[str, pl.DataFrame]:
        return {
            "bars": self.bars,
            "curve": self.curve,
            "rule": self.rule,
            "vital_rule": self.vital_rule,
        }


def _pareto_data(
    scorecard: pl.DataFrame | pl.LazyFrame, /, *, value: str, threshold: float, max_bars: int
) -> _ParetoData:
    frame = ranked(scorecard, value=value)
    n = frame.height
    bars = _pareto_bars(frame, value=value, max_bars=max_bars)
    vital_count = int(frame[c.VITAL].fill_null(value=False).sum())
    vital_share = vital_count / n if n else 0.0
    vital = frame.filter(pl.col(c.VITAL).fill_null(value=False))
    produced: float | None = vital.select(pl.col(c.CUM_SHARE).max()).item() if n else None
    curve = pl.concat(
        [
            pl.DataFrame({_X1: [0.0], c.CUM_SHARE: [0.0]}),
            bars.select(pl.col(_X1).cast(pl.Float64), pl.col(c.CUM_SHARE).cast(pl.Float64)),
        ]
    )
    rule = pl.DataFrame(
        {"threshold": [threshold], _LABEL: [f"threshold {threshold:.0%}"], "x": [0.99]}
    )
    vital_rule = pl.DataFrame(
        {
            "vital_share": [vital_share],
            _LABEL: [f"vital few: {vital_count:,} ({fmt.percent(vital_share)})"],
            "y": [0.55],
        }
    )
    needed = frame.select(vital_needed(threshold)).item() if n else None
    return _ParetoData(
        n,
        vital_count,
        produced,
        bars,
        curve,
        rule,
        vital_rule,
        needed=needed if isinstance(needed, int) else None,
    )


def _label_left_of_rule(data: _ParetoData) -> bool:
    """Whether the vital-few label goes left of its rule (past the middle of the axis).

    Right of a rule near the end it would run into the right-hand axis.
    """
    rule = data.vital_rule
    return bool(rule.height) and float(rule["vital_share"][0]) > 0.5


def _x_title(n: int, value: str) -> str:
    return f"Share of partners, ranked by {value.replace('_', ' ')} ({fmt.counted(n, 'partner')})"


def _pareto_subtitle(data: _ParetoData, value: str) -> str:
    """Return the subtitle: the vital-few sentence of every view, or why there is none.

    >>> empty = pl.DataFrame()
    >>> _pareto_subtitle(_ParetoData(0, 0, None, *[empty] * 4), "won_revenue")
    'No partner to rank: nothing matches the current filters'
    >>> _pareto_subtitle(_ParetoData(3, 0, None, *[empty] * 4), "won_revenue")
    'None of the 3 partners has any won revenue: no vital few'
    >>> _pareto_subtitle(_ParetoData(10, 2, 0.84, *[empty] * 4), "won_revenue")
    '2 of 10 partners (20%) produce 84% of won revenue'
    """
    if data.n == 0:
        return "No partner to rank: nothing matches the current filters"
    sentence = vital_few_sentence(
        partners=data.n,
        vital_count=data.vital_count,
        vital_value_share=data.vital_value_share,
        value=value,
        needed=data.needed,
    )
    return sentence[:1].upper() + sentence[1:]


def pareto_chart(
    scorecard: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    value: str = Policy().pareto_value,
    threshold: float = Policy().vital_threshold,
    max_bars: int = MAX_BARS,
    title: str | None = None,
) -> alt.LayerChart:
    """Pareto chart: partners by value as bars, cumulative share as a line on a second axis.

    The x axis is the share of partners (ranked by ``value``), so the 80/20, 90/10 and 95/5
    reference points sit where they belong; the threshold is a horizontal rule on the share
    axis, and the vital few are coloured apart. Above ``max_bars`` partners each bar is a run
    of consecutive ranks whose height is the mean value per partner in it.

    Requires columns: ``rank``, ``cum_share``, ``vital``, ``value`` (and ``partner_id``,
    ``name`` for tooltips when one bar is one partner).

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"], "rank": [1, 2],
    ...     "won_revenue": [9.0, 1.0], "cum_share": [0.9, 1.0], "vital": [True, False]})
    >>> pareto_chart(card, threshold=0.8).to_dict()["layer"][0]["mark"]["type"]
    'rect'
    """
    data = _pareto_data(scorecard, value=value, threshold=threshold, max_bars=max_bars)
    n, bars = data.n, data.bars
    per = "per partner" if n <= max_bars else "mean per partner in each bar"
    x = alt.X(
        f"{_X0}:Q",
        title=_x_title(n, value),
        axis=alt.Axis(format="%", tickCount=10),
        scale=alt.Scale(domain=[0, 1], nice=False),
    )
    tooltip = [
        alt.Tooltip(f"{_LABEL}:N", title="rank"),
        *([alt.Tooltip(f"{c.NAME}:N", title="partner")] if c.NAME in bars.columns else []),
        alt.Tooltip("partners:Q", title="partners", format=","),
        alt.Tooltip("total:Q", title=value.replace("_", " "), format=",.0f"),
        alt.Tooltip(f"{c.CUM_SHARE}:Q", title="cumulative share", format=".1%"),
    ]
    bar_layer = (
        alt.Chart(bars)
        .mark_rect(stroke="white", strokeWidth=0.5 if n <= max_bars else 0)
        .encode(
            x=x,
            x2=f"{_X1}:Q",
            y2=alt.datum(0),
            y=alt.Y(
                "bar_value:Q",
                title=f"{value.replace('_', ' ').capitalize()} ({per})",
                axis=alt.Axis(labelExpr=COMPACT_LABEL, titleColor=MUTED),
            ),
            color=alt.Color(f"{_GROUP}:N", scale=vital_scale(), title=None),
            tooltip=tooltip,
        )
    )
    curve = data.curve
    share_axis = alt.Scale(domain=[0, 1], nice=False)
    line = (
        alt.Chart(curve)
        .mark_line(color=INK, strokeWidth=2, interpolate="linear")
        .encode(
            x=f"{_X1}:Q",
            y=alt.Y(
                f"{c.CUM_SHARE}:Q",
                title="Cumulative share of value",
                scale=share_axis,
                axis=alt.Axis(format="%", orient="right", titleColor=INK),
            ),
            tooltip=[
                alt.Tooltip(f"{_X1}:Q", title="share of partners", format=".1%"),
                alt.Tooltip(f"{c.CUM_SHARE}:Q", title="share of value", format=".1%"),
            ],
        )
    )
    rule_frame = data.rule
    rule = (
        alt.Chart(rule_frame)
        .mark_rule(color=ACCENT, strokeDash=[6, 3], strokeWidth=1.5)
        .encode(y=alt.Y("threshold:Q", scale=share_axis))
    )
    rule_text = (
        alt.Chart(rule_frame)
        .mark_text(align="right", baseline="bottom", dy=-3, color=ACCENT, fontWeight="bold")
        .encode(x="x:Q", y=alt.Y("threshold:Q", scale=share_axis), text=f"{_LABEL}:N")
    )
    vital_rule_frame = data.vital_rule
    vital_rule = (
        alt.Chart(vital_rule_frame)
        .mark_rule(color=ACCENT, strokeDash=[2, 2])
        .encode(x="vital_share:Q")
    )
    right = _label_left_of_rule(data)
    vital_text = (
        alt.Chart(vital_rule_frame)
        .mark_text(align="right" if right else "left", dx=-4 if right else 4, color=ACCENT)
        .encode(x="vital_share:Q", y=alt.Y("y:Q", scale=share_axis), text=f"{_LABEL}:N")
    )
    refs = pl.DataFrame(
        {
            _LABEL: [b[0] for b in BENCHMARKS],
            "ref_partners": [b[1] for b in BENCHMARKS],
            "ref_value": [b[2] for b in BENCHMARKS],
        }
    )
    ref_points = (
        alt.Chart(refs)
        .mark_point(shape="diamond", size=70, filled=True, color=MUTED)
        .encode(
            x="ref_partners:Q",
            y=alt.Y("ref_value:Q", scale=share_axis),
            tooltip=[
                alt.Tooltip(f"{_LABEL}:N", title="benchmark"),
                alt.Tooltip("ref_partners:Q", title="share of partners", format=".0%"),
                alt.Tooltip("ref_value:Q", title="share of value", format=".0%"),
            ],
        )
    )
    ref_text = ref_points.mark_text(align="left", dx=5, dy=-8, color=MUTED, fontSize=10).encode(
        text=f"{_LABEL}:N"
    )
    share_layers = alt.LayerChart(
        layer=[line, rule, rule_text, vital_rule, vital_text, ref_points, ref_text]
    )
    chart: alt.LayerChart = (
        alt.LayerChart(layer=[bar_layer, share_layers])
        .resolve_scale(y="independent")
        .properties(
            width=520,
            height=300,
            title=alt.Title(
                title or "Pareto: who produces the value",
                subtitle=_pareto_subtitle(data, value),
            ),
        )
    )
    return chart


def lorenz_chart(
    scorecard: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    gini: float | None,
    value: str = Policy().pareto_value,
    points: int = 500,
) -> alt.LayerChart:
    """Lorenz curve of ``value`` over the ranked partners, with the Gini in the title.

    The curve is sampled at about ``points`` exact quantiles (every partner below that), the
    line of equality is drawn for reference, and ``gini`` comes from the analysis'
    concentration summary (not recomputed here).

    Requires columns: ``rank``, ``cum_share``, ``vital`` and ``value``.

    Examples
    --------
    >>> card = pl.DataFrame({"rank": [1, 2], "won_revenue": [3.0, 1.0],
    ...     "cum_share": [0.75, 1.0], "vital": [True, False]})
    >>> lorenz_chart(card, gini=0.25).to_dict()["layer"][1]["mark"]["type"]
    'line'
    """
    frame = ranked(scorecard, value=value)
    n = frame.height
    total = float(frame[value].sum()) if n else 0.0
    # a total below the smallest normal float is noise (polars reads subnormals as zero)
    if n and total >= sys.float_info.min:
        # scaled by the largest value first: a tiny (subnormal) total would overflow
        scaled = pl.col(value) / pl.col(value).max()
        steps = (
            frame.select(pl.col(value).cast(pl.Float64))
            .sort(value)
            .select(
                (pl.int_range(1, n + 1) / n).alias("partners_share"),
                (scaled.cum_sum() / scaled.sum()).alias("value_share"),
            )
        )
        curve = pl.concat(
            [
                pl.DataFrame({"partners_share": [0.0], "value_share": [0.0]}),
                binning.curve_points(steps, points=points),
            ]
        )
    else:  # no value at all: the diagonal drawn as the curve would read as perfect equality
        curve = pl.DataFrame(schema={"partners_share": pl.Float64, "value_share": pl.Float64})
    equality = pl.DataFrame({"partners_share": [0.0, 1.0], "value_share": [0.0, 1.0]})
    unit = alt.Scale(domain=[0, 1], nice=False)
    x = alt.X(
        "partners_share:Q",
        title=f"Share of partners, smallest {value.replace('_', ' ')} first",
        scale=unit,
        axis=alt.Axis(format="%"),
    )
    y = alt.Y(
        "value_share:Q",
        title=f"Share of {value.replace('_', ' ')}",
        scale=unit,
        axis=alt.Axis(format="%"),
    )
    base = alt.Chart(curve).encode(x=x, y=y)
    area = base.mark_area(color=VITAL_COLORS[VITAL_LABELS[1]], opacity=0.45)
    line = base.mark_line(color=VITAL_COLORS[VITAL_LABELS[0]], strokeWidth=2).encode(
        tooltip=[
            alt.Tooltip("partners_share:Q", title="share of partners", format=".1%"),
            alt.Tooltip("value_share:Q", title="share of value", format=".1%"),
        ]
    )
    diagonal = alt.Chart(equality).mark_line(color=MUTED, strokeDash=[4, 4]).encode(x=x, y=y)
    shown = "n/a" if gini is None else f"{gini:.2f}"
    return alt.LayerChart(layer=[area, line, diagonal]).properties(
        width=340,
        height=300,
        title=alt.Title(
            f"Lorenz curve — Gini {shown}",
            subtitle=f"{fmt.counted(n, 'partner')}; dashed: perfect equality"
            if curve.height
            else f"No partner has any {value.replace('_', ' ')}: no curve",
        ),
    )


class ParetoSpecs:
    """Pareto chart specs (dicts) for setting after setting of an interactive view, fast.

    Building the altair chart is most of an update's time, and for a given value column
    (and whether bars are single partners, and whether names are shown) only the data and
    two texts change. The first spec of such a kind is built by :func:`pareto_chart`; later
    ones are a copy of it with the new data and texts put in, equal to what
    :func:`pareto_chart` would give (the tests compare both).

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "rank": [1, 2],
    ...     "won_revenue": [9.0, 1.0], "cum_share": [0.9, 1.0], "vital": [True, False]})
    >>> specs = ParetoSpecs()
    >>> first = specs.spec(card, value="won_revenue", threshold=0.8, max_bars=200)
    >>> again = specs.spec(card, value="won_revenue", threshold=0.9, max_bars=200)
    >>> again["title"]["subtitle"]
    '1 of 2 partners (50%) produces 90% of won revenue'
    """

    def __init__(self) -> None:
        self._templates: dict[Hashable, tuple[dict[str, Any], dict[str, str]]] = {}

    def spec(
        self,
        scorecard: pl.DataFrame | pl.LazyFrame,
        /,
        *,
        value: str,
        threshold: float,
        max_bars: int = MAX_BARS,
        title: str | None = None,
    ) -> dict[str, Any]:
        """Return the spec :func:`pareto_chart` gives for these arguments (not validated)."""
        data = _pareto_data(scorecard, value=value, threshold=threshold, max_bars=max_bars)
        key = (
            value,
            data.n <= max_bars,
            c.NAME in data.bars.columns,
            title,
            _label_left_of_rule(data),
        )
        kept = self._templates.get(key)
        if kept is None:
            chart = pareto_chart(
                scorecard, value=value, threshold=threshold, max_bars=max_bars, title=title
            )
            spec = chart.to_dict(validate=False)
            names = {part: _dataset_name(spec, frame) for part, frame in data.frames().items()}
            if len(set(names.values())) == len(names):  # each part its own dataset
                self._templates[key] = (spec, names)
            return copy.deepcopy(spec)
        template, names = kept
        spec = dict(template)
        spec["datasets"] = dict(template["datasets"])
        for part, frame in data.frames().items():
            spec["datasets"][names[part]] = _values(frame)
        spec["title"] = {
            **template["title"],
            "subtitle": _pareto_subtitle(data, value),
        }
        bars = copy.deepcopy(template["layer"][0])
        bars["encoding"]["x"]["title"] = _x_title(data.n, value)
        spec["layer"] = [bars, template["layer"][1]]
        return spec


def _values(frame: pl.DataFrame) -> list[dict[str, Any]]:
    values = alt.utils.data.to_values(nw.from_native(frame, eager_only=True))["values"]
    assert isinstance(values, list)
    return values


def _dataset_name(spec: dict[str, Any], frame: pl.DataFrame) -> str:
    values = _values(frame)
    found = [name for name, rows in spec["datasets"].items() if rows == values]
    if len(found) != 1:
        return f"?{id(frame)}"  # not told apart: no template for this kind
    return str(found[0])
