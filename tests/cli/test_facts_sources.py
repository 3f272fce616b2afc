"""Facts folders handed to the commands that read portfolios.

``decisions record`` and ``report`` work from the facts (stage 2 only), as ``analyze`` does;
``validate`` and ``facts`` say the folder is a facts folder (exit 2) instead of listing the
fact tables' columns as data-contract problems.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def facts(flat: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The facts folder of ``flat`` (window ending on 2024-03-03, its latest event)."""
    folder = tmp_path_factory.mktemp("facts") / "facts"
    assert main(["facts", str(flat), "--out", str(folder)]) == 0
    return folder


@pytest.fixture
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for outputs, apart from the portfolio (``flat`` is ``tmp_path``)."""
    return tmp_path_factory.mktemp("out")


def _metrics(ledger: Path) -> list[dict[str, object]]:
    with sqlite3.connect(ledger) as conn:
        rows = conn.execute("SELECT as_of, metrics FROM decisions ORDER BY id").fetchall()
    return [{"as_of": as_of, **json.loads(metrics)} for as_of, metrics in rows]


def test_validate_names_a_facts_folder(facts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, err = run(capsys, "validate", str(facts))
    assert code == 2
    assert text == ""
    assert f"{facts} is a facts folder (written by partnerkit facts), not a portfolio" in err
    assert "validated when the facts were written" in err
    assert "missing_column" not in err
    assert "rename" not in err


def test_validate_says_an_engine_folder_skipped_the_row_rules(
    facts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    description = json.loads((facts / "facts.json").read_text(encoding="utf-8"))
    (facts / "facts.json").write_text(json.dumps({**description, "engine": "duckdb"}))
    code, _, err = run(capsys, "validate", str(facts))
    assert code == 2
    assert "built by --engine duckdb" in err
    assert "validate the raw source" in err


def test_facts_refuses_a_facts_folder_as_its_source(
    facts: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "facts", str(facts), "--out", str(out / "again"))
    assert code == 2
    assert "is a facts folder (written by partnerkit facts): stage 1 is done" in err
    assert "missing_column" not in err
    assert not (out / "again").exists()


def test_record_from_a_facts_folder_keeps_the_same_snapshot(
    flat: Path, facts: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = out / "ledger.sqlite"
    decision = ["--partner", "B", "--decision", "watch", "--rationale", "r", "--who", "ana"]
    for source in (flat, facts):
        code, text, err = run(
            capsys, "decisions", "record", "--ledger", str(ledger), *decision, str(source)
        )
        assert code == 0, err
        assert "B -> watch (as of 2024-03-03" in text
    raw, from_facts = _metrics(ledger)
    assert from_facts == raw
    assert raw["name"] == "Beta"


def test_record_from_a_facts_folder_checks_the_command_line(
    facts: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["decisions", "record", "--ledger", str(out / "l.sqlite"), "--partner", "B"]
    base += ["--decision", "keep", "--rationale", "r", "--who", "ana", str(facts)]
    code, _, err = run(capsys, *base, "--as-of", "2023-12-31")
    assert code == 2
    assert "built for the window ending on 2024-03-03, not 2023-12-31" in err
    code, _, err = run(capsys, *base, "--preset", "hubspot")
    assert code == 2
    assert "is a facts folder" in err
    code, _, err = run(capsys, *base[:5], "Z", *base[6:])
    assert code == 2  # an unknown value, as an unknown option
    assert "partner 'Z' is not in the portfolio" in err
    assert not (out / "l.sqlite").exists()


@pytest.mark.slow
def test_report_from_a_facts_folder_matches_the_raw_report(
    flat: Path, facts: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "report", str(flat), "--out", str(out / "raw"))
    assert code == 0, err
    code, _, err = run(capsys, "report", str(facts), "--out", str(out / "facts"))
    assert code == 0, err
    assert (out / "facts" / "report.html").is_file()
    for name in ("scorecard.csv", "recommendations.csv"):
        assert_frame_equal(pl.read_csv(out / "facts" / name), pl.read_csv(out / "raw" / name))
    code, _, err = run(
        capsys, "report", str(facts), "--out", str(out / "x"), "--as-of", "2024-01-31"
    )
    assert code == 2
    assert "built for the window ending on 2024-03-03" in err
