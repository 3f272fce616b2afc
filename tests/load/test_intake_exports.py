"""Real-shaped CRM exports that used to crash, misread or give no fix, on every interface.

A header repeated in a report (the Opportunity's and the Account's ``Created Date``), money
whose written currency disagrees with its currency cell, a rate table written with point
decimals beside deals needing ``--decimal ,``, Excel's "Unicode Text" ``.txt`` saves, two
exports of one table in a folder, Salesforce's ``1/15/2025, 9:05 AM`` datetimes and Excel
serial dates: each is read right or refused with the line, the id and a fix in the words
of the interface in use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from partnerkit.cli import main
from partnerkit.load.mapping import MappingFile
from partnerkit.load.read import Loaded, SourceError, load, read_portfolio
from partnerkit.load.text import parse_rates

D = dt.date
PARTNERS = "partner_id,name\nP1,Alpha\nP2,Beta\n"
HEADER = "deal_id,partner_id,account_id,created_on,closed_on,outcome,amount"


def _folder(tmp_path: Path, deals: str, *, name: str = "deals.csv") -> Path:
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    (folder / "partners.csv").write_text(PARTNERS, encoding="utf-8")
    (folder / name).write_text(deals, encoding="utf-8")
    return folder


def _rules(loaded: Loaded) -> list[tuple[str | None, str, int]]:
    return [(p.column, p.rule, p.count) for p in loaded.report.problems]


# --- a header the file repeats ------------------------------------------------------------

REPEATED = (
    f"{HEADER},amount\n"
    "D1,P1,A1,2025-01-05,2025-02-10,won,100,9999\n"
    "D2,P2,A2,2025-01-06,2025-02-11,won,200,300\n"
)


def test_a_repeated_header_is_named_again_and_the_fix_given_reads_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path, REPEATED)
    loaded = load(folder)
    (problem,) = loaded.report.problems
    assert (problem.column, problem.rule) == ("amount", "duplicate_column")
    assert "pass mapping={'deals': {'amount (again)': ''}}" in problem.message
    assert "pass mapping={'deals': {'amount': ''}}" in problem.message
    deals = next(t for t in loaded.report.tables if t.table == "deals")
    assert deals.ignored == ("amount (again)",)
    # either fix reads the file: the first copy, or the repeat in its place
    first = read_portfolio(folder, mapping={"deals": {"amount (again)": ""}})
    assert first.deals.collect()["amount"].to_list() == [100.0, 200.0]
    second = read_portfolio(folder, mapping={"deals": {"amount": ""}})
    assert second.deals.collect()["amount"].to_list() == [9999.0, 300.0]


def test_a_polars_style_name_in_a_mapping_points_to_the_repeat(tmp_path: Path) -> None:
    loaded = load(_folder(tmp_path, REPEATED), mapping={"deals": {"amount_duplicated_0": ""}})
    messages = [p.message for p in loaded.report.problems if p.rule == "unknown_mapping"]
    assert messages
    assert "did you mean 'amount (again)', the second column headed 'amount'?" in messages[0]


SF_REPORT = (
    '"Opportunity Name","Account Name","Created Date","Partner Account","Stage","Amount",'
    '"Close Date","Created Date"\n'
    '"Acme - New","Acme Corp","1/15/2025","Alpha Partners","Closed Won","$12,000.00",'
    '"3/1/2025","6/1/2019"\n'
    '"Globex - Upsell","Globex","2/1/2025","Beta Integrators","Closed Lost","$8,500.00",'
    '"4/1/2025","7/2/2018"\n'
)
SF_PARTNERS = (
    '"Account Name","Type"\n"Alpha Partners","Channel Partner / Reseller"\n'
    '"Beta Integrators","System Integrator"\n'
)


def test_a_salesforce_report_with_two_created_dates_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "opportunities report.csv").write_text(SF_REPORT, encoding="utf-8")
    (folder / "partner accounts report.csv").write_text(SF_PARTNERS, encoding="utf-8")
    assert main(["validate", str(folder), "--preset", "salesforce"]) == 1
    out = capsys.readouterr().out
    assert "ignored columns: 'Created Date (again)'" in out
    assert "_duplicated_" not in out
    fix = 'add [columns.deals] "Created Date (again)" = "" to a --mapping file'
    assert fix in out
    mapping = tmp_path / "map.toml"
    mapping.write_text('preset = "salesforce"\n[columns.deals]\n"Created Date (again)" = ""\n')
    assert main(["validate", str(folder), "--mapping", str(mapping)]) == 0
    p = read_portfolio(folder, preset="salesforce", mapping={"deals": {"Created Date (again)": ""}})
    assert p.deals.collect()["created_on"].to_list() == [D(2025, 1, 15), D(2025, 2, 1)]


def test_trailing_columns_without_header_or_data_are_left_out_with_a_note(
    tmp_path: Path,
) -> None:
    deals = (
        f"{HEADER},,,\n"
        "D1,P1,A1,2025-01-05,2025-02-10,won,100,,,\n"
        "D2,P2,A2,2025-01-06,2025-02-11,won,200,,x,\n"
    )
    loaded = load(_folder(tmp_path, deals))
    assert loaded.portfolio is not None
    report = next(t for t in loaded.report.tables if t.table == "deals")
    assert report.ignored == ("column_9",)  # it holds a value: kept, and listed
    assert any("2 columns with neither a header nor data left out" in n for n in report.notes)


# --- currency: fixes in the interface's words, marks beside a currency column ------------


MARKED = (
    f"{HEADER}\n"
    'D1,P1,A1,2025-01-05,2025-02-10,won,"$1,000.50"\n'
    'D2,P1,A2,2025-01-06,2025-02-11,won,"EUR 2,000.00"\n'
    "D3,P2,A3,2025-01-07,2025-02-12,won,300.00\n"
)


def test_currencies_from_amount_marks_get_command_line_fixes_and_a_plain_tie(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, MARKED)
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "pass --currency CODE --rates FILE" in out
    assert "set aside: pass --quarantine" in out
    assert "currency='...'" not in out
    assert "quarantine=True" not in out
    assert "most rows are in" not in out  # one EUR, one USD: no majority
    assert "no currency holds most rows (EUR and USD hold 1 row each" in out
    assert "1 deal names no currency in its amount" in out
    assert main(["validate", str(folder), "--currency", "USD"]) == 1
    out = capsys.readouterr().out
    assert "[other_currency]" in out
    assert "rates='rates.csv'" not in out
    # the unmarked amount among amounts in two currencies is not taken for USD
    assert "[blank_currency]" in out
    assert "line 4 (id D3): '300.00'" in out


def test_an_amount_naming_another_currency_than_its_cell_is_a_row_problem(
    tmp_path: Path,
) -> None:
    deals = (
        f"{HEADER},currency\n"
        'D1,P1,A1,2025-01-05,2025-02-10,won,"$1,000.50",USD\n'
        'D2,P1,A2,2025-01-06,2025-02-11,won,"EUR 2,000.00",USD\n'
        "D3,P2,A3,2025-01-08,2025-02-13,won,400.00,USD\n"
    )
    loaded = load(_folder(tmp_path, deals))
    (conflict,) = [p for p in loaded.report.problems if p.rule == "mixed_currency"]
    assert conflict.count == 1
    assert conflict.rows == [(3, "EUR 2,000.00 beside currency USD")]
    assert "another currency than the deal's currency cell" in conflict.message
    assert "set the row aside (pass quarantine=True)" in conflict.message
    assert conflict.records == ["D2"]
    kept = read_portfolio(_folder(tmp_path, deals), quarantine=True)
    assert kept.deals.collect()["deal_id"].to_list() == ["D1", "D3"]


def test_a_blank_currency_cell_takes_the_currency_of_its_amount(tmp_path: Path) -> None:
    deals = (
        f"{HEADER},currency\n"
        "D1,P1,A1,2025-01-05,2025-02-10,won,£100.00,GBP\n"
        "D2,P2,A2,2025-01-07,2025-02-12,won,£300.00,\n"
    )
    loaded = load(_folder(tmp_path, deals))
    assert loaded.portfolio is not None
    got = loaded.portfolio.deals.collect().select("deal_id", "amount", "currency").rows()
    assert got == [("D1", 100.0, "GBP"), ("D2", 300.0, "GBP")]
    assert "blank currency cell: the deal takes the currency its amount names (line 3)" in (
        loaded.report.describe()
    )
    # beside deals in USD, the GBP deal is another currency, never USD at par
    mixed = deals.replace("£100.00,GBP", "$100.00,USD")
    assert ("currency", "mixed_currency", 1) in _rules(load(_folder(tmp_path, mixed)))


# --- the rate table reads its own separators ----------------------------------------------

DECIMAL_COMMA = (
    f"{HEADER},currency\n"
    'D1,P1,A1,2025-01-05,2025-02-10,won,"1.200",EUR\n'
    'D2,P1,A2,2025-01-06,2025-02-11,won,"25.000",USD\n'
    "D3,P2,A3,2025-01-07,2025-02-12,won,500,EUR\n"
)


@pytest.mark.parametrize(("rate", "expected"), [("1.092", 27300.0), ("0.925", 23125.0)])
def test_the_decimal_option_of_the_deals_is_not_applied_to_the_rates(
    tmp_path: Path, rate: str, expected: float
) -> None:
    folder = _folder(tmp_path, DECIMAL_COMMA)
    rates = tmp_path / "rates.csv"
    rates.write_text(f"currency,date,rate\nUSD,2025-01-01,1.085\nUSD,2025-02-01,{rate}\n")
    p = read_portfolio(folder, decimal=",", currency="EUR", rates=rates)
    got = p.deals.collect().select("deal_id", "amount").rows()
    assert got == [("D1", 1200.0), ("D2", expected), ("D3", 500.0)]


def test_rates_are_read_by_the_table_itself() -> None:
    got = parse_rates(["1.085", "0,925", "1,10", "1.3", "2", "1e-3"])
    assert [v for v, _ in got] == [1.085, 0.925, 1.1, 1.3, 2.0, 0.001]
    # a table writing ',' as thousands reads '1,350' so, and refuses '1,35'
    got = parse_rates(["1,350.50", "1,350", "1.10", "1,35"])
    assert [v for v, _ in got] == [1350.5, 1350.0, 1.1, None]
    assert got[3][1].startswith("ambiguous")


def test_rate_problems_quote_the_line_and_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, DECIMAL_COMMA)
    rates = tmp_path / "rates.csv"
    rates.write_text(
        "currency,date,rate\nUSD,2025-01-01,1.10\nGBP,2025-01-01,abc\n"
        'JPY,2025-01-01,"1,350.50"\nCHF,2025-01-01,"1,35"\nSEK,2025-01-01,\n'
    )
    with pytest.raises(SourceError) as caught:
        load(folder, decimal=",", currency="EUR", rates=rates)
    text = str(caught.value)
    assert "rates.csv line 3 (GBP, 2025-01-01, 'abc'): the rate 'abc' is not a number" in text
    assert "rates.csv line 5 (CHF, 2025-01-01, '1,35'): the rate '1,35' is ambiguous" in text
    assert "rates.csv line 6 (SEK, 2025-01-01, blank): no rate" in text
    assert "line 2" not in text  # 1.10 and 1,350.50 are rates
    assert "line 4" not in text
    assert "correct the rows in rates.csv" in text
    args = ["validate", str(folder), "--decimal", ",", "--currency", "EUR", "--rates", str(rates)]
    assert main(args) == 2
    assert "rates.csv line 3 (GBP" in capsys.readouterr().err


# --- files: Excel's Unicode Text, two exports of one table ---------------------------------


def _unicode_text(csv: str) -> bytes:
    """A table as Excel saves it as "Unicode Text": tab-separated, CRLF, UTF-16 with a BOM."""
    return csv.replace(",", "\t").replace("\n", "\r\n").encode("utf-16")


def test_unicode_text_exports_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "unicode"
    folder.mkdir()
    (folder / "partners.txt").write_bytes(_unicode_text("partner_id,name\nP1,Müller\n"))
    deals = f"{HEADER}\nD1,P1,Bäckerei,2025-01-05,2025-02-10,won,3000\n"
    (folder / "deals.txt").write_bytes(_unicode_text(deals))
    (folder / "notes.txt").write_text("not a table")
    loaded = load(folder)
    assert loaded.portfolio is not None
    assert loaded.portfolio.partners.collect()["name"].to_list() == ["Müller"]
    assert loaded.portfolio.deals.collect()["amount"].to_list() == [3000.0]
    assert "notes.txt" not in loaded.report.describe()


def test_two_exports_of_one_table_say_how_to_pick_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, REPEATED.replace(",amount\n", "\n").replace(",9999", "")
                     .replace(",300\n", "\n"))  # fmt: skip
    (folder / "deals.tsv").write_text(HEADER.replace(",", "\t") + "\n")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert (
        "several files could hold deals: deals.csv, deals.tsv; say which one to read: add "
        '[files] deals = "deals.tsv" to a --mapping file, or move the others out of the folder'
    ) in out
    loaded = load(folder)
    (problem,) = loaded.report.problems
    assert "pass mapping=MappingFile(files={'deals': 'deals.tsv'})" in problem.message
    p = read_portfolio(folder, mapping=MappingFile(files={"deals": "deals.csv"}))
    assert p.deals.collect()["deal_id"].to_list() == ["D1", "D2"]


# --- dates: Salesforce's datetime with a comma, Excel serial numbers -----------------------


def test_a_datetime_with_a_comma_before_its_time_reads_its_date(tmp_path: Path) -> None:
    deals = (
        f"{HEADER}\n"
        'D1,P1,A1,"1/15/2025, 9:05 AM","3/1/2025, 4:30 PM",won,100\n'
        'D2,P2,A2,"2/1/2025, 11:00 PM","4/1/2025",won,200\n'
    )
    p = read_portfolio(_folder(tmp_path, deals))
    got = p.deals.collect().select("created_on", "closed_on").rows()
    assert got == [(D(2025, 1, 15), D(2025, 3, 1)), (D(2025, 2, 1), D(2025, 4, 1))]


def test_a_datetime_with_a_comma_keeps_the_day_first_rules(tmp_path: Path) -> None:
    deals = (
        f"{HEADER}\n"
        'D1,P1,A1,"15/1/2025, 09:05","3/2/2025, 16:30",won,100\n'
        'D2,P2,A2,"3/1/2025, 23:00","4/2/2025",won,200\n'
    )
    folder = _folder(tmp_path, deals)
    assert ("created_on", "ambiguous_date", 2) in _rules(load(folder))
    p = read_portfolio(folder, day_first=True)
    assert p.deals.collect()["created_on"].to_list() == [D(2025, 1, 15), D(2025, 1, 3)]


def test_a_lazy_source_with_such_datetimes_is_handed_out_as_validated(tmp_path: Path) -> None:
    folder = tmp_path / "parquet"
    folder.mkdir()
    pl.DataFrame({"partner_id": ["P1"], "name": ["A"]}).write_parquet(folder / "partners.parquet")
    pl.DataFrame(
        {
            "deal_id": ["D1", "D2"],
            "partner_id": ["P1", "P1"],
            "created_on": ["1/15/2025, 9:05 AM", "2025-01-02"],
            "closed_on": ["2/1/2025, 4:30 PM", None],
            "outcome": ["won", "open"],
            "amount": [300.0, 5.0],
        }
    ).write_parquet(folder / "deals.parquet")
    p = read_portfolio(folder)
    got = p.deals.collect().select("created_on", "closed_on").rows()
    assert got == [(D(2025, 1, 15), D(2025, 2, 1)), (D(2025, 1, 2), None)]


def test_an_excel_serial_date_is_refused_with_how_to_export_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deals = f"{HEADER}\nD1,P1,A1,2025-08-01,45900,won,100\nD2,P2,A2,2025-08-02,soon,won,200\n"
    folder = _folder(tmp_path, deals)
    loaded = load(folder)
    assert loaded.portfolio is None  # never converted by guess
    serial, other = sorted(
        (p for p in loaded.report.problems if p.rule == "bad_date"),
        key=lambda p: "Excel" not in p.message,
    )
    assert serial.rows == [(2, "45900")]
    assert serial.records == ["D1"]
    assert "looks like an Excel serial date" in serial.message
    assert "Format Cells > Date" in serial.message
    assert "45900 would be 2025-08-31" in serial.message
    assert other.rows == [(3, "soon")]
    assert "Excel" not in other.message
    assert main(["validate", str(folder)]) == 1
    assert "line 2 (id D1): '45900'" in capsys.readouterr().out
