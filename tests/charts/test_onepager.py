from __future__ import annotations

import datetime as dt
import inspect
import json

import polars as pl
import pytest

from partnerkit.charts import onepager
from partnerkit.charts.onepager import compact, key_figures, partner_onepager
from partnerkit.charts.theme import RECOMMENDATION_COLORS
from partnerkit.decisions import Ledger
from partnerkit.decisions.recommend import REASONS
from partnerkit.facts import FactSettings, build_facts
from partnerkit.metrics.change import measure_changes_of, since_last_review
from partnerkit.policy import Policy
from partnerkit.window import Window

EVIL = "<script>alert(1)</script>"


def card(**extra: list) -> pl.DataFrame:
    base = {
        "partner_id": ["p1", "p2"],
        "name": [EVIL, "Plain"],
        "rank": [1, 2],
        "won_revenue": [1_250_000.0, 0.0],
        "win_rate": [0.25, None],
        "health": [71.6, 12.0],
        "tier": ["gold", "silver"],
        "implied_tier": ["platinum", None],
        "overlap_accounts": [12, 0],
        "cosell_potential": [6, 0],
        "realized_overlap": [2, 0],
        "untapped_overlap": [4, 0],
        "recommendation": ["exit", None],
        "reasons": [["DORMANT", "LOW_HEALTH"], None],
        "explanation": ["Exit: nothing won in the window.", None],
    }
    base.update(extra)
    return pl.DataFrame(base)


def texts(spec: dict) -> str:
    return json.dumps(spec)


def test_key_figures_are_formatted_text():
    row = card().row(0, named=True)
    grid = {label: shown for label, shown, _, _ in key_figures(row).rows()}
    assert grid["Won revenue"] == "1.25M"
    assert grid["Win rate"] == "25%"
    assert grid["Health"] == "72 / 100"
    assert grid["Pareto rank"] == "#1"
    assert grid["Tier (implied)"] == "gold → platinum"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "n/a"),
        (float("nan"), "n/a"),
        (0.0, "0"),
        (999.0, "999"),
        (1500.0, "1.5k"),
        (-2_000_000.0, "-2M"),
        (3.2e9, "3.2B"),
    ],
)
def test_compact(value, shown):
    assert compact(value) == shown


def test_onepager_panels_and_recommendation_colour():
    quarterly = pl.DataFrame(
        {
            "partner_id": ["p1", "p1"],
            "quarter": [dt.date(2025, 1, 1), dt.date(2025, 7, 1)],
            "value": [5.0, 7.0],
        }
    )
    explained = pl.DataFrame(
        {
            "partner_id": ["p1"],
            "dimension": ["interest"],
            "metric": ["reciprocity"],
            "value": [0.1],
            "percentile": [40.0],
            "weight": [1.0],
            "contribution": [40.0],
        }
    )
    spec = partner_onepager(
        card(),
        "p1",
        health_explained=explained,
        quarterly=quarterly,
        value="value",
        label="won revenue",
    ).to_dict()
    assert spec["title"]["text"] == EVIL  # drawn as text by Vega, never parsed as markup
    assert spec["title"]["subtitle"] == "id: p1"
    assert spec["resolve"]["scale"]["color"] == "independent"
    top, middle, health = spec["vconcat"]
    _, decision = top["hconcat"]
    word = decision["layer"][0]
    assert word["mark"]["color"] == RECOMMENDATION_COLORS["exit"]
    body = spec["datasets"][decision["data"]["name"]][0]["body"]
    # reason codes are shown with their meaning, then the explanation
    assert any(line.startswith("• ") for line in body)
    assert body[-1] == "Exit: nothing won in the window."
    trend, overlap = middle["hconcat"]
    assert trend["title"]["text"] == "Won revenue per quarter"
    trend_rows = spec["datasets"][trend["data"]["name"]]
    assert [r["value"] for r in trend_rows] == [5.0, 7.0]
    overlap_rows = spec["datasets"][overlap["data"]["name"]]
    # overlap accounts, with a deal, co-sell potential, untapped
    assert [r["accounts"] for r in overlap_rows] == [12, 2, 6, 4]
    assert health["encoding"]["x"]["aggregate"] == "sum"


def test_onepager_without_optional_inputs():
    spec = partner_onepager(card(), "p2").to_dict()
    assert len(spec["vconcat"]) == 2  # key figures + decision, overlap (no trend, no health)
    decision = spec["vconcat"][0]["hconcat"][1]
    assert decision["layer"][0]["mark"]["color"] == RECOMMENDATION_COLORS["unrated"]
    bare = partner_onepager(card().select("partner_id", "name"), "p2").to_dict()
    assert len(bare["vconcat"]) == 1


def test_onepager_unknown_partner():
    with pytest.raises(KeyError, match="nobody"):
        partner_onepager(card(), "nobody")


def test_overlap_panel_keeps_deals_under_overlap_and_untapped_under_potential():
    # realized (18) counts overlap accounts with a deal and may exceed the potential (7)
    row = {
        "overlap_accounts": [30],
        "cosell_potential": [7],
        "realized_overlap": [18],
        "untapped_overlap": [5],
    }
    spec = partner_onepager(card(**{k: v * 2 for k, v in row.items()}), "p2").to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "realized" not in text
    assert "… with a deal in the window" in text
    assert "… untapped (no deal yet)" in text
    order = text.index("overlap accounts"), text.index("… with a deal in the window")
    assert order[0] < order[1] < text.index("co-sell potential") < text.index("… untapped")


def test_key_figures_write_money_with_the_portfolio_currency():
    row = card().row(0, named=True)
    grid = {label: shown for label, shown, _, _ in key_figures(row, currency="EUR").rows()}
    assert grid["Won revenue"] == "EUR 1.25M"
    assert grid["Win rate"] == "25%"  # not money: no currency
    spec = partner_onepager(card(), "p1", currency="EUR").to_dict()
    assert "EUR 1.25M" in json.dumps(spec)


# --- reasons and change over time ----------------------------------------------------------


def decision_body(spec: dict) -> list[str]:
    decision = spec["vconcat"][0]["hconcat"][1]
    return spec["datasets"][decision["data"]["name"]][0]["body"]


def change_texts(spec: dict) -> list[str]:
    panel = next(p for p in spec["vconcat"] if p.get("title", {}).get("text") == "Change over time")
    return [cell["text"] for cell in spec["datasets"][panel["data"]["name"]]]


def test_reasons_are_written_in_the_decisions_own_wording():
    meanings = {r.code: r.meaning for r in REASONS}
    body = decision_body(partner_onepager(card(), "p1").to_dict())
    assert body[0] == f"• {meanings['DORMANT']}"[: len(body[0])]  # wrapped at the panel width
    assert "DORMANT" not in " ".join(body)
    # a caller may pass its own wording; an unknown code is shown as it is
    mine = decision_body(partner_onepager(card(), "p1", reasons={"DORMANT": "Asleep."}).to_dict())
    assert mine[:2] == ["• Asleep.", "• LOW_HEALTH"]


def test_onepager_takes_reason_wording_without_a_guarded_import():
    source = inspect.getsource(onepager)
    assert "ImportError" not in source
    assert {r.code: r.meaning for r in REASONS} == onepager.REASON_MEANINGS


def sample_changes() -> pl.DataFrame:
    # p1, as of 2025-09-30: Q3 2025 won 1,500 (2 won, 1 lost), Q2 2025 won 2,000 (1 won,
    # 2 lost), Q3 2024 nothing closed; 3 activities in Q3 2025, 1 in Q2, 0 a year before
    d = dt.date
    deals = pl.LazyFrame(
        {
            "partner_id": ["p1"] * 6 + ["p2"],
            "created_on": [d(2024, 1, 2)] * 7,
            "closed_on": [
                d(2025, 7, 1),
                d(2025, 9, 30),
                d(2025, 8, 15),
                d(2025, 6, 30),
                d(2025, 4, 1),
                d(2025, 5, 1),
                d(2025, 7, 7),
            ],
            "outcome": ["won", "won", "lost", "won", "lost", "lost", "won"],
            "amount": [1000.0, 500.0, 900.0, 2000.0, 10.0, 10.0, 7.0],
        }
    )
    activities = pl.LazyFrame(
        {
            "partner_id": ["p1"] * 4,
            "occurred_on": [d(2025, 7, 3), d(2025, 9, 1), d(2025, 9, 2), d(2025, 5, 5)],
        }
    )
    partners = pl.LazyFrame({"partner_id": ["p1", "p2"]})
    window = Window.ending(d(2025, 9, 30), months=12)
    tables = {"partners": partners, "deals": deals, "activities": activities}
    settings = FactSettings.from_policy(Policy(), window)
    facts = build_facts(tables, window=window, settings=settings).collect()
    return measure_changes_of(facts, partners=partners).collect()


def test_change_panel_shows_quarter_on_quarter_and_year_on_year():
    spec = partner_onepager(card(), "p1", changes=sample_changes(), currency="EUR").to_dict()
    cells = change_texts(spec)
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    assert rows == [
        ["", "Q3 2025", "vs Q2 2025", "vs Q3 2024"],
        # 1,500 - 2,000 = -500 (-25%); a year before nothing was won: +1,500, no ratio
        ["Won revenue", "EUR 1.5k", "-EUR 500 (-25%)", "+EUR 1.5k"],
        ["Won deals", "2", "+1 (+100%)", "+2"],
        # 2/3 against 1/3: +33 points; nothing closed a year before: no rate to compare
        ["Win rate", "67%", "+33 pts", "n/a"],
        ["Activities", "3", "+2 (+200%)", "+3"],
    ]
    # the change of another partner is not drawn on this page
    assert "EUR 7" not in json.dumps(spec)


def test_change_panel_left_out_without_changes():
    spec = partner_onepager(card(), "p1").to_dict()
    assert all(p.get("title", {}).get("text") != "Change over time" for p in spec["vconcat"])


def test_since_the_last_review_from_a_ledger_snapshot(tmp_path):
    now = card(health=[80.5, 12.0], state=["productive", "dormant"])
    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.record(
            "p1",
            "watch",
            "check again next quarter",
            who="analyst",
            as_of=dt.date(2025, 6, 30),
            policy=Policy(),
            metrics={"won_revenue": 1_000_000.0, "health": 60.0, "state": "active"},
        )
        current = ledger.current()
    review = since_last_review(
        now.lazy(), decisions=current.lazy(), numbers=["won_revenue", "health"], texts=["state"]
    ).collect()
    spec = partner_onepager(now, "p1", review=review, currency="EUR").to_dict()
    # won revenue 1.25M now against 1M then: +250k; health 80.5 against 60: +20.5
    assert change_texts(spec) == [
        "Since the review of 2025-06-30 (decided: watch):",
        "won revenue +EUR 250k (was EUR 1M)",
        "health +20.5 (was 60.0)",
        "state active → productive",
    ]
    never = partner_onepager(now, "p2", review=review).to_dict()
    assert change_texts(never) == [
        "Since the last review: no decision recorded for this partner yet."
    ]


def test_key_figures_write_the_effort_share_of_the_activities_without_hours():
    grid = key_figures({"our_effort_share": None, "partner_initiated_share": 0.1})
    assert grid.rows() == [("Our effort share", "90% of activities", 0, 0)]
