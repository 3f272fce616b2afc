from __future__ import annotations

import sys
from itertools import pairwise

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.charts.concentration import (
    BENCHMARKS,
    MAX_BARS,
    ParetoSpecs,
    lorenz_chart,
    pareto_chart,
)
from partnerkit.charts.theme import VITAL_COLORS

# Four partners worked by hand: values 50, 30, 15, 5 (total 100).
# cum_share = 0.50, 0.80, 0.95, 1.00; share before = 0, 0.5, 0.8, 0.95.
# With threshold 0.8 a partner is vital when the share before it is < 0.8: a and b.
FOUR = pl.DataFrame(
    {
        "partner_id": ["a", "b", "c", "d"],
        "name": ["Alpha", "Beta", "Gamma", "Delta"],
        "rank": [1, 2, 3, 4],
        "won_revenue": [50.0, 30.0, 15.0, 5.0],
        "cum_share": [0.5, 0.8, 0.95, 1.0],
        "vital": [True, True, False, False],
    }
)


def layer_data(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_pareto_bars_one_per_partner_with_vital_colours():
    spec = pareto_chart(FOUR, threshold=0.8).to_dict()
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "rect"
    enc = bars["encoding"]
    assert enc["x"]["field"] == "partner_share_from"
    assert enc["x2"]["field"] == "partner_share"
    assert enc["y"]["field"] == "bar_value"
    assert enc["color"]["scale"]["domain"] == ["vital few", "the rest"]
    assert enc["color"]["scale"]["range"] == [VITAL_COLORS["vital few"], VITAL_COLORS["the rest"]]
    rows = layer_data(spec, bars)
    # bar k spans ((k-1)/4, k/4)
    assert [(r["partner_share_from"], r["partner_share"]) for r in rows] == [
        (0.0, 0.25),
        (0.25, 0.5),
        (0.5, 0.75),
        (0.75, 1.0),
    ]
    assert [r["group"] for r in rows] == ["vital few", "vital few", "the rest", "the rest"]
    assert [r["name"] for r in rows] == ["Alpha", "Beta", "Gamma", "Delta"]
    assert {t["field"] for t in enc["tooltip"]} >= {"name", "total", "cum_share"}


def test_pareto_line_threshold_rule_and_benchmarks():
    spec = pareto_chart(FOUR, threshold=0.8).to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"
    share = spec["layer"][1]["layer"]
    marks = [layer["mark"]["type"] for layer in share]
    assert marks == ["line", "rule", "text", "rule", "text", "point", "text"]
    line = layer_data(spec, share[0])
    # the curve starts at the origin and passes through each bar's right edge
    assert [(p["partner_share"], p["cum_share"]) for p in line] == [
        (0.0, 0.0),
        (0.25, 0.5),
        (0.5, 0.8),
        (0.75, 0.95),
        (1.0, 1.0),
    ]
    rule = share[1]
    assert rule["encoding"]["y"]["field"] == "threshold"
    assert layer_data(spec, rule)[0]["threshold"] == 0.8
    vital_rule = layer_data(spec, share[3])[0]
    assert vital_rule["vital_share"] == 0.5  # 2 of 4 partners
    refs = layer_data(spec, share[5])
    assert [(r["label"], r["ref_partners"], r["ref_value"]) for r in refs] == list(BENCHMARKS)
    assert spec["title"]["subtitle"] == "2 of 4 partners (50%) produce 80% of won revenue"


def test_the_vital_few_label_reads_as_the_subtitle_beside_it():
    """6 of 105 partners: 5.7% in the subtitle and on the chart (not "6%" on one of them)."""
    n = 105
    values = [1000.0] * 6 + [10.0] * (n - 6)
    total = sum(values)
    cum = [sum(values[: k + 1]) / total for k in range(n)]
    frame = pl.DataFrame(
        {
            "partner_id": [f"p{i:03d}" for i in range(n)],
            "name": [f"P{i}" for i in range(n)],
            "rank": list(range(1, n + 1)),
            "won_revenue": values,
            "cum_share": cum,
            "vital": [k < 6 for k in range(n)],
        }
    )
    spec = pareto_chart(frame, threshold=0.8).to_dict()
    label = layer_data(spec, spec["layer"][1]["layer"][4])[0]["label"]
    assert label == "vital few: 6 (5.7%)"
    assert spec["title"]["subtitle"].startswith("6 of 105 partners (5.7%) produce")


def test_pareto_threshold_is_drawn_where_asked():
    spec = pareto_chart(FOUR, threshold=0.95).to_dict()
    rule = spec["layer"][1]["layer"][1]
    assert layer_data(spec, rule)[0]["threshold"] == 0.95


def test_pareto_leaves_out_partners_without_rank():
    card = pl.concat(
        [
            FOUR,
            pl.DataFrame(
                {
                    "partner_id": ["x"],
                    "name": ["Prospect"],
                    "rank": [None],
                    "won_revenue": [0.0],
                    "cum_share": [None],
                    "vital": [None],
                }
            ),
        ],
        how="vertical_relaxed",
    )
    spec = pareto_chart(card).to_dict()
    assert len(layer_data(spec, spec["layer"][0])) == 4


def test_pareto_bins_keep_totals_and_never_mix_vital_and_rest(syn):
    card = syn.scorecard(1_000)
    spec = pareto_chart(card, max_bars=50).to_dict()
    rows = layer_data(spec, spec["layer"][0])
    assert len(rows) <= 51  # 50 runs, one of which may split at the vital boundary
    assert sum(r["partners"] for r in rows) == 1_000
    assert sum(r["total"] for r in rows) == pytest.approx(card["won_revenue"].sum())
    vital_ranks = card.filter(pl.col("vital"))["rank"]
    last_vital = int(vital_ranks.max())
    for r in rows:
        first = r["rank"]
        last = round(r["partner_share"] * 1_000)
        if r["group"] == "vital few":
            assert last <= last_vital
        else:
            assert first > last_vital
    # runs tile the axis without gaps
    edges = sorted((r["partner_share_from"], r["partner_share"]) for r in rows)
    assert edges[0][0] == 0.0
    assert edges[-1][1] == 1.0
    assert all(a[1] == pytest.approx(b[0]) for a, b in pairwise(edges))


def test_pareto_with_nothing_won():
    card = FOUR.with_columns(
        won_revenue=pl.lit(0.0), cum_share=pl.lit(None, pl.Float64), vital=pl.lit(False)
    )
    spec = pareto_chart(card).to_dict()
    assert spec["title"]["subtitle"] == "None of the 4 partners has any won revenue: no vital few"


def test_lorenz_curve_points_and_gini_title():
    spec = lorenz_chart(FOUR, gini=0.4321).to_dict()
    assert spec["title"]["text"] == "Lorenz curve — Gini 0.43"
    curve = layer_data(spec, spec["layer"][1])
    # ascending 5, 15, 30, 50: cumulative 5, 20, 50, 100 of 100
    assert [(p["partners_share"], p["value_share"]) for p in curve] == [
        (0.0, 0.0),
        (0.25, 0.05),
        (0.5, 0.2),
        (0.75, 0.5),
        (1.0, 1.0),
    ]
    diagonal = layer_data(spec, spec["layer"][2])
    assert [(p["partners_share"], p["value_share"]) for p in diagonal] == [(0.0, 0.0), (1.0, 1.0)]


def test_lorenz_without_gini_or_value():
    """No value at all draws no curve: the diagonal alone would read as perfect equality."""
    spec = lorenz_chart(FOUR.with_columns(won_revenue=pl.lit(0.0)), gini=None).to_dict()
    assert spec["title"]["text"] == "Lorenz curve — Gini n/a"
    assert spec["title"]["subtitle"] == "No partner has any won revenue: no curve"
    assert layer_data(spec, spec["layer"][1]) == []
    assert len(layer_data(spec, spec["layer"][2])) == 2  # the line of equality, dashed


@settings(max_examples=20, deadline=None)
@given(
    values=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=3_000),
    points=st.integers(2, 600),
)
def test_lorenz_sample_is_exact_bounded_and_monotone(values, points):
    n = len(values)
    card = (
        pl.DataFrame({"won_revenue": values})
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64), cum_share=pl.lit(0.0), vital=pl.lit(False))
    )
    spec = lorenz_chart(card, gini=0.0, points=points).to_dict()
    curve = layer_data(spec, spec["layer"][1])
    if not any(v >= sys.float_info.min for v in values):  # no value: no curve, said so
        assert curve == []
        assert spec["title"]["subtitle"].endswith("has any won revenue: no curve")
        return
    assert len(curve) <= points + 2
    assert curve[0] == {"partners_share": 0.0, "value_share": 0.0}
    assert curve[-1]["partners_share"] == 1.0
    xs = [p["partners_share"] for p in curve]
    ys = [p["value_share"] for p in curve]
    assert xs == sorted(xs)
    assert all(b >= a - 1e-12 for a, b in pairwise(ys))
    total = sum(values)
    if total > 0:
        ordered = sorted(values)
        for p in curve[1:]:
            k = round(p["partners_share"] * n)
            assert p["value_share"] == pytest.approx(sum(ordered[:k]) / total, abs=1e-9)


def test_one_bar_per_partner_up_to_max_bars():
    # 150 partners (the sample's size) are 150 bars of one partner each; 201 are grouped
    def card(n: int) -> pl.DataFrame:
        values = [float(n - i) for i in range(n)]
        total = sum(values)
        cum = [sum(values[: i + 1]) / total for i in range(n)]
        return pl.DataFrame(
            {
                "partner_id": [f"p{i:03d}" for i in range(n)],
                "rank": list(range(1, n + 1)),
                "won_revenue": values,
                "cum_share": cum,
                "vital": [x <= 0.8 for x in cum],
            }
        )

    def bars(n: int) -> list[dict]:
        spec = pareto_chart(card(n)).to_dict()
        return spec["datasets"][spec["layer"][0]["data"]["name"]]

    rows = bars(150)
    assert len(rows) == 150
    assert {r["partners"] for r in rows} == {1}
    grouped = bars(MAX_BARS + 1)
    assert len(grouped) <= MAX_BARS
    assert sum(r["partners"] for r in grouped) == MAX_BARS + 1


def _resolved(spec: dict) -> dict:
    """The spec with every named dataset put in place (names depend on the data's hash)."""
    datasets = spec.get("datasets", {})

    def walk(node):
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items() if k != "datasets"}
            data = node.get("data")
            if isinstance(data, dict) and "name" in data:
                out["data"] = {"values": datasets[data["name"]]}
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(spec)


@pytest.mark.slow
def test_refilled_specs_equal_freshly_built_charts():
    # one spec kind built once, then refilled for other thresholds, filters and sizes: each
    # must be exactly what pareto_chart builds for the same arguments
    n = 300
    values = [float((n - i) ** 2) for i in range(n)]
    total = sum(values)
    base = pl.DataFrame(
        {
            "partner_id": [f"p{i:03d}" for i in range(n)],
            "name": [f"Partner {i}" for i in range(n)],
            "region": ["EU" if i % 3 else "US" for i in range(n)],
            "won_revenue": values,
        }
    )

    def ranked_at(frame: pl.DataFrame, threshold: float) -> pl.DataFrame:
        frame = frame.sort("won_revenue", descending=True)
        share = frame["won_revenue"] / frame["won_revenue"].sum()
        cum = share.cum_sum()
        return frame.with_columns(
            rank=pl.int_range(1, frame.height + 1),
            cum_share=cum,
            vital=(cum - share) < threshold,
        )

    specs = ParetoSpecs()
    cases = [
        (base, 0.8, MAX_BARS),  # grouped bars (300 > 200)
        (base, 0.9, MAX_BARS),
        (base.filter(pl.col("region") == "US"), 0.8, MAX_BARS),  # 100 partners: one bar each
        (base.filter(pl.col("region") == "US"), 0.7, MAX_BARS),
        (base.filter(pl.col("region") == "EU"), 0.95, MAX_BARS),  # 200: one bar each
        (base, 0.85, 50),
        (base.head(0), 0.8, MAX_BARS),
    ]
    for frame, threshold, bars in cases * 2:
        card = ranked_at(frame, threshold)
        fast = specs.spec(card, value="won_revenue", threshold=threshold, max_bars=bars)
        slow = pareto_chart(card, threshold=threshold, max_bars=bars).to_dict(validate=False)
        assert _resolved(fast) == _resolved(slow), (frame.height, threshold, bars)
    assert total > 0


def test_pareto_says_when_ties_enlarge_the_vital_few_and_keeps_its_label_inside():
    # 75% with one partner, then ten tied at 2.5%: 11 vital, 3 needed; the vital rule sits at
    # 100% of partners, so its label must go left of the rule, not into the right-hand axis
    values = [30_000.0] + [1_000.0] * 10
    card = pl.DataFrame(
        {
            "partner_id": [f"p{i:02d}" for i in range(11)],
            "won_revenue": values,
            "rank": list(range(1, 12)),
            "cum_share": [sum(values[: i + 1]) / sum(values) for i in range(11)],
            "vital": [True] * 11,
        }
    )
    spec = pareto_chart(card, threshold=0.8).to_dict()
    assert spec["title"]["subtitle"].endswith(
        "8 of them tied in value with the last partner needed: the shortest list reaching the "
        "threshold has 3"
    )

    def layers(node):
        for layer in node.get("layer", []):
            yield layer
            yield from layers(layer)

    label = next(
        layer
        for layer in layers(spec)
        if isinstance(layer.get("mark"), dict)
        and layer["mark"].get("type") == "text"
        and layer.get("encoding", {}).get("x", {}).get("field") == "vital_share"
    )
    assert (label["mark"]["align"], label["mark"]["dx"]) == ("right", -4)
