"""Altair charts of a partner portfolio analysis.

Every function takes collected polars frames from the analysis (or the analysis itself for
:func:`chart_pack`) and returns an altair chart; nothing is displayed and no metric is
recomputed. Large portfolios are reduced in polars before charting, so no chart ships more
than a few thousand rows. Call :func:`partnerkit.charts.theme.enable` for the partnerkit
look; nothing is switched on at import.

Each public name is imported from its module on first use, so that a module of the package
(the renderer process of :mod:`partnerkit.charts.renderer`, one chart) imports alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit._imports import lazy_names

if TYPE_CHECKING:
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

_LAZY = {
    "RECOMMENDATION_COLORS": "partnerkit.charts.theme",
    "VITAL_COLORS": "partnerkit.charts.theme",
    "chart_pack": "partnerkit.charts.pack",
    "export_chart": "partnerkit.charts.export",
    "export_charts": "partnerkit.charts.export",
    "health_breakdown_chart": "partnerkit.charts.health",
    "health_drivers_chart": "partnerkit.charts.health",
    "lift_chart": "partnerkit.charts.lift",
    "lorenz_chart": "partnerkit.charts.concentration",
    "overlap_chart": "partnerkit.charts.overlap",
    "pareto_chart": "partnerkit.charts.concentration",
    "partner_onepager": "partnerkit.charts.onepager",
    "quadrant_chart": "partnerkit.charts.quadrant",
    "reciprocity_chart": "partnerkit.charts.reciprocity",
    "tier_audit_chart": "partnerkit.charts.tiers",
    "trend_chart": "partnerkit.charts.trend",
}
"""Where each public name lives: imported from there on first use."""


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
