"""The partner patterns planted in a generated portfolio, and how many partners get each.

Every generated partner follows exactly one :class:`Pattern`: a bundle of parameters (deal
rate, win rate, activity mix, effort balance, overlap, investment, tier odds, …) that makes the
analyses of the kit find it. The planted pattern of each partner is written beside the data
(``truth``), so tests and notebooks can check that an analysis finds what was planted.

Examples
--------
>>> counts = allocate(150)
>>> counts["star"], counts["competitor"], sum(counts.values())
(28, 2, 150)
"""

from __future__ import annotations

from dataclasses import dataclass

from partnerkit.schema import ACTIVITY_KINDS

__all__ = [
    "DIRECT",
    "MIN_PARTNERS",
    "PATTERNS",
    "Direct",
    "Incentive",
    "Pattern",
    "allocate",
]

MIN_PARTNERS = 30
"""Fewest partners for which every pattern is planted at least once."""


@dataclass(frozen=True)
class Incentive:
    """An incentive investment planted on a partner, with its effect on deal creation.

    The incentive starts on the first day of the month ``months_back`` months before the
    last month of the data and lasts ``length`` calendar months. The partner's deal-creation
    rate is multiplied by ``during`` while it runs and by ``after`` once it has ended.
    """

    months_back: int
    during: float
    after: float
    amount: float
    length: int = 3


def _kinds(**weights: float) -> tuple[float, ...]:
    """Activity-kind probabilities in the order of :data:`partnerkit.schema.ACTIVITY_KINDS`."""
    unknown = set(weights) - set(ACTIVITY_KINDS)
    if unknown:
        raise ValueError(f"unknown activity kinds {sorted(unknown)}")
    total = sum(weights.values())
    return tuple(weights.get(kind, 0.0) / total for kind in ACTIVITY_KINDS)


_BALANCED = _kinds(
    enablement=10,
    training=8,
    certification=5,
    qbr=6,
    joint_marketing=8,
    cosell=25,
    exec_meeting=4,
    referral=10,
    intro=10,
    other=14,
)


@dataclass(frozen=True)
class Pattern:
    """Parameters of one planted partner pattern.

    Day ranges count days before the last day of the data. Rates and amounts are relative:
    the generator scales deal and activity rates so the whole portfolio holds the requested
    number of rows.
    """

    name: str
    notes: str
    """What is planted, written into ``truth.notes``."""
    share: float = 0.0
    """Share of the partners left after the fixed-count patterns."""
    fixed: int = 0
    """Exact number of partners, whatever the portfolio size (used when ``share`` is 0)."""
    status: str = "active"
    tiers: tuple[float, float, float, float] | None = (0.0, 0.05, 0.35, 0.6)
    """Odds of platinum, gold, silver, registered; ``None`` leaves the tier empty."""
    sponsor: float = 0.3
    """Probability that the partner has an executive sponsor."""
    signed: tuple[int, int] | None = (300, 1500)
    """Signed between these many days before the end; ``None`` when not signed yet."""
    cap: tuple[int, int] | None = None
    """Last day of any deal, activity or investment, in days before the end (dormant, exited)."""
    deal_weight: float = 1.0
    """Relative daily rate of partner deals."""
    idle: float = 0.0
    """Share of these partners that never bring a deal."""
    spread: float = 0.35
    """Log-normal spread of the per-partner productivity around the pattern's rate."""
    amount: float = 1.0
    """Deal-size multiplier."""
    win: float = 0.42
    """Base win probability of a closed deal (before the engagement-timing effect)."""
    sourced: float = 0.4
    """Share of deals the partner originated (source = partner)."""
    cycle: float = 1.0
    """Sales-cycle length multiplier."""
    shape: str = "flat"
    """Deal rate over time: ``flat``, ``growing``, ``fading`` or ``incentive``."""

    @property
    def fading(self) -> bool:
        """Whether the pattern's revenue collapses in the last year."""
        return self.shape == "fading"

    incentive: Incentive | None = None
    exact: bool = False
    """Use the expected monthly deal count instead of a Poisson draw (planted exact rates)."""
    activity_weight: float = 1.0
    """Relative daily rate of activities."""
    kinds: tuple[float, ...] = _BALANCED
    """Probabilities of each activity kind."""
    our_share: tuple[float, float] = (0.3, 0.5)
    """Range of our target share of engagement hours."""
    referral_by_us: float | None = None
    """Probability that a referral or introduction goes from us to the partner; ``None``
    lets the effort balance decide, like any other activity."""
    overlap_rows: tuple[int, int] = (3, 10)
    """Range of account-mapping rows."""
    invest: float = 0.5
    """Investment intensity (odds of an investment per quarter and category)."""
    invest_amount: float = 1.0
    """Investment size multiplier."""


@dataclass(frozen=True)
class Direct:
    """Parameters of direct deals (no partner)."""

    share: float = 0.25
    """Share of all deals that are direct."""
    amount: float = 0.87
    win: float = 0.28
    cycle: float = 1.1


DIRECT = Direct()

PATTERNS: dict[str, Pattern] = {
    p.name: p
    for p in (
        Pattern(
            "star",
            "vital few: about one active partner in five, together ~80% of won revenue in the "
            "last 12 months",
            share=28 / 145,
            tiers=(0.5, 0.38, 0.12, 0.0),
            sponsor=0.9,
            signed=(700, 2400),
            deal_weight=6.0,
            spread=0.3,
            amount=1.25,
            win=0.5,
            sourced=0.5,
            shape="growing",
            activity_weight=4.0,
            kinds=_kinds(
                enablement=8,
                training=6,
                certification=4,
                qbr=8,
                joint_marketing=10,
                cosell=30,
                exec_meeting=6,
                referral=12,
                intro=8,
                other=8,
            ),
            our_share=(0.35, 0.5),
            referral_by_us=0.35,
            overlap_rows=(15, 25),
            invest=1.0,
            invest_amount=1.5,
        ),
        Pattern(
            "core",
            "steady mid-sized producer",
            share=20 / 145,
            tiers=(0.05, 0.35, 0.45, 0.15),
            sponsor=0.6,
            signed=(400, 1800),
            deal_weight=1.6,
            activity_weight=2.5,
            overlap_rows=(8, 15),
            invest=0.7,
        ),
        Pattern(
            "rising",
            "signed under 270 days ago: heavy enablement and partner-sourced pipeline, little "
            "won revenue yet",
            share=8 / 145,
            tiers=(0.0, 0.0, 0.3, 0.7),
            sponsor=0.5,
            signed=(90, 240),
            deal_weight=2.5,
            spread=0.2,
            amount=0.5,
            win=0.25,
            sourced=0.75,
            cycle=1.8,
            exact=True,
            activity_weight=8.0,
            kinds=_kinds(
                enablement=25,
                training=20,
                certification=15,
                qbr=3,
                joint_marketing=5,
                cosell=12,
                exec_meeting=3,
                referral=7,
                intro=5,
                other=5,
            ),
            our_share=(0.3, 0.45),
            referral_by_us=0.4,
            overlap_rows=(8, 15),
            invest=1.2,
        ),
        Pattern(
            "faded",
            "platinum/gold partner that produced like a star 1-3 years ago; won revenue "
            "collapsed in the last 12 months (earned only early in the window)",
            share=6 / 145,
            tiers=(0.5, 0.5, 0.0, 0.0),
            sponsor=0.8,
            signed=(1100, 2400),
            deal_weight=8.0,
            spread=0.2,
            amount=0.85,
            win=0.45,
            sourced=0.4,
            shape="fading",
            activity_weight=3.0,
            overlap_rows=(10, 15),
            invest=1.0,
            invest_amount=1.5,
        ),
        Pattern(
            "one_sided",
            "we put in over 80% of engagement hours and send many referrals; the partner "
            "sends few or none",
            share=6 / 145,
            tiers=(0.1, 0.4, 0.4, 0.1),
            sponsor=0.7,
            signed=(400, 1500),
            deal_weight=0.8,
            amount=0.9,
            win=0.35,
            sourced=0.1,
            activity_weight=5.0,
            kinds=_kinds(
                enablement=8,
                training=6,
                certification=2,
                qbr=6,
                joint_marketing=6,
                cosell=20,
                exec_meeting=8,
                referral=22,
                intro=14,
                other=8,
            ),
            our_share=(0.86, 0.95),
            referral_by_us=0.97,
            overlap_rows=(5, 10),
            invest=1.0,
        ),
        Pattern(
            "long_tail",
            "partner in name only: small or no revenue, a little activity",
            share=55 / 145,
            tiers=(0.0, 0.05, 0.3, 0.65),
            sponsor=0.15,
            signed=(300, 1400),
            deal_weight=0.25,
            idle=0.4,
            spread=0.4,
            amount=0.7,
            win=0.32,
            sourced=0.3,
            activity_weight=0.4,
            kinds=_kinds(
                enablement=15,
                training=10,
                certification=2,
                qbr=2,
                joint_marketing=3,
                cosell=5,
                exec_meeting=2,
                referral=5,
                intro=15,
                other=41,
            ),
            overlap_rows=(0, 6),
            invest=0.1,
            invest_amount=0.4,
        ),
        Pattern(
            "dormant_untapped",
            "dormant (no deal, win or activity in the last 12 months) with at least 10 "
            "co-sell accounts (our prospect, their customer): a re-activation candidate",
            share=5 / 145,
            tiers=(0.0, 0.2, 0.5, 0.3),
            sponsor=0.3,
            signed=(800, 2000),
            cap=(380, 520),
            deal_weight=0.6,
            amount=0.8,
            win=0.35,
            activity_weight=1.0,
            overlap_rows=(14, 19),
            invest=0.3,
        ),
        Pattern(
            "dormant_no_overlap",
            "dormant (no deal, win or activity in the last 12 months) with little or no "
            "overlap: an exit candidate",
            share=6 / 145,
            tiers=(0.0, 0.1, 0.4, 0.5),
            sponsor=0.2,
            signed=(800, 2000),
            cap=(380, 620),
            deal_weight=0.5,
            amount=0.7,
            win=0.3,
            activity_weight=0.8,
            overlap_rows=(0, 3),
            invest=0.3,
        ),
        Pattern(
            "competitor",
            "one of the planted conflict pair: same category, deals on the same accounts in "
            "the last 12 months",
            fixed=2,
            tiers=(0.0, 0.5, 0.5, 0.0),
            sponsor=0.6,
            signed=(500, 1600),
            deal_weight=1.6,
            spread=0.0,
            amount=0.45,
            exact=True,
            activity_weight=2.5,
            overlap_rows=(10, 14),
            invest=0.7,
        ),
        Pattern(
            "ephemeral_incentive",
            "incentive for 3 months in the window's first half: deal creation triples while "
            "it runs and falls back to the earlier rate after",
            fixed=1,
            tiers=(0.0, 0.3, 0.6, 0.1),
            sponsor=0.6,
            signed=(500, 1600),
            deal_weight=1.6,
            spread=0.0,
            amount=0.45,
            shape="incentive",
            incentive=Incentive(months_back=10, during=3.0, after=1.0, amount=30000.0),
            exact=True,
            activity_weight=2.5,
            overlap_rows=(8, 12),
            invest=0.7,
        ),
        Pattern(
            "durable_incentive",
            "incentive for 3 months at the window's start: deal creation rises 2.5x and "
            "stays at about twice the earlier rate after",
            fixed=1,
            tiers=(0.0, 0.3, 0.6, 0.1),
            sponsor=0.6,
            signed=(500, 1600),
            deal_weight=1.6,
            spread=0.0,
            amount=0.45,
            shape="incentive",
            incentive=Incentive(months_back=11, during=2.5, after=2.2, amount=30000.0),
            exact=True,
            activity_weight=2.5,
            overlap_rows=(8, 12),
            invest=0.7,
        ),
        Pattern(
            "flat_incentive",
            "incentive for 3 months in the window that changes nothing: deal creation "
            "stays at the same rate before, during and after",
            fixed=1,
            tiers=(0.0, 0.3, 0.6, 0.1),
            sponsor=0.6,
            signed=(500, 1600),
            deal_weight=1.6,
            spread=0.0,
            amount=0.45,
            shape="incentive",
            incentive=Incentive(months_back=8, during=1.0, after=1.0, amount=20000.0),
            exact=True,
            activity_weight=2.5,
            overlap_rows=(8, 12),
            invest=0.7,
        ),
        Pattern(
            "exited",
            "status exited: produced in the past, nothing for over a year",
            share=6 / 145,
            status="exited",
            tiers=(0.0, 0.1, 0.4, 0.5),
            sponsor=0.0,
            signed=(1300, 2500),
            cap=(430, 900),
            deal_weight=0.8,
            amount=0.8,
            activity_weight=1.0,
            overlap_rows=(0, 5),
            invest=0.3,
        ),
        Pattern(
            "prospect",
            "status prospect: not signed, a few introductory meetings, no deals",
            share=5 / 145,
            status="prospect",
            tiers=None,
            sponsor=0.2,
            signed=None,
            deal_weight=0.0,
            activity_weight=0.5,
            kinds=_kinds(intro=5, exec_meeting=3, other=2),
            our_share=(0.35, 0.48),
            overlap_rows=(2, 6),
            invest=0.0,
        ),
    )
}
"""Every planted pattern by name, in the order partners are allotted to them."""


def allocate(partners: int) -> dict[str, int]:
    """Return how many partners follow each pattern in a portfolio of ``partners``.

    Fixed-count patterns get their count; the rest are shared by largest remainder, each
    getting at least one partner.

    >>> allocate(30)["star"], allocate(2000)["star"], sum(allocate(2000).values())
    (4, 385, 2000)
    """
    if partners < MIN_PARTNERS:
        raise ValueError(f"a sample needs at least {MIN_PARTNERS} partners, got {partners}")
    counts = {name: p.fixed for name, p in PATTERNS.items() if p.fixed}
    rest = partners - sum(counts.values())
    shared = {name: p.share for name, p in PATTERNS.items() if not p.fixed}
    total = sum(shared.values())
    exact = {name: rest * s / total for name, s in shared.items()}
    floor = {name: max(1, int(x)) for name, x in exact.items()}
    left = rest - sum(floor.values())
    by_remainder = sorted(shared, key=lambda n: (-(exact[n] - int(exact[n])), n))
    for name in by_remainder[: max(left, 0)]:
        floor[name] += 1
    largest = max(shared, key=lambda n: exact[n])
    floor[largest] += min(left, 0)
    counts.update(floor)
    return {name: counts[name] for name in PATTERNS}
