"""Export buttons: the chart pack and the decisions, written to one output folder.

The buttons call the package's export functions
(:func:`partnerkit.charts.export.export_charts` and
:func:`partnerkit.decisions.export.export_decisions`); :attr:`ExportPanel.written` lists the
files of the last export and :attr:`ExportPanel.message` says what happened. While the chart
pack renders (a few seconds in three formats), both buttons are disabled and a progress bar
counts the files rendered (:class:`Busy`, which the partner drill's one-pager export uses
too). An export that cannot be written says so on the panel, with the path and the reason
(:func:`~partnerkit.widgets.errors.export_failure`); called from code, it raises an
:class:`~partnerkit.widgets.errors.ExportError` with the same sentence, which a notebook
shows without a traceback.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import ipywidgets as widgets
import traitlets

from partnerkit.charts.export import export_charts
from partnerkit.decisions import Ledger
from partnerkit.decisions.export import export_decisions
from partnerkit.widgets.errors import ExportError, export_failure
from partnerkit.widgets.state import AnalysisLike

__all__ = ["Busy", "ExportPanel", "on_click"]

_T = TypeVar("_T")

DECISIONS_FILE = "decisions.xlsx"
"""Current decisions, one row per partner."""
HISTORY_FILE = "decision-history.csv"
"""Every decision in the order recorded."""
CHARTS_FOLDER = "charts"
"""Sub-folder of the chart pack."""


def on_click(action: Callable[[], _T], /) -> Callable[[object], None]:
    """Make a button handler running ``action``; an :class:`ExportError` stays on screen.

    The action has already said what failed on its widget; a button's error would only
    reach JupyterLab's log console, so it is not raised again.

    Examples
    --------
    >>> def fails() -> None:
    ...     raise ExportError("Chart export failed: disk full")
    >>> on_click(fails)(None)  # nothing raised
    """

    def clicked(_button: object) -> None:
        with suppress(ExportError):
            action()

    return clicked


class Busy:
    """While a long export runs: its buttons disabled and a progress bar counting the files.

    Parameters
    ----------
    buttons
        Disabled while it runs, and given back their state after (one disabled before, such
        as an export without its ledger, stays disabled).
    description
        The progress bar's label.

    Examples
    --------
    >>> button = widgets.Button()
    >>> busy = Busy([button])
    >>> with busy.running() as step:
    ...     step(1, 2)
    ...     (button.disabled, busy.bar.value, busy.bar.max, busy.active)
    (True, 1, 2, True)
    >>> (button.disabled, busy.bar.layout.display, busy.active)
    (False, 'none', False)
    """

    def __init__(
        self, buttons: Sequence[widgets.Button], /, *, description: str = "Rendering"
    ) -> None:
        self.buttons = list(buttons)
        self.bar = widgets.IntProgress(
            value=0, min=0, max=1, description=description, layout={"display": "none"}
        )
        self.active = False

    @contextmanager
    def running(self) -> Iterator[Callable[[int, int], None]]:
        """Disable the buttons and show the bar; yield ``step(done, total)``; then give back."""
        before = [b.disabled for b in self.buttons]
        self.active = True
        for button in self.buttons:
            button.disabled = True
        self.bar.value = 0
        self.bar.layout.display = None
        try:
            yield self.step
        finally:  # buttons back and the bar hidden before the outcome is said
            for button, was in zip(self.buttons, before, strict=True):
                button.disabled = was
            self.bar.layout.display = "none"
            self.active = False

    def step(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` on the bar."""
        self.bar.max = max(total, 1)
        self.bar.value = done


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
        self.charts_button.on_click(on_click(self.export_charts))
        self.decisions_button.on_click(on_click(self.export_decisions))
        self.busy = Busy([self.charts_button, self.decisions_button])
        self.progress = self.busy.bar
        self._message = widgets.HTML()
        traitlets.dlink(
            (self, "message"), (self._message, "value"), lambda m: f"<p>{html.escape(m)}</p>"
        )
        self.children = [self.charts_button, self.decisions_button, self.progress, self._message]

    def export_charts(self, formats: Sequence[str] | None = None) -> list[Path]:
        """Write the chart pack to ``out_dir/charts`` and return the files written.

        ``formats`` defaults to the panel's. Both buttons stay disabled until the pack is
        written (a click meanwhile does nothing), and the progress bar counts the files. A
        folder that cannot be written (or a chart that fails) is said in :attr:`message`
        and raised as an :class:`ExportError` (a button click only says it).
        """
        if self.busy.active:  # an export is running
            return []
        folder = self.out_dir / CHARTS_FOLDER
        wanted = self.formats if formats is None else tuple(formats)
        self.message = "Rendering the chart pack…"
        try:
            with self.busy.running():
                folder.mkdir(parents=True, exist_ok=True)
                paths = export_charts(
                    self.analysis, folder, formats=wanted, progress=self._show_progress
                )
        except Exception as error:
            self.message = export_failure("Chart export", error)
            raise ExportError(self.message) from error
        return self._finish(paths, "charts")

    def _show_progress(self, done: int, total: int) -> None:
        self.busy.step(done, total)
        self.message = f"Rendering the chart pack: {done} of {total} file(s)…"

    def export_decisions(self) -> list[Path]:
        """Write the current decisions and the full history to ``out_dir``.

        A folder that cannot be written is said in :attr:`message` (the path and the reason)
        and raised as an :class:`ExportError` (a button click only says it).
        """
        ledger = self.ledger
        if ledger is None:
            self.message = "No ledger: nothing to export."
            return []
        if self.busy.active:  # the chart pack is being written
            return []
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            paths = [
                export_decisions(ledger, self.out_dir / DECISIONS_FILE),
                export_decisions(ledger, self.out_dir / HISTORY_FILE, history=True),
            ]
        except Exception as error:
            self.message = export_failure("Decision export", error)
            raise ExportError(self.message) from error
        return self._finish(paths, "decisions")

    def _finish(self, paths: list[Path], what: str) -> list[Path]:
        self.written = [str(p) for p in paths]
        self.message = f"Exported {what}: {len(paths)} file(s) in {self.out_dir}."
        return paths
