"""Generate the ``activities`` table of a sample portfolio, one chunk of partners at a time.

Activities per partner and month are Poisson draws around the pattern's rate; every active,
non-dormant partner gets at least one activity in two months of the last year, so only the
planted dormant partners are dormant. The kind follows the pattern's mix and the hours the
kind. Who initiated it is set so that each partner's share of hours put in by us, within the
last year and before it, stays on the planted side of a target drawn from its pattern's range
(see :func:`_directions`). Patterns that plant a referral balance draw the direction of
referrals and introductions with their own odds first.

Examples
--------
>>> from partnerkit.samples.partners import small_plan
>>> plan = small_plan(40)
>>> chunk = activity_chunk(plan, 0, 40, scale=activity_scale(plan, 30.0))
>>> chunk.columns
['partner_id', 'occurred_on', 'kind', 'initiated_by', 'hours']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from partnerkit.samples.deals import shape, valid_days
from partnerkit.samples.partners import PATTERN_NAMES, PartnerPlan, pattern_param, stream
from partnerkit.samples.patterns import PATTERNS
from partnerkit.schema import ACTIVITY_KINDS, INITIATORS, schema_of

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["activity_chunk", "activity_rates", "activity_scale"]

HOURS = {
    "enablement": 2.0,
    "training": 4.0,
    "certification": 8.0,
    "qbr": 2.0,
    "joint_marketing": 6.0,
    "cosell": 3.0,
    "exec_meeting": 1.5,
    "referral": 0.5,
    "intro": 0.5,
    "other": 1.0,
}
"""Median hours of each activity kind."""
HOURS_SPREAD = 0.4
HOURS_STEP = 0.25
MISSING_HOURS = 0.03
"""Share of activities logged without hours."""
WINDOW_MONTHS = 12
ACTIVE_FLOOR_MONTHS = 2
"""Months of the last year in which every active, non-dormant partner has an activity."""
TWO_WAY = ("referral", "intro")
"""Kinds whose direction is who referred or introduced whom."""


def activity_rates(plan: PartnerPlan, start: int, stop: int) -> npt.NDArray[np.float64]:
    """Relative expected activities per month bin for partners ``start:stop`` (unscaled).

    >>> from partnerkit.samples.partners import small_plan
    >>> plan = small_plan(30)
    >>> rates = activity_rates(plan, 0, 30)
    >>> bool((rates[plan.is_pattern("dormant_untapped")][:, -12:] == 0).all())
    True
    """
    part = slice(start, stop)
    daily = pattern_param(plan.pattern[part], "activity_weight")
    _, _, days = valid_days(plan, part, plan.activity_first, plan.stop)
    out: npt.NDArray[np.float64] = daily[:, None] * shape(plan, part, activity=True) * days
    return out


def activity_scale(plan: PartnerPlan, per_partner: float) -> float:
    """Factor turning :func:`activity_rates` into counts for ``per_partner`` activities each.

    >>> from partnerkit.samples.partners import small_plan
    >>> plan = small_plan(30)
    >>> round(float(activity_rates(plan, 0, 30).sum() * activity_scale(plan, 20.0)))
    600
    """
    return per_partner * plan.size / float(activity_rates(plan, 0, plan.size).sum())


def _floor(
    plan: PartnerPlan, rng: np.random.Generator, part: slice, counts: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Give active, uncapped partners an activity in two distinct months of the last year."""
    n, months = counts.shape
    _, _, days = valid_days(plan, part, plan.activity_first, plan.stop)
    status_active = np.array(
        [PATTERNS[PATTERN_NAMES[c]].status == "active" for c in range(len(PATTERN_NAMES))]
    )[plan.pattern[part]]
    eligible = status_active & ~plan.capped[part]
    first = rng.integers(0, WINDOW_MONTHS, n)
    second = (first + 1 + rng.integers(0, WINDOW_MONTHS - 1, n)) % WINDOW_MONTHS
    out = counts.copy()
    rows = np.arange(n)
    for pick in (first, second):
        month = months - WINDOW_MONTHS + pick
        bump = eligible & (days[rows, month] > 0)
        out[rows[bump], month[bump]] = np.maximum(out[rows[bump], month[bump]], 1)
    return out


def _directions(  # noqa: PLR0917  (parallel row arrays)
    owner: npt.NDArray[np.int64],
    recent: npt.NDArray[np.bool_],
    hours: npt.NDArray[np.float64],
    fixed: npt.NDArray[np.int8],
    target: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> npt.NDArray[np.bool_]:
    """Whether each row was initiated by us (see the module docstring).

    ``fixed`` is 1 (us) or 0 (partner) for rows whose direction is already drawn, -1 for the
    rest. Per partner and period, the side with the smaller target share (the minority) takes
    free rows in random order while its hours stay within its share of all hours; the other
    side takes the remaining rows. So our share never exceeds a target below one half, and
    never falls below a target above one half.
    """
    n = len(owner)
    if n == 0:
        return np.zeros(0, dtype=np.bool_)
    h = np.where(np.isnan(hours), 0.0, hours)
    minority_us = target < 0.5
    share = np.where(minority_us, target, 1 - target)
    on_minority = (fixed == 1) == minority_us
    # one float key: partner, then period, then a random position inside the group
    order = np.argsort(owner * 2.0 + recent + rng.random(n))
    o_owner, o_recent = owner[order], recent[order].astype(np.int8)
    new = np.r_[True, (np.diff(o_owner) != 0) | (np.diff(o_recent) != 0)]
    group = np.cumsum(new) - 1
    total = np.bincount(group, weights=h[order])
    taken = np.bincount(group, weights=np.where((fixed >= 0) & on_minority, h, 0.0)[order])
    budget = share[order] * total[group] - taken[group]
    free = np.where(fixed[order] < 0, h[order], 0.0)
    cum = np.cumsum(free)
    before_group = np.r_[0.0, cum][np.flatnonzero(new)][group]
    to_minority = (fixed[order] < 0) & (cum - before_group <= budget)
    minority = np.where(fixed[order] >= 0, on_minority[order], to_minority)
    us = np.empty(n, dtype=np.bool_)
    us[order] = minority == minority_us[order]
    return us


def _kinds(pattern: npt.NDArray[np.int64], u: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Draw each row's activity kind (index into ACTIVITY_KINDS) from its pattern's mix."""
    kind = np.zeros(len(pattern), dtype=np.int64)
    for code, name in enumerate(PATTERN_NAMES):
        rows = np.flatnonzero(pattern == code)
        cum = np.cumsum(PATTERNS[name].kinds)
        kind[rows] = np.minimum(np.searchsorted(cum, u[rows] * cum[-1], side="right"), len(cum) - 1)
    return kind


def activity_chunk(plan: PartnerPlan, start: int, stop: int, *, scale: float) -> pl.DataFrame:
    """Return the activities of partners ``start:stop``, sorted by partner, date and kind."""
    t = plan.timeline
    rng = stream(plan.seed, 3, start)
    part = slice(start, stop)
    n, months = stop - start, t.months
    counts = rng.poisson(activity_rates(plan, start, stop) * scale).astype(np.int64)
    counts = _floor(plan, rng, part, counts)
    cell = np.repeat(np.arange(n * months), counts.ravel())
    local, month = cell // months, cell % months
    owner = local + start
    lo, _, days = valid_days(plan, part, plan.activity_first, plan.stop)
    day = lo[local, month] + (rng.random(len(cell)) * days[local, month]).astype(np.int64)

    anchor = int(np.flatnonzero(plan.is_pattern("star"))[0])
    if start <= anchor < stop:  # one QBR on the last day, so the data ends on ``end``
        owner = np.r_[owner, anchor]
        day = np.r_[day, t.end_day]

    pattern = plan.pattern[owner]
    kind = _kinds(pattern, rng.random(len(owner)))
    if start <= anchor < stop:
        kind[-1] = ACTIVITY_KINDS.index("qbr")
    medians = np.array([HOURS[k] for k in ACTIVITY_KINDS])
    hours = medians[kind] * np.exp(HOURS_SPREAD * rng.standard_normal(len(owner)))
    hours = np.maximum(np.round(hours / HOURS_STEP) * HOURS_STEP, HOURS_STEP)
    hours = np.where(rng.random(len(owner)) < MISSING_HOURS, np.nan, hours)

    lo_share, hi_share = (
        np.array([PATTERNS[name].our_share[i] for name in PATTERN_NAMES]) for i in (0, 1)
    )
    target_of = lo_share[plan.pattern[part]] + rng.random(n) * (
        hi_share[plan.pattern[part]] - lo_share[plan.pattern[part]]
    )
    two_way = np.isin(kind, [ACTIVITY_KINDS.index(k) for k in TWO_WAY])
    referral_odds = pattern_param(pattern, "referral_by_us")
    drawn = (rng.random(len(owner)) < referral_odds).astype(np.int8)
    fixed = np.where(two_way & ~np.isnan(referral_odds), drawn, -1).astype(np.int8)
    by_us = _directions(owner, day > t.window_day, hours, fixed, target_of[owner - start], rng)

    us = np.where(by_us, INITIATORS.index("us"), INITIATORS.index("partner"))
    span = t.end_day - t.start_day + 1
    key = (((owner - start) * span + (day - t.start_day)) * len(ACTIVITY_KINDS) + kind) * 2 + us
    order = np.argsort(key, kind="stable")
    raw = pl.DataFrame(
        {
            "owner": owner[order],
            "day": day[order],
            "kind": kind[order],
            "us": us[order],
            "hours": hours[order],
        }
    )
    frame = raw.select(
        partner_id=pl.lit(plan.ids).gather(pl.col("owner")),
        occurred_on=pl.col("day").cast(pl.Int32).cast(pl.Date),
        kind=pl.lit(pl.Series(ACTIVITY_KINDS)).gather(pl.col("kind")),
        initiated_by=pl.lit(pl.Series(INITIATORS)).gather(pl.col("us")),
        hours=pl.col("hours").fill_nan(None),
    )
    return frame.cast(schema_of("activities"))
