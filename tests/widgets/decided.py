"""The five partners of the widget tests with their recommendations fixed.

Board tests check the board (queue order, decisions, what-if, ledger view), not the
recommendation rules, so the recommendations, reason codes and explanations are given here
rather than computed: a change to the rules does not move these tests.
"""

from __future__ import annotations

import polars as pl

from partnerkit.decisions import REASONS

SENTENCE = {r.code: r.meaning for r in REASONS}

RECOMMENDED = {
    "p1": ("invest", ["VITAL", "HIGH_HEALTH"], "Invest: in the vital few and healthy."),
    "p2": ("watch", ["VITAL", "FADING_TREND"], "Watch: revenue is fading."),
    "p3": ("keep", ["RAMPING_ON_TRACK"], "Keep: ramping and on track."),
    "p4": ("watch", ["NO_RESULTS"], "Watch: activity but no won deal."),
    "p5": ("exit", ["DORMANT", "LOW_HEALTH"], "Exit: nothing in a year, health low."),
}


def with_recommendations(card: pl.DataFrame) -> pl.DataFrame:
    """Add ``recommendation``, ``reasons`` and ``explanation`` from :data:`RECOMMENDED`."""
    ids = card["partner_id"].to_list()
    return card.with_columns(
        recommendation=pl.Series([RECOMMENDED[p][0] for p in ids]),
        reasons=pl.Series([RECOMMENDED[p][1] for p in ids], dtype=pl.List(pl.String)),
        explanation=pl.Series([RECOMMENDED[p][2] for p in ids]),
    )
