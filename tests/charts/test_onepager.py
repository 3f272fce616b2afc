from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from partnerkit.charts.onepager import compact, key_figures, partner_onepager
from partnerkit.charts.theme import RECOMMENDATION_COLORS

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
