"""Lifecycle: productivity state, ramping vs. mature stage, and progress of ramping partners.

- **state** (W is the analysis window): ``productive`` when the partner won a deal closed in
  W; ``active`` when it did not, but had an activity in W or a deal created in W;
  ``dormant`` otherwise. Without an activity log only deals decide.
- **stage**: ``ramping`` while ``tenure_days < policy.ramp_days``, then ``mature``. Without a
  signing date the tenure is unknown and the partner is taken as ``mature`` (it is judged on
  results, the conservative reading for a relationship of unknown age). A partner signed
  after as_of has a negative tenure: it is ``ramping`` and, in the scorecard, not counted.
- **progress** (0-100): ramping partners are judged on progress rather than revenue; it is
  the mean percentile rank, among the counted partners, of ``policy.progress_metrics``
  (default: enablement activities, pipeline created and overlap accounts worked in W), with
  null metrics left out. It is computed for every counted partner so that a ramping partner
  is compared with the whole portfolio, not only with other newcomers.

Examples
--------
>>> f = pl.LazyFrame({"won_deals": [2, 0, 0], "activities": [0, 3, None],
...     "deals_created": [0, 0, 0], "tenure_days": [400, 100, None]})
>>> lifecycle(productivity_state(f), ramp_days=270).select("state", "stage").collect().rows()
[('productive', 'mature'), ('active', 'ramping'), ('dormant', 'mature')]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from partnerkit.metrics.health import percentile_rank

__all__ = ["STAGES", "STATES", "lifecycle", "productivity_state", "progress"]

STATES = ("productive", "active", "dormant")
"""Productivity states, best first."""
STAGES = ("ramping", "mature")
"""Lifecycle stages."""


def productivity_state(frame: pl.LazyFrame, /) -> pl.LazyFrame:
    """Add ``state``: productive / active / dormant (module docstring).

    Requires columns: ``won_deals``, ``deals_created`` and ``activities`` (null = unknown,
    counted as none).
    """
    return frame.with_columns(
        state=pl.when(pl.col("won_deals").fill_null(0) > 0)
        .then(pl.lit(STATES[0]))
        .when((pl.col("activities").fill_null(0) > 0) | (pl.col("deals_created").fill_null(0) > 0))
        .then(pl.lit(STATES[1]))
        .otherwise(pl.lit(STATES[2]))
    )


def lifecycle(frame: pl.LazyFrame, /, *, ramp_days: int = 270) -> pl.LazyFrame:
    """Add ``stage``: ramping while ``tenure_days < ramp_days``, else (or unknown) mature.

    Requires columns: ``tenure_days``.
    """
    return frame.with_columns(
        stage=pl.when(pl.col("tenure_days") < ramp_days)
        .then(pl.lit(STAGES[0]))
        .otherwise(pl.lit(STAGES[1]))
    )


def progress(
    frame: pl.LazyFrame,
    /,
    *,
    metrics: Sequence[str],
    include: str | None = "counted",
) -> pl.LazyFrame:
    """Add ``progress``: mean percentile rank of ``metrics`` among included partners.

    Requires columns: ``include`` and the ``metrics``; an unknown column raises
    ``ValueError``. Null metrics are left out; null when none is left.

    >>> f = pl.LazyFrame({"a": [0, 5, 10], "b": [1.0, None, 3.0]})
    >>> progress(f, metrics=["a", "b"], include=None).collect()["progress"].to_list()
    [0.0, 50.0, 100.0]
    """
    names = set(frame.collect_schema().names())
    unknown = sorted(set(metrics) - names)
    if unknown:
        raise ValueError("progress metrics not in the scorecard: " + ", ".join(unknown))
    keep = None if include is None else pl.col(include).fill_null(value=False)
    if not metrics:
        return frame.with_columns(progress=pl.lit(None, dtype=pl.Float64))
    return frame.with_columns(
        progress=pl.mean_horizontal(percentile_rank(pl.col(m), include=keep) for m in metrics)
    )
