"""An account-mapping export of one partner's overlaps has no partner column.

Crossbeam exports the overlaps of one partnership at a time (``Record, Our Populations,
Partner Populations, ...`` and fields prefixed by the partner population name): the
partner is the export, not a column. The missing-column problem says how to name it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main
from partnerkit.load.read import load

CROSSBEAM = [
    (
        "Record,Record ID,Our Populations,Partner Populations,Account Owner Name,Billing Country,"
        "Industry,Overlap Time,Is a Customer of,Opportunities Amount,Opportunities Count,"
        "Northwind Customers: Close Date"
    ),
    (
        'Harbor Freight,Harbor Freight,(Customers),"(Customers, Open Opportunities)",Dana,US,'
        "Logistics,2026-02-01,(Northwind Cloud),10000,1,2025-11-30"
    ),
    "Quarry Co,Quarry Co,(Prospects),(Customers),Kim,US,Mining,2026-03-05,(),0,0,",
]


@pytest.fixture
def one_partner_export(tmp_path: Path) -> Path:
    folder = tmp_path / "sf_crossbeam"
    folder.mkdir()

    def write(name: str, lines: list[str], encoding: str = "utf-8") -> None:
        text = "\r\n".join(lines) + "\r\n"
        (folder / name).write_text(text, encoding=encoding, newline="")

    write(
        "partner accounts report.csv",
        [
            '"Account ID","Account Name","Type"',
            '"0015g00000PA001AAA","Northwind Cloud","Channel Partner / Reseller"',
        ],
    )
    write(
        "opportunities report.csv",
        [
            (
                '"Opportunity ID","Account Name","Partner Account","Stage","Amount","Close Date",'
                '"Created Date"'
            ),
            (
                '"0065g00000OP001AAA","Harbor Freight","Northwind Cloud","Closed Won","$10,000.00",'
                '"3/15/2026","01/22/26 04:14 PM"'
            ),
        ],
    )
    write("crossbeam-export-northwind.csv", CROSSBEAM, encoding="utf-8-sig")
    return folder


def test_the_missing_partner_column_says_to_name_the_partner(
    one_partner_export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(one_partner_export), "--preset", "salesforce,crossbeam"]) == 1
    out = capsys.readouterr().out
    assert (
        "an account-mapping export of one partner's overlaps has no partner column: name the "
        'partner of every row, add [constants.overlaps] partner_id = "PARTNER ID OR NAME" to '
        "a --mapping file"
    ) in out


def test_python_gets_the_hint_in_its_words_and_the_fix_reads(
    one_partner_export: Path, tmp_path: Path
) -> None:
    problems = load(one_partner_export, preset=["salesforce", "crossbeam"]).report.problems
    (problem,) = problems
    assert (problem.table, problem.column, problem.rule) == (
        "overlaps",
        "partner_id",
        "missing_column",
    )
    assert (
        "pass shape=Shape(constants={'overlaps': {'partner_id': 'PARTNER ID OR NAME'}})"
        in problem.message
    )
    mapping = tmp_path / "northwind.toml"
    mapping.write_text(
        'preset = ["salesforce", "crossbeam"]\n[constants.overlaps]\n'
        'partner_id = "Northwind Cloud"\n',
        encoding="utf-8",
    )
    assert main(["validate", str(one_partner_export), "--mapping", str(mapping)]) == 0
