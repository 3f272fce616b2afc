"""Loading: read a portfolio from CSV/Parquet files or frames, map it, validate it.

The entry point is :func:`partnerkit.load.read.read_portfolio`. Modules: ``files``
(reading files with real-world dirt), ``dates`` and ``text`` (parsing cells), ``mapping``
(column and value mappings), ``presets`` (CRM export presets), ``conform`` (canonical
shape and dtypes), ``delivery`` (the lean frames handed out for lazy sources) and
``read`` (the whole pipeline).
"""

from __future__ import annotations

from partnerkit.load.presets import PRESETS, Preset
from partnerkit.load.read import DroppedRowsWarning, Loaded, SourceError, load, read_portfolio

__all__ = [
    "PRESETS",
    "DroppedRowsWarning",
    "Loaded",
    "Preset",
    "SourceError",
    "load",
    "read_portfolio",
]
