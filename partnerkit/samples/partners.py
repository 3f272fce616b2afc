"""The partner plan: who the generated partners are and which pattern each follows.

:func:`plan_partners` draws every per-partner attribute once, as numpy arrays (cheap even for
100,000 partners): pattern, dates, productivity, the block of accounts the partner works
(its territory). The row generators of the other tables read these arrays, one chunk of
partners at a time.

Territories keep the conflict analysis clean: partners of the same category (or both without
one) get disjoint blocks of accounts, so the only same-category pair working the same accounts
is the planted competitor pair, which shares one block.

Examples
--------
>>> from datetime import date
>>> plan = plan_partners(seed=7, partners=40, timeline=Timeline(date(2026, 9, 30), 3))
>>> plan.frame.height, plan.truth.columns
(40, ['partner_id', 'pattern', 'notes'])
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from partnerkit.samples.patterns import PATTERNS, allocate
from partnerkit.samples.timeline import DEFAULT_END, DEFAULT_YEARS, EPOCH, Timeline
from partnerkit.schema import OVERLAP_STATUSES, schema_of

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = [
    "CATEGORIES",
    "PATTERN_NAMES",
    "REGIONS",
    "TERRITORY",
    "TYPES",
    "PartnerPlan",
    "pattern_param",
    "plan_partners",
    "small_plan",
    "stream",
]

PATTERN_NAMES: tuple[str, ...] = tuple(PATTERNS)
TYPES = {
    "reseller": 0.28,
    "referral": 0.2,
    "technology": 0.16,
    "services": 0.2,
    "distributor": 0.07,
    "marketplace": 0.09,
}
REGIONS = {"NA": 0.4, "EMEA": 0.3, "APAC": 0.2, "LATAM": 0.1}
CATEGORIES = {
    "crm": 0.15,
    "analytics": 0.14,
    "security": 0.13,
    "data_platform": 0.12,
    "commerce": 0.11,
    "collaboration": 0.1,
    "finance": 0.09,
    "hr_tech": 0.09,
    None: 0.07,
}
TIERS = ("platinum", "gold", "silver", "registered")
SPONSORS = (
    "Avery Lindqvist",
    "Jordan Okafor",
    "Mara Castellanos",
    "Theo Nakamura",
    "Priya Raman",
    "Lena Fischer",
    "Sam Adeyemi",
    "Rosa Delgado",
    "Owen Marsh",
    "Ingrid Solberg",
    "Kenji Morita",
    "Nadia Haddad",
)
TERRITORY = 40
"""Accounts in each partner's territory (a multiple of the status cycle)."""
STATUS_CYCLE = ("prospect",) * 10 + ("customer",) * 7 + ("none",) * 3
"""Our status of accounts repeats a shuffled copy of this cycle along the account numbers,
so every territory holds exactly 20 prospects, 14 customers and 6 others of ours."""
CAPPED_DEAL_GAP = 45
"""Days before a dormant or exited partner's last event after which it creates no deal."""
PROSPECT_DAYS = 180
"""Prospects' introductory activities fall in this many last days."""

_FIRST = [
    "Acorn",
    "Alder",
    "Amber",
    "Apex",
    "Arbor",
    "Aspen",
    "Atlas",
    "Aurora",
    "Basalt",
    "Beacon",
    "Birch",
    "Bluff",
    "Boreal",
    "Brook",
    "Cairn",
    "Canyon",
    "Cedar",
    "Cinder",
    "Cobalt",
    "Comet",
    "Coral",
    "Crest",
    "Cypress",
    "Delta",
    "Drift",
    "Ember",
    "Fern",
    "Fjord",
    "Flint",
    "Forge",
    "Garnet",
    "Glacier",
    "Granite",
    "Harbor",
    "Hawk",
    "Heath",
    "Helix",
    "Indigo",
    "Iron",
    "Juniper",
    "Kestrel",
    "Lagoon",
    "Larch",
    "Lumen",
    "Maple",
    "Meadow",
    "Mesa",
    "Nimbus",
    "Oak",
    "Onyx",
    "Orbit",
    "Osprey",
    "Pine",
    "Prairie",
    "Quarry",
    "Quartz",
    "Raven",
    "Ridge",
    "River",
    "Sable",
    "Sage",
    "Summit",
    "Tide",
    "Timber",
    "Topaz",
    "Tundra",
    "Vale",
    "Vertex",
    "Willow",
    "Zephyr",
]
_SECOND = [
    "Analytics",
    "Bridge",
    "Cloud",
    "Consulting",
    "Data",
    "Digital",
    "Dynamics",
    "Edge",
    "Group",
    "Insights",
    "Labs",
    "Logic",
    "Networks",
    "Partners",
    "Solutions",
    "Systems",
    "Tech",
    "Works",
    "Advisory",
    "Integration",
    "Software",
    "Services",
    "Ventures",
    "Collective",
    "Metrics",
    "Stack",
    "Signal",
    "Source",
    "Point",
    "Path",
]
_FORM = [
    "Inc",
    "LLC",
    "Ltd",
    "GmbH",
    "SA",
    "Pty",
    "BV",
    "AB",
    "Oy",
    "SAS",
    "KK",
    "AG",
    "Corp",
    "Co",
    "Srl",
]


def stream(seed: int, *key: int) -> np.random.Generator:
    """Return the random generator of one independent stream of a seeded sample.

    >>> int(stream(7, 1).integers(100)) == int(stream(7, 1).integers(100))
    True
    """
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def pattern_param(pattern: npt.NDArray[np.int64], attr: str) -> npt.NDArray[np.float64]:
    """Return a numeric pattern parameter for each partner (by pattern index); NaN for None.

    >>> pattern_param(np.array([0, 0]), "deal_weight").tolist()
    [6.0, 6.0]
    """
    values = np.array(
        [np.nan if (v := getattr(PATTERNS[n], attr)) is None else float(v) for n in PATTERN_NAMES]
    )
    out: npt.NDArray[np.float64] = values[pattern]
    return out


@dataclass(frozen=True)
class PartnerPlan:
    """Per-partner attributes of a generated portfolio, as arrays indexed by partner number.

    Day values are day numbers (days since 1970-01-01).
    """

    seed: int
    timeline: Timeline
    ids: pl.Series
    pattern: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]
    """First day the partner can create deals (signing day, or the data's start)."""
    stop: npt.NDArray[np.int64]
    """Last day of any event of the partner (the end, or the cap of dormant and exited)."""
    capped: npt.NDArray[np.bool_]
    productivity: npt.NDArray[np.float64]
    territory: npt.NDArray[np.int64]
    """First account number of the partner's block of :data:`TERRITORY` accounts."""
    accounts: int
    """Size of the account pool (account numbers wrap around it)."""
    our_status: npt.NDArray[np.int64]
    """Our status of each residue of the status cycle (index into OVERLAP_STATUSES)."""
    frame: pl.DataFrame
    truth: pl.DataFrame

    @property
    def size(self) -> int:
        """Number of partners."""
        return len(self.pattern)

    def is_pattern(self, name: str) -> npt.NDArray[np.bool_]:
        """Mask of partners following pattern ``name``."""
        out: npt.NDArray[np.bool_] = self.pattern == PATTERN_NAMES.index(name)
        return out

    @property
    def deal_stop(self) -> npt.NDArray[np.int64]:
        """Last day the partner can create a deal."""
        out: npt.NDArray[np.int64] = np.where(
            self.capped, self.stop - CAPPED_DEAL_GAP, self.timeline.end_day
        )
        return out

    @property
    def activity_first(self) -> npt.NDArray[np.int64]:
        """First day of the partner's activities (prospects: their last months only)."""
        prospect = self.is_pattern("prospect")
        out: npt.NDArray[np.int64] = np.where(
            prospect, self.timeline.end_day - PROSPECT_DAYS, self.first
        )
        return out


def _choice(
    rng: np.random.Generator, weights: dict[str | None, float] | dict[str, float], n: int
) -> list[str | None]:
    keys = list(weights)
    p = np.array(list(weights.values()))
    picks = rng.choice(len(keys), size=n, p=p / p.sum())
    return [keys[i] for i in picks]


def _names(rng: np.random.Generator, n: int) -> list[str]:
    combos = len(_FIRST) * len(_SECOND) * len(_FORM)
    order = np.concatenate([rng.permutation(combos) for _ in range(n // combos + 1)])[:n]
    names = []
    for i, code in enumerate(order.tolist()):
        a, rest = divmod(code, len(_SECOND) * len(_FORM))
        b, c = divmod(rest, len(_FORM))
        lap = i // combos
        suffix = f" {lap + 1}" if lap else ""
        names.append(f"{_FIRST[a]} {_SECOND[b]} {_FORM[c]}{suffix}")
    return names


def _territories(
    categories: list[str | None], competitors: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], int]:
    """Give each partner a block of accounts, disjoint within its category bucket."""
    buckets = list(CATEGORIES)
    bucket = np.array([buckets.index(c) for c in categories], dtype=np.int64)
    rank = np.zeros(len(bucket), dtype=np.int64)
    sizes = np.zeros(len(buckets), dtype=np.int64)
    for b in range(len(buckets)):
        members = np.flatnonzero(bucket == b)
        rank[members] = np.arange(len(members))
        sizes[b] = len(members)
    pool = int(sizes.max()) * TERRITORY
    offset = (np.arange(len(buckets)) * pool) // len(buckets)
    start = (offset[bucket] + rank * TERRITORY) % pool
    if len(competitors) == 2:
        start[competitors[1]] = start[competitors[0]]
    return start.astype(np.int64), pool


def small_plan(partners: int, /, *, seed: int = 1) -> PartnerPlan:
    """Plan a small sample portfolio over the default span, to try one generator step on.

    >>> plan = small_plan(30)
    >>> plan.frame.height, plan.timeline.end
    (30, datetime.date(2026, 9, 30))
    """
    return plan_partners(
        seed=seed, partners=partners, timeline=Timeline(DEFAULT_END, DEFAULT_YEARS)
    )


def plan_partners(*, seed: int, partners: int, timeline: Timeline) -> PartnerPlan:
    """Draw the partners of a sample portfolio and their planted patterns.

    Returns the plan with the ``partners`` table (canonical columns) and the ``truth`` table
    (``partner_id``, ``pattern``, ``notes``).
    """
    rng = stream(seed, 1)
    counts = allocate(partners)
    pattern = rng.permutation(
        np.repeat(np.arange(len(PATTERN_NAMES)), [counts[n] for n in PATTERN_NAMES])
    ).astype(np.int64)
    width = max(5, len(str(partners)))
    ids = pl.Series("partner_id", [f"P{i + 1:0{width}d}" for i in range(partners)])
    end = timeline.end_day

    types = _choice(rng, TYPES, partners)
    regions = _choice(rng, REGIONS, partners)
    categories = _choice(rng, CATEGORIES, partners)
    competitors = np.flatnonzero(pattern == PATTERN_NAMES.index("competitor"))
    if len(competitors) == 2:
        shared = categories[competitors[0]] or next(c for c in CATEGORIES if c)
        categories[competitors[0]] = categories[competitors[1]] = shared

    u = rng.random((partners, 6))
    tiers: list[str | None] = []
    sponsors: list[str | None] = []
    signed = np.full(partners, -1, dtype=np.int64)
    stop = np.full(partners, end, dtype=np.int64)
    capped = np.zeros(partners, dtype=np.bool_)
    for i, code in enumerate(pattern.tolist()):
        p = PATTERNS[PATTERN_NAMES[code]]
        if p.tiers is None:
            tiers.append(None)
        else:
            tiers.append(TIERS[int(np.searchsorted(np.cumsum(p.tiers), u[i, 0] * sum(p.tiers)))])
        has_sponsor = u[i, 1] < p.sponsor
        sponsors.append(SPONSORS[int(u[i, 2] * len(SPONSORS))] if has_sponsor else None)
        if p.signed is not None:
            lo, hi = p.signed
            signed[i] = end - (lo + int(u[i, 3] * (hi - lo + 1)))
        if p.cap is not None:
            lo, hi = p.cap
            stop[i] = end - (lo + int(u[i, 4] * (hi - lo + 1)))
            capped[i] = True

    spread = pattern_param(pattern, "spread")
    productivity = np.exp(spread * rng.standard_normal(partners) - spread**2 / 2)
    idle = rng.random(partners) < pattern_param(pattern, "idle")
    productivity = np.where(idle, 0.0, productivity)
    territory, pool = _territories(categories, competitors)
    our_status = rng.permutation(
        np.array([OVERLAP_STATUSES.index(s) for s in STATUS_CYCLE], dtype=np.int64)
    )

    frame = pl.DataFrame(
        {
            "partner_id": ids,
            "name": _names(rng, partners),
            "type": types,
            "tier": tiers,
            "region": regions,
            "category": categories,
            "signed_on": pl.Series([None if d < 0 else d for d in signed.tolist()], dtype=pl.Int32),
            "status": [PATTERNS[PATTERN_NAMES[c]].status for c in pattern.tolist()],
            "executive_sponsor": sponsors,
        }
    ).cast(schema_of("partners"))

    plan = PartnerPlan(
        seed=seed,
        timeline=timeline,
        ids=ids,
        pattern=pattern,
        first=np.maximum(np.where(signed < 0, end + 1, signed), timeline.start_day),
        stop=stop,
        capped=capped,
        productivity=productivity,
        territory=territory,
        accounts=pool,
        our_status=our_status,
        frame=frame,
        truth=pl.DataFrame(),
    )
    return replace(plan, truth=_truth(plan, categories))


def _day(day: int) -> str:
    return (EPOCH + timedelta(days=day)).isoformat()


def _truth(plan: PartnerPlan, categories: list[str | None]) -> pl.DataFrame:
    """One row per partner: its planted pattern and notes on what was planted."""
    t = plan.timeline
    ids = plan.ids.to_list()
    competitors = np.flatnonzero(plan.is_pattern("competitor")).tolist()
    notes = []
    for i, code in enumerate(plan.pattern.tolist()):
        p = PATTERNS[PATTERN_NAMES[code]]
        note = p.notes
        if p.name == "competitor":
            other = ids[competitors[1 - competitors.index(i)]]
            note += f"; competes with {other} in category {categories[i]}"
        elif p.incentive is not None:
            start = t.month_start(p.incentive.months_back)
            stop = t.month_start(p.incentive.months_back - p.incentive.length) - 1
            note += f"; incentive {_day(start)}..{_day(stop)}"
        elif plan.capped[i]:
            note += f"; nothing after {_day(int(plan.stop[i]))}"
        notes.append(note)
    return pl.DataFrame(
        {
            "partner_id": ids,
            "pattern": [PATTERN_NAMES[c] for c in plan.pattern.tolist()],
            "notes": notes,
        }
    )
