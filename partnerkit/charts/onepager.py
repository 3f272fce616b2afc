"""The partner review one-pager: one compound chart per partner for the quarterly review.

Key figures as text, the recommendation with its reasons and explanation, the change over
time (quarter on quarter, year on year, since the last review), the revenue trend, the health
breakdown and the account overlap, all for one partner, read from the analysis' frames.
Reason codes are written with their meaning from
:data:`partnerkit.decisions.recommend.REASONS` (or the wording a caller passes).
Partner-supplied text (name, explanation) is drawn by Vega as text, never interpreted as
markup.

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
import textwrap
from collections.abc import Callable, Mapping
from typing import Any

import altair as alt
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.charts import columns as c
from partnerkit.charts.health import drawable, metric_label, metric_tooltips, points_bars
from partnerkit.charts.overlap import OVERLAP_COLORS
from partnerkit.charts.theme import (
    BAR,
    COMPACT_LABEL,
    INK,
    MUTED,
    RECOMMENDATION_COLORS,
    UNRATED,
    integer_ticks,
)
from partnerkit.charts.trend import partner_quarters
from partnerkit.decisions.recommend import REASONS
from partnerkit.formatting import compact
from partnerkit.metrics.change import CHANGE_LABELS
from partnerkit.window import shift_months

__all__ = [
    "REASON_MEANINGS",
    "change_lines",
    "compact",
    "key_figures",
    "not_counted_figures",
    "not_counted_reason",
    "partner_onepager",
]

REASON_MEANINGS: dict[str, str] = {r.code: r.meaning for r in REASONS}
"""Reason code -> the sentence the one-pager writes for it (the decisions' own wording)."""

_REVIEW_LABELS: dict[str, str] = {
    "won_revenue": "won revenue",
    "open_pipeline": "open pipeline",
    "health": "health",
    "investment": "investment",
    "state": "state",
    "recommendation": "recommendation",
    "tier": "tier",
}
_REVIEW_MONEY = frozenset({"won_revenue", "open_pipeline", "investment"})

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


def not_counted_figures(partner: Mapping[str, Any], /) -> dict[str, str]:
    """How the state and stage of a partner left out of the portfolio's figures are written.

    A partner that is not ``counted`` (a prospect, an exited partner, or one signed after the
    as-of date) is not rated: the state and stage worked out from its rows (``active``,
    ``mature`` for a partner without a signing date) would read as if it were. They are
    written ``"<status>, not rated"`` and ``"n/a"``. A counted partner (or a row without
    ``counted``) gives ``{}``: its figures are written as they are.

    Examples
    --------
    >>> not_counted_figures({"counted": False, "status": "prospect", "state": "active"})
    {'state': 'prospect, not rated', 'stage': 'n/a'}
    >>> not_counted_figures({"counted": True, "status": "active", "state": "active"})
    {}
    """
    if partner.get(c.COUNTED, True) is not False:
        return {}
    status = partner.get("status") or "status unknown"
    return {c.STATE: f"{status}, not rated", c.STAGE: "n/a"}


def not_counted_reason(partner: Mapping[str, Any], /) -> str:
    """Why a partner is not counted, in an analyst's words (no policy field names).

    Examples
    --------
    >>> not_counted_reason({"status": "prospect"})
    "Not rated: a prospect is not counted in the portfolio's figures, so it gets no recommendation."
    >>> not_counted_reason({"status": "active"})
    "Not rated: signed after the analysis date, so not yet counted in the portfolio's figures and no recommendation."
    """  # noqa: E501
    status = partner.get("status")
    if status == "active":
        return (
            "Not rated: signed after the analysis date, so not yet counted in the portfolio's "
            "figures and no recommendation."
        )
    who = {
        None: "a partner without a status",
        "prospect": "a prospect",
        "exited": "an exited partner",
    }
    return (
        f"Not rated: {who.get(status, f'a partner of status {status}')} is not counted in the "
        "portfolio's figures, so it gets no recommendation."
    )


def key_figures(
    partner: dict[str, Any], /, *, columns: int = 3, currency: str | None = None
) -> pl.DataFrame:
    """Lay out the key figures of one scorecard row as text: label, shown, col, row.

    Figures whose column is absent are skipped; the tier appears as "assigned → implied"; a
    partner not counted shows its status instead of a state (:func:`not_counted_figures`).

    >>> key_figures({"won_revenue": 2500.0, "tier": "gold", "implied_tier": "silver"}).rows()
    [('Won revenue', '2.5k', 0, 0), ('Tier (implied)', 'gold → silver', 1, 0)]
    """
    words = not_counted_figures(partner)

    def shown(col: str, how: Callable[[Any], str] | str) -> str:
        if col in words:
            return words[col]
        value = partner[col]
        if col == c.OUR_EFFORT_SHARE:  # of the hours, else of the activities
            return fmt.effort_share(value, partner.get("partner_initiated_share"))
        return fmt.money(value, currency, short=True) if how == _MONEY else how(value)  # type: ignore[operator]

    items = [(label, shown(col, how)) for label, col, how in _FIGURES if col in partner]
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
    ticks = integer_ticks(frame.select(pl.col("accounts").max()).item())
    base = alt.Chart(frame).encode(
        y=alt.Y("measure:N", sort=list(labels.values()), title=None),
        x=alt.X(
            "accounts:Q",
            title="accounts",
            scale=alt.Scale(domain=[0, ticks[-1]], nice=False),
            axis=alt.Axis(values=ticks, tickMinStep=1, format="d"),
        ),
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
    rows = drawable(explained).with_columns(metric_label())
    chart: alt.Chart = (
        points_bars(
            rows,
            metrics=everyone[c.METRIC].unique(maintain_order=True).to_list(),
            x_title="score (points of 100)",
            legend=alt.Legend(columns=2, orient="right"),
        )
        .encode(
            y=alt.Y(f"{c.DIMENSION}:N", sort=dimensions, title=None),
            tooltip=metric_tooltips(),
        )
        .properties(
            width=420,
            height=alt.Step(24),
            title=alt.Title("Health: points each metric adds", fontSize=12),
        )
    )
    return chart


def _signed_money(value: float, currency: str | None) -> str:
    if value == 0:
        return "±0"
    return ("+" if value > 0 else "-") + fmt.money(abs(value), currency, short=True)


def _change_text(
    measure: str, change: float | None, pct: float | None, currency: str | None
) -> str:
    if change is None:
        return _MISSING
    if measure == "win_rate":
        return f"{change * 100:+.0f} pts"
    if measure == "won_revenue":
        text = _signed_money(change, currency)
    else:
        text = f"{change:+,.0f}" if change else "±0"
    return text if pct is None else f"{text} ({fmt.signed_percent(pct)})"


def _level_text(measure: str, value: float | None, currency: str | None) -> str:
    if value is None:
        return _MISSING
    if measure == "win_rate":
        return fmt.percent(value)
    if measure == "won_revenue":
        return fmt.money(value, currency, short=True)
    return fmt.count(round(value))


def change_lines(
    changes: pl.DataFrame | None,
    review: Mapping[str, Any] | None,
    /,
    *,
    currency: str | None = None,
) -> tuple[list[list[str]], list[str]]:
    r"""Write one partner's change over time as text: a table and the since-review lines.

    ``changes`` holds the partner's rows of :func:`partnerkit.metrics.change.measure_changes`;
    the table is a header (measure, the latest complete quarter, "vs" the quarter before,
    "vs" the same quarter a year earlier) and one row per measure. ``review`` is the
    partner's row of :func:`partnerkit.metrics.change.since_last_review`; the lines say
    when the last review was and what moved since (numbers as a signed change with the
    value then, texts as "then → now" when they changed).

    >>> import datetime as dt
    >>> rows = pl.DataFrame({"measure": ["won_revenue", "win_rate"],
    ...     "quarter": [dt.date(2025, 7, 1)] * 2, "value": [1500.0, 0.5],
    ...     "prior_value": [2000.0, 0.25], "qoq_change": [-500.0, 0.25],
    ...     "qoq_change_pct": [-0.25, None], "year_ago_value": [None, 1.0],
    ...     "yoy_change": [None, -0.5], "yoy_change_pct": [None, None]})
    >>> table, _ = change_lines(rows, None, currency="EUR")
    >>> for row in table:
    ...     print(" | ".join(row))
     | Q3 2025 | vs Q2 2025 | vs Q3 2024
    Won revenue | EUR 1.5k | -EUR 500 (-25%) | n/a
    Win rate | 50% | +25 pts | -50 pts
    >>> review = {"last_decision": "watch", "last_review_on": dt.date(2025, 6, 30),
    ...     "won_revenue_at_review": 1000.0, "won_revenue_since_review": 500.0,
    ...     "state_at_review": "dormant", "state": "active"}
    >>> print("\n".join(change_lines(None, review, currency="EUR")[1]))
    Since the review of 2025-06-30 (decided: watch):
    won revenue +EUR 500 (was EUR 1k)
    state dormant → active
    """
    table: list[list[str]] = []
    if changes is not None and changes.height:
        day = changes["quarter"][0]
        table.append(
            [
                "",
                fmt.quarter(day),
                f"vs {fmt.quarter(shift_months(day, -3))}",
                f"vs {fmt.quarter(shift_months(day, -12))}",
            ]
        )
        for row in changes.iter_rows(named=True):
            measure = row["measure"]
            table.append(
                [
                    CHANGE_LABELS.get(measure, measure.replace("_", " ")),
                    _level_text(measure, row["value"], currency),
                    _change_text(measure, row["qoq_change"], row["qoq_change_pct"], currency),
                    _change_text(measure, row["yoy_change"], row["yoy_change_pct"], currency),
                ]
            )
    lines: list[str] = []
    if review is not None:
        if review.get("last_decision") is None:
            lines.append("Since the last review: no decision recorded for this partner yet.")
        else:
            lines.append(
                f"Since the review of {fmt.date(review.get('last_review_on'))} "
                f"(decided: {review['last_decision']}):"
            )
            for name, label in _REVIEW_LABELS.items():
                then = review.get(f"{name}_at_review")
                moved = review.get(f"{name}_since_review")
                if moved is not None and then is not None:
                    if name in _REVIEW_MONEY:
                        text = (
                            f"{_signed_money(moved, currency)} "
                            f"(was {fmt.money(then, currency, short=True)})"
                        )
                    else:
                        text = f"{fmt.signed(moved, digits=1)} (was {fmt.number(then, digits=1)})"
                    lines.append(f"{label} {text}")
                elif f"{name}_since_review" not in review and then is not None:
                    now = review.get(name)
                    if now is not None and str(now) != str(then):
                        lines.append(f"{label} {then} → {now}")
    return table, lines


_CHANGE_X = (0, 110, 200, 330)
"""Left edge (px) of each column of the change table."""


def _change_panel(table: list[list[str]], lines: list[str]) -> alt.LayerChart:
    cells = [
        {"x": _CHANGE_X[j], "y": 18 * i, "text": text, "head": i == 0 or j == 0}
        for i, row in enumerate(table)
        for j, text in enumerate(row)
    ]
    top = 18 * len(table) + (10 if table else 0)
    cells += [
        {"x": 0, "y": top + 16 * k, "text": text, "head": k == 0} for k, text in enumerate(lines)
    ]
    height = max(40, top + 16 * len(lines))
    frame = pl.DataFrame(
        cells, schema={"x": pl.Int64, "y": pl.Int64, "text": pl.String, "head": pl.Boolean}
    )
    base = alt.Chart(frame).encode(
        x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 460])),
        y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, height], reverse=True)),
        text="text:N",
    )
    return alt.LayerChart(
        layer=[
            base.transform_filter("datum.head").mark_text(
                align="left", baseline="top", fontSize=11, color=MUTED
            ),
            base.transform_filter("!datum.head").mark_text(
                align="left", baseline="top", fontSize=12, color=INK, fontWeight="bold"
            ),
        ]
    ).properties(width=460, height=height, title=alt.Title("Change over time", fontSize=12))


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
    changes: pl.DataFrame | None = None,
    review: pl.DataFrame | None = None,
    reasons: Mapping[str, str] | None = None,
) -> alt.VConcatChart:
    """One partner's review page: key figures, recommendation, change, trend, health, overlap.

    Money is written with ``currency`` (the portfolio's ISO code) when given; ``as_of``,
    when given, is named under the title with the currency, so a printed page says when
    and in what its figures are.

    ``changes`` (rows of :func:`partnerkit.metrics.change.measure_changes`) and ``review``
    (rows of :func:`partnerkit.metrics.change.since_last_review`) give the "Change over
    time" panel (see :func:`change_lines`); rows of other partners are ignored. ``reasons``
    maps reason codes to the sentences written for them (default :data:`REASON_MEANINGS`).

    Panels whose data is missing (no quarterly frame, no overlap columns, no health
    explanation, no changes) are left out rather than drawn empty. ``value`` is the value column of
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
    meanings = dict(REASON_MEANINGS if reasons is None else reasons)
    if reasons is None:  # the decisions' wording names a policy field: say it in words
        meanings["NOT_COUNTED"] = not_counted_reason(partner)
    top = alt.HConcatChart(
        hconcat=[_figures_panel(partner, currency), _decision_panel(partner, meanings)]
    )
    lower: list[alt.LayerChart] = []
    if quarterly is not None and quarterly.height:
        lower.append(_trend_panel(quarterly, partner_id, value, label or value.replace("_", " ")))
    if all(col in partner for col in (c.OVERLAP_ACCOUNTS, c.COSELL_POTENTIAL)):
        lower.append(_overlap_panel(partner))
    rows: list[alt.HConcatChart | alt.Chart | alt.LayerChart] = [top]
    mine = pl.col(c.PARTNER_ID) == partner_id
    own_review = None
    if review is not None:
        found_review = review.filter(mine)
        own_review = (
            {**partner, **found_review.row(0, named=True)}
            if found_review.height
            else {"last_decision": None}
        )
    table, lines = change_lines(
        None if changes is None else changes.filter(mine), own_review, currency=currency
    )
    if table or lines:
        rows.append(_change_panel(table, lines))
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
