"""Portfolios for the command-line tests, written as files the way a user would hand them."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples"
CANONICAL = ("partners", "deals", "activities", "investments", "overlaps")


@pytest.fixture(scope="session")
def sample_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed sample, each canonical table rewritten as typed Parquet."""
    folder = tmp_path_factory.mktemp("sample_parquet")
    for name in CANONICAL:
        pl.read_csv(SAMPLE / f"{name}.csv", try_parse_dates=True).write_parquet(
            folder / f"{name}.parquet"
        )
    return folder


@pytest.fixture
def flat(tmp_path: Path) -> Path:
    """Three partners won 50,000, 30,000 and 20,000 in 2024: flatter than 80/20.

    Hand-worked: total 100,000; sorted 50k, 30k, 20k; cumulative shares before each are 0,
    0.5, 0.8, so the first two are vital (0.8 is not below 0.8): 2 of 3 partners (66.7%)
    produce 80.0%. The window is the 12 months to 2024-03-03, the latest event.
    """
    (tmp_path / "partners.csv").write_text(
        "partner_id,name\nA,Alpha\nB,Beta\nC,Gamma\n", encoding="utf-8"
    )
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "D1,A,2024-01-10,2024-03-01,won,50000\n"
        "D2,B,2024-01-10,2024-03-02,won,30000\n"
        "D3,C,2024-01-10,2024-03-03,won,20000\n",
        encoding="utf-8",
    )
    return tmp_path
