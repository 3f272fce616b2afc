"""Salesforce reports saved as Excel workbooks, in the shapes real exports take.

A *formatted* report export starts with a title block (the report name, ``As of:`` | date,
``Filtered By:`` | filter, two cells each) above the header, holds real date and number
cells and ends with the Grand Totals row; a workbook may hold a summary sheet before the
data. The loader finds the header, says which row it took, and when the first sheet is
not the data names the workbook's sheets and how to pick one per file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from partnerkit.cli import main
from partnerkit.load.checks import ROW
from partnerkit.load.files import read_table
from partnerkit.load.read import load

HEADER = ["Opportunity ID", "Partner Account", "Stage", "Amount", "Close Date", "Created Date"]
ROWS = [
    ["006A00000000001", "Northwind Cloud", "Closed Won", 1000, dt.date(2026, 3, 1),
     dt.date(2026, 1, 1)],
    ["006A00000000002", "Northwind Cloud", "Closed Lost", 2000.5, dt.date(2026, 4, 1),
     dt.date(2026, 1, 2)],
]  # fmt: skip
TITLES = [
    ["Opportunities with Partners"],
    ["As of:", "9/1/2026 10:00 AM"],
    ["Filtered By:", "Close Date equals Current FY"],
]


def _sheet(book: xlsxwriter.Workbook, name: str, header: list[str], top: list[list[str]]) -> None:
    """A formatted report: title lines, a blank row, header, deals, blank, Grand Totals."""
    ws = book.add_worksheet(name)
    money = book.add_format({"num_format": '"$"#,##0.00'})
    day = book.add_format({"num_format": "m/d/yyyy"})
    for r, cells in enumerate(top):
        ws.write_row(r, 0, cells)
    start = len(top) + 1
    ws.write_row(start, 0, header)
    for r, row in enumerate(ROWS, start=start + 1):
        for c, value in enumerate(row[: len(header)]):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
            elif isinstance(value, float | int):
                ws.write_number(r, c, value, money)
            else:
                ws.write_string(r, c, value)
    ws.write(start + len(ROWS) + 2, 0, "Grand Totals (2 records)")


def _partners(folder: Path) -> None:
    book = xlsxwriter.Workbook(str(folder / "partner accounts report.xlsx"))
    ws = book.add_worksheet("Partners")
    ws.write_row(0, 0, ["Account Name", "Type"])
    ws.write_row(1, 0, ["Northwind Cloud", "Channel Partner / Reseller"])
    book.close()


@pytest.fixture
def formatted(tmp_path: Path) -> Path:
    folder = tmp_path / "sf_formatted"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "opportunities report.xlsx"))
    _sheet(book, "Opportunities", HEADER, TITLES)
    book.close()
    _partners(folder)
    return folder


def test_two_cell_title_lines_are_not_the_header(
    formatted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(formatted), "--preset", "salesforce"]) == 0
    out = capsys.readouterr().out
    assert "deals  (opportunities report.xlsx: 2 rows)" in out
    assert "line 2: report title: 'As of:', '9/1/2026 10:00 AM'" in out
    assert "line 3: report title: 'Filtered By:', 'Close Date equals Current FY'" in out
    assert (
        "note: opportunities report.xlsx: row 5 taken as the header (it holds 6 known column names)"
    ) in out


def test_python_reads_the_deals_below_the_title_block(formatted: Path) -> None:
    loaded = load(formatted, preset="salesforce")
    assert loaded.portfolio is not None, loaded.report.problems
    deals = loaded.portfolio.deals.collect()
    assert deals["deal_id"].to_list() == ["006A00000000001", "006A00000000002"]
    assert deals["amount"].to_list() == [1000.0, 2000.5]


def test_known_column_names_pick_the_header_of_a_narrow_table(tmp_path: Path) -> None:
    # three columns: the two-cell title lines are as wide as the table is not
    path = tmp_path / "opportunities report.xlsx"
    book = xlsxwriter.Workbook(str(path))
    _sheet(book, "Opportunities", HEADER[:3], TITLES)
    book.close()
    table, problems = read_table("deals", path, labels=("Opportunity ID", "Stage", "Amount"))
    assert problems == []
    assert table is not None
    assert table.columns == tuple(HEADER[:3])
    assert table.frame.collect()[ROW].to_list() == [6, 7]
    assert table.notes == (
        "opportunities report.xlsx: row 5 taken as the header (it holds 2 known column names)",
    )


def test_without_known_names_the_header_is_a_row_as_wide_as_the_table(formatted: Path) -> None:
    table, problems = read_table("deals", formatted / "opportunities report.xlsx")
    assert problems == []
    assert table is not None
    assert table.columns == tuple(HEADER)
    why = "the first of the top rows as wide as the table"
    assert table.notes == (f"opportunities report.xlsx: row 5 taken as the header ({why})",)


@pytest.fixture
def summary_first(tmp_path: Path) -> Path:
    """A report workbook whose first sheet is a summary; the partners in a workbook of their own.

    ``--sheet Opportunities`` would pick that sheet in the partners workbook too, which has
    none: the fix is the mapping file's per-file ``[sheet]`` table.
    """
    folder = tmp_path / "sf_summary_first"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "opportunities report.xlsx"))
    summary = book.add_worksheet("Summary")
    summary.write(0, 0, "Pipeline summary")
    summary.write_row(1, 0, ["Total", 3000.5])
    summary.write_row(2, 0, ["Records", 2])
    _sheet(book, "Opportunities", HEADER, TITLES[:1])
    book.close()
    _partners(folder)
    return folder


def test_a_summary_sheet_first_names_the_sheets_and_the_per_file_fix(
    summary_first: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(summary_first), "--preset", "salesforce"]) == 1
    out = capsys.readouterr().out
    assert (
        "opportunities report.xlsx was read from its first sheet, 'Summary', of the sheets "
        "'Summary', 'Opportunities'; the header of 'Opportunities' names 6 known deals "
        'columns: to read it, add [sheet] deals = "Opportunities" to a --mapping file '
        "(--sheet picks the sheet of every workbook)"
    ) in out
    assert out.count("of the sheets") == 1  # said once, not for every missing column


def test_the_per_file_sheet_the_hint_gives_reads_the_workbook(
    summary_first: Path, tmp_path: Path
) -> None:
    loaded = load(summary_first, preset="salesforce")
    hint = "pass sheet={'deals': 'Opportunities'}"
    assert any(hint in p.message for p in loaded.report.problems)
    mapping = tmp_path / "sheets.toml"
    mapping.write_text('[sheet]\ndeals = "Opportunities"\n', encoding="utf-8")
    args = ["validate", str(summary_first), "--preset", "salesforce", "--mapping", str(mapping)]
    assert main(args) == 0


def test_a_one_sheet_workbook_lacking_columns_says_nothing_of_sheets(tmp_path: Path) -> None:
    folder = tmp_path / "one_sheet"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "opportunities report.xlsx"))
    book.add_worksheet("Summary").write_row(0, 0, ["Total", 3000.5])
    book.close()
    _partners(folder)
    problems = load(folder, preset="salesforce").report.problems
    assert problems
    assert not any("sheet" in p.message for p in problems)


SALESFORCE_HTML_XLS = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=UTF-8'></head>"
    "<body><table><tr><td>Opportunity ID</td><td>Stage</td><td>Amount</td><td>Close Date</td>"
    "<td>Created Date</td><td>Partner Account</td></tr><tr><td>006A1</td><td>Closed Won</td>"
    "<td>1,000.00</td><td>3/1/2026</td><td>1/1/2026</td><td>Northwind</td></tr></table>"
    "</body></html>"
)


@pytest.mark.parametrize("prefix", ["", "\ufeff\r\n  "])
def test_a_web_page_saved_as_xls_says_what_it_is_and_how_to_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], prefix: str
) -> None:
    folder = tmp_path / "sf_html_xls"
    folder.mkdir()
    (folder / "opportunities report.xls").write_text(prefix + SALESFORCE_HTML_XLS, "utf-8")
    _partners(folder)
    assert main(["validate", str(folder), "--preset", "salesforce"]) == 1
    out = capsys.readouterr().out
    assert (
        "deals [unreadable]: opportunities report.xls is a web page (HTML) saved as .xls, "
        "not an Excel workbook"
    ) in out
    assert "export the report again as CSV ('Comma Delimited .csv')" in out
    assert "save it as an Excel Workbook (.xlsx)" in out
    assert "OLE" not in out
