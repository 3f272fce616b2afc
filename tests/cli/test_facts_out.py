"""``partnerkit facts --out DIR`` never replaces a portfolio's raw tables.

The fact tables are written as ``partners.parquet``, ``deals.parquet``, ...: the names of the
raw tables. So ``--out`` must be new, empty or an earlier facts folder; the source folder,
or a folder holding other files, is refused as a usage error (exit 2) before any work.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from partnerkit.cli import main
from partnerkit.facts import Facts
from partnerkit.facts.store import FactsFolderError, check_facts_out, is_facts_folder, write_facts
from partnerkit.window import Window


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_out_is_the_source_folder(flat: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _contents(flat)
    code, out, err = run(capsys, "facts", str(flat), "--out", str(flat))
    assert code == 2
    assert out == ""
    assert "the folder they are built from" in err
    assert "new or empty folder" in err
    assert _contents(flat) == before
    assert not is_facts_folder(flat)


def test_out_holds_a_portfolio(
    flat: Path, sample_parquet: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("portfolio")
    shutil.copytree(sample_parquet, other, dirs_exist_ok=True)
    before = _contents(other)
    assert main(["facts", str(flat), "--out", str(other)]) == 2
    assert _contents(other) == before
    assert main(["validate", str(other)]) == 0


def test_out_holding_raw_tables_names_them(
    flat: Path, sample_parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "facts", str(flat), "--out", str(sample_parquet))
    assert code == 2
    assert "holds the raw tables activities.parquet, deals.parquet" in err
    assert "would replace them" in err
    assert "Traceback" not in err


def test_out_holding_other_files(
    flat: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path_factory.mktemp("notes")
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _, err = run(capsys, "facts", str(flat), "--out", str(other))
    assert code == 2
    assert "holds 1 file (notes.txt) and is not a facts folder (no facts.json)" in err
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_an_earlier_facts_folder_or_an_empty_one_is_written(
    flat: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path_factory.mktemp("facts")
    (out / ".DS_Store").write_bytes(b"")  # hidden files do not count
    assert run(capsys, "facts", str(flat), "--out", str(out))[0] == 0
    assert is_facts_folder(out)
    code, _, err = run(capsys, "facts", str(flat), "--out", str(out), "--as-of", "2024-06-30")
    assert code == 0, err
    assert '"end": "2024-06-30"' in (out / "facts.json").read_text(encoding="utf-8")


def test_write_facts_refuses_a_portfolio_folder(flat: Path) -> None:
    before = _contents(flat)
    window = Window.ending(dt.date(2024, 12, 31), months=12)
    facts = Facts.from_frames({}, window=window, quarters=(), supplied={})
    with pytest.raises(FactsFolderError, match=r"holds the raw tables deals\.csv, partners\.csv"):
        write_facts(facts, flat)
    assert _contents(flat) == before


def test_a_file_url_naming_the_output_folder_is_the_source(tmp_path: Path) -> None:
    with pytest.raises(FactsFolderError, match="the folder they are built from"):
        check_facts_out(tmp_path, source=f"file://{tmp_path}")
    check_facts_out(tmp_path / "new", source="s3://bucket/portfolio")  # remote: nothing to guard
