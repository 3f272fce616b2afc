"""Partners sharing one point of the quadrant are spread out, counted and named."""

from __future__ import annotations

from typing import Any

import polars as pl

from partnerkit.charts.quadrant import quadrant_chart

# 60 partners with nothing won and no untapped account (40 to exit, 20 to watch), 5 more at
# one untapped account, and three single partners elsewhere.
N = 60 + 5 + 3
CARD = pl.DataFrame(
    {
        "partner_id": [f"p{i:02d}" for i in range(N)],
        "name": [f"P {i}" for i in range(N)],
        "rank": list(range(1, N + 1)),
        "won_revenue": [0.0] * 65 + [5e3, 2e5, 3e6],
        "untapped_overlap": [0] * 60 + [1] * 5 + [0, 2, 1],
        "recommendation": ["exit"] * 40 + ["watch"] * 20 + ["exit"] * 5 + ["keep"] * 3,
    }
)


def _layer_rows(spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = spec["datasets"][layer["data"]["name"]]
    return rows


def test_every_partner_of_a_crowd_is_drawn_at_its_own_spot() -> None:
    spec = quadrant_chart(CARD, top=100).to_dict()
    dots = spec["layer"][-1]
    assert dots["encoding"]["x"]["field"] == "x_drawn"
    rows = _layer_rows(spec, dots)
    crowd = [r for r in rows if r["won_revenue"] == 0 and r["untapped_overlap"] == 0]
    assert len(crowd) == 60  # none hidden in the grid
    spots = {(round(r["x_drawn"], 6), round(r["y_drawn"], 6)) for r in crowd}
    assert len(spots) == 60  # each its own position
    assert sum(r["recommendation"] == "exit" for r in crowd) == 40
    assert {r["crowd"] for r in crowd} == {60}
    alone = next(r for r in rows if r["won_revenue"] == 3e6)
    assert (alone["x_drawn"], alone["y_drawn"]) == (3e6, 1.0)  # a lone partner is not moved
    tips = {t["field"]: t["title"] for t in dots["encoding"]["tooltip"]}
    assert tips["won_revenue"] == "Won revenue"  # the exact values, not the drawn spot
    assert tips["crowd"] == "partners at this point"


def test_subtitle_and_labels_count_the_partners_at_each_crowded_point() -> None:
    spec = quadrant_chart(CARD, top=100).to_dict()
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "60 partners at won revenue 0, untapped overlap 0; 5 at 0, 1" in subtitle
    labels = next(layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "text")
    assert sorted(r["partners"] for r in _layer_rows(spec, labels)) == [5, 60]


def test_grid_of_equal_cells_has_no_one_value_legend() -> None:
    card = pl.DataFrame(  # 20 partners far apart: every grid cell holds one
        {
            "partner_id": [f"q{i:02d}" for i in range(20)],
            "name": [f"Q {i}" for i in range(20)],
            "rank": list(range(1, 21)),
            "won_revenue": [2.0**i for i in range(20)],
            "untapped_overlap": [i % 3 for i in range(20)],
        }
    )
    spec = quadrant_chart(card, top=4, bins=50).to_dict()
    density = spec["layer"][0]
    assert density["mark"]["type"] == "rect"
    cells = _layer_rows(spec, density)
    assert {c["partners"] for c in cells} == {1}
    assert "field" not in density["encoding"]["color"]  # one grey, no gradient of one value
    assert "(1 partner each)" in " ".join(spec["title"]["subtitle"])
