import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.load.dates import TWO_DIGIT_YEAR_PIVOT, parse_dates


def parse(values):
    lf = pl.LazyFrame({"d": values}, schema={"d": pl.String})
    out = parse_dates(lf, {"day": "d"}).collect()
    assert out.columns == ["d", "day"]  # helper columns are dropped
    return out["day"].to_list()


def test_several_columns_at_once():
    lf = pl.LazyFrame({"a": ["2024-01-02", "x"], "b": ["1/2/24", "2024-01-02T00:00:00Z"]})
    out = parse_dates(lf, {"a": "a", "b2": "b"}).collect()
    assert out.rows() == [
        (dt.date(2024, 1, 2), "1/2/24", dt.date(2024, 1, 2)),
        (None, "2024-01-02T00:00:00Z", dt.date(2024, 1, 2)),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-22", dt.date(2024, 1, 22)),
        ("2024/01/22", dt.date(2024, 1, 22)),
        ("2024-1-5", dt.date(2024, 1, 5)),
        ("2024-01-22T16:14:25.000+0000", dt.date(2024, 1, 22)),
        ("2024-01-22T16:14:25Z", dt.date(2024, 1, 22)),
        ("2024-01-22T23:30:00-08:00", dt.date(2024, 1, 22)),  # the date as written
        ("2025-11-28 16:14", dt.date(2025, 11, 28)),
        ("2025-11-28 16:14:59", dt.date(2025, 11, 28)),
        ("02/23/26 08:55 PM", dt.date(2026, 2, 23)),
        ("02/23/2026 8:55am", dt.date(2026, 2, 23)),
        ("2/3/2026 20:55", dt.date(2026, 2, 3)),
        ("12/31/2024", dt.date(2024, 12, 31)),
        ("  2024-03-01  ", dt.date(2024, 3, 1)),
    ],
)
def test_known_spellings(text, expected):
    assert parse([text]) == [expected]


def test_two_digit_years_never_become_year_one():
    # 01/02/24 is 2 January 2024, not 2 January of year 24 or year 1.
    assert parse(["01/02/24", "12/31/68", "01/01/69", "06/15/99", "01/01/00"]) == [
        dt.date(2024, 1, 2),
        dt.date(2068, 12, 31),
        dt.date(1969, 1, 1),
        dt.date(1999, 6, 15),
        dt.date(2000, 1, 1),
    ]
    assert TWO_DIGIT_YEAR_PIVOT == 69


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-30",
        "2023-02-29",
        "13/01/2024",
        "31/12/2024",
        "00/10/2024",
        "yesterday",
        "2024",
        "20240122",
        "1/2",
        "2024-01-22 nonsense",
        "01/02/123",
    ],
)
def test_unparseable_is_null(text):
    assert parse([text]) == [None]


def test_null_and_leap_day():
    assert parse([None, "2024-02-29", "02/29/24"]) == [
        None,
        dt.date(2024, 2, 29),
        dt.date(2024, 2, 29),
    ]


dates = st.dates(min_value=dt.date(1969, 1, 1), max_value=dt.date(2068, 12, 31))


@given(dates)
def test_every_supported_spelling_round_trips(day):
    spellings = [
        day.isoformat(),
        f"{day.isoformat()}T13:45:00.000+0000",
        f"{day.isoformat()} 13:45",
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        f"{day.month}/{day.day}/{day.year % 100:02d}",
        f"{day.month:02d}/{day.day:02d}/{day.year % 100:02d} 08:55 PM",
    ]
    assert parse(spellings) == [day] * len(spellings)


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_four_digit_years_kept_as_written(day):
    assert parse([day.isoformat(), f"{day.month}/{day.day}/{day.year}"]) == [day, day]
