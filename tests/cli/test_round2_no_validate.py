"""``--no-validate`` reads canonical Parquet as it is; CSV files are always parsed and checked.

On a source that must be parsed (CSV files among them) the command reads with every check
and says so in one warning line, instead of failing with the Python reader's words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _portfolio(folder: Path, values: list[float], *, currency: str | None = None) -> Path:
    """Partners P00..Pnn, each with one deal won on 2024-03-01 (a lost one for a zero).

    Every deal is created on 2024-01-10, within active_days of the as_of (2024-03-01), so
    every partner is active and in the default denominator.
    """
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"P{i:02d}" for i in range(len(values))]
    (folder / "partners.csv").write_text(
        "partner_id,name\n" + "".join(f"{i},Name {i}\n" for i in ids), encoding="utf-8"
    )
    head = "deal_id,partner_id,created_on,closed_on,outcome,amount"
    rows = [
        f"D{k},{pid},2024-01-10,2024-03-01,{'won' if v else 'lost'},{v or 100}"
        for k, (pid, v) in enumerate(zip(ids, values, strict=True))
    ]
    if currency is not None:
        head += ",currency"
        rows = [f"{row},{currency}" for row in rows]
    (folder / "deals.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return folder


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
    source = _portfolio(tmp_path / "src", [50.0, 30.0])
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
