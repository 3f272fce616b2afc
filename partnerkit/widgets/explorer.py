"""The portfolio explorer: filter, move the Pareto threshold, re-weight health, pick partners.

Every control writes a traitlet (``filters``, ``value``, ``threshold``, ``weights``); each
change recomputes the view from the analysis' collected scorecard and health percentiles
only (see :func:`partnerkit.widgets.state.explore` and
:func:`~partnerkit.widgets.state.reweight`) and updates the Pareto chart, the table and the
summary line together. The chart and the key figures depend on the filters, the value and
the threshold only: they are kept for the last few settings and not rebuilt when only the
weights change or a setting comes back. An update filters and re-ranks only the few columns
the chart, the figures and the table read (with a :func:`~partnerkit.metrics.pareto.partner_order`
column computed once, so ties are not broken by comparing ids); the full-width ``view`` is
built when it is asked for. Clicking bars of the chart (an ``alt.JupyterChart``
point selection) sets ``selected``, the partners shown in the table; the first of them is
shown on a one-pager below it. A test or a notebook can set ``selected`` directly.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

import altair as alt
import ipywidgets as widgets
import polars as pl
import traitlets
from altair.utils.schemapi import debug_mode

from partnerkit.charts.concentration import ParetoSpecs
from partnerkit.charts.onepager import partner_onepager
from partnerkit.charts.pack import quarterly_values
from partnerkit.facts import Facts
from partnerkit.metrics.change import as_measure_rows, quarter_changes_of
from partnerkit.metrics.pareto import partner_order
from partnerkit.policy import HealthDimension
from partnerkit.widgets.display import widget_chart
from partnerkit.widgets.state import (
    FILTER_COLUMNS,
    AnalysisLike,
    apply_filters,
    explained,
    explore,
    filter_options,
    parse_share,
    ranks_of,
    reweight,
    summary,
    summary_line,
    weight_key,
)
from partnerkit.widgets.table import WIDGET_CSS, html_table

__all__ = ["PICK", "VALUE_CHOICES", "Checklist", "PortfolioExplorer", "with_pick"]

PICK = "pick"
"""Name of the chart's point selection (on the bars' ``rank`` and ``partners``)."""
BARS_VIEW = "pareto_bars"
"""Name given to the bar layer that carries the selection."""

VALUE_CHOICES: tuple[str, ...] = (
    "won_revenue",
    "sourced_revenue",
    "influenced_revenue",
    "open_pipeline",
)
"""Scorecard columns offered as the value the Pareto ranks by (those present)."""

TABLE_COLUMNS: tuple[str, ...] = (
    "rank",
    "name",
    "partner_id",
    "tier",
    "region",
    "type",
    "state",
    "stage",
    "share",
    "cum_share",
    "health",
)
"""Columns of the explorer table (the value column is inserted after ``type``)."""

CHART_COLUMNS: tuple[str, ...] = ("partner_id", "name", "rank", "cum_share", "vital")
"""Columns of the view the Pareto chart reads (with the value column; ``name`` if present)."""

RANKING_COLUMNS: tuple[str, ...] = ("in_denominator", "rank", "share", "cum_share", "vital")
"""Columns an update replaces (see :func:`partnerkit.metrics.pareto.reflag`)."""

ORDER = "_partner_order"
"""Name of the explorer's tie-order column (never shown)."""

KEPT_VIEWS = 16
"""How many recent settings keep their chart spec and figures for reuse."""


def with_pick(spec: dict[str, Any], /) -> dict[str, Any]:
    """Add the ``pick`` point selection to the bars (first layer) of a Pareto chart spec.

    Clicked bars stay opaque, the others fade. The selection reads the bars' ``rank`` and
    ``partners`` (see :func:`partnerkit.widgets.state.ranks_of`).

    Examples
    --------
    >>> spec = with_pick({"layer": [{"mark": "rect", "encoding": {}}, {"mark": "line"}]})
    >>> spec["params"][0]["views"], spec["layer"][0]["encoding"]["opacity"]["value"]
    (['pareto_bars'], 0.55)
    """
    out = dict(spec)
    bars = dict(out["layer"][0])
    bars["name"] = BARS_VIEW
    bars["encoding"] = {
        **bars.get("encoding", {}),
        "opacity": {"condition": {"param": PICK, "value": 1.0}, "value": 0.55},
    }
    out["layer"] = [bars, *out["layer"][1:]]
    out["params"] = [
        *out.get("params", []),
        {
            "name": PICK,
            "select": {"type": "point", "fields": ["rank", "partners"]},
            "views": [BARS_VIEW],
        },
    ]
    return out


class Checklist(widgets.VBox):  # type: ignore[misc]
    """A titled list of checkboxes whose ``value`` is the tuple of ticked options.

    Each option is one click (no Ctrl-click as in a multi-select list); setting ``value``
    from code ticks the boxes.

    Examples
    --------
    >>> box = Checklist(["EU", "US"], title="Region")
    >>> box.boxes[1].value = True
    >>> box.value
    ('US',)
    >>> box.value = ()
    >>> [b.value for b in box.boxes]
    [False, False]
    """

    value = traitlets.Tuple()
    """The ticked options, in the order of the options."""

    def __init__(self, options: list[str], *, title: str) -> None:
        super().__init__(layout={"min_width": "120px", "margin": "0 12px 0 0"})
        self.options = tuple(options)
        self.boxes = [
            widgets.Checkbox(
                value=False, description=str(o), indent=False, layout={"width": "auto"}
            )
            for o in options
        ]
        self._syncing = False
        for box in self.boxes:
            box.observe(self._from_boxes, names="value")
        self.observe(self._to_boxes, names="value")
        self.children = [widgets.HTML(f"<b>{html.escape(title)}</b>"), *self.boxes]

    def _from_boxes(self, _change: Mapping[str, Any]) -> None:
        if not self._syncing:
            self.value = tuple(o for o, b in zip(self.options, self.boxes, strict=True) if b.value)

    def _to_boxes(self, change: Mapping[str, Any]) -> None:
        chosen = set(change["new"])
        self._syncing = True
        try:
            for option, box in zip(self.options, self.boxes, strict=True):
                box.value = option in chosen
        finally:
            self._syncing = False


class PortfolioExplorer(widgets.VBox):  # type: ignore[misc]
    """Explore the vital few of an analysis interactively.

    Parameters
    ----------
    analysis
        The analysis to explore (its ``scorecard``; ``policy`` gives the defaults).
    limit
        Rows shown in the table.
    max_bars
        Bars drawn before the Pareto chart groups consecutive ranks.
    currency
        The portfolio's ISO currency code (``Portfolio.currency``): money is written with it.
    """

    filters = traitlets.Dict()
    """Chosen values per filter column (empty: all)."""
    value = traitlets.Unicode()
    """The scorecard column the Pareto ranks by."""
    threshold = traitlets.Float()
    """Cumulative share the vital few must reach."""
    weights = traitlets.Dict()
    """Weight of each health metric, keyed ``"dimension: metric"`` (see ``weight_key``)."""
    selected = traitlets.List(traitlets.Unicode())
    """Partner ids picked on the chart (or set by code)."""
    figures = traitlets.Dict()
    """Key figures of the current view (see :func:`partnerkit.widgets.state.summary`)."""

    def __init__(
        self,
        analysis: AnalysisLike,
        *,
        limit: int = 15,
        max_bars: int = 200,
        currency: str | None = None,
    ) -> None:
        super().__init__()
        self.analysis = analysis
        self.currency = currency
        self.limit = limit
        self.max_bars = max_bars
        card = analysis.scorecard
        policy = analysis.policy
        # the ranking of the current view over the columns it needs, and the full view
        self._ranked = card
        self._view: pl.DataFrame | None = card
        self._order = card.select(partner_order(ORDER)).to_series()
        # won revenue quarter on quarter and year on year, when the analysis keeps its facts
        facts = getattr(analysis, "facts", None)
        self._changes = (
            as_measure_rows(quarter_changes_of(facts)).collect()
            if isinstance(facts, Facts)
            else None
        )
        self.spec: dict[str, Any] = {}
        # chart spec and figures of recent settings (they do not depend on the weights)
        self._kept: OrderedDict[Hashable, tuple[dict[str, Any], dict[str, Any]]] = OrderedDict()
        self._pareto = ParetoSpecs()  # refills one chart spec instead of rebuilding the chart

        choices = [c for c in VALUE_CHOICES if c in card.columns]
        if policy.pareto_value in card.columns and policy.pareto_value not in choices:
            choices.insert(0, policy.pareto_value)
        needed = {
            *TABLE_COLUMNS,
            *CHART_COLUMNS,
            *FILTER_COLUMNS,
            *choices,
            "counted",
            "state",
            *(dim.name for dim in policy.health),
        }
        # the ranking columns are computed again by every update: not carried into it
        self._narrow = [col for col in card.columns if col in needed and col not in RANKING_COLUMNS]
        self.filter_controls = {
            col: Checklist(options, title=col.capitalize())
            for col, options in filter_options(card, columns=FILTER_COLUMNS).items()
        }
        self.clear_filters_button = widgets.Button(
            description="Clear filters", icon="times", tooltip="Show every partner again"
        )
        self.clear_filters_button.on_click(lambda _b: self.clear_filters())
        self.value_control = widgets.Dropdown(
            options=[(c.replace("_", " "), c) for c in choices],
            value=policy.pareto_value,
            description="Value",
        )
        self.threshold_control = widgets.FloatSlider(
            value=policy.vital_threshold,
            min=0.5,
            max=0.99,
            step=0.01,
            description="Threshold",
            readout=False,
            continuous_update=False,
        )
        # typed shares are read here ("80%", "0.8", "80"), not by the slider's readout box
        self.threshold_text = widgets.Text(
            value=_percent(policy.vital_threshold),
            continuous_update=False,
            layout={"width": "70px"},
            tooltip="type a share such as 80% or 0.8",
        )
        self.threshold_note = widgets.HTML()
        self.threshold_text.observe(lambda ch: self.set_threshold(ch["new"]), names="value")
        self.weight_controls = {
            weight_key(dim.name, m.column): widgets.FloatSlider(
                value=m.weight,
                min=0.0,
                max=3.0,
                step=0.25,
                description="",
                readout=True,
                readout_format=".2f",
                continuous_update=False,
                tooltip=m.column.replace("_", " "),
                layout={"width": "230px"},
            )
            for dim in policy.health
            for m in dim.metrics
            if m.column in card.columns
        }
        self.reset_weights_button = widgets.Button(
            description="Reset weights", icon="undo", tooltip="Back to the policy's weights"
        )
        self.reset_weights_button.on_click(lambda _b: self.reset_weights())
        self._summary = widgets.HTML()
        self._table = widgets.HTML()
        self._picked = widgets.HTML()
        self.one_pager_view = widgets.Output()

        self.filters = {col: [] for col in self.filter_controls}
        self.weights = {key: control.value for key, control in self.weight_controls.items()}
        self.value = policy.pareto_value
        self.threshold = policy.vital_threshold
        self.weighted = card  # the full scorecard with health at the current weights
        for col, control in self.filter_controls.items():
            control.observe(lambda ch, col=col: self._set_filter(col, ch["new"]), names="value")
        for dim, control in self.weight_controls.items():
            control.observe(lambda ch, dim=dim: self._set_weight(dim, ch["new"]), names="value")
        traitlets.link((self.value_control, "value"), (self, "value"))
        traitlets.link((self.threshold_control, "value"), (self, "threshold"))
        self.observe(self._show_threshold, names="threshold")

        self.reweigh()
        self.jupyter_chart = alt.JupyterChart(widget_chart(self.spec))  # validates it once
        self.jupyter_chart.selections.observe(self._on_pick, [PICK])
        self.observe(lambda _ch: self.update(), names=["filters", "value", "threshold"])
        self.observe(lambda _ch: self.reweigh(), names=["weights"])
        self.observe(lambda _ch: self._show_table(), names=["selected"])
        self.observe(lambda _ch: self._show_one_pager(), names=["selected", "weights"])

        filters = widgets.HBox(
            [*self.filter_controls.values(), self.clear_filters_button],
            layout={"flex_flow": "row wrap", "align_items": "flex-start"},
        )
        weights = widgets.Accordion(
            children=[
                widgets.VBox(
                    [_weight_panel(self.weight_controls, policy.health), self.reset_weights_button]
                )
            ],
            titles=("Health weights",),
        )
        self.children = [
            filters,
            widgets.HBox(
                [
                    self.value_control,
                    self.threshold_control,
                    self.threshold_text,
                    self.threshold_note,
                ]
            ),
            weights,
            self._summary,
            self.jupyter_chart,
            self._picked,
            self._table,
            self.one_pager_view,
        ]

    def __repr__(self) -> str:
        # The text shown in place of the widget before the notebook is run.
        return "Portfolio explorer (run the notebook to use it)"

    # -- actions -----------------------------------------------------------------------------

    def clear_filters(self) -> None:
        """Untick every filter: the view shows every partner again."""
        with self.hold_trait_notifications():
            for control in self.filter_controls.values():
                control.value = ()
        self.filters = {col: [] for col in self.filter_controls}

    def reset_weights(self) -> None:
        """Put every health weight back to the policy's."""
        for dim in self.analysis.policy.health:
            for m in dim.metrics:
                control = self.weight_controls.get(weight_key(dim.name, m.column))
                if control is not None:
                    control.value = m.weight

    def set_threshold(self, text: str) -> None:
        """Set the threshold from typed text ("80%", "0.8", "80"); explain what is refused.

        A share outside the slider's range is refused too, with the range in the note.
        """
        control = self.threshold_control
        try:
            share = parse_share(text)
            if not control.min <= share <= control.max:
                raise ValueError(
                    f"the threshold goes from {control.min:.0%} to {control.max:.0%} "
                    f"(got {text.strip()!r})"
                )
        except ValueError as problem:
            self.threshold_note.value = f"<span class='pk-note'>{html.escape(str(problem))}</span>"
            return
        self.threshold_note.value = ""
        # the box shows the threshold rounded: reading it back must not move the threshold
        # (nor run a second update) when it names the threshold already set
        if _percent(share) != _percent(self.threshold):
            self.threshold = share

    # -- state -------------------------------------------------------------------------------

    def reweigh(self) -> None:
        """Recompute health for the whole portfolio at the current weights, then update."""
        self.weighted = reweight(
            self.analysis.scorecard,
            model=self.analysis.policy.health,
            weights=self.weights,
            percentiles=self.analysis.health_percentiles,
        )
        self.update()

    def update(self) -> None:
        """Recompute the view, figures, chart and table from the current settings."""
        denominator = self.analysis.policy.denominator
        self._ranked = explore(
            self.weighted.select(self._narrow).with_columns(self._order),
            filters=self.filters,
            value=self.value,
            threshold=self.threshold,
            denominator=denominator,
            order=ORDER,
        ).drop(ORDER)
        self._view = None
        key = self._settings()
        kept = self._kept.pop(key, None)
        if kept is None:
            figures = summary(
                self._ranked, value=self.value, threshold=self.threshold, denominator=denominator
            )
            kept = (self._spec(), figures)
        self._kept[key] = kept
        while len(self._kept) > KEPT_VIEWS:
            self._kept.popitem(last=False)
        self.spec, self.figures = kept
        if hasattr(self, "jupyter_chart"):
            self.jupyter_chart.spec = self.spec
        if self.selected:
            keep = set(self._ranked.filter(pl.col("partner_id").is_in(self.selected))["partner_id"])
            self.selected = [p for p in self.selected if p in keep]
        line = summary_line(
            self.figures, value=self.value, matching=self._ranked.height, currency=self.currency
        )
        self._summary.value = f"<p><b>{html.escape(line)}</b></p>"
        self._show_table()

    @property
    def view(self) -> pl.DataFrame:
        """The partners the filters keep, every scorecard column, re-ranked; scorecard order.

        Built on first use after an update (an update ranks only the columns it shows).
        """
        if self._view is None:
            wide = apply_filters(self.weighted, filters=self.filters)
            self._view = wide.with_columns(
                self._ranked.select(col for col in RANKING_COLUMNS if col in self._ranked.columns)
            )
        return self._view

    @property
    def chart(self) -> alt.LayerChart:
        """The Pareto chart of the current view, with the ``pick`` selection on its bars."""
        return alt.LayerChart.from_dict(self.spec)

    @property
    def table(self) -> pl.DataFrame:
        """Rows of the table: the selected partners, or the top of the view by rank.

        Carries the columns the table, the chart and the figures read (not every scorecard
        column: see :attr:`view`).
        """
        view = self._ranked
        if self.selected:
            view = view.filter(pl.col("partner_id").is_in(self.selected))
        return _top_by_rank(view, self.limit)

    @property
    def table_html(self) -> str:
        """The table as escaped HTML (as shown in the widget)."""
        columns = list(TABLE_COLUMNS)
        columns.insert(columns.index("type") + 1, self.value)
        return WIDGET_CSS + html_table(
            self.table, columns=columns, limit=self.limit, highlight="vital", currency=self.currency
        )

    def one_pager(self) -> alt.VConcatChart | None:
        """Return the one-pager of :meth:`one_pager_partner` (``None`` for an empty view)."""
        partner = self.one_pager_partner()
        if partner is None:
            return None
        quarterly, quarter_value = quarterly_values(self.analysis)
        # health at the current weights, as in the table above it
        return partner_onepager(
            self.weighted,
            partner,
            health_explained=explained(
                self.weighted,
                model=self.analysis.policy.health,
                weights=self.weights,
                partners=[partner],
            ),
            quarterly=quarterly,
            value=quarter_value,
            label="won revenue",
            currency=self.currency,
            as_of=self.analysis.as_of,
            changes=self._changes,
        )

    def one_pager_partner(self) -> str | None:
        """Return the partner the one-pager shows: the first selected, else the top-ranked."""
        if self.selected:
            return self.selected[0]
        top = _top_by_rank(self._ranked, 1)
        return str(top["partner_id"][0]) if top.height else None

    # -- view --------------------------------------------------------------------------------

    def _settings(self) -> Hashable:
        """Return what the chart and the figures depend on (they fix the view)."""
        filters = tuple(sorted((col, tuple(sorted(v))) for col, v in self.filters.items() if v))
        scores = {"health", *(dim.name for dim in self.analysis.policy.health)}
        # the weights matter only when the Pareto ranks by a health score
        weights = tuple(sorted(self.weights.items())) if self.value in scores else ()
        return (filters, self.value, self.threshold, self.max_bars, weights)

    def _spec(self) -> dict[str, Any]:
        # Chart objects are built without altair's per-object validation (the spec is
        # checked once, when the JupyterChart is created): this is most of an update's time.
        # The chart reads a few columns only; the others are not carried into it.
        shown = [col for col in (*CHART_COLUMNS, self.value) if col in self._ranked.columns]
        with debug_mode(False):
            spec = self._pareto.spec(
                self._ranked.select(*dict.fromkeys(shown)),
                value=self.value,
                threshold=self.threshold,
                max_bars=self.max_bars,
            )
            return with_pick(spec)

    def _show_threshold(self, change: Mapping[str, Any]) -> None:
        shown = _percent(change["new"])
        if self.threshold_text.value != shown:
            self.threshold_text.value = shown

    def _show_table(self) -> None:
        if self._ranked.height == 0:
            self._table.value = (
                "<p>No partner matches these filters. Use <b>Clear filters</b> to see every "
                "partner again.</p>"
            )
            self._picked.value = ""
            return
        self._table.value = self.table_html
        if self.selected:
            names = ", ".join(self.selected[:10]) + (" …" if len(self.selected) > 10 else "")
            self._picked.value = f"<p>Picked on the chart: {html.escape(names)}</p>"
        else:
            self._picked.value = "<p>Click bars of the chart to pick partners.</p>"

    def _show_one_pager(self) -> None:
        # Shown on demand only (after a pick), so that running the notebook shows no output.
        self.one_pager_view.outputs = ()
        chart = self.one_pager() if self.selected else None
        if chart is not None:
            self.one_pager_view.append_display_data(chart)

    def _set_filter(self, column: str, chosen: tuple[str, ...]) -> None:
        self.filters = {**self.filters, column: list(chosen)}

    def _set_weight(self, dimension: str, weight: float) -> None:
        self.weights = {**self.weights, dimension: float(weight)}

    def _on_pick(self, change: Mapping[str, Any]) -> None:
        ranks = ranks_of(change["new"].value)
        picked = self._ranked.filter(pl.col("rank").is_in(ranks)).sort("rank")
        self.selected = picked["partner_id"].to_list()


def _top_by_rank(view: pl.DataFrame, limit: int) -> pl.DataFrame:
    """Return the first ``limit`` rows of ``view`` by rank (unranked last, in their order).

    Only the ranks are sorted, never the (wide) view.
    """
    order = view.select(pl.arg_sort_by("rank", nulls_last=True, maintain_order=True).head(limit))
    return view[order.to_series()]


def _weight_panel(
    controls: Mapping[str, widgets.FloatSlider], model: tuple[HealthDimension, ...]
) -> widgets.VBox:
    """Sliders grouped under their health dimension."""
    groups = []
    for dim in model:
        sliders = [
            controls[weight_key(dim.name, m.column)]
            for m in dim.metrics
            if weight_key(dim.name, m.column) in controls
        ]
        if sliders:
            rows = [
                widgets.HBox(
                    [
                        widgets.Label(
                            slider.tooltip or "", layout={"width": "190px"}, tooltip=slider.tooltip
                        ),
                        slider,
                    ]
                )
                for slider in sliders
            ]
            groups.append(widgets.VBox([widgets.HTML(f"<b>{html.escape(dim.name)}</b>"), *rows]))
    return widgets.VBox(groups)


def _percent(share: float) -> str:
    """Write a share as the threshold box shows it: 0.8 -> ``80%``, 0.705 -> ``70.5%``."""
    return f"{share * 100:.4g}%"
