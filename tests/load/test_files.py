import polars as pl
import pytest

from partnerkit.load import PortfolioError
from partnerkit.load.checks import ROW
from partnerkit.load.files import find_files, read_table
from partnerkit.load.read import DroppedRowsWarning, load, read_portfolio

PARTNERS = b"partner_id,name\nP1,Acme\nP2,Beta\n"


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_bom_crlf_and_quotes(tmp_path):
    p = write(
        tmp_path / "partners.csv",
        b'\xef\xbb\xbf"partner_id","name"\r\n"P1","Acme, Inc."\r\n"P2","Beta ""B"""\r\n',
    )
    table, problems = read_table("partners", p)
    assert problems == []
    assert table.columns == ("partner_id", "name")  # no BOM left in the first name
    assert table.frame.collect().rows() == [(2, "P1", "Acme, Inc."), (3, "P2", 'Beta "B"')]


def test_line_numbers_survive_line_breaks_inside_quotes(tmp_path):
    # Line 2 holds a name spanning lines 2-4, so the next record starts on line 5.
    p = write(
        tmp_path / "partners.csv",
        b'partner_id,name\r\nP1,"Acme\r\nwith a\r\nlong name"\r\nP2,Beta\r\nP3,Cobalt\r\n',
    )
    table, _ = read_table("partners", p)
    assert table.frame.collect()[ROW].to_list() == [2, 5, 6]


def test_error_after_multiline_field_names_the_true_line(tmp_path):
    write(tmp_path / "partners.csv", PARTNERS)
    write(
        tmp_path / "deals.csv",
        b"deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        b'D1,P1,2024-01-01,,"open",5\n'
        b'"D2\nsecond line",P1,2024-01-01,,open,5\n'
        b"D3,P1,2024-01-01,,open,-5\n",
    )
    with pytest.raises(PortfolioError) as info:
        read_portfolio(tmp_path)
    (problem,) = info.value.problems
    assert (problem.rule, problem.rows) == ("negative", [(5, "-5")])


def test_report_footer_dropped_and_reported(tmp_path):
    footer = (
        b'\r\n"Grand Totals (2 records)"\r\n"Confidential Information - Do Not Distribute"'
        b'\r\n"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."\r\n'
    )
    write(tmp_path / "partners.csv", b"partner_id,name\r\nP1,Acme\r\nP2,Beta\r\n" + footer)
    table, _ = read_table("partners", tmp_path / "partners.csv")
    assert table.rows == 2
    assert [n for n, _ in table.dropped] == [4, 5, 6, 7]
    assert table.dropped[1] == (5, "report footer: 'Grand Totals (2 records)'")
    write(
        tmp_path / "deals.csv",
        b"deal_id,partner_id,created_on,closed_on,outcome,amount\nD1,P1,2024-01-01,,open,5\n",
    )
    with pytest.warns(DroppedRowsWarning, match=r"dropped 4 rows holding no data: partners 4"):
        p = read_portfolio(tmp_path)
    assert p.partners.collect().height == 2


def test_footer_text_in_the_middle_is_data(tmp_path):
    # Only the trailing block is a footer; the same text inside the data stays a row.
    p = write(
        tmp_path / "partners.csv",
        b'partner_id,name\nP1,Acme\n"Grand Totals (9 records)",\nP2,Beta\n',
    )
    table, _ = read_table("partners", p)
    assert table.rows == 3
    assert table.dropped == ()


def test_blank_rows_anywhere_are_dropped_and_listed(tmp_path):
    p = write(tmp_path / "partners.csv", b"partner_id,name\nP1,Acme\n\n,\nP2,Beta\n\n")
    table, _ = read_table("partners", p)
    assert table.frame.collect()[ROW].to_list() == [2, 5]
    assert table.dropped == ((3, "blank row"), (4, "blank row"), (6, "blank row"))


@pytest.mark.parametrize(
    ("data", "rule", "words"),
    [
        (b"", "empty_file", "zero bytes"),
        (b"  \r\n\r\n", "empty_file", "holds no data"),
        (b"partner_id,name\r\n", "no_rows", "only a header"),
        (b"partner_id,name\n\n,\n", "no_rows", "a header and no data rows"),
        (b"partner_id;\nP1;\n", "delimiter", "looks ';'-delimited"),
        (b"partner_id,name\nP1,Acme,extra\n", "unreadable", "line 2 has 3 fields"),
    ],
)
def test_unusable_files(tmp_path, data, rule, words):
    table, problems = read_table("partners", write(tmp_path / "partners.csv", data))
    assert table is None
    (problem,) = problems
    assert problem.rule == rule
    assert words in problem.message


def test_encodings(tmp_path):
    utf16 = write(tmp_path / "a.csv", "partner_id,name\nP1,Café\n".encode("utf-16"))
    cp1252 = write(tmp_path / "b.csv", "partner_id,name\nP1,Café\n".encode("cp1252"))
    for path, note in ((utf16, "UTF-16"), (cp1252, "Windows-1252")):
        table, _ = read_table("partners", path)
        assert table.frame.collect()["name"].to_list() == ["Café"]
        assert note in table.notes[0]


def test_tsv_is_tab_separated(tmp_path):
    table, _ = read_table(
        "partners", write(tmp_path / "partners.tsv", b"partner_id\tname\nP1\tA\n")
    )
    assert table.columns == ("partner_id", "name")


def test_parquet_is_scanned_lazily(tmp_path):
    path = tmp_path / "partners.parquet"
    pl.DataFrame({"partner_id": ["P1"], "name": ["Acme"]}).write_parquet(path)
    table, _ = read_table("partners", path)
    assert not table.eager
    assert table.row_kind == "row"
    assert "PARQUET" in table.frame.explain().upper()


def test_empty_parquet_has_no_rows(tmp_path):
    pl.DataFrame(schema={"partner_id": pl.String, "name": pl.String}).write_parquet(
        tmp_path / "partners.parquet"
    )
    write(
        tmp_path / "deals.csv",
        b"deal_id,partner_id,created_on,closed_on,outcome,amount\nD1,,2024-01-01,,open,5\n",
    )
    rules = [(p.table, p.rule) for p in load(tmp_path).report.problems]
    assert rules == [("partners", "no_rows")]


EMPTY_DEALS = pl.DataFrame(
    schema={
        "deal_id": pl.String,
        "partner_id": pl.String,
        "created_on": pl.Date,
        "closed_on": pl.Date,
        "outcome": pl.String,
        "amount": pl.Float64,
    }
)


@pytest.mark.parametrize("form", ["csv", "parquet", "frame"])
def test_an_empty_deals_table_is_refused_whatever_its_source(tmp_path, form):
    """A header without rows in a CSV file, a Parquet file or a DataFrame: the same no_rows."""
    partners = pl.DataFrame({"partner_id": ["p1"], "name": ["A"]})
    if form == "frame":
        source: object = {"partners": partners, "deals": EMPTY_DEALS}
    else:
        partners.write_csv(tmp_path / "partners.csv")
        path = tmp_path / f"deals.{form}"
        EMPTY_DEALS.write_csv(path) if form == "csv" else EMPTY_DEALS.write_parquet(path)
        source = tmp_path
    report = load(source).report
    assert [(p.table, p.rule) for p in report.problems] == [("deals", "no_rows")]
    if form == "csv":  # the file is there, though unread: never "not supplied"
        assert "deals  (deals.csv, not read: see the problems)" in report.describe()


def test_an_empty_deals_table_is_refused_on_duckdb_too(tmp_path):
    from partnerkit.facts.engines import read_tables  # noqa: PLC0415
    from partnerkit.load import PortfolioError  # noqa: PLC0415

    pl.DataFrame({"partner_id": ["p1"], "name": ["A"]}).write_csv(tmp_path / "partners.csv")
    EMPTY_DEALS.write_parquet(tmp_path / "deals.parquet")
    with pytest.raises(PortfolioError) as refused:
        read_tables(tmp_path, engine="duckdb")
    assert [(p.table, p.rule) for p in refused.value.problems] == [("deals", "no_rows")]


def test_unknown_file_types_and_missing_files(tmp_path):
    _, problems = read_table("deals", tmp_path / "deals.xlsx")
    assert problems[0].rule == "unreadable"
    write(tmp_path / "deals.json", b"{}")
    _, problems = read_table("deals", tmp_path / "deals.json")
    assert "unknown file type" in problems[0].message


def test_find_files(tmp_path):
    for name in (
        "deals.csv",
        "deals.parquet",
        "partners.CSV",
        ".hidden.csv",
        "notes.txt",
        "extra.csv",
    ):
        write(tmp_path / name, b"x")
    found, problems, notes = find_files(tmp_path, {"partners": (), "deals": ()})
    assert {k: v.name for k, v in found.items()} == {"partners": "partners.CSV"}
    assert [(p.table, p.rule) for p in problems] == [("deals", "ambiguous_file")]
    assert notes == ["ignored file extra.csv"]
