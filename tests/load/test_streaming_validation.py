"""Validation in two passes: counts (and probes) first, offending rows only where needed."""

from __future__ import annotations

import polars as pl
import pytest

from partnerkit.load.checks import ROW, Check, CheckedTable, collect_queries, summarise
from partnerkit.load.contract import contract_checks, partner_reference
from partnerkit.load.read import load


def frame(**columns):
    n = len(next(iter(columns.values())))
    return pl.LazyFrame({ROW: list(range(n)), **columns})


def test_a_positive_screen_without_offending_rows_is_no_problem():
    # The screen says "look closer" (1) but no row fails: nothing is reported.
    lf = frame(x=[1, 2, 3])
    check = Check("x", "negative", pl.col("x") < 0, pl.col("x"), "m", screen=pl.lit(1))
    assert summarise([CheckedTable("deals", lf, (check,), "row", "")]).problems == []


def test_a_screened_check_reports_its_exact_count():
    # The screen over-counts (5); the exact count is taken from the failing rows (1).
    lf = frame(x=[1, -2, 3])
    check = Check("x", "negative", pl.col("x") < 0, pl.col("x"), "m", screen=pl.lit(5))
    (p,) = summarise([CheckedTable("deals", lf, (check,), "row", "")]).problems
    assert (p.count, p.rows) == (1, [(1, "-2")])


def test_duplicate_screen_counts_repeated_ids_only():
    # d1 three times, d2 twice, nulls never: 2 + 1 = 3 repeats.
    lf = frame(
        deal_id=["d1", "d2", "d1", None, "d1", "d2", None],
        __raw_deal_id=["d1", "d2", "d1", None, "d1", "d2", None],
    )
    checks = contract_checks("deals", present=["deal_id"], row_kind="row")
    (dup,) = [c for c in checks if c.rule == "duplicate"]
    assert dup.screen is not None
    assert lf.select(dup.screen).collect().item() == 3
    (p,) = summarise([CheckedTable("deals", lf, (dup,), "row", "")]).problems
    assert (p.count, [n for n, _ in p.rows]) == (3, [2, 4, 5])
    assert p.rows[0][1] == "d1 (first on row 0)"


def test_probes_are_returned_by_table():
    lf = frame(a=["x", " y"], b=[1, 2])
    table = CheckedTable(
        "deals",
        lf,
        (),
        "row",
        "",
        (pl.col("a").str.strip_chars().ne(pl.col("a")).sum().alias("a"), pl.col("b").max()),
    )
    found = summarise([table])
    assert found.probes == {"deals": {"a": 1, "b": 2}}
    assert found.heights == {"deals": 2}


def test_partner_reference_is_a_membership_test():
    deals = frame(partner_id=["p1", "p9", None])
    framed, check = partner_reference(deals, pl.Series(["p1", None]))
    assert framed is deals  # no join added to the plan
    assert framed.select(check.failing).collect().to_series().to_list() == [False, True, False]


def test_collect_queries_keeps_each_scan_apart():
    lf = pl.LazyFrame({"x": [1, 2, 3]})
    got = collect_queries([lf.select(pl.len()), lf.select(pl.col("x").max())])
    assert [df.item() for df in got] == [3, 3]
    assert collect_queries([]) == []


def test_first_offending_rows_are_the_first_in_the_file(tmp_path):
    # 20,000 rows in row groups of 500: failures at rows 7, 6000, 12000, 15000, 18000,
    # 19999; the problem counts 6 and quotes the first 5, in file order.
    n, bad = 20_000, [7, 6000, 12_000, 15_000, 18_000, 19_999]
    pl.DataFrame({"partner_id": ["p1"], "name": ["A"]}).write_parquet(tmp_path / "partners.parquet")
    pl.DataFrame(
        {
            "deal_id": [f"d{i}" for i in range(n)],
            "partner_id": ["p1"] * n,
            "created_on": ["2024-01-01"] * n,
            "closed_on": [None] * n,
            "outcome": ["open"] * n,
            "amount": [-1.0 if i in bad else 1.0 for i in range(n)],
        },
        schema_overrides={"closed_on": pl.String},
    ).with_columns(  # row 9000 repeats the id of row 5
        deal_id=pl.when(pl.int_range(pl.len()) == 9000).then(pl.lit("d5")).otherwise("deal_id")
    ).write_parquet(tmp_path / "deals.parquet", row_group_size=500)
    problems = load(tmp_path).report.problems
    assert [(p.rule, p.count, p.rows) for p in problems] == [
        ("duplicate", 1, [(9000, "d5 (first on row 5)")]),
        ("negative", 6, [(i, "-1.0") for i in bad[:5]]),
    ]


@pytest.mark.parametrize("quarantine", [False, True])
def test_mixed_currency_is_screened_and_still_reported(quarantine):
    deals = pl.DataFrame(
        {
            "deal_id": ["d1", "d2", "d3"],
            "partner_id": [None] * 3,
            "created_on": ["2024-01-01"] * 3,
            "closed_on": [None] * 3,
            "outcome": ["open"] * 3,
            "amount": [1.0] * 3,
            "currency": ["USD", "eur", "USD"],
        }
    )
    partners = pl.DataFrame({"partner_id": ["p1"], "name": ["A"]})
    report = load({"partners": partners, "deals": deals.lazy()}, quarantine=quarantine).report
    (p,) = report.problems
    assert (p.rule, p.count, p.rows) == ("mixed_currency", 1, [(1, "eur")])
    assert "found EUR, USD; most rows are in USD" in p.message
