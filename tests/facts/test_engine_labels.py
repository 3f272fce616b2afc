"""DuckDB and Spark read text as the polars reader does: trimmed, labels in lower snake case.

The polars reader trims every text cell and reads labels (``Won``, ``Active``, ``QBR``,
``Joint Marketing``, ``Gold``) in their canonical spelling, so ``validate`` passes such a
folder; the engines read the same files. Before, they read the values as written: ``Open``
deals were not open, ``Active`` partners not counted, and the as-of, the denominator and
the recommendations all moved.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.facts import FactSettings, build_facts, latest_event, portfolio_tables
from partnerkit.facts.engines import read_tables
from partnerkit.load.read import read_portfolio
from partnerkit.policy import Policy
from partnerkit.window import Window

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"

# how each label column is spelt in the untidy copy
SPELLED: dict[str, dict[str, pl.Expr]] = {
    "partners": {
        "status": pl.col("status").str.to_titlecase(),
        "tier": pl.col("tier").str.to_uppercase(),
        "type": pl.concat_str(pl.lit(" "), pl.col("type").str.to_titlecase(), pl.lit(" ")),
    },
    "deals": {
        "outcome": pl.col("outcome").str.to_titlecase(),
        "source": pl.concat_str(pl.col("source").str.to_uppercase(), pl.lit(" ")),
        # ids padded with spaces, as some exports write them
        "partner_id": pl.concat_str(pl.lit(" "), pl.col("partner_id"), pl.lit("  ")),
    },
    "activities": {
        "kind": pl.col("kind").str.replace_all("_", " ", literal=True).str.to_titlecase(),
        "initiated_by": pl.col("initiated_by").str.to_titlecase(),
    },
}


@pytest.fixture(scope="module")
def untidy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("untidy")
    for path in SAMPLE.glob("*.csv"):
        frame = pl.read_csv(path, infer_schema_length=0)
        spelled = SPELLED.get(path.stem, {})
        frame.with_columns(expr.alias(column) for column, expr in spelled.items()).write_csv(
            folder / path.name
        )
    return folder


def _facts(tables, supplied=None):
    as_of = latest_event(tables)
    window = Window.ending(as_of, months=12)
    settings = FactSettings.from_policy(Policy(), window)
    return as_of, build_facts(tables, window=window, settings=settings, supplied=supplied).collect()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_engines_read_untidy_labels_as_the_polars_reader(untidy, engine, request):
    spark = request.getfixturevalue("spark") if engine == "spark" else None
    want_as_of, want = _facts(portfolio_tables(read_portfolio(untidy)))
    tables, supplied = read_tables(untidy, engine=engine, spark=spark)
    partners = pl.from_arrow(
        tables["partners"].toArrow() if engine == "spark" else tables["partners"].arrow()
    )
    assert set(partners["status"]) <= {"active", "prospect", "exited"}
    as_of, got = _facts(tables, supplied)
    assert as_of == want_as_of
    for name in ("partners", "deals", "activities", "accounts", "overlaps"):
        frame, expected = getattr(got, name).collect(), getattr(want, name).collect()
        assert_frame_equal(
            frame.sort(frame.columns, nulls_last=True),
            expected.sort(expected.columns, nulls_last=True),
            check_row_order=False,
        )
