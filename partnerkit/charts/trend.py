"""Revenue trend small multiples: one panel per chosen partner, revenue per quarter.

Reads a per-partner quarterly frame (``partner_id``, ``quarter``, a value column) as the
analysis provides it; quarters may be dates (quarter start) or labels such as ``2025Q1``.
Only the chosen partners are shipped, so the chart is small at any portfolio size.

Examples
--------
>>> import datetime as dt, polars as pl
>>> quarterly = pl.DataFrame({"partner_id": ["a", "a", "b"],
...     "quarter": [dt.date(2025, 1, 1), dt.date(2025, 4, 1), dt.date(2025, 1, 1)],
...     "won_revenue": [10.0, 20.0, 5.0]})
>>> spec = trend_chart(quarterly, partners=["a"]).to_dict()
>>> spec["facet"]["field"], spec["spec"]["layer"][0]["mark"]["type"]
('partner', 'area')
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.charts import columns as c
from partnerkit.charts.theme import BAR, COMPACT_LABEL, INK

__all__ = ["partner_quarters", "trend_chart"]

_PARTNER = "partner"


def partner_quarters(
    quarterly: pl.DataFrame, partners: Sequence[str], /, *, value: str
) -> pl.DataFrame:
    """Every quarter of ``quarterly`` for each of ``partners``, with 0 where none is listed.

    Requires columns: ``partner_id``, ``quarter``, ``value``.

    >>> q = pl.DataFrame({"partner_id": ["a", "b"], "quarter": ["Q1", "Q2"], "v": [1.0, 2.0]})
    >>> partner_quarters(q, ["a"], value="v").rows()
    [('a', 'Q1', 1.0), ('a', 'Q2', 0.0)]
    """
    quarters = quarterly.select(pl.col(c.QUARTER).unique().sort())
    grid = pl.DataFrame({c.PARTNER_ID: list(partners)}, schema={c.PARTNER_ID: pl.String}).join(
        quarters, how="cross"
    )
    found = quarterly.filter(pl.col(c.PARTNER_ID).is_in(list(partners))).select(
        c.PARTNER_ID, c.QUARTER, value
    )
    return grid.join(found, on=[c.PARTNER_ID, c.QUARTER], how="left").with_columns(
        pl.col(value).fill_null(0)
    )


def trend_chart(
    quarterly: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    partners: Sequence[str] | None = None,
    scorecard: pl.DataFrame | None = None,
    value: str = c.WON_REVENUE,
    label: str | None = None,
    limit: int = 12,
    columns: int = 4,
    shared_y: bool = True,
    title: str | None = None,
) -> alt.FacetChart:
    """Small multiples of ``value`` per quarter, one panel per partner, in the given order.

    ``partners`` defaults to the ``limit`` best-ranked partners of ``scorecard`` (else the
    first ``limit`` partners found). A quarter missing for a chosen partner (the analysis
    leaves out quarters with nothing won) is drawn as 0, so lines never bridge a gap.
    Panels are titled with the partner's name when the scorecard has one. ``shared_y``
    puts every panel on one scale (compare sizes); set it false to compare shapes.
    ``label`` names the value in titles (default: the column name).

    Requires columns: ``partner_id``, ``quarter``, ``value`` (and ``partner_id``, ``name``,
    ``rank`` in ``scorecard``).

    Examples
    --------
    >>> quarterly = pl.DataFrame({"partner_id": ["a", "a"], "quarter": ["2025Q1", "2025Q2"],
    ...     "won_revenue": [1.0, 2.0]})
    >>> trend_chart(quarterly).to_dict()["spec"]["layer"][1]["encoding"]["x"]["type"]
    'ordinal'
    """
    frame = c.collected(quarterly, (c.PARTNER_ID, c.QUARTER, value), chart="revenue trend")
    label = label or value.replace("_", " ")
    chosen = c.chosen_partners(frame, partners=partners, scorecard=scorecard, limit=limit)
    rows = partner_quarters(frame, chosen, value=value)
    rows = c.with_partner_label(rows, scorecard, label=_PARTNER).sort(c.PARTNER_ID, c.QUARTER)
    label_of = dict(rows.select(c.PARTNER_ID, _PARTNER).unique().iter_rows())
    panel_order = [label_of[p] for p in chosen if p in label_of]
    temporal = rows.schema[c.QUARTER] in (pl.Date, pl.Datetime)
    x = (
        alt.X(
            f"{c.QUARTER}:T",
            title=None,
            axis=alt.Axis(
                format="%Y Q%q",
                labelAngle=-45,
                tickCount={"interval": "month", "step": 3},
                grid=False,
            ),
        )
        if temporal
        else alt.X(f"{c.QUARTER}:O", title=None, axis=alt.Axis(labelAngle=-45))
    )
    y = alt.Y(f"{value}:Q", title=None, axis=alt.Axis(labelExpr=COMPACT_LABEL, tickCount=4))
    tooltip = [
        alt.Tooltip(f"{_PARTNER}:N", title="partner"),
        (
            alt.Tooltip(f"{c.QUARTER}:T", title="quarter", format="%Y Q%q")
            if temporal
            else alt.Tooltip(f"{c.QUARTER}:O", title="quarter")
        ),
        alt.Tooltip(f"{value}:Q", title=label, format=",.0f"),
    ]
    base = alt.Chart().encode(x=x, y=y, tooltip=tooltip)
    layered = alt.LayerChart(
        layer=[
            base.mark_area(color=BAR, opacity=0.15),
            base.mark_line(color=BAR, strokeWidth=2),
            base.mark_point(color=INK, size=18, filled=True),
        ],
        data=rows,
    ).properties(width=170, height=90)
    chart = layered.facet(
        facet=alt.Facet(
            f"{_PARTNER}:N",
            sort=panel_order,
            title=None,
            header=alt.Header(labelFontWeight="bold", labelLimit=170),
        ),
        columns=columns,
        title=alt.Title(
            title or f"{label.capitalize()} per quarter",
            subtitle=fmt.counted(len(panel_order), "partner")
            + ("; shared scale" if shared_y else "; each panel on its own scale"),
        ),
    )
    return chart if shared_y else chart.resolve_scale(y="independent")
