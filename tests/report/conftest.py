"""Fixtures for report tests; the synthetic frames and browser helpers live in tests/charts."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl
import pytest

CHART_TESTS = Path(__file__).resolve().parents[1] / "charts"
EVIL = "<script>alert(1)</script>"


def load_helper(stem: str) -> ModuleType:
    """Import a helper module of the chart tests by path (shared with their conftest)."""
    name = f"partnerkit_test_{stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, CHART_TESTS / f"{stem}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def syn() -> ModuleType:
    return load_helper("synthetic")


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
