"""Planted portfolios shared by the judgment tests (analysed once per session)."""

from __future__ import annotations

import polars as pl
import pytest

from partnerkit.analysis import analyze
from tests.judgments.archetypes import Planted, plant

SEEDS = (1, 2, 3)
# another mix: most partners produce nothing at all
ZERO_HEAVY = {
    "star": 8,
    "faded": 6,
    "dormant_untapped": 10,
    "dormant_plain": 40,
    "newly_signed": 12,
    "long_tail": 120,
}


def judged(world: Planted) -> pl.DataFrame:
    """The analysed scorecard of ``world`` with its planted pattern."""
    card = analyze(world.portfolio(), as_of=world.as_of).scorecard
    return card.join(world.truth, on="partner_id")


@pytest.fixture(scope="session")
def worlds() -> list[Planted]:
    return [plant(seed) for seed in SEEDS] + [plant(11, ZERO_HEAVY)]


@pytest.fixture(scope="session")
def cards(worlds: list[Planted]) -> pl.DataFrame:
    return pl.concat(
        [judged(w).with_columns(seed=pl.lit(i)) for i, w in enumerate(worlds)], how="diagonal"
    )
