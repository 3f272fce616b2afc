"""The notebooks name the benchmark closest to the curve, as the report and the CLI do."""

from __future__ import annotations

import polars as pl

from partnerkit import formatting as fmt
from partnerkit.widgets.display import figures, headline

ROW = {
    "denominator": "active",
    "value_column": "won_revenue",
    "partners": 200,
    "vital_count": 12,
    "vital_share": 0.06,
    "vital_value_share": 0.81,
    "total_value": 1_000_000.0,
    "gini": 0.93,
    "top10_share": 0.8957,
    "benchmark_position": "as concentrated as 80/20 (not 90/10): the top 20% make 95%",
    "closest_benchmark": "90/10",
}


def test_headline_and_key_figures_name_the_closest_benchmark() -> None:
    said = fmt.benchmark(ROW)
    assert said.startswith("closest to 90/10 (the top 10% make 89.6%)")
    assert headline(pl.DataFrame([ROW])).endswith(f"Gini 0.93; {said}.")
    table = figures(ROW, keys=["benchmark_position"]).frame
    assert table["value"].to_list() == [said]
