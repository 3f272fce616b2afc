"""partnerkit: partner portfolio analytics on polars.

Load a portfolio, validate it, find the vital few partners, explain the rest and decide
per partner to keep, invest, watch or exit.

>>> import partnerkit as pk
>>> portfolio = pk.samples.generate(partners=40).portfolio()
>>> analysis = pk.analyze(portfolio)
>>> int(analysis.concentration["partners"][0]) > 0
True

Every public name is imported from its module on first use (the chart and report
functions, :mod:`partnerkit.samples`, the decisions, ...), so that ``import partnerkit``
and imports of its modules stay light: a script that reads a portfolio and
computes the core scorecard imports neither the sample generator nor the charts.

Importing the package first keeps a slow optional import of altair's dependencies from
happening (see :mod:`partnerkit._imports`), wherever altair is then imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit import _imports  # noqa: F401  (first: marks the skipped imports)
from partnerkit._imports import lazy_names

if TYPE_CHECKING:
    from partnerkit import load, samples  # noqa: F401  (load: the subpackage, on first use)
    from partnerkit.analysis import Analysis, analyze, quick_scorecard
    from partnerkit.charts.export import export_chart, export_charts
    from partnerkit.decisions.export import export_decisions
    from partnerkit.decisions.ledger import Ledger, LedgerError
    from partnerkit.decisions.recommend import REASONS, recommend
    from partnerkit.decisions.whatif import WhatIf, recommended_exits, what_if
    from partnerkit.io import export_frame
    from partnerkit.load import LoadReport, PortfolioError, Problem
    from partnerkit.load.accounts import overlaps_from_accounts
    from partnerkit.load.presets import PRESETS
    from partnerkit.load.read import DroppedRowsWarning, SourceError, read_portfolio
    from partnerkit.metrics.scorecard import SCORECARD_COLUMNS
    from partnerkit.policy import HealthDimension, HealthMetric, Policy
    from partnerkit.portfolio import Portfolio
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
    "Analysis": "partnerkit.analysis",
    "analyze": "partnerkit.analysis",
    "quick_scorecard": "partnerkit.analysis",
    "export_chart": "partnerkit.charts.export",
    "export_charts": "partnerkit.charts.export",
    "export_decisions": "partnerkit.decisions.export",
    "Ledger": "partnerkit.decisions.ledger",
    "LedgerError": "partnerkit.decisions.ledger",
    "REASONS": "partnerkit.decisions.recommend",
    "recommend": "partnerkit.decisions.recommend",
    "WhatIf": "partnerkit.decisions.whatif",
    "recommended_exits": "partnerkit.decisions.whatif",
    "what_if": "partnerkit.decisions.whatif",
    "export_frame": "partnerkit.io",
    "LoadReport": "partnerkit.load",
    "PortfolioError": "partnerkit.load",
    "Problem": "partnerkit.load",
    "overlaps_from_accounts": "partnerkit.load.accounts",
    "PRESETS": "partnerkit.load.presets",
    "DroppedRowsWarning": "partnerkit.load.read",
    "SourceError": "partnerkit.load.read",
    "read_portfolio": "partnerkit.load.read",
    "SCORECARD_COLUMNS": "partnerkit.metrics.scorecard",
    "HealthDimension": "partnerkit.policy",
    "HealthMetric": "partnerkit.policy",
    "Policy": "partnerkit.policy",
    "Portfolio": "partnerkit.portfolio",
    "build_report": "partnerkit.report",
}
"""Where each public name lives: imported from there on first use."""


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__, subpackages=("load", "samples"))
