"""DataGrid: set search, sort, page and selection as the page would, read rows and exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from partnerkit import formatting as fmt
from partnerkit.widgets.grid import DataGrid, with_partner_names
from partnerkit.widgets.table import format_value


def _frame() -> pl.DataFrame:
    # 23 partners; p07 and p17 have the same revenue (ties break by key)
    ids = [f"p{i:02d}" for i in range(1, 24)]
    return pl.DataFrame(
        {
            "partner_id": ids,
            "name": [f"Partner {i}" for i in range(1, 24)],
            "region": ["EU" if i % 2 else "US" for i in range(1, 24)],
            "won_revenue": [float(i * 10) if i != 17 else 70.0 for i in range(1, 24)],
        }
    )


def test_pages_of_the_frame_order() -> None:
    grid = DataGrid(_frame(), key="partner_id", page_size=10)
    assert (grid.total, grid.matched, grid.pages) == (23, 23, 3)
    assert grid.row_keys == [f"p{i:02d}" for i in range(1, 11)]
    assert grid.rows[0] == ["p01", "Partner 1", "EU", "10"]  # money: whole amounts
    assert grid.status == "Rows 1\u201310 of 23 \u00b7 page 1 of 3"
    grid.page = 2
    assert grid.row_keys == ["p21", "p22", "p23"]
    grid.page = 9  # beyond the last page: kept on the last one
    assert grid.page == 2


def test_sort_descending_breaks_ties_by_key_and_search_is_case_insensitive() -> None:
    grid = DataGrid(_frame(), key="partner_id", page_size=5)
    grid.sort_by, grid.descending = "won_revenue", True
    assert grid.row_keys == ["p23", "p22", "p21", "p20", "p19"]
    grid.descending = False
    assert grid.row_keys == ["p01", "p02", "p03", "p04", "p05"]
    grid.page = 1
    assert grid.row_keys == ["p06", "p07", "p17", "p08", "p09"]  # 70.0 twice: p07 before p17
    grid.search = "PARTNER 1"  # Partner 1, 10..19
    assert grid.matched == 11
    assert grid.page == 1  # still exists (11 rows = 3 pages of 5)
    grid.search = "us"  # region US: the even partners
    assert grid.matched == 11
    assert set(grid.view["region"]) == {"US"}
    grid.search = "no such thing"
    assert (grid.matched, grid.rows, grid.page) == (0, [], 0)
    assert grid.status == "No rows match \u201cno such thing\u201d."


def test_selection_survives_search_and_pages() -> None:
    grid = DataGrid(_frame(), key="partner_id", page_size=5, selectable=True)
    grid.selected = ["p02", "p15"]
    grid.search = "partner 2"
    grid.page = 1
    assert grid.selected_frame()["partner_id"].to_list() == ["p02", "p15"]
    grid.set_frame(_frame().filter(pl.col("partner_id") != "p15"))
    assert grid.selected == ["p02"]  # keys that left the frame are dropped


def test_export_view_writes_the_filtered_sorted_rows_safely(tmp_path: Path) -> None:
    frame = _frame().with_columns(
        pl.when(pl.col("partner_id") == "p04")
        .then(pl.lit('=HYPERLINK("x")'))
        .otherwise(pl.col("name"))
        .alias("name")
    )
    grid = DataGrid(
        frame,
        key="partner_id",
        columns=["name", "won_revenue"],
        out_dir=tmp_path,
        export_name="view.csv",
    )
    grid.search = "eu"  # only searches shown text columns and the key: region is not shown
    assert grid.matched == 0
    grid.search = "p0"  # p01..p09
    grid.sort_by, grid.descending = "won_revenue", True
    grid._on_msg(grid, {"kind": "export"}, None)  # what the "Export view" button sends
    written = pl.read_csv(tmp_path / "view.csv")
    assert written.columns == ["name", "won_revenue"]
    assert written["won_revenue"].to_list() == [
        90.0,
        80.0,
        70.0,
        60.0,
        50.0,
        40.0,
        30.0,
        20.0,
        10.0,
    ]
    assert written["name"][5] == '\'=HYPERLINK("x")'  # neutralised, not a formula
    assert grid.message == f"Exported 9 rows to {tmp_path / 'view.csv'}."


def test_missing_key_is_refused() -> None:
    with pytest.raises(ValueError, match="key column 'id'"):
        DataGrid(_frame(), key="id")


def test_partner_names_beside_ids() -> None:
    conflicts = pl.DataFrame({"partner_a": ["p2", "p1"], "partner_b": ["p3", "p9"], "n": [1, 2]})
    names = pl.DataFrame({"partner_id": ["p1", "p2", "p3"], "name": ["Acme", "Bolt", "Cora"]})
    out = with_partner_names(conflicts, names=names, columns=["partner_a", "partner_b"])
    assert out.rows() == [("p2", "Bolt", "p3", "Cora", 1), ("p1", "Acme", "p9", None, 2)]


def test_money_columns_say_their_currency() -> None:
    frame = _frame().with_columns(won_revenue=pl.col("won_revenue") * 1000 + 0.4)
    grid = DataGrid(frame, key="partner_id", currency="EUR", page_size=1)
    assert grid.columns[3]["label"] == "won revenue (EUR)"
    assert grid.columns[2]["label"] == "region"
    assert grid.rows == [["p01", "Partner 1", "EU", "10,000"]]


def test_state_serialises_for_the_page() -> None:
    # what the kernel sends when the widget is displayed: every synced trait, JSON-ready
    state = DataGrid(_frame(), key="partner_id", page_size=2).get_state()
    assert state["_model_module"] == "anywidget"
    assert state["row_keys"] == ["p01", "p02"]
    assert state["columns"][3] == {
        "name": "won_revenue",
        "label": "won revenue",
        "numeric": True,
        "wrap": False,
    }


def test_empty_frame_shows_the_empty_text() -> None:
    grid = DataGrid(_frame().clear(), key="partner_id")
    assert (grid.total, grid.rows, grid.status) == (0, [], "No rows.")
    grid.set_frame(_frame().head(1))
    assert grid.row_keys == ["p01"]


@pytest.mark.parametrize("column", ["partner_id", "name", "region", "won_revenue"])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_together_are_the_view_whatever_the_sort(column: str, descending: bool) -> None:
    grid = DataGrid(_frame(), key="partner_id", page_size=4)
    grid.sort_by, grid.descending = column, descending
    seen: list[str] = []
    for page in range(grid.pages):
        grid.page = page
        seen += grid.row_keys
    assert seen == grid.view["partner_id"].to_list()
    assert sorted(seen) == sorted(_frame()["partner_id"])  # sorting never drops a row
    values = grid.view[column].to_list()
    assert values == sorted(values, reverse=descending)


def test_search_then_clear_gives_the_frame_back() -> None:
    grid = DataGrid(_frame(), key="partner_id", page_size=50)
    before = grid.rows
    grid.search = "partner 2"
    assert 0 < grid.matched < grid.total
    grid.search = ""
    assert grid.rows == before


def test_cells_use_the_shared_formatting_for_every_kind_of_value() -> None:
    # one row of each kind a decision queue shows; expected text written by hand from the
    # rules of partnerkit.formatting (whole money, percentages, counts, ISO dates, n/a)
    frame = pl.DataFrame(
        {
            "partner_id": ["p1", "p2"],
            "open_pipeline": [1234567.6, None],
            "win_rate": [0.4237, 0.043],
            "won_deals": [1250, 0],
            "health": [71.555, None],
            "revenue_trend": [-0.25, 0.5],
            "last_review_on": [dt.date(2025, 6, 30), None],
            "reasons": [["DORMANT", "LOW_HEALTH"], []],
        }
    )
    grid = DataGrid(frame, key="partner_id", currency="EUR")
    assert grid.columns[1]["label"] == "open pipeline (EUR)"
    assert grid.rows == [
        ["p1", "1,234,568", "42%", "1,250", "71.56", "-0.25", "2025-06-30", "DORMANT, LOW_HEALTH"],
        ["p2", "n/a", "4.3%", "0", "n/a", "+0.50", "n/a", ""],
    ]
    # the same value reads the same in the grid and in the explorer's HTML table
    assert format_value(0.4237, column="win_rate") == fmt.percent(0.4237) == "42%"
    assert format_value(1234567.6, column="open_pipeline", currency="EUR") == "EUR 1,234,568"
