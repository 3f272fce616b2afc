"""Generate the ``deals`` table of a sample portfolio, one chunk of partners at a time.

Each partner's expected deals per month follow its pattern's rate and shape over time; counts
are Poisson draws (or the rounded expectation for patterns planted exactly). Every deal then
gets, vectorised over all rows: a created day, an account from the partner's territory, a
source, an amount, a cycle length, the point of the cycle where the partner was engaged, and
an outcome whose odds fall the later the partner was engaged. Deals whose close would fall
after the end are still open. Direct deals (no partner) are drawn alongside, smaller and
less often won than partner deals.

Examples
--------
>>> from partnerkit.samples.partners import small_plan
>>> plan = small_plan(40)
>>> chunk = deal_chunk(plan, 0, 40, scale=deal_scale(plan, 20.0), per_partner=20.0, offset=0)
>>> chunk.columns[:4], chunk["deal_id"][0]
(['deal_id', 'partner_id', 'account_id', 'created_on'], 'D000001')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from partnerkit.samples.partners import (
    PATTERN_NAMES,
    TERRITORY,
    PartnerPlan,
    pattern_param,
    stream,
)
from partnerkit.samples.patterns import DIRECT, PATTERNS
from partnerkit.samples.timeline import day_number
from partnerkit.schema import OUTCOMES, SOURCES, schema_of

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["deal_chunk", "deal_rates", "deal_scale", "id_width", "shape", "valid_days"]

AMOUNT_MEDIAN = 18_000.0
"""Median deal size before the pattern's multiplier."""
AMOUNT_SPREAD = 0.9
"""Log-normal spread of deal sizes."""
MIN_AMOUNT = 250.0
MAX_AMOUNT_FACTOR = 12.0
"""No deal is larger than this many times its pattern's median size."""
CYCLE_MEDIAN = 60.0
"""Median days from creation to close."""
CYCLE_SPREAD = 0.6
CYCLE_RANGE = (7, 400)
PARTNER_CYCLE = 0.9
"""Partner deals close a little faster than direct ones."""
EARLY_BOOST = 1.3
"""Win-odds multiplier of a partner engaged at creation; it falls linearly with the
engaged fraction of the cycle by :data:`LATE_PENALTY` (to 0.6 at the close)."""
LATE_PENALTY = 0.7
MAX_WIN = 0.95
EXACT_MIN_MONTHLY = 2.0
"""Fewest deals a month of an exactly planted pattern (keeps its contrasts visible)."""
DAYS_PER_MONTH = 365.25 / 12
SHARED_ACCOUNTS = 8
"""Accounts of its territory that each competitor cycles its deals through."""
GROWTH = 0.3
"""Relative growth of a growing pattern's deal rate across the span."""
FADE = (540, 330, 0.08)
"""A fading pattern's deal rate falls linearly from full at 540 days before the end to 8% of
it at 330 days; its deals closing in the second half of the last year are lost, so all of its
wins in the last year come in the first half."""
FADE_ACTIVITY_FLOOR = 0.35
"""A fading pattern's activity falls to this share of its earlier rate."""
CURRENCY = "USD"


def id_width(expected: float) -> int:
    """Digits of zero-padded ids for about ``expected`` rows (room for twice as many).

    >>> id_width(6000), id_width(20_000_000)
    (6, 8)
    """
    return max(6, len(str(int(2 * expected + 1000))))


def valid_days(
    plan: PartnerPlan,
    part: slice,
    first: npt.NDArray[np.int64],
    last: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per partner in ``part`` and month bin: first and last usable day, and how many.

    A partner can use the days of a month between its own ``first`` and ``last`` day.

    >>> from datetime import date
    >>> from partnerkit.samples.partners import plan_partners
    >>> from partnerkit.samples.timeline import Timeline
    >>> plan = plan_partners(seed=1, partners=30, timeline=Timeline(date(2026, 9, 30), 2))
    >>> _, _, days = valid_days(plan, slice(0, 30), plan.first, plan.stop)
    >>> days.shape, int(days.max())
    ((30, 24), 31)
    """
    t = plan.timeline
    lo = np.maximum(t.month_lo[None, :], first[part, None])
    hi = np.minimum(t.month_hi[None, :], last[part, None])
    return lo, hi, np.maximum(hi - lo + 1, 0)


def shape(plan: PartnerPlan, part: slice, *, activity: bool = False) -> npt.NDArray[np.float64]:
    """Rate multiplier of each partner in ``part`` per month bin, from its pattern's shape.

    >>> from partnerkit.samples.partners import small_plan
    >>> plan = small_plan(30)
    >>> faded = shape(plan, slice(0, 30))[plan.is_pattern("faded")][0]
    >>> float(faded[0]), float(faded[-1])
    (1.0, 0.08)
    """
    t = plan.timeline
    mid = (t.month_lo + t.month_hi) / 2
    back = t.end_day - mid
    rows = np.ones((len(PATTERN_NAMES), t.months))
    for row, name in enumerate(PATTERN_NAMES):
        p = PATTERNS[name]
        if p.shape == "growing" and not activity:
            rows[row] = 1 - GROWTH / 2 + GROWTH * (mid - t.start_day) / (t.end_day - t.start_day)
        elif p.shape == "fading":
            full, gone, floor = FADE
            floor = FADE_ACTIVITY_FLOOR if activity else floor
            rows[row] = np.clip(floor + (1 - floor) * (back - gone) / (full - gone), floor, 1.0)
        elif p.shape == "incentive" and p.incentive is not None and not activity:
            first = t.months - 1 - p.incentive.months_back
            last = first + p.incentive.length
            rows[row, first:last] = p.incentive.during
            rows[row, last:] = p.incentive.after
    out: npt.NDArray[np.float64] = rows[plan.pattern[part]]
    return out


def deal_rates(plan: PartnerPlan, start: int, stop: int) -> npt.NDArray[np.float64]:
    """Relative expected partner deals per month bin for partners ``start:stop`` (unscaled).

    >>> from partnerkit.samples.partners import small_plan
    >>> plan = small_plan(30)
    >>> rates = deal_rates(plan, 0, 30)
    >>> rates.shape, float(rates[plan.is_pattern("prospect")].sum())
    ((30, 36), 0.0)
    """
    part = slice(start, stop)
    daily = pattern_param(plan.pattern[part], "deal_weight") * plan.productivity[part]
    _, _, days = valid_days(plan, part, plan.first, plan.deal_stop)
    out: npt.NDArray[np.float64] = daily[:, None] * shape(plan, part) * days
    return out


def deal_scale(plan: PartnerPlan, per_partner: float) -> float:
    """Factor turning :func:`deal_rates` into expected counts for ``per_partner`` deals each.

    ``per_partner`` counts all deals, direct ones included.

    >>> from partnerkit.samples.partners import small_plan
    >>> plan = small_plan(30)
    >>> expected = deal_rates(plan, 0, 30).sum() * deal_scale(plan, 10.0)
    >>> round(float(expected))  # 30 partners * 10 deals, less the 25% direct deals
    225
    """
    total = float(deal_rates(plan, 0, plan.size).sum())
    return (1 - DIRECT.share) * per_partner * plan.size / total


def _lognormal(rng: np.random.Generator, sigma: float, n: int) -> npt.NDArray[np.float64]:
    """Log-normal noise with median 1."""
    out: npt.NDArray[np.float64] = np.exp(sigma * rng.standard_normal(n))
    return out


def _cycles(rng: np.random.Generator, scale: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    raw = np.rint(CYCLE_MEDIAN * scale * _lognormal(rng, CYCLE_SPREAD, len(scale)))
    out: npt.NDArray[np.int64] = np.clip(raw, *CYCLE_RANGE).astype(np.int64)
    return out


def _amounts(rng: np.random.Generator, scale: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    noise = np.minimum(_lognormal(rng, AMOUNT_SPREAD, len(scale)), MAX_AMOUNT_FACTOR)
    raw = AMOUNT_MEDIAN * scale * noise
    out: npt.NDArray[np.float64] = np.round(np.maximum(raw, MIN_AMOUNT), 2).astype(np.float64)
    return out


def _counts(
    plan: PartnerPlan, rng: np.random.Generator, start: int, stop: int, scale: float
) -> npt.NDArray[np.int64]:
    """Deals per partner and month bin."""
    part = slice(start, stop)
    expected = deal_rates(plan, start, stop) * scale
    counts = rng.poisson(expected)
    exact = pattern_param(plan.pattern[part], "exact") > 0
    if exact.any():
        _, _, days = valid_days(plan, part, plan.first, plan.deal_stop)
        daily = scale * pattern_param(plan.pattern[part], "deal_weight") * plan.productivity[part]
        daily = np.maximum(daily, EXACT_MIN_MONTHLY / DAYS_PER_MONTH)
        planted = np.floor(daily[:, None] * shape(plan, part) * days + 0.5)
        counts = np.where(exact[:, None], planted, counts)
    out: npt.NDArray[np.int64] = counts.astype(np.int64)
    return out


def _within_partner_rank(owner: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Position of each row among the rows of the same key (rows grouped by key)."""
    n = len(owner)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    lengths = np.diff(np.r_[starts, n])
    out: npt.NDArray[np.int64] = np.arange(n) - np.repeat(starts, lengths)
    return out


def _planted_outcomes(
    won: npt.NDArray[np.bool_],
    owner: npt.NDArray[np.int64],
    pattern: npt.NDArray[np.int64],
    close: npt.NDArray[np.int64],
    plan: PartnerPlan,
) -> npt.NDArray[np.bool_]:
    """Apply the outcomes a fading pattern plants.

    No win after the window's first half, and at least one win in it (the earliest deal
    closing there).
    """
    t = plan.timeline
    half = day_number(t.half)
    fading = pattern_param(pattern, "fading") > 0
    won = won & ~(fading & (close > half))
    early = np.flatnonzero(fading & (close > t.window_day) & (close <= half))
    order = early[np.lexsort((close[early], owner[early]))]
    _, first = np.unique(owner[order], return_index=True)
    won[order[first]] = True
    return won


def deal_chunk(
    plan: PartnerPlan,
    start: int,
    stop: int,
    *,
    scale: float,
    per_partner: float,
    offset: int,
) -> pl.DataFrame:
    """Return the deals of partners ``start:stop`` plus their share of direct deals.

    ``offset`` is the number of deals in earlier chunks (deal ids continue from it). Rows are
    sorted by ``deal_id``, which follows ``created_on`` within the chunk.
    """
    t = plan.timeline
    rng = stream(plan.seed, 2, start)
    part = slice(start, stop)
    n, months = stop - start, t.months
    counts = _counts(plan, rng, start, stop, scale)
    cell = np.repeat(np.arange(n * months), counts.ravel())
    local, month = cell // months, cell % months
    owner = local + start
    lo, _, days = valid_days(plan, part, plan.first, plan.deal_stop)
    position = rng.random(len(cell))
    # exactly planted patterns space their deals evenly through the month instead
    spaced = (_within_partner_rank(cell) + 0.5) / counts.ravel()[cell]
    exact = pattern_param(plan.pattern[owner], "exact") > 0
    position = np.where(exact, spaced, position)
    created = lo[local, month] + (position * days[local, month]).astype(np.int64)

    pattern = plan.pattern[owner]
    rank = _within_partner_rank(owner)
    offsets = rng.integers(0, TERRITORY, len(cell))
    competitor = plan.is_pattern("competitor")[owner]
    offsets = np.where(competitor, rank % SHARED_ACCOUNTS, offsets)
    account = (plan.territory[owner] + offsets) % plan.accounts
    sourced = rng.random(len(cell)) < pattern_param(pattern, "sourced")
    amount = _amounts(rng, pattern_param(pattern, "amount"))
    cycle = _cycles(rng, pattern_param(pattern, "cycle") * PARTNER_CYCLE)
    close = created + cycle
    close = np.where(plan.capped[owner], np.minimum(close, plan.stop[owner]), close)
    is_open = close > t.end_day
    span = np.where(is_open, t.end_day - created, close - created)
    fraction = np.where(sourced, 0.0, rng.random(len(cell)))
    engaged = created + np.rint(fraction * span).astype(np.int64)
    elapsed = np.where(span > 0, (engaged - created) / np.maximum(span, 1), 0.0)
    p_win = np.clip(
        pattern_param(pattern, "win") * (EARLY_BOOST - LATE_PENALTY * elapsed), 0.0, MAX_WIN
    )
    won = _planted_outcomes(rng.random(len(cell)) < p_win, owner, pattern, close, plan)

    n_direct = round(DIRECT.share * per_partner * n)
    d_created = t.start_day + rng.integers(0, t.end_day - t.start_day + 1, n_direct)
    d_close = d_created + _cycles(rng, np.full(n_direct, DIRECT.cycle))
    d_won = rng.random(n_direct) < DIRECT.win
    columns = {
        "owner": np.r_[owner, np.full(n_direct, -1)],
        "account": np.r_[account, rng.integers(0, plan.accounts, n_direct)],
        "created": np.r_[created, d_created],
        "close": np.r_[close, d_close],
        "won": np.r_[won, d_won],
        "amount": np.r_[amount, _amounts(rng, np.full(n_direct, DIRECT.amount))],
        "source": np.r_[np.where(sourced, 0, 1), np.ones(n_direct, dtype=np.int64)],
        "engaged": np.r_[engaged, np.full(n_direct, -1)],
    }
    # created day, then partner (direct deals first), then the order of generation
    rank = np.where(columns["owner"] < 0, 0, columns["owner"] - start + 1)
    order = np.argsort((columns["created"] - t.start_day) * (n + 1) + rank, kind="stable")
    raw = pl.DataFrame({name: values[order] for name, values in columns.items()})
    return _deal_frame(raw, plan, offset=offset, end=t.end_day, per_partner=per_partner)


def _deal_frame(
    raw: pl.DataFrame, plan: PartnerPlan, *, offset: int, end: int, per_partner: float
) -> pl.DataFrame:
    """Turn the numeric draft of a chunk into canonical deal rows."""
    width = id_width(per_partner * plan.size)
    acc_width = max(5, len(str(plan.accounts)))
    is_open = pl.col("close") > end
    outcome = pl.when(is_open).then(0).when(pl.col("won")).then(1).otherwise(2)
    day = pl.Int32
    frame = raw.select(
        deal_id=pl.lit("D")
        + (pl.int_range(pl.len(), dtype=pl.Int64) + offset + 1).cast(pl.String).str.zfill(width),
        partner_id=pl.lit(plan.ids).gather(pl.when(pl.col("owner") >= 0).then(pl.col("owner"))),
        account_id=pl.lit("A") + (pl.col("account") + 1).cast(pl.String).str.zfill(acc_width),
        created_on=pl.col("created").cast(day).cast(pl.Date),
        closed_on=pl.when(~is_open).then(pl.col("close")).cast(day).cast(pl.Date),
        outcome=pl.lit(pl.Series(OUTCOMES)).gather(outcome),
        amount=pl.col("amount"),
        source=pl.lit(pl.Series(SOURCES)).gather(pl.col("source")),
        partner_engaged_on=pl.when(pl.col("engaged") >= 0)
        .then(pl.col("engaged"))
        .cast(day)
        .cast(pl.Date),
        currency=pl.lit(CURRENCY),
    )
    return frame.cast(schema_of("deals"))
