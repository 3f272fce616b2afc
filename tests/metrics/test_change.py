"""Quarter-on-quarter, year-on-year and since-the-last-review changes, worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from partnerkit.decisions import Ledger
from partnerkit.facts import from_portfolio
from partnerkit.load import from_frames
from partnerkit.metrics.change import (
    latest_complete_quarter,
    quarter_changes_of,
    since_last_review,
)
from partnerkit.policy import Policy
from partnerkit.window import Window

D = dt.date


def _deals(rows: list[tuple[str, str, str, str, float]]) -> pl.DataFrame:
    """(deal_id, partner_id, closed_on, outcome, amount); all created on 2023-01-02."""
    return pl.DataFrame(
        {
            "deal_id": [r[0] for r in rows],
            "partner_id": [r[1] for r in rows],
            "created_on": ["2023-01-02"] * len(rows),
            "closed_on": [r[2] for r in rows],
            "outcome": [r[3] for r in rows],
            "amount": [r[4] for r in rows],
        }
    )


BASE = [
    # a: Q3 2025 = 300 + 200 = 500; Q2 2025 = 400; Q3 2024 = 250 (the lost deal does not count)
    ("d1", "a", "2025-08-15", "won", 300.0),
    ("d2", "a", "2025-09-30", "won", 200.0),  # as_of itself is inside the quarter
    ("d3", "a", "2025-04-01", "won", 400.0),
    ("d4", "a", "2024-07-01", "won", 250.0),
    ("d5", "a", "2024-08-01", "lost", 999.0),
    ("d6", "a", "2025-10-05", "won", 1000.0),  # after as_of: not in any quarter
    # b: only Q2 2025 = 100
    ("d7", "b", "2025-06-30", "won", 100.0),
]


AS_OF = D(2025, 9, 30)


def _changes(rows, *, as_of: dt.date = AS_OF, policy: Policy | None = None):
    portfolio = from_frames(
        partners=pl.DataFrame({"partner_id": ["a", "b", "c"], "name": ["A", "B", "C"]}),
        deals=_deals(rows),
    )
    facts = from_portfolio(
        portfolio, window=Window.ending(as_of, months=12), policy=policy or Policy()
    ).collect()
    return quarter_changes_of(facts).collect()


def test_latest_complete_quarter() -> None:
    assert latest_complete_quarter(D(2025, 9, 30)) == D(2025, 7, 1)
    assert latest_complete_quarter(D(2025, 9, 29)) == D(2025, 4, 1)
    assert latest_complete_quarter(D(2025, 12, 31)) == D(2025, 10, 1)
    assert latest_complete_quarter(D(2026, 1, 1)) == D(2025, 10, 1)


def test_quarter_on_quarter_and_year_on_year_by_hand() -> None:
    out = _changes(BASE)
    assert out["quarter"].unique().to_list() == [D(2025, 7, 1)]
    cols = (
        "partner_id",
        "quarter_revenue",
        "prior_quarter_revenue",
        "qoq_change",
        "qoq_change_pct",
        "year_ago_quarter_revenue",
        "yoy_change",
        "yoy_change_pct",
    )
    assert out.select(cols).rows() == [
        ("a", 500.0, 400.0, 100.0, 0.25, 250.0, 250.0, 1.0),
        ("b", 0.0, 100.0, -100.0, -1.0, 0.0, 0.0, None),
        ("c", 0.0, 0.0, 0.0, None, 0.0, 0.0, None),  # no deals at all: zero, not missing
    ]


def test_mid_quarter_as_of_compares_the_last_whole_quarter() -> None:
    # as_of 2025-08-31: Q3 is not over, so Q2 2025 (a: 400, b: 100) is compared with Q1
    # 2025 (nothing) and Q2 2024 (nothing).
    out = _changes(BASE, as_of=D(2025, 8, 31))
    assert out.select("partner_id", "quarter", "quarter_revenue", "qoq_change_pct").rows() == [
        ("a", D(2025, 4, 1), 400.0, None),
        ("b", D(2025, 4, 1), 100.0, None),
        ("c", D(2025, 4, 1), 0.0, None),
    ]


def test_untracked_year_ago_quarter_is_null_not_zero() -> None:
    # Two tracked quarters (Q2 and Q3 2025): year on year cannot be known.
    out = _changes(BASE, policy=Policy(stability_quarters=2))
    row = out.filter(pl.col("partner_id") == "a").row(0, named=True)
    assert (row["quarter_revenue"], row["qoq_change"]) == (500.0, 100.0)
    assert (row["year_ago_quarter_revenue"], row["yoy_change"], row["yoy_change_pct"]) == (
        None,
        None,
        None,
    )


def test_deals_outside_the_compared_quarters_move_nothing() -> None:
    noise = [
        ("n1", "a", "2025-02-10", "won", 77.0),  # Q1 2025: not compared
        ("n2", "a", "2025-08-01", "lost", 500.0),  # lost in the current quarter
        ("n3", "b", "2024-12-31", "won", 5.0),  # Q4 2024: not compared
    ]
    assert _changes(BASE + noise).equals(_changes(BASE))


@pytest.mark.parametrize("amount", [0.01, 123.45, 10_000.0])
def test_a_win_in_the_current_quarter_raises_both_changes_by_its_amount(amount: float) -> None:
    before = _changes(BASE).filter(pl.col("partner_id") == "b").row(0, named=True)
    after = (
        _changes([*BASE, ("x", "b", "2025-07-01", "won", amount)])
        .filter(pl.col("partner_id") == "b")
        .row(0, named=True)
    )
    assert after["qoq_change"] == pytest.approx(before["qoq_change"] + amount)
    assert after["yoy_change"] == pytest.approx(before["yoy_change"] + amount)
    assert after["prior_quarter_revenue"] == before["prior_quarter_revenue"]


def test_since_last_review_reads_the_latest_decision(tmp_path: Path) -> None:
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b", "c"],
            "won_revenue": [1500.0, 0.0, 10.0],
            "health": [62.5, 12.0, 40.0],
            "state": ["productive", "dormant", "active"],
            "recommendation": ["keep", "exit", "watch"],
        }
    )
    with Ledger(tmp_path / "l.sqlite") as ledger:
        common = {"who": "ana", "policy": Policy()}
        ledger.record(
            "a", "watch", "first look", as_of=D(2025, 3, 31), metrics={"won_revenue": 1.0}, **common
        )
        ledger.record(
            "a",
            "keep",
            "second look",
            as_of=D(2025, 6, 30),
            metrics={"won_revenue": 1000.0, "health": 70.0, "state": "active"},
            **common,
        )
        ledger.record(
            "b",
            "exit",
            "gone quiet",
            as_of=D(2025, 6, 30),
            metrics={"won_revenue": 250.0, "health": None, "recommendation": "watch"},
            **common,
        )
        decisions = ledger.current()
    out = since_last_review(
        card.lazy(),
        decisions=decisions.lazy(),
        numbers=("won_revenue", "health", "not_a_column"),
        texts=("state", "recommendation"),
    ).collect()
    assert out.columns == [
        "partner_id",
        "last_decision",
        "last_review_on",
        "won_revenue_at_review",
        "won_revenue_since_review",
        "health_at_review",
        "health_since_review",
        "state_at_review",
        "recommendation_at_review",
    ]
    assert out.rows() == [
        # a: the second decision is the latest: 1500 - 1000, 62.5 - 70
        ("a", "keep", D(2025, 6, 30), 1000.0, 500.0, 70.0, -7.5, "active", None),
        # b: health was not known at the review
        ("b", "exit", D(2025, 6, 30), 250.0, -250.0, None, None, None, "watch"),
        # c: never decided
        ("c", None, None, None, None, None, None, None, None),
    ]
