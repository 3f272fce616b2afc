"""A Salesforce report's Grand Totals row holding the sum is a footer, in CSV and in Excel."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from partnerkit.load.read import load


def _quoted(rows: list[list[str]]) -> str:
    return "".join(",".join(f'"{v}"' for v in row) + "\r\n" for row in rows)


REPORT_HEAD = ["Opportunity Name", "Account Name", "Stage", "Amount", "Close Date", "Created Date"]
REPORT_ROWS = [
    ["Acme - Platform", "Acme Inc", "Closed Won", "10,000.00", "3/15/2026", "1/5/2026"],
    ["Birch - Pilot", "Birch Co", "Closed Lost", "2,500.50", "6/30/2026", "2/1/2026"],
]


def test_a_grand_totals_row_holding_the_sum_is_a_footer_in_csv(tmp_path: Path) -> None:
    footer = [
        [""] * 6,
        ["Grand Totals (2 records)", "", "", "12,500.50", "", ""],
        [""] * 6,
        ["Confidential Information - Do Not Distribute", "", "", "", "", ""],
        ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.", "", "", "", "", ""],
    ]
    path = tmp_path / "opportunities report.csv"
    path.write_text(_quoted([REPORT_HEAD, *REPORT_ROWS, *footer]), encoding="utf-8-sig")
    loaded = load({"deals": path}, preset="salesforce", mapping={"deals": {"Account Name": ""}})
    deals = next(t for t in loaded.report.tables if t.table == "deals")
    assert deals.rows_read == 2
    assert (5, "report footer: 'Grand Totals (2 records)' (totals 12,500.50)") in deals.dropped


def test_a_grand_totals_row_holding_the_sum_is_a_footer_in_excel(tmp_path: Path) -> None:
    path = tmp_path / "opportunities report.xlsx"
    rows: list[list[object]] = [["Opportunities by partner"], list(REPORT_HEAD)]
    rows += [[*r[:3], float(r[3].replace(",", "")), *r[4:]] for r in REPORT_ROWS]
    rows += [[], ["Grand Totals (2 records)", None, None, 12500.5]]
    rows += [["Confidential Information - Do Not Distribute"]]
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Opportunities")
    for n, row in enumerate(rows):
        sheet.write_row(n, 0, row)
    book.close()
    loaded = load({"deals": path}, preset="salesforce")
    deals = next(t for t in loaded.report.tables if t.table == "deals")
    assert deals.rows_read == 2
    assert (6, "report footer: 'Grand Totals (2 records)' (totals 12500.5)") in deals.dropped
