"""A row problem quotes its line and the record it is about, in every table."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from partnerkit.load.read import load

SAMPLE = Path(__file__).parents[2] / "data" / "samples"


def test_an_activity_or_investment_problem_quotes_the_partner_it_is_about(
    tmp_path: Path,
) -> None:
    # Activities and investments have no id of their own: a row is quoted by its line and
    # the partner it is about, which the user can find in the export.
    folder = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, folder)
    for table, column in (("activities", "occurred_on"), ("investments", "starts_on")):
        frame = pl.read_csv(folder / f"{table}.csv", infer_schema=False)
        frame.with_columns(
            pl.when(pl.int_range(pl.len()) == 3)
            .then(pl.lit("2025-02-30"))
            .otherwise(column)
            .alias(column)
        ).write_csv(folder / f"{table}.csv")
    loaded = load(folder)
    for table, column in (("activities", "occurred_on"), ("investments", "starts_on")):
        (problem,) = [p for p in loaded.report.problems if p.where == f"{table}.{column}"]
        partner = pl.read_csv(folder / f"{table}.csv", infer_schema=False)["partner_id"][3]
        assert problem.rows == [(5, "2025-02-30")]
        assert problem.records == [partner]
        assert f"line 5 (id {partner}): '2025-02-30'" in problem.describe()
