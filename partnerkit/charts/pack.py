"""The standard chart pack: every portfolio chart of an analysis, by name.

:func:`chart_pack` builds the charts from an analysis
(:class:`partnerkit.results.AnalysisLike`); :func:`partnerkit.charts.export.export_charts`
writes them. Charts whose input is absent or empty (no lift table, no per-quarter values)
are left out of the pack rather than drawn empty.

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

__all__ = ["PACK", "AnalysisLike", "chart_pack", "quarterly_values"]

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


def chart_pack(
    analysis: AnalysisLike,
    /,
    *,
    partners: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
) -> dict[str, alt.TopLevelMixin]:
    """Every portfolio chart of ``analysis``, keyed by a file-friendly name.

    ``partners`` chooses who appears in the per-partner charts (health breakdown, trend,
    reciprocity, overlap); by default each chart picks its own (best-ranked, or most
    untapped potential for overlap). Thresholds come from ``analysis.policy``. ``names``
    builds only those charts of :data:`PACK` (a notebook showing two charts builds two, and
    reads no on-demand output, such as the lift, that they do not draw); unknown names raise
    ``KeyError``.
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
    if "lorenz" in wanted:
        charts["lorenz"] = lorenz_chart(
            card, value=value, gini=_scalar(analysis.concentration, c.GINI)
        )
    if "quadrant" in wanted and {c.UNTAPPED_OVERLAP, c.NAME} <= columns:
        charts["quadrant"] = quadrant_chart(card, x=value, y=c.UNTAPPED_OVERLAP)
    if "quadrant_health" in wanted and c.HEALTH in columns:
        charts["quadrant_health"] = quadrant_chart(
            card, x=value, y=c.HEALTH, title="Value vs health"
        )
    if wanted & {"health_drivers", "health_breakdown"}:
        explained = analysis.health_explained
        if explained is not None and explained.height:
            if "health_drivers" in wanted:
                charts["health_drivers"] = health_drivers_chart(explained)
            if "health_breakdown" in wanted:
                charts["health_breakdown"] = health_breakdown_chart(
                    explained, partners=partners, scorecard=card
                )
    if "tier_audit" in wanted and {c.TIER, c.IMPLIED_TIER} <= columns:
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
    if "reciprocity" in wanted and {c.RECIPROCITY, c.OUR_EFFORT_SHARE} <= columns:
        charts["reciprocity"] = reciprocity_chart(
            card, partners=partners, one_sided_share=policy.one_sided_share
        )
    if "overlap" in wanted and {c.OVERLAP_ACCOUNTS, c.COSELL_POTENTIAL, c.REALIZED_OVERLAP} <= (
        columns
    ):
        charts["overlap"] = overlap_chart(card, partners=partners)
    if "lift" in wanted:
        lift = analysis.lift
        if lift is not None and lift.filter(pl.col(c.SCOPE) == c.OVERALL).height:
            charts["lift"] = lift_chart(lift)
    return charts
