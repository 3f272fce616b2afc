"""The decision board: go through the recommendations and record a decision per partner.

Each candidate shows its recommendation, the reasons behind it and, once decided, the
current decision from the ledger. Four buttons (keep, invest, watch, exit) append a row to
the :class:`~partnerkit.decisions.Ledger` with the rationale, who decided, the analysis'
``as_of`` and policy, and a snapshot of the partner's metrics.

All state lives in traitlets (``partner_id``, ``who``, ``rationale``, ``show``,
``decided``, ``message``), so a test can drive the board without a kernel: set the traits,
call :meth:`DecisionBoard.decide` (or click a button) and read the ledger.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import polars as pl
import traitlets

from partnerkit.decisions import DECISIONS, Ledger, LedgerError
from partnerkit.widgets.exports import ExportPanel
from partnerkit.widgets.state import (
    AnalysisLike,
    candidates,
    current_decisions,
    metrics_snapshot,
)
from partnerkit.widgets.table import WIDGET_CSS, html_table

__all__ = ["DecisionBoard"]

ALL = "all"
"""Value of :attr:`DecisionBoard.show` listing every candidate."""

TABLE_COLUMNS: tuple[str, ...] = (
    "name",
    "partner_id",
    "tier",
    "state",
    "won_revenue",
    "health",
    "recommendation",
    "decision",
    "explanation",
)
"""Columns of the candidates table."""


class DecisionBoard(widgets.VBox):  # type: ignore[misc]
    """Record keep / invest / watch / exit decisions for the partners of an analysis.

    Parameters
    ----------
    analysis
        The analysis the decisions are based on (its ``scorecard``, ``as_of`` and
        ``policy``); recommendations are added when the scorecard lacks them.
    ledger
        Where decisions are appended.
    out_dir
        Folder of the export buttons (chart pack and decisions).
    limit
        Rows of the candidates table.
    """

    partner_id = traitlets.Unicode("")
    """The partner being decided."""
    who = traitlets.Unicode("")
    """Who makes the decision (stored with it)."""
    rationale = traitlets.Unicode("")
    """Why (stored with the decision)."""
    show = traitlets.Unicode(ALL)
    """Which recommendation to list: one of the decisions, or ``"all"``."""
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
    ) -> None:
        super().__init__()
        self.analysis = analysis
        self.ledger = ledger
        self.limit = limit
        self.frame = candidates(analysis.scorecard, policy=analysis.policy)
        self.decided = current_decisions(ledger.current())

        counts = dict(self.frame["recommendation"].value_counts().iter_rows())
        self._show = widgets.ToggleButtons(
            options=[(f"All ({self.frame.height})", ALL)]
            + [(f"{d.capitalize()} ({counts.get(d, 0)})", d) for d in DECISIONS],
            description="Recommended",
            style={"description_width": "initial"},
        )
        self._partner = widgets.Dropdown(description="Partner", layout={"width": "460px"})
        self._detail = widgets.HTML()
        self._who = widgets.Text(description="Who", placeholder="your name")
        self._rationale = widgets.Textarea(
            description="Why", placeholder="the reason for this decision", rows=2
        )
        self.buttons = {
            d: widgets.Button(description=f"Record {d}", tooltip=f"Record '{d}' in the ledger")
            for d in DECISIONS
        }
        for decision, button in self.buttons.items():
            button.on_click(lambda _b, d=decision: self.decide(d))
        self._message = widgets.HTML()
        self._table = widgets.HTML()
        self.exports = ExportPanel(analysis, ledger=ledger, out_dir=out_dir)

        traitlets.link((self._show, "value"), (self, "show"))
        traitlets.link((self._who, "value"), (self, "who"))
        traitlets.link((self._rationale, "value"), (self, "rationale"))
        traitlets.link(
            (self._partner, "value"),
            (self, "partner_id"),
            transform=(lambda v: v or "", lambda v: v or None),
        )
        traitlets.dlink((self, "message"), (self._message, "value"), _as_note)
        self.observe(self._refresh_list, names=["show", "decided"])
        self.observe(self._refresh_detail, names=["partner_id", "decided"])

        self._refresh_list()
        self._refresh_detail()
        self.children = [
            self._show,
            self._partner,
            self._detail,
            self._who,
            self._rationale,
            widgets.HBox([widgets.HTML("<b>Your decision:</b>&nbsp;"), *self.buttons.values()]),
            self._message,
            self._table,
            self.exports,
        ]

    def __repr__(self) -> str:
        # The text shown in place of the widget before the notebook is run.
        return "Decision board (run the notebook to use it)"

    # -- state -------------------------------------------------------------------------------

    @property
    def listed(self) -> pl.DataFrame:
        """Candidates shown under the current ``show`` choice, with their current decision."""
        frame = self.frame
        if self.show != ALL:
            frame = frame.filter(pl.col("recommendation") == self.show)
        decided = pl.DataFrame(
            {"partner_id": list(self.decided), "decision": list(self.decided.values())},
            schema={"partner_id": pl.String, "decision": pl.String},
        )
        return frame.join(decided, on="partner_id", how="left", maintain_order="left")

    def decide(self, decision: str) -> bool:
        """Record ``decision`` for :attr:`partner_id`; return whether it was recorded.

        Needs a partner, a name in ``who`` and a rationale; otherwise :attr:`message` says
        what is missing and nothing is written.
        """
        missing = [
            label
            for label, value in (
                ("a partner", self.partner_id),
                ("who decides", self.who),
                ("a rationale", self.rationale),
            )
            if not value.strip()
        ]
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
                metrics=metrics_snapshot(row),
            )
        except LedgerError as exc:
            self.message = f"Nothing recorded: {exc}"
            return False
        name = row["name"][0] if "name" in row.columns else self.partner_id
        self.message = f"Recorded: {decision} for {name} ({self.partner_id})."
        self.decided = current_decisions(self.ledger.current())
        self.rationale = ""
        return True

    # -- view --------------------------------------------------------------------------------

    def _refresh_list(self, _change: Mapping[str, Any] | None = None) -> None:
        listed = self.listed
        shown = min(self.limit, listed.height)
        self._table.value = (
            WIDGET_CSS
            + f"<p><b>Candidates</b> ({shown} of {listed.height} shown, most urgent first)</p>"
            + html_table(listed, columns=TABLE_COLUMNS, limit=self.limit)
        )
        options = [
            (_label(row, self.decided.get(row["partner_id"])), row["partner_id"])
            for row in listed.select(
                [c for c in ("partner_id", "name", "recommendation") if c in listed.columns]
            ).iter_rows(named=True)
        ]
        current = self.partner_id
        self._partner.options = options
        ids = [value for _, value in options]
        self.partner_id = current if current in ids else (ids[0] if ids else "")

    def _refresh_detail(self, _change: Mapping[str, Any] | None = None) -> None:
        row = self.frame.filter(pl.col("partner_id") == self.partner_id)
        self._detail.value = _detail(row, self.decided.get(self.partner_id))


def _label(row: Mapping[str, Any], decision: str | None) -> str:
    name = row.get("name") or row["partner_id"]
    advice = row.get("recommendation") or "no recommendation"
    done = f" — decided: {decision}" if decision else ""
    return f"{name} ({row['partner_id']}): {advice}{done}"


def _detail(row: pl.DataFrame, decision: str | None) -> str:
    if row.height == 0:
        return "<p>No partner to decide on.</p>"
    rec = row.row(0, named=True)
    reasons = ", ".join(rec.get("reasons") or []) or "none"
    current = (
        f"<b>Current decision:</b> {html.escape(decision)}"
        if decision
        else "<b>Current decision:</b> none yet"
    )
    return (
        f"<p><b>{html.escape(str(rec.get('name') or rec['partner_id']))}</b> — recommended: "
        f"<b>{html.escape(str(rec.get('recommendation') or 'none'))}</b><br>"
        f"{html.escape(str(rec.get('explanation') or ''))}<br>"
        f"<b>Reasons:</b> {html.escape(reasons)}<br>{current}</p>"
    )


def _as_note(message: str) -> str:
    return f"<p>{html.escape(message)}</p>" if message else ""
