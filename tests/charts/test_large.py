"""Every chart of a 100,000-partner portfolio builds and ships a bounded number of rows."""

from __future__ import annotations

import json

import pytest

from partnerkit.charts.onepager import partner_onepager
from partnerkit.charts.pack import chart_pack

MAX_ROWS_PER_CHART = 1_500  # far below altair's 5,000-row limit and the 100,000 partners
MAX_SPEC_BYTES = 400_000


@pytest.mark.slow
def test_chart_pack_at_100k_partners_stays_small(huge, syn):
    assert huge.scorecard.height == 100_000
    pack = chart_pack(huge)
    assert set(pack) == {
        "pareto",
        "lorenz",
        "quadrant",
        "quadrant_health",
        "health_drivers",
        "health_breakdown",
        "tier_audit",
        "trend",
        "reciprocity",
        "overlap",
        "lift",
    }
    for name, chart in pack.items():
        spec = chart.to_dict()  # raises MaxRowsError if a chart embedded too much
        rows = syn.shipped_rows(spec)
        assert sum(rows.values()) <= MAX_ROWS_PER_CHART, (name, rows)
        assert len(json.dumps(spec)) <= MAX_SPEC_BYTES, name


@pytest.mark.parametrize("rank", [1, 50_000, 100_000])
def test_onepager_at_100k_partners(huge, syn, rank):
    pid = huge.scorecard.filter(huge.scorecard["rank"] == rank)["partner_id"].item()
    spec = partner_onepager(
        huge.scorecard,
        pid,
        health_explained=huge.health_explained,
        quarterly=huge.vital_quarters,
        value="value",
    ).to_dict()
    assert sum(syn.shipped_rows(spec).values()) <= 100


def test_the_naive_chart_would_not_even_build(huge):
    import altair as alt  # noqa: PLC0415

    naive = alt.Chart(huge.scorecard).mark_point().encode(x="won_revenue:Q", y="health:Q")
    with pytest.raises(alt.MaxRowsError):
        naive.to_dict()
