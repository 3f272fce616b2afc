"""The benchmark the summary names is the one the portfolio is closest to.

``concentration.closest_benchmark`` is the benchmark nearest the concentration curve; the
command line's benchmark line and the report's tile name it, with one function
(:func:`partnerkit.formatting.benchmark`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from partnerkit import formatting as fmt
from partnerkit.analysis import analyze
from partnerkit.load import read_portfolio
from partnerkit.report.content import summary_figures

from .won_deals import run, won_deals

# Of 10 partners the top one (10%) makes 89% and the top two (20%) 95%: the curve reaches 80/20
# but not 90/10, and lies closest to 90/10 (|0.89 - 0.90| < |0.95 - 0.80| < |0.445 - 0.95|).
SHORT_OF_90_10 = [89.0, 6.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]


def test_the_benchmark_line_names_the_closest_benchmark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = won_deals(tmp_path / "src", SHORT_OF_90_10)
    c = analyze(read_portfolio(source)).concentration.row(0, named=True)
    assert c["closest_benchmark"] == "90/10"
    assert c["partners"] == 10
    code, out, err = run(capsys, "analyze", str(source))
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("Gini "))
    assert line.endswith(
        "benchmark: closest to 90/10 (the top 10% make 89%); as concentrated as 80/20 "
        "(not 90/10): the top 20% make 95%"
    )
    # the report's tile is written by the same function
    figures = summary_figures(
        pl.DataFrame({"partner_id": ["x"]}), c, value="won_revenue", denominator="active",
        currency=None,
    )  # fmt: skip
    tile = next(f for f in figures if f.label == "Against 80/20, 90/10, 95/5")
    assert tile.value == fmt.benchmark(c) == line.split("benchmark: ", 1)[1]


def test_a_benchmark_the_curve_reaches_and_is_closest_to_reads_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 80, 10, 5, 5, 0: the top 20% make exactly 80%, closest to 80/20 and reaching it
    source = won_deals(tmp_path / "src", [80.0, 10.0, 5.0, 5.0, 0.0])
    code, out, _ = run(capsys, "analyze", str(source))
    assert code == 0
    assert "benchmark: as concentrated as 80/20 (not 90/10): the top 20% make 80%\n" in out


def test_a_share_short_of_the_closest_keeps_a_decimal() -> None:
    c = {
        "benchmark_position": "as concentrated as 80/20 (not 90/10): the top 20% make 96%",
        "closest_benchmark": "90/10",
        "top10_share": 0.8996,
    }
    assert fmt.benchmark(c).startswith("closest to 90/10 (the top 10% make 89.9%); ")
