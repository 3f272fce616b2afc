"""Deterministic sample portfolios with planted patterns, for notebooks, tests and benchmarks.

:func:`generate` builds one in memory, :func:`write_sample` streams one to CSV or Parquet
files (``partnerkit sample OUT`` on the command line). Each partner follows one planted
pattern (:data:`PATTERNS`); the ``truth`` table names it, so an analysis can be checked
against what was planted.

Examples
--------
>>> sample = generate(partners=40, deals_per_partner=10)
>>> sorted(sample.tables())
['activities', 'deals', 'investments', 'overlaps', 'partners']
"""

from __future__ import annotations

from partnerkit.samples.generator import (
    DEFAULT_END,
    SamplePortfolio,
    SampleSpec,
    WrittenTable,
    generate,
    write_sample,
)
from partnerkit.samples.patterns import PATTERNS, Pattern, allocate

__all__ = [
    "DEFAULT_END",
    "PATTERNS",
    "Pattern",
    "SamplePortfolio",
    "SampleSpec",
    "WrittenTable",
    "allocate",
    "generate",
    "write_sample",
]
