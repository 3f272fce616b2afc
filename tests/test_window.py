import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl
import pytest

from partnerkit.facts.deals import live_in, open_at
from partnerkit.window import Window, quarter_start, shift_months

D = dt.date


def test_shift_months_clamps_to_month_end():
    assert shift_months(D(2025, 12, 31), -12) == D(2024, 12, 31)
    assert shift_months(D(2025, 3, 31), -1) == D(2025, 2, 28)
    assert shift_months(D(2024, 2, 29), -12) == D(2023, 2, 28)
    assert shift_months(D(2025, 1, 15), -13) == D(2023, 12, 15)
    assert shift_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


def test_window_bounds_are_open_at_start_closed_at_end():
    w = Window.ending(D(2025, 12, 31), months=12)
    assert (w.start, w.end, w.as_of) == (D(2024, 12, 31), D(2025, 12, 31), D(2025, 12, 31))
    days = [D(2024, 12, 30), D(2024, 12, 31), D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1), None]
    got = pl.DataFrame({"d": days}).select(w.contains("d")).to_series().to_list()
    # the start day itself is out, as_of itself is in, nulls are out
    assert got == [False, False, True, True, False, False]


def test_halves_split_the_window_at_mid():
    w = Window.ending(D(2025, 12, 31), months=12)
    # 365 days; mid = start + 182 days = 2025-07-01
    assert w.days == 365
    assert w.mid == D(2025, 7, 1)
    days = [D(2024, 12, 31), D(2025, 1, 1), D(2025, 7, 1), D(2025, 7, 2), D(2025, 12, 31)]
    f = pl.DataFrame({"d": days})
    assert f.select(w.in_prior_half("d")).to_series().to_list() == [False, True, True, False, False]
    assert f.select(w.in_recent_half("d")).to_series().to_list() == [
        False,
        False,
        False,
        True,
        True,
    ]


def test_live_and_open_at_end():
    w = Window(D(2025, 1, 1), D(2025, 1, 31))
    f = pl.DataFrame(
        {
            "created_on": [
                D(2024, 6, 1),
                D(2024, 6, 1),
                D(2025, 1, 31),
                D(2025, 2, 1),
                D(2024, 1, 1),
            ],
            "closed_on": [D(2025, 1, 1), D(2025, 1, 2), None, None, D(2025, 3, 1)],
            "outcome": ["won", "lost", "open", "open", "won"],
        }
    )
    # closed on the start day: never live in W; closed the day after: live; created on as_of: live;
    # created after as_of: not live; open across W: live
    live = nw.from_native(f).select(live_in(w)).to_native().to_series().to_list()
    assert live == [False, True, True, False, True]
    still_open = nw.from_native(f).select(open_at(w.end)).to_native().to_series().to_list()
    assert still_open == [False, False, True, False, True]


def test_quarters_end_with_the_quarter_of_as_of():
    w = Window.ending(D(2025, 8, 17), months=12)
    assert quarter_start(D(2025, 8, 17)) == D(2025, 7, 1)
    assert w.quarters(3) == (D(2025, 1, 1), D(2025, 4, 1), D(2025, 7, 1))
    assert w.quarters(5)[0] == D(2024, 7, 1)


def test_a_window_needs_a_month():
    with pytest.raises(ValueError, match="at least one month"):
        Window.ending(D(2025, 1, 1), months=0)
