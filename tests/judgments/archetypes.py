"""A planted-archetype portfolio written for the judgment tests, apart from the sample generator.

Shapes differ on purpose from the shipped sample: most partners produce nothing, stray
touches from our side land on silent partners, collapses happen before the window, some
partners have no row in any table but ``partners``, and the mix is set per call.

Archetypes (the ``pattern`` column of :attr:`Planted.truth`):

- ``star``: several large wins in each half of the window and partner-initiated activity;
- ``faded``: large wins in the 12 months before the window, then nothing (``collapse``) or a
  trickle in the window;
- ``dormant_untapped``: mature, nothing from the partner for over a year, one stray touch
  from us, and many co-sell accounts (we prospect, they are customer);
- ``dormant_plain``: as above with no overlap; some have no activity at all, some a touch;
- ``newly_signed``: signed 20-150 days before as_of, some with early enablement, no revenue;
- ``long_tail``: mature, one tiny win (well under 0.1% of the portfolio) and a touch from us.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import polars as pl

from partnerkit.load import from_frames
from partnerkit.portfolio import Portfolio

AS_OF = dt.date(2026, 6, 30)
DEFAULT_MIX = {
    "star": 12,
    "faded": 10,
    "dormant_untapped": 12,
    "dormant_plain": 20,
    "newly_signed": 10,
    "long_tail": 60,
}


@dataclass
class Planted:
    """Raw tables (as dict-of-lists frames) and the planted pattern per partner."""

    partners: pl.DataFrame
    deals: pl.DataFrame
    activities: pl.DataFrame
    overlaps: pl.DataFrame
    truth: pl.DataFrame
    as_of: dt.date

    def portfolio(self) -> Portfolio:
        """Validate the tables into a portfolio."""
        return from_frames(
            partners=self.partners,
            deals=self.deals,
            activities=self.activities,
            overlaps=self.overlaps,
        )


def plant(seed: int = 1, mix: dict[str, int] | None = None, as_of: dt.date = AS_OF) -> Planted:
    """Draw a portfolio with the archetype counts of ``mix`` (default :data:`DEFAULT_MIX`)."""
    rng = random.Random(seed)
    mix = dict(DEFAULT_MIX if mix is None else mix)
    partners: list[dict[str, object]] = []
    deals: list[dict[str, object]] = []
    acts: list[dict[str, object]] = []
    overlaps: list[dict[str, object]] = []
    truth: list[tuple[str, str]] = []

    def ago(days: int) -> dt.date:
        return as_of - dt.timedelta(days=days)

    def deal(pid: str, created: int, closed: int | None, outcome: str, amount: float) -> None:
        n = len(deals)
        deals.append(
            {
                "deal_id": f"Q{n:06d}",
                "partner_id": pid,
                "account_id": f"ACC{rng.randrange(5000):05d}",
                "created_on": ago(created),
                "closed_on": None if closed is None else ago(closed),
                "outcome": outcome,
                "amount": round(amount, 2),
                "source": rng.choice(["partner", "vendor"]),
            }
        )

    def act(pid: str, days: int, kind: str, by: str) -> None:
        acts.append(
            {
                "partner_id": pid,
                "occurred_on": ago(days),
                "kind": kind,
                "initiated_by": by,
                "hours": round(rng.uniform(0.5, 3.0), 1),
            }
        )

    tiers = ["platinum", "gold", "silver", "registered"]
    order = [k for k, n in mix.items() for _ in range(n)]
    rng.shuffle(order)
    for counter, pattern in enumerate(order, start=1):
        pid = f"X{rng.randrange(10**6):06d}-{counter}"
        signed = ago(rng.randrange(400, 2000))
        tier = rng.choices(tiers, weights=[1, 2, 3, 6])[0]
        sponsor = rng.random() < 0.5
        if pattern == "star":
            tier = rng.choice(tiers[:2])
            for _ in range(rng.randrange(4, 9)):
                c = rng.randrange(20, 360)
                deal(pid, c + rng.randrange(20, 90), c, "won", rng.uniform(60_000, 250_000))
            for _ in range(rng.randrange(3, 10)):
                act(
                    pid, rng.randrange(1, 200), rng.choice(["cosell", "referral", "qbr"]), "partner"
                )
            if rng.random() < 0.5:
                deal(pid, rng.randrange(5, 60), None, "open", rng.uniform(10_000, 80_000))
        elif pattern == "faded":
            tier = rng.choice(tiers[:3])
            for _ in range(rng.randrange(3, 7)):
                c = rng.randrange(380, 720)  # closed in the 12 months before the window
                deal(pid, c + rng.randrange(20, 90), c, "won", rng.uniform(80_000, 300_000))
            if rng.random() < 0.4:  # a trickle in the window, far below the year before
                deal(pid, 340, 300, "won", rng.uniform(1_000, 5_000))
            if rng.random() < 0.5:  # a stray touch from us
                act(pid, rng.randrange(30, 300), "other", "us")
        elif pattern in ("dormant_untapped", "dormant_plain"):
            last = rng.randrange(420, 900)
            if rng.random() < 0.6:
                deal(pid, last + 60, last, rng.choice(["won", "lost"]), rng.uniform(2_000, 20_000))
            if rng.random() < 0.7:  # one stray touch from us inside the window
                act(pid, rng.randrange(30, 330), rng.choice(["other", "enablement"]), "us")
            if pattern == "dormant_untapped":
                overlaps.extend(
                    {
                        "partner_id": pid,
                        "account_id": f"OV{a}",
                        "our_status": "prospect",
                        "partner_status": "customer",
                    }
                    for a in rng.sample(range(5000, 9000), rng.randrange(8, 25))
                )
        elif pattern == "newly_signed":
            signed = ago(rng.randrange(20, 150))
            tier = rng.choice(["silver", "registered"])
            if rng.random() < 0.6:
                for _ in range(rng.randrange(1, 4)):
                    act(pid, rng.randrange(1, 18), "training", rng.choice(["us", "partner"]))
        elif pattern == "long_tail":
            tier = rng.choices(tiers, weights=[1, 2, 4, 10])[0]
            if rng.random() < 0.8:
                c = rng.randrange(30, 360)
                deal(pid, c + 30, c, "won", rng.uniform(100, 900))
            if rng.random() < 0.5:
                act(pid, rng.randrange(10, 360), "other", "us")
        partners.append(
            {
                "partner_id": pid,
                "name": f"Partner {pid}",
                "type": rng.choice(["reseller", "referral", "services"]),
                "tier": tier,
                "region": rng.choice(["north", "south"]),
                "signed_on": signed,
                "status": "active",
                "executive_sponsor": "someone" if sponsor else None,
            }
        )
        truth.append((pid, pattern))

    deal_schema = {
        "deal_id": pl.String, "partner_id": pl.String, "account_id": pl.String,
        "created_on": pl.Date, "closed_on": pl.Date, "outcome": pl.String,
        "amount": pl.Float64, "source": pl.String,
    }  # fmt: skip
    act_schema = {
        "partner_id": pl.String, "occurred_on": pl.Date, "kind": pl.String,
        "initiated_by": pl.String, "hours": pl.Float64,
    }  # fmt: skip
    ov_schema = {
        "partner_id": pl.String, "account_id": pl.String, "our_status": pl.String,
        "partner_status": pl.String,
    }  # fmt: skip
    return Planted(
        partners=pl.DataFrame(partners),
        deals=pl.DataFrame(deals, schema=deal_schema),
        activities=pl.DataFrame(acts, schema=act_schema),
        overlaps=pl.DataFrame(overlaps, schema=ov_schema),
        truth=pl.DataFrame(
            truth, schema={"partner_id": pl.String, "pattern": pl.String}, orient="row"
        ),
        as_of=as_of,
    )
