"""The full sentence, reasons and recommendation for hand-made partners, one per branch.

Default policy: exit at or below health 30, invest from 60, re-activation from 5 untapped
accounts, ramping for 270 days, review overdue beyond 120 days, fading at trend <= -0.3,
value column ``won_revenue`` (label "won revenue").
"""

from __future__ import annotations

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
    "untapped_overlap": 0,
}

# (overrides of the base partner, recommendation, reasons, explanation)
CASES: list[tuple[dict[str, Any], str | None, list[str], str]] = [
    # Vital, share unknown: no "(x of value)" part.
    ({"vital": True, "share": None}, "keep", ["VITAL"], "Keep: in the vital few."),
    # Vital with every warning. Trend -0.5: fall = 2 * 0.5 / 1.5 = 0.667 -> 67%; share 0.4
    # -> 40% (whole from 10%); 1,234,567.4 rounds to 1,234,567; effort 0.82 -> 82%.
    (
        {
            "vital": True,
            "share": 0.4,
            "won_revenue": 1_234_567.4,
            "revenue_trend": -0.5,
            "one_sided": True,
            "our_effort_share": 0.82,
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
            "ONE_SIDED",
            "NO_SPONSOR",
            "REVIEW_OVERDUE",
            "OVER_TIERED",
            "LOW_HEALTH",
        ],
        (
            "Watch: in the vital few (40% of won revenue, 1,234,567) but revenue fell 67% half on"
            " half, we put in 82% of the engagement hours, no executive sponsor, no QBR for 200"
            " days, health 20 (at or below 30) and over-tiered (gold performing like silver)."
        ),
    ),
    # Re-activation (7 >= 5) with two warnings after "; also", joined by "and".
    (
        {**DORMANT, "untapped_overlap": 7, "sponsor_present": False, "days_since_qbr": 150},
        "invest",
        ["NO_SPONSOR", "REVIEW_OVERDUE", "DORMANT", "REACTIVATE_UNTAPPED_OVERLAP"],
        (
            "Invest: dormant in the window but 7 untapped co-sell accounts (re-activation from 5);"
            " also no executive sponsor and no QBR for 150 days."
        ),
    ),
    # Ramping and stalled, tenure unknown: just "ramping".
    (
        {**DORMANT, "stage": "ramping", "tenure_days": None},
        "watch",
        ["DORMANT", "RAMPING_STALLED"],
        "Watch: ramping with no activity or results yet, not exited while ramping.",
    ),
    # Ramping on track; low health (5 <= 30) is a warning after "but" on this good-news branch.
    (
        {"stage": "ramping", "tenure_days": 100, "state": "active", "health": 5.0},
        "keep",
        ["LOW_HEALTH", "NO_RESULTS", "RAMPING_ON_TRACK"],
        (
            "Keep: ramping (100 of 270 days) and active, judged on progress rather than revenue"
            " but health 5 (at or below 30)."
        ),
    ),
    # Dormant, health 45.4 > 30: watched; 45.4 is shown as 45.
    (
        {**DORMANT, "health": 45.4},
        "watch",
        ["DORMANT"],
        "Watch: no won deals, new deals or activity in the window, but health 45 is above 30.",
    ),
    # Dormant, health 12.6 <= 30: exit; 12.6 is shown as 13.
    (
        {**DORMANT, "health": 12.6},
        "exit",
        ["LOW_HEALTH", "DORMANT"],
        "Exit: no won deals, new deals or activity in the window, health 13.",
    ),
    # Active without results, health exactly 30: exit; one-sided with unknown effort share.
    (
        {"state": "active", "health": 30.0, "one_sided": True, "our_effort_share": None},
        "exit",
        ["ONE_SIDED", "LOW_HEALTH", "NO_RESULTS"],
        (
            "Exit: activity but no won deals in the window and health 30 (exit at or below 30);"
            " also effort is one-sided."
        ),
    ),
    # Active without results, health 31.2 > 30: watched.
    (
        {"state": "active", "health": 31.2},
        "watch",
        ["NO_RESULTS"],
        "Watch: activity but no won deals in the window, health 31.",
    ),
    # Active without results, health unknown: no health note.
    (
        {"state": "active", "health": None},
        "watch",
        ["NO_RESULTS"],
        "Watch: activity but no won deals in the window.",
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
    # Productive and fading at exactly -0.3: fall = 0.6 / 1.3 = 0.4615 -> 46%; share 0.043
    # -> 4.3% (one decimal below 10%).
    (
        {"revenue_trend": -0.3, "share": 0.043, "won_revenue": 4_300.0},
        "watch",
        ["FADING_TREND"],
        (
            "Watch: producing 4.3% of won revenue (4,300), health 50 but revenue fell 46% half on"
            " half."
        ),
    ),
    # Not counted, status unknown.
    (
        {"counted": False, "status": None},
        None,
        ["NOT_COUNTED"],
        "No recommendation: status not counted is not counted in the portfolio.",
    ),
    # No state at all and no flag: no rule matches, no reason holds.
    ({"state": None}, "watch", [], "Watch: not enough data to classify."),
]


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
        "Watch: producing 5.0% of won revenue (10,000), health 50; the cap of 1 kept partners"
        " is reached (rank unranked)."
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
