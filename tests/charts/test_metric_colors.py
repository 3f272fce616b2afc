"""One colour per health metric in every chart, and whole-number ticks on count axes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl

from partnerkit.charts.health import health_breakdown_chart
from partnerkit.charts.onepager import partner_onepager
from partnerkit.charts.theme import METRIC_COLORS, integer_ticks

# Partner a lacks incentive retention (no bar), partner b lacks sponsor presence: the metrics
# drawn differ, which used to shift every colour of a scheme picked in the drawn order.
METRICS = ["partner_initiated_share", "sponsor_present", "incentive_retention"]
EXPLAINED = pl.DataFrame(
    {
        "partner_id": ["a"] * 3 + ["b"] * 3,
        "dimension": ["interest", "interest", "encouragement"] * 2,
        "metric": METRICS * 2,
        "value": [0.5, 1.0, None, 0.2, None, 0.9],
        "percentile": [100.0, 100.0, None, 0.0, None, 50.0],
        "weight": [1.0] * 6,
        "contribution": [50.0, 50.0, None, 0.0, None, 50.0],
    }
)
CARD = pl.DataFrame(
    {
        "partner_id": ["a", "b"],
        "name": ["Acme", "Bolt"],
        "rank": [1, 2],
        "overlap_accounts": [2, 0],
        "cosell_potential": [1, 0],
        "realized_overlap": [0, 0],
        "untapped_overlap": [1, 0],
    }
)


def _encodings(spec: Any) -> Iterator[dict[str, Any]]:
    """Every ``encoding`` of a (compound) spec."""
    if isinstance(spec, dict):
        if isinstance(spec.get("encoding"), dict):
            yield spec["encoding"]
        for value in spec.values():
            yield from _encodings(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _encodings(value)


def _metric_colours(spec: dict[str, Any]) -> dict[str, str]:
    scales = [
        e["color"]["scale"]
        for e in _encodings(spec)
        if e.get("color", {}).get("field") == "metric_label"
    ]
    assert scales, "no metric colour"
    return {d: r for s in scales for d, r in zip(s["domain"], s["range"], strict=True)}


def test_a_metric_has_the_same_colour_in_the_breakdown_and_in_the_one_pager() -> None:
    fixed = {m.replace("_", " "): METRIC_COLORS[m] for m in METRICS}
    breakdown = _metric_colours(health_breakdown_chart(EXPLAINED, partners=["a"]).to_dict())
    page_a = _metric_colours(partner_onepager(CARD, "a", health_explained=EXPLAINED).to_dict())
    page_b = _metric_colours(partner_onepager(CARD, "b", health_explained=EXPLAINED).to_dict())
    for colours in (breakdown, page_a, page_b):
        assert colours == {m: fixed[m] for m in colours}
    assert set(page_a) == {"partner initiated share", "sponsor present"}  # drawn metrics only
    assert set(page_b) == {"partner initiated share", "incentive retention"}
    assert len(set(METRIC_COLORS.values())) == len(METRIC_COLORS)


def test_one_pager_account_axis_has_whole_number_ticks() -> None:
    spec = partner_onepager(CARD, "a", health_explained=EXPLAINED).to_dict()
    axes = [e["x"] for e in _encodings(spec) if e.get("x", {}).get("field") == "accounts"]
    assert axes
    for x in axes:
        assert x["axis"]["values"] == [0, 1, 2]
        assert x["axis"]["format"] == "d"
        assert x["scale"]["domain"] == [0, 2]


def test_integer_ticks_are_whole_and_cover_the_top() -> None:
    for top in (0, 1, 2, 3, 7, 12, 99, 1234):
        ticks = integer_ticks(top)
        assert ticks[0] == 0
        assert ticks[-1] >= top
        assert all(isinstance(t, int) for t in ticks)
        assert len(ticks) <= 7
