"""partnerkit: partner portfolio analytics on polars.

Load a portfolio, validate it, find the vital few partners, explain the rest and decide
per partner to keep, invest, watch or exit.

>>> import partnerkit as pk
>>> portfolio = pk.samples.generate(partners=40).portfolio()
>>> analysis = pk.analyze(portfolio)
>>> int(analysis.concentration["partners"][0]) > 0
True

The chart and report functions (:func:`export_chart`, :func:`export_charts`,
:func:`build_report`) are imported on first use, so that ``import partnerkit`` stays light
for scripts that never draw.

Importing the package first keeps a slow optional import of altair's dependencies from
happening (see :mod:`partnerkit._imports`), wherever altair is then imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from partnerkit import (
    _imports,  # noqa: F401  (first: marks the skipped imports)
    samples,
)
from partnerkit.analysis import Analysis, analyze, quick_scorecard
from partnerkit.decisions.export import export_decisions
from partnerkit.decisions.ledger import Ledger, LedgerError
from partnerkit.decisions.recommend import REASONS, recommend
from partnerkit.decisions.whatif import WhatIf, recommended_exits, what_if
from partnerkit.io import export_frame
from partnerkit.load import LoadReport, PortfolioError, Problem
from partnerkit.load.accounts import overlaps_from_accounts
from partnerkit.load.presets import PRESETS
from partnerkit.load.read import DroppedRowsWarning, SourceError, load, read_portfolio
from partnerkit.metrics.scorecard import SCORECARD_COLUMNS
from partnerkit.policy import HealthDimension, HealthMetric, Policy
from partnerkit.portfolio import Portfolio

if TYPE_CHECKING:
    from partnerkit.charts.export import export_chart, export_charts
    from partnerkit.report import build_report

__all__ = [
    "PRESETS",
    "REASONS",
    "SCORECARD_COLUMNS",
    "Analysis",
    "DroppedRowsWarning",
    "HealthDimension",
    "HealthMetric",
    "Ledger",
    "LedgerError",
    "LoadReport",
    "Policy",
    "Portfolio",
    "PortfolioError",
    "Problem",
    "SourceError",
    "WhatIf",
    "analyze",
    "build_report",
    "export_chart",
    "export_charts",
    "export_decisions",
    "export_frame",
    "load",
    "overlaps_from_accounts",
    "quick_scorecard",
    "read_portfolio",
    "recommend",
    "recommended_exits",
    "samples",
    "what_if",
]

__version__ = "0.1.0"

_LAZY = {
    "export_chart": "partnerkit.charts.export",
    "export_charts": "partnerkit.charts.export",
    "build_report": "partnerkit.report",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401  (module attributes of any kind)
    """Import the chart and report entry points on first use."""
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'partnerkit' has no attribute {name!r}")
