"""A share that is all of the value reads "100%", as every other percentage is written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from partnerkit import formatting as fmt

from .won_deals import run, won_deals


def test_the_tie_example_reads_100_percent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 60, 10 and nine partners of 2: the shortest list reaching 80% has 3, the nine tie
    source = won_deals(tmp_path / "src", [60.0, 10.0] + [2.0] * 9)
    code, out, err = run(capsys, "analyze", str(source))
    assert code == 0, err
    assert (
        "vital few: 11 of 11 partners (100%) produce 100% of won revenue (threshold 80%), "
        "8 of them tied in value with the last partner needed: the shortest list reaching "
        "the threshold has 3\n"
    ) in out
    assert "100.0%" not in out


def test_a_whole_share_summed_in_floating_point_is_100_percent() -> None:
    share = sum([60 / 88, 10 / 88] + [2 / 88] * 9)
    assert share != 1.0
    assert fmt.percent(share) == "100%"
    frame = pl.DataFrame({"s": [share]})
    assert frame.select(fmt.percent_expr(pl.col("s"))).item() == "100%"
    assert fmt.percent(0.99996) == "99.9%"  # a share short of all of it still says so
