"""The order partners needing a decision are worked through: most urgent, most at stake first.

One order for every view that lists decisions to make: the decision board's queue, the
report's review pages. Recommendations are taken in :data:`~partnerkit.decisions.recommend.URGENCY`
(exits first, then watches, investments, keeps); within one, the partner with the most money
at stake first (``at_stake``: the sum of the :data:`STAKE_COLUMNS` present, nulls as 0,
rounded to cents), then ``partner_id``.

Examples
--------
>>> card = pl.DataFrame({"partner_id": ["a", "b", "c"], "recommendation": ["keep", "exit", "exit"],
...     "won_revenue": [900.0, 10.0, 50.0], "open_pipeline": [0.0, 100.0, None]})
>>> in_queue_order(card).select("partner_id", "at_stake").rows()
[('b', 110.0), ('c', 50.0), ('a', 900.0)]
"""

from __future__ import annotations

import polars as pl

from partnerkit.decisions.recommend import URGENCY

__all__ = ["STAKE_COLUMNS", "at_stake", "in_queue_order"]

STAKE_COLUMNS: tuple[str, ...] = ("won_revenue", "open_pipeline", "investment")
"""Scorecard columns summed into ``at_stake``: what a decision on the partner touches."""


def at_stake(columns: list[str] | tuple[str, ...], /) -> pl.Expr:
    """Expression: the money at stake, the sum of the :data:`STAKE_COLUMNS` among ``columns``.

    Nulls count as 0; the sum is rounded to cents (0 when no stake column is present).

    >>> card = pl.DataFrame({"won_revenue": [1.005, None], "investment": [2.0, None]})
    >>> card.select(at_stake(card.columns)).to_series().to_list()
    [3.0, 0.0]
    """
    stake = [pl.col(name).fill_null(0.0) for name in STAKE_COLUMNS if name in columns]
    return (pl.sum_horizontal(stake) if stake else pl.lit(0.0)).round(2).alias("at_stake")


def in_queue_order(frame: pl.DataFrame, /) -> pl.DataFrame:
    """Add ``at_stake`` and sort the rows in queue order (module docstring).

    Requires columns: ``partner_id``, ``recommendation`` (values outside
    :data:`~partnerkit.decisions.recommend.URGENCY`, and nulls, come last).
    """
    order = {d: i for i, d in enumerate(URGENCY)}
    return frame.with_columns(at_stake(frame.columns)).sort(
        [
            pl.col("recommendation").replace_strict(order, default=len(order)),
            pl.col("at_stake"),
            pl.col("partner_id"),
        ],
        descending=[False, True, False],
    )
