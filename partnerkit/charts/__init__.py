"""Altair charts of a partner portfolio analysis.

Every function takes collected polars frames from the analysis (or the analysis itself for
:func:`chart_pack`) and returns an altair chart; nothing is displayed and no metric is
recomputed. Large portfolios are reduced in polars before charting, so no chart ships more
than a few thousand rows. Call :func:`partnerkit.charts.theme.enable` for the partnerkit
look; nothing is switched on at import.
"""

from __future__ import annotations

from partnerkit.charts.concentration import lorenz_chart, pareto_chart
from partnerkit.charts.export import export_chart, export_charts
from partnerkit.charts.health import health_breakdown_chart, health_drivers_chart
from partnerkit.charts.lift import lift_chart
from partnerkit.charts.onepager import partner_onepager
from partnerkit.charts.overlap import overlap_chart
from partnerkit.charts.pack import chart_pack
from partnerkit.charts.quadrant import quadrant_chart
from partnerkit.charts.reciprocity import reciprocity_chart
from partnerkit.charts.theme import RECOMMENDATION_COLORS, VITAL_COLORS
from partnerkit.charts.tiers import tier_audit_chart
from partnerkit.charts.trend import trend_chart

__all__ = [
    "RECOMMENDATION_COLORS",
    "VITAL_COLORS",
    "chart_pack",
    "export_chart",
    "export_charts",
    "health_breakdown_chart",
    "health_drivers_chart",
    "lift_chart",
    "lorenz_chart",
    "overlap_chart",
    "pareto_chart",
    "partner_onepager",
    "quadrant_chart",
    "reciprocity_chart",
    "tier_audit_chart",
    "trend_chart",
]
