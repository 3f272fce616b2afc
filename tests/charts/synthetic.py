"""Synthetic analysis frames with the analysis' column names, for chart and report tests.

The numbers follow the shape of a real portfolio (a few partners produce most of the value,
many produce nothing) but are not computed by partnerkit's metrics: chart tests check what
is drawn from given frames, not the metrics themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from partnerkit.policy import Policy

LADDER = Policy().tier_ladder
DIMENSIONS = {
    "interest": (("sourced_pipeline", 1.0), ("partner_initiated_share", 1.0), ("reciprocity", 0.5)),
    "awareness": (("enablement_activities", 1.0), ("activity_breadth", 1.0)),
    "encouragement": (("program_investment", 1.0), ("days_since_activity", 0.5)),
}
RECOMMENDATION_REASONS = {
    "keep": ["VITAL"],
    "invest": ["HIGH_HEALTH", "PRODUCTIVE_HEALTHY"],
    "watch": ["FADING_TREND", "ONE_SIDED"],
    "exit": ["DORMANT", "LOW_HEALTH"],
}


@dataclass(frozen=True)
class FakeAnalysis:
    """Stands in for ``partnerkit.analysis.Analysis`` (same attribute names)."""

    scorecard: pl.DataFrame
    concentration: pl.DataFrame
    health_explained: pl.DataFrame
    lift: pl.DataFrame
    vital_quarters: pl.DataFrame
    policy: Policy = field(default_factory=Policy)
    as_of: dt.date = dt.date(2025, 6, 30)
    window_start: dt.date = dt.date(2024, 6, 30)
    notes: tuple[str, ...] = ()


def scorecard(n: int, *, seed: int = 7, threshold: float = 0.8) -> pl.DataFrame:
    """A scorecard of ``n`` partners: ranked, shares, vital few, health, overlap, decisions."""
    rng = np.random.default_rng(seed)
    producing = rng.random(n) < 0.45
    value = np.where(producing, np.round(rng.lognormal(10, 1.6, n), 2), 0.0)
    ids = [f"P{i:06d}" for i in range(n)]
    frame = pl.DataFrame(
        {
            "partner_id": ids,
            "name": [f"Partner {i}" for i in range(n)],
            "tier": rng.choice(list(LADDER), n, p=[0.1, 0.2, 0.3, 0.4]).tolist(),
            "region": rng.choice(["EMEA", "NA", "APAC"], n).tolist(),
            "type": rng.choice(["reseller", "referral", "technology"], n).tolist(),
            "status": ["active"] * n,
            "counted": [True] * n,
            "won_revenue": value,
            "won_deals": np.where(producing, rng.integers(1, 30, n), 0),
            "win_rate": np.where(producing, rng.random(n), np.nan),
            "sourced_revenue": np.round(value * 0.6, 2),
            "influenced_revenue": np.round(value * 0.4, 2),
            "open_pipeline": np.round(rng.lognormal(9, 1.5, n), 2),
            "revenue_trend": np.clip(rng.normal(0, 0.5, n), -1, 1),
            "investment": np.round(rng.lognormal(8, 1, n), 2),
            "health": np.round(rng.random(n) * 100, 1),
            "reciprocity": np.clip(rng.normal(0, 0.5, n), -1, 1),
            "our_effort_share": np.clip(rng.normal(0.6, 0.2, n), 0, 1),
            "overlap_accounts": rng.integers(0, 200, n),
        }
    ).with_columns(pl.col("win_rate").fill_nan(None))
    frame = (
        frame.with_columns(
            cosell_potential=(pl.col("overlap_accounts") * 0.4).cast(pl.Int64),
            one_sided=pl.col("our_effort_share") > Policy().one_sided_share,
        )
        .with_columns(
            realized_overlap=(pl.col("cosell_potential") * 0.3).cast(pl.Int64),
        )
        .with_columns(untapped_overlap=pl.col("cosell_potential") - pl.col("realized_overlap"))
    )
    total = frame["won_revenue"].sum()
    frame = (
        frame.sort(["won_revenue", "partner_id"], descending=[True, False])
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64), share=pl.col("won_revenue") / total)
        .with_columns(cum_share=pl.col("share").cum_sum())
        .with_columns(vital=(pl.col("cum_share") - pl.col("share")) < threshold)
    )
    implied = (
        pl.when(pl.col("rank") <= n * 0.1)
        .then(pl.lit(LADDER[0]))
        .when(pl.col("rank") <= n * 0.3)
        .then(pl.lit(LADDER[1]))
        .when(pl.col("rank") <= n * 0.6)
        .then(pl.lit(LADDER[2]))
        .otherwise(pl.lit(LADDER[3]))
    )
    recommendation = (
        pl.when(pl.col("vital"))
        .then(pl.lit("keep"))
        .when(pl.col("health") >= 60)
        .then(pl.lit("invest"))
        .when(pl.col("health") <= 30)
        .then(pl.lit("exit"))
        .otherwise(pl.lit("watch"))
    )
    reasons = pl.col("recommendation").replace_strict(
        dict(RECOMMENDATION_REASONS), return_dtype=pl.List(pl.String)
    )
    return (
        frame.with_columns(implied_tier=implied, recommendation=recommendation)
        .with_columns(
            reasons=reasons,
            explanation=pl.format(
                "{} is a {} candidate: health {}.", "name", "recommendation", "health"
            ),
            state=pl.when(pl.col("won_revenue") > 0)
            .then(pl.lit("productive"))
            .otherwise(pl.lit("dormant")),
            stage=pl.lit("mature"),
        )
        .sort("partner_id")
    )


def concentration(card: pl.DataFrame) -> pl.DataFrame:
    """The one-row summary (Gini computed the textbook way on the synthetic values)."""
    values = np.sort(card["won_revenue"].to_numpy())
    n = len(values)
    total = values.sum()
    cum = np.cumsum(values)
    gini = float((n + 1 - 2 * cum.sum() / total) / n) if total else 0.0
    vital = int(card["vital"].sum())
    return pl.DataFrame(
        {
            "denominator": ["active"],
            "partners": [n],
            "total_value": [float(total)],
            "vital_count": [vital],
            "vital_share": [vital / n],
            "zero_value_share": [float((values == 0).mean())],
            "top20_share": [0.8],
            "gini": [gini],
            "hhi": [float(((values / total) ** 2).sum())],
            "closest_benchmark": ["90/10"],
        }
    )


def health_explained(card: pl.DataFrame, *, seed: int = 7) -> pl.DataFrame:
    """Partner x dimension x metric rows; contributions of a dimension sum to its score."""
    rng = np.random.default_rng(seed)
    parts = []
    ids = card["partner_id"]
    for dim, metrics in DIMENSIONS.items():
        weights = sum(w for _, w in metrics)
        for metric, weight in metrics:
            pct = np.round(rng.random(card.height) * 100, 1)
            parts.append(
                pl.DataFrame(
                    {
                        "partner_id": ids,
                        "dimension": dim,
                        "metric": metric,
                        "value": np.round(rng.random(card.height) * 10, 2),
                        "percentile": pct,
                        "weight": weight,
                        "contribution": pct * weight / weights,
                    }
                )
            )
    return pl.concat(parts)


def lift(card: pl.DataFrame) -> pl.DataFrame:
    """Overall with-vs-without rows plus one small-sample partner row."""
    first = card["partner_id"][0]
    return pl.DataFrame(
        {
            "scope": ["portfolio", "portfolio", first],
            "group": ["partner", "direct", "partner"],
            "n_closed": [420, 610, 6],
            "win_rate": [0.41, 0.28, 0.5],
            "win_rate_lo": [0.37, 0.25, None],
            "win_rate_hi": [0.45, 0.31, None],
            "mean_deal": [48_000.0, 31_000.0, 20_000.0],
            "mean_deal_lo": [44_000.0, 29_000.0, None],
            "mean_deal_hi": [52_500.0, 33_000.0, None],
            "days_to_close": [62.0, 81.0, 40.0],
            "enough": [True, True, False],
        }
    )


def quarterly(card: pl.DataFrame, *, quarters: int = 8, seed: int = 7) -> pl.DataFrame:
    """Won revenue per partner per quarter (quarter start dates)."""
    rng = np.random.default_rng(seed)
    starts = [dt.date(2023 + (q // 4), 3 * (q % 4) + 1, 1) for q in range(quarters)]
    base = card["won_revenue"].to_numpy() / quarters
    rows = {
        "partner_id": np.repeat(card["partner_id"].to_numpy(), quarters),
        "quarter": starts * card.height,
        "won_revenue": np.round(
            np.repeat(base, quarters) * rng.uniform(0.2, 1.8, card.height * quarters), 2
        ),
    }
    return pl.DataFrame(rows)


def shipped_rows(spec: dict[str, Any]) -> dict[str, int]:
    """Rows of every inline dataset of a chart spec, by dataset name."""
    return {name: len(rows) for name, rows in spec.get("datasets", {}).items()}


def analysis(n: int, *, seed: int = 7) -> FakeAnalysis:
    """All frames for a synthetic portfolio of ``n`` partners."""
    card = scorecard(n, seed=seed)
    return FakeAnalysis(
        scorecard=card,
        concentration=concentration(card),
        health_explained=health_explained(card, seed=seed),
        lift=lift(card),
        vital_quarters=quarterly(card, seed=seed)
        .rename({"won_revenue": "value"})
        .filter(pl.col("value") > 0),
    )
