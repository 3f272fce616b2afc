"""The health breakdown draws what the health table says.

The bars are measured in the SVG that vl-convert renders (the same renderer as the report
and the PNG exports), not only in the chart's data: a null metric once made Vega stack every
later bar of the same dimension at NaN, 0 px wide, while the data summed correctly.
"""

from __future__ import annotations

import re
from collections import defaultdict

import polars as pl
import pytest
import vl_convert as vlc

from partnerkit.analysis import analyze
from partnerkit.charts.health import drawable, health_breakdown_chart
from partnerkit.charts.onepager import partner_onepager
from partnerkit.load.read import read_portfolio

BAR = re.compile(r'<path aria-label="([^"]*)"[^>]*aria-roledescription="bar" d="M[^h]*h([-\d.e]+)v')
PANEL_WIDTH = 150  # px of the breakdown's 0-100 axis


def bar_widths(spec: dict) -> dict[tuple[str, str], float]:
    """Sum the drawn width (px) of the bars per (partner, dimension) in the rendered SVG."""
    svg = vlc.vegalite_to_svg(spec)
    widths: dict[tuple[str, str], float] = defaultdict(float)
    for label, width in BAR.findall(svg):
        fields = dict(part.split(": ", 1) for part in label.split("; "))
        widths[(fields.get("partner", ""), fields["dimension"])] += float(width)
    return dict(widths)


def explained_with_a_gap() -> pl.DataFrame:
    # encouragement of partner a: days 50th pct x 0.5, incentive null, program 90th pct x 1
    # -> weights of non-null metrics 1.5; points 50*0.5/1.5 = 16.67 and 90*1/1.5 = 60.0
    return pl.DataFrame(
        {
            "partner_id": ["a", "a", "a"],
            "dimension": ["encouragement"] * 3,
            "metric": ["days_since_activity", "incentive_retention", "program_investment"],
            "value": [12.0, None, 5000.0],
            "percentile": [50.0, None, 90.0],
            "weight": [0.5, 1.0, 1.0],
            "contribution": [50 * 0.5 / 1.5, None, 90 / 1.5],
        }
    )


def test_a_metric_without_value_does_not_flatten_the_bars_after_it():
    widths = bar_widths(health_breakdown_chart(explained_with_a_gap()).to_dict())
    # 76.67 points on a 150 px axis of 100 points
    assert widths[("a", "encouragement")] == pytest.approx(76.667 * 1.5, abs=0.5)


def test_drawable_drops_only_null_contributions():
    kept = drawable(explained_with_a_gap())
    assert kept["metric"].to_list() == ["days_since_activity", "program_investment"]


def test_onepager_health_panel_draws_every_point():
    card = pl.DataFrame({"partner_id": ["a"], "name": ["Acme"]})
    spec = partner_onepager(card, "a", health_explained=explained_with_a_gap()).to_dict()
    svg = vlc.vegalite_to_svg(spec)
    bars = [float(w) for label, w in BAR.findall(svg) if "encouragement" in label]
    # one-pager health panel: 420 px for 100 points
    assert sum(bars) == pytest.approx(76.667 * 4.2, abs=0.5)


@pytest.fixture(scope="module")
def real_sample():
    return analyze(read_portfolio("data/samples"))


def test_breakdown_bars_equal_the_health_table_on_the_sample(real_sample):
    card = real_sample.scorecard
    # the partners the issue named (encouragement near 98) and the best-ranked ones
    ids = (
        card.sort("encouragement", descending=True, nulls_last=True)["partner_id"].head(3).to_list()
        + card.sort("rank", nulls_last=True)["partner_id"].head(5).to_list()
    )
    ids = list(dict.fromkeys(ids))
    chart = health_breakdown_chart(real_sample.health_explained, partners=ids, scorecard=card)
    widths = bar_widths(chart.to_dict())
    names = dict(card.select("partner_id", "name").iter_rows())
    dims = [d.name for d in real_sample.policy.health]
    checked = 0
    for row in card.filter(pl.col("partner_id").is_in(pl.Series(ids).implode())).iter_rows(
        named=True
    ):
        for dim in dims:
            if row[dim] is None:
                continue
            drawn = widths.get((names[row["partner_id"]], dim), 0.0) * 100 / PANEL_WIDTH
            assert drawn == pytest.approx(row[dim], abs=0.4), (row["partner_id"], dim)
            checked += 1
    assert checked >= len(ids) * 2


def test_chart_data_sums_to_the_table(real_sample):
    card = real_sample.scorecard
    data = health_breakdown_chart(real_sample.health_explained, scorecard=card, limit=30).data
    sums = data.group_by("partner_id", "dimension").agg(pl.col("contribution").sum())
    for dim in (d.name for d in real_sample.policy.health):
        joined = sums.filter(pl.col("dimension") == dim).join(
            card.select("partner_id", dim), on="partner_id"
        )
        assert joined.height > 0
        assert (joined["contribution"] - joined[dim]).abs().max() < 1e-9
