"""curve_points keeps the rows numpy's evenly spaced, rounded positions name (numpy-free)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from partnerkit.charts.binning import curve_points


def _numpy_rows(n: int, points: int) -> list[int]:
    return np.unique(np.rint(np.linspace(0, n - 1, points + 1)).astype(np.int64)).tolist()


@pytest.mark.parametrize("points", [1, 2, 3, 7, 10, 99, 100, 150, 400])
def test_rows_kept_are_numpys_evenly_spaced_rows(points: int) -> None:
    for n in [points + 2, points + 3, 2 * points, 2 * points + 1, 1_000, 4_097, 100_003]:
        curve = pl.DataFrame({"x": range(n)})
        kept = curve_points(curve, points=points)["x"].to_list()
        assert kept == _numpy_rows(n, points), (n, points)
        assert (kept[0], kept[-1]) == (0, n - 1)  # both ends


def test_hand_worked_rows_and_short_curves_whole() -> None:
    # 11 rows, 4 points: positions 0, 2.5, 5, 7.5, 10 round half to even: 0, 2, 5, 8, 10
    curve = pl.DataFrame({"x": list("abcdefghijk")})
    assert curve_points(curve, points=4)["x"].to_list() == ["a", "c", "f", "i", "k"]
    assert curve_points(curve, points=10).equals(curve)  # 11 rows: kept whole
