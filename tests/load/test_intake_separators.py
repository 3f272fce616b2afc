"""CSV exports saved with another field separator than the comma are read on every interface.

A Salesforce report exported by a spreadsheet in a locale whose decimal mark is the comma
(German, French, Italian, ... Excel) is written with ``;`` between fields: a byte-order
mark, CRLF line ends, day-first dates, ``€ 12.500,00`` amounts and the report footer. The
command line and Python read it alike, and the load report says which separator was used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main
from partnerkit.load.files import read_table
from partnerkit.load.read import load

OPPORTUNITIES = [
    [
        "Opportunity Name",
        "Account Name",
        "Partner Account",
        "Stage",
        "Amount",
        "Close Date",
        "Created Date",
    ],
    ["Acme - Platform", "Acme GmbH", "Northwind Cloud", "Closed Won", "€ 12.500,00",
     "12/5/2026", "3/1/2026"],
    ["Birch - Renewal", "Birch AG", "Northwind Cloud", "Closed Won", "€ 3.000,50",
     "30/06/2026", "15/02/2026"],
    ["Cobalt - Pilot", "Cobalt SA", "Bluebird Systems", "Closed Lost", "€ 7.000,00",
     "1/7/2026", "2/3/2026"],
    ["Delta - New", "Delta BV", "Bluebird Systems", "Negotiation/Review", "€ 20.000,00",
     "31/12/2026", "10/4/2026"],
]  # fmt: skip

FOOTER = [
    [""],
    ["Grand Totals (4 records)", "", "", "", "€ 42.500,50", "", ""],
    [""],
    ["Confidential Information - Do Not Distribute"],
    ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."],
]

PARTNERS = [
    ["Account Name", "Type", "Partner Tier"],
    ["Northwind Cloud", "Channel Partner / Reseller", "Gold"],
    ["Bluebird Systems", "Technology Partner", "Silver"],
]


def _write(path: Path, rows: list[list[str]], separator: str) -> None:
    """Every field quoted, CRLF, with a byte-order mark: as a spreadsheet saves a report."""
    text = "".join(separator.join(f'"{v}"' for v in row) + "\r\n" for row in rows)
    path.write_text(text, encoding="utf-8-sig", newline="")


@pytest.fixture
def eu_report(tmp_path: Path) -> Path:
    folder = tmp_path / "sf_report_eu"
    folder.mkdir()
    _write(folder / "opportunities report.csv", [*OPPORTUNITIES, *FOOTER], ";")
    partners_footer = [[""], ["Grand Totals (2 records)"]]
    _write(folder / "partner accounts report.csv", [*PARTNERS, *partners_footer], ";")
    return folder


def test_the_command_line_reads_a_semicolon_report(
    eu_report: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validate", str(eu_report), "--preset", "salesforce", "--day-first", "--decimal", ","]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert (
        "note: opportunities report.csv: the header splits on ';', not on ',': "
        "read as ';'-separated"
    ) in out
    assert "deals  (opportunities report.csv: 4 rows)" in out
    assert "line 7: report footer: 'Grand Totals (4 records)' (totals € 42.500,50)" in out


def test_python_reads_it_as_the_command_line_does(eu_report: Path) -> None:
    loaded = load(eu_report, preset="salesforce", day_first=True, decimal=",")
    assert loaded.portfolio is not None, loaded.report.problems
    deals = loaded.portfolio.deals.collect().sort("deal_id")
    assert deals["amount"].to_list() == [12500.0, 3000.5, 7000.0, 20000.0]
    assert str(deals["closed_on"][0]) == "2026-05-12"  # 12/5/2026, day first
    (report,) = [t for t in loaded.report.tables if t.table == "deals"]
    assert any("read as ';'-separated" in n for n in report.notes)


@pytest.mark.parametrize(("separator", "said"), [("\t", "tab"), ("|", "'|'")])
def test_tab_and_pipe_separated_csv_files_are_read(
    tmp_path: Path, separator: str, said: str
) -> None:
    path = tmp_path / "partner accounts report.csv"
    _write(path, PARTNERS, separator)
    table, problems = read_table("partners", path)
    assert problems == []
    assert table is not None
    assert table.columns == ("Account Name", "Type", "Partner Tier")
    note = f"partner accounts report.csv: the header splits on {said}, not on ','"
    assert table.notes == (f"{note}: read as {said}-separated",)


def test_a_comma_header_holding_a_semicolon_stays_comma_separated(tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    path.write_bytes(b'partner_id,name\r\nP1,"Smith; Jones"\r\n')
    table, _ = read_table("partners", path)
    assert table is not None
    assert table.columns == ("partner_id", "name")
    assert table.notes == ()
