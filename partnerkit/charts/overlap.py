"""Account overlap and co-sell potential per partner: what is shared, worked and left.

For each chosen partner: the accounts both sides share (a light full-length bar) and, on
top of it, the co-sell potential (we have the prospect, the partner the customer) split into
worked (a deal through the partner in the window) and untapped. The metric's
``realized_overlap`` counts every overlap account with such a deal, inside the co-sell
potential or not, so it can exceed the potential: it is shown as "overlap accounts with a
deal" in the tooltip, never as a part of the potential. Partners default to those with the
most untapped potential, so the chart points at where co-selling could start.
One row per chosen partner.

Examples
--------
>>> import polars as pl
>>> card = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"],
...     "overlap_accounts": [40, 10], "cosell_potential": [20, 6],
...     "realized_overlap": [5, 6], "untapped_overlap": [15, 0]})
>>> chart = overlap_chart(card)
>>> chart.layer[1].data.filter(pl.col("part") == "untapped")["accounts"].to_list()
[15, 0]
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from partnerkit.charts import columns as c
from partnerkit.charts.theme import GRID

__all__ = ["OVERLAP_COLORS", "overlap_chart", "overlap_parts"]

OVERLAP_COLORS: dict[str, str] = {"worked": "#0072B2", "untapped": "#E69F00"}
"""Colours of the worked and untapped parts of the co-sell potential."""


def overlap_parts(rows: pl.DataFrame, /) -> pl.DataFrame:
    """Long frame: one row per partner and part of the co-sell potential, with ``accounts``.

    The parts add up to ``cosell_potential``: ``untapped`` is ``untapped_overlap`` and
    ``worked`` the rest of the potential (potential accounts with a deal in the window).

    Requires columns: ``partner``, ``cosell_potential``, ``untapped_overlap``.

    >>> overlap_parts(pl.DataFrame({"partner": ["A"], "cosell_potential": [5],
    ...     "untapped_overlap": [3]})).rows()
    [('A', 'worked', 2, 0), ('A', 'untapped', 3, 1)]
    """
    potential = pl.col(c.COSELL_POTENTIAL).fill_null(0)
    untapped = pl.col(c.UNTAPPED_OVERLAP).fill_null(0)
    parts = {"worked": potential - untapped, "untapped": untapped}
    return pl.concat(
        rows.select(
            "partner",
            pl.lit(part).alias("part"),
            expr.alias("accounts"),
            pl.lit(i).alias("stack"),
        )
        for i, (part, expr) in enumerate(parts.items())
    ).sort("partner", "stack", maintain_order=True)


def overlap_chart(
    scorecard: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    partners: Sequence[str] | None = None,
    limit: int = 25,
    title: str | None = None,
) -> alt.LayerChart:
    """Bars of overlap accounts with the worked and untapped co-sell potential on top.

    ``partners`` defaults to the ``limit`` partners with the most untapped potential
    (ties: more overlap accounts first, then ``partner_id``).

    Requires columns: ``partner_id``, ``name``, ``overlap_accounts``, ``cosell_potential``,
    ``realized_overlap``, ``untapped_overlap``.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a"], "name": ["A"], "overlap_accounts": [4],
    ...     "cosell_potential": [2], "realized_overlap": [1], "untapped_overlap": [1]})
    >>> overlap_chart(card).layer[1].to_dict()["encoding"]["color"]["scale"]["domain"]
    ['worked', 'untapped']
    """
    frame = c.collected(
        scorecard,
        (
            c.PARTNER_ID,
            c.NAME,
            c.OVERLAP_ACCOUNTS,
            c.COSELL_POTENTIAL,
            c.REALIZED_OVERLAP,
            c.UNTAPPED_OVERLAP,
        ),
        chart="overlap",
    )
    if partners is None:
        rows = frame.sort(
            [c.UNTAPPED_OVERLAP, c.OVERLAP_ACCOUNTS, c.PARTNER_ID],
            descending=[True, True, False],
            nulls_last=True,
        ).head(limit)
    else:
        order = {pid: i for i, pid in enumerate(partners)}
        rows = (
            frame.filter(pl.col(c.PARTNER_ID).is_in(list(partners)))
            .with_columns(pl.col(c.PARTNER_ID).replace_strict(order).alias("order"))
            .sort("order")
        )
    rows = rows.with_columns(
        pl.when(pl.col(c.NAME).is_duplicated())
        .then(pl.format("{} ({})", c.NAME, c.PARTNER_ID))
        .otherwise(pl.col(c.NAME))
        .alias("partner")
    ).select(
        "partner",
        c.PARTNER_ID,
        c.OVERLAP_ACCOUNTS,
        c.COSELL_POTENTIAL,
        c.REALIZED_OVERLAP,
        c.UNTAPPED_OVERLAP,
    )
    labels = rows["partner"].to_list()
    y = alt.Y("partner:N", sort=labels, title=None)
    tooltip = [
        alt.Tooltip("partner:N", title="partner"),
        alt.Tooltip(f"{c.OVERLAP_ACCOUNTS}:Q", title="overlap accounts", format=","),
        alt.Tooltip(f"{c.COSELL_POTENTIAL}:Q", title="co-sell potential", format=","),
        alt.Tooltip(f"{c.UNTAPPED_OVERLAP}:Q", title="untapped potential", format=","),
        alt.Tooltip(f"{c.REALIZED_OVERLAP}:Q", title="overlap accounts with a deal", format=","),
    ]
    shared = (
        alt.Chart(rows)
        .mark_bar(color=GRID, stroke="#C9D1D9", strokeWidth=0.5)
        .encode(
            x=alt.X(f"{c.OVERLAP_ACCOUNTS}:Q", title="Accounts"),
            y=y,
            tooltip=tooltip,
        )
    )
    parts = (
        alt.Chart(overlap_parts(rows))
        .mark_bar(height=alt.RelativeBandSize(0.5))
        .encode(
            x=alt.X("sum(accounts):Q", title="Accounts"),
            y=y,
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=list(OVERLAP_COLORS), range=list(OVERLAP_COLORS.values())),
                title="co-sell potential",
            ),
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("partner:N", title="partner"),
                alt.Tooltip("part:N", title="part"),
                alt.Tooltip("accounts:Q", title="accounts", format=","),
            ],
        )
    )
    return alt.LayerChart(layer=[shared, parts]).properties(
        width=420,
        height=alt.Step(18),
        title=alt.Title(
            title or "Account overlap and co-sell potential",
            subtitle="grey: accounts both sides share; "
            "coloured: co-sell potential, worked (a deal in the window) vs untapped",
        ),
    )
