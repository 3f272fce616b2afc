"""What every view reads from an analysis: the one :class:`AnalysisLike` protocol.

:class:`partnerkit.analysis.Analysis` is the real thing; charts, widgets, the report and the
what-if read it through this protocol so that a test can hand them a small stand-in with the
same attribute names. The scorecard carries the recommendations (``recommendation``,
``reasons``, ``explanation``, ...): they are computed once, by
:func:`partnerkit.analysis.analyze`, and every consumer reads them from there
(:func:`partnerkit.decisions.recommend.require_recommendations` checks they are present).

The module imports nothing of the package but the policy, so that any layer may name the
protocol without importing the analysis itself.

Examples
--------
>>> MEMBERS[:4]
('as_of', 'window_start', 'policy', 'scorecard')
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import polars as pl

from partnerkit.policy import Policy

__all__ = ["MEMBERS", "AnalysisLike"]


class AnalysisLike(Protocol):
    """The attributes of an analysis that charts, widgets, the report and the what-if read.

    See :class:`partnerkit.analysis.Analysis` for what each one holds.
    """

    @property
    def as_of(self) -> dt.date:
        """Last day of the analysis window."""

    @property
    def window_start(self) -> dt.date:
        """The window is (window_start, as_of]."""

    @property
    def policy(self) -> Policy:
        """The policy the analysis ran with."""

    @property
    def scorecard(self) -> pl.DataFrame:
        """One row per partner, with its recommendation, reasons and explanation."""

    @property
    def concentration(self) -> pl.DataFrame:
        """One-row Pareto summary."""

    @property
    def vital_quarters(self) -> pl.DataFrame:
        """Vital-few membership and won revenue per partner and quarter."""

    @property
    def health_explained(self) -> pl.DataFrame:
        """The numbers behind each health score."""

    @property
    def health_percentiles(self) -> pl.DataFrame:
        """The percentiles health weighs, one row per scorecard row in the same order."""

    @property
    def lift(self) -> pl.DataFrame:
        """With vs. without partner."""

    @property
    def coverage(self) -> pl.DataFrame:
        """``partner_id``, ``account_id``: the accounts each partner covers."""

    @property
    def notes(self) -> tuple[str, ...]:
        """One sentence per analysis that could not be computed or was degraded."""


MEMBERS: tuple[str, ...] = (
    "as_of",
    "window_start",
    "policy",
    "scorecard",
    "concentration",
    "vital_quarters",
    "health_explained",
    "health_percentiles",
    "lift",
    "coverage",
    "notes",
)
"""The names :class:`AnalysisLike` declares, in its order."""
