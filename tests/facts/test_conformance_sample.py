"""Stage 1 on the committed sample and on the independent benchmark data, every engine.

Two checks on data the kit did not shape its code around:

- every engine gives polars' fact tables exactly (all tables, all columns);
- the main per-partner figures equal a plain-Python reference written here from the
  definitions (``datetime`` and loops over rows, no dataframe library), to the cent.

The data sets: the committed sample ``data/samples`` (read and validated by the loader) and a
small portfolio from ``bench/gen_alt.py`` (18-character record ids, files in date order,
long-tailed deal counts, partners with no deals, a span of years).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.load.read import read_portfolio
from partnerkit.policy import Policy
from partnerkit.schema import TABLE_ORDER
from partnerkit.window import Window
from tests.bench_modules import bench_module

from .conftest import (
    ENGINE_PARAMS,
    Engines,
    FactsMemo,
    assert_same_facts,
    partner_view,
)

ROOT = Path(__file__).resolve().parents[2]
MONTHS = 12


Data = tuple[str, dict[str, pl.DataFrame], dict[str, tuple[str, ...]]]


@pytest.fixture(scope="module", params=["sample", "alt"])
def data(request: pytest.FixtureRequest) -> Data:
    if request.param == "sample":
        portfolio = read_portfolio(ROOT / "data" / "samples")
        tables = {name: portfolio.table(name).collect() for name in TABLE_ORDER}
        return "sample", tables, dict(portfolio.supplied)
    tables = bench_module("gen_alt").generate(
        partners=300, deals=15_000, activities=40_000, seed=11
    )
    return "alt", tables, {name: tuple(frame.columns) for name, frame in tables.items()}


def _facts(memo: FactsMemo, data: Data, engine: str) -> dict[str, pl.DataFrame]:
    key, tables, supplied = data
    w = Window.ending(latest_event(tables), months=MONTHS)
    return memo(key, engine, tables, window=w, supplied=supplied)


# --- the reference, in plain Python ---


def latest_event(tables: Mapping[str, pl.DataFrame]) -> dt.date:
    """The latest deal created, deal won or lost, or activity."""
    days = [r["created_on"] for r in tables["deals"].iter_rows(named=True)]
    days += [
        r["closed_on"]
        for r in tables["deals"].iter_rows(named=True)
        if r["outcome"] != "open" and r["closed_on"] is not None
    ]
    if "activities" in tables:
        days += list(tables["activities"]["occurred_on"])
    return max(d for d in days if d is not None)


def reference(tables: Mapping[str, pl.DataFrame], w: Window) -> pl.DataFrame:
    """Per-partner figures from the definitions, row by row."""

    def inside(day: dt.date | None, lo: dt.date, hi: dt.date) -> bool:
        return day is not None and lo < day <= hi

    money: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    last: dict[str, dict[str, dt.date]] = defaultdict(dict)
    for r in tables["deals"].iter_rows(named=True):
        pid, amount = r["partner_id"], r["amount"]
        if pid is None or r["created_on"] > w.end:
            continue
        closed_in_w = inside(r["closed_on"], w.start, w.end)
        won = r["outcome"] == "won" and closed_in_w
        if won:
            counts[pid]["won_deals"] += 1
            if amount is not None:
                money[pid]["won_revenue"].append(amount)
                half = "revenue_recent" if r["closed_on"] > w.mid else "revenue_prior"
                money[pid][half].append(amount)
        if r["outcome"] == "lost" and closed_in_w:
            counts[pid]["lost_deals"] += 1
        if r["outcome"] == "open" or r["closed_on"] is None or r["closed_on"] > w.end:
            counts[pid]["open_deals"] += 1
            if amount is not None:
                money[pid]["open_pipeline"].append(amount)
        if inside(r["created_on"], w.start, w.end):
            counts[pid]["deals_created"] += 1
            if amount is not None:
                money[pid]["pipeline_created"].append(amount)
                if r["source"] == "partner":
                    money[pid]["sourced_pipeline"].append(amount)
        seen = last[pid].get("last_deal_on")
        last[pid]["last_deal_on"] = max(seen, r["created_on"]) if seen else r["created_on"]
    for r in tables.get("activities", pl.DataFrame()).iter_rows(named=True):
        pid, day = r["partner_id"], r["occurred_on"]
        if pid is None or day > w.end:
            continue
        seen = last[pid].get("last_activity_on")
        last[pid]["last_activity_on"] = max(seen, day) if seen else day
        if inside(day, w.start, w.end):
            counts[pid]["activities"] += 1
            if r["kind"] in ("referral", "intro"):
                side = {"us": "referrals_given", "partner": "referrals_received"}
                if r["initiated_by"] in side:
                    counts[pid][side[r["initiated_by"]]] += 1
    rows: list[dict[str, Any]] = []
    for pid in tables["partners"]["partner_id"]:
        row: dict[str, Any] = {"partner_id": pid}
        row.update({c: round(math.fsum(money[pid][c]), 2) for c in MONEY})
        row.update({c: counts[pid][c] for c in COUNTS})
        row.update({c: last[pid].get(c) for c in DATES})
        rows.append(row)
    schema = {
        "partner_id": pl.String,
        **dict.fromkeys(MONEY, pl.Float64),
        **dict.fromkeys(COUNTS, pl.Int64),
        **dict.fromkeys(DATES, pl.Date),
    }
    return pl.DataFrame(rows, schema=schema).sort("partner_id")


MONEY = (
    "won_revenue",
    "revenue_prior",
    "revenue_recent",
    "open_pipeline",
    "pipeline_created",
    "sourced_pipeline",
)
COUNTS = (
    "won_deals",
    "lost_deals",
    "open_deals",
    "deals_created",
    "activities",
    "referrals_given",
    "referrals_received",
)
DATES = ("last_deal_on", "last_activity_on")


TRACKED = Policy().stability_quarters
"""Quarters stage 1 tracks per partner by default (the last one holds as_of)."""


def _quarter(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def first_tracked(w: Window) -> dt.date:
    """First day of the oldest tracked quarter: TRACKED - 1 quarters before as_of's."""
    last = _quarter(w.end)
    months = last.year * 12 + last.month - 1 - 3 * (TRACKED - 1)
    return dt.date(months // 12, months % 12 + 1, 1)


def quarter_reference(
    tables: Mapping[str, pl.DataFrame], w: Window
) -> tuple[pl.DataFrame, pl.DataFrame, tuple[Any, ...]]:
    """Per-partner-quarter deals and activities, and the data start and slipped deals."""
    first = first_tracked(w)
    deals: dict[tuple[str, dt.date], list[Any]] = defaultdict(lambda: [[], 0, 0])
    for r in tables["deals"].iter_rows(named=True):
        day, pid = r["closed_on"], r["partner_id"]
        if pid is None or day is None or not first <= day <= w.end:
            continue
        cell = deals[pid, _quarter(day)]
        if r["outcome"] == "won":
            cell[0].append(r["amount"] or 0.0)
            cell[1] += 1
        elif r["outcome"] == "lost":
            cell[2] += 1
    deal_rows = [
        (pid, q, round(math.fsum(v[0]), 2), v[1], v[2])
        for (pid, q), v in deals.items()
        if v[1] or v[2]
    ]
    counted: dict[tuple[str, dt.date], int] = defaultdict(int)
    for r in tables.get("activities", pl.DataFrame()).iter_rows(named=True):
        day, pid = r["occurred_on"], r["partner_id"]
        if pid is not None and day is not None and first <= day <= w.end:
            counted[pid, _quarter(day)] += 1
    created = [r["created_on"] for r in tables["deals"].iter_rows(named=True)]
    late = sum(
        1
        for r in tables["deals"].iter_rows(named=True)
        if r["outcome"] == "open" and r["closed_on"] is not None and r["closed_on"] <= w.end
    )
    summary = (min((d for d in created if d is not None), default=None), late)
    key = {"partner_id": pl.String, "quarter": pl.Date}
    return (
        pl.DataFrame(
            deal_rows,
            schema={
                **key,
                "won_revenue": pl.Float64,
                "won_deals": pl.Int64,
                "lost_deals": pl.Int64,
            },
            orient="row",
        ).sort("partner_id", "quarter"),
        pl.DataFrame(
            [(pid, q, n) for (pid, q), n in counted.items()],
            schema={**key, "activities": pl.Int64},
            orient="row",
        ).sort("partner_id", "quarter"),
        summary,
    )


@pytest.fixture(params=ENGINE_PARAMS)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_reference_is_worth_checking_against(data: Data):
    _, tables, _ = data
    w = Window.ending(latest_event(tables), months=MONTHS)
    ref = reference(tables, w)
    # the data must exercise what it is used to check
    assert ref.filter(pl.col("won_deals") > 0).height > 20
    assert ref.filter(pl.col("won_deals") == 0).height > 0
    assert ref["open_deals"].sum() > 0
    assert ref["referrals_received"].sum() > 0
    assert ref["revenue_prior"].sum() > 0
    assert ref["revenue_recent"].sum() > 0


def test_facts_equal_the_plain_python_reference(data: Data, memo: FactsMemo, engine: str):
    _, tables, _ = data
    w = Window.ending(latest_event(tables), months=MONTHS)
    facts = _facts(memo, data, engine)
    ids = list(tables["partners"]["partner_id"])
    columns = (*MONEY, *COUNTS, *DATES)
    got = (
        partner_view(facts, ids, fill_absent=True)
        .select("partner_id", *columns)
        .with_columns(pl.col(COUNTS).cast(pl.Int64), pl.col(MONEY).cast(pl.Float64))
        .sort("partner_id")
    )
    # to the cent: the reference adds up in another order (exactly, with fsum)
    assert_frame_equal(got, reference(tables, w), abs_tol=0.0051, rel_tol=0)


def test_quarter_facts_equal_the_plain_python_reference(data: Data, memo: FactsMemo, engine: str):
    _, tables, _ = data
    w = Window.ending(latest_event(tables), months=MONTHS)
    facts = _facts(memo, data, engine)
    deals, activities, summary = quarter_reference(tables, w)
    # the data must exercise what it checks: lost-only quarters, several quarters, activities
    assert deals.filter(pl.col("won_deals") == 0).height > 0
    assert deals["quarter"].n_unique() == TRACKED
    assert activities.height > 0
    got = facts["deal_quarters"].sort("partner_id", "quarter")
    assert_frame_equal(got, deals, abs_tol=0.0051, rel_tol=0)
    assert_frame_equal(facts["activity_quarters"].sort("partner_id", "quarter"), activities)
    deal_facts = facts["deals"]
    assert (deal_facts["first_deal_on"].min(), deal_facts["open_past_expected"].sum()) == summary


def test_latest_event_on_every_engine(data: Data, engines: Engines, engine: str):
    from partnerkit.facts import latest_event as stage_one_latest  # noqa: PLC0415

    _, tables, _ = data
    assert stage_one_latest(engines.native(engine, tables)) == latest_event(tables)


@pytest.mark.parametrize("engine", [p for p in ENGINE_PARAMS if p.id != "polars"])
def test_every_fact_table_equals_polars(data: Data, memo: FactsMemo, engine: str):
    assert_same_facts(_facts(memo, data, engine), _facts(memo, data, "polars"), label=engine)
