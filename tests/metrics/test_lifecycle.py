import polars as pl
import pytest

from partnerkit.metrics.lifecycle import lifecycle, productivity_state, progress


def test_productivity_state_ladder():
    f = pl.LazyFrame(
        {
            "won_deals": [1, 0, 0, 0, 0],
            "activities": [0, 2, 0, None, 0],
            "deals_created": [0, 0, 3, 0, 0],
        }
    )
    states = productivity_state(f).collect()["state"].to_list()
    assert states == ["productive", "active", "active", "dormant", "dormant"]


def test_stage_by_tenure():
    f = pl.LazyFrame({"tenure_days": [0, 269, 270, 1000, None, -5]})
    stages = lifecycle(f, ramp_days=270).collect()["stage"].to_list()
    # 269 < 270 ramping, 270 mature; unknown tenure mature; signed after as_of ramping
    assert stages == ["ramping", "ramping", "mature", "mature", "mature", "ramping"]


def test_progress_is_mean_percentile_among_counted():
    f = pl.LazyFrame(
        {
            "e": [0, 2, 4, 100],
            "p": [10.0, None, 30.0, 0.0],
            "counted": [True, True, True, False],
        }
    )
    out = progress(f, metrics=["e", "p"]).collect()["progress"].to_list()
    # e among counted: 0, 50, 100; p among counted with values: 10 -> 0, 30 -> 100
    assert out[:3] == pytest.approx([0.0, 50.0, 100.0])
    assert out[3] is None


def test_progress_unknown_metric():
    with pytest.raises(ValueError, match="nope"):
        progress(pl.LazyFrame({"a": [1]}), metrics=["nope"], include=None)
