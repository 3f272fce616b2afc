"""Loading: read a portfolio from CSV/Parquet files or frames, map it, validate it.

The entry point is :func:`partnerkit.load.read.read_portfolio`. Modules: ``files``
(reading files with real-world dirt), ``dates`` and ``text`` (parsing cells), ``mapping``
(column and value mappings), ``presets`` (CRM export presets), ``conform`` (canonical
shape and dtypes), ``delivery`` (the lean frames handed out for lazy sources) and
``read`` (the whole pipeline).
"""

from __future__ import annotations

from partnerkit.load.presets import PRESETS, Preset
from partnerkit.load.problems import RULES, Problem, Rule, fix_hint, suggest
from partnerkit.load.read import DroppedRowsWarning, Loaded, SourceError, load, read_portfolio
from partnerkit.load.report import LoadReport, PortfolioError, TableReport, set_aside_lines

__all__ = [
    "PRESETS",
    "RULES",
    "DroppedRowsWarning",
    "LoadReport",
    "Loaded",
    "PortfolioError",
    "Preset",
    "Problem",
    "Rule",
    "SourceError",
    "TableReport",
    "fix_hint",
    "load",
    "read_portfolio",
    "set_aside_lines",
    "suggest",
]
