"""The partner review one-pager: one compound chart per partner for the quarterly review.

Key figures as text, the recommendation with its reasons and explanation, the revenue
trend, the health breakdown and the account overlap, all for one partner, read from the
analysis' frames. Partner-supplied text (name, explanation) is drawn by Vega as text, never
interpreted as markup.

Examples
--------
>>> import polars as pl
>>> card = pl.DataFrame({"partner_id": ["a"], "name": ["Acme"], "rank": [1],
...     "won_revenue": [1500.0], "recommendation": ["keep"], "reasons": [["VITAL"]],
...     "explanation": ["Acme produces most of the value."]})
>>> spec = partner_onepager(card, "a").to_dict()
>>> spec["title"]["text"]
'Acme'
"""

from __future__ import annotations

import datetime as dt
import functools
import textwrap
from collections.abc import Callable
from typing import Any

import altair as alt
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.charts import columns as c
from partnerkit.charts.health import drawable
from partnerkit.charts.overlap import OVERLAP_COLORS
from partnerkit.charts.theme import (
    BAR,
    CATEGORY_SCHEME,
    COMPACT_LABEL,
    INK,
    MUTED,
    RECOMMENDATION_COLORS,
    UNRATED,
    WIDE_CATEGORY_SCHEME,
)
from partnerkit.charts.trend import partner_quarters
from partnerkit.formatting import compact

__all__ = ["compact", "key_figures", "partner_onepager"]

_WRAP = 58
_MISSING = fmt.MISSING


def _percent(value: float | None) -> str:
    return fmt.percent(value)


def _signed(value: float | None) -> str:
    return fmt.signed(value)


def _plain(value: object) -> str:
    return _MISSING if value is None else str(value)


_MONEY = "money"  # written with the portfolio's currency, short (fmt.money)

# (label, column, formatter) for the key-figure panel, in reading order.
_FIGURES: tuple[tuple[str, str, Callable[[Any], str] | str], ...] = (
    ("Won revenue", c.WON_REVENUE, _MONEY),
    ("Won deals", c.WON_DEALS, _plain),
    ("Win rate", c.WIN_RATE, _percent),
    ("Sourced revenue", c.SOURCED_REVENUE, _MONEY),
    ("Influenced revenue", c.INFLUENCED_REVENUE, _MONEY),
    ("Open pipeline", c.OPEN_PIPELINE, _MONEY),
    ("Revenue trend", c.REVENUE_TREND, _signed),
    ("Investment", c.INVESTMENT, _MONEY),
    ("Health", c.HEALTH, lambda v: _MISSING if v is None else f"{v:.0f} / 100"),
    ("Pareto rank", c.RANK, lambda v: _MISSING if v is None else f"#{v:,}"),
    ("Share of value", c.SHARE, _percent),
    ("State", c.STATE, _plain),
    ("Stage", c.STAGE, _plain),
    ("Our effort share", c.OUR_EFFORT_SHARE, _percent),
    ("Referral balance", c.RECIPROCITY, _signed),
)


def key_figures(
    partner: dict[str, Any], /, *, columns: int = 3, currency: str | None = None
) -> pl.DataFrame:
    """Lay out the key figures of one scorecard row as text: label, shown, col, row.

    Figures whose column is absent are skipped; the tier appears as "assigned → implied".

    >>> key_figures({"won_revenue": 2500.0, "tier": "gold", "implied_tier": "silver"}).rows()
    [('Won revenue', '2.5k', 0, 0), ('Tier (implied)', 'gold → silver', 1, 0)]
    """

    def shown(value: Any, how: Callable[[Any], str] | str) -> str:  # noqa: ANN401
        return fmt.money(value, currency, short=True) if how == _MONEY else how(value)  # type: ignore[operator]

    items = [(label, shown(partner[col], how)) for label, col, how in _FIGURES if col in partner]
    if c.TIER in partner:
        implied = partner.get(c.IMPLIED_TIER)
        items.append(("Tier (implied)", f"{_plain(partner[c.TIER])} → {_plain(implied)}"))
    return pl.DataFrame(
        {
            "label": [label for label, _ in items],
            "shown": [shown for _, shown in items],
            "col": [i % columns for i in range(len(items))],
            "row": [i // columns for i in range(len(items))],
        },
        schema={"label": pl.String, "shown": pl.String, "col": pl.Int64, "row": pl.Int64},
    )


def _figures_panel(partner: dict[str, Any], currency: str | None) -> alt.LayerChart:
    grid = key_figures(partner, currency=currency)
    rows = grid["row"].n_unique()
    x = alt.X("col:O", axis=None, scale=alt.Scale(paddingOuter=0, align=0))
    y = alt.Y("row:O", axis=None)
    base = alt.Chart(grid).encode(x=x, y=y)
    return alt.LayerChart(
        layer=[
            base.mark_text(align="left", baseline="bottom", dy=-2, color=MUTED, fontSize=10).encode(
                text="label:N"
            ),
            base.mark_text(
                align="left", baseline="top", dy=0, color=INK, fontSize=15, fontWeight="bold"
            ).encode(text="shown:N"),
        ]
    ).properties(width=420, height=rows * 40, title=alt.Title("Key figures", fontSize=12))


def _decision_panel(partner: dict[str, Any], meanings: dict[str, str]) -> alt.LayerChart:
    recommendation = partner.get(c.RECOMMENDATION) or UNRATED
    reasons = partner.get(c.REASONS) or []
    lines = [f"• {meanings.get(code, code)}" for code in reasons]
    wrapped: list[str] = []
    for line in lines:
        wrapped += textwrap.wrap(line, _WRAP, subsequent_indent="  ") or [line]
    explanation = textwrap.wrap(str(partner.get(c.EXPLANATION) or ""), _WRAP)
    body = [*wrapped, *([""] if wrapped and explanation else []), *explanation]
    frame = pl.DataFrame(
        {
            "word": [recommendation.upper()],
            "body": [body or ["No recommendation recorded."]],
            "recommendation": [recommendation],
        }
    )
    colour = RECOMMENDATION_COLORS.get(recommendation, RECOMMENDATION_COLORS[UNRATED])
    height = max(120, 40 + 14 * len(body))
    x_scale = alt.Scale(domain=[0, 1])
    y_scale = alt.Scale(domain=[0, height], reverse=True)
    word = (
        alt.Chart()
        .mark_text(align="left", baseline="top", fontSize=22, fontWeight="bold", color=colour)
        .encode(
            x=alt.XDatum(0, scale=x_scale, axis=None),
            y=alt.YDatum(0, scale=y_scale, axis=None),
            text="word:N",
        )
    )
    text = (
        alt.Chart()
        .mark_text(align="left", baseline="top", fontSize=11, color=INK, lineHeight=14)
        .encode(
            x=alt.XDatum(0, scale=x_scale, axis=None),
            y=alt.YDatum(34, scale=y_scale, axis=None),
            text="body:N",
        )
    )
    return alt.LayerChart(
        layer=[word, text],
        data=frame,
        width=360,
        height=height,
        title=alt.Title("Recommendation", fontSize=12),
    )


def _trend_panel(
    quarterly: pl.DataFrame, partner_id: str, value: str, label: str
) -> alt.LayerChart:
    rows = partner_quarters(quarterly, [partner_id], value=value)
    temporal = rows.schema[c.QUARTER] in (pl.Date, pl.Datetime)
    x = (
        alt.X(
            f"{c.QUARTER}:T",
            title=None,
            axis=alt.Axis(format="%Y Q%q", tickCount={"interval": "month", "step": 3}),
        )
        if temporal
        else alt.X(f"{c.QUARTER}:O", title=None)
    )
    base = alt.Chart(rows).encode(
        x=x,
        y=alt.Y(
            f"{value}:Q",
            title=None,
            scale=alt.Scale(domainMin=0),
            axis=alt.Axis(labelExpr=COMPACT_LABEL, tickCount=4),
        ),
        tooltip=[
            alt.Tooltip(f"{c.QUARTER}:{'T' if temporal else 'O'}", title="quarter"),
            alt.Tooltip(f"{value}:Q", title=label, format=",.0f"),
        ],
    )
    return alt.LayerChart(
        layer=[
            base.mark_area(color=BAR, opacity=0.15),
            base.mark_line(color=BAR, strokeWidth=2),
            base.mark_point(color=INK, filled=True, size=20),
        ]
    ).properties(
        width=360,
        height=130,
        title=alt.Title(f"{label.capitalize()} per quarter", fontSize=12),
    )


def _overlap_panel(partner: dict[str, Any]) -> alt.LayerChart:
    # realized_overlap counts every overlap account with a deal, so it belongs under the
    # overlap accounts; the co-sell potential is followed by its untapped part.
    labels = {
        c.OVERLAP_ACCOUNTS: "overlap accounts",
        c.REALIZED_OVERLAP: "… with a deal in the window",
        c.COSELL_POTENTIAL: "co-sell potential",
        c.UNTAPPED_OVERLAP: "… untapped (no deal yet)",
    }
    colours = {
        "overlap accounts": "#C9D1D9",
        "… with a deal in the window": OVERLAP_COLORS["worked"],
        "co-sell potential": MUTED,
        "… untapped (no deal yet)": OVERLAP_COLORS["untapped"],
    }
    frame = pl.DataFrame(
        {
            "measure": list(labels.values()),
            "accounts": [partner.get(col) for col in labels],
        },
        schema={"measure": pl.String, "accounts": pl.Float64},
    )
    base = alt.Chart(frame).encode(
        y=alt.Y("measure:N", sort=list(labels.values()), title=None),
        x=alt.X("accounts:Q", title="accounts", axis=alt.Axis(tickMinStep=1, format="d")),
    )
    return alt.LayerChart(
        layer=[
            base.mark_bar().encode(
                color=alt.Color(
                    "measure:N",
                    scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                    legend=None,
                ),
                tooltip=["measure:N", alt.Tooltip("accounts:Q", format=",")],
            ),
            base.mark_text(align="left", dx=3, color=INK).encode(
                text=alt.Text("accounts:Q", format=",")
            ),
        ]
    ).properties(width=300, height=alt.Step(20), title=alt.Title("Account overlap", fontSize=12))


def _health_panel(explained: pl.DataFrame, everyone: pl.DataFrame) -> alt.Chart:
    dimensions = everyone[c.DIMENSION].unique(maintain_order=True).to_list()
    metrics = everyone[c.METRIC].n_unique()
    rows = drawable(explained).with_columns(
        pl.col(c.METRIC).str.replace_all("_", " ").alias("metric_label")
    )
    chart: alt.Chart = (
        alt.Chart(rows)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                f"sum({c.CONTRIBUTION}):Q",
                title="score (points of 100)",
                scale=alt.Scale(domain=[0, 100]),
            ),
            y=alt.Y(f"{c.DIMENSION}:N", sort=dimensions, title=None),
            color=alt.Color(
                "metric_label:N",
                title="metric",
                scale=alt.Scale(scheme=CATEGORY_SCHEME if metrics <= 10 else WIDE_CATEGORY_SCHEME),
                legend=alt.Legend(columns=2, orient="right"),
            ),
            order=alt.Order(f"{c.METRIC}:N"),
            tooltip=[
                alt.Tooltip(f"{c.DIMENSION}:N", title="dimension"),
                alt.Tooltip("metric_label:N", title="metric"),
                alt.Tooltip(f"{c.VALUE}:Q", title="value", format=",.4~f"),
                alt.Tooltip(f"{c.PERCENTILE}:Q", title="percentile", format=".0f"),
                alt.Tooltip(f"{c.WEIGHT}:Q", title="weight", format=".2~f"),
                alt.Tooltip(f"{c.CONTRIBUTION}:Q", title="points", format=".1f"),
            ],
        )
        .properties(
            width=420,
            height=alt.Step(24),
            title=alt.Title("Health: points each metric adds", fontSize=12),
        )
    )
    return chart


@functools.cache
def _reason_meanings() -> dict[str, str]:
    try:
        from partnerkit.decisions.recommend import REASONS  # noqa: PLC0415
    except ImportError:  # pragma: no cover - decisions are part of the package
        return {}
    return {r.code: r.meaning for r in REASONS}


def partner_onepager(
    scorecard: pl.DataFrame | pl.LazyFrame,
    partner_id: str,
    /,
    *,
    health_explained: pl.DataFrame | None = None,
    quarterly: pl.DataFrame | None = None,
    value: str = c.WON_REVENUE,
    label: str | None = None,
    currency: str | None = None,
    as_of: dt.date | None = None,
) -> alt.VConcatChart:
    """One partner's review page: key figures, recommendation, trend, health and overlap.

    Money is written with ``currency`` (the portfolio's ISO code) when given; ``as_of``,
    when given, is named under the title with the currency, so a printed page says when
    and in what its figures are.

    Panels whose data is missing (no quarterly frame, no overlap columns, no health
    explanation) are left out rather than drawn empty. ``value`` is the value column of
    ``quarterly``; ``label`` names it in titles (default: the column name).

    Requires columns: ``partner_id``, ``name`` (other scorecard columns are shown when
    present); ``health_explained`` and ``quarterly`` as for their own charts.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a"], "name": ["<b>Acme</b>"]})
    >>> partner_onepager(card, "a").to_dict()["title"]["text"]
    '<b>Acme</b>'
    >>> partner_onepager(card, "a", as_of=dt.date(2026, 9, 30), currency="USD").to_dict()[
    ...     "title"]["subtitle"]
    'id: a · as of 2026-09-30 · amounts in USD'
    >>> partner_onepager(card, "zz")
    Traceback (most recent call last):
    ...
    KeyError: "partner 'zz' is not in the scorecard"
    """
    frame = c.collected(scorecard, (c.PARTNER_ID, c.NAME), chart="partner one-pager")
    found = frame.filter(pl.col(c.PARTNER_ID) == partner_id)
    if found.height == 0:
        raise KeyError(f"partner {partner_id!r} is not in the scorecard")
    partner = found.row(0, named=True)
    header = [
        f"{heading}: {partner[col]}"
        for heading, col in (("id", c.PARTNER_ID), ("type", "type"), ("region", "region"))
        if partner.get(col) is not None
    ]
    if as_of is not None:
        header.append(f"as of {fmt.date(as_of)}")
    if currency:
        header.append(f"amounts in {currency}")
    top = alt.HConcatChart(
        hconcat=[_figures_panel(partner, currency), _decision_panel(partner, _reason_meanings())]
    )
    lower: list[alt.LayerChart] = []
    if quarterly is not None and quarterly.height:
        lower.append(_trend_panel(quarterly, partner_id, value, label or value.replace("_", " ")))
    if all(col in partner for col in (c.OVERLAP_ACCOUNTS, c.COSELL_POTENTIAL)):
        lower.append(_overlap_panel(partner))
    rows: list[alt.HConcatChart | alt.Chart] = [top]
    if lower:
        rows.append(alt.HConcatChart(hconcat=lower, spacing=40))
    if health_explained is not None:
        explained = health_explained.filter(pl.col(c.PARTNER_ID) == partner_id)
        if explained.height:
            rows.append(_health_panel(explained, health_explained))
    return alt.VConcatChart(
        vconcat=rows,
        spacing=24,
        title=alt.Title(str(partner[c.NAME]), subtitle=" · ".join(header), fontSize=18),
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
    )
