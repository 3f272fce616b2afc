"""``read_portfolio(validate=False)``: canonical lazy tables read as they are, rows unchecked."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.load import PortfolioError
from partnerkit.load.read import UNVALIDATED, load, read_portfolio
from partnerkit.schema import TABLE_ORDER

CANONICAL = Path(__file__).parents[1] / "fixtures" / "crm" / "canonical"


@pytest.fixture
def parquet_folder(tmp_path: Path) -> Path:
    checked = read_portfolio(CANONICAL)
    for name in ("partners", "deals", "overlaps"):
        supplied = checked.supplied[name]
        checked.table(name).select(supplied).collect().write_parquet(tmp_path / f"{name}.parquet")
    return tmp_path


def test_a_valid_parquet_folder_reads_the_same_either_way(parquet_folder):
    checked = read_portfolio(parquet_folder)
    trusted = read_portfolio(parquet_folder, validate=False)
    for name in TABLE_ORDER:
        assert_frame_equal(trusted.table(name).collect(), checked.table(name).collect())
    assert trusted.supplied == checked.supplied
    assert trusted.source.endswith("(not validated)")
    report = load(parquet_folder, validate=False).report
    assert UNVALIDATED in report.notes
    assert report.ok


def test_rows_are_not_checked(parquet_folder):
    # a duplicate id and a negative amount: the checked read refuses them, the trusted
    # read hands them out unchanged (which is what validate=False promises)
    deals = pl.read_parquet(parquet_folder / "deals.parquet")
    bad = pl.concat([deals, deals.head(1).with_columns(amount=pl.lit(-5.0))])
    bad.write_parquet(parquet_folder / "deals.parquet")
    with pytest.raises(PortfolioError) as info:
        read_portfolio(parquet_folder)
    assert {p.rule for p in info.value.problems} >= {"duplicate", "negative"}
    trusted = read_portfolio(parquet_folder, validate=False)
    assert trusted.deals.collect().height == bad.height


def test_tables_and_columns_are_still_checked(parquet_folder):
    pl.read_parquet(parquet_folder / "deals.parquet").drop("amount").write_parquet(
        parquet_folder / "deals.parquet"
    )
    with pytest.raises(PortfolioError) as info:
        read_portfolio(parquet_folder, validate=False)
    [problem] = info.value.problems
    assert (problem.table, problem.column, problem.rule) == ("deals", "amount", "missing_column")


def test_columns_that_need_parsing_are_refused(parquet_folder):
    # dates as text and an amount as text must be parsed, so they cannot be read as they are
    deals = pl.read_parquet(parquet_folder / "deals.parquet")
    deals.with_columns(pl.col("created_on", "amount").cast(pl.String)).write_parquet(
        parquet_folder / "deals.parquet"
    )
    with pytest.raises(PortfolioError) as info:
        read_portfolio(parquet_folder, validate=False)
    found = {(p.table, p.column, p.rule) for p in info.value.problems}
    assert found == {
        ("deals", "created_on", "needs_validation"),
        ("deals", "amount", "needs_validation"),
    }
    assert "created_on is String, not Date" in str(info.value)
    read_portfolio(parquet_folder)  # with validation they parse


def test_csv_frames_and_value_maps_are_refused(parquet_folder):
    with pytest.raises(PortfolioError, match=r"partners\.csv is parsed in memory"):
        read_portfolio(CANONICAL, validate=False)
    frames = {
        "partners": pl.read_parquet(parquet_folder / "partners.parquet"),
        "deals": pl.scan_parquet(parquet_folder / "deals.parquet"),
    }
    with pytest.raises(PortfolioError) as info:
        read_portfolio(frames, validate=False)
    assert [(p.table, p.rule) for p in info.value.problems] == [("partners", "needs_validation")]
    with pytest.raises(PortfolioError) as info:
        read_portfolio(
            parquet_folder, validate=False, values={"deals": {"outcome": {"Won": "won"}}}
        )
    assert [(p.table, p.column) for p in info.value.problems] == [("deals", "outcome")]
