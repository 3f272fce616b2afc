"""The health drivers chart compares groups of partners, not the portfolio mean.

Every metric's percentiles average 50 over the portfolio, so a portfolio mean per metric is
its weight times 50 whatever the data: the chart compares the vital few and the rest by
recommendation instead, and says over how many partners each metric has a value.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from partnerkit.charts.health import DRIVER_GROUPS, HEALTH_THIRDS, health_drivers_chart

# Four partners, two metrics of one dimension; percentiles of each metric average 50.
EXPLAINED = pl.DataFrame(
    {
        "partner_id": ["v", "v", "k", "k", "w", "w", "x", "x"],
        "dimension": ["interest"] * 8,
        "metric": ["sourced_pipeline", "incentive_retention"] * 4,
        "value": [9.0, 0.9, 5.0, None, 2.0, None, 0.0, None],
        "percentile": [100.0, 50.0, 66.7, None, 33.3, None, 0.0, None],
        "weight": [1.0] * 8,
        "contribution": [50.0, 50.0, 66.7, None, 33.3, None, 0.0, None],
    }
)
CARD = pl.DataFrame(
    {
        "partner_id": ["v", "k", "w", "x"],
        "vital": [True, False, False, False],
        "recommendation": ["keep", "invest", "watch", "exit"],
    }
)


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = spec["datasets"][spec["data"]["name"]]
    return rows


def test_bars_compare_groups_so_they_differ() -> None:
    spec = health_drivers_chart(EXPLAINED, scorecard=CARD).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["field"] == "mean_contribution"
    assert enc["yOffset"]["field"] == "group"
    assert enc["color"]["scale"]["domain"] == ["vital few", "keep / invest", "watch", "exit"]
    assert enc["color"]["scale"]["range"] == [
        DRIVER_GROUPS[g] for g in ("vital few", "keep / invest", "watch", "exit")
    ]
    pipeline = {
        r["group"]: r["mean_contribution"] for r in _rows(spec) if r["metric"] == "sourced_pipeline"
    }
    assert pipeline == {"vital few": 50.0, "keep / invest": 66.7, "watch": 33.3, "exit": 0.0}


def test_title_and_subtitle_say_what_is_compared() -> None:
    title = health_drivers_chart(EXPLAINED, scorecard=CARD).to_dict()["title"]
    assert "separates" in title["text"]
    subtitle = " ".join(title["subtitle"])
    assert "vital few and the rest by recommendation" in subtitle
    assert "vital few 1; keep / invest 1; watch 1; exit 1 partners" in subtitle


def test_tooltip_gives_group_size_and_partners_with_a_value() -> None:
    spec = health_drivers_chart(EXPLAINED, scorecard=CARD).to_dict()
    tips = {t["field"]: t["title"] for t in spec["encoding"]["tooltip"]}
    assert tips["partners"] == "partners in the group"
    assert tips["with_value"] == "partners with a value"
    assert tips["averaged_over"] == "averaged over"
    retention = [r for r in _rows(spec) if r["metric"] == "incentive_retention"]
    # only the vital partner has a value: one bar, averaged over that one partner
    assert [(r["group"], r["partners"], r["with_value"]) for r in retention] == [
        ("vital few", 1, 1)
    ]
    assert retention[0]["averaged_over"] == "the 1 with a value"
    assert retention[0]["metric_label"] == "incentive retention (1 of 4 with a value)"


def test_without_a_scorecard_partners_are_compared_by_thirds_of_health() -> None:
    spec = health_drivers_chart(EXPLAINED).to_dict()
    domain = spec["encoding"]["color"]["scale"]["domain"]
    assert set(domain) <= set(HEALTH_THIRDS)
    assert domain[0] == "healthiest third"
    assert "thirds of health" in " ".join(spec["title"]["subtitle"])
