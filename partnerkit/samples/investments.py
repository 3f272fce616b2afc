"""Generate the ``investments`` table of a sample portfolio, one chunk of partners at a time.

For every partner, quarter and spending category the generator flips a coin weighted by the
pattern's investment intensity; a hit starts an investment early in that quarter, lasting a
category-typical span. Dormant and exited partners' spending stops at their last event. The
planted incentives are added as written in their pattern.

Examples
--------
>>> from partnerkit.samples.partners import small_plan
>>> plan = small_plan(40)
>>> chunk = investment_chunk(plan, 0, 40)
>>> sorted(set(chunk["category"]))[:3]
['incentive', 'mdf', 'people']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from partnerkit.samples.partners import PATTERN_NAMES, PartnerPlan, pattern_param, stream
from partnerkit.samples.patterns import PATTERNS
from partnerkit.schema import INVESTMENT_CATEGORIES, schema_of

__all__ = ["SPENDING", "Spending", "investment_chunk"]


@dataclass(frozen=True)
class Spending:
    """How one investment category is spent: odds per quarter, span in days, median amount."""

    odds: float
    days: tuple[int, int]
    median: float
    ongoing: bool = False
    """Whether an investment still running at the end may be open-ended (no end date)."""


SPENDING = {
    "people": Spending(0.25, (365, 365), 40_000.0, ongoing=True),
    "product": Spending(0.15, (180, 365), 8_000.0, ongoing=True),
    "promotion": Spending(0.3, (30, 90), 6_000.0),
    "programs": Spending(0.3, (60, 180), 5_000.0),
    "mdf": Spending(0.5, (90, 90), 12_000.0),
}
"""Every category but ``incentive``, which is planted explicitly."""
AMOUNT_SPREAD = 0.5
START_JITTER = 45
"""Investments start within this many days of the quarter's start."""
OPEN_ENDED = 0.5
"""Share of ongoing investments still running at the end that carry no end date."""
MAX_ODDS = 0.95


def investment_chunk(plan: PartnerPlan, start: int, stop: int) -> pl.DataFrame:
    """Return the investments of partners ``start:stop``, sorted by partner and start."""
    t = plan.timeline
    rng = stream(plan.seed, 4, start)
    part = slice(start, stop)
    n = stop - start
    quarters = t.month_lo[::3]
    cats = list(SPENDING)
    odds = np.array([SPENDING[c].odds for c in cats])
    intensity = pattern_param(plan.pattern[part], "invest")
    hit = rng.random((n, len(quarters), len(cats))) < np.minimum(
        intensity[:, None, None] * odds[None, None, :], MAX_ODDS
    )
    local, quarter, cat = np.nonzero(hit)
    owner = local + start
    begin = quarters[quarter] + rng.integers(0, START_JITTER, len(owner))
    keep = (begin >= plan.first[owner]) & (begin <= plan.stop[owner]) & (begin <= t.end_day)
    owner, begin, cat = owner[keep], begin[keep], cat[keep]
    lo = np.array([SPENDING[c].days[0] for c in cats])[cat]
    hi = np.array([SPENDING[c].days[1] for c in cats])[cat]
    finish = begin + lo + (rng.random(len(owner)) * (hi - lo + 1)).astype(np.int64) - 1
    finish = np.where(plan.capped[owner], np.minimum(finish, plan.stop[owner]), finish)
    ongoing = np.array([SPENDING[c].ongoing for c in cats])[cat]
    open_ended = ongoing & (finish > t.end_day) & (rng.random(len(owner)) < OPEN_ENDED)
    median = np.array([SPENDING[c].median for c in cats])[cat]
    scale = pattern_param(plan.pattern[owner], "invest_amount")
    amount = median * scale * np.exp(AMOUNT_SPREAD * rng.standard_normal(len(owner)))
    category = np.array([INVESTMENT_CATEGORIES.index(c) for c in cats])[cat]

    planted = [
        (i, PATTERNS[PATTERN_NAMES[code]].incentive)
        for i, code in enumerate(plan.pattern[part].tolist(), start=start)
        if PATTERNS[PATTERN_NAMES[code]].incentive is not None
    ]
    extra_owner = np.array([i for i, _ in planted], dtype=np.int64)
    extra_begin = np.array([t.month_start(inc.months_back) for _, inc in planted if inc])
    extra_finish = np.array(
        [t.month_start(inc.months_back - inc.length) - 1 for _, inc in planted if inc]
    )
    extra_amount = np.array([inc.amount for _, inc in planted if inc])

    raw = pl.DataFrame(
        {
            "owner": np.r_[owner, extra_owner].astype(np.int64),
            "category": np.r_[
                category, np.full(len(planted), INVESTMENT_CATEGORIES.index("incentive"))
            ].astype(np.int64),
            "begin": np.r_[begin, extra_begin].astype(np.int64),
            "finish": np.r_[np.where(open_ended, -1, finish), extra_finish].astype(np.int64),
            "amount": np.round(np.r_[amount, extra_amount], 2),
        }
    )
    frame = raw.sort(["owner", "begin", "category", "finish", "amount"]).select(
        partner_id=pl.lit(plan.ids).gather(pl.col("owner")),
        category=pl.lit(pl.Series(INVESTMENT_CATEGORIES)).gather(pl.col("category")),
        starts_on=pl.col("begin").cast(pl.Int32).cast(pl.Date),
        ends_on=pl.when(pl.col("finish") >= 0).then(pl.col("finish")).cast(pl.Int32).cast(pl.Date),
        amount=pl.col("amount"),
    )
    return frame.cast(schema_of("investments"))
