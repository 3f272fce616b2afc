"""The scorecard of the hand-worked tiny portfolio (see conftest.tiny_portfolio).

W = (2024-12-31, 2025-12-31]; prior half (2024-12-31, 2025-07-01], recent half after.
"""

import dataclasses
import datetime as dt

import polars as pl
import pytest

from partnerkit.analysis import ON_DEMAND, analyze
from partnerkit.facts import from_portfolio
from partnerkit.load import from_frames
from partnerkit.metrics.conflicts import conflicts
from partnerkit.metrics.scorecard import SCORECARD_COLUMNS, scorecard, scorecard_columns
from partnerkit.policy import HealthDimension, HealthMetric, Policy
from partnerkit.window import Window

AS_OF = dt.date(2025, 12, 31)


def card_of(portfolio, *, as_of=AS_OF, policy=None):
    policy = policy or Policy()
    w = Window.ending(as_of, months=policy.lookback_months)
    facts = from_portfolio(portfolio, window=w, policy=policy).collect()
    return scorecard(portfolio.partners, facts=facts, policy=policy).collect()


def row(card, pid):
    return card.filter(pl.col("partner_id") == pid).row(0, named=True)


@pytest.fixture(scope="module")
def card(tiny):
    return card_of(tiny)


def test_columns_are_documented_and_in_order(card):
    assert card.columns == list(SCORECARD_COLUMNS)
    required = [
        "partner_id",
        "name",
        "tier",
        "region",
        "type",
        "status",
        "won_revenue",
        "won_deals",
        "lost_deals",
        "win_rate",
        "sourced_revenue",
        "influenced_revenue",
        "open_pipeline",
        "sourced_pipeline",
        "avg_days_to_close",
        "tenure_days",
        "days_to_first_win",
        "days_since_activity",
        "revenue_trend",
        "investment",
        "revenue_per_investment",
        "state",
        "stage",
        "rank",
        "share",
        "cum_share",
        "vital",
        "vital_quarters",
        "health",
        "interest",
        "awareness",
        "encouragement",
        "reciprocity",
        "our_effort_share",
        "implied_tier",
        "tier_gap",
        "overlap_accounts",
        "cosell_potential",
        "untapped_overlap",
    ]
    assert set(required) <= set(card.columns)
    assert all(len(text) > 10 for text in SCORECARD_COLUMNS.values())


def test_one_row_per_partner_sorted_by_rank(card):
    # A (4000) rank 1, B (2000) rank 2; C dormant, D prospect, E signed after as_of: no rank
    assert card["partner_id"].to_list() == ["A", "B", "C", "D", "E"]
    assert card["rank"].to_list() == [1, 2, None, None, None]


def test_results_in_window_for_a(card):
    a = row(card, "A")
    assert a["won_revenue"] == 4000.0  # d1 1000 + d2 3000
    assert (a["won_deals"], a["lost_deals"]) == (2, 1)
    assert a["win_rate"] == pytest.approx(2 / 3)
    assert a["sourced_revenue"] == 1000.0  # d1 partner-sourced
    assert a["influenced_revenue"] == 3000.0  # d2 vendor-sourced
    assert (a["open_pipeline"], a["open_deals"]) == (700.0, 1)  # d4
    assert (
        a["sourced_pipeline"] == 2200.0
    )  # partner-sourced created in W: d1 1000 + d3 500 + d4 700
    assert a["pipeline_created"] == 5200.0  # d1 + d2 + d3 + d4
    assert a["deals_created"] == 4
    assert a["avg_days_to_close"] == 71.0  # (50 + 92) / 2
    assert a["first_win_on"] == dt.date(2025, 3, 1)
    assert a["days_to_first_win"] == 790  # 2023-01-01 -> 2025-03-01: 365 + 366 + 59
    assert a["last_deal_on"] == dt.date(2025, 11, 1)
    assert (a["revenue_prior"], a["revenue_recent"]) == (1000.0, 3000.0)
    assert a["revenue_trend"] == 0.5  # (3000 - 1000) / 4000
    assert a["tenure_days"] == 1095  # 365 + 366 + 364
    assert (a["stage"], a["state"], a["counted"]) == ("mature", "productive", True)


def test_window_bounds_decide_b_and_c(card):
    b, c = row(card, "B"), row(card, "C")
    # B's win closed exactly on as_of: in W
    assert (b["won_revenue"], b["won_deals"], b["win_rate"]) == (2000.0, 1, 1.0)
    assert b["avg_days_to_close"] == 183.0  # 2025-07-01 -> 2025-12-31
    assert (b["revenue_prior"], b["revenue_recent"], b["revenue_trend"]) == (0.0, 2000.0, 1.0)
    assert (b["tenure_days"], b["stage"]) == (213, "ramping")  # 2025-06-01 -> 2025-12-31
    assert b["days_to_first_win"] == 213
    # C's only win closed exactly on the window start: out of W
    assert (c["won_revenue"], c["won_deals"], c["lost_deals"]) == (0.0, 0, 0)
    assert c["win_rate"] is None
    assert c["revenue_trend"] is None
    assert c["first_win_on"] == dt.date(2024, 12, 31)  # first win looks at all history
    assert c["last_deal_on"] == dt.date(2024, 6, 1)
    assert (c["state"], c["stage"]) == ("dormant", "mature")
    assert c["tenure_days"] == 1460


def test_prospects_and_future_partners_are_listed_not_counted(card):
    d, e = row(card, "D"), row(card, "E")
    assert (d["counted"], d["won_revenue"], d["rank"], d["vital"]) == (False, 800.0, None, False)
    assert d["health"] is None
    # E signed 2026-02-01: negative tenure, ramping, not counted; its deal after as_of is ignored
    assert (e["counted"], e["tenure_days"], e["stage"]) == (False, -32, "ramping")
    assert (e["won_revenue"], e["deals_created"], e["state"]) == (0.0, 0, "dormant")


def test_engagement_columns(card):
    a, b, c = row(card, "A"), row(card, "B"), row(card, "C")
    # A in W: enablement(us 2h) referral(partner 1h) intro(us 1h) qbr(us 3h) joint_mkt(partner 2h)
    assert a["activities"] == 5
    assert a["partner_initiated_share"] == pytest.approx(2 / 5)
    assert a["enablement_activities"] == 1  # the training of 2024-11-01 is before W
    assert a["joint_marketing_activities"] == 1
    assert a["activity_breadth"] == 5
    assert (a["referrals_given"], a["referrals_received"], a["reciprocity"]) == (1, 1, 0.0)
    assert (a["our_hours"], a["partner_hours"]) == (6.0, 3.0)
    assert a["our_effort_share"] == pytest.approx(6 / 9)
    assert a["one_sided"] is False
    assert a["days_since_activity"] == 91  # 2025-10-01 -> 2025-12-31
    assert a["days_since_qbr"] == 244  # 2025-05-01 -> 2025-12-31
    assert a["review_overdue"] is True  # > 120 days
    assert a["sponsor_present"] is True
    # B: cosell 8h by us, 1h by the partner
    assert (b["cosell_activities"], b["activity_breadth"], a["cosell_activities"]) == (2, 1, 0)
    assert b["our_effort_share"] == pytest.approx(8 / 9)
    assert b["one_sided"] is True
    assert b["reciprocity"] is None
    assert (b["days_since_qbr"], b["review_overdue"]) == (None, True)
    assert b["sponsor_present"] is False
    # C: its only activity is before W
    assert (c["activities"], c["partner_initiated_share"]) == (0, None)
    assert c["days_since_activity"] == 456


def test_hours_per_activity_kind(card):
    a, b, d = row(card, "A"), row(card, "B"), row(card, "D")
    # A in W: enablement 2h, referral 1h, intro 1h, qbr 3h, joint marketing 2h (training before W)
    assert (a["hours_enablement"], a["hours_training"], a["hours_qbr"]) == (2.0, 0.0, 3.0)
    assert (a["hours_referral"], a["hours_intro"], a["hours_joint_marketing"]) == (1.0, 1.0, 2.0)
    # the kinds together hold every hour with a recorded initiator: 6 ours + 3 the partner's
    kinds = [c for c in card.columns if c.startswith("hours_")]
    assert len(kinds) == 10
    assert sum(a[c] for c in kinds) == a["our_hours"] + a["partner_hours"] == 9.0
    assert b["hours_cosell"] == 9.0
    # D has no activity at all in a supplied log: zeros, not nulls
    assert all(d[c] == 0.0 for c in kinds)


def test_investment_columns(card):
    a, b, c = row(card, "A"), row(card, "B"), row(card, "C")
    # people 3650 over 2025 fully in W; mdf 3650 over 2024-07-01..2025-06-30 (365 days),
    # 181 of them in W -> 1810
    assert a["investment"] == 5460.0
    assert a["program_investment"] == 1810.0
    assert a["revenue_per_investment"] == pytest.approx(4000 / 5460)
    # B: ongoing incentive from 2025-10-01, runs until as_of (92 days, all in W)
    assert (b["investment"], b["program_investment"]) == (920.0, 920.0)
    assert (b["incentives"], b["ephemeral_incentives"], b["incentive_retention"]) == (1, 0, None)
    assert (c["investment"], c["revenue_per_investment"]) == (0.0, None)


def test_overlap_columns(card):
    a, b, c = row(card, "A"), row(card, "B"), row(card, "C")
    # A maps x1 (we prospect / they customer), x2 (customer / prospect), x9 (prospect / customer)
    assert (a["overlap_accounts"], a["cosell_potential"], a["help_potential"]) == (3, 2, 1)
    # A has deals live in W on x1, x2 (and x3, not mapped): x1 and x2 realized, x9 untapped
    assert (a["realized_overlap"], a["untapped_overlap"]) == (2, 1)
    assert a["overlap_open_pipeline"] == 250.0  # the open direct deal on x9
    assert (b["overlap_accounts"], b["cosell_potential"], b["realized_overlap"]) == (1, 1, 1)
    assert (b["untapped_overlap"], b["overlap_open_pipeline"]) == (0, 0.0)
    assert (c["overlap_accounts"], c["untapped_overlap"]) == (0, 0)


def test_pareto_columns(card):
    a, b = row(card, "A"), row(card, "B")
    # denominator "active": A and B (C dormant); total 6000
    assert (a["share"], a["cum_share"], a["vital"]) == (
        pytest.approx(4 / 6),
        pytest.approx(4 / 6),
        True,
    )
    # before B: 4/6 < 0.8 -> B is vital too
    assert (b["share"], b["cum_share"], b["vital"]) == (pytest.approx(2 / 6), 1.0, True)
    assert card["in_denominator"].to_list() == [True, True, False, False, False]
    # vital per quarter (each quarter has one producer): A in 2025Q1 and Q3, B in 2025Q4,
    # C in 2024Q4 (its win on 2024-12-31)
    assert card["vital_quarters"].to_list() == [2, 1, 1, 0, 0]


def test_tier_audit_columns(card):
    # audited: counted, mature, with a tier: A gold 4000 and C gold 0 (B is ramping, signed
    # 2025-06-01, 213 days: left out) -> 2 gold places; A ranks 1st: gold; C has zero value,
    # which earns the bottom tier (registered) whatever places are left
    assert card["implied_tier"].to_list() == ["gold", None, "registered", None, None]
    assert card["tier_level"].to_list() == [2, 1, 2, 1, 1]
    assert card["tier_gap"].to_list() == [0, None, 2, None, None]


def test_health_columns(card):
    a, b, c = row(card, "A"), row(card, "B"), row(card, "C")
    # The worst value earns nothing however many partners share it (B and C tie on it below).
    # awareness: enablement (1.0) A 100, B 0, C 0; joint marketing (0.5) A 100, B 0, C 0;
    # breadth (1.0) A 100, B 50, C 0
    assert a["awareness"] == pytest.approx(100.0)
    assert b["awareness"] == pytest.approx((0 + 0 + 50) / 2.5)
    assert c["awareness"] == pytest.approx(0.0)
    # interest: partner-initiated share (1.0) A 50, B 100, C missing (ranked lowest) 0;
    # sourced pipeline (1.0) A 100, B 50, C 0; sponsor (0.5) A 100, B 0, C 0; reciprocity
    # (0.5) A 100, B and C missing (tied lowest) 0
    assert a["interest"] == pytest.approx((50 + 100 + 50 + 50) / 3)
    assert b["interest"] == pytest.approx((100 + 50 + 0 + 0) / 3)
    assert c["interest"] == pytest.approx(0.0)
    # encouragement: program investment (1.0) A 100, B 50, C 0; incentive retention all null;
    # days since the partner's own latest activity (0.5, lower is better): A 100, B 50, C 0
    assert (a["encouragement"], b["encouragement"], c["encouragement"]) == (
        pytest.approx(100.0),
        pytest.approx(50.0),
        pytest.approx(0.0),
    )
    assert a["health"] == pytest.approx((250 / 3 + 100 + 100) / 3)
    assert b["health"] == pytest.approx((50 + 20 + 50) / 3)
    assert c["health"] == pytest.approx(0.0)


def test_progress_column(card):
    # among A, B, C: enablement A 1 -> 100, B and C 0 -> 0 (nothing done is no progress);
    # pipeline created A 100 B 50 C 0 (C created nothing); realized overlap A 100 B 50 C 0
    assert card["progress"].to_list()[:3] == pytest.approx([100.0, 100 / 3, 0.0])
    assert card["progress"].to_list()[3:] == [None, None]


def test_denominator_enrolled_ranks_every_counted_partner(tiny):
    card = card_of(tiny, policy=dataclasses.replace(Policy(), denominator="enrolled"))
    assert card["rank"].to_list() == [1, 2, 3, None, None]
    assert row(card, "C")["share"] == 0.0
    assert row(card, "C")["vital"] is False


def test_other_pareto_value_and_health_model(tiny):
    model = (HealthDimension("pull", (HealthMetric("sourced_revenue"),)),)
    policy = dataclasses.replace(Policy(), pareto_value="sourced_revenue", health=model)
    card = card_of(tiny, policy=policy)
    assert list(scorecard_columns(policy)) == card.columns
    assert "pull" in card.columns
    assert "interest" not in card.columns
    # sourced revenue: B 2000, A 1000 -> B ranks first
    assert card["partner_id"].to_list()[:2] == ["B", "A"]


def test_unknown_columns_in_policy_raise(tiny):
    with pytest.raises(ValueError, match="pareto_value"):
        card_of(tiny, policy=dataclasses.replace(Policy(), pareto_value="nope"))
    model = (HealthDimension("x", (HealthMetric("nope"),)),)
    with pytest.raises(ValueError, match="nope"):
        card_of(tiny, policy=dataclasses.replace(Policy(), health=model))


def test_tier_value_chooses_what_the_tier_audit_ranks(tiny):
    card = card_of(tiny, policy=dataclasses.replace(Policy(), tier_value="revenue_prior"))
    # prior half: A 1000, C 0 (B ramping, left out) -> A rank 1 of two gold places: gold;
    # C's zero earns the bottom tier
    assert card["implied_tier"].to_list()[:3] == ["gold", None, "registered"]
    assert card["tier_gap"].to_list()[:3] == [0, None, 2]
    with pytest.raises(ValueError, match="tier_value"):
        card_of(tiny, policy=dataclasses.replace(Policy(), tier_value="nope"))


def _conflicting_portfolio():
    """a, b and c sell CRM, d is an integrator; a and b work x at once, a and c work y."""
    deals = [
        ("d1", "a", "x", "2025-03-01"),
        ("d2", "b", "x", "2025-04-01"),
        ("d3", "a", "y", "2025-05-01"),
        ("d4", "c", "y", "2025-06-01"),
        ("d5", "d", "x", "2025-05-01"),
    ]
    return from_frames(
        partners=pl.DataFrame(
            {
                "partner_id": ["a", "b", "c", "d"],
                "name": ["A", "B", "C", "D"],
                "category": ["crm", "crm", "crm", "si"],
            }
        ),
        deals=pl.DataFrame(
            {
                "deal_id": [r[0] for r in deals],
                "partner_id": [r[1] for r in deals],
                "account_id": [r[2] for r in deals],
                "created_on": [r[3] for r in deals],
                # open, expected to close after as_of: live deals, worked at once
                "closed_on": ["2026-03-31"] * len(deals),
                "outcome": ["open"] * len(deals),
                "amount": [100.0] * len(deals),
            }
        ),
    )


def test_conflict_pairs_given_or_computed_give_the_same_scorecard():
    p = _conflicting_portfolio()
    policy = Policy()
    w = Window.ending(AS_OF, months=policy.lookback_months)
    facts = from_portfolio(p, window=w, policy=policy).collect()
    pairs = conflicts(facts.accounts, partners=facts.partners).collect()
    assert pairs.select("partner_a", "partner_b").rows() == [("a", "b"), ("a", "c")]
    inside = scorecard(p.partners, facts=facts, policy=policy).collect()
    given = scorecard(p.partners, facts=facts, policy=policy, conflict_pairs=pairs.lazy())
    assert given.collect().equals(inside)
    counts = dict(inside.select("partner_id", "conflict_partners").rows())
    assert counts == {"a": 2, "b": 1, "c": 1, "d": 0}
    # the given pairs are what is counted: without (a, b), a and b lose one each
    fewer = pairs.filter(pl.col("partner_b") != "b").lazy()
    card = scorecard(p.partners, facts=facts, policy=policy, conflict_pairs=fewer).collect()
    assert dict(card.select("partner_id", "conflict_partners").rows()) == {
        "a": 1,
        "b": 0,
        "c": 1,
        "d": 0,
    }


def test_analysis_conflicts_are_collected_with_the_scorecard_and_agree_with_it():
    a = analyze(_conflicting_portfolio(), as_of=AS_OF)
    assert "conflicts" not in ON_DEMAND
    assert "conflicts" not in a.on_demand
    assert a.conflicts.select("partner_a", "partner_b", "shared_accounts").rows() == [
        ("a", "b", 1),
        ("a", "c", 1),
    ]
    named = pl.concat([a.conflicts["partner_a"], a.conflicts["partner_b"]]).value_counts()
    per = dict(named.rows())
    card = dict(a.scorecard.select("partner_id", "conflict_partners").rows())
    assert card == {pid: per.get(pid, 0) for pid in card}
    # re-scored under another policy, the same frame is kept (it depends on the facts only)
    assert (
        a.with_policy(dataclasses.replace(a.policy, vital_threshold=0.5)).conflicts is a.conflicts
    )
