"""Shared fixtures for the sample-portfolio tests: the committed sample, read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from partnerkit.schema import TABLE_ORDER, schema_of

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
TRUTH_SCHEMA = pl.Schema({"partner_id": pl.String(), "pattern": pl.String(), "notes": pl.String()})


def read_sample(folder: Path, suffix: str = "csv") -> dict[str, pl.DataFrame]:
    """Read the five tables and the truth of a sample folder in their canonical dtypes."""
    frames = {}
    for name in (*TABLE_ORDER, "truth"):
        schema = TRUTH_SCHEMA if name == "truth" else schema_of(name)
        path = folder / f"{name}.{suffix}"
        frames[name] = (
            pl.read_csv(path, schema=schema) if suffix == "csv" else pl.read_parquet(path)
        )
    return frames


@pytest.fixture(scope="session")
def committed() -> dict[str, pl.DataFrame]:
    """The committed sample (``make sample``), read from ``data/samples``."""
    return read_sample(SAMPLES)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def end() -> date:
    """Last day of the committed sample (the default ``as_of``)."""
    return date(2026, 9, 30)
