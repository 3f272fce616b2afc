"""The standard chart pack: every portfolio chart of an analysis, by name.

:func:`chart_pack` builds the charts from an analysis
(:class:`partnerkit.results.AnalysisLike`); :func:`partnerkit.charts.export.export_charts`
writes them. Charts whose input is absent, empty or all nulls (no lift table, no
per-quarter values, no account mapping, no tiers, no health scores) are left out of the
pack rather than drawn as empty axes; a notebook asking for such a chart by name may take
a short note in its place instead (``placeholders=True``).

Examples
--------
>>> import polars as pl
>>> from types import SimpleNamespace
>>> from partnerkit.policy import Policy
>>> card = pl.DataFrame({"partner_id": ["a"], "name": ["A"], "rank": [1],
...     "won_revenue": [5.0], "cum_share": [1.0], "vital": [True]})
>>> analysis = SimpleNamespace(scorecard=card, concentration=pl.DataFrame({"gini": [0.0]}),
...     health_explained=None, lift=None, vital_quarters=None, policy=Policy())
>>> sorted(chart_pack(analysis))
['lorenz', 'pareto']
>>> list(chart_pack(analysis, names=["pareto"]))
['pareto']
>>> list(chart_pack(analysis, names=["pareto", "lift"], placeholders=True))
['pareto', 'lift']
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from partnerkit.charts import columns as c
from partnerkit.charts.concentration import lorenz_chart, pareto_chart
from partnerkit.charts.health import health_breakdown_chart, health_drivers_chart
from partnerkit.charts.lift import lift_chart
from partnerkit.charts.overlap import overlap_chart
from partnerkit.charts.quadrant import quadrant_chart
from partnerkit.charts.reciprocity import reciprocity_chart
from partnerkit.charts.tiers import tier_audit_chart
from partnerkit.charts.trend import trend_chart
from partnerkit.results import AnalysisLike

__all__ = ["NO_DATA", "PACK", "AnalysisLike", "chart_pack", "no_data_chart", "quarterly_values"]

QUARTER_VALUE = "value"
"""Value column (won revenue) of the analysis' per-partner quarterly table (``vital_quarters``)."""


def quarterly_values(analysis: AnalysisLike, /) -> tuple[pl.DataFrame | None, str]:
    """Return the per-partner quarterly values of an analysis and their value column.

    Reads ``vital_quarters`` (``partner_id``, ``quarter``, ``value``); ``(None, ...)`` when
    the analysis has none.
    """
    frame = analysis.vital_quarters
    needed = (c.PARTNER_ID, c.QUARTER, QUARTER_VALUE)
    if frame is None or frame.height == 0 or not all(col in frame.columns for col in needed):
        return None, QUARTER_VALUE
    return frame.select(needed), QUARTER_VALUE


def _scalar(frame: pl.DataFrame | None, column: str) -> float | None:
    if frame is None or frame.height == 0 or column not in frame.columns:
        return None
    value = frame[column][0]
    return None if value is None else float(value)


PACK: tuple[str, ...] = (
    "pareto",
    "lorenz",
    "quadrant",
    "quadrant_health",
    "health_drivers",
    "health_breakdown",
    "tier_audit",
    "trend",
    "reciprocity",
    "overlap",
    "lift",
)
"""Names of the charts of the pack, in the order :func:`chart_pack` returns them."""

_HEALTH = "no health score: none of the health metrics has a value (see the notes)"
_MAPPING = "no account mapping: the overlaps table is absent or empty"
NO_DATA: dict[str, tuple[str, str]] = {
    "lorenz": ("Lorenz curve", "no ranked partner has any of the value ranked (pareto_value)"),
    "quadrant": ("Won revenue vs untapped overlap", _MAPPING),
    "quadrant_health": ("Value vs health", _HEALTH),
    "health_drivers": ("Health drivers: what separates the groups of partners", _HEALTH),
    "health_breakdown": ("Health: what drives each score", _HEALTH),
    "tier_audit": ("Tier audit: assigned vs implied", "no partner has an assigned tier"),
    "trend": ("Won revenue per quarter", "no won revenue in the tracked quarters"),
    "reciprocity": (
        "Reciprocity and effort balance",
        "no activities in the window with who initiated them",
    ),
    "overlap": ("Account overlap and co-sell potential", _MAPPING),
    "lift": (
        "With vs without partner",
        "no deals in the window on one side (with a partner, or direct) to compare",
    ),
}
"""Per chart that may be left out of the pack: its title and why it has nothing to draw."""


def _drawn(card: pl.DataFrame, *columns: str) -> bool:
    """Whether ``card`` holds every column, each with a value somewhere (nulls draw nothing)."""
    return all(col in card.columns and card[col].null_count() < card.height for col in columns)


def _positive(card: pl.DataFrame, value: str, /) -> bool:
    """Whether a ranked partner has some ``value``: a curve of zeros would read as equality."""
    if value not in card.columns or c.RANK not in card.columns:
        return False
    return card.filter(pl.col(c.RANK).is_not_null() & (pl.col(value) > 0)).height > 0


def _compared(lift: pl.DataFrame, /) -> bool:
    """Whether the portfolio's deals closed in W, with a partner and direct, can be compared."""
    overall = lift.filter((pl.col(c.SCOPE) == c.OVERALL) & (pl.col(c.N_CLOSED) > 0))
    return set(overall[c.GROUP].to_list()) >= {c.WITH_PARTNER, c.DIRECT}


def no_data_chart(name: str, /) -> alt.Chart:
    """Return a small chart saying that chart ``name`` of the pack has nothing to draw, and why.

    >>> no_data_chart("tier_audit").to_dict()["title"]
    'Tier audit: assigned vs implied'
    """
    title, why = NO_DATA.get(name, (name.replace("_", " ").capitalize(), "no data to draw"))
    note = pl.DataFrame({"note": [f"Nothing to draw: {why}."]})
    chart: alt.Chart = (
        alt.Chart(note)
        .mark_text(align="left", baseline="middle", fontSize=13, color="#555")
        .encode(x=alt.value(0), y=alt.value(15), text="note:N")
        .properties(title=title, width=520, height=30)
    )
    return chart


def chart_pack(
    analysis: AnalysisLike,
    /,
    *,
    partners: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    placeholders: bool = False,
) -> dict[str, alt.TopLevelMixin]:
    """Every portfolio chart of ``analysis``, keyed by a file-friendly name.

    ``partners`` chooses who appears in the per-partner charts (health breakdown, trend,
    reciprocity, overlap); by default each chart picks its own (best-ranked, or most
    untapped potential for overlap). Thresholds come from ``analysis.policy``. ``names``
    builds only those charts of :data:`PACK` (a notebook showing two charts builds two, and
    reads no on-demand output, such as the lift, that they do not draw); unknown names raise
    ``KeyError``. A chart with nothing to draw is left out, or with ``placeholders`` given
    as :func:`no_data_chart` (a notebook then shows why instead of failing on the name).
    """
    unknown = [n for n in names or () if n not in PACK]
    if unknown:
        raise KeyError(f"unknown charts: {', '.join(unknown)}; the pack has {', '.join(PACK)}")
    wanted = set(PACK if names is None else names)
    policy = analysis.policy
    card = analysis.scorecard
    value = policy.pareto_value
    columns = set(card.columns)
    charts: dict[str, alt.TopLevelMixin] = {}
    if "pareto" in wanted:
        charts["pareto"] = pareto_chart(card, value=value, threshold=policy.vital_threshold)
    if "lorenz" in wanted and _positive(card, value):
        charts["lorenz"] = lorenz_chart(
            card, value=value, gini=_scalar(analysis.concentration, c.GINI)
        )
    if "quadrant" in wanted and _drawn(card, c.UNTAPPED_OVERLAP, c.NAME):
        charts["quadrant"] = quadrant_chart(card, x=value, y=c.UNTAPPED_OVERLAP)
    if "quadrant_health" in wanted and _drawn(card, c.HEALTH):
        charts["quadrant_health"] = quadrant_chart(
            card, x=value, y=c.HEALTH, title="Value vs health"
        )
    if wanted & {"health_drivers", "health_breakdown"}:
        explained = analysis.health_explained
        if explained is not None and _drawn(explained, c.CONTRIBUTION):
            if "health_drivers" in wanted:
                charts["health_drivers"] = health_drivers_chart(explained, scorecard=card)
            if "health_breakdown" in wanted:
                charts["health_breakdown"] = health_breakdown_chart(
                    explained, partners=partners, scorecard=card
                )
    if "tier_audit" in wanted and _drawn(card, c.TIER) and c.IMPLIED_TIER in columns:
        charts["tier_audit"] = tier_audit_chart(card, tiers=policy.tier_ladder)
    if "trend" in wanted:
        quarterly, quarter_value = quarterly_values(analysis)
        if quarterly is not None:
            charts["trend"] = trend_chart(
                quarterly,
                partners=partners,
                scorecard=card,
                value=quarter_value,
                label=c.WON_REVENUE.replace("_", " "),
            )
    if "reciprocity" in wanted and (
        {c.RECIPROCITY, c.OUR_EFFORT_SHARE} <= columns
        and (_drawn(card, c.RECIPROCITY) or _drawn(card, c.OUR_EFFORT_SHARE))
    ):
        charts["reciprocity"] = reciprocity_chart(
            card, partners=partners, one_sided_share=policy.one_sided_share
        )
    if (
        "overlap" in wanted
        and {c.COSELL_POTENTIAL, c.REALIZED_OVERLAP} <= columns
        and _drawn(card, c.OVERLAP_ACCOUNTS)
    ):
        charts["overlap"] = overlap_chart(card, partners=partners)
    if "lift" in wanted:
        lift = analysis.lift
        if lift is not None and _compared(lift):
            charts["lift"] = lift_chart(lift)
    if placeholders:
        charts |= {n: no_data_chart(n) for n in PACK if n in wanted and n not in charts}
        return {n: charts[n] for n in PACK if n in charts}
    return charts
