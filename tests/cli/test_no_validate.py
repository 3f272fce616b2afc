"""``--no-validate`` reads canonical Parquet as it is; CSV files are always parsed and checked.

On a source that must be parsed (CSV files among them) the command reads with every check
and says so in one warning line, instead of failing with the Python reader's words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .won_deals import run, won_deals

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_no_validate_on_csv_reads_with_every_check_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, checked, _ = run(capsys, "analyze", str(SAMPLE))
    assert code == 0
    code, out, err = run(capsys, "analyze", str(SAMPLE), "--no-validate")
    assert code == 0, err
    assert out == checked
    assert err == (
        "warning: --no-validate reads canonical Parquet tables as they are, and partners.csv, "
        "deals.csv, activities.csv, investments.csv and overlaps.csv must be parsed (as CSV "
        "files, presets, value maps and columns of another type always are): the portfolio "
        "was read with every check\n"
    )
    assert "validate=True" not in err


def test_no_validate_on_csv_still_finds_broken_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = won_deals(tmp_path / "src", [50.0, 30.0])
    deals = source / "deals.csv"
    deals.write_text(deals.read_text().replace(",50.0", ",-50.0"), encoding="utf-8")
    code, _, err = run(capsys, "analyze", str(source), "--no-validate")
    assert code == 1
    assert err.startswith("warning: --no-validate reads canonical Parquet tables")
    assert "[negative]" in err


def test_no_validate_on_parquet_reads_without_a_word(
    sample_parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "analyze", str(sample_parquet), "--no-validate")
    assert code == 0, err
    assert "warning: --no-validate" not in err
    assert "vital few: 26 of 113 partners (23%) produce 81% of won revenue" in out
