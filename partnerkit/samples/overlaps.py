"""Generate the ``overlaps`` table (account mapping) of a sample portfolio.

Each partner maps some accounts of its territory. Our status of an account is a property of
the account (the same whoever maps it); the partner's status is drawn per row. Two patterns
steer the choice: a dormant partner with untapped overlap maps mostly accounts where we
prospect, and at least 11 of them are its customers (co-sell potential); a dormant partner
without overlap maps at most a few accounts, none of which we prospect. Each competitor maps
the accounts it shares with its rival first.

Examples
--------
>>> from partnerkit.samples.partners import small_plan
>>> plan = small_plan(40)
>>> overlap_chunk(plan, 0, 40).columns
['partner_id', 'account_id', 'our_status', 'partner_status']
"""

from __future__ import annotations

import numpy as np
import polars as pl

from partnerkit.samples.deals import SHARED_ACCOUNTS
from partnerkit.samples.partners import (
    PATTERN_NAMES,
    STATUS_CYCLE,
    TERRITORY,
    PartnerPlan,
    stream,
)
from partnerkit.samples.patterns import PATTERNS
from partnerkit.schema import OVERLAP_STATUSES, schema_of

__all__ = ["COSELL_MIN", "PARTNER_STATUS", "overlap_chunk"]

PARTNER_STATUS = {"customer": 0.45, "prospect": 0.35, "none": 0.2}
"""Odds of the partner's status of a mapped account."""
COSELL_MIN = (11, 14)
"""Range of co-sell accounts (our prospect, their customer) of a dormant untapped partner."""


def overlap_chunk(plan: PartnerPlan, start: int, stop: int) -> pl.DataFrame:
    """Return the account mapping of partners ``start:stop``, sorted by partner and account."""
    rng = stream(plan.seed, 5, start)
    part = slice(start, stop)
    n = stop - start
    pattern = plan.pattern[part]
    lo = np.array([PATTERNS[name].overlap_rows[0] for name in PATTERN_NAMES])[pattern]
    hi = np.array([PATTERNS[name].overlap_rows[1] for name in PATTERN_NAMES])[pattern]
    rows = lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64)

    account = (plan.territory[part, None] + np.arange(TERRITORY)[None, :]) % plan.accounts
    ours = plan.our_status[account % len(STATUS_CYCLE)]
    prospect = ours == OVERLAP_STATUSES.index("prospect")
    key = rng.random((n, TERRITORY))
    untapped = (pattern == PATTERN_NAMES.index("dormant_untapped"))[:, None]
    no_overlap = (pattern == PATTERN_NAMES.index("dormant_no_overlap"))[:, None]
    competitor = (pattern == PATTERN_NAMES.index("competitor"))[:, None]
    shared = np.arange(TERRITORY)[None, :] < SHARED_ACCOUNTS
    key = np.where(untapped & prospect, key - 1, key)
    key = np.where(no_overlap & prospect, key + 1, key)
    key = np.where(competitor & shared, key - 1, key)
    order = np.argsort(key, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(TERRITORY)[None, :].repeat(n, axis=0), axis=1)
    chosen = rank < rows[:, None]

    odds = np.cumsum(list(PARTNER_STATUS.values()))
    theirs = np.searchsorted(odds, rng.random((n, TERRITORY)) * odds[-1])
    theirs = np.array([OVERLAP_STATUSES.index(s) for s in PARTNER_STATUS])[theirs]
    cosell = COSELL_MIN[0] + (rng.random(n) * (COSELL_MIN[1] - COSELL_MIN[0] + 1)).astype(int)
    forced = untapped & (rank < cosell[:, None])
    theirs = np.where(forced, OVERLAP_STATUSES.index("customer"), theirs)

    local, slot = np.nonzero(chosen)
    raw = pl.DataFrame(
        {
            "owner": local + start,
            "account": account[local, slot],
            "ours": ours[local, slot],
            "theirs": theirs[local, slot],
        }
    )
    acc_width = max(5, len(str(plan.accounts)))
    statuses = pl.lit(pl.Series(OVERLAP_STATUSES))
    frame = raw.sort(["owner", "account"]).select(
        partner_id=pl.lit(plan.ids).gather(pl.col("owner")),
        account_id=pl.lit("A") + (pl.col("account") + 1).cast(pl.String).str.zfill(acc_width),
        our_status=statuses.gather(pl.col("ours")),
        partner_status=statuses.gather(pl.col("theirs")),
    )
    return frame.cast(schema_of("overlaps"))
