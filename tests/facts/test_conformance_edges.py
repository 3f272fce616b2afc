"""Stage 1 on edge cases and under changes that must not move (or must move) a figure.

Every test runs on each engine. The figures are worked by hand; the metamorphic tests change
the input in a way whose effect on the facts is known without computing them.
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
    run_facts,
    supplied_of,
)
from .test_conformance import LITERALS, ODD, PARTNERS, WINDOW, tiny

D = dt.date.fromisoformat
IDS = list(PARTNERS["partner_id"])


@pytest.fixture(params=ENGINE_PARAMS)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _facts(engines: Engines, engine: str, literals: dict[str, Any], w: Window = WINDOW):
    tables = canonical_tables(**literals)
    return run_facts(engines, engine, tables, window=w, supplied=supplied_of(literals))


def _numbers(view: pl.DataFrame) -> pl.DataFrame:
    return view.select("partner_id", *(c for c, t in view.schema.items() if t.is_numeric()))


# --- empty and missing tables ---


def test_empty_tables_give_partners_with_nothing(engines: Engines, engine: str):
    literals = {
        "partners": {"partner_id": ["a", "b"], "name": ["A", "B"]},
        "deals": {},
        "activities": {},
        "investments": {},
        "overlaps": {},
    }
    facts = _facts(engines, engine, literals)
    view = partner_view(facts, ["a", "b"], fill_absent=True)
    numbers = _numbers(view).drop("partner_id")
    sums = [c for c in numbers.columns if not c.startswith(("avg_", "sd_", "mean_"))]
    assert numbers.select(sums).fill_null(-1).to_dicts() == [dict.fromkeys(sums, 0)] * 2
    assert quarter_view(facts).height == 0


def test_tables_not_supplied_read_as_empty(engines: Engines, engine: str):
    base = {k: LITERALS[k] for k in ("partners", "deals")}
    left_out = _facts(engines, engine, base)
    empty = _facts(engines, engine, {**base, "activities": {}, "investments": {}, "overlaps": {}})
    a, b = partner_view(left_out, IDS), partner_view(empty, IDS)
    shared = [c for c in a.columns if c in b.columns]
    assert "won_revenue" in shared
    assert_frame_equal(a.select(shared), b.select(shared))


def test_only_the_required_deal_columns(engines: Engines, engine: str):
    # no source, no account, no engagement date: the figures that need none of them stand
    deals = {
        k: LITERALS["deals"][k]
        for k in ("deal_id", "partner_id", "created_on", "closed_on", "outcome", "amount")
    }
    facts = _facts(engines, engine, {"partners": PARTNERS, "deals": deals})
    view = partner_view(facts, ["p1", "p4"], fill_absent=True)
    got = view.select("partner_id", "won_revenue", "won_deals", "open_pipeline", "sourced_pipeline")
    assert got.rows() == [("p1", 1500.10, 2, 375.50, 0.0), ("p4", 810.00, 2, 40.00, 0.0)]


# --- a leap-year window ---


def test_leap_day_window_clamps_its_start(engines: Engines, engine: str):
    # 12 months back from 2024-02-29 is 2023-02-28: closed that day is out, the next day in
    w = Window.ending(D("2024-02-29"), months=12)
    assert w.start == D("2023-02-28")
    literals = {
        "partners": {"partner_id": ["a"], "name": ["A"]},
        "deals": {
            "deal_id": ["x", "y", "z"],
            "partner_id": ["a"] * 3,
            "created_on": ["2023-01-01", "2023-01-01", "2024-02-29"],
            "closed_on": ["2023-02-28", "2023-03-01", "2024-02-29"],
            "outcome": ["won", "won", "won"],
            "amount": [1.0, 10.0, 100.0],
        },
    }
    facts = _facts(engines, engine, literals, w)
    row = partner_view(facts, ["a"]).select("won_revenue", "won_deals", "deals_created").row(0)
    assert row == (110.0, 2, 1)
    # 8 quarters from that of 2022-04-01: both early wins fall in the quarter of 2023-01-01
    assert quarter_view(facts).rows() == [
        ("a", D("2023-01-01"), 11.0),
        ("a", D("2024-01-01"), 100.0),
    ]


# --- metamorphic: changes that must not move a figure ---


def _reordered(literals: dict[str, Any]) -> dict[str, Any]:
    return {name: {c: list(reversed(v)) for c, v in t.items()} for name, t in literals.items()}


def test_row_order_moves_nothing(engines: Engines, memo: FactsMemo, engine: str):
    assert_same_facts(
        _facts(engines, engine, _reordered(LITERALS)),
        tiny(memo, engine),
        label="reversed rows",
    )


def test_renaming_partners_moves_nothing_but_the_ids(
    engines: Engines, memo: FactsMemo, engine: str
):
    rename = {pid: f"{i:03d}\t{pid}ü" for i, pid in enumerate(IDS)}

    def renamed(table: dict[str, Any]) -> dict[str, Any]:
        ids = [rename.get(p) if p is not None else None for p in table["partner_id"]]
        return {**table, "partner_id": ids}

    literals = {name: renamed(t) for name, t in LITERALS.items()}
    got = partner_view(_facts(engines, engine, literals), [rename[p] for p in IDS])
    want = partner_view(tiny(memo, engine), IDS)
    back = {v: k for k, v in rename.items()}
    assert_frame_equal(got.with_columns(pl.col("partner_id").replace_strict(back)), want)


def test_deals_after_as_of_and_direct_deals_move_no_partner(
    engines: Engines, memo: FactsMemo, engine: str
):
    extra = {
        "deal_id": ["late1", "late2", "direct"],
        "partner_id": ["p1", ODD, None],
        "created_on": ["2025-07-01", "2025-12-31", "2025-03-03"],
        "closed_on": ["2025-07-02", None, "2025-03-04"],
        "outcome": ["won", "open", "won"],
        "amount": [5000.0, 7000.0, 9000.0],
        "source": ["partner", "partner", "vendor"],
        "account_id": ["acc-1"] * 3,
    }
    deals = {c: [*v, *extra[c]] for c, v in LITERALS["deals"].items()}
    got = partner_view(_facts(engines, engine, {**LITERALS, "deals": deals}), IDS)
    want = partner_view(tiny(memo, engine), IDS)
    assert_frame_equal(got, want)


# --- metamorphic: changes that must move a figure one way ---


def test_splitting_a_won_deal_keeps_revenue_and_adds_a_deal(
    engines: Engines, memo: FactsMemo, engine: str
):
    deals = {c: list(v) for c, v in LITERALS["deals"].items()}
    i = deals["deal_id"].index("d2")  # p1, won 500.00 in the prior half
    for values in deals.values():
        values.append(values[i])
    deals["deal_id"][-1] = "d2-half"
    deals["amount"][i] = deals["amount"][-1] = 250.00
    cols = ["won_revenue", "influenced_revenue", "revenue_prior", "won_deals", "deals_created"]
    got = partner_view(_facts(engines, engine, {**LITERALS, "deals": deals}), ["p1"]).select(cols)
    want = partner_view(tiny(memo, engine), ["p1"]).select(cols)
    assert got.row(0) == (*want.row(0)[:3], want.row(0)[3] + 1, want.row(0)[4] + 1)
    assert want.row(0) == (1500.10, 500.00, 500.00, 2, 5)


def test_a_later_as_of_moves_a_deal_out_of_open_into_won(
    engines: Engines, memo: FactsMemo, engine: str
):
    # e2 (p4, 800.00) closed on as_of: one day earlier it was still open, and not won yet
    earlier = Window.ending(D("2025-06-29"), months=12)
    cols = ["won_revenue", "won_deals", "open_pipeline", "open_deals"]
    before = partner_view(_facts(engines, engine, LITERALS, earlier), ["p4"]).select(cols)
    after = partner_view(tiny(memo, engine), ["p4"]).select(cols)
    assert after.row(0) == (810.00, 2, 40.00, 1)
    # on 2025-06-29 W = (2024-06-29, 2025-06-29]: e1 (closed 2024-06-30) is now in W, e2 is
    # open and e4 (created 2025-06-30) does not exist yet
    assert before.row(0) == (710.00, 2, 800.00, 1)
