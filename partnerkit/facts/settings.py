"""The few settings stage 1 needs, taken from the policy and the window once.

Stage 1 never reads a :class:`~partnerkit.policy.Policy`: :meth:`FactSettings.from_policy`
copies what shapes the facts (the tracked quarters, the engagement-timing cuts, the program
and incentive categories and thresholds, the bootstrap sample bound, the active days of the
partner-side signal) and the activity-kind groupings.

Examples
--------
>>> from partnerkit.window import Window
>>> from partnerkit.policy import Policy
>>> s = FactSettings.from_policy(Policy(stability_quarters=2), Window.ending(
...     dt.date(2025, 6, 30), months=12))
>>> s.quarters, s.active_days
((datetime.date(2025, 1, 1), datetime.date(2025, 4, 1)), 91)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from partnerkit.policy import Policy
from partnerkit.window import Window

__all__ = [
    "COSELL_KINDS",
    "ENABLEMENT_KINDS",
    "JOINT_MARKETING_KINDS",
    "QBR_KINDS",
    "RECIPROCAL_KINDS",
    "FactSettings",
]

ENABLEMENT_KINDS = ("enablement", "training", "certification")
"""Activity kinds counted as enablement (awareness)."""
JOINT_MARKETING_KINDS = ("joint_marketing",)
"""Activity kinds counted as joint marketing."""
COSELL_KINDS = ("cosell",)
"""Activity kinds counted as co-selling."""
RECIPROCAL_KINDS = ("referral", "intro")
"""Activity kinds that pass business from one side to the other (reciprocity)."""
QBR_KINDS = ("qbr",)
"""Activity kinds that count as a partnership review."""

_DEFAULT = Policy()


@dataclass(frozen=True)
class FactSettings:
    """What stage 1 needs besides the tables and the window (see the module docstring).

    The defaults are those of the default :class:`~partnerkit.policy.Policy` (no quarters
    tracked); build it with :meth:`from_policy`.

    Attributes
    ----------
    quarters
        First days of the calendar quarters whose won revenue is kept per partner, oldest
        first (the last one holds as_of).
    timing_cuts
        Cycle fractions splitting engagement timing into early / mid / late.
    program_categories, incentive_categories
        Investment categories counted as programs, and those whose durability is measured.
    incentive_min_lift, incentive_min_retention
        An incentive is ephemeral when its lift reaches the first and its retention stays
        below the second.
    bootstrap_max_n
        Groups with at most this many won deals keep their deals for the bootstrap.
    active_days
        A partner-side signal within this many days of as_of keeps a partner active.
    enablement_kinds, joint_marketing_kinds, cosell_kinds, reciprocal_kinds, qbr_kinds
        The activity kinds behind the counts of those names.
    """

    quarters: tuple[dt.date, ...] = ()
    timing_cuts: tuple[float, float] = _DEFAULT.timing_cuts
    program_categories: tuple[str, ...] = tuple(_DEFAULT.program_categories)
    incentive_categories: tuple[str, ...] = tuple(_DEFAULT.incentive_categories)
    incentive_min_lift: float = _DEFAULT.incentive_min_lift
    incentive_min_retention: float = _DEFAULT.incentive_min_retention
    bootstrap_max_n: int = _DEFAULT.bootstrap_max_n
    active_days: int = _DEFAULT.active_days
    enablement_kinds: tuple[str, ...] = ENABLEMENT_KINDS
    joint_marketing_kinds: tuple[str, ...] = JOINT_MARKETING_KINDS
    cosell_kinds: tuple[str, ...] = COSELL_KINDS
    reciprocal_kinds: tuple[str, ...] = RECIPROCAL_KINDS
    qbr_kinds: tuple[str, ...] = QBR_KINDS

    @classmethod
    def from_policy(cls, policy: Policy, window: Window, /) -> FactSettings:
        """Take the stage-1 settings of ``policy`` for ``window``.

        >>> FactSettings.from_policy(Policy(), Window.ending(dt.date(2025, 3, 31), months=12)
        ...     ).quarters[-1]
        datetime.date(2025, 1, 1)
        """
        return cls(
            quarters=window.quarters(policy.stability_quarters),
            timing_cuts=policy.timing_cuts,
            program_categories=tuple(policy.program_categories),
            incentive_categories=tuple(policy.incentive_categories),
            incentive_min_lift=policy.incentive_min_lift,
            incentive_min_retention=policy.incentive_min_retention,
            bootstrap_max_n=policy.bootstrap_max_n,
            active_days=policy.active_days,
        )
