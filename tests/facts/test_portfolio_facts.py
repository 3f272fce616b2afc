"""The portfolio-level questions stage 1 answers: default as-of, currency, slipped open deals.

A hand-made portfolio: its latest actual event, its open deals past their expected close and
its currency are worked out in the comments. The same questions on DuckDB and Spark frames
give the same answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from partnerkit.facts import latest_date, open_past_expected, portfolio_currency
from partnerkit.facts.summary import currency_of, overdue_deals
from partnerkit.load import from_frames

from .conftest import ENGINE_PARAMS, Engines, canonical_tables

D = dt.date

DEALS = {
    "deal_id": ["d1", "d2", "d3", "d4", "d5"],
    "partner_id": ["a", "a", "b", None, "b"],
    "created_on": ["2025-01-05", "2025-02-01", "2025-03-01", "2025-01-20", "2025-04-02"],
    # d2 open, expected 2025-03-15 (slipped by 2025-04-02); d3 open, expected in 2026 (a
    # forecast, no event); d4 lost 2025-04-10 (the latest event); d5 open, no date
    "closed_on": ["2025-02-10", "2025-03-15", "2026-01-31", "2025-04-10", None],
    "outcome": ["won", "open", "open", "lost", "open"],
    "amount": [10.0, 20.0, 30.0, 40.0, 50.0],
    "currency": ["EUR", "EUR", None, "EUR", "EUR"],
}
PARTNERS = {"partner_id": ["a", "b"], "name": ["A", "B"]}


def _portfolio(**deals: list) -> object:
    return from_frames(partners=pl.DataFrame(PARTNERS), deals=pl.DataFrame({**DEALS, **deals}))


def test_latest_date_is_the_latest_actual_event() -> None:
    # d4's loss on 2025-04-10 is later than every creation (d5, 2025-04-02); d3's expected
    # close in 2026 is a forecast
    assert latest_date(_portfolio()) == D(2025, 4, 10)


def test_a_later_forecast_moves_nothing_and_a_later_loss_does() -> None:
    later_plan = _portfolio(
        closed_on=["2025-02-10", "2025-03-15", "2027-01-01", "2025-04-10", None]
    )
    assert latest_date(later_plan) == D(2025, 4, 10)
    later_loss = _portfolio(
        closed_on=["2025-02-10", "2025-03-15", "2026-01-31", "2025-05-01", None]
    )
    assert latest_date(later_loss) == D(2025, 5, 1)


def test_open_past_expected_counts_slipped_open_deals_only() -> None:
    p = _portfolio()
    # at the default as-of (2025-04-10): d2 only (d3 expected later, d5 has no date)
    assert open_past_expected(p) == 1
    assert open_past_expected(p, D(2025, 3, 14)) == 0  # the day before d2's expected close
    assert open_past_expected(p, D(2026, 1, 31)) == 2  # d3's expected close reached too


def test_currency_is_the_deals_one_and_none_without_it() -> None:
    assert portfolio_currency(_portfolio()) == "EUR"
    bare = from_frames(
        partners=pl.DataFrame(PARTNERS),
        deals=pl.DataFrame({k: v for k, v in DEALS.items() if k != "currency"}),
    )
    assert portfolio_currency(bare) is None


def test_close_dates_not_supplied_leave_nothing_past_expected() -> None:
    p = _portfolio()
    supplied = {**p.supplied, "deals": tuple(c for c in p.supplied["deals"] if c != "closed_on")}
    assert open_past_expected(p, D(2030, 1, 1)) == 2  # d2 and d3; d5 has no expected date
    assert open_past_expected(dataclasses.replace(p, supplied=supplied), D(2030, 1, 1)) == 0


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_the_questions_on_every_engine(engines: Engines, engine: str) -> None:
    native = engines.native(engine, canonical_tables(partners=PARTNERS, deals=DEALS))
    assert currency_of(native) == "EUR"
    assert overdue_deals(native, as_of=D(2025, 4, 10)) == 1
    assert overdue_deals(native, as_of=D(2026, 1, 31)) == 2
