"""``analyze --engine`` and ``facts``: the same summary and scorecard on every engine.

The reference is always the default command (the validating polars reader and the in-memory
analysis), never the engine's own earlier output; the small portfolio's figures are worked
by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def scorecard(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, source: Path, *extra: str
) -> tuple[str, pl.DataFrame]:
    out = tmp_path / f"card{len(list(tmp_path.iterdir()))}.parquet"
    code, text, err = run(capsys, "analyze", str(source), "--out", str(out), *extra)
    assert code == 0, err
    return text, pl.read_parquet(out)


def _summary(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("scorecard: "))


@pytest.mark.slow
def test_duckdb_prints_the_default_summary_and_scorecard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default_text, default_card = scorecard(capsys, tmp_path, SAMPLE)
    text, card = scorecard(capsys, tmp_path, SAMPLE, "--engine", "duckdb")
    assert _summary(text) == _summary(default_text)
    assert "vital few: 26 of 113 partners (23%) produce 81% of won revenue" in text
    assert_frame_equal(card, default_card)


@pytest.mark.slow
def test_duckdb_reads_parquet_and_csv_alike(
    tmp_path: Path, sample_parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the file format of the source must not move a figure
    csv_text, csv_card = scorecard(capsys, tmp_path, SAMPLE, "--engine", "duckdb")
    pq_text, pq_card = scorecard(capsys, tmp_path, sample_parquet, "--engine", "duckdb")
    assert _summary(pq_text) == _summary(csv_text)
    assert_frame_equal(pq_card, csv_card)


def test_hand_worked_portfolio_on_duckdb(flat: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "analyze", str(flat), "--engine", "duckdb")
    assert code == 0, err
    assert out.startswith("as of 2024-03-03 (window 2023-03-04 to 2024-03-03, 12 months)\n")
    assert "vital few: 2 of 3 partners (67%) produce 80% of won revenue" in out
    assert "total won revenue: 100,000.00" in out
    assert "benchmark: flatter than 80/20: 67% of partners make 80%" in out


@pytest.mark.slow
def test_as_of_moves_the_window_on_duckdb(flat: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # on 2024-03-01 only A's 50,000 is won: one partner of three holds all of it
    code, out, err = run(
        capsys, "analyze", str(flat), "--engine", "duckdb", "--as-of", "2024-03-01"
    )
    assert code == 0, err
    assert out.startswith("as of 2024-03-01 ")
    assert "total won revenue: 50,000.00" in out
    assert "vital few: 1 of 3 partners (33%) produces 100% of won revenue" in out
    assert run(capsys, "analyze", str(flat), "--as-of", "2024-03-01")[1] == out


@pytest.mark.slow
def test_facts_folder_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "facts"
    code, out, err = run(capsys, "facts", str(SAMPLE), "--engine", "duckdb", "--out", str(folder))
    assert code == 0, err
    assert "facts of 2025-10-01 to 2026-09-30 by duckdb" in out
    description = json.loads((folder / "facts.json").read_text())
    assert description["engine"] == "duckdb"
    assert description["window"] == {"start": "2025-09-30", "end": "2026-09-30"}
    assert description["tables"]["partners"]["rows"] == 150
    default_text, default_card = scorecard(capsys, tmp_path, SAMPLE)
    text, card = scorecard(capsys, tmp_path, folder)
    assert _summary(text) == _summary(default_text)
    assert_frame_equal(card, default_card)


def test_facts_on_polars_with_reading_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the polars engine reads through the validating loader: CRM presets work
    hubspot = Path(__file__).parents[1] / "fixtures" / "crm" / "hubspot"
    folder = tmp_path / "facts"
    args = ["facts", str(hubspot), "--preset", "hubspot", "--out", str(folder)]
    code, _, err = run(capsys, *args)
    assert code == 0, err
    code, via_facts, err = run(capsys, "analyze", str(folder))
    assert code == 0, err
    code, direct, _ = run(capsys, "analyze", str(hubspot), "--preset", "hubspot")
    assert via_facts == direct


def test_a_facts_folder_keeps_its_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "facts"
    assert run(capsys, "facts", str(SAMPLE), "--out", str(folder), "--as-of", "2026-06-30")[0] == 0
    assert run(capsys, "analyze", str(folder), "--as-of", "2026-06-30")[0] == 0
    code, _, err = run(capsys, "analyze", str(folder), "--as-of", "2026-03-31")
    assert code == 2
    assert "built for the window ending on 2026-06-30, not 2026-03-31" in err
    code, _, err = run(capsys, "analyze", str(folder), "--engine", "duckdb")
    assert code == 2
    assert "is a facts folder" in err
    description = json.loads((folder / "facts.json").read_text())
    (folder / "facts.json").write_text(json.dumps({**description, "version": 99}))
    code, _, err = run(capsys, "analyze", str(folder))
    assert code == 2
    assert "layout version 99" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_spark_names_a_location_it_cannot_read_and_a_value_it_cannot_convert(
    spark: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del spark
    missing = (tmp_path / "nowhere").as_uri()
    code, _, err = run(capsys, "analyze", missing, "--engine", "spark")
    assert code == 2
    assert f"{missing} is not a folder the spark engine can read" in err
    # 30 February: Spark's cast stops on it, as DuckDB's does
    (tmp_path / "partners.csv").write_text("partner_id,name\nA,Alpha\n", encoding="utf-8")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "D1,A,2024-02-30,2024-03-01,won,5\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "analyze", str(tmp_path), "--engine", "spark")
    assert code == 1
    assert f"the spark engine could not convert a value in {tmp_path}:" in err
    assert "'2024-02-30' could not be parsed" in err


def test_a_missing_folder_is_a_usage_error_on_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "analyze", str(tmp_path / "nowhere"), "--engine", "duckdb")
    assert code == 2
    assert err == f"partnerkit analyze: {tmp_path / 'nowhere'} is not a folder\n"


def test_unknown_engine_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["analyze", str(SAMPLE)], ["facts", str(SAMPLE), "--out", "x"]):
        code, _, err = run(capsys, *command, "--engine", "pandas")
        assert code == 2
        assert "'pandas' is not one of 'polars', 'duckdb', 'spark'" in err
        assert "Traceback" not in err


def test_missing_pyspark_is_a_clear_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark raises ImportError
    code, _, err = run(capsys, "analyze", str(SAMPLE), "--engine", "spark")
    assert code == 2
    assert "the spark engine needs the pyspark package: pip install 'partnerkit[spark]'" in err


def test_missing_java_is_a_clear_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on the path
    monkeypatch.delenv("JAVA_HOME", raising=False)
    code, _, err = run(capsys, "facts", str(SAMPLE), "--engine", "spark", "--out", str(tmp_path))
    assert code == 2
    assert "the spark engine needs Java to run locally" in err
    assert "--spark-remote sc://" in err
    assert not (tmp_path / "facts.json").exists()


def test_polars_reader_options_are_refused_on_other_engines(
    flat: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "analyze", str(flat), "--engine", "duckdb", "--preset", "hubspot")
    assert code == 2
    assert "--preset belongs to the polars reader" in err
    code, _, err = run(capsys, "analyze", str(flat), "--engine", "duckdb", "--core")
    assert code == 2
    assert "--core is the polars fast path over raw rows" in err
    folder = flat / "facts"
    assert run(capsys, "facts", str(flat), "--out", str(folder))[0] == 0
    code, _, err = run(capsys, "analyze", str(folder), "--core")
    assert code == 2
    assert "nor to a facts folder" in err


def test_contract_problems_on_an_engine_read_exit_one(
    flat: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deals = pl.read_csv(flat / "deals.csv")
    (flat / "deals.csv").unlink()
    deals.rename({"amount": "ammount"}).write_parquet(flat / "deals.parquet")
    for engine in ("polars", "duckdb"):
        code, _, err = run(capsys, "analyze", str(flat), "--engine", engine)
        assert code == 1, engine
        assert "deals.amount [missing_column]" in err, engine
        assert "'ammount' looks like it: rename it" in err, engine
    deals.with_columns(pl.col("amount").cast(pl.String)).drop("amount").with_columns(
        amount=pl.lit(True)
    ).write_parquet(flat / "deals.parquet")
    code, _, err = run(capsys, "analyze", str(flat), "--engine", "duckdb")
    assert code == 1
    assert "deals.amount [wrong_type] in deals.parquet: amount is Boolean, not Float64" in err
    (flat / "partners.csv").unlink()
    code, _, err = run(capsys, "facts", str(flat), "--engine", "duckdb", "--out", str(flat / "f"))
    assert code == 1
    assert "partners [missing_table]" in err


@pytest.mark.slow
def test_spark_prints_the_default_summary_and_scorecard(
    spark: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del spark  # the session-wide local[2] session; the command reuses it
    default_text, default_card = scorecard(capsys, tmp_path, SAMPLE)
    out = tmp_path / "spark.parquet"
    argv = ["analyze", str(SAMPLE), "--engine", "spark", "--out", str(out)]
    code, text, err = run(capsys, *argv)
    assert code == 0, err
    assert "warning:" not in err  # Spark's note on pandas 3 is not the user's concern
    assert _summary(text) == _summary(default_text)
    assert_frame_equal(pl.read_parquet(out), default_card)


@pytest.mark.slow
def test_spark_facts_analysed_from_the_folder(
    spark: object, tmp_path: Path, sample_parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del spark
    folder = tmp_path / "facts"
    # a location given as a URL is listed by the engine, not by this machine
    source = sample_parquet.as_uri()
    code, out, err = run(capsys, "facts", source, "--engine", "spark", "--out", str(folder))
    assert code == 0, err
    assert "by spark" in out
    default_text, default_card = scorecard(capsys, tmp_path, SAMPLE)
    text, card = scorecard(capsys, tmp_path, folder)
    assert _summary(text) == _summary(default_text)
    assert_frame_equal(card, default_card)


@pytest.mark.slow
def test_a_crm_export_written_as_canonical_parquet_reads_alike_on_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the README's recipe: read the export through its preset, write the supplied columns
    from partnerkit.load import read_portfolio  # noqa: PLC0415

    hubspot = Path(__file__).parents[1] / "fixtures" / "crm" / "hubspot"
    portfolio = read_portfolio(hubspot, preset="hubspot")
    for name, columns in portfolio.supplied.items():
        if columns:
            portfolio.table(name).select(columns).sink_parquet(tmp_path / f"{name}.parquet")
    code, direct, err = run(capsys, "analyze", str(hubspot), "--preset", "hubspot")
    assert code == 0, err
    code, on_duckdb, err = run(capsys, "analyze", str(tmp_path), "--engine", "duckdb")
    assert code == 0, err
    assert on_duckdb == direct


@pytest.mark.slow
def test_a_facts_folder_refuses_a_policy_that_would_build_other_facts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "facts"
    assert run(capsys, "facts", str(SAMPLE), "--engine", "duckdb", "--out", str(folder))[0] == 0
    # a stage-2 setting may change: the threshold of the vital few
    stage_two = tmp_path / "stage_two.toml"
    stage_two.write_text("[pareto]\nvital_threshold = 0.9\n", encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(folder), "--policy", str(stage_two))
    assert code == 0, err
    assert "(threshold 90%)" in out
    assert out == run(capsys, "analyze", str(SAMPLE), "--policy", str(stage_two))[1]
    # a stage-1 setting may not: the facts hold the old one's results
    for text, setting in (
        ("[recommendations]\nactive_days = 30\n", "active_days = 91, where this policy has 30"),
        ("lookback_months = 6\n", "lookback_months = 12, where this policy has 6"),
    ):
        stage_one = tmp_path / "stage_one.toml"
        stage_one.write_text(text, encoding="utf-8")
        code, _, err = run(capsys, "analyze", str(folder), "--policy", str(stage_one))
        assert code == 2, setting
        assert f"were built with {setting}: pass the --policy they were built with" in err


def test_facts_built_with_a_policy_name_it_when_none_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "six.toml"
    policy.write_text("lookback_months = 6\nstability_quarters = 4\n", encoding="utf-8")
    folder = tmp_path / "facts"
    assert run(capsys, "facts", str(SAMPLE), "--policy", str(policy), "--out", str(folder))[0] == 0
    code, _, err = run(capsys, "analyze", str(folder))
    assert code == 2
    assert (
        f"the facts in {folder} were built with lookback_months = 6 and stability_quarters = 4, "
        "where the default policy has 12 and 8 (no --policy given): pass the --policy they "
        "were built with"
    ) in err
    assert "this policy" not in err
    code, out, err = run(capsys, "analyze", str(folder), "--policy", str(policy))
    assert code == 0, err
    assert "6 months" in out.splitlines()[0]


@pytest.mark.slow
def test_engine_reading_is_blind_to_column_order_extra_columns_and_row_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # none of these changes what the files say, so none may move a figure
    reference = run(capsys, "analyze", str(SAMPLE), "--engine", "duckdb")[1]
    shaken = tmp_path / "shaken"
    shaken.mkdir()
    for name in ("partners", "deals", "activities", "investments", "overlaps"):
        table = pl.read_csv(SAMPLE / f"{name}.csv", infer_schema=False)
        table = table.sample(fraction=1.0, shuffle=True, seed=11)
        table = table.select(reversed(table.columns)).with_columns(note=pl.lit("x"))
        table.write_csv(shaken / f"{name}.csv")
    code, out, err = run(capsys, "analyze", str(shaken), "--engine", "duckdb")
    assert code == 0, err
    assert out == reference


@pytest.mark.slow
def test_a_table_as_a_folder_of_part_files_reads_as_one_on_duckdb(
    tmp_path: Path, sample_parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # deals.parquet/ holding part files, as Spark and DuckDB write a table, with Spark's
    # marker file beside them (the polars engine reads through the validating loader, which
    # takes single files)
    engine = "duckdb"
    source = tmp_path / "parts"
    source.mkdir()
    for name in ("partners", "activities", "investments", "overlaps"):
        (source / f"{name}.parquet").write_bytes((sample_parquet / f"{name}.parquet").read_bytes())
    deals = pl.read_parquet(sample_parquet / "deals.parquet")
    parts = source / "deals.parquet"
    parts.mkdir()
    half = deals.height // 2
    deals.head(half).write_parquet(parts / "part-00000.parquet")
    deals.tail(deals.height - half).write_parquet(parts / "part-00001.parquet")
    (parts / "_SUCCESS").write_text("", encoding="utf-8")
    reference = run(capsys, "analyze", str(sample_parquet), "--engine", "duckdb")[1]
    code, out, err = run(
        capsys, "facts", str(source), "--engine", engine, "--out", str(tmp_path / "f")
    )
    assert code == 0, err
    assert "deals" not in err
    code, out, err = run(capsys, "analyze", str(tmp_path / "f"))
    assert code == 0, err
    assert out == reference


def test_a_value_duckdb_cannot_convert_is_the_data_s_fault(
    flat: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 30 February: the polars reader lists the row; DuckDB's cast stops on it
    deals = (flat / "deals.csv").read_text(encoding="utf-8")
    (flat / "deals.csv").write_text(deals.replace("2024-01-10", "2024-02-30", 1), "utf-8")
    for command in (["analyze", str(flat)], ["facts", str(flat), "--out", str(flat / "f")]):
        code, out, err = run(capsys, *command, "--engine", "duckdb")
        assert code == 1, command
        assert "Traceback" not in err
        assert f"the duckdb engine could not convert a value in {flat}:" in err
        assert "2024-2-30" in err
        assert f"partnerkit validate {flat} lists them" in err
        assert out == ""
    code, out, _ = run(capsys, "validate", str(flat))
    assert code == 1
    assert "deals.created_on [bad_date]" in out
