"""A facts folder gives back exactly the facts written, and refuses what it is not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.facts import FactSettings, build_facts, latest_event
from partnerkit.facts.engines import read_tables
from partnerkit.facts.store import (
    FACTS_FILE,
    FactsFolderError,
    is_facts_folder,
    read_facts,
    write_facts,
)
from partnerkit.policy import Policy
from partnerkit.schema import FACT_SCHEMAS
from partnerkit.window import Window

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"


def _stage_one(engine: str) -> object:
    tables, supplied = read_tables(SAMPLE, engine=engine)
    day = latest_event(tables)
    assert day == dt.date(2026, 9, 30)  # the sample's last event, as its README says
    window = Window.ending(day, months=12)
    settings = FactSettings.from_policy(Policy(), window)
    return build_facts(tables, window=window, settings=settings, supplied=supplied)


@pytest.mark.slow
def test_round_trip_keeps_every_table_and_the_window(tmp_path: Path) -> None:
    facts = _stage_one("duckdb").collect()  # type: ignore[attr-defined]
    path = write_facts(facts, tmp_path / "f", currency="USD", engine="duckdb")
    assert path == tmp_path / "f" / FACTS_FILE
    assert is_facts_folder(tmp_path / "f")
    back = read_facts(tmp_path / "f")
    assert back.window == facts.window == Window(dt.date(2025, 9, 30), dt.date(2026, 9, 30))
    assert back.quarters == facts.quarters
    assert dict(back.supplied) == dict(facts.supplied)
    assert back.has("activities", "hours") == facts.has("activities", "hours")
    assert set(back.frames()) == set(FACT_SCHEMAS)
    for name, frame in facts.frames().items():
        assert_frame_equal(back.frames()[name].collect(), frame.collect(), check_exact=True)
    description = json.loads(path.read_text())
    assert description["engine"] == "duckdb"
    assert description["currency"] == "USD"
    assert description["tables"]["partners"] == {"file": "partners.parquet", "rows": 150}


@pytest.mark.slow
def test_a_stage_one_is_written_with_its_engine(tmp_path: Path) -> None:
    path = write_facts(_stage_one("duckdb"), tmp_path)  # type: ignore[arg-type]
    assert json.loads(path.read_text())["engine"] == "duckdb"
    assert read_facts(tmp_path).partners.collect().height == 150


def _rows(frame: pl.LazyFrame) -> pl.DataFrame:
    done = frame.collect()
    return done.sort(done.columns, nulls_last=True)


@pytest.mark.slow
def test_polars_and_duckdb_facts_folders_hold_the_same_tables(tmp_path: Path) -> None:
    # two engines, one source: the folders must not differ in any fact
    write_facts(_stage_one("polars"), tmp_path / "p")  # type: ignore[arg-type]
    write_facts(_stage_one("duckdb"), tmp_path / "d")  # type: ignore[arg-type]
    p, d = read_facts(tmp_path / "p"), read_facts(tmp_path / "d")
    for name in FACT_SCHEMAS:
        assert_frame_equal(_rows(p.frames()[name]), _rows(d.frames()[name]))


@pytest.mark.slow
def test_supplied_columns_survive_the_folder(tmp_path: Path) -> None:
    # a source without activities and without deal sources: stage 2 must still know
    partners = duckdb.sql("select 'p1' as partner_id, 'Acme' as name")
    deals = duckdb.sql(
        "select 'd1' as deal_id, 'p1' as partner_id, date '2025-01-05' as created_on, "
        "date '2025-03-01' as closed_on, 'won' as outcome, 1200.0 as amount"
    )
    source = tmp_path / "src"
    source.mkdir()
    partners.write_parquet(str(source / "partners.parquet"))
    deals.write_parquet(str(source / "deals.parquet"))
    tables, supplied = read_tables(source, engine="duckdb")
    assert set(tables) == {"partners", "deals"}
    window = Window.ending(dt.date(2025, 3, 1), months=12)
    stage = build_facts(
        tables,
        window=window,
        settings=FactSettings.from_policy(Policy(), window),
        supplied={**supplied, "activities": (), "investments": (), "overlaps": ()},
    )
    write_facts(stage, tmp_path / "f")  # type: ignore[arg-type]
    back = read_facts(tmp_path / "f")
    assert back.has("deals", "amount")
    assert not back.has("deals", "source")
    assert not back.has("activities")
    won = back.deal_quarters.collect()
    assert won.rows() == [("p1", dt.date(2025, 1, 1), 1200.0, 1, 0)]  # d1 won, nothing lost


def test_what_is_not_a_facts_folder_is_refused(tmp_path: Path) -> None:
    assert not is_facts_folder(tmp_path)
    assert not is_facts_folder(tmp_path / "nowhere")
    (tmp_path / FACTS_FILE).write_text('{"format": "something else"}', encoding="utf-8")
    assert is_facts_folder(tmp_path)  # it says so; reading it checks
    with pytest.raises(FactsFolderError, match="not a partnerkit facts description"):
        read_facts(tmp_path)
    (tmp_path / FACTS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(FactsFolderError, match="cannot be read as a facts description"):
        read_facts(tmp_path)


def test_a_missing_table_file_is_named(tmp_path: Path) -> None:
    write_facts(_stage_one("polars"), tmp_path)  # type: ignore[arg-type]
    (tmp_path / "deal_quarters.parquet").unlink()
    with pytest.raises(FactsFolderError, match=r"'deal_quarters' but .*deal_quarters\.parquet"):
        read_facts(tmp_path)


def test_writing_again_replaces_the_folder_contents(tmp_path: Path) -> None:
    write_facts(_stage_one("polars"), tmp_path)  # type: ignore[arg-type]
    first = pl.read_parquet(tmp_path / "partners.parquet")
    write_facts(_stage_one("polars"), tmp_path)  # type: ignore[arg-type]
    assert_frame_equal(pl.read_parquet(tmp_path / "partners.parquet"), first)
    assert not list(tmp_path.glob(".*.tmp"))
