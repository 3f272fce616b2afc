"""Fixes said in the words of the interface in use; errors that name what they are about."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main
from partnerkit.load.read import load, read_portfolio

WHOLE_DOLLARS = (
    "Opportunity ID,Opportunity Name,Partner Account ID,Stage,Amount,Close Date,Created Date\r"
    '006A00000000001,A,001A00000000001,Closed Won,"$25,000",02/23/26 08:55 PM,01/02/26 09:00 AM\r'
    '006A00000000002,B,001A00000000001,Closed Won,"USD 1,200",03/01/26 10:00 AM,01/03/26 09:00 AM\r'
    "006A00000000003,C,001A00000000001,Closed Lost,$500,03/15/26 10:00 AM,01/04/26 09:00 AM\r"
)


@pytest.fixture
def whole_dollars(tmp_path: Path) -> Path:
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "opportunities report.csv").write_text(WHOLE_DOLLARS, newline="")
    (folder / "partner accounts report.csv").write_text(
        "Account ID,Account Name\r001A00000000001,Northwind Cloud\r", newline=""
    )
    return folder


def test_an_ambiguous_number_is_fixed_in_the_words_of_the_interface(
    whole_dollars: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = load(whole_dollars, preset="salesforce")
    (problem,) = loaded.report.problems
    assert problem.rule == "ambiguous_number"
    assert problem.message.endswith(
        "pass decimal='.' (1,200 is 1200) or decimal=',' (1,200 is 1.2)"
    )
    assert main(["validate", str(whole_dollars), "--preset", "salesforce"]) == 1
    assert "pass --decimal . (1,200 is 1200) or --decimal , (1,200 is 1.2)" in (
        capsys.readouterr().out
    )
    assert main(["validate", str(whole_dollars), "--preset", "salesforce", "--decimal", "."]) == 0
    p = read_portfolio(whole_dollars, preset="salesforce", decimal=".")
    assert p.deals.select("amount").collect().to_series().to_list() == [25000.0, 1200.0, 500.0]


def test_a_mapping_file_with_a_syntax_error_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "crm.toml"
    mapping.write_text('preset = "salesforce"\n[columns.deals\n"Amount" = "amount"\n')
    assert main(["validate", str(tmp_path), "--mapping", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert f"cannot read mapping file {mapping}: " in err
    assert "(at line 2, column 15)" in err
