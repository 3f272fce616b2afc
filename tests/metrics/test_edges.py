"""Edge cases of the scorecard and Pareto: bare minimum input, nothing won, ties, ..."""

import dataclasses
import datetime as dt

import polars as pl
import pytest

from partnerkit.facts import from_portfolio
from partnerkit.metrics.scorecard import scorecard
from partnerkit.policy import Policy
from partnerkit.window import Window

AS_OF = dt.date(2025, 12, 31)


def card_of(portfolio, *, policy=None):
    policy = policy or Policy()
    w = Window.ending(AS_OF, months=policy.lookback_months)
    facts = from_portfolio(portfolio, window=w, policy=policy).collect()
    return scorecard(portfolio.partners, facts=facts, policy=policy).collect()


def bare(build, partner_ids, deals):
    """Partners with only partner_id + name; deals with only the six required columns."""
    return build(
        partners={"partner_id": partner_ids, "name": [p.upper() for p in partner_ids]},
        deals={
            "deal_id": [f"d{i}" for i in range(len(deals))],
            "partner_id": [x[0] for x in deals],
            "created_on": [x[1] for x in deals],
            "closed_on": [x[2] for x in deals],
            "outcome": [x[3] for x in deals],
            "amount": [x[4] for x in deals],
        },
    )


def test_bare_minimum_columns(build):
    p = bare(
        build,
        ["a", "b", "c"],
        [
            ("a", "2025-02-01", "2025-03-01", "won", 70.0),
            ("b", "2025-02-01", "2025-03-01", "won", 30.0),
            ("c", "2025-02-01", "2026-01-31", "open", 5.0),
        ],
    )
    card = card_of(p)
    assert card["won_revenue"].to_list() == [70.0, 30.0, 0.0]
    # no signing dates: tenure unknown, everybody mature; all statuses default to active
    assert card["stage"].to_list() == ["mature"] * 3
    assert card["counted"].to_list() == [True] * 3
    # a 70 (vital), b: 0.7 before it < 0.8 -> vital; c active (an open deal expected after
    # as_of), share 0
    assert card["vital"].to_list() == [True, True, False]
    assert card["cum_share"].to_list() == pytest.approx([0.7, 1.0, 1.0])
    # inputs not supplied are null, not zero
    for col in (
        "sourced_revenue",
        "influenced_revenue",
        "sourced_pipeline",
        "activities",
        "enablement_activities",
        "our_effort_share",
        "investment",
        "overlap_accounts",
        "untapped_overlap",
        "sponsor_present",
        "tenure_days",
        "implied_tier",
    ):
        assert card[col].null_count() == 3, col
    # health has no input at all but activity-free inputs: nothing to score
    assert card["health"].null_count() == 3


def test_no_deals_at_all(build):
    p = bare(build, ["a", "b"], [])
    card = card_of(p)
    assert card["won_revenue"].to_list() == [0.0, 0.0]
    assert card["win_rate"].to_list() == [None, None]
    assert card["state"].to_list() == ["dormant", "dormant"]
    assert card["vital"].to_list() == [False, False]
    assert card["rank"].to_list() == [None, None]  # denominator "active" is empty


def test_all_deals_lost(build):
    p = bare(
        build,
        ["a", "b"],
        [
            ("a", "2025-11-01", "2025-12-01", "lost", 70.0),
            ("b", "2025-11-01", "2025-12-01", "lost", 30.0),
        ],
    )
    card = card_of(p)
    assert card["win_rate"].to_list() == [0.0, 0.0]
    # no wins; deals created within policy.active_days (91) of as_of are a partner-side signal
    assert card["state"].to_list() == ["active", "active"]
    # total 0: ranked (tie broken by id) but nobody vital, shares undefined
    assert card["rank"].to_list() == [1, 2]
    assert card["share"].to_list() == [None, None]
    assert card["vital"].to_list() == [False, False]


def test_one_partner(build):
    p = bare(build, ["solo"], [("solo", "2025-02-01", "2025-03-01", "won", 10.0)])
    card = card_of(p)
    assert (card["rank"][0], card["share"][0], card["cum_share"][0], card["vital"][0]) == (
        1,
        1.0,
        1.0,
        True,
    )


def test_ties_in_value_break_by_partner_id(build):
    # 33.33 three times: cents make the ties exact whatever the summation order
    p = bare(
        build,
        ["c", "a", "b"],
        [
            ("c", "2025-02-01", "2025-03-01", "won", 11.11),
            ("c", "2025-02-01", "2025-03-01", "won", 22.22),
            ("a", "2025-02-01", "2025-03-01", "won", 33.33),
            ("b", "2025-02-01", "2025-03-01", "won", 22.22),
            ("b", "2025-02-01", "2025-03-01", "won", 11.11),
        ],
    )
    card = card_of(p)
    assert card["partner_id"].to_list() == ["a", "b", "c"]
    assert card["won_revenue"].to_list() == [33.33, 33.33, 33.33]
    # before c: 2/3 < 0.8 -> all three vital
    assert card["vital"].to_list() == [True, True, True]


def test_threshold_reached_exactly_stops_the_vital_few(build):
    p = bare(
        build,
        ["a", "b", "c"],
        [
            ("a", "2025-02-01", "2025-03-01", "won", 0.7),
            ("b", "2025-02-01", "2025-03-01", "won", 0.1),
            ("c", "2025-02-01", "2025-03-01", "won", 0.2),
        ],
    )
    card = card_of(p)
    # ranks a 0.7, c 0.2, b 0.1; before b the share is 0.9; before c it is 0.7 < 0.8
    assert card["partner_id"].to_list() == ["a", "c", "b"]
    assert card["vital"].to_list() == [True, True, False]
    p2 = bare(
        build,
        ["a", "b"],
        [
            ("a", "2025-02-01", "2025-03-01", "won", 0.8),
            ("b", "2025-02-01", "2025-03-01", "won", 0.2),
        ],
    )
    # a alone reaches exactly 0.8: b is not vital
    assert card_of(p2)["vital"].to_list() == [True, False]


def test_deals_on_window_bounds(build):
    p = bare(
        build,
        ["a"],
        [
            ("a", "2024-06-01", "2024-12-31", "won", 1.0),  # closed on start: out
            ("a", "2024-06-01", "2025-01-01", "won", 10.0),  # day after start: in
            ("a", "2025-06-01", "2025-12-31", "won", 100.0),  # on as_of: in
            ("a", "2025-06-01", "2026-01-01", "won", 1000.0),  # after as_of: out (open then)
            ("a", "2024-12-31", None, "open", 5.0),  # created on start: open, not created in W
        ],
    )
    a = card_of(p).row(0, named=True)
    assert (a["won_revenue"], a["won_deals"]) == (110.0, 2)
    assert a["open_pipeline"] == 1005.0  # the deal won after as_of was open at as_of
    assert a["deals_created"] == 2  # 2025-06-01 twice; 2024-12-31 is the start day: out


def test_optional_tables_missing_give_nulls(build):
    p = build(
        partners={"partner_id": ["a"], "name": ["A"], "signed_on": ["2025-01-01"]},
        deals={
            "deal_id": ["d"], "partner_id": ["a"], "created_on": ["2025-02-01"],
            "closed_on": ["2025-03-01"], "outcome": ["won"], "amount": [5.0],
            "account_id": ["x"], "source": ["partner"],
        },
    )  # fmt: skip
    a = card_of(p).row(0, named=True)
    assert a["sourced_revenue"] == 5.0
    assert a["activities"] is None
    assert a["days_since_activity"] is None
    assert a["investment"] is None
    assert a["incentives"] is None
    assert a["overlap_accounts"] is None
    assert a["realized_overlap"] is None
    assert (a["tenure_days"], a["stage"]) == (364, "mature")  # 364 >= 270 ramp days


def test_activity_columns_without_initiator_or_hours(build):
    p = build(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={"deal_id": [], "partner_id": [], "created_on": [], "closed_on": [],
               "outcome": [], "amount": []},
        activities={"partner_id": ["a"], "occurred_on": ["2025-05-01"], "kind": ["referral"]},
    )  # fmt: skip
    a = card_of(p).row(0, named=True)
    # an activity of unknown initiator, months before as_of, is no partner-side signal
    assert (a["activities"], a["state"]) == (1, "dormant")
    assert a["referrals_received"] is None
    assert a["reciprocity"] is None
    assert a["our_hours"] is None
    assert a["our_effort_share"] is None
    assert a["activity_breadth"] == 1
    assert a["hours_referral"] is None  # no hours column: unknown, not 0


def test_hours_per_kind_need_hours_not_initiators(build):
    p = build(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={"deal_id": [], "partner_id": [], "created_on": [], "closed_on": [],
               "outcome": [], "amount": []},
        activities={"partner_id": ["a", "a"], "occurred_on": ["2025-05-01", "2025-06-01"],
                    "kind": ["training", "training"], "hours": [1.5, 2.0]},
    )  # fmt: skip
    a = card_of(p).row(0, named=True)
    assert a["our_hours"] is None  # who initiated is unknown
    assert (a["hours_training"], a["hours_qbr"]) == (3.5, 0.0)


def test_overlaps_without_deal_accounts(build):
    p = build(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={"deal_id": ["d"], "partner_id": ["a"], "created_on": ["2025-02-01"],
               "closed_on": [None], "outcome": ["open"], "amount": [5.0]},
        overlaps={"partner_id": ["a"], "account_id": ["x"], "our_status": ["prospect"],
                  "partner_status": ["customer"]},
    )  # fmt: skip
    a = card_of(p).row(0, named=True)
    assert (a["overlap_accounts"], a["cosell_potential"]) == (1, 1)
    assert a["realized_overlap"] is None
    assert a["untapped_overlap"] is None


@pytest.mark.parametrize("denominator", ["enrolled", "active", "positive"])
def test_value_zero_everywhere(build, denominator):
    # a's open deal is expected after as_of: a sign of life (an undated one created in
    # February would count from its creation, and be stale by December)
    p = bare(build, ["a", "b"], [("a", "2025-02-01", "2026-02-01", "open", 5.0)])
    card = card_of(p, policy=dataclasses.replace(Policy(), denominator=denominator))
    assert card["vital"].to_list() == [False, False]
    assert card["share"].null_count() == 2
    expected = {"enrolled": [1, 2], "active": [1, None], "positive": [None, None]}
    assert card["rank"].to_list() == expected[denominator]


def test_partner_signed_after_as_of_with_activity_is_not_counted(build):
    p = build(
        partners={"partner_id": ["a", "b"], "name": ["A", "B"],
                  "signed_on": ["2025-01-01", "2026-03-01"]},
        deals={"deal_id": ["d1", "d2"], "partner_id": ["a", "b"],
               "created_on": ["2025-02-01", "2025-11-01"],
               "closed_on": ["2025-03-01", "2025-12-01"],
               "outcome": ["won", "won"], "amount": [5.0, 50.0]},
    )  # fmt: skip
    card = card_of(p)
    b = card.filter(pl.col("partner_id") == "b").row(0, named=True)
    # b's deals count in its own row, but it is outside portfolio statistics
    assert (b["won_revenue"], b["counted"], b["rank"], b["vital"]) == (50.0, False, None, False)
    assert b["tenure_days"] == -60
    assert b["stage"] == "ramping"
    assert card.filter(pl.col("partner_id") == "a")["share"].item() == 1.0
