from __future__ import annotations

import json

import polars as pl
import pytest

from partnerkit.charts.binning import density_grid
from partnerkit.charts.quadrant import quadrant_chart, symlog_ticks
from partnerkit.charts.theme import RECOMMENDATION_COLORS

CARD = pl.DataFrame(
    {
        "partner_id": ["a", "b", "c", "d", "e"],
        "name": ["A", "B", "C", "D", "E"],
        "rank": [1, 2, 3, 4, None],
        "won_revenue": [900.0, 50.0, 0.0, 0.0, 0.0],
        "untapped_overlap": [1, 0, 30, 2, 99],
        "health": [80.0, 40.0, 65.0, 10.0, None],
        "recommendation": ["keep", "watch", "invest", "exit", None],
        "reasons": [["VITAL"], ["FADING_TREND"], ["DORMANT_OVERLAP"], ["DORMANT"], None],
        "explanation": ["top", "fading", "re-activate", "dormant", None],
    }
)


def points_layer(spec: dict) -> dict:
    return spec["layer"][-1]


def test_colour_scale_is_the_fixed_recommendation_mapping():
    spec = quadrant_chart(CARD).to_dict()
    colour = points_layer(spec)["encoding"]["color"]
    assert colour["field"] == "recommendation"
    assert colour["scale"]["domain"] == ["keep", "invest", "watch", "exit"]
    assert colour["scale"]["range"] == [RECOMMENDATION_COLORS[r] for r in colour["scale"]["domain"]]


def test_points_carry_explanatory_tooltips_and_leave_out_unranked():
    spec = quadrant_chart(CARD).to_dict()
    layer = points_layer(spec)
    tips = {t["field"]: t.get("title") for t in layer["encoding"]["tooltip"]}
    assert {"name", "recommendation", "won_revenue", "untapped_overlap"} <= tips.keys()
    assert {"reasons_text", "explanation", "health"} <= tips.keys()
    rows = spec["datasets"][layer["data"]["name"]]
    assert sorted(r["partner_id"] for r in rows) == ["a", "b", "c", "d"]  # e has no rank
    reasons = {r["partner_id"]: r["reasons_text"] for r in rows}
    assert reasons["c"] == "DORMANT_OVERLAP"
    assert layer["encoding"]["x"]["scale"]["type"] == "symlog"


def test_median_rules():
    spec = quadrant_chart(CARD).to_dict()
    medians = spec["layer"][0]
    assert [m["mark"]["type"] for m in medians["layer"]] == ["rule", "rule"]
    data = spec["datasets"][medians["data"]["name"]][0]
    # ranked partners' revenue 900, 50, 0, 0 -> median 25; untapped 1, 0, 30, 2 -> 1.5
    assert data == {"mx": 25.0, "my": 1.5}


def test_health_axis_is_linear_and_unrated_partners_get_grey():
    card = CARD.drop("recommendation")
    spec = quadrant_chart(card, y="health").to_dict()
    layer = points_layer(spec)
    assert "type" not in layer["encoding"]["y"]["scale"]
    colour = layer["encoding"]["color"]["scale"]
    assert colour["domain"][-1] == "unrated"
    assert colour["range"][-1] == RECOMMENDATION_COLORS["unrated"]


def test_top_points_and_density_of_the_rest(syn):
    card = syn.scorecard(3_000)
    spec = quadrant_chart(card, top=100, bins=10).to_dict()
    density, points = spec["layer"][0], spec["layer"][-1]
    assert density["mark"]["type"] == "rect"
    cells = spec["datasets"][density["data"]["name"]]
    dots = spec["datasets"][points["data"]["name"]]
    assert len(dots) <= 2 * 100  # the top 100, and up to 100 partners of crowds spread out
    assert len(cells) <= 10 * 10
    assert len(dots) + sum(c["partners"] for c in cells) == 3_000
    # the 50 largest by value are all drawn as points
    top_ids = set(card.sort("won_revenue", descending=True).head(50)["partner_id"])
    assert top_ids <= {d["partner_id"] for d in dots}
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_density_grid_counts_and_edges():
    frame = pl.DataFrame({"a": [0.0, 0.0, 50.0, 99.0], "b": [1.0, 1.0, 1.0, 1.0]})
    grid = density_grid(frame, x="a", y="b", bins=2)
    assert grid["partners"].sum() == 4
    # symlog(99) = ln(100); two bins split at ln(100)/2 = ln(10), i.e. at value 9:
    # 0 and 0 fall below, 50 and 99 above
    assert grid["x_lo"].min() == pytest.approx(0.0)
    assert grid["x_hi"].max() == pytest.approx(99.0)
    assert sorted(grid["partners"].to_list()) == [2, 2]


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (None, [0.0, 1.0]),
        (0.5, [0.0, 1.0]),
        (7.0, [0.0, 1.0, 2.0, 5.0]),
        (250.0, [0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0]),
        (5e6, [0.0, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6]),
    ],
)
def test_symlog_ticks(top, expected):
    assert symlog_ticks(top) == expected


def test_axes_name_the_column_and_its_unit():
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b"],
            "name": ["A", "B"],
            "rank": [1, 2],
            "won_revenue": [5.0, 1.0],
            "health": [70.0, 20.0],
            "untapped_overlap": [3, 0],
        }
    )
    health = quadrant_chart(card, y="health").to_dict()
    dots = health["layer"][-1]["encoding"]
    assert dots["y"]["title"] == "Health (score 0-100)"
    assert dots["x"]["title"] == "Won revenue"
    assert health["title"]["text"] == "Won revenue vs health"
    overlap = quadrant_chart(card).to_dict()["layer"][-1]["encoding"]
    assert overlap["y"]["title"] == "Untapped overlap (accounts)"
    assert "potential)" not in json.dumps(health)
