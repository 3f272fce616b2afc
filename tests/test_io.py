"""Writing files: atomic writes, and frames exported with formulas neutralised and types kept."""

from __future__ import annotations

import datetime as dt

import openpyxl
import polars as pl
import pytest
from openpyxl.utils.escape import unescape
from polars.testing import assert_frame_equal

from partnerkit import io as io_module
from partnerkit.io import FORMULA_PREFIXES, atomic_path, export_frame, neutralise, write_atomic

DANGEROUS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-1+1", "\t=1", "\r=2"]
SAFE = ["Acme GmbH", "O'Brien & Co", "x=1", ""]


def names_frame() -> pl.DataFrame:
    n = len(DANGEROUS) + len(SAFE)
    return pl.DataFrame(
        {
            "partner_id": [f"p{i}" for i in range(n)],
            "name": DANGEROUS + SAFE,
            "won_revenue": [-1.5, 1_234_567.25] + [0.0] * (n - 2),
            "won_deals": list(range(-1, n - 1)),
            "signed_on": [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(n)],
            "vital": [i % 2 == 0 for i in range(n)],
        }
    )


def expected_names() -> list[str]:
    # The documented rule: a single quote in front of text starting with = + - @ tab CR.
    return ["'" + s for s in DANGEROUS] + SAFE


def test_neutralise_rule():
    assert FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")
    out = neutralise(names_frame())
    assert out["name"].to_list() == expected_names()
    assert out["won_revenue"].to_list()[0] == -1.5  # numbers untouched
    assert out["won_deals"].dtype == pl.Int64
    lists = neutralise(pl.DataFrame({"reasons": [["=A", "B"], []], "=col": ["x", None]}))
    assert lists.columns == ["reasons", "'=col"]
    assert lists["reasons"].to_list() == ["'=A; B", ""]
    enum = pl.DataFrame({"tier": pl.Series(["=x", "gold"], dtype=pl.Enum(["=x", "gold"]))})
    assert neutralise(enum)["tier"].to_list() == ["'=x", "gold"]


def test_csv_round_trip(tmp_path):
    out = export_frame(names_frame(), tmp_path / "scores.csv")
    back = pl.read_csv(out, try_parse_dates=True)
    assert back["name"].to_list() == expected_names()
    assert back["won_revenue"].to_list()[:2] == [-1.5, 1_234_567.25]
    assert back["won_deals"].dtype == pl.Int64
    assert back["won_deals"][0] == -1  # a negative number stays a number
    assert back["signed_on"].dtype == pl.Date
    assert back["vital"].dtype == pl.Boolean


def test_parquet_round_trip_keeps_text_exactly(tmp_path):
    frame = names_frame().with_columns(reasons=pl.lit(["=A", "B"]))
    out = export_frame(frame, tmp_path / "scores.parquet")
    assert_frame_equal(pl.read_parquet(out), frame)


def test_excel_round_trip_writes_text_as_text(tmp_path):
    frame = names_frame()
    out = export_frame(frame, tmp_path / "scores.xlsx", sheet="scorecard")
    book = openpyxl.load_workbook(out)
    ws = book["scorecard"]
    header = [c.value for c in ws[1]]
    assert header == frame.columns
    name_col = header.index("name") + 1
    cells = [ws.cell(row=i + 2, column=name_col) for i in range(frame.height)]
    # The file format stores a carriage return as the escape _x000D_, which spreadsheet
    # programs turn back into the character; openpyxl leaves it escaped, so undo it here.
    assert [unescape(c.value or "") for c in cells] == expected_names()
    for cell in cells[: len(DANGEROUS)]:
        assert cell.data_type == "s"  # a string, never a formula ("f")
    # Numbers, dates and booleans keep their types and formats.
    money = ws.cell(row=3, column=header.index("won_revenue") + 1)
    assert (money.value, money.data_type, money.number_format) == (1_234_567.25, "n", "#,##0.00")
    negative = ws.cell(row=2, column=header.index("won_deals") + 1)
    assert (negative.value, negative.data_type) == (-1, "n")
    date = ws.cell(row=2, column=header.index("signed_on") + 1)
    assert date.is_date
    assert date.value == dt.datetime(2024, 1, 1)  # noqa: DTZ001 (Excel has no time zones)
    assert date.number_format == "yyyy-mm-dd"
    assert ws.cell(row=2, column=header.index("vital") + 1).value is True
    # Sheet layout: frozen header, autofilter over the data (the table's filter buttons),
    # styled header, fitted widths.
    assert ws.freeze_panes == "A2"
    (table,) = ws.tables.values()
    assert table.ref == f"A1:F{frame.height + 1}"
    assert table.autoFilter is not None
    assert ws["A1"].font.b
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


def test_excel_keeps_nulls_blank_and_time_zones_as_utc(tmp_path):
    frame = pl.DataFrame(
        {
            "name": [None, "a"],
            "at": [dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC), None],
            "x": [None, 1.5],
        }
    )
    ws = openpyxl.load_workbook(export_frame(frame, tmp_path / "x.xlsx")).active
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        [None, dt.datetime(2025, 1, 1, 12), None],  # noqa: DTZ001
        ["a", None, 1.5],
    ]


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv, \.parquet, \.xlsx"):
        export_frame(names_frame(), tmp_path / "scores.json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", ["csv", "parquet", "xlsx"])
def test_a_failed_export_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, suffix):
    target = tmp_path / f"out.{suffix}"
    target.write_bytes(b"previous export")

    def crash(frame, path, **kwargs):
        path.write_bytes(b"half a fi")  # partial output, then the writer dies
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", crash)
    monkeypatch.setattr(pl.DataFrame, "write_csv", crash)
    monkeypatch.setattr(io_module, "_write_xlsx", crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_frame(names_frame(), target)
    assert target.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_export_replaces_and_keeps_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    export_frame(names_frame(), target)
    assert target.read_text().startswith("partner_id,name")
    assert target.stat().st_mode & 0o777 == 0o640


def test_excel_refuses_text_beyond_its_cell_limit(tmp_path):
    frame = pl.DataFrame({"note": ["short", "x" * 32_768]})
    with pytest.raises(ValueError, match="text in column 'note' exceeds Excel's limit"):
        export_frame(frame, tmp_path / "long.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_excel_writes_links_and_numbers_in_text_as_text(tmp_path):
    frame = pl.DataFrame({"site": ["https://partner.example", "0123"], "n": [1, 2]})
    ws = openpyxl.load_workbook(export_frame(frame, tmp_path / "t.xlsx")).active
    cells = [ws.cell(row=i, column=1) for i in (2, 3)]
    assert [(c.value, c.data_type, c.hyperlink) for c in cells] == [
        ("https://partner.example", "s", None),
        ("0123", "s", None),
    ]


def test_an_empty_frame_exports_its_header(tmp_path):
    frame = pl.DataFrame(schema={"partner_id": pl.String, "won_revenue": pl.Float64})
    for suffix in ("csv", "parquet", "xlsx"):
        out = export_frame(frame, tmp_path / f"empty.{suffix}")
        back = (
            pl.read_excel(out)
            if suffix == "xlsx"
            else (pl.read_csv(out) if suffix == "csv" else pl.read_parquet(out))
        )
        assert back.columns == ["partner_id", "won_revenue"]
        assert back.height == 0


def test_write_atomic_creates_the_folder_and_replaces_in_one_step(tmp_path):
    target = tmp_path / "new" / "chart.svg"
    assert write_atomic(target, b"<svg/>") == target
    assert target.read_bytes() == b"<svg/>"
    target.chmod(0o600)
    write_atomic(target, b"<svg>2</svg>")
    assert target.read_bytes() == b"<svg>2</svg>"
    assert target.stat().st_mode & 0o777 == 0o600  # a replaced file keeps its permissions
    assert [p.name for p in target.parent.iterdir()] == ["chart.svg"]


def test_atomic_path_leaves_the_old_file_when_the_block_fails(tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")

    def interrupted() -> None:
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        interrupted()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.bin"]
