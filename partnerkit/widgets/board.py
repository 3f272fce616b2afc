"""The decision board: work through a queue of partners and record a decision for each.

**The queue** (:func:`decision_queue`) lists every partner with a recommendation, most
urgent first: exits, then watches, then invests, then keeps (the recommendations that ask
for action first); within each, the partners with the most money at stake first, where
money at stake is what an exit would touch -- won revenue in W plus open pipeline plus
investment in W (:data:`STAKE_COLUMNS`); then ``partner_id``. Previous / Next walk the
queue, the search box jumps to any partner by name or id, and the table below it
(:class:`~partnerkit.widgets.grid.DataGrid`) sorts, searches and pages the queue; clicking a
row opens that partner.

**Deciding.** The four buttons (styled apart: keep green, invest blue, watch amber, exit
red) append a row to the :class:`~partnerkit.decisions.Ledger` with the rationale, who,
the analysis' ``as_of`` and policy and a snapshot of the partner's metrics, then move to
the next partner. Ticking rows in the table selects partners for a **bulk decision**
(one transaction: all are recorded or none) and for the **what-if** panel, which shows what
exiting the selection would put at risk, free and leave uncovered
(:func:`partnerkit.decisions.whatif.what_if`) and updates as the selection changes -- a
selection made on a chart (:meth:`DecisionBoard.follow_chart`) or set in code counts the
same. **The ledger view** below lists the decisions recorded, latest first, with names,
recommended vs decided and the reasons as sentences, and is refreshed after every decision.

For the partner shown, the detail says why it is recommended (the sentences of
:data:`~partnerkit.decisions.recommend.REASONS`, not codes), how its quarterly won revenue
moved (quarter on quarter, year on year: :mod:`partnerkit.metrics.change`) and what changed
since its last review (the snapshot of its latest decision).

All state lives in traitlets (``partner_id``, ``who``, ``rationale``, ``show``,
``selected``, ``decided``, ``message``), so a test can drive the board without a kernel.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as widgets
import polars as pl
import traitlets

from partnerkit import formatting as fmt
from partnerkit.decisions import DECISIONS, REASONS, Ledger, LedgerError
from partnerkit.decisions.export import decision_table
from partnerkit.decisions.queue import STAKE_COLUMNS, in_queue_order
from partnerkit.decisions.recommend import URGENCY
from partnerkit.decisions.whatif import prune
from partnerkit.facts import Facts
from partnerkit.metrics.change import quarter_changes_of, since_last_review
from partnerkit.policy import Policy
from partnerkit.widgets.display import denominator_note
from partnerkit.widgets.exports import ExportPanel
from partnerkit.widgets.grid import DataGrid
from partnerkit.widgets.state import (
    AnalysisLike,
    candidates,
    current_decisions,
    metrics_snapshot,
)
from partnerkit.widgets.table import WIDGET_CSS

__all__ = [
    "BUTTON_STYLES",
    "QUEUE_COLUMNS",
    "STAKE_COLUMNS",
    "URGENCY",
    "DecisionBoard",
    "decision_queue",
    "reason_sentences",
    "whatif_lines",
]

ALL = "all"
"""Value of :attr:`DecisionBoard.show` listing every candidate."""

DROPDOWN_LIMIT = 300
"""Entries of the partner dropdown: the head of the queue (search or the table reach all)."""


BUTTON_STYLES: dict[str, str] = {
    "keep": "success",
    "invest": "info",
    "watch": "warning",
    "exit": "danger",
}
"""ipywidgets button style of each decision."""

QUEUE_COLUMNS: tuple[str, ...] = (
    "name",
    "partner_id",
    "recommendation",
    "decision",
    "at_stake",
    "won_revenue",
    "open_pipeline",
    "investment",
    "health",
    "state",
    "tier",
    "region",
)
"""Columns of the queue table (those present)."""

LEDGER_COLUMNS: tuple[str, ...] = (
    "recorded_at",
    "name",
    "partner_id",
    "recommended",
    "decided",
    "follows_recommendation",
    "who",
    "as_of",
    "rationale",
    "reasons",
)
"""Columns of the ledger view."""

_SENTENCES = {r.code: r.meaning for r in REASONS}


def reason_sentences(codes: Sequence[str] | None, /) -> list[str]:
    """Return the sentence of each reason code (unknown codes as they are).

    Examples
    --------
    >>> reason_sentences(["LOW_HEALTH", "NEW_CODE"])
    ['Health score low enough to consider an exit.', 'NEW_CODE']
    """
    return [_SENTENCES.get(str(c), str(c)) for c in codes or []]


def decision_queue(scorecard: pl.DataFrame, /, *, policy: Policy) -> pl.DataFrame:
    """Partners with a recommendation in queue order, with ``at_stake`` and ``urgency``.

    Order: :data:`URGENCY` of the recommendation, then ``at_stake`` (the sum of the
    :data:`STAKE_COLUMNS` present, nulls as 0) from high to low, then ``partner_id``.
    ``urgency`` is the 1-based position in that order. The recommendations are those the
    scorecard carries (see :func:`~partnerkit.widgets.state.candidates`).

    Requires columns: ``partner_id``, ``recommendation``.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c", "d"],
    ...     "recommendation": ["keep", "exit", "exit", "watch"],
    ...     "won_revenue": [900.0, 10.0, 50.0, 0.0], "open_pipeline": [0.0, 100.0, 0.0, 5.0]})
    >>> decision_queue(card, policy=Policy()).select("partner_id", "at_stake").rows()
    [('b', 110.0), ('c', 50.0), ('d', 5.0), ('a', 900.0)]
    """
    return in_queue_order(candidates(scorecard, policy=policy)).with_row_index("urgency", offset=1)


def whatif_lines(
    summary: Mapping[str, Any],
    /,
    *,
    currency: str | None = None,
    denominator: str = Policy().denominator,
) -> list[str]:
    """Readable sentences of a what-if summary (:attr:`WhatIf.summary`).

    Money is written with ``currency`` (the portfolio's ISO code) when given. The vital few
    are counted among the partners of the policy's ``denominator``; the sentence says how
    many of the exited partners were among them (:func:`denominator_note`).

    Examples
    --------
    >>> whatif_lines({"partners_exited": 2, "won_revenue_at_risk": 1500.0,
    ...     "won_revenue_at_risk_share": 0.1}, currency="EUR")[0]
    'Exiting 2 partners puts EUR 1,500 of won revenue at risk (10% of the total).'
    >>> whatif_lines({"partners_exited": 2, "vital_count_before": 3, "vital_count_after": 3,
    ...     "partners_before": 12, "partners_after": 12})[-1]  # doctest: +NORMALIZE_WHITESPACE
    "Vital few before: 3, after: 3; active partners in the concentration: 12 before and
    after: the 2 exited partners were not in the concentration's denominator (active partners)."
    """

    def money(key: str) -> str:
        return fmt.money(summary.get(key), currency)

    def share(key: str) -> str:
        return fmt.percent(summary.get(key))

    n = summary.get("partners_exited", 0)
    lines = [
        (
            f"Exiting {n:,} partner{'s' if n != 1 else ''} puts {money('won_revenue_at_risk')} "
            f"of won revenue at risk ({share('won_revenue_at_risk_share')} of the total)."
        )
    ]
    if "sourced_revenue_at_risk" in summary:
        lines.append(
            f"Of it, partner-sourced {money('sourced_revenue_at_risk')}, influenced "
            f"{money('influenced_revenue_at_risk')}."
        )
    if "open_pipeline_touched" in summary:
        lines.append(
            f"Open pipeline touched: {money('open_pipeline_touched')} "
            f"({share('open_pipeline_touched_share')}); investment freed: "
            f"{money('investment_freed')} ({share('investment_freed_share')})."
        )
    if "accounts_uncovered" in summary:
        lines.append(
            f"Accounts left without any partner: {summary['accounts_uncovered']:,} of "
            f"{summary.get('accounts_covered', 0):,}; regions left uncovered: "
            f"{summary.get('regions_uncovered', 0)}, partner types: "
            f"{summary.get('types_uncovered', 0)}."
        )
    if "vital_count_before" in summary:
        lines.append(
            f"Vital few before: {fmt.count(summary['vital_count_before'])}, after: "
            f"{fmt.count(summary.get('vital_count_after'))}; {denominator} partners in the "
            f"concentration: {denominator_note(summary, denominator=denominator)}."
        )
    return lines


class _Selections(Protocol):
    def observe(self, handler: Any, names: Any) -> None: ...  # noqa: ANN401


class DecisionBoard(widgets.VBox):  # type: ignore[misc]
    """Work through the recommendations and record keep / invest / watch / exit decisions.

    Parameters
    ----------
    analysis
        The analysis the decisions are based on (its ``scorecard``, ``as_of`` and
        ``policy``; ``coverage`` and ``facts`` when present, for the what-if's accounts and
        the quarterly changes).
    ledger
        Where decisions are appended.
    out_dir
        Folder of the export buttons.
    limit
        Rows per page of the queue table.
    currency
        The portfolio's ISO currency code (``facts.portfolio_currency``): money is written with it.
    """

    partner_id = traitlets.Unicode("")
    """The partner being decided."""
    who = traitlets.Unicode("")
    """Who makes the decision (stored with it)."""
    rationale = traitlets.Unicode("")
    """Why (stored with the decision)."""
    show = traitlets.Unicode(ALL)
    """Which recommendation to list: one of the decisions, or ``"all"``."""
    search = traitlets.Unicode("")
    """Text typed in the search box (a partner's name or id)."""
    selected = traitlets.List(traitlets.Unicode())
    """Partners selected for a bulk decision and the what-if."""
    decided = traitlets.Dict()
    """Current decision per partner, read from the ledger."""
    message = traitlets.Unicode("")
    """The last outcome shown to the user (recorded, or what is missing)."""

    def __init__(
        self,
        analysis: AnalysisLike,
        ledger: Ledger,
        *,
        out_dir: str | Path = "out",
        limit: int = 10,
        currency: str | None = None,
    ) -> None:
        super().__init__()
        self.analysis = analysis
        self.ledger = ledger
        self.currency = currency
        self.limit = limit
        self.frame = decision_queue(analysis.scorecard, policy=analysis.policy)
        facts = getattr(analysis, "facts", None)
        self.changes = (
            quarter_changes_of(facts).collect()
            if isinstance(facts, Facts)
            else pl.DataFrame(schema={"partner_id": pl.String})
        )
        self.decided = current_decisions(ledger.current())
        self.whatif: Mapping[str, Any] = {}
        self._picked: list[str] = []  # selected by a chart pick (follow_picks, follow_chart)
        self._follows_charts = False

        counts = dict(self.frame["recommendation"].value_counts().iter_rows())
        self._show = widgets.ToggleButtons(
            options=[(f"All ({self.frame.height})", ALL)]
            + [(f"{d.capitalize()} ({counts.get(d, 0)})", d) for d in URGENCY],
            description="Recommended",
            style={"description_width": "initial"},
        )
        names = self.frame.select(
            "partner_id",
            (pl.col("name") if "name" in self.frame.columns else pl.col("partner_id"))
            .cast(pl.String)
            .alias("name"),
        )
        self._names = names
        self._search = widgets.Combobox(
            options=[f"{n} ({p})" for p, n in names.iter_rows()],
            placeholder="Find a partner by name or id",
            ensure_option=False,
            layout={"width": "320px"},
        )
        self._partner = widgets.Dropdown(description="Partner", layout={"width": "460px"})
        self.previous_button = widgets.Button(description="Previous", icon="arrow-left")
        self.next_button = widgets.Button(description="Next", icon="arrow-right")
        self.previous_button.on_click(lambda _b: self.step(-1))
        self.next_button.on_click(lambda _b: self.step(1))
        self._position = widgets.HTML()
        self._detail = widgets.HTML()
        self._who = widgets.Text(description="Who", placeholder="your name")
        self._rationale = widgets.Textarea(
            description="Why", placeholder="the reason for this decision", rows=2
        )
        self.buttons = {
            d: widgets.Button(
                description=f"Record {d}",
                tooltip=f"Record '{d}' for this partner in the ledger",
                button_style=BUTTON_STYLES[d],
            )
            for d in DECISIONS
        }
        for decision, button in self.buttons.items():
            button.on_click(lambda _b, d=decision: self.decide(d))
            button.add_class(f"pk-decide-{decision}")
        self.bulk_buttons = {
            d: widgets.Button(
                description=f"{d.capitalize()} selected",
                tooltip=f"Record '{d}' for every selected partner",
                button_style=BUTTON_STYLES[d],
                disabled=True,
            )
            for d in DECISIONS
        }
        for decision, button in self.bulk_buttons.items():
            button.on_click(lambda _b, d=decision: self.decide_selected(d))
            button.add_class(f"pk-bulk-{decision}")
        self._bulk_note = widgets.HTML()
        self._bulk_note.add_class("pk-bulk-note")
        self._message = widgets.HTML()
        grid = functools.partial(DataGrid, page_size=limit, out_dir=out_dir, currency=currency)
        self.queue = grid(
            self.listed,
            key="partner_id",
            columns=QUEUE_COLUMNS,
            labels={"at_stake": "at stake", "decision": "decided"},
            title="Queue (most urgent first)",
            selectable=True,
            export_name="decision-queue.csv",
        )
        self._whatif = widgets.HTML()
        self.ledger_view = grid(
            self._ledger_frame(),
            key="id",
            columns=LEDGER_COLUMNS,
            labels={"decided": "decided", "follows_recommendation": "as recommended"},
            title="Decisions recorded (latest first)",
            export_name="decisions-view.csv",
        )
        self.ledger_view.empty_text = "No decision recorded yet."
        self.exports = ExportPanel(analysis, ledger=ledger, out_dir=out_dir)

        traitlets.link((self._show, "value"), (self, "show"))
        traitlets.link((self._who, "value"), (self, "who"))
        traitlets.link((self._rationale, "value"), (self, "rationale"))
        traitlets.link((self._search, "value"), (self, "search"))
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._index_head: set[str] = set()
        self._listed = self.frame
        self.observe(self._ensure_option, names=["partner_id"])
        self._syncing = False
        self._partner.observe(self._from_dropdown, names=["value"])
        self.observe(self._to_dropdown, names=["partner_id"])
        traitlets.link((self.queue, "selected"), (self, "selected"))
        traitlets.dlink((self, "message"), (self._message, "value"), _as_note)
        self.queue.observe(self._on_click_row, names=["clicked"])
        self.observe(self._on_search, names=["search"])
        self.observe(self._refresh_list, names=["show", "decided"])
        self.observe(self._refresh_detail, names=["partner_id", "decided"])
        self.observe(self._refresh_selection, names=["selected"])
        self.queue.observe(self._refresh_bulk_note, names=["row_keys"])
        self.observe(self._drop_stale_message, names=["partner_id", "show", "selected"])

        self._refresh_list()
        self._refresh_detail()
        self._refresh_selection()
        self.children = [
            widgets.HTML(WIDGET_CSS),
            self._show,
            widgets.HBox([self._search, self.previous_button, self.next_button, self._position]),
            self._partner,
            self._detail,
            self._who,
            self._rationale,
            widgets.HBox([widgets.HTML("<b>Your decision:</b>&nbsp;"), *self.buttons.values()]),
            self._message,
            self.queue,
            widgets.HBox([self._bulk_note, *self.bulk_buttons.values()]),
            self._whatif,
            self.ledger_view,
            self.exports,
        ]

    def __repr__(self) -> str:
        # The text shown in place of the widget before the notebook is run.
        return "Decision board (run the notebook to use it)"

    # -- state -------------------------------------------------------------------------------

    @property
    def listed(self) -> pl.DataFrame:
        """The queue under the current ``show`` choice, with each partner's current decision."""
        frame = self.frame
        if self.show != ALL:
            frame = frame.filter(pl.col("recommendation") == self.show)
        decided = pl.DataFrame(
            {"partner_id": list(self.decided), "decision": list(self.decided.values())},
            schema={"partner_id": pl.String, "decision": pl.String},
        )
        return frame.join(decided, on="partner_id", how="left", maintain_order="left")

    def step(self, by: int, /) -> None:
        """Move ``by`` places along the listed queue (wrapping around)."""
        ids = self._ids
        if not ids:
            return
        here = self._index.get(self.partner_id, -by)
        self.partner_id = ids[(here + by) % len(ids)]

    def select(self, partner_ids: Sequence[str], /) -> None:
        """Select partners (as ticking their rows does), e.g. from a chart selection."""
        known = set(self.frame["partner_id"].to_list())
        self.selected = [p for p in dict.fromkeys(partner_ids) if p in known]

    def pick(self, partner_ids: Sequence[str], /) -> None:
        """Select the partners picked on a chart in place of the selection, and say what went.

        A chart pick replaces the selection, as a new click on the chart does; rows ticked in
        the queue (or selected in code) that the pick leaves out are named in
        :attr:`message`, so a tick is never dropped unnoticed. The note beside the bulk
        buttons says how many of the selected came from the chart and how many are on
        other pages of the queue.

        E.g. with ``a`` ticked, ``board.pick(["b"])`` selects ``b`` and the message says
        that ``a`` is no longer selected.
        """
        known = set(self.frame["partner_id"].to_list())
        picked = [p for p in dict.fromkeys(str(p) for p in partner_ids) if p in known]
        dropped = [p for p in self.selected if p not in picked and p not in self._picked]
        self._picked = picked
        self.selected = picked
        if dropped:
            names = dict(self._names.iter_rows())
            shown = ", ".join(f"{names.get(p) or p} ({p})" for p in dropped[:3])
            more = f" and {len(dropped) - 3:,} more" if len(dropped) > 3 else ""
            self.message = (
                f"{_REPLACED} {len(dropped):,} ticked partner{'s' if len(dropped) != 1 else ''} "
                f"no longer selected: {shown}{more}. Tick them again to add them."
            )

    def follow_picks(self, source: traitlets.HasTraits, /, name: str = "selected") -> None:
        """Select the partners that ``source``'s trait ``name`` lists (ids), as they change.

        E.g. ``board.follow_picks(explorer)``: partners picked on the explorer's Pareto chart
        are selected on the board in place of the rows ticked before, which the board names
        (:meth:`pick`), and the what-if follows.
        """

        def picked(change: Mapping[str, Any]) -> None:
            self.pick([str(p) for p in change["new"] or []])

        source.observe(picked, names=[name])
        self._follow_charts()

    def follow_chart(self, selections: _Selections, name: str, /) -> None:
        """Select the partners picked on a chart's selection ``name``.

        ``selections`` is a JupyterChart's ``selections``; the selection's points must carry
        ``partner_id``.
        """

        def picked(change: Mapping[str, Any]) -> None:
            value = getattr(change["new"], "value", None) or []
            self.pick([str(p["partner_id"]) for p in value if p.get("partner_id")])

        selections.observe(picked, [name])
        self._follow_charts()

    def _follow_charts(self) -> None:
        # the what-if's invitation names the chart only once a chart's picks reach the board
        self._follows_charts = True
        self._refresh_selection()

    def _drop_stale_message(self, _change: Mapping[str, Any]) -> None:
        # a search's outcome or a refusal is about the partner, list or selection of its
        # moment: once they change, it no longer applies (a recording's outcome stays)
        if self.message.startswith(_STALE) or " partners match; " in self.message:
            self.message = ""

    def _missing(self, *, partner: bool) -> list[str]:
        checks = [("who decides", self.who), ("a rationale", self.rationale)]
        if partner:
            checks.insert(0, ("a partner", self.partner_id))
        return [label for label, value in checks if not value.strip()]

    def decide(self, decision: str) -> bool:
        """Record ``decision`` for :attr:`partner_id`; return whether it was recorded.

        Needs a partner, a name in ``who`` and a rationale; otherwise :attr:`message` says
        what is missing and nothing is written. On success the board moves to the next
        partner of the queue that has no decision yet.
        """
        missing = self._missing(partner=True)
        if missing:
            self.message = "Nothing recorded: please give " + ", ".join(missing) + "."
            return False
        row = self.frame.filter(pl.col("partner_id") == self.partner_id)
        if row.height == 0:
            self.message = f"Nothing recorded: unknown partner {self.partner_id!r}."
            return False
        try:
            self.ledger.record(
                self.partner_id,
                decision,
                self.rationale.strip(),
                who=self.who.strip(),
                as_of=self.analysis.as_of,
                policy=self.analysis.policy,
                metrics=metrics_snapshot(row.drop("urgency", "at_stake")),
            )
        except LedgerError as exc:
            self.message = f"Nothing recorded: {exc}"
            return False
        name = row["name"][0] if "name" in row.columns else self.partner_id
        self.message = f"Recorded: {decision} for {name} ({self.partner_id})."
        done = self.partner_id
        self._after_recording()
        self.rationale = ""
        self._next_undecided(after=done)
        return True

    def decide_selected(self, decision: str) -> int:
        """Record ``decision`` for every selected partner in one transaction.

        Returns how many were recorded (all of them, or 0 with :attr:`message` saying why).
        """
        if not self.selected:
            self.message = "Nothing recorded: select partners in the table first."
            return 0
        missing = self._missing(partner=False)
        if missing:
            self.message = "Nothing recorded: please give " + ", ".join(missing) + "."
            return 0
        rows = self.frame.filter(pl.col("partner_id").is_in(list(self.selected)))
        entries = [
            {
                "partner_id": pid,
                "decision": decision,
                "rationale": self.rationale.strip(),
                "metrics": metrics_snapshot(
                    rows.filter(pl.col("partner_id") == pid).drop("urgency", "at_stake")
                ),
            }
            for pid in rows["partner_id"].to_list()
        ]
        try:
            self.ledger.record_many(
                entries,
                who=self.who.strip(),
                as_of=self.analysis.as_of,
                policy=self.analysis.policy,
            )
        except LedgerError as exc:
            self.message = f"Nothing recorded: {exc}"
            return 0
        n = len(entries)
        self.message = f"Recorded: {decision} for {n:,} selected partner{'s' if n != 1 else ''}."
        self._after_recording()
        self.rationale = ""
        self.selected = []
        return n

    def _after_recording(self) -> None:
        self.decided = current_decisions(self.ledger.current())
        self.ledger_view.set_frame(self._ledger_frame())

    def _next_undecided(self, *, after: str) -> None:
        ids = self._ids
        if after not in self._index:
            return
        start = self._index[after]
        for pid in ids[start + 1 :] + ids[:start]:
            if pid not in self.decided:
                self.partner_id = pid
                return

    def _ledger_frame(self) -> pl.DataFrame:
        history = self.ledger.history()
        table = decision_table(history, names=self._names_frame())
        return table.reverse().with_columns(pl.col("id").cast(pl.String))

    def _names_frame(self) -> pl.DataFrame:
        return self.frame.select(
            "partner_id",
            *([pl.col("name")] if "name" in self.frame.columns else []),
        )

    # -- view --------------------------------------------------------------------------------

    def _on_click_row(self, change: Mapping[str, Any]) -> None:
        if change["new"]:
            self.partner_id = str(change["new"])

    def _on_search(self, _change: Mapping[str, Any]) -> None:
        term = self.search.strip().lower()
        if not term:
            return
        names = self._names.with_columns(
            label=pl.format("{} ({})", pl.col("name"), pl.col("partner_id")).str.to_lowercase()
        )
        exact = names.filter(
            (pl.col("label") == term)
            | (pl.col("partner_id").str.to_lowercase() == term)
            | (pl.col("name").str.to_lowercase() == term)
        )
        hits = (
            exact
            if exact.height
            else names.filter(pl.col("label").str.contains(term, literal=True))
        )
        if hits.height == 0:
            self.message = f"No partner matches \u201c{self.search.strip()}\u201d."
            return
        pid = hits["partner_id"][0]
        if pid not in self._index:
            self.show = ALL
        self.partner_id = pid
        self.message = (
            ""
            if hits.height == 1
            else f"{hits.height} partners match; showing the first, keep typing to narrow."
        )

    def _options(self, listed: pl.DataFrame, extra: str = "") -> list[tuple[str, str]]:
        """Dropdown entries: the first :data:`DROPDOWN_LIMIT` of the queue (and ``extra``)."""
        head = listed.head(DROPDOWN_LIMIT)
        if extra and extra not in self._index_head:
            head = pl.concat([head, listed.filter(pl.col("partner_id") == extra)])
        return [
            (_label(row, self.decided.get(row["partner_id"])), row["partner_id"])
            for row in head.select(
                [c for c in ("partner_id", "name", "recommendation") if c in head.columns]
            ).iter_rows(named=True)
        ]

    def _ensure_option(self, change: Mapping[str, Any]) -> None:
        # A partner beyond the dropdown's entries (picked by search, row click or next) is
        # added to them before the dropdown shows it.
        pid = change["new"]
        if pid and pid not in {value for _, value in self._partner.options}:
            self._set_options(self._options(self._listed, extra=pid))

    def _set_options(self, options: list[tuple[str, str]]) -> None:
        self._syncing = True
        try:
            self._partner.options = options
            values = {v for _, v in options}
            self._partner.value = self.partner_id if self.partner_id in values else None
        finally:
            self._syncing = False

    def _from_dropdown(self, change: Mapping[str, Any]) -> None:
        if not self._syncing and change["new"]:
            self.partner_id = change["new"]

    def _to_dropdown(self, change: Mapping[str, Any]) -> None:
        pid = change["new"]
        if self._partner.value != pid and any(v == pid for _, v in self._partner.options):
            self._syncing = True
            try:
                self._partner.value = pid
            finally:
                self._syncing = False

    def _refresh_list(self, _change: Mapping[str, Any] | None = None) -> None:
        listed = self.listed
        self._listed = listed
        self._ids = listed["partner_id"].to_list()
        self._index = {pid: i for i, pid in enumerate(self._ids)}
        self._index_head = set(self._ids[:DROPDOWN_LIMIT])
        self.queue.set_frame(listed)
        current = self.partner_id
        keep = current if current in self._index else (self._ids[0] if self._ids else "")
        self.partner_id = keep
        self._set_options(self._options(listed, extra=keep))
        self._refresh_position()

    def _refresh_position(self) -> None:
        ids = self._ids
        done = len(self._index.keys() & self.decided.keys())
        here = self._index.get(self.partner_id, -1) + 1
        self._position.value = (
            f"<span class='pk-position'>{here:,} of {len(ids):,} in the queue "
            f"&middot; {done:,} decided</span>"
        )

    def _refresh_detail(self, _change: Mapping[str, Any] | None = None) -> None:
        row = self.frame.filter(pl.col("partner_id") == self.partner_id)
        change = self.changes.filter(pl.col("partner_id") == self.partner_id)
        review = pl.DataFrame()
        if row.height and self.partner_id in self.decided:
            review = since_last_review(
                row.lazy(),
                decisions=self.ledger.current()
                .filter(pl.col("partner_id") == self.partner_id)
                .lazy(),
            ).collect()
        self._detail.value = _detail(
            row, self.decided.get(self.partner_id), change, review, currency=self.currency
        )
        self._refresh_position()

    def _refresh_bulk_note(self, _change: Mapping[str, Any] | None = None) -> None:
        self._picked = [p for p in self._picked if p in self.selected]
        n = len(self.selected)
        if not n:
            self._bulk_note.value = "Tick rows to decide several at once:&nbsp;"
            return
        notes = []
        if self._picked:
            notes.append(f"{len(self._picked):,} picked on the chart")
        away = len(set(self.selected) - set(self.queue.row_keys))
        if away:
            notes.append(f"{away:,} not on this page of the queue")
        more = f" ({'; '.join(notes)})" if notes else ""
        self._bulk_note.value = f"<b>{n:,} selected</b>{html.escape(more)}&nbsp;"

    def _refresh_selection(self, _change: Mapping[str, Any] | None = None) -> None:
        n = len(self.selected)
        for button in self.bulk_buttons.values():
            button.disabled = n == 0
        self._refresh_bulk_note()
        if not n:
            self.whatif = {}
            where = (
                "Tick partners in the table or click bars of the chart"
                if self._follows_charts
                else "Tick partners in the table"
            )
            self._whatif.value = (
                f"<p class='pk-whatif'><b>What if?</b> {where} to see what exiting them would "
                "put at risk.</p>"
            )
            return
        coverage = getattr(self.analysis, "coverage", None)
        result = prune(
            self.analysis.scorecard,
            exit=self.selected,
            coverage=coverage
            if isinstance(coverage, pl.DataFrame)
            else pl.DataFrame(schema={"partner_id": pl.String, "account_id": pl.String}),
            policy=self.analysis.policy,
        )
        self.whatif = dict(result.summary)
        items = "".join(
            f"<li>{html.escape(line)}</li>"
            for line in whatif_lines(
                result.summary,
                currency=self.currency,
                denominator=self.analysis.policy.denominator,
            )
        )
        self._whatif.value = (
            f"<div class='pk-whatif'><b>What if the {n:,} selected partner"
            f"{'s' if n != 1 else ''} were exited?</b><ul>{items}</ul></div>"
        )


def _label(row: Mapping[str, Any], decision: str | None) -> str:
    name = row.get("name") or row["partner_id"]
    advice = row.get("recommendation") or "no recommendation"
    done = f" — decided: {decision}" if decision else ""
    return f"{name} ({row['partner_id']}): {advice}{done}"


def _moved(value: float | None, *, currency: str | None, pct: float | None = None) -> str:
    """Write a change in words: ``up USD 100 (+50%)``, ``down USD 30``, ``unchanged``."""
    if value is None:
        return "n/a"
    if value == 0:
        return "unchanged"
    text = ("up " if value > 0 else "down ") + fmt.money(abs(value), currency)
    return text + (f" ({fmt.signed_percent(pct)})" if pct is not None else "")


def _figure(name: str, value: object, currency: str | None) -> str:
    if name == "health":
        return fmt.number(value if isinstance(value, int | float) else None, digits=1)
    return fmt.money(value if isinstance(value, int | float) else None, currency)


def _detail(
    row: pl.DataFrame,
    decision: str | None,
    change: pl.DataFrame,
    review: pl.DataFrame,
    *,
    currency: str | None = None,
) -> str:
    if row.height == 0:
        return "<p>No partner to decide on.</p>"
    rec = row.row(0, named=True)
    reasons = (
        "".join(f"<li>{html.escape(s)}</li>" for s in reason_sentences(rec.get("reasons")))
        or "<li>none</li>"
    )
    current = (
        f"<b>Current decision:</b> {html.escape(decision)}"
        if decision
        else "<b>Current decision:</b> none yet"
    )
    parts = [
        (
            f"<p><b>{html.escape(str(rec.get('name') or rec['partner_id']))}</b> "
            f"({html.escape(rec['partner_id'])}) — recommended: "
            f"<b>{html.escape(str(rec.get('recommendation') or 'none'))}</b>; at stake "
            f"{fmt.money(rec.get('at_stake'), currency)}<br>"
            f"{html.escape(str(rec.get('explanation') or ''))}</p>"
            f"<b>Why:</b><ul class='pk-reasons'>{reasons}</ul>"
        )
    ]
    if change.height:
        c = change.row(0, named=True)
        quarter = c["quarter"]
        parts.append(
            f"<p><b>Won revenue in the quarter from {fmt.date(quarter)}:</b> "
            f"{fmt.money(c['quarter_revenue'], currency)}; quarter on quarter "
            f"{_moved(c['qoq_change'], currency=currency, pct=c['qoq_change_pct'])}; "
            f"year on year "
            f"{_moved(c['yoy_change'], currency=currency, pct=c['yoy_change_pct'])}.</p>"
        )
    if review.height and review["last_review_on"][0] is not None:
        r = review.row(0, named=True)
        moves = [
            f"{figure.replace('_', ' ')} {_figure(figure, r[f'{figure}_at_review'], currency)}"
            f" → {_figure(figure, rec.get(figure), currency)}"
            for figure in ("won_revenue", "open_pipeline", "health")
            if f"{figure}_since_review" in r and r[f"{figure}_at_review"] is not None
        ]
        parts.append(
            f"<p><b>Since the last review</b> ({html.escape(str(r['last_decision']))} on the "
            f"analysis of {fmt.date(r['last_review_on'])}): "
            + (html.escape("; ".join(moves)) if moves else "no figures kept then")
            + "</p>"
        )
    parts.append(f"<p>{current}</p>")
    return "".join(parts)


_REPLACED = "The chart pick replaced the selection:"
_STALE = ("No partner matches", "Nothing recorded", _REPLACED)
"""Messages that stop applying once the partner shown, the list or the selection changes."""


def _as_note(message: str) -> str:
    return f"<p class='pk-message'>{html.escape(message)}</p>" if message else ""
