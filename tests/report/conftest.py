"""Fixtures for report tests; the synthetic frames (``syn``) and browser helpers: tests/charts."""

from __future__ import annotations

import dataclasses
from types import ModuleType
from typing import Any

import polars as pl
import pytest

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def analysis(syn: ModuleType) -> Any:
    """16 partners; the best-ranked one has a hostile name, another a formula-like one."""
    base = syn.analysis(16)
    top = base.scorecard.sort("rank")["partner_id"][0]
    second = base.scorecard.sort("rank")["partner_id"][1]
    card = base.scorecard.with_columns(
        name=pl.when(pl.col("partner_id") == top)
        .then(pl.lit(EVIL))
        .when(pl.col("partner_id") == second)
        .then(pl.lit('=HYPERLINK("http://x")'))
        .otherwise(pl.col("name"))
    )
    return dataclasses.replace(base, scorecard=card, notes=("Note with <b>markup</b>.",))
