"""Lifecycle: productivity state, ramping vs. mature stage, and progress of ramping partners.

- **state** (W is the analysis window): ``productive`` when the partner's won revenue in W is
  material: above zero, at least ``policy.productive_min_revenue`` and at least
  ``policy.productive_min_share`` of the counted partners' total; ``active`` when it is not,
  but the partner gave a sign of life of its own within ``policy.active_days`` of as_of: a
  deal created or won through it, an activity it initiated, or a deal of it open at as_of and
  expected to close within ``active_days`` before as_of or later (a deal left open long
  after its expected close date is a stale record, not a sign of life; an undated one is
  dated by its creation); ``dormant`` otherwise. ``silent`` says there was no such sign of
  life, whatever the results (a productive partner can be silent). Our own touches
  (activities we initiated) never make a partner active: they are effort, not a signal from
  the partner. Without an
  activity log (or without initiators) only deals decide.
- **stage**: ``ramping`` while ``tenure_days < policy.ramp_days``, then ``mature``. Without a
  signing date the tenure is unknown and the partner is taken as ``mature`` (it is judged on
  results, the conservative reading for a relationship of unknown age). A partner signed
  after as_of has a negative tenure: it is ``ramping`` and, in the scorecard, not counted.
- **progress** (0-100): ramping partners are judged on progress rather than revenue; it is
  the mean score of ``policy.progress_metrics`` (default: enablement activities, pipeline
  created and overlap accounts worked in W), with null metrics left out; a metric scores 0
  when it is 0 (nothing done is no progress, however many partners did nothing too) and
  otherwise its percentile rank among the counted partners. It is computed for every
  counted partner so that a ramping partner is compared with the whole portfolio, not only
  with other newcomers. A ramping partner is
  on track with progress at or above ``policy.ramp_min_progress``, stalled otherwise.

Examples
--------
>>> import datetime as dt
>>> d = dt.date(2025, 6, 30)
>>> f = pl.LazyFrame({"won_revenue": [900.0, 0.0, 0.0, 0.5], "open_deals": [0, 0, 0, 0],
...     "last_deal_on": [None, d, None, None],
...     "last_partner_activity_on": [None, None, dt.date(2024, 1, 1), None],
...     "counted": [True] * 4, "tenure_days": [400, 100, None, 800]},
...     schema_overrides={"last_deal_on": pl.Date})
>>> from partnerkit.policy import Policy
>>> p = Policy()
>>> state = productivity_state(f, as_of=d, active_days=p.active_days,
...     min_share=p.productive_min_share, min_revenue=p.productive_min_revenue)
>>> out = lifecycle(state, ramp_days=p.ramp_days)
>>> out.select("state", "stage").collect().rows()
[('productive', 'mature'), ('active', 'ramping'), ('dormant', 'mature'), ('dormant', 'mature')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from partnerkit.metrics.health import percentile_rank

__all__ = ["STAGES", "STATES", "lifecycle", "productivity_state", "progress"]

STATES = ("productive", "active", "dormant")
"""Productivity states, best first."""
STAGES = ("ramping", "mature")
"""Lifecycle stages."""


def productivity_state(
    frame: pl.LazyFrame,
    /,
    *,
    as_of: dt.date,
    active_days: int,
    min_share: float,
    min_revenue: float,
    include: str | None = "counted",
) -> pl.LazyFrame:
    """Add ``state``: productive / active / dormant (module docstring), and ``silent``.

    ``silent`` is true when the partner gave no sign of life of its own within
    ``active_days``, whatever its results: every dormant partner, and a productive one
    whose results lie in the past.

    ``active_days``, ``min_share`` and ``min_revenue`` are the policy's ``active_days``,
    ``productive_min_share`` and ``productive_min_revenue`` (no default: the caller passes
    the policy's).

    Requires columns: ``won_revenue``, ``last_deal_on``, ``last_partner_activity_on``,
    ``open_until`` (the latest expected close date of the partner's open deals; nulls count
    as no signal) and ``include`` (unless None): the partners whose revenue makes the total
    that ``min_share`` is a share of. A frame with ``open_deals`` instead of ``open_until``
    counts every open deal as a signal. ``last_win_on`` (the latest won deal's close date),
    when present, is a signal too: a deal won through the partner is one of its own.
    """
    won = pl.col("won_revenue").fill_null(0.0)
    keep = pl.lit(value=True) if include is None else pl.col(include).fill_null(value=False)
    total = won.filter(keep).sum()
    material = (won > 0) & (won >= min_revenue) & (won >= total * min_share)
    since = pl.lit(as_of - dt.timedelta(days=active_days))
    names = frame.collect_schema().names()
    signal = (
        (pl.col("last_deal_on") > since).fill_null(value=False)
        | (pl.col("last_partner_activity_on") > since).fill_null(value=False)
        | (
            (pl.col("last_win_on") > since).fill_null(value=False)
            if "last_win_on" in names
            else pl.lit(value=False)
        )
        | (
            (pl.col("open_until") > since).fill_null(value=False)
            if "open_until" in names
            else (pl.col("open_deals").fill_null(0) > 0)
        )
    )
    return frame.with_columns(
        state=pl.when(material)
        .then(pl.lit(STATES[0]))
        .when(signal)
        .then(pl.lit(STATES[1]))
        .otherwise(pl.lit(STATES[2])),
        silent=~signal,
    )


def lifecycle(frame: pl.LazyFrame, /, *, ramp_days: int) -> pl.LazyFrame:
    """Add ``stage``: ramping while ``tenure_days < ramp_days``, else (or unknown) mature.

    ``ramp_days`` is the policy's (no default).

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
    """Add ``progress``: mean score of ``metrics`` among included partners.

    A metric scores 0 when it is 0 or less, else its percentile rank among the included
    partners. Requires columns: ``include`` and the ``metrics``; an unknown column raises
    ``ValueError``. Null metrics are left out; null when none is left.

    >>> f = pl.LazyFrame({"a": [0, 0, 0, 10], "b": [1.0, None, 0.0, 3.0]})
    >>> progress(f, metrics=["a", "b"], include=None).collect()["progress"].to_list()
    [25.0, 0.0, 0.0, 100.0]
    """
    names = set(frame.collect_schema().names())
    unknown = sorted(set(metrics) - names)
    if unknown:
        raise ValueError("progress metrics not in the scorecard: " + ", ".join(unknown))
    keep = None if include is None else pl.col(include).fill_null(value=False)
    if not metrics:
        return frame.with_columns(progress=pl.lit(None, dtype=pl.Float64))
    return frame.with_columns(
        progress=pl.mean_horizontal(
            pl.when(pl.col(m) > 0)
            .then(rank)
            .when(rank.is_not_null())  # included with a value of 0 or less
            .then(pl.lit(0.0))
            for m, rank in ((m, percentile_rank(pl.col(m), include=keep)) for m in metrics)
        )
    )
