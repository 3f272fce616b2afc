"""Small synthetic scorecards with the column names of the real Analysis scorecard."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from partnerkit.policy import Policy

# A mature, productive, healthy, non-vital partner with no warning sign; tests override
# only the fields their rule is about.
BASE: dict[str, Any] = {
    "partner_id": "p",
    "name": "Partner",
    "tier": "silver",
    "region": "emea",
    "type": "reseller",
    "status": "active",
    "counted": True,
    "won_revenue": 10_000.0,
    "won_deals": 2,
    "lost_deals": 1,
    "win_rate": 2 / 3,
    "sourced_revenue": 6_000.0,
    "influenced_revenue": 4_000.0,
    "open_pipeline": 5_000.0,
    "sourced_pipeline": 3_000.0,
    "avg_days_to_close": 40.0,
    "tenure_days": 800,
    "days_to_first_win": 90,
    "days_since_activity": 10,
    "days_since_qbr": 30,
    "sponsor_present": True,
    "revenue_trend": 0.1,
    "investment": 1_000.0,
    "revenue_per_investment": 10.0,
    "state": "productive",
    "stage": "mature",
    "rank": 5,
    "share": 0.05,
    "cum_share": 0.95,
    "vital": False,
    "vital_quarters": 0,
    "health": 50.0,
    "interest": 50.0,
    "awareness": 50.0,
    "encouragement": 50.0,
    "reciprocity": 0.0,
    "our_effort_share": 0.5,
    "one_sided": False,
    "implied_tier": "silver",
    "tier_gap": 0,
    "overlap_accounts": 3,
    "cosell_potential": 2,
    "untapped_overlap": 1,
    "executive_sponsor": "Dana",
    "progress": 50.0,
    "revenue_before": 10_000.0,  # flat on the year before
    "revenue_yoy": 0.0,
    "conflict_partners": 0,
    "ephemeral_incentives": 0,
}

SCHEMA = pl.Schema(
    {
        k: (
            pl.String()
            if isinstance(v, str)
            else pl.Boolean()
            if isinstance(v, bool)
            else pl.Int64()
            if isinstance(v, int)
            else pl.Float64()
        )
        for k, v in BASE.items()
    }
    # null unless a test gives them: without ``silent`` a partner is silent when dormant,
    # and a dormant partner's open deals are not counted (no stale-deal clause)
    | {"silent": pl.Boolean(), "last_win_on": pl.Date(), "open_deals": pl.Int64()}
)


def scorecard(*rows: dict[str, Any]) -> pl.DataFrame:
    """Build a scorecard: each row is BASE with the given overrides (ids p1, p2, ... by default)."""
    records = [{**BASE, "partner_id": f"p{i}", **row} for i, row in enumerate(rows, start=1)]
    return pl.DataFrame(records, schema=SCHEMA)


@pytest.fixture
def policy() -> Policy:
    return Policy()


@pytest.fixture(scope="session")
def make_scorecard() -> Any:
    return scorecard
