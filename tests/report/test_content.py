"""The report's content: hand-worked figures on a five-partner scorecard, no rendering."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from partnerkit.report import content

CARD = pl.DataFrame(
    {
        "partner_id": ["p1", "p2", "p3", "p4", "p5"],
        "name": ["Alpha", "Beta", "Gamma", "Delta", "Eps"],
        "rank": [1, 2, 3, 4, None],
        "tier": ["gold", "gold", "silver", "silver", None],
        "implied_tier": ["gold", "silver", "silver", "registered", None],
        "won_revenue": [6000.0, 3000.0, 1000.0, 0.0, None],
        "win_rate": [0.75, 0.5, 0.043, None, None],
        "revenue_trend": [0.2, -0.5, 0.0, None, None],
        "recommendation": ["keep", "exit", "invest", "exit", None],
        "reasons": [
            ["VITAL", "HIGH_HEALTH"],
            ["VITAL", "FADING_TREND", "LOW_HEALTH"],
            ["HIGH_HEALTH"],
            ["DORMANT", "LOW_HEALTH"],
            ["NOT_COUNTED"],
        ],
        "explanation": ["Keep: a.", "Exit: b.", "Invest: c.", "Exit: d.", None],
    }
)
CONCENTRATION = {
    "partners": 4,
    "total_value": 10000.0,
    "vital_count": 2,
    "vital_share": 0.5,
    "top20_share": 0.6,
    "zero_value_share": 0.25,
    "gini": 0.4567,
    "denominator": "active",
}


def test_the_unrated_are_told_apart_by_status_and_by_a_signing_after_as_of():
    card = CARD.with_columns(
        status=pl.Series(["active"] * 3 + ["prospect", "active"]),
        signed_on=pl.Series([None] * 4 + [dt.date(2026, 3, 1)], dtype=pl.Date),
        recommendation=pl.Series(["keep", "exit", "invest", None, None]),
    )
    figures = {
        f.label: f.value
        for f in content.summary_figures(
            card,
            CONCENTRATION,
            value="won_revenue",
            denominator="active",
            currency="CHF",
            as_of=dt.date(2026, 1, 31),
        )
    }
    assert figures["Rated"] == "3 (2 not rated: 1 prospect, 1 signed after as_of)"


def test_summary_names_each_count_and_they_add_up():
    figures = {
        f.label: f.value
        for f in content.summary_figures(
            CARD, CONCENTRATION, value="won_revenue", denominator="active", currency="CHF"
        )
    }
    assert figures["Partners listed"] == "5"
    assert figures["Rated"] == "4 (1 not rated: status not given)"  # CARD has no status
    assert figures["In the denominator"] == "4 (active)"
    assert figures["Total won revenue"] == "CHF 10,000"
    assert figures["Vital few"] == "2 partners (50%)"
    assert figures["Top 20% produce"] == "60% (top 0.8 of 4, on the curve)"
    assert figures["Zero-value partners"] == "25%"
    assert figures["Gini"] == "0.46"
    counts = content.recommendation_counts(CARD)
    assert [(rec, n) for rec, _, n in counts] == [
        ("keep", 1),
        ("invest", 1),
        ("watch", 0),
        ("exit", 2),
    ]
    assert sum(n for _, _, n in counts) == 4  # the rated partners


def test_groups_say_each_reason_once_with_its_count():
    groups = {
        g.recommendation: g
        for g in content.recommendation_groups(CARD, value="won_revenue", currency="CHF")
    }
    exits = groups["exit"]
    assert exits.count == 2
    # LOW_HEALTH applies to both exits, the others to one each (ties by code)
    assert [(r.code, r.partners) for r in exits.reasons] == [
        ("LOW_HEALTH", 2),
        ("DORMANT", 1),
        ("FADING_TREND", 1),
        ("VITAL", 1),
    ]
    assert [row.partner_id for row in exits.rows] == ["p2", "p4"]  # best-ranked first
    assert exits.rows[0].reasons == "vital, fading trend, low health"
    assert exits.rows[0].value == "CHF 3,000"
    assert exits.rows[1].value == "CHF 0"
    assert groups["watch"].count == 0
    assert groups["watch"].rows == ()
    short = content.recommendation_groups(CARD, value="won_revenue", currency=None, rows=1)
    assert {g.recommendation: g.more for g in short} == {
        "keep": 0,
        "invest": 0,
        "watch": 0,
        "exit": 1,
    }


def test_scorecard_table_names_the_currency_once_in_the_header():
    table, more = content.scorecard_table(CARD, currency="CHF", rows=4)
    assert more == 1
    assert table.headers == (
        "Rank",
        "Partner",
        "ID",
        "Tier",
        "Implied",
        "Won revenue (CHF)",
        "Win rate",
        "Trend",
        "Recommendation",
    )
    assert table.rows[0] == ("1", "Alpha", "p1", "gold", "gold", "6,000", "75%", "+0.20", "keep")
    assert table.rows[2][6] == "4.3%"  # below 10%: one decimal
    assert table.rows[3][5:8] == ("0", "n/a", "n/a")
    assert table.badge_column == 8
    everyone, _ = content.scorecard_table(CARD, currency=None)
    assert everyone.rows[-1][-1] == "unrated"  # the unranked partner comes last, unrated
    assert "Won revenue" in everyone.headers


def test_partners_needing_a_decision_are_exits_then_investments():
    assert content.decision_partners(CARD, limit=10) == ["p2", "p4", "p3"]
    assert content.decision_partners(CARD, limit=1) == ["p2"]
    assert content.decision_partners(CARD.drop("recommendation"), limit=10) == []


def test_partner_page_figures_and_reasons():
    page = content.partner_page(CARD, "p2", anchor="partner-1", currency="CHF")
    figures = {f.label: f.value for f in page.figures}
    assert figures["Won revenue"] == "CHF 3,000"
    assert figures["Win rate"] == "50%"
    assert figures["Revenue trend"] == "-0.50"
    assert figures["Tier (implied)"] == "gold → silver"
    assert page.recommendation == "exit"
    assert [r.code for r in page.reasons] == ["FADING_TREND", "LOW_HEALTH", "VITAL"]
    assert page.explanation == "Exit: b."
    assert page.subtitle == "tier gold"
    with pytest.raises(KeyError, match="nobody"):
        content.partner_page(CARD, "nobody", anchor="x", currency=None)


def test_page_meta_without_a_currency_says_so():
    meta = content.page_meta(
        as_of=dt.date(2026, 1, 31), window_start=dt.date(2025, 1, 31), currency=None, policy="f"
    )
    assert meta.window == "2025-02-01 to 2026-01-31"
    assert "amounts in the portfolio's currency (not named in the data)" in meta.line


def test_the_vital_few_say_what_they_hold_against_the_threshold():
    held = {**CONCENTRATION, "vital_value_share": 0.85}
    figures = {
        f.label: f.value
        for f in content.summary_figures(
            CARD, held, value="won_revenue", denominator="active", currency="CHF"
        )
    }
    assert figures["Vital few"] == "2 partners (50%) hold 85%"


def test_the_effort_share_figure_falls_back_to_the_activities():
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b"],
            "name": ["A", "B"],
            "our_effort_share": [0.8, None],
            "partner_initiated_share": [0.5, 0.1],
        }
    )
    pages = {pid: content.partner_page(card, pid, anchor=pid, currency=None) for pid in "ab"}
    shown = {
        pid: {f.label: f.value for f in page.figures}["Our effort share"]
        for pid, page in pages.items()
    }
    assert shown == {"a": "80%", "b": "90% of activities"}
