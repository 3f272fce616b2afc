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
from partnerkit.policy import DEFAULT_HEALTH

if TYPE_CHECKING:
    from altair.theme import ThemeConfig

__all__ = [
    "METRIC_COLORS",
    "RECOMMENDATIONS",
    "RECOMMENDATION_COLORS",
    "THEME_NAME",
    "UNRATED",
    "VITAL_COLORS",
    "config",
    "enable",
    "enabled",
    "integer_ticks",
    "metric_colors",
    "metric_scale",
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


# Vega's tableau10 and the other ten of tableau20, written out so a colour never depends on
# which metrics a chart happens to draw.
_TABLEAU10 = (
    "#4C78A8", "#F58518", "#E45756", "#72B7B2", "#54A24B",
    "#EECA3B", "#B279A2", "#FF9DA6", "#9D755D", "#BAB0AC",
)  # fmt: skip
_TABLEAU20_LIGHT = (
    "#9ECAE9", "#FFBF79", "#FF9D98", "#88D27A", "#B79A20",
    "#83BCB6", "#F2CF5B", "#FABFD2", "#D6A5C9", "#D8B5A5",
)  # fmt: skip

METRIC_COLORS: dict[str, str] = {
    m.column: _TABLEAU10[i % len(_TABLEAU10)]
    for i, m in enumerate(m for dim in DEFAULT_HEALTH for m in dim.metrics)
}
"""Fixed colour per health metric of the default model, so a metric reads the same everywhere."""


def metric_colors(metrics: Iterable[str], /) -> dict[str, str]:
    """Return a colour per metric: its fixed colour, else one of a second palette.

    Metrics outside :data:`METRIC_COLORS` (a custom health model) take the colours of a
    second palette in the order of their names, so charts given the same model's metrics
    colour each metric alike.

    >>> metric_colors(["sourced_pipeline", "zeta", "alpha"])
    {'sourced_pipeline': '#F58518', 'zeta': '#FFBF79', 'alpha': '#9ECAE9'}
    """
    names = list(dict.fromkeys(metrics))
    other = sorted(m for m in names if m not in METRIC_COLORS)
    extra = {m: _TABLEAU20_LIGHT[i % len(_TABLEAU20_LIGHT)] for i, m in enumerate(other)}
    return {m: METRIC_COLORS.get(m) or extra[m] for m in names}


def metric_scale(present: Iterable[str], /, every: Iterable[str] = ()) -> alt.Scale:
    """Return the colour scale of the metric labels (``sourced pipeline``) of ``present``.

    The domain holds the metrics drawn (``present``, metric names), the range their fixed
    colours (:func:`metric_colors` of ``every`` metric of the model, default ``present``).

    >>> metric_scale(["reciprocity", "sourced_pipeline"]).to_dict()
    {'domain': ['reciprocity', 'sourced pipeline'], 'range': ['#72B7B2', '#F58518']}
    """
    shown = list(dict.fromkeys(present))
    colours = metric_colors([*every, *shown])
    return alt.Scale(domain=[m.replace("_", " ") for m in shown], range=[colours[m] for m in shown])


def integer_ticks(top: float | None, /, *, most: int = 6) -> list[int]:
    """Return whole-number tick values from 0 past ``top``, at most ``most`` + 1 of them.

    For axes of counts: Vega's own ticks put 0.5 steps on a short axis, which a whole-number
    format writes as "0 1 1 2 2". The step is 1, 2 or 5 times a power of ten.

    >>> integer_ticks(2), integer_ticks(0), integer_ticks(17), integer_ticks(None)
    ([0, 1, 2], [0, 1], [0, 5, 10, 15, 20], [0, 1])
    """
    top = max(float(top or 0.0), 1.0)
    step, power = 1, 1
    while -(-top // step) > most:
        for factor in (2, 5, 10):
            step = factor * power
            if -(-top // step) <= most:
                break
        power *= 10
    last = int(-(-top // step)) * step
    return list(range(0, last + 1, step))


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
