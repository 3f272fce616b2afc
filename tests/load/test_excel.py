"""Excel inputs and CR-only CSV: read like CSV, rows numbered as the user sees them."""

from __future__ import annotations

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from partnerkit.load import PortfolioError
from partnerkit.load.checks import ROW
from partnerkit.load.files import find_files, read_table
from partnerkit.load.read import DroppedRowsWarning, folder_inputs, load, read_portfolio

from . import intake_corpus as corpus

COLUMNS = [*corpus.HEADER, "currency"]


def deals_of(portfolio):
    return portfolio.deals.select(COLUMNS).collect()


def test_xlsx_read_as_text_with_excel_row_numbers(tmp_path):
    path = corpus.deals_xlsx(tmp_path / "deals.xlsx", corpus.truth())
    table, problems = read_table("deals", path)
    assert problems == []
    assert table.columns == corpus.HEADER
    frame = table.frame.collect()
    # header on Excel row 1, six deals on rows 2..7
    assert frame[ROW].to_list() == [2, 3, 4, 5, 6, 7]
    assert frame.schema["amount"] == pl.String
    assert frame["deal_id"].to_list() == ["D1", "D2", "D3", "D4", "D5", "D6"]


def test_xlsx_blank_rows_and_report_footer_are_dropped_and_listed(tmp_path):
    path = corpus.deals_xlsx(tmp_path / "deals.xlsx", corpus.truth(), blank_after=2, footer=True)
    table, problems = read_table("deals", path)
    assert problems == []
    # rows 2, 3 = D1, D2; row 4 blank; D3..D6 on rows 5..8; row 9 blank; footer on 10..12
    assert table.frame.collect()[ROW].to_list() == [2, 3, 5, 6, 7, 8]
    assert [n for n, _ in table.dropped] == [4, 9, 10, 11, 12]
    assert table.dropped[2][1] == "report footer: 'Grand Totals (6 records)'"


def test_xlsx_portfolio_equals_the_truth(tmp_path):
    root = corpus.folder(tmp_path / "p", "deals.xlsx")
    corpus.deals_xlsx(root / "deals.xlsx", corpus.truth(), blank_after=3, footer=True)
    with pytest.warns(DroppedRowsWarning):
        p = read_portfolio(root, currency="USD")
    assert_frame_equal(deals_of(p), corpus.expected_deals(corpus.truth()))


def test_excel_row_numbers_in_errors(tmp_path):
    deals = corpus.truth()
    root = corpus.folder(tmp_path / "p", "deals.xlsx")
    corpus.deals_xlsx(root / "deals.xlsx", deals, text_amounts="usd", blank_after=1)
    # spoil the amount of D4: row 2 D1, row 3 blank, D2..D6 on rows 4..8, so D4 is row 6
    book = root / "deals.xlsx"
    frame = pl.read_excel(book, engine="calamine", infer_schema_length=0, drop_empty_rows=False)
    assert frame.row(4)[0] == "D4"
    spoiled = frame.with_columns(
        pl.when(pl.col("deal_id") == "D4").then(pl.lit("12k")).otherwise(pl.col("amount"))
        .alias("amount")
    )  # fmt: skip
    spoiled.write_excel(book, worksheet="Deals")
    loaded = load(root)
    problems = [(p.rule, [n for n, _ in p.rows]) for p in loaded.report.problems]
    assert ("bad_number", [6]) in problems


def test_sheet_by_name_and_by_position(tmp_path):
    path = corpus.deals_xlsx(
        tmp_path / "deals.xlsx", corpus.truth(), sheet="Opportunities", extra_sheets=["Notes"]
    )
    by_name, problems = read_table("deals", path, sheet="Opportunities")
    assert problems == []
    by_position, problems = read_table("deals", path, sheet=1)
    assert problems == []
    assert by_name.frame.collect().equals(by_position.frame.collect())
    first, problems = read_table("deals", path)  # the first sheet: a header line only
    assert first is None
    assert [p.rule for p in problems] == ["no_rows"]


def test_missing_sheet_lists_the_sheets(tmp_path):
    path = corpus.deals_xlsx(tmp_path / "deals.xlsx", corpus.truth(), sheet="Opportunities")
    table, problems = read_table("deals", path, sheet="Deals")
    assert table is None
    assert problems[0].rule == "unreadable"
    assert "no sheet 'Deals'" in problems[0].message
    assert "'Opportunities'" in problems[0].message


def test_sheet_option_per_input_through_read_portfolio(tmp_path):
    root = corpus.folder(tmp_path / "p", "deals.xlsx")
    corpus.deals_xlsx(root / "deals.xlsx", corpus.truth(), sheet="Opps", extra_sheets=["Info"])
    p = read_portfolio(root, sheet={"deals": "Opps"}, currency="USD")
    assert_frame_equal(deals_of(p), corpus.expected_deals(corpus.truth()))
    with pytest.raises(PortfolioError, match="only a header"):
        read_portfolio(root, currency="USD")  # the first sheet holds no deals


def test_folder_mode_no_longer_ignores_excel(tmp_path):
    root = corpus.folder(tmp_path / "p", "Opportunity.xlsx")
    corpus.deals_xlsx(root / "Opportunity.xlsx", corpus.truth())
    (root / "notes.xlsx").write_bytes(b"")
    found, problems, notes = find_files(root, {"partners": (), "deals": ("opportunity",)})
    assert problems == []
    assert found["deals"].name == "Opportunity.xlsx"
    assert notes == ["ignored file notes.xlsx"]


def test_files_entry_of_a_mapping_may_name_a_workbook(tmp_path):
    root = corpus.folder(tmp_path / "p", "Q1 pipeline.xlsx")
    corpus.deals_xlsx(root / "Q1 pipeline.xlsx", corpus.truth())
    found = folder_inputs(root, files={"deals": "Q1 pipeline.xlsx"})
    assert found["deals"].name == "Q1 pipeline.xlsx"
    p = read_portfolio(found, currency="USD")
    assert_frame_equal(deals_of(p), corpus.expected_deals(corpus.truth()))


def test_not_a_workbook_is_a_problem_not_a_traceback(tmp_path):
    path = tmp_path / "deals.xlsx"
    path.write_bytes(b"this is no zip file")
    table, problems = read_table("deals", path)
    assert table is None
    assert problems[0].rule == "unreadable"
    assert "deals.xlsx" in problems[0].message


def test_cr_only_line_ends_read_line_by_line(tmp_path):
    lf = corpus.deals_csv(corpus.truth())
    cr = corpus.deals_csv(corpus.truth(), line_end="\r")
    assert b"\n" not in cr
    (tmp_path / "lf.csv").write_bytes(lf)
    (tmp_path / "cr.csv").write_bytes(cr)
    a, problems_a = read_table("deals", tmp_path / "lf.csv")
    b, problems_b = read_table("deals", tmp_path / "cr.csv")
    assert problems_a == problems_b == []
    assert_frame_equal(a.frame.collect(), b.frame.collect())
    assert b.frame.collect()[ROW].to_list() == [2, 3, 4, 5, 6, 7]
    assert any("CR only" in n for n in b.notes)


def test_cr_only_file_with_quoted_line_breaks_and_footer(tmp_path):
    data = corpus.deals_csv(corpus.truth(), line_end="\r", footer=True, bom=True)
    root = corpus.folder(tmp_path / "p", "deals.csv", data)
    with pytest.warns(DroppedRowsWarning, match="Grand Totals"):
        p = read_portfolio(root, currency="USD")
    assert_frame_equal(deals_of(p), corpus.expected_deals(corpus.truth()))


def test_excel_lock_file_beside_an_open_workbook_is_skipped(tmp_path):
    root = corpus.folder(tmp_path / "p", "deals.xlsx")
    corpus.deals_xlsx(root / "deals.xlsx", corpus.truth())
    (root / "~$deals.xlsx").write_bytes(b"\x00" * 165)  # what Excel leaves while it is open
    found, problems, notes = find_files(root, {"partners": (), "deals": ()})
    assert problems == []
    assert found["deals"].name == "deals.xlsx"
    assert notes == []


def test_table_starting_lower_down_keeps_excel_row_numbers(tmp_path):
    path = tmp_path / "deals.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Deals")
    ws.write_row(2, 1, ["deal_id", "amount"])  # header on Excel row 3, from column B
    ws.write_row(3, 1, ["d1", "5"])
    ws.write_row(5, 1, ["d2", "6"])  # row 5 left blank
    book.close()
    table, problems = read_table("deals", path)
    assert problems == []
    assert table.columns == ("deal_id", "amount")
    assert table.frame.collect().select(ROW, "deal_id").rows() == [(4, "d1"), (6, "d2")]
    assert table.dropped == ((5, "blank row"),)


def test_repeated_and_empty_header_cells_get_distinct_names(tmp_path):
    path = tmp_path / "deals.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["Amount", "", "Amount"])
    ws.write_row(1, 0, ["1", "2", "3"])
    book.close()
    table, _ = read_table("deals", path)
    assert table.columns == ("Amount", "column_2", "Amount_2")


def test_empty_workbook_sheet_is_an_empty_file(tmp_path):
    path = tmp_path / "deals.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet()
    book.close()
    table, problems = read_table("deals", path)
    assert table is None
    assert [p.rule for p in problems] == ["empty_file"]


def test_command_line_reads_cr_only_and_excel_without_a_traceback(tmp_path, capsys):
    from partnerkit.cli import main  # noqa: PLC0415  (the CLI only for this test)

    cr = corpus.folder(
        tmp_path / "cr", "deals.csv", corpus.deals_csv(corpus.truth(), line_end="\r")
    )
    book = corpus.folder(tmp_path / "xlsx", "deals.xlsx")
    corpus.deals_xlsx(book / "deals.xlsx", corpus.truth(), footer=True)
    assert main(["validate", str(cr), "--currency", "USD"]) == 0
    assert main(["validate", str(book), "--currency", "USD"]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err


def test_a_csv_and_a_workbook_for_the_same_table_are_ambiguous(tmp_path):
    root = corpus.folder(tmp_path / "p", "deals.csv", corpus.deals_csv(corpus.truth()))
    corpus.deals_xlsx(root / "deals.xlsx", corpus.truth())
    loaded = load(root)
    assert [(p.table, p.rule) for p in loaded.report.problems] == [("deals", "ambiguous_file")]
    assert "deals.csv, deals.xlsx" in loaded.report.problems[0].message


def test_formatted_report_title_lines_above_the_header_are_listed(tmp_path):
    path = tmp_path / "deals.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Opportunities")
    ws.write(0, 0, "Partner Opportunities")  # the report name
    ws.write(1, 0, "Filtered By: Close Date equals THIS FISCAL YEAR")
    ws.write_row(3, 0, ["Opportunity Name", "Amount"])  # the header on row 4
    ws.write_row(4, 0, ["Harbor", "25,000.00"])
    ws.write_row(5, 0, ["Lumen", "12,000.00"])
    ws.write(7, 0, "Grand Totals (2 records)")
    book.close()
    table, problems = read_table("deals", path)
    assert problems == []
    assert table.columns == ("Opportunity Name", "Amount")
    assert table.frame.collect().select(ROW, "Opportunity Name").rows() == [
        (5, "Harbor"),
        (6, "Lumen"),
    ]
    assert [n for n, _ in table.dropped] == [1, 2, 7, 8]  # titles; blank row and footer
    assert table.dropped[0] == (1, "report title: 'Partner Opportunities'")
