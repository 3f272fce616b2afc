"""Spec tests of the per-topic charts: health, tiers, trend, reciprocity, overlap, lift."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from partnerkit.charts.health import health_breakdown_chart, health_drivers_chart
from partnerkit.charts.lift import GROUP_COLORS, lift_chart, lift_rows
from partnerkit.charts.overlap import OVERLAP_COLORS, overlap_chart
from partnerkit.charts.reciprocity import BALANCE_COLORS, reciprocity_chart
from partnerkit.charts.tiers import tier_audit_chart
from partnerkit.charts.trend import trend_chart


def data_of(spec: dict, part: dict | None = None) -> list[dict]:
    holder = spec if part is None or "data" not in part else part
    return spec["datasets"][holder["data"]["name"]]


# --- health ---------------------------------------------------------------------------------
EXPLAINED = pl.DataFrame(
    {
        "partner_id": ["a", "a", "a", "b", "b", "b"],
        "dimension": ["interest", "interest", "awareness"] * 2,
        "metric": ["sourced_pipeline", "reciprocity", "training"] * 2,
        "value": [10.0, 0.5, 3.0, 0.0, -0.2, 1.0],
        "percentile": [100.0, 60.0, 100.0, 0.0, 20.0, 0.0],
        "weight": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        # interest = mean of the two percentiles: a 80 = 50 + 30, b 10 = 0 + 10
        "contribution": [50.0, 30.0, 100.0, 0.0, 10.0, 0.0],
    }
)
NAMES = pl.DataFrame({"partner_id": ["a", "b"], "name": ["Acme", "Bolt"], "rank": [2, 1]})


def test_health_breakdown_stacks_contributions_per_partner_and_dimension():
    spec = health_breakdown_chart(EXPLAINED, scorecard=NAMES).to_dict()
    enc = spec["encoding"]
    assert spec["mark"]["type"] == "bar"
    assert enc["x"]["field"] == "contribution"
    assert enc["x"]["aggregate"] == "sum"
    assert enc["column"]["field"] == "dimension"
    assert enc["column"]["sort"] == ["interest", "awareness"]
    assert enc["color"]["field"] == "metric_label"
    # default order: best rank first, so Bolt (rank 1) before Acme
    assert enc["y"]["sort"] == ["Bolt", "Acme"]
    tips = {t["field"] for t in enc["tooltip"]}
    assert {"value", "percentile", "weight", "contribution"} <= tips
    rows = data_of(spec)
    assert {r["partner"] for r in rows} == {"Acme", "Bolt"}


def test_health_breakdown_for_chosen_partners_only():
    spec = health_breakdown_chart(EXPLAINED, partners=["a"]).to_dict()
    assert {r["partner_id"] for r in data_of(spec)} == {"a"}


def test_health_drivers_mean_points_per_metric_and_group() -> None:
    card = pl.DataFrame(
        {"partner_id": ["a", "b"], "vital": [True, False], "recommendation": ["keep", "exit"]}
    )
    chart = health_drivers_chart(EXPLAINED, scorecard=card)
    drivers = {(r["group"], r["metric"]): r for r in chart.data.iter_rows(named=True)}
    # a is the vital few, b is to exit: each group's mean is its one partner's points
    assert drivers["vital few", "sourced_pipeline"]["mean_contribution"] == 50.0
    assert drivers["exit", "sourced_pipeline"]["mean_contribution"] == 0.0
    assert drivers["vital few", "reciprocity"]["mean_contribution"] == 30.0
    assert drivers["exit", "training"]["partners"] == 1
    spec = chart.to_dict()
    assert spec["encoding"]["row"]["field"] == "dimension"


def test_health_needs_its_columns():
    with pytest.raises(ValueError, match="missing: contribution"):
        health_drivers_chart(EXPLAINED.drop("contribution"))


# --- tiers ----------------------------------------------------------------------------------
def test_tier_audit_counts_and_verdicts():
    card = pl.DataFrame(
        {
            "partner_id": list("abcdef"),
            "tier": ["gold", "gold", "gold", "silver", "silver", None],
            "implied_tier": ["gold", "silver", "silver", "gold", "silver", "silver"],
            "investment": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            "counted": [True, True, True, True, True, True],
        }
    )
    spec = tier_audit_chart(card, tiers=("gold", "silver")).to_dict()
    heat, text = spec["layer"]
    assert heat["mark"]["type"] == "rect"
    assert text["mark"]["type"] == "text"
    assert text["encoding"]["text"]["field"] == "partners"
    cells = {(r["tier"], r["implied_tier"]): r for r in data_of(spec)}
    # gold->silver twice (over-tiered, investment 20 + 30), silver->gold once (under-tiered)
    assert cells["gold", "silver"]["partners"] == 2
    assert cells["gold", "silver"]["verdict"] == "over-tiered"
    assert cells["gold", "silver"]["investment"] == 50.0
    assert cells["silver", "gold"]["verdict"] == "under-tiered"
    assert cells["gold", "gold"]["verdict"] == "as implied"
    assert cells["(none)", "silver"]["verdict"] == "no tier"
    assert heat["encoding"]["x"]["scale"]["domain"] == ["gold", "silver", "(none)"]
    assert spec["title"]["subtitle"].startswith("2 over-tiered, 1 under-tiered")


def test_tier_audit_leaves_out_uncounted():
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b"],
            "tier": ["gold", "gold"],
            "implied_tier": ["gold", "gold"],
            "counted": [True, False],
        }
    )
    spec = tier_audit_chart(card, tiers=("gold",)).to_dict()
    assert [r["partners"] for r in data_of(spec)] == [1]


# --- trend ----------------------------------------------------------------------------------
Q1, Q2, Q3 = dt.date(2025, 1, 1), dt.date(2025, 4, 1), dt.date(2025, 7, 1)
QUARTERLY = pl.DataFrame(
    {
        "partner_id": ["a", "a", "b", "c"],
        "quarter": [Q1, Q3, Q2, Q1],
        "value": [10.0, 30.0, 5.0, 7.0],
    }
)


def test_trend_small_multiples_fill_missing_quarters_with_zero():
    spec = trend_chart(QUARTERLY, partners=["b", "a"], value="value", label="won revenue").to_dict()
    assert spec["facet"]["field"] == "partner"
    assert spec["facet"]["sort"] == ["b", "a"]
    assert spec["columns"] == 4
    assert [layer["mark"]["type"] for layer in spec["spec"]["layer"]] == ["area", "line", "point"]
    assert spec["spec"]["layer"][1]["encoding"]["x"]["type"] == "temporal"
    rows = data_of(spec)
    got = {(r["partner_id"], r["quarter"][:10]): r["value"] for r in rows}
    # every chosen partner gets every quarter; absent quarters are 0
    assert got == {
        ("a", "2025-01-01"): 10.0,
        ("a", "2025-04-01"): 0.0,
        ("a", "2025-07-01"): 30.0,
        ("b", "2025-01-01"): 0.0,
        ("b", "2025-04-01"): 5.0,
        ("b", "2025-07-01"): 0.0,
    }
    assert spec["title"]["text"] == "Won revenue per quarter"


def test_trend_defaults_to_best_ranked_and_names():
    card = pl.DataFrame({"partner_id": ["a", "b", "c"], "name": ["A", "B", "C"], "rank": [3, 1, 2]})
    spec = trend_chart(QUARTERLY, scorecard=card, value="value", limit=2).to_dict()
    assert spec["facet"]["sort"] == ["B", "C"]
    assert "resolve" not in spec
    free = trend_chart(QUARTERLY, scorecard=card, value="value", shared_y=False).to_dict()
    assert free["resolve"]["scale"]["y"] == "independent"


# --- reciprocity ----------------------------------------------------------------------------
def test_reciprocity_diverging_bars_and_one_sided_rule():
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b", "c"],
            "name": ["Same", "Same", "Other"],
            "rank": [1, 2, 3],
            "reciprocity": [0.5, -0.8, 0.0],
            "our_effort_share": [0.2, 0.9, 0.5],
            "one_sided": [False, True, False],
        }
    )
    spec = reciprocity_chart(card, one_sided_share=0.7).to_dict()
    balance, effort = spec["hconcat"]
    bars = balance["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "reciprocity"
    assert bars["encoding"]["x2"] == {"datum": 0}
    assert effort["layer"][0]["encoding"]["x2"] == {"datum": 0.5}
    assert effort["layer"][2]["encoding"]["x"] == {"datum": 0.7}
    scale = bars["encoding"]["color"]["scale"]
    assert scale["domain"] == list(BALANCE_COLORS)
    rows = {r["partner_id"]: r for r in data_of(spec)}
    assert rows["a"]["referrals"] == "they give more"
    assert rows["b"]["referrals"] == "we give more"
    assert rows["b"]["effort"] == "we give more"
    assert rows["a"]["effort"] == "they give more"  # 0.2 < 1 - 0.7
    # duplicated names get the id appended so each row keeps its own bar
    assert rows["a"]["partner"] == "Same (a)"
    assert rows["c"]["partner"] == "Other"


def test_a_partner_one_sided_by_its_activities_is_drawn_by_them():
    """No hours to compare: the bar is our share of the activities, as one_sided judged it."""
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b", "c"],
            "name": ["A", "B", "C"],
            "rank": [1, 2, 3],
            "reciprocity": [None, None, None],
            "our_effort_share": [0.75, None, 0.4],
            "partner_initiated_share": [0.5, 0.1, 0.6],
            "one_sided": [True, True, False],
        },
        schema_overrides={"reciprocity": pl.Float64},
    )
    spec = reciprocity_chart(card, one_sided_share=0.7).to_dict()
    rows = [(r["partner_id"], r["our_effort_share"], r["measured_by"]) for r in data_of(spec)]
    assert rows == [("b", 0.9, "activities"), ("a", 0.75, "hours"), ("c", 0.4, "hours")]
    effort = spec["hconcat"][1]["layer"][0]["encoding"]["x"]
    assert effort["title"] == "Our share of the effort (hours, else activities)"
    hours_only = reciprocity_chart(card.drop("partner_initiated_share")).to_dict()
    assert hours_only["hconcat"][1]["layer"][0]["encoding"]["x"]["title"] == (
        "Our share of engagement hours"
    )


# --- overlap --------------------------------------------------------------------------------
def test_overlap_defaults_to_most_untapped():
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b", "c"],
            "name": ["A", "B", "C"],
            "overlap_accounts": [40, 10, 5],
            "cosell_potential": [20, 8, 2],
            "realized_overlap": [18, 0, 1],
            "untapped_overlap": [2, 8, 1],
        }
    )
    spec = overlap_chart(card, limit=2).to_dict()
    shared, parts = spec["layer"]
    assert shared["encoding"]["x"]["field"] == "overlap_accounts"
    assert shared["encoding"]["y"]["sort"] == ["B", "A"]
    assert parts["encoding"]["color"]["scale"]["domain"] == list(OVERLAP_COLORS)
    rows = data_of(spec, parts)
    assert sorted((r["partner"], r["part"], r["accounts"]) for r in rows) == [
        ("A", "untapped", 2),
        ("A", "worked", 18),
        ("B", "untapped", 8),
        ("B", "worked", 0),
    ]


def test_overlap_parts_add_up_to_the_potential_when_realized_exceeds_it():
    # 30 overlap accounts, 18 of them with a deal, but only 7 are co-sell potential and 5 of
    # those are untapped: the bar of the potential is 7 long, 2 worked + 5 untapped.
    card = pl.DataFrame(
        {
            "partner_id": ["a"],
            "name": ["A"],
            "overlap_accounts": [30],
            "cosell_potential": [7],
            "realized_overlap": [18],
            "untapped_overlap": [5],
        }
    )
    spec = overlap_chart(card).to_dict()
    rows = data_of(spec, spec["layer"][1])
    assert {r["part"]: r["accounts"] for r in rows} == {"worked": 2, "untapped": 5}
    shared = data_of(spec, spec["layer"][0])
    assert shared[0]["overlap_accounts"] == 30


# --- lift -----------------------------------------------------------------------------------
LIFT = pl.DataFrame(
    {
        "scope": ["portfolio", "portfolio", "p1"],
        "group": ["partner", "direct", "partner"],
        "n_closed": [400, 300, 4],
        "win_rate": [0.4, 0.3, 0.75],
        "win_rate_lo": [0.35, 0.25, None],
        "win_rate_hi": [0.45, 0.35, None],
        "mean_deal": [100.0, 80.0, 50.0],
        "mean_deal_lo": [90.0, 70.0, None],
        "mean_deal_hi": [110.0, 90.0, None],
        "days_to_close": [40.0, 60.0, 20.0],
        "enough": [True, True, False],
    }
)


def test_lift_points_with_error_bars_per_metric():
    spec = lift_chart(LIFT).to_dict()
    titles = [panel["title"]["text"] for panel in spec["vconcat"]]
    assert titles == ["Win rate", "Mean deal size", "Days to close (won)"]
    win = spec["vconcat"][0]
    rule, point, text = win["layer"]
    assert rule["mark"]["type"] == "rule"
    assert rule["encoding"]["x"]["field"] == "lo"
    assert rule["encoding"]["x2"]["field"] == "hi"
    assert point["encoding"]["color"]["scale"]["domain"] == list(GROUP_COLORS)
    assert point["encoding"]["x"]["axis"]["format"] == ".0%"
    assert text["encoding"]["text"]["field"] == "note"
    rows = data_of(spec, win)
    assert {(r["group"], r["value"], r["lo"], r["hi"]) for r in rows} == {
        ("partner", 0.4, 0.35, 0.45),
        ("direct", 0.3, 0.25, 0.35),
    }


def test_lift_for_a_partner_adds_the_direct_baseline_and_flags_small_samples():
    rows = lift_rows(LIFT, scope="p1").filter(pl.col("metric") == "Win rate")
    assert rows.select("group", "value", "enough", "note").rows() == [
        ("partner", 0.75, False, "n=4, below minimum"),
        ("direct", 0.3, True, "n=300"),
    ]
    spec = lift_chart(LIFT, scope="p1").to_dict()
    opacity = spec["vconcat"][0]["layer"][1]["encoding"]["opacity"]
    assert opacity["condition"]["value"] == 1.0
    assert opacity["value"] == 0.3


def test_lift_without_a_closed_deal_says_so_instead_of_empty_axes():
    empty = LIFT.with_columns(
        n_closed=pl.lit(0),
        **{m: pl.lit(None, pl.Float64) for m in ("win_rate", "mean_deal", "days_to_close")},
    )
    spec = lift_chart(empty, scope="p1").to_dict()
    (panel,) = spec["vconcat"]
    assert panel["mark"]["type"] == "text"
    assert data_of(spec, panel) == [{"note": "Nothing to draw: no deal of this scope closed in W."}]
    assert spec["title"]["subtitle"] == "scope p1"
