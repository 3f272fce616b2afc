"""Archetype x recommendation table on the planted portfolios and on the committed sample.

Run with ``python -m tests.judgments.table`` from the repository root.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from partnerkit.analysis import analyze
from partnerkit.load.read import read_portfolio
from tests.judgments.archetypes import plant

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"
SEEDS = (1, 2, 3)


def crosstab(card: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Count partners per planted pattern and recommendation."""
    joined = card.join(truth.select("partner_id", "pattern"), on="partner_id")
    return (
        joined.with_columns(pl.col("recommendation").fill_null("(none)"))
        .pivot(on="recommendation", index="pattern", values="partner_id", aggregate_function="len")
        .fill_null(0)
        .sort("pattern")
    )


def planted_table(seeds: tuple[int, ...] = SEEDS) -> pl.DataFrame:
    """Crosstab summed over the planted portfolios of ``seeds``."""
    parts = []
    for seed in seeds:
        world = plant(seed)
        card = analyze(world.portfolio(), as_of=world.as_of).scorecard
        parts.append(card.join(world.truth, on="partner_id").select("pattern", "recommendation"))
    both = pl.concat(parts).with_columns(pl.col("recommendation").fill_null("(none)"))
    return (
        both.with_columns(pid=pl.int_range(pl.len()).cast(pl.String))
        .pivot(on="recommendation", index="pattern", values="pid", aggregate_function="len")
        .fill_null(0)
        .sort("pattern")
    )


def main() -> None:
    """Print both tables."""
    with pl.Config(tbl_rows=50, tbl_cols=20, tbl_hide_dataframe_shape=True):
        print(f"planted portfolios, seeds {SEEDS}")
        print(planted_table())
        truth = pl.read_csv(SAMPLE / "truth.csv", schema_overrides={"partner_id": pl.String})
        card = analyze(read_portfolio(SAMPLE)).scorecard
        print("committed sample")
        print(crosstab(card, truth))


if __name__ == "__main__":
    main()
