"""The full sentence, reasons and recommendation for hand-made partners, one per branch.

Default policy: exit at or below health 30, invest from 60, re-activation from 5 untapped
accounts, ramping for 270 days and on track from progress 25, review overdue beyond 120
days, fading at trend <= -0.3, collapse at a 50% fall year on year, active on a partner-side
signal within 91 days, value column ``won_revenue`` (label "won revenue").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.decisions.recommend import REASONS, _join_and, recommend
from partnerkit.policy import Policy

DORMANT: dict[str, Any] = {
    "state": "dormant",
    "won_revenue": 0.0,
    "share": 0.0,
    "health": None,
    "revenue_trend": None,
    "revenue_before": 0.0,
    "revenue_yoy": None,
    "untapped_overlap": 0,
}
ACTIVE: dict[str, Any] = {**DORMANT, "state": "active"}

# (overrides of the base partner, recommendation, reasons, explanation)
CASES: list[tuple[dict[str, Any], str | None, list[str], str]] = [
    # Vital, share unknown: no "(x of value)" part.
    ({"vital": True, "share": None}, "keep", ["VITAL"], "Keep: in the vital few."),
    # Vital with every warning. Trend -0.5: fall = 2 * 0.5 / 1.5 = 0.667 -> 67%; share 0.4
    # -> 40% (whole from 10%); 1,234,567.4 rounds to 1,234,567; the year before 2,469,134.8
    # (shown 2,469,135) is twice W: a fall of 50%; effort 0.82 -> 82%. No sponsor and no QBR
    # for 200 days are follow-up actions, not reasons.
    (
        {
            "vital": True,
            "share": 0.4,
            "won_revenue": 1_234_567.4,
            "revenue_trend": -0.5,
            "revenue_before": 2_469_134.8,
            "revenue_yoy": -0.5,
            "one_sided": True,
            "our_effort_share": 0.82,
            "conflict_partners": 2,
            "ephemeral_incentives": 1,
            "sponsor_present": False,
            "days_since_qbr": 200,
            "health": 20.0,
            "tier": "gold",
            "implied_tier": "silver",
            "tier_gap": 1,
        },
        "watch",
        [
            "VITAL",
            "FADING_TREND",
            "COLLAPSED_YOY",
            "ONE_SIDED",
            "CHANNEL_CONFLICT",
            "EPHEMERAL_INCENTIVE",
            "OVER_TIERED",
            "LOW_HEALTH",
        ],
        (
            "Watch: in the vital few (40% of won revenue, 1,234,567) but revenue fell 67% half on"
            " half, won revenue fell 50% against the year before (2,469,135), we put in 82% of"
            " the engagement hours, in channel conflict with 2 partners, an incentive's lift"
            " did not last after it, health 20 (at or below 30) and over-tiered (gold performing"
            " like silver)."
        ),
    ),
    # Re-activation (7 >= 5) with a warning after "; also".
    (
        {**DORMANT, "untapped_overlap": 7, "one_sided": True, "our_effort_share": 0.9},
        "invest",
        ["ONE_SIDED", "DORMANT", "REACTIVATE_UNTAPPED_OVERLAP"],
        (
            "Invest: no material results but 7 untapped co-sell accounts (re-activation from 5);"
            " also we put in 90% of the engagement hours."
        ),
    ),
    # Ramping and stalled, tenure and progress unknown: just "ramping", progress "unknown";
    # dormant, so silent too.
    (
        {**DORMANT, "stage": "ramping", "tenure_days": None, "progress": None},
        "watch",
        ["DORMANT", "RAMPING_STALLED"],
        (
            "Watch: ramping with progress unknown below 25 and no sign of life from the partner"
            " in 91 days: stalled, not exited while ramping."
        ),
    ),
    # Ramping, progress 12 below 25 but already producing: on track, kept.
    (
        {
            "stage": "ramping",
            "tenure_days": 120,
            "progress": 12.0,
            "share": 0.011,
            "won_revenue": 60_000.0,
        },
        "keep",
        ["RAMPING_ON_TRACK"],
        (
            "Keep: ramping (120 of 270 days) and already producing 1.1% of won revenue (60,000):"
            " on track whatever its progress score (12)."
        ),
    ),
    # Ramping for 10 days, nothing done yet (dormant, progress 0, health 20): too early to
    # judge, kept; low health is a warning after "but".
    (
        {**DORMANT, "stage": "ramping", "tenure_days": 10, "progress": 0.0, "health": 20.0},
        "keep",
        ["LOW_HEALTH", "DORMANT", "RAMPING_EARLY"],
        (
            "Keep: ramping (10 of 270 days), signed less than 91 days ago: too early to judge"
            " (progress 0, on track from 25) but health 20 (at or below 30)."
        ),
    ),
    # Productive, healthy, but silent since its last win: watched, not invested in.
    (
        {
            "health": 72.0,
            "share": 0.123,
            "won_revenue": 98_765.4,
            "silent": True,
            "last_win_on": dt.date(2025, 3, 1),
        },
        "watch",
        ["SILENT", "HIGH_HEALTH"],
        (
            "Watch: producing 12% of won revenue (98,765), health 72 but no sign of life from"
            " the partner in 91 days (its latest win closed on 2025-03-01)."
        ),
    ),
    # Productive with low health: watched, and health is said once, as the warning.
    (
        {"health": 25.0},
        "watch",
        ["LOW_HEALTH"],
        "Watch: producing 5% of won revenue (10,000) but health 25 (at or below 30).",
    ),
    # Productive, health 59.6 below 60: one decimal, never "60" beside "invest from 60".
    (
        {"health": 59.6},
        "keep",
        ["PRODUCTIVE_HEALTHY"],
        "Keep: producing 5% of won revenue (10,000), health 59.6.",
    ),
    # Ramping on track (progress 40 >= 25); low health (5 <= 30) is a warning after "but".
    (
        {**ACTIVE, "stage": "ramping", "tenure_days": 100, "health": 5.0, "progress": 40.0},
        "keep",
        ["LOW_HEALTH", "NO_RESULTS", "RAMPING_ON_TRACK"],
        (
            "Keep: ramping (100 of 270 days) with progress 40 (on track from 25), judged on"
            " progress rather than revenue but health 5 (at or below 30)."
        ),
    ),
    # Vital and ramping: the vital rule decides, and the reason table's ramping code holds.
    (
        {"vital": True, "stage": "ramping", "tenure_days": 120, "progress": 50.0},
        "keep",
        ["VITAL", "RAMPING_ON_TRACK"],
        "Keep: in the vital few (5% of won revenue, 10,000).",
    ),
    # Ramping, progress 24.51 below 25: one decimal, never "progress 25 below 25".
    (
        {**ACTIVE, "stage": "ramping", "tenure_days": 200, "health": 45.0, "progress": 24.51},
        "watch",
        ["NO_RESULTS", "RAMPING_STALLED"],
        (
            "Watch: ramping (200 of 270 days) with progress 24.5 below 25: stalled, not exited"
            " while ramping."
        ),
    ),
    # Dormant, health 64.6 >= 60 and effort not one-sided: watched; shown as 65.
    (
        {**DORMANT, "health": 64.6},
        "watch",
        ["HIGH_HEALTH", "DORMANT"],
        "Watch: no sign of life from the partner in 91 days, but health 65 is at or above 60.",
    ),
    # Dormant, health 12.6: exit; 12.6 is shown as 13.
    (
        {**DORMANT, "health": 12.6},
        "exit",
        ["LOW_HEALTH", "DORMANT"],
        "Exit: no sign of life from the partner in 91 days and no material results, health 13.",
    ),
    # Dormant with open deals: every one of them is stale (a live one is a sign of life).
    (
        {**DORMANT, "health": 12.6, "open_deals": 25, "open_pipeline": 724_898.0},
        "exit",
        ["LOW_HEALTH", "DORMANT"],
        (
            "Exit: no sign of life from the partner in 91 days and no material results, health"
            " 13; its 25 open deals (724,898) are stale: none expected to close within 91 days"
            " before as_of or later."
        ),
    ),
    # Active without results, health 30.4 above 30: one decimal, never "30" beside an exit
    # "at or below 30".
    (
        {**ACTIVE, "health": 30.4},
        "watch",
        ["NO_RESULTS"],
        "Watch: signs of life but no material results in the window, health 30.4.",
    ),
    # Active with a trivial win (12 is not material), health exactly 30: exit; one-sided with
    # unknown effort share.
    (
        {
            **ACTIVE,
            "won_revenue": 12.0,
            "health": 30.0,
            "one_sided": True,
            "our_effort_share": None,
        },
        "exit",
        ["ONE_SIDED", "LOW_HEALTH", "NO_RESULTS", "TRIVIAL_RESULTS"],
        (
            "Exit: signs of life but no material results in the window and health 30 (exit at or"
            " below 30); also effort is one-sided."
        ),
    ),
    # Active without results, health 31.2 > 30: watched.
    (
        {**ACTIVE, "health": 31.2},
        "watch",
        ["NO_RESULTS"],
        "Watch: signs of life but no material results in the window, health 31.",
    ),
    # Active without results, health unknown: no health note.
    (
        {**ACTIVE, "health": None},
        "watch",
        ["NO_RESULTS"],
        "Watch: signs of life but no material results in the window.",
    ),
    # Productive, health 72 >= 60, not over-tiered: invest; share 0.123 -> 12%.
    (
        {"health": 72.0, "share": 0.123, "won_revenue": 98_765.4},
        "invest",
        ["HIGH_HEALTH", "PRODUCTIVE_HEALTHY"],
        "Invest: producing 12% of won revenue (98,765) with health 72 (invest from 60).",
    ),
    # Productive, healthy but over-tiered: kept; share unknown -> "producing results".
    (
        {"health": 80.0, "share": None, "tier": "gold", "implied_tier": "silver", "tier_gap": 1},
        "keep",
        ["OVER_TIERED", "HIGH_HEALTH", "PRODUCTIVE_HEALTHY"],
        "Keep: producing results, health 80 but over-tiered (gold performing like silver).",
    ),
    # Productive, healthy, but an incentive's lift did not last: kept, not invested in.
    (
        {"health": 80.0, "ephemeral_incentives": 1},
        "keep",
        ["EPHEMERAL_INCENTIVE", "HIGH_HEALTH", "PRODUCTIVE_HEALTHY"],
        (
            "Keep: producing 5% of won revenue (10,000), health 80 but an incentive's lift did"
            " not last after it."
        ),
    ),
    # Productive and fading at exactly -0.3 (flat on the year): fall = 0.6 / 1.3 = 0.4615 ->
    # 46%; share 0.043 -> 4.3% (one decimal below 10%).
    (
        {"revenue_trend": -0.3, "share": 0.043, "won_revenue": 4_300.0, "revenue_before": 4_300.0},
        "watch",
        ["FADING_TREND"],
        (
            "Watch: producing 4.3% of won revenue (4,300), health 50 but revenue fell 46% half on"
            " half."
        ),
    ),
    # Productive, collapsed year on year: 10,000 against 40,000 is a fall of 75% >= 50%.
    (
        {"revenue_before": 40_000.0, "revenue_yoy": -0.75},
        "watch",
        ["COLLAPSED_YOY"],
        (
            "Watch: producing 5% of won revenue (10,000), health 50 but won revenue fell 75%"
            " against the year before (40,000)."
        ),
    ),
    # Not counted, status unknown.
    (
        {"counted": False, "status": None},
        None,
        ["NOT_COUNTED"],
        "No recommendation: no status given, so not counted in the portfolio.",
    ),
    # No state at all and no flag: no rule matches, no reason holds.
    ({"state": None}, "watch", [], "Watch: not enough data to classify."),
]


def test_follow_up_sentence_lists_every_action_in_order(make_scorecard):
    row = {
        "sponsor_present": False,
        "days_since_qbr": 200,
        "one_sided": True,
        "our_effort_share": 0.82,
        "conflict_partners": 2,
    }
    out = recommend(make_scorecard(row).lazy(), policy=Policy()).collect().row(0, named=True)
    assert out["recommendation"] == "watch"  # one-sided is a warning sign of its own
    assert out["actions"] == [
        "SCHEDULE_QBR",
        "NAME_SPONSOR",
        "REBALANCE_EFFORT",
        "RESOLVE_CONFLICT",
    ]
    assert out["follow_up"] == (
        "Schedule a QBR (none for 200 days), name an executive sponsor, rebalance effort (we put"
        " in 82% of the hours) and resolve the channel conflict with 2 partners on shared"
        " accounts."
    )


@pytest.mark.parametrize(("row", "recommendation", "reasons", "explanation"), CASES)
def test_sentence_for_each_branch(make_scorecard, row, recommendation, reasons, explanation):
    out = recommend(make_scorecard(row).lazy(), policy=Policy()).collect().row(0, named=True)
    assert out["recommendation"] == recommendation
    assert out["reasons"] == reasons
    assert out["explanation"] == explanation


def test_keep_cap_sentence_with_an_unranked_partner(make_scorecard):
    # Two keepers, cap 1: the ranked one stays, the unranked one (ranked last) is watched.
    frame = make_scorecard({"rank": 1}, {"rank": None})
    out = recommend(frame.lazy(), policy=replace(Policy(), max_keep=1)).collect()
    assert out["recommendation"].to_list() == ["keep", "watch"]
    assert out["reasons"][1].to_list() == ["PRODUCTIVE_HEALTHY", "KEEP_CAP_REACHED"]
    assert out["explanation"][1] == (
        "Watch: producing 5% of won revenue (10,000), health 50; the cap of 1 kept partner"
        " is reached (unranked)."
    )


def test_cases_cover_every_reason_and_recommendation():
    codes = {code for _, _, reasons, _ in CASES for code in reasons} | {"KEEP_CAP_REACHED"}
    assert codes == {r.code for r in REASONS}
    assert {rec for _, rec, _, _ in CASES} == {"keep", "invest", "watch", "exit", None}


def test_lazy_output_matches_eager_row_order_on_a_mixed_frame(make_scorecard):
    # The same partners in one frame give the same sentences as one at a time.
    rows = [row for row, *_ in CASES]
    out = recommend(make_scorecard(*rows).lazy(), policy=Policy()).collect()
    assert out["explanation"].to_list() == [explanation for *_, explanation in CASES]
    assert out["reasons"].to_list() == [reasons for _, _, reasons, _ in CASES]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["a", "b c", "d, e"])), min_size=1, max_size=6)
)
def test_join_and_reads_like_a_list(parts):
    present = [p for p in parts if p is not None]
    if not present:
        expected = None
    elif len(present) == 1:
        expected = present[0]
    else:
        expected = ", ".join(present[:-1]) + " and " + present[-1]
    frame = pl.DataFrame({f"c{i}": pl.Series([p], dtype=pl.String) for i, p in enumerate(parts)})
    got = frame.select(x=_join_and([pl.col(name) for name in frame.columns]))["x"].item()
    assert got == expected


def test_ranked_on_another_value_the_sentence_still_gives_won_revenue(make_scorecard):
    # ranked on won deals, a partner with 1 deal of 1,000,000 and one with 9 deals of 10
    # each: the share is of won deals, and the won revenue that makes a partner productive
    # is said beside it
    policy = replace(Policy(), pareto_value="won_deals")
    card = make_scorecard(
        {"share": 0.091, "won_deals": 1, "won_revenue": 1_000_000.0, "health": 83.0},
        {"vital": True, "share": 0.82, "won_deals": 9, "won_revenue": 90.0},
    )
    out = recommend(card.lazy(), policy=policy).collect()["explanation"].to_list()
    assert out == [
        (
            "Invest: producing 9.1% of won deals (1; won revenue 1,000,000) with health 83"
            " (invest from 60)."
        ),
        "Keep: in the vital few (82% of won deals, 9; won revenue 90).",
    ]


def test_a_shorter_lookback_names_the_span_compared(make_scorecard):
    # revenue_before covers as many days just before W: with 6 months, not "the year before"
    policy = replace(Policy(), lookback_months=6)
    card = make_scorecard({"revenue_before": 40_000.0, "revenue_yoy": -0.75})
    out = recommend(card.lazy(), policy=policy).collect()["explanation"].item()
    assert out.endswith("won revenue fell 75% against the 6 months before (40,000).")
