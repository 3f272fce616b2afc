"""What the source supplied: the portfolio and the stage-1 facts answer ``has`` alike."""

from __future__ import annotations

from types import SimpleNamespace

import polars as pl
import pytest

from partnerkit.analysis import Facts
from partnerkit.portfolio import Portfolio
from partnerkit.schema import TABLE_ORDER, TABLES


def _portfolio(supplied: dict[str, tuple[str, ...]]) -> Portfolio:
    frames = {name: pl.LazyFrame(schema=TABLES[name].schema) for name in TABLE_ORDER}
    return Portfolio(**frames, supplied=supplied)


CASES = [
    ("partners", None),
    ("deals", "source"),
    ("activities", None),
    ("activities", "hours"),
    ("overlaps", "account_id"),
]


@pytest.mark.parametrize(("table", "column"), CASES)
@pytest.mark.parametrize(
    "supplied",
    [
        {},  # not recorded: everything counts as supplied
        {"partners": ("partner_id", "name"), "deals": ("deal_id", "partner_id", "amount")},
        {"partners": ("partner_id", "name"), "deals": ("deal_id", "source"), "activities": ()},
    ],
)
def test_portfolio_and_facts_agree(supplied, table, column) -> None:
    portfolio = _portfolio(supplied)
    facts_like = SimpleNamespace(supplied=supplied)
    assert portfolio.has(table, column) == Facts.has(facts_like, table, column)  # type: ignore[arg-type]


def test_not_recorded_means_everything_supplied() -> None:
    p = _portfolio({})
    assert all(p.has(name) for name in TABLE_ORDER)
    assert p.has("deals", "partner_engaged_on")
    assert p.missing() == dict.fromkeys(TABLE_ORDER, ())


def test_recorded_columns_are_the_only_ones_supplied() -> None:
    p = _portfolio({"partners": ("partner_id", "name"), "activities": ()})
    assert p.has("partners")
    assert p.has("partners", "name")
    assert not p.has("partners", "tier")
    assert not p.has("activities")  # recorded as not supplied at all
    assert not p.has("deals")  # not named: not supplied
    assert "tier" in p.missing()["partners"]
    assert p.missing()["deals"] == TABLES["deals"].names
