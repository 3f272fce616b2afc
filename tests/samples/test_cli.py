"""``partnerkit sample OUT`` writes the sample and reports what it wrote."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from partnerkit.cli import main
from partnerkit.samples import generate


def test_sample_command_writes_every_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "pf"
    code = main(["sample", str(out), "--seed", "3", "--partners", "40", "--deals-per-partner", "8"])
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "activities.csv",
        "deals.csv",
        "investments.csv",
        "overlaps.csv",
        "partners.csv",
        "truth.csv",
    ]
    printed = capsys.readouterr().out
    expected = generate(seed=3, partners=40, deals_per_partner=8)
    assert f"{expected.deals.height:,} rows" in printed
    assert "generated in" in printed


def test_sample_command_writes_parquet_with_the_requested_volumes(tmp_path: Path):
    args = ["sample", str(tmp_path), "--partners", "60", "--format", "parquet"]
    args += ["--deals-per-partner", "20", "--activities-per-partner", "30", "--years", "2"]
    assert main(args) == 0
    deals = pl.read_parquet(tmp_path / "deals.parquet")
    activities = pl.read_parquet(tmp_path / "activities.parquet")
    # the volumes are averages: 60 * 20 = 1,200 deals, 60 * 30 = 1,800 activities
    assert 1_000 < deals.height < 1_400
    assert 1_500 < activities.height < 2_100
    assert deals["created_on"].min() >= date(2024, 10, 1)  # two years before 2026-09-30


def test_sample_command_reports_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["sample", str(tmp_path), "--partners", "5"]) == 2
    assert "at least 30" in capsys.readouterr().err
    assert main(["sample", str(tmp_path), "--format", "xlsx"]) == 2
    assert "'xlsx' is not one of 'csv', 'parquet'" in capsys.readouterr().err
