"""Loading: read a portfolio from CSV/Parquet/Excel files or frames, map it, validate it.

The entry points are :func:`read_portfolio` (files or frames), :func:`from_frames`
(frames, one per table) and :func:`load` (the load report without raising). Modules:
``files`` (reading files with real-world dirt), ``dates`` and ``text`` (parsing cells),
``mapping`` (column and value mappings), ``presets`` (CRM export presets), ``conform``
(canonical shape and dtypes), ``delivery`` (the lean frames handed out for lazy sources),
``read`` (the whole pipeline), ``accounts`` (the ``overlaps`` table from two account
lists); and validation: ``problems`` (the rules and a broken rule), ``contract`` (the
checks the schema implies), ``checks`` (evaluating checks in two streaming passes) and
``report`` (the load report and :class:`PortfolioError`).
"""

from __future__ import annotations

from partnerkit.load.presets import PRESETS, Preset
from partnerkit.load.problems import RULES, Problem, Rule, fix_hint, suggest
from partnerkit.load.read import (
    DroppedRowsWarning,
    Loaded,
    LoadWarning,
    SourceError,
    from_frames,
    load,
    read_portfolio,
)
from partnerkit.load.report import LoadReport, PortfolioError, TableReport, set_aside_lines

__all__ = [
    "PRESETS",
    "RULES",
    "DroppedRowsWarning",
    "LoadReport",
    "LoadWarning",
    "Loaded",
    "PortfolioError",
    "Preset",
    "Problem",
    "Rule",
    "SourceError",
    "TableReport",
    "fix_hint",
    "from_frames",
    "load",
    "read_portfolio",
    "set_aside_lines",
    "suggest",
]
