"""Drill-through: one partner's deals, activities, investments and overlaps, and its figures.

Every other widget works on the analysis' collected per-partner tables. The drill-through
also shows **one partner's** rows, which stage 1 reads for it
(:func:`partnerkit.facts.partner.partner_rows`: the filter is pushed into the scans, so
the whole tables are never collected, and each deal carries ``counts_as``, the figure it
feeds: ``won in window``, ``lost in window``, ``open at as-of``, ``closed before the
window``, ``after as-of``). :func:`~partnerkit.facts.partner.recompute` works the
partner's scorecard figures out again from those rows with plain filters and sums, not the
stage-1 reductions, and :func:`trace` puts them side by side with the scorecard's figures:
every figure on the scorecard can be traced to the rows behind it. The change over time
comes from the stage-1 facts (:func:`~partnerkit.metrics.change.measure_changes_of`).

Examples
--------
>>> trace({"won_revenue": 100.0}, {"won_revenue": 100.0})["agrees"].to_list()
[True]
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import altair as alt
import ipywidgets as widgets
import polars as pl
import traitlets

from partnerkit import formatting
from partnerkit.charts.export import export_chart
from partnerkit.charts.onepager import partner_onepager
from partnerkit.charts.pack import quarterly_values
from partnerkit.decisions.ledger import Ledger
from partnerkit.facts import Facts, from_portfolio, portfolio_currency
from partnerkit.facts.partner import RAW_TABLES, counts_as, partner_frames, partner_rows, recompute
from partnerkit.metrics.change import measure_changes_of, since_last_review
from partnerkit.portfolio import Portfolio
from partnerkit.widgets.display import Table
from partnerkit.widgets.errors import ExportError, SettingError, export_failure, nearest
from partnerkit.widgets.exports import Busy, on_click
from partnerkit.widgets.grid import DataGrid
from partnerkit.widgets.state import AnalysisLike
from partnerkit.widgets.table import WIDGET_CSS
from partnerkit.window import Window

__all__ = [
    "RAW_TABLES",
    "TRACED",
    "PartnerDrill",
    "SettingError",
    "counts_as",
    "known_partner",
    "partner_frames",
    "partner_rows",
    "recompute",
    "trace",
    "trace_table",
]

TRACED: dict[str, str] = {
    "won_revenue": "sum of its won deals closed in the window",
    "won_deals": "count of its won deals closed in the window",
    "sourced_revenue": "won in the window, source = partner",
    "influenced_revenue": "won in the window, source = vendor",
    "lost_deals": "count of its lost deals closed in the window",
    "open_pipeline": "amount of its deals created by as-of and not won or lost by then",
    "pipeline_created": "amount of its deals created in the window",
    "deals_created": "count of its deals created in the window",
    "activities": "count of its activities in the window",
    "investment": "its investments in the window, pro-rated by days",
    "overlap_accounts": "distinct accounts in its account mapping",
}
"""Scorecard figures worked out again from the partner's rows, with how."""

_COUNTS = frozenset({"won_deals", "lost_deals", "deals_created", "activities", "overlap_accounts"})


def trace(scorecard_row: Mapping[str, Any], recomputed: Mapping[str, Any], /) -> pl.DataFrame:
    """Put the scorecard's figures beside the ones recomputed from rows.

    Returns ``figure``, ``how``, ``scorecard``, ``from_rows`` and ``agrees`` (within a
    cent) for each recomputed figure the scorecard also has. A scorecard null (a table the
    source did not supply) is compared as 0.

    Examples
    --------
    >>> trace({"won_revenue": 100.0, "won_deals": 2}, {"won_revenue": 100.0, "won_deals": 1}).rows()
    [('won_revenue', 'sum of its won deals closed in the window', 100.0, 100.0, True), ('won_deals', 'count of its won deals closed in the window', 2.0, 1.0, False)]
    """  # noqa: E501
    rows = []
    for figure, how in TRACED.items():
        if figure not in recomputed or figure not in scorecard_row:
            continue
        card = scorecard_row[figure]
        card_value = 0.0 if card is None else float(card)
        mine = float(recomputed[figure])
        rows.append((figure, how, card_value, mine, abs(card_value - mine) < 0.005))
    return pl.DataFrame(
        rows,
        schema={
            "figure": pl.String,
            "how": pl.String,
            "scorecard": pl.Float64,
            "from_rows": pl.Float64,
            "agrees": pl.Boolean,
        },
        orient="row",
    )


def known_partner(names: pl.DataFrame, partner_id: str, /) -> str:
    """Return ``partner_id`` when ``names`` (``partner_id``, ``name``) holds it, else say so.

    A mistyped id raises a :class:`~partnerkit.widgets.errors.SettingError` naming it, the
    nearest ids and names, and how to fix the setting (a notebook shows it without a
    traceback and *Run All* stops there).

    Examples
    --------
    >>> names = pl.DataFrame({"partner_id": ["P00021", "P00137"], "name": ["Vale Data", "Kite"]})
    >>> known_partner(names, "P00021")
    'P00021'
    >>> known_partner(names, "P0021")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    partnerkit.widgets.errors.SettingError: No partner 'P0021' in this portfolio ...
    """
    ids = names["partner_id"].cast(pl.String).to_list()
    if partner_id in ids:
        return partner_id
    labels = [f"{n} ({p})" if n and n != p else p for p, n in names.iter_rows()]
    by_id = dict(zip(ids, labels, strict=True))
    by_name = {str(n): label for (_p, n), label in zip(names.iter_rows(), labels, strict=True) if n}
    close = [by_id[p] for p in nearest(partner_id, ids)]
    close += [by_name[n] for n in nearest(partner_id, list(by_name)) if by_name[n] not in close]
    exact_name = [
        p for p, n in names.iter_rows() if n and str(n).lower() == partner_id.strip().lower()
    ]
    hint = f" It is the name of {exact_name[0]}: use that id." if exact_name else ""
    raise SettingError(
        f"No partner {partner_id!r} in this portfolio ({len(ids):,} partners).{hint} "
        f"Nearest: {'; '.join(close[:5]) or 'none'}. Set partner_id in the settings cell to "
        "one of its partner ids (or None for the best-ranked) and run the notebook again."
    )


class _Selectable(Protocol):
    def observe(self, handler: Any, names: Any) -> None: ...  # noqa: ANN401


class PartnerDrill(widgets.VBox):  # type: ignore[misc]
    """Pick a partner and see its raw rows and its scorecard figures recomputed from them.

    Pick by typing in the search box (name or id), by clicking a row of any
    :class:`~partnerkit.widgets.grid.DataGrid` passed to :meth:`follow`, or by setting
    :attr:`partner_id` (what a chart selection handler does, see :meth:`follow_chart`).
    A ``partner_id`` given that the scorecard does not hold raises a
    :class:`~partnerkit.widgets.errors.SettingError` naming the nearest partners
    (:func:`known_partner`).

    Parameters
    ----------
    analysis
        Its scorecard gives the figures compared and the partner names.
    portfolio
        The raw tables (lazy): only the chosen partner's rows are collected.
    out_dir
        Where the row tables' "Export view" buttons and the one-pager export write.
    onepager
        Show the partner's one-pager (:func:`partnerkit.charts.onepager.partner_onepager`)
        under the tables, redrawn for each partner picked, with an export button. It
        carries the partner's change over time (:func:`~partnerkit.metrics.change.measure_changes`
        of its own rows) and, with a ``ledger``, what moved since its last review.
    ledger
        The decision ledger whose latest snapshot per partner the one-pager compares with.
    """

    partner_id = traitlets.Unicode("")
    """The partner shown."""
    query = traitlets.Unicode("")
    """Text typed in the search box."""
    message = traitlets.Unicode("")
    """What the search found (or did not)."""

    def __init__(
        self,
        analysis: AnalysisLike,
        portfolio: Portfolio,
        *,
        partner_id: str | None = None,
        out_dir: str | Path = "out",
        onepager: bool = False,
        ledger: Ledger | None = None,
    ) -> None:
        super().__init__()
        self.analysis = analysis
        self.ledger = ledger
        self._built: Facts | None = None  # stage-1 facts, when the analysis has none
        self.out_dir = Path(out_dir)
        self.show_onepager = onepager
        self.onepager_chart: alt.VConcatChart | None = None
        self.onepager_view = widgets.Output()
        self.export_button = widgets.Button(
            description="Export one-pager",
            icon="download",
            disabled=not onepager,
            layout={"width": "auto"},
        )
        self.export_button.on_click(on_click(self.export_onepager))
        self.busy = Busy([self.export_button], description="Exporting")
        self.written: list[str] = []
        self.portfolio = portfolio
        self.currency = portfolio_currency(portfolio)
        window = getattr(analysis, "window", None)
        self.window = (
            window
            if isinstance(window, Window)
            else Window.ending(analysis.as_of, months=analysis.policy.lookback_months)
        )
        card = analysis.scorecard
        label = pl.col("name") if "name" in card.columns else pl.col("partner_id")
        self._names = card.select("partner_id", label.cast(pl.String).alias("name"))
        options = [f"{n} ({p})" if n and n != p else p for p, n in self._names.iter_rows()]
        self._search = widgets.Combobox(
            options=options,
            placeholder="Type a partner's name or id",
            description="Partner",
            ensure_option=False,
            layout={"width": "460px"},
        )
        self._header = widgets.HTML()
        self._trace = widgets.HTML()
        self.rows: dict[str, pl.DataFrame] = {}
        self.grids = {
            name: DataGrid(
                pl.DataFrame({"_": []}, schema={"_": pl.String}),
                key="_",
                title=name.capitalize(),
                page_size=10,
                out_dir=out_dir,
                export_name=f"partner-{name}.csv",
                currency=self.currency,
            )
            for name in RAW_TABLES
        }
        self._tabs = widgets.Tab(children=list(self.grids.values()))
        for i, name in enumerate(RAW_TABLES):
            self._tabs.set_title(i, name.capitalize())
        traitlets.link((self._search, "value"), (self, "query"))
        self.observe(self._on_query, names=["query"])
        self.observe(self._show, names=["partner_id"])
        self.children = [self._search, self._header, self._trace, self._tabs]
        if onepager:
            self.children = [
                *self.children,
                widgets.HBox([self.export_button, self.busy.bar]),
                self.onepager_view,
            ]
        if partner_id:
            known_partner(self._names, partner_id)
        first = partner_id or (card["partner_id"][0] if card.height else "")
        self.partner_id = first
        if first == "":
            self._show()

    def __repr__(self) -> str:
        return "Partner drill-through (run the notebook to use it)"

    # -- picking -------------------------------------------------------------------------------

    def find(self, text: str, /) -> list[str]:
        """Return the ids of the partners whose name or id contains ``text`` (any case)."""
        term = text.strip().lower()
        if not term:
            return []
        hits = self._names.filter(
            pl.col("partner_id").str.to_lowercase().str.contains(term, literal=True)
            | pl.col("name")
            .str.to_lowercase()
            .str.contains(term, literal=True)
            .fill_null(value=False)
        )
        exact = self._names.filter(
            (pl.col("partner_id").str.to_lowercase() == term)
            | (pl.col("name").str.to_lowercase() == term)
            | (
                pl.format("{} ({})", pl.col("name"), pl.col("partner_id")).str.to_lowercase()
                == term
            )
        )
        return (exact if exact.height else hits)["partner_id"].to_list()

    def follow(self, grid: DataGrid, /) -> None:
        """Show the partner of the row clicked in ``grid`` (its key must be a partner id)."""

        def clicked(change: Mapping[str, Any]) -> None:
            if change["new"]:
                self.partner_id = str(change["new"])

        grid.observe(clicked, names=["clicked"])

    def follow_picks(self, source: traitlets.HasTraits, /, name: str = "selected") -> None:
        """Show the first partner that ``source``'s trait ``name`` lists (ids) when it changes.

        E.g. ``drill.follow_picks(explorer)``: a bar clicked on the explorer's Pareto chart
        opens that partner here.
        """

        def picked(change: Mapping[str, Any]) -> None:
            ids = [str(p) for p in change["new"] or []]
            if ids:
                self.partner_id = ids[0]

        source.observe(picked, names=[name])

    def follow_chart(self, selections: _Selectable, name: str, /) -> None:
        """Show the partner picked on a chart's point selection ``name``.

        ``selections`` is a JupyterChart's ``selections``; the selection's points must carry
        ``partner_id``.
        """

        def picked(change: Mapping[str, Any]) -> None:
            value = getattr(change["new"], "value", None) or []
            ids = [p.get("partner_id") for p in value if isinstance(p, Mapping)]
            if ids and ids[0]:
                self.partner_id = str(ids[0])

        selections.observe(picked, [name])

    def onepager(self) -> alt.VConcatChart | None:
        """Return the one-pager of the partner shown (``None`` when no partner is shown)."""
        if self.partner_id not in self._names["partner_id"].to_list():
            return None
        quarterly, value = quarterly_values(self.analysis)
        return partner_onepager(
            self.analysis.scorecard,
            self.partner_id,
            health_explained=self.analysis.health_explained,
            quarterly=quarterly,
            value=value,
            label="won revenue",
            currency=self.currency,
            as_of=self.analysis.as_of,
            changes=self.changes(),
            review=self.review(),
        )

    def changes(self) -> pl.DataFrame:
        """Return the change over time of the partner shown, from the stage-1 facts.

        :func:`partnerkit.metrics.change.measure_changes_of` of the analysis' facts (built
        once from the portfolio when the analysis carries none) at the analysis' as-of; a
        quarter before the portfolio's first deal is unknown (null).
        """
        return measure_changes_of(
            self._facts(), partners=pl.LazyFrame({"partner_id": [self.partner_id]})
        ).collect()

    def _facts(self) -> Facts:
        facts = getattr(self.analysis, "facts", None)
        if isinstance(facts, Facts) and facts.window == self.window:
            return facts
        if self._built is None:
            stage = from_portfolio(self.portfolio, window=self.window, policy=self.analysis.policy)
            self._built = stage.collect()
        return self._built

    def review(self) -> pl.DataFrame | None:
        """Return what moved since the partner's last review (``None`` without a ledger).

        :func:`partnerkit.metrics.change.since_last_review` of its scorecard row against
        the snapshot stored with its latest decision.
        """
        if self.ledger is None:
            return None
        card = self.analysis.scorecard.filter(pl.col("partner_id") == self.partner_id)
        current = self.ledger.current().filter(pl.col("partner_id") == self.partner_id)
        return since_last_review(card.lazy(), decisions=current.lazy()).collect()

    def export_onepager(self, formats: tuple[str, ...] = ("png", "html")) -> list[Path]:
        """Write the one-pager of the partner shown to ``out_dir/review-<id>.<format>``.

        The export button is disabled and a progress bar counts the files while they are
        drawn (a second call meanwhile does nothing). A folder that cannot be written is said
        on the drill (the path and the reason) and raised as an
        :class:`~partnerkit.widgets.errors.ExportError` (a button click only says it).
        """
        if self.busy.active:  # an export is running
            return []
        chart = self.onepager()
        if chart is None:
            self.message = "No partner chosen: nothing exported."
            self._draw_header()
            return []
        pid = self.partner_id
        paths: list[Path] = []
        self.message = f"Exporting the one-pager of {pid}…"
        self._draw_header()
        try:
            with self.busy.running() as step:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                for done, f in enumerate(formats, start=1):
                    paths.append(export_chart(chart, self.out_dir / f"review-{pid}.{f}"))
                    step(done, len(formats))
                    self.message = f"Exporting the one-pager: {done} of {len(formats)} file(s)…"
                    self._draw_header()
        except Exception as error:
            self.message = export_failure("One-pager export", error)
            self._draw_header()
            raise ExportError(self.message) from error
        self.written = [str(p) for p in paths]
        self.message = "Exported: " + ", ".join(p.name for p in paths) + f" in {self.out_dir}."
        self._draw_header()
        return paths

    def _on_query(self, _change: Mapping[str, Any]) -> None:
        found = self.find(self.query)
        if not self.query.strip():
            self.message = ""
        elif not found:
            self.message = f"No partner matches “{self.query.strip()}”."
        elif len(found) == 1:
            self.message = ""
            self.partner_id = found[0]
        else:
            self.message = f"{len(found)} partners match: keep typing or pick one from the list."
        self._draw_header()

    # -- view ----------------------------------------------------------------------------------

    @property
    def figures(self) -> pl.DataFrame:
        """The trace of the partner shown (see :func:`trace`)."""
        return self._figures

    def _show(self, _change: Mapping[str, Any] | None = None) -> None:
        if _change is not None and self.message.startswith(
            ("Exported", "No partner chosen", "One-pager export failed")
        ):
            self.message = ""  # it was about the partner shown before
        card = self.analysis.scorecard.filter(pl.col("partner_id") == self.partner_id)
        if card.height == 0:
            self.rows = {}
            self._figures = trace({}, {})
            self._draw_header()
            self._trace.value = ""
            return
        self.rows = partner_rows(self.portfolio, self.partner_id, window=self.window)
        self._figures = trace(card.row(0, named=True), recompute(self.rows, window=self.window))
        for name, grid in self.grids.items():
            frame = self.rows[name].with_row_index("row", offset=1)
            grid.key = "row"
            grid._wanted = tuple(c for c in frame.columns if c not in ("partner_id",))
            grid.sort_by, grid.search, grid.page = "", "", 0
            grid.set_frame(frame.with_columns(pl.col("row").cast(pl.String)))
            grid.title = f"{name.capitalize()} ({frame.height:,})"
        for i, name in enumerate(RAW_TABLES):
            self._tabs.set_title(i, f"{name.capitalize()} ({self.rows[name].height:,})")
        self._draw_header()
        self._trace.value = WIDGET_CSS + _trace_html(self._figures, self.currency)
        if self.show_onepager:
            self.onepager_chart = self.onepager()
            self.onepager_view.outputs = ()
            if self.onepager_chart is not None:
                self.onepager_view.append_display_data(self.onepager_chart)

    def _draw_header(self) -> None:
        row = self._names.filter(pl.col("partner_id") == self.partner_id)
        note = f"<p>{html.escape(self.message)}</p>" if self.message else ""
        if row.height == 0:
            self._header.value = note + "<p>No partner chosen.</p>"
            return
        name = row["name"][0] or self.partner_id
        w = self.window
        self._header.value = (
            note
            + f"<h4 style='margin:4px 0'>{html.escape(str(name))} ({html.escape(self.partner_id)})"
            f"</h4><p>Window {w.start + dt.timedelta(days=1)} to {w.end}: "
            "each figure of the scorecard beside the same figure worked out from the "
            "partner's rows below.</p>"
        )


def _trace_value(figure: str, value: float, currency: str | None) -> str:
    """Write a traced figure: a count whole, money with the portfolio's currency."""
    return formatting.count(int(value)) if figure in _COUNTS else formatting.money(value, currency)


def trace_table(figures: pl.DataFrame, /, *, currency: str | None = None) -> Table:
    """Show a :func:`trace` as the drill-through does: counts whole, money with ``currency``.

    Each row is one figure, so the ``scorecard`` and ``from_rows`` columns mix counts and
    money: each value is written as its figure reads (``318`` deals, ``USD 8,214,734``).

    Requires columns: ``figure``, ``how``, ``scorecard``, ``from_rows``, ``agrees``.

    Examples
    --------
    >>> trace_table(trace({"won_revenue": 1234.5, "won_deals": 2},
    ...                   {"won_revenue": 1234.5, "won_deals": 2}), currency="EUR")
    figure       scorecard  from rows  agrees  how
    won revenue  EUR 1,235  EUR 1,235  yes     sum of its won deals closed in the window
    won deals            2          2  yes     count of its won deals closed in the window
    """
    written = {
        column: [
            _trace_value(f, v, currency)
            for f, v in zip(figures["figure"], figures[column], strict=True)
        ]
        for column in ("scorecard", "from_rows")
    }
    frame = figures.select(
        pl.col("figure").str.replace_all("_", " "),
        *(pl.Series(column, values, dtype=pl.String) for column, values in written.items()),
        "agrees",
        "how",
    )
    return Table(frame, limit=max(frame.height, 1), right=("scorecard", "from_rows"))


def _trace_html(figures: pl.DataFrame, currency: str | None) -> str:
    rows = []
    for rec in figures.iter_rows(named=True):
        mark = "&#10003;" if rec["agrees"] else "&#10007; differs"

        def fmt(v: float, *, figure: str = rec["figure"]) -> str:
            return html.escape(_trace_value(figure, v, currency))

        rows.append(
            f"<tr><td>{html.escape(rec['figure'].replace('_', ' '))}</td>"
            f"<td style='text-align:right'>{fmt(rec['scorecard'])}</td>"
            f"<td style='text-align:right'>{fmt(rec['from_rows'])}</td>"
            f"<td>{mark}</td><td>{html.escape(rec['how'])}</td></tr>"
        )
    return (
        '<table class="pk-table pk-trace"><thead><tr><th>figure</th><th>scorecard</th>'
        "<th>from the rows</th><th></th><th>worked out as</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
