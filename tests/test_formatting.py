"""The one formatting module: hand-worked texts, and each expression twin agrees with its text."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit import formatting as f


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (1234567.4, "USD", "USD 1,234,567"),
        (999.5, "EUR", "EUR 1,000"),
        (19750.5, "EUR", "EUR 19,751"),  # half away from zero, as a spreadsheet rounds
        (19752.5, "EUR", "EUR 19,753"),  # (half to even would give 19,750 and 19,752)
        (-2.5, None, "-3"),
        (0.49, "EUR", "EUR 0"),
        (-0.4, "EUR", "EUR 0"),  # never "-0"
        (-1500.0, None, "-1,500"),
        (None, "USD", "n/a"),
        (float("nan"), "USD", "n/a"),
    ],
)
def test_money(value: float | None, currency: str | None, expected: str) -> None:
    assert f.money(value, currency) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567.0, "USD 1.23M"),
        (999999.0, "USD 1M"),  # rounds up into the next unit, not "1000k"
        (2_500_000_000.0, "USD 2.5B"),
        (12.0, "USD 12"),
        (-45600.0, "USD -45.6k"),
    ],
)
def test_money_short(value: float, expected: str) -> None:
    assert f.money(value, "USD", short=True) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, "50%"),
        (0.0995, "10%"),
        (0.0994, "9.9%"),
        (0.05, "5%"),
        (0.001, "0.1%"),
        (-0.25, "-25%"),
        (-0.0001, "0%"),
        (1.5, "150%"),
        (1.0, "100%"),
        (-1.0, "-100%"),
        (0.9997, "99.9%"),  # never "100%" unless exact
        (0.995, "99.5%"),
        (0.9949, "99%"),
        (-0.9986, "-99.8%"),  # 5,000 down to 7: not "fell 100%"
        (1.004, "100.4%"),
        (None, "n/a"),
    ],
)
def test_percent(value: float | None, expected: str) -> None:
    assert f.percent(value) == expected


def test_signed_and_dates() -> None:
    assert f.signed_percent(0.2) == "+20%"
    assert f.signed_percent(-0.2) == "-20%"
    assert f.signed(0.125, digits=1) == "+0.1"
    assert f.signed(0.125, digits=2) == "+0.13"  # half away from zero
    assert f.signed(-0.004) == "+0.00"  # never "-0.00"
    assert f.percent(0.045) == "4.5%"
    assert f.percent(0.125) == "13%"
    assert f.count(1_000_000) == "1,000,000"
    assert f.date(dt.date(2026, 1, 2)) == "2026-01-02"
    # the window (2025-03-31, 2026-03-31] starts on the day after its open end
    assert f.window(dt.date(2025, 3, 31), dt.date(2026, 3, 31)) == "2025-04-01 to 2026-03-31"


def test_expressions_keep_the_column_name() -> None:
    frame = pl.DataFrame({"won": [1.0], "share": [0.5]})
    out = frame.select(f.money_expr(pl.col("won"), "USD"), f.percent_expr(pl.col("share")))
    assert out.columns == ["won", "share"]
    assert out.row(0) == ("USD 1", "50%")


finite = st.floats(min_value=-1e13, max_value=1e13, allow_nan=False, allow_infinity=False)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), finite), min_size=1, max_size=20))
def test_money_and_number_twins_agree(values: list[float | None]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    assert frame.select(f.money_expr(pl.col("v"), "JPY"))["v"].to_list() == [
        f.money(v, "JPY") for v in values
    ]


# thousandths that are not a tie at the second decimal (ties of scaled binary floats may round
# either way in the last decimal)
thousandths = st.integers(-(10**12), 10**12).filter(lambda i: i % 10 != 5).map(lambda i: i / 1000)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), thousandths), min_size=1, max_size=20))
def test_number_with_decimals_twins_agree(values: list[float | None]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    assert frame.select(f.number_expr(pl.col("v"), digits=2))["v"].to_list() == [
        f.number(v, digits=2) for v in values
    ]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.floats(-5, 5, allow_nan=False)), min_size=1))
def test_percent_twins_agree(values: list[float | None]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    assert frame.select(f.percent_expr(pl.col("v")))["v"].to_list() == [
        f.percent(v) for v in values
    ]


@given(value=st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_money_text_reads_back_to_the_rounded_amount(value: float) -> None:
    text = f.money(value, "USD")
    assert text.startswith("USD ")
    assert abs(float(text.removeprefix("USD ").replace(",", "")) - value) <= 0.5 + 1e-9 * value


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.floats(0.99, 1.01) | st.floats(-1.01, -0.99), min_size=1))
def test_percent_twins_agree_next_to_a_hundred(values: list[float]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    texts = [f.percent(v) for v in values]
    assert frame.select(f.percent_expr(pl.col("v")))["v"].to_list() == texts
    assert all(t.lstrip("-") != "100%" for v, t in zip(values, texts, strict=True) if abs(v) != 1)
