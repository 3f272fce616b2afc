"""``facts`` records the portfolio's currency in ``facts.json``: the deals' (else ``--currency``).

A report or a decision from the facts folder then names the currency as one from the raw
portfolio does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .won_deals import run, won_deals

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_facts_record_the_deals_currency(
    engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "facts"
    code, _, err = run(capsys, "facts", str(SAMPLE), "--engine", engine, "--out", str(out))
    assert code == 0, err
    assert json.loads((out / "facts.json").read_text())["currency"] == "USD"


def test_facts_record_the_currency_given_when_the_deals_name_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = won_deals(tmp_path / "src", [50.0, 30.0])
    for given, recorded in ((None, None), ("EUR", "EUR")):
        out = tmp_path / f"facts-{given}"
        extra = ["--currency", given] if given else []
        code, _, err = run(capsys, "facts", str(source), "--out", str(out), *extra)
        assert code == 0, err
        assert json.loads((out / "facts.json").read_text())["currency"] == recorded


@pytest.mark.slow
def test_a_report_from_a_facts_folder_names_the_currency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = won_deals(tmp_path / "src", [50000.0, 30000.0, 20000.0], currency="EUR")
    facts = tmp_path / "facts"
    assert run(capsys, "facts", str(source), "--engine", "duckdb", "--out", str(facts))[0] == 0
    pages = {}
    for name, where in (("raw", source), ("facts", facts)):
        code, _, err = run(capsys, "report", str(where), "--out", str(tmp_path / name))
        assert code == 0, err
        pages[name] = (tmp_path / name / "report.html").read_text(encoding="utf-8")
    for html in pages.values():
        assert "amounts in EUR" in html
        assert "EUR 100,000" in html
        assert "not named in the data" not in html
