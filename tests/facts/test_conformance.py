"""Stage 1 on polars, DuckDB and Spark against figures worked out by hand.

The tiny portfolio below was written for this suite, and every expected figure in it was
worked out by hand from the definitions (DESIGN.md section 7, ``partnerkit.window``)
before any engine ran it; the comment beside each row says why it counts where it counts.

Window: as_of 2025-06-30, 12 months, so W = (2024-06-30, 2025-06-30], 365 days; the halves
are (2024-06-30, 2024-12-29] and (2024-12-29, 2025-06-30] (mid = start + 182 days); the span
before W, for the year-on-year revenue, is (2023-07-01, 2024-06-30] (365 days back). The
policy tracks 8 quarters, so the per-quarter revenue runs from the quarter of 2023-07-01 to
that of 2025-04-01.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.window import Window

from .conftest import (
    ENGINE_PARAMS,
    Engines,
    FactsMemo,
    assert_same_facts,
    canonical_tables,
    partner_view,
    quarter_view,
    supplied_of,
)

D = dt.date.fromisoformat
WINDOW = Window.ending(D("2025-06-30"), months=12)
ODD = "p,2 ä'\"/\\;--"
"""A partner id with a comma, a space, a non-ASCII letter, quotes, a slash, a backslash and
an SQL comment: nothing about it may break a query or a join."""

PARTNERS = {
    "partner_id": ["p1", ODD, "p3", "p4", "p5", "p6", "p7"],
    "name": ["One", "Odd", "Three (no deals)", "Bounds", "Zero won", "Null amount", "Null only"],
    "status": ["active", "active", "prospect", "active", "active", "active", "exited"],
}

_DEALS: list[tuple[Any, ...]] = [
    # deal, partner, created, closed, outcome, amount, source
    # p1
    ("d1", "p1", "2025-01-10", "2025-03-15", "won", 1000.10, "partner"),  # recent, 64 days
    ("d2", "p1", "2024-08-01", "2024-10-01", "won", 500.00, "vendor"),  # prior half, 61 days
    ("d3", "p1", "2024-09-01", "2024-11-30", "lost", 300.00, "partner"),
    ("d4", "p1", "2025-05-01", None, "open", 250.00, "vendor"),
    ("d5", "p1", "2025-02-01", "2025-04-30", "open", 125.50, "partner"),  # past expected close
    ("d6", "p1", "2023-01-15", "2023-12-31", "won", 2000.00, "partner"),  # year before W
    ("d7", "p1", "2025-07-05", None, "open", 999.00, "partner"),  # created after as_of
    # odd id: a year end and a quarter end crossed by one day
    ("k1", ODD, "2024-12-31", "2025-01-01", "won", 99.99, "partner"),
    ("k2", ODD, "2025-03-31", "2025-04-01", "won", 0.01, "vendor"),
    # p4: every date on a window bound
    ("e1", "p4", "2024-01-01", "2024-06-30", "won", 700.00, "vendor"),  # closed on start: out
    ("e2", "p4", "2024-05-01", "2025-06-30", "won", 800.00, "vendor"),  # closed on as_of: in
    ("e3", "p4", "2024-06-30", "2024-07-01", "lost", 50.00, "partner"),  # created on start
    ("e4", "p4", "2025-06-30", None, "open", 40.00, "partner"),  # created on as_of
    ("e5", "p4", "2024-12-29", "2024-12-29", "won", 10.00, None),  # on mid: prior half
    # p5: won for nothing (ties at zero with partners that have no revenue)
    ("f1", "p5", "2025-03-01", "2025-03-01", "won", 0.0, "partner"),
    # p6: a won deal without an amount next to one with
    ("h1", "p6", "2025-03-01", "2025-04-01", "won", None, "partner"),
    ("h2", "p6", "2025-03-01", "2025-04-02", "won", 20.00, "vendor"),
    # p7: its only deal has no amount (an all-null sum)
    ("m1", "p7", "2025-05-01", "2025-05-10", "won", None, "partner"),
    # a direct deal: no partner
    ("g1", None, "2025-01-01", "2025-02-01", "won", 333.33, "vendor"),
]
DEALS = {
    name: [row[i] for row in _DEALS]
    for i, name in enumerate(
        ("deal_id", "partner_id", "created_on", "closed_on", "outcome", "amount", "source")
    )
}
DEALS["account_id"] = ["acc-1"] * len(_DEALS)

_ACTIVITIES: list[tuple[Any, ...]] = [
    # partner, day, kind, initiated by, hours
    ("p1", "2025-06-30", "qbr", "us", 2.0),  # on as_of: in W
    ("p1", "2024-06-30", "referral", "partner", 1.0),  # on start: history only
    ("p1", "2025-01-15", "referral", "partner", None),  # no hours
    ("p1", "2025-02-15", "intro", "us", 1.5),
    ("p1", "2025-07-01", "cosell", "partner", 5.0),  # after as_of
    (ODD, "2024-12-31", "training", "partner", 4.25),
    (ODD, "2025-03-31", "training", "us", 0.75),
    ("p4", "2024-01-10", "exec_meeting", "partner", 1.0),  # before W: history only
    (None, "2025-01-01", "other", "us", 3.0),  # no partner
]
ACTIVITIES = {
    name: [row[i] for row in _ACTIVITIES]
    for i, name in enumerate(("partner_id", "occurred_on", "kind", "initiated_by", "hours"))
}

INVESTMENTS = {
    "partner_id": ["p1", "p1", "p1", ODD],
    "category": ["people", "incentive", "mdf", "mdf"],
    # 2024 has 366 days: 1.00 a day, 184 of them in W (2024-07-01 .. 2024-12-31)
    "starts_on": ["2024-01-01", "2025-06-01", "2025-07-01", "2024-01-01"],
    "ends_on": ["2024-12-31", None, None, "2024-06-30"],
    "amount": [366.0, 300.0, 50.0, 100.0],
}

LITERALS: dict[str, Any] = {
    "partners": PARTNERS,
    "deals": DEALS,
    "activities": ACTIVITIES,
    "investments": INVESTMENTS,
}

# --- the figures, by hand ---

DEAL_COLUMNS = (
    "won_revenue", "won_deals", "lost_deals", "sourced_revenue", "influenced_revenue",
    "open_pipeline", "open_deals", "open_past_expected", "sourced_pipeline",
    "pipeline_created", "deals_created", "first_win_on", "last_deal_on", "revenue_prior",
    "revenue_recent", "revenue_before", "avg_days_to_close",
)  # fmt: skip
DEAL_FIGURES: dict[str, tuple[Any, ...]] = {
    # won = d1 + d2; sourced = d1, influenced = d2; open = d4 + d5 (d5 past its expected close);
    # created in W = d1..d5, sourced of them d1 + d3 + d5; prior half d2, recent d1;
    # before W d6; days (64 + 61) / 2
    "p1": (1500.10, 2, 1, 1000.10, 500.00, 375.50, 2, 1, 1425.60, 2175.60, 5,
           D("2023-12-31"), D("2025-05-01"), 500.00, 1000.10, 2000.00, 62.5),
    # both recent (2025-01-01 is after mid); one day each
    ODD: (100.00, 2, 0, 99.99, 0.01, 0.0, 0, 0, 99.99, 100.00, 2,
          D("2025-01-01"), D("2025-03-31"), 0.0, 100.00, 0.0, 1.0),
    # won e2 + e5 (e1 closed on the start date is outside W, in the year before it);
    # lost e3 (closed the day after start); created in W e4 + e5 (e3 was created on start);
    # e5 closed on mid: prior half; days (425 + 0) / 2
    "p4": (810.00, 2, 1, 0.0, 800.00, 40.00, 1, 0, 40.00, 50.00, 2,
           D("2024-06-30"), D("2025-06-30"), 10.00, 800.00, 700.00, 212.5),
    "p5": (0.0, 1, 0, 0.0, 0.0, 0.0, 0, 0, 0.0, 0.0, 1,
           D("2025-03-01"), D("2025-03-01"), 0.0, 0.0, 0.0, 0.0),
    # the null amount adds nothing but the deal is still won; days (31 + 32) / 2
    "p6": (20.00, 2, 0, 0.0, 20.00, 0.0, 0, 0, 0.0, 20.00, 2,
           D("2025-04-01"), D("2025-03-01"), 0.0, 20.00, 0.0, 31.5),
    "p7": (0.0, 1, 0, 0.0, 0.0, 0.0, 0, 0, 0.0, 0.0, 1,
           D("2025-05-10"), D("2025-05-01"), 0.0, 0.0, 0.0, 9.0),
}  # fmt: skip

ACTIVITY_COLUMNS = (
    "activities", "partner_initiated", "referrals_given", "referrals_received", "our_hours",
    "partner_hours", "hours_qbr", "hours_referral", "hours_intro", "hours_training",
    "activity_breadth", "enablement_activities", "last_activity_on",
    "last_partner_activity_on", "last_qbr_on",
)  # fmt: skip
ACTIVITY_FIGURES: dict[str, tuple[Any, ...]] = {
    # in W: the qbr on as_of, the referral without hours, the intro (3 kinds)
    "p1": (3, 1, 1, 1, 3.5, 0.0, 2.0, 0.0, 1.5, 0.0, 3, 0,
           D("2025-06-30"), D("2025-01-15"), D("2025-06-30")),
    ODD: (2, 1, 0, 0, 0.75, 4.25, 0.0, 0.0, 0.0, 5.0, 1, 2,
          D("2025-03-31"), D("2024-12-31"), None),
    # nothing in W, but a history
    "p4": (0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0,
           D("2024-01-10"), D("2024-01-10"), None),
}  # fmt: skip

INVESTMENT_COLUMNS = ("investment", "program_investment")
INVESTMENT_FIGURES: dict[str, tuple[Any, ...]] = {
    "p1": (184.00 + 300.00, 300.00),  # people pro-rated 184/366; the incentive all in W
    ODD: (0.0, 0.0),  # ended on the start date: nothing in W
}

QUARTERS: list[tuple[str, dt.date, float]] = [
    ("p1", D("2023-10-01"), 2000.00),
    ("p1", D("2024-10-01"), 500.00),
    ("p1", D("2025-01-01"), 1000.10),
    (ODD, D("2025-01-01"), 99.99),
    (ODD, D("2025-04-01"), 0.01),
    ("p4", D("2024-04-01"), 700.00),
    ("p4", D("2024-10-01"), 10.00),
    ("p4", D("2025-04-01"), 800.00),
    ("p6", D("2025-04-01"), 20.00),
]

# every won or lost deal closed from the first tracked quarter (2023-07-01) to as_of, by the
# quarter of its close: partner, quarter, won revenue, won deals, lost deals
DEAL_QUARTERS: list[tuple[str, dt.date, float, int, int]] = [
    ("p1", D("2023-10-01"), 2000.00, 1, 0),  # d6, 2023-12-31
    ("p1", D("2024-10-01"), 500.00, 1, 1),  # d2 won 2024-10-01, d3 lost 2024-11-30
    ("p1", D("2025-01-01"), 1000.10, 1, 0),  # d1; d5 is open whatever its expected close
    (ODD, D("2025-01-01"), 99.99, 1, 0),  # k1, the day after a year end
    (ODD, D("2025-04-01"), 0.01, 1, 0),  # k2, the day after a quarter end
    ("p4", D("2024-04-01"), 700.00, 1, 0),  # e1, closed on the window start: still tracked
    ("p4", D("2024-07-01"), 0.0, 0, 1),  # e3 lost the day after: a row without revenue
    ("p4", D("2024-10-01"), 10.00, 1, 0),  # e5
    ("p4", D("2025-04-01"), 800.00, 1, 0),  # e2, on as_of
    ("p5", D("2025-01-01"), 0.0, 1, 0),  # f1 won for nothing
    ("p6", D("2025-04-01"), 20.00, 2, 0),  # h1 (no amount) and h2
    ("p7", D("2025-04-01"), 0.0, 1, 0),  # m1 (no amount); g1 has no partner
]
# activities from the first tracked quarter to as_of, by quarter
ACTIVITY_QUARTERS: list[tuple[str, dt.date, int]] = [
    ("p1", D("2024-04-01"), 1),  # 2024-06-30, the window start: a quarter's last day
    ("p1", D("2025-01-01"), 2),  # 2025-01-15, 2025-02-15
    ("p1", D("2025-04-01"), 1),  # 2025-06-30 on as_of; 2025-07-01 is after it
    (ODD, D("2024-10-01"), 1),  # 2024-12-31, a year end
    (ODD, D("2025-01-01"), 1),  # 2025-03-31, a quarter end
    ("p4", D("2024-01-01"), 1),  # 2024-01-10, before W but tracked; the null partner's is out
]
# where each partner's deals start (its earliest creation up to as_of; d7, created after
# as_of, is not counted; g1 is the direct deals' row)
FIRST_DEALS = {
    "p1": D("2023-01-15"),  # d6, before W
    ODD: D("2024-12-31"),
    "p4": D("2024-01-01"),  # e1
    "p5": D("2025-03-01"),
    "p6": D("2025-03-01"),
    "p7": D("2025-05-01"),
    None: D("2025-01-01"),  # g1
}

COUNT_COLUMNS = frozenset((
    "won_deals", "lost_deals", "open_deals", "open_past_expected", "deals_created",
    "activities", "partner_initiated", "referrals_given", "referrals_received",
    "activity_breadth", "enablement_activities",
))  # fmt: skip
DATE_COLUMNS = frozenset(c for c in (*DEAL_COLUMNS, *ACTIVITY_COLUMNS) if c.endswith("_on"))


def _dtype(column: str) -> pl.DataType:
    if column in COUNT_COLUMNS:
        return pl.Int64()
    if column in DATE_COLUMNS:
        return pl.Date()
    return pl.Float64()


def _expected(columns: list[str] | tuple[str, ...], figures: dict[str, tuple[Any, ...]]):
    rows = [{"partner_id": pid, **dict(zip(columns, v, strict=True))} for pid, v in figures.items()]
    schema = {"partner_id": pl.String(), **{c: _dtype(c) for c in columns}}
    return pl.DataFrame(rows, schema=schema).sort("partner_id")


def _actual(facts: dict[str, pl.DataFrame], ids: list[str], columns: list[str] | tuple[str, ...]):
    view = partner_view(facts, ids, fill_absent=True)
    missing = [c for c in columns if c not in view.columns]
    assert not missing, f"stage 1 made no {missing}"
    return view.select("partner_id", *(pl.col(c).cast(_dtype(c)) for c in columns)).sort(
        "partner_id"
    )


@pytest.fixture(params=ENGINE_PARAMS)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def tiny(memo: FactsMemo, engine: str) -> dict[str, pl.DataFrame]:
    """The facts of the tiny portfolio on ``engine`` (computed once per run)."""
    tables = canonical_tables(**LITERALS)
    return memo("tiny", engine, tables, window=WINDOW, supplied=supplied_of(LITERALS))


@pytest.fixture
def facts(memo: FactsMemo, engine: str) -> dict[str, pl.DataFrame]:
    return tiny(memo, engine)


def test_deal_figures_by_hand(facts):
    ids = list(DEAL_FIGURES)
    assert_frame_equal(
        _actual(facts, ids, DEAL_COLUMNS), _expected(DEAL_COLUMNS, DEAL_FIGURES), abs_tol=1e-9
    )


def test_activity_figures_by_hand(facts):
    ids = list(ACTIVITY_FIGURES)
    assert_frame_equal(
        _actual(facts, ids, ACTIVITY_COLUMNS),
        _expected(ACTIVITY_COLUMNS, ACTIVITY_FIGURES),
        abs_tol=1e-9,
    )


def test_investment_figures_by_hand(facts):
    ids = list(INVESTMENT_FIGURES)
    assert_frame_equal(
        _actual(facts, ids, INVESTMENT_COLUMNS),
        _expected(INVESTMENT_COLUMNS, INVESTMENT_FIGURES),
        abs_tol=1e-9,
    )


def test_per_quarter_revenue_by_hand(facts):
    want = pl.DataFrame(
        QUARTERS,
        schema={"partner_id": pl.String, "quarter": pl.Date, "won_revenue": pl.Float64},
        orient="row",
    ).sort("partner_id", "quarter")
    got = quarter_view(facts).with_columns(pl.col("won_revenue").cast(pl.Float64))
    assert_frame_equal(got, want, abs_tol=1e-9)


def test_per_quarter_deals_by_hand(facts):
    schema = {
        "partner_id": pl.String,
        "quarter": pl.Date,
        "won_revenue": pl.Float64,
        "won_deals": pl.Int64,
        "lost_deals": pl.Int64,
    }
    want = pl.DataFrame(DEAL_QUARTERS, schema=schema, orient="row")
    got = facts["deal_quarters"]
    assert_frame_equal(got.sort("partner_id", "quarter"), want.sort("partner_id", "quarter"))


def test_per_quarter_activities_by_hand(facts):
    schema = {"partner_id": pl.String, "quarter": pl.Date, "activities": pl.Int64}
    want = pl.DataFrame(ACTIVITY_QUARTERS, schema=schema, orient="row")
    got = facts["activity_quarters"]
    assert_frame_equal(got.sort("partner_id", "quarter"), want.sort("partner_id", "quarter"))


def test_first_deals_by_hand(facts):
    got = dict(facts["deals"].select("partner_id", "first_deal_on").rows())
    assert got == FIRST_DEALS
    # the portfolio's data start, and its open deals past their expected close on as_of:
    # d5 alone (d4, d7 and e4 have no expected date)
    assert facts["deals"]["first_deal_on"].min() == D("2023-01-15")
    assert facts["deals"]["open_past_expected"].sum() == 1


def test_partner_without_deals_or_activities_has_nothing(facts):
    view = partner_view(facts, ["p3"])
    numbers = [c for c, t in view.schema.items() if t.is_numeric()]
    assert numbers, "no per-partner figures at all"
    row = view.select(pl.col(numbers).fill_null(0)).row(0, named=True)
    assert {k: v for k, v in row.items() if v != 0} == {}
    dates = [c for c, t in view.schema.items() if t == pl.Date]
    assert view.select(dates).null_count().row(0) == (1,) * len(dates)


def test_direct_deals_stay_out_of_every_partner(facts):
    # g1 (333.33, no partner) is the only deal won in W on 2025-02-01 outside the partners
    view = partner_view(facts, list(PARTNERS["partner_id"]))
    total = view["won_revenue"].fill_null(0).sum()
    assert total == pytest.approx(1500.10 + 100.00 + 810.00 + 20.00)


@pytest.mark.parametrize("engine", [p for p in ENGINE_PARAMS if p.id != "polars"])
def test_every_fact_table_equals_polars(memo: FactsMemo, engine: str):
    assert_same_facts(tiny(memo, engine), tiny(memo, "polars"), label=engine)


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_latest_and_earliest_events_are_actual_events(engines: Engines, engine: str):
    from partnerkit.facts import earliest_event, latest_event  # noqa: PLC0415

    literals = {
        "partners": {"partner_id": ["a"], "name": ["A"]},
        "deals": {
            "deal_id": ["x", "y", "z", "w"],
            "partner_id": ["a", "a", None, "a"],
            "created_on": ["2025-05-01", "2025-04-01", "2025-03-01", "2025-03-02"],
            # an open deal's expected close is a plan, not an event; a lost deal closed
            # before it was created (a data slip) is still the earliest event
            "closed_on": ["2026-01-01", "2025-05-05", "2025-05-04", "2025-02-20"],
            "outcome": ["open", "won", "lost", "lost"],
            "amount": [1.0, 2.0, 3.0, 4.0],
        },
        "activities": {
            "partner_id": ["a"],
            "occurred_on": ["2025-05-03"],
            "kind": ["qbr"],
            "initiated_by": ["us"],
        },
    }
    native = engines.native(engine, canonical_tables(**literals))
    assert latest_event(native) == D("2025-05-05")
    assert earliest_event(native) == D("2025-02-20")


def test_the_comparison_catches_a_cent_a_row_and_a_type(memo: FactsMemo):
    want = tiny(memo, "polars")
    assert_same_facts(dict(want), want)  # equal to itself, whatever the row order
    shuffled = {k: v.reverse() for k, v in want.items()}
    assert_same_facts(shuffled, want)
    cent = {**want, "deals": want["deals"].with_columns(pl.col("won_revenue") + 0.01)}
    short = {**want, "deals": want["deals"].head(1)}
    wider = {**want, "deals": want["deals"].with_columns(pl.col("won_deals").cast(pl.Float64))}
    for changed in (cent, short, wider):
        with pytest.raises(AssertionError):
            assert_same_facts(changed, want)
