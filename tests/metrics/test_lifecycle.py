import datetime as dt

import polars as pl
import pytest

from partnerkit.metrics.lifecycle import lifecycle, productivity_state, progress

AS_OF = dt.date(2025, 12, 31)


def test_productivity_state_ladder():
    d = dt.date.fromisoformat
    f = pl.LazyFrame(
        {
            # total 10,000: a 0.1% floor is 10
            "won_revenue": [9_990.0, 9.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            "last_deal_on": [
                None,
                d("2025-10-01"),
                None,
                d("2025-10-02"),
                None,
                None,
                None,
                d("2025-09-01"),
            ],
            "last_partner_activity_on": [
                None,
                None,
                None,
                None,
                d("2025-12-01"),
                None,
                d("2025-10-01"),
                None,
            ],
            "open_deals": [0, 0, 0, 0, 0, 2, 0, 0],
            "counted": [True] * 8,
        },
        schema_overrides={"last_deal_on": pl.Date, "last_partner_activity_on": pl.Date},
    )
    states = (
        productivity_state(f, as_of=AS_OF, active_days=91, min_share=0.001, min_revenue=0.0)
        .collect()["state"]
        .to_list()
    )
    # 9,990 is material; 9 and 1 are below 0.1% of the total 10,000: not productive, and
    # with no signal in the last 91 days (after 2025-10-01) dormant. A deal created on
    # 2025-10-02, a partner activity on 2025-12-01 or an open deal: active. A partner
    # activity or a deal created on 2025-10-01 or 2025-09-01 is too old: dormant.
    assert states == [
        "productive", "dormant", "dormant", "active", "active", "active", "dormant", "dormant",
    ]  # fmt: skip


def test_amount_floor_and_share_floor_both_apply():
    f = pl.LazyFrame(
        {"won_revenue": [500.0, 400.0], "last_deal_on": [None, None],
         "last_partner_activity_on": [None, None], "open_deals": [0, 0], "counted": [True, True]},
        schema_overrides={"last_deal_on": pl.Date, "last_partner_activity_on": pl.Date},
    )  # fmt: skip
    out = (
        productivity_state(f, as_of=AS_OF, active_days=91, min_share=0.001, min_revenue=450.0)
        .collect()["state"]
        .to_list()
    )
    assert out == ["productive", "dormant"]
    # 400 is 44% of the total: material by share, so only the amount decides here
    out = (
        productivity_state(f, as_of=AS_OF, active_days=91, min_share=0.5, min_revenue=0.0)
        .collect()["state"]
        .to_list()
    )
    assert out == ["productive", "dormant"]


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


@pytest.mark.parametrize(
    ("expected_close", "state"),
    [
        ("2024-06-30", "dormant"),  # left open 18 months past its expected close: stale
        ("2025-09-01", "dormant"),  # 121 days past: beyond active_days (91)
        ("2025-11-15", "active"),  # 46 days past: a deal slipping, still alive
        ("2026-03-31", "active"),  # expected ahead
        (None, "dormant"),  # no expected date: dated by its creation, two years ago
    ],
)
def test_an_open_deal_long_past_its_expected_close_is_no_sign_of_life(expected_close, state):
    """The partner's only deal was created long ago and is still open: alive only while due."""
    from partnerkit.analysis import analyze, quick_scorecard  # noqa: PLC0415
    from partnerkit.load import from_frames  # noqa: PLC0415

    partners = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]})
    deals = pl.DataFrame(
        {
            "deal_id": ["d1", "d2"],
            "partner_id": ["a", "b"],
            "created_on": ["2024-01-10", "2025-02-01"],
            "closed_on": [expected_close, "2025-12-31"],
            "outcome": ["open", "won"],
            "amount": [7000.0, 100.0],
        },
        schema_overrides={"closed_on": pl.String},
    )
    portfolio = from_frames(partners=partners, deals=deals)
    full = analyze(portfolio, as_of=AS_OF).scorecard
    core = quick_scorecard(portfolio, as_of=AS_OF)
    for card in (full, core):
        assert card.filter(pl.col("partner_id") == "a")["state"].item() == state
