"""The partnerkit look: one altair theme and the fixed colours every chart uses.

Nothing happens at import. Call :func:`enable` to switch the theme on for the session, or
use :func:`enabled` as a context manager around the code that builds or saves charts.
Recommendation and vital-few colours are constants, so that "exit" is the same colour in
every chart, notebook and report.

Examples
--------
>>> import altair as alt
>>> alt.theme.active != THEME_NAME
True
>>> with enabled():
...     alt.theme.active == THEME_NAME
True
>>> alt.theme.active != THEME_NAME
True
>>> recommendation_scale().to_dict()["domain"]
['keep', 'invest', 'watch', 'exit']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, cast

import altair as alt

from partnerkit.decisions.recommend import DECISIONS

if TYPE_CHECKING:
    from altair.theme import ThemeConfig

__all__ = [
    "RECOMMENDATIONS",
    "RECOMMENDATION_COLORS",
    "THEME_NAME",
    "UNRATED",
    "VITAL_COLORS",
    "config",
    "enable",
    "enabled",
    "recommendation_scale",
    "vital_scale",
]

THEME_NAME = "partnerkit"

RECOMMENDATIONS: tuple[str, ...] = DECISIONS
"""The four recommendations, in the order legends list them (the decisions' vocabulary)."""

UNRATED = "unrated"
"""Label shown for a partner without a recommendation."""

# Colour-blind safe hues (Okabe and Ito's palette); grey for partners without a rating.
RECOMMENDATION_COLORS: dict[str, str] = {
    "keep": "#0072B2",
    "invest": "#009E73",
    "watch": "#E69F00",
    "exit": "#D55E00",
    UNRATED: "#9AA4AE",
}
"""Fixed colour per recommendation, used by every chart."""

VITAL_LABELS: tuple[str, str] = ("vital few", "the rest")
VITAL_COLORS: dict[str, str] = {"vital few": "#1B3A5C", "the rest": "#B9C6D2"}
"""Fixed colours of the vital few and of every other partner."""

INK = "#1F2933"
MUTED = "#5F6B76"
GRID = "#E4E8EC"
BAR = "#3A6EA5"
"""Colour of plain bars that encode no category."""
ACCENT = "#CC3311"
"""Colour of thresholds and reference marks."""
DENSITY_SCHEME: Final = "greys"
CATEGORY_SCHEME: Final = "tableau10"
WIDE_CATEGORY_SCHEME: Final = "tableau20"
SEQUENTIAL_SCHEME: Final = "blues"
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"

COMPACT_LABEL = (
    "abs(datum.value) >= 1e9 ? format(datum.value / 1e9, '~g') + 'B' : "
    "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, '~g') + 'M' : "
    "abs(datum.value) >= 1e3 ? format(datum.value / 1e3, '~g') + 'k' : "
    "format(datum.value, '~g')"
)
"""Axis label expression writing 1500 as 1.5k and 2000000 as 2M, tick by tick."""


def recommendation_scale(present: Iterable[str] = ()) -> alt.Scale:
    """Return the recommendation colour scale; ``unrated`` joins the domain when present."""
    domain = list(RECOMMENDATIONS)
    if UNRATED in set(present):
        domain.append(UNRATED)
    return alt.Scale(domain=domain, range=[RECOMMENDATION_COLORS[d] for d in domain])


def vital_scale() -> alt.Scale:
    """Return the colour scale of the vital few vs the rest."""
    return alt.Scale(domain=list(VITAL_LABELS), range=[VITAL_COLORS[v] for v in VITAL_LABELS])


def config() -> dict[str, Any]:
    """Return the theme as a Vega-Lite ``config`` object (fonts, sizes, grid, background)."""
    return {
        "config": {
            "background": "white",
            "padding": 12,
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 420, "continuousHeight": 280},
            "title": {
                "anchor": "start",
                "fontSize": 15,
                "fontWeight": 600,
                "color": INK,
                "subtitleColor": MUTED,
                "subtitleFontSize": 12,
                "offset": 10,
            },
            "axis": {
                "labelColor": MUTED,
                "titleColor": INK,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "gridColor": GRID,
                "domainColor": "#AAB4BE",
                "tickColor": "#AAB4BE",
                "labelLimit": 180,
            },
            "legend": {
                "labelColor": INK,
                "titleColor": INK,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "orient": "right",
            },
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": INK},
            "range": {"category": {"scheme": CATEGORY_SCHEME}},
            "bar": {"color": BAR},
            "line": {"color": INK},
            "point": {"color": INK},
            "text": {"color": INK, "fontSize": 11},
        }
    }


def _theme() -> ThemeConfig:
    return cast("ThemeConfig", config())


def _register() -> None:
    # registering again only replaces the same function in altair's registry (a dict entry);
    # asking it first for the names it knows (alt.theme.names) would list the entry points
    # of every installed package each time: 0.05-0.07 s per chart drawn in a Jupyter setup
    alt.theme.register(THEME_NAME, enable=False)(_theme)


def enable() -> None:
    """Register the partnerkit theme (once) and make it altair's active theme."""
    _register()
    alt.theme.enable(THEME_NAME)


def enabled() -> alt.utils.plugin_registry.PluginEnabler[Any, Any]:
    """Context manager: the partnerkit theme is active inside, the previous one after."""
    _register()
    return alt.theme.enable(THEME_NAME)
