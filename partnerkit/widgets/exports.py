"""Export buttons: the chart pack and the decisions, written to one output folder.

The buttons call the package's export functions
(:func:`partnerkit.charts.export.export_charts` and
:func:`partnerkit.decisions.export.export_decisions`); :attr:`ExportPanel.written` lists the
files of the last export and :attr:`ExportPanel.message` says what happened. While the chart
pack renders (a few seconds in three formats), both buttons are disabled and a progress bar
counts the files rendered.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import ipywidgets as widgets
import traitlets

from partnerkit.charts.export import export_charts
from partnerkit.decisions import Ledger
from partnerkit.decisions.export import export_decisions
from partnerkit.widgets.state import AnalysisLike

__all__ = ["ExportPanel"]

DECISIONS_FILE = "decisions.xlsx"
"""Current decisions, one row per partner."""
HISTORY_FILE = "decision-history.csv"
"""Every decision in the order recorded."""
CHARTS_FOLDER = "charts"
"""Sub-folder of the chart pack."""


class ExportPanel(widgets.HBox):  # type: ignore[misc]
    """Two buttons: export the chart pack, export the decisions (current and history).

    Parameters
    ----------
    analysis
        The analysis whose charts are exported.
    ledger
        The decision ledger; without one, the decisions button is disabled.
    out_dir
        Folder written to (created when missing).
    formats
        Chart formats written by the chart button.
    """

    written = traitlets.List(traitlets.Unicode())
    """Paths of the files written by the last export."""
    message = traitlets.Unicode("")
    """Outcome of the last export."""

    def __init__(
        self,
        analysis: AnalysisLike,
        *,
        ledger: Ledger | None = None,
        out_dir: str | Path = "out",
        formats: Sequence[str] = ("png", "svg", "html"),
    ) -> None:
        super().__init__()
        self.analysis = analysis
        self.ledger = ledger
        self.out_dir = Path(out_dir)
        self.formats = tuple(formats)
        self.charts_button = widgets.Button(description="Export charts", icon="download")
        self.decisions_button = widgets.Button(
            description="Export decisions", icon="download", disabled=ledger is None
        )
        self.charts_button.on_click(lambda _b: self.export_charts())
        self.decisions_button.on_click(lambda _b: self.export_decisions())
        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, description="Rendering", layout={"display": "none"}
        )
        self._message = widgets.HTML()
        traitlets.dlink(
            (self, "message"), (self._message, "value"), lambda m: f"<p>{html.escape(m)}</p>"
        )
        self.children = [self.charts_button, self.decisions_button, self.progress, self._message]

    def export_charts(self, formats: Sequence[str] | None = None) -> list[Path]:
        """Write the chart pack to ``out_dir/charts`` and return the files written.

        ``formats`` defaults to the panel's. Both buttons stay disabled until the pack is
        written (a click meanwhile does nothing), and the progress bar counts the files.
        """
        if self.charts_button.disabled:  # an export is running
            return []
        folder = self.out_dir / CHARTS_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        wanted = self.formats if formats is None else tuple(formats)
        decisions_disabled = self.decisions_button.disabled
        self.charts_button.disabled = self.decisions_button.disabled = True
        self.progress.value = 0
        self.progress.layout.display = None
        self.message = "Rendering the chart pack…"

        def idle() -> None:  # buttons back and the bar hidden before the outcome is said
            self.charts_button.disabled = False
            self.decisions_button.disabled = decisions_disabled
            self.progress.layout.display = "none"

        try:
            paths = export_charts(
                self.analysis, folder, formats=wanted, progress=self._show_progress
            )
        except Exception as error:
            idle()
            self.message = f"Chart export failed: {error}"
            raise
        idle()
        return self._finish(paths, "charts")

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.max = max(total, 1)
        self.progress.value = done
        self.message = f"Rendering the chart pack: {done} of {total} file(s)…"

    def export_decisions(self) -> list[Path]:
        """Write the current decisions and the full history to ``out_dir``."""
        ledger = self.ledger
        if ledger is None:
            self.message = "No ledger: nothing to export."
            return []
        self.out_dir.mkdir(parents=True, exist_ok=True)
        paths = [
            export_decisions(ledger, self.out_dir / DECISIONS_FILE),
            export_decisions(ledger, self.out_dir / HISTORY_FILE, history=True),
        ]
        return self._finish(paths, "decisions")

    def _finish(self, paths: list[Path], what: str) -> list[Path]:
        self.written = [str(p) for p in paths]
        self.message = f"Exported {what}: {len(paths)} file(s) in {self.out_dir}."
        return paths
