"""Widgets for JupyterLab: explore the portfolio, decide per partner, export.

This is the only part of partnerkit that imports ipywidgets. Widgets keep their state in
traitlets and compute nothing themselves: they filter the analysis' collected per-partner
tables and call the metric, chart and decision functions of the package.
"""

from __future__ import annotations

from partnerkit.widgets.board import DecisionBoard
from partnerkit.widgets.display import setup_notebook
from partnerkit.widgets.drill import PartnerDrill
from partnerkit.widgets.explorer import PortfolioExplorer
from partnerkit.widgets.exports import ExportPanel
from partnerkit.widgets.grid import DataGrid

__all__ = [
    "DataGrid",
    "DecisionBoard",
    "ExportPanel",
    "PartnerDrill",
    "PortfolioExplorer",
    "setup_notebook",
]
