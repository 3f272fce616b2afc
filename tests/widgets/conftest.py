"""Small analyses for widget tests: hand-made scorecards with the analysis' column names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pytest

from partnerkit.metrics.health import health, health_explained, health_percentiles
from partnerkit.policy import HealthDimension, HealthMetric, Policy

AS_OF = dt.date(2025, 6, 30)

# A small health model whose scores can be worked out by hand.
SMALL_MODEL = (
    HealthDimension(
        "interest",
        # p5's missing share is left out (not scored lowest), as the scores below work it
        (
            HealthMetric("sourced_pipeline", 1.0),
            HealthMetric("partner_initiated_share", 1.0, missing="absent"),
        ),
    ),
    HealthDimension("awareness", (HealthMetric("enablement_activities", 1.0),)),
)
SMALL_POLICY = Policy(health=SMALL_MODEL, denominator="enrolled")


@dataclass(frozen=True)
class StubAnalysis:
    """The parts of an Analysis the widgets read."""

    scorecard: pl.DataFrame
    health_explained: pl.DataFrame
    health_percentiles: pl.DataFrame
    as_of: dt.date = AS_OF
    policy: Policy = SMALL_POLICY
    vital_quarters: pl.DataFrame = field(default_factory=pl.DataFrame)


def five_partners() -> pl.DataFrame:
    """Five partners; won revenue 500, 300, 100, 60, 40 (total 1,000).

    Ranked shares: 0.50, 0.30, 0.10, 0.06, 0.04 -> cumulative 0.50, 0.80, 0.90, 0.96, 1.00.
    At threshold 0.80 the vital few are p1, p2 (share before p2 = 0.50 < 0.80, before p3 =
    0.80, not below); at 0.90 they are p1, p2, p3.
    """
    return pl.DataFrame(
        {
            "partner_id": ["p1", "p2", "p3", "p4", "p5"],
            "name": ["Acme", "<b>Bolt</b>", "Cora", "Dune", "Echo"],
            "tier": ["gold", "gold", "silver", "silver", "registered"],
            "region": ["EU", "US", "EU", "US", "EU"],
            "type": ["reseller", "referral", "reseller", "alliance", "referral"],
            "status": ["active"] * 5,
            "counted": [True] * 5,
            "state": ["productive", "productive", "productive", "active", "dormant"],
            "stage": ["mature", "mature", "ramping", "mature", "mature"],
            "won_revenue": [500.0, 300.0, 100.0, 60.0, 40.0],
            "sourced_revenue": [100.0, 300.0, 0.0, 60.0, 40.0],
            "influenced_revenue": [400.0, 0.0, 100.0, 0.0, 0.0],
            "open_pipeline": [50.0, 0.0, 200.0, 10.0, 0.0],
            "revenue_trend": [0.1, -0.5, 0.4, 0.0, -1.0],
            "investment": [100.0, 50.0, 20.0, 10.0, 30.0],
            "tenure_days": [900, 800, 100, 700, 1000],
            "untapped_overlap": [2, 0, 1, 0, 0],
            # health inputs (SMALL_MODEL)
            "sourced_pipeline": [50.0, 0.0, 200.0, 10.0, 0.0],
            "partner_initiated_share": [0.5, 0.9, 0.1, 0.3, None],
            "enablement_activities": [4, 3, 2, 1, 0],
            # as analysed with SMALL_MODEL (interest from two percentiles, awareness one);
            # p2 and p5 share the worst sourced pipeline (0): it earns them nothing
            "interest": [425 / 6, 50.0, 50.0, 125 / 3, 0.0],
            "awareness": [100.0, 75.0, 50.0, 25.0, 0.0],
            "health": [1025 / 12, 62.5, 50.0, 100 / 3, 0.0],
        }
    )


def health_explained_for(scorecard: pl.DataFrame) -> pl.DataFrame:
    """Long table: one row per partner and dimension with the dimension's score."""
    return health_explained(scorecard.lazy(), model=SMALL_MODEL).collect()


def health_percentiles_for(scorecard: pl.DataFrame, model=SMALL_MODEL) -> pl.DataFrame:
    """The percentiles health weighs, one row per scorecard row (as the analysis keeps)."""
    return health_percentiles(scorecard, model=model)


def synthetic_scorecard(n: int, *, seed: int = 7) -> pl.DataFrame:
    """A scorecard of ``n`` partners with a heavy-tailed revenue, for timing and scale."""
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.pareto(1.2, n) * 1000.0, 2)
    revenue[rng.random(n) < 0.4] = 0.0
    pick = rng.integers
    card = pl.DataFrame(
        {
            "partner_id": [f"P{i:06d}" for i in range(n)],
            "name": [f"Partner {i}" for i in range(n)],
            "tier": np.array(["platinum", "gold", "silver", "registered"])[pick(0, 4, n)],
            "region": np.array(["EU", "US", "APAC", "LATAM"])[pick(0, 4, n)],
            "type": np.array(["reseller", "referral", "alliance", "services"])[pick(0, 4, n)],
            "status": ["active"] * n,
            "counted": [True] * n,
            "state": np.array(["productive", "active", "dormant"])[pick(0, 3, n)],
            "stage": np.array(["ramping", "mature"])[pick(0, 2, n)],
            "won_revenue": revenue,
            "sourced_revenue": np.round(revenue * 0.4, 2),
            "influenced_revenue": np.round(revenue * 0.6, 2),
            "open_pipeline": np.round(rng.random(n) * 5000, 2),
            "revenue_trend": rng.uniform(-1, 1, n),
            "investment": np.round(rng.random(n) * 800, 2),
            "tenure_days": pick(10, 2000, n),
            "untapped_overlap": pick(0, 10, n),
            "sourced_pipeline": np.round(rng.random(n) * 3000, 2),
            "partner_initiated_share": rng.random(n),
            "enablement_activities": pick(0, 12, n),
        }
    )
    return health(card.lazy(), model=SMALL_MODEL).collect()


@pytest.fixture
def small() -> StubAnalysis:
    card = five_partners()
    return StubAnalysis(card, health_explained_for(card), health_percentiles_for(card))


@pytest.fixture
def make_analysis():
    """Build a stub analysis from a scorecard (health explanation derived from it)."""

    def make(card: pl.DataFrame, policy: Policy = SMALL_POLICY) -> StubAnalysis:
        return StubAnalysis(
            card,
            health_explained_for(card),
            health_percentiles_for(card, policy.health),
            policy=policy,
        )

    return make


@pytest.fixture
def scorecard_of():
    """``scorecard_of(n)``: a synthetic scorecard of ``n`` partners."""
    return synthetic_scorecard
