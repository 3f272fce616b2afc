"""Tier audit: assigned tier against the tier performance implies, as a counted matrix.

Cells on the diagonal hold partners whose badge matches their results; cells above it are
over-tiered (a higher badge than their rank earns), cells below are under-tiered. At most
(ladder + 1)² rows are shipped whatever the portfolio size.

Examples
--------
>>> import polars as pl
>>> card = pl.DataFrame({"partner_id": ["a", "b", "c"], "tier": ["gold", "gold", "silver"],
...     "implied_tier": ["gold", "silver", "gold"]})
>>> chart = tier_audit_chart(card, tiers=("gold", "silver"))
>>> sorted(chart.data.select("tier", "implied_tier", "partners").rows())
[('gold', 'gold', 1), ('gold', 'silver', 1), ('silver', 'gold', 1)]
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from partnerkit.charts import columns as c
from partnerkit.charts.theme import SEQUENTIAL_SCHEME
from partnerkit.policy import Policy

__all__ = ["NO_TIER", "tier_audit_chart"]

NO_TIER = "(none)"
"""Label of partners without an assigned or implied tier."""


def tier_audit_chart(
    scorecard: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    tiers: Sequence[str] = Policy().tier_ladder,
    title: str | None = None,
) -> alt.LayerChart:
    """Heat map with counts: assigned tier (rows) vs implied tier (columns), top tier first.

    Partners with no tier on either side are shown as ``(none)``. The tooltip adds the
    investment going to each cell when the scorecard has an ``investment`` column. Only
    counted partners are included when a ``counted`` column is present.

    Requires columns: ``partner_id``, ``tier``, ``implied_tier``.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a"], "tier": ["gold"], "implied_tier": [None]})
    >>> spec = tier_audit_chart(card, tiers=("gold",)).to_dict()
    >>> spec["layer"][0]["mark"]["type"], spec["layer"][1]["mark"]["type"]
    ('rect', 'text')
    """
    frame = c.collected(scorecard, (c.PARTNER_ID, c.TIER, c.IMPLIED_TIER), chart="tier audit")
    if c.COUNTED in frame.columns:
        frame = frame.filter(pl.col(c.COUNTED).fill_null(value=False))
    ladder = [*tiers, NO_TIER]
    position = {t: i for i, t in enumerate(ladder)}
    money = [pl.col(c.INVESTMENT).sum().alias(c.INVESTMENT)] if c.INVESTMENT in frame else []
    cells = (
        frame.with_columns(
            pl.col(c.TIER, c.IMPLIED_TIER).cast(pl.String).fill_null(NO_TIER),
        )
        .group_by(c.TIER, c.IMPLIED_TIER)
        .agg(pl.len().alias("partners"), *money)
        .with_columns(
            pl.col(c.TIER).replace_strict(position, default=len(ladder)).alias("assigned_at"),
            pl.col(c.IMPLIED_TIER)
            .replace_strict(position, default=len(ladder))
            .alias("implied_at"),
        )
        .with_columns(
            pl.when(pl.col(c.TIER).eq(NO_TIER) | pl.col(c.IMPLIED_TIER).eq(NO_TIER))
            .then(pl.lit("no tier"))
            .when(pl.col("assigned_at") < pl.col("implied_at"))
            .then(pl.lit("over-tiered"))
            .when(pl.col("assigned_at") > pl.col("implied_at"))
            .then(pl.lit("under-tiered"))
            .otherwise(pl.lit("as implied"))
            .alias("verdict")
        )
        .sort("assigned_at", "implied_at")
    )
    present = set(cells[c.TIER].to_list()) | set(cells[c.IMPLIED_TIER].to_list())
    order = [t for t in ladder if t in present or t in tiers]
    order += sorted(present - set(order))
    over = int(cells.filter(pl.col("verdict") == "over-tiered")["partners"].sum())
    under = int(cells.filter(pl.col("verdict") == "under-tiered")["partners"].sum())
    peak = int(cells["partners"].max() or 0)  # type: ignore[arg-type]
    tooltip = [
        alt.Tooltip(f"{c.TIER}:N", title="assigned tier"),
        alt.Tooltip(f"{c.IMPLIED_TIER}:N", title="implied tier"),
        alt.Tooltip("verdict:N", title="verdict"),
        alt.Tooltip("partners:Q", title="partners", format=","),
    ]
    if money:
        tooltip.append(alt.Tooltip(f"{c.INVESTMENT}:Q", title="investment", format=",.0f"))
    base = alt.Chart(cells).encode(
        x=alt.X(
            f"{c.IMPLIED_TIER}:N",
            sort=order,
            scale=alt.Scale(domain=order),
            title="Implied tier (by performance)",
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y(f"{c.TIER}:N", sort=order, scale=alt.Scale(domain=order), title="Assigned tier"),
        tooltip=tooltip,
    )
    heat = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "partners:Q",
            scale=alt.Scale(scheme=SEQUENTIAL_SCHEME, domainMin=0),
            title="partners",
        )
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("partners:Q", format=","),
        color=alt.condition(alt.datum.partners > peak / 2, alt.value("white"), alt.value("black")),
    )
    return alt.LayerChart(layer=[heat, text]).properties(
        width=alt.Step(64),
        height=alt.Step(40),
        title=alt.Title(
            title or "Tier audit: assigned vs implied",
            subtitle=f"{over:,} over-tiered, {under:,} under-tiered (diagonal: as implied)",
        ),
    )
