"""One way to write numbers, money, percentages, counts and dates for people to read.

Widgets, charts, tables and the report all write figures through this module, so that the
same figure reads the same everywhere. The conventions:

- **missing** values read ``n/a`` (:data:`MISSING`);
- **counts** are whole numbers with thousands separators: ``1,234``;
- **numbers** have thousands separators and ``digits`` decimals (default none): ``1,234``;
- **money** is a whole amount with thousands separators, preceded by the portfolio's ISO
  currency code when it is known: ``USD 1,234,567``; :func:`money` with ``short=True``
  writes it in three significant digits: ``USD 1.23M``;
- **percentages** of fractions are whole from 10% up and carry one decimal below: ``42%``,
  ``4.3%``, ``0%``;
- **changes** carry their sign: ``+12%``, ``-0.25``;
- **dates** are ISO 8601 (``2025-03-31``), unambiguous in every locale;
- **rounding** is half away from zero, as in a spreadsheet: ``19,750.50`` reads ``19,751``.

Each text function has a polars expression twin (``*_expr``) for tables built in polars;
the text column keeps the name of the input column.

Examples
--------
>>> money(1234567.4, "EUR"), money(1234567.4, "EUR", short=True), percent(0.043)
('EUR 1,234,567', 'EUR 1.23M', '4.3%')
>>> import polars as pl
>>> pl.DataFrame({"v": [-1234.5]}).select(money_expr(pl.col("v"), "USD")).item()
'USD -1,235'
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

__all__ = [
    "MISSING",
    "and_list",
    "benchmark",
    "compact",
    "count",
    "count_expr",
    "counted",
    "date",
    "effort_share",
    "money",
    "money_expr",
    "number",
    "number_expr",
    "percent",
    "percent_expr",
    "quarter",
    "signed",
    "signed_money",
    "signed_percent",
    "top_share",
    "window",
]

MISSING = "n/a"
"""What a missing (null or NaN) value reads as."""

_SUFFIXES: tuple[tuple[float, str], ...] = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _scaled(value: float, digits: int, /) -> int:
    """Return ``|value| * 10**digits`` rounded half away from zero, as an integer.

    The same figure polars' ``round(mode="half_away_from_zero")`` gives, so that each text
    function and its expression twin agree.

    >>> _scaled(19750.5, 0), _scaled(-2.5, 0), _scaled(0.125, 2)
    (19751, 3, 13)
    """
    return int(Decimal(abs(value) * 10**digits).to_integral_value(rounding=ROUND_HALF_UP))


def _with_currency(text: str, currency: str | None) -> str:
    return f"{currency} {text}" if currency else text


def and_list(items: Sequence[str], /) -> str:
    """Join ``items`` as a sentence does.

    >>> and_list(["a"]), and_list(["a", "b"]), and_list(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def count(value: int | None, /) -> str:
    """Write a count with thousands separators.

    >>> count(1234), count(0), count(None)
    ('1,234', '0', 'n/a')
    """
    return MISSING if value is None else f"{value:,}"


def counted(value: int, noun: str, /, plural: str | None = None) -> str:
    """Write a count with its noun, singular for one (``plural`` defaults to noun + "s").

    >>> counted(1, "partner"), counted(1234, "partner"), counted(0, "activity", "activities")
    ('1 partner', '1,234 partners', '0 activities')
    """
    return f"{value:,} {noun if value == 1 else plural or noun + 's'}"


def number(value: float | None, /, *, digits: int = 0) -> str:
    """Write a number with thousands separators and ``digits`` decimals.

    >>> number(1234567.891), number(1234.5, digits=1), number(float("nan"))
    ('1,234,568', '1,234.5', 'n/a')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    if math.isinf(value):
        return f"{value:,}"
    scaled = _scaled(value, digits)
    whole, fraction = divmod(scaled, 10**digits)
    text = f"{whole:,}" + (f".{fraction:0{digits}d}" if digits else "")
    return f"-{text}" if value < 0 and scaled else text  # never "-0"


def compact(value: float | None, /, *, digits: int = 3) -> str:
    """Write a number short, in ``digits`` significant digits: 1234567 -> ``1.23M``.

    >>> compact(1234567.0), compact(950.0), compact(0.0), compact(None), compact(-2500.0)
    ('1.23M', '950', '0', 'n/a', '-2.5k')
    >>> compact(999999.0)
    '1M'
    """
    if _missing(value):
        return MISSING
    assert value is not None
    sign = "-" if value < 0 else ""
    size = abs(value)
    for limit, suffix in _SUFFIXES:
        if size >= limit or float(f"{size:.{digits}g}") >= limit:
            return f"{sign}{float(f'{size / limit:.{digits}g}'):g}{suffix}"
    return f"{sign}{float(f'{size:.{digits}g}'):g}"


def money(value: float | None, currency: str | None = None, /, *, short: bool = False) -> str:
    """Write an amount of money: whole units, thousands separators, the currency code first.

    ``currency`` is the portfolio's ISO code; without one the amount stands alone.
    ``short`` writes three significant digits (``USD 1.23M``), for charts and key figures.

    >>> money(1234567.4, "USD"), money(0.0, "USD"), money(None, "USD"), money(19750.5)
    ('USD 1,234,567', 'USD 0', 'n/a', '19,751')
    >>> money(-2500.0, "GBP", short=True)
    'GBP -2.5k'
    """
    if _missing(value):
        return MISSING
    text = compact(value) if short else number(value)
    return _with_currency(text, currency)


def percent(value: float | None, /) -> str:
    """Write a fraction as a percentage: whole from 10% up, one decimal below.

    Only 100% reads "100%": a figure that would round to it keeps one decimal, cut off on
    its side of 100 (a fall of 99.86% reads "99.8%", never "100%"). A share that is whole
    but summed in floating point (0.9999999999999998) is 100%, as 1.0 is.

    >>> percent(0.4237), percent(0.043), percent(0.0), percent(1.0), percent(None)
    ('42%', '4.3%', '0%', '100%', 'n/a')
    >>> percent(0.9997), percent(-0.9986), percent(1.0012), percent(0.9999999999999998)
    ('99.9%', '-99.8%', '100.2%', '100%')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    pct = value * 100
    if abs(pct) >= 9.95:
        scaled = _scaled(pct, 0)
        text = str(scaled)
        if scaled == 100 and not _whole_hundred(pct):  # the one figure kept exact
            cut = math.floor if abs(pct) < 100 else math.ceil
            whole, tenth = divmod(cut(round(abs(pct) * 10, 6)), 10)
            text = f"{whole}.{tenth}"
    else:
        scaled = _scaled(pct, 1)
        whole, tenth = divmod(scaled, 10)
        text = f"{whole}.{tenth}" if tenth else str(whole)
    return ("-" if pct < 0 and scaled else "") + text + "%"


def _whole_hundred(pct: float, /) -> bool:
    """Whether ``pct`` is 100 (or -100) but for floating-point noise (1e-6 points).

    >>> _whole_hundred(99.99999999999997), _whole_hundred(-100.0), _whole_hundred(99.99)
    (True, True, False)
    """
    return round(abs(pct), 6) == 100


def benchmark(concentration: Mapping[str, Any], /) -> str:
    """Say how concentrated the portfolio is against 80/20, 90/10 and 95/5, naming the closest.

    ``concentration`` is the one row of ``analysis.concentration`` (a mapping of its
    columns): ``benchmark_position`` says which benchmarks the concentration curve reaches
    ("as concentrated as 80/20 (not 90/10): ...", or "flatter than 80/20: ..."), and
    ``closest_benchmark`` which one lies nearest the curve. Where they name the same one
    (always for a portfolio flatter than 80/20, whose closest is 80/20), the position is
    the phrase; where the closest is the next benchmark, one the curve falls short of, the
    phrase names it first with the share its top partners make (a decimal kept where the
    whole figure would read as reaching it). The command line and the report write the
    benchmark with this function.

    >>> benchmark({"benchmark_position": "flatter than 80/20: 23% of partners make 80%",
    ...     "closest_benchmark": "80/20"})
    'flatter than 80/20: 23% of partners make 80%'
    >>> benchmark({"benchmark_position": "as concentrated as 80/20 (not 90/10): the top 20% "
    ...     "make 95%", "closest_benchmark": "90/10", "top10_share": 0.8957})
    ... # doctest: +NORMALIZE_WHITESPACE
    'closest to 90/10 (the top 10% make 89.6%); as concentrated as 80/20 (not 90/10): the
    top 20% make 95%'
    >>> benchmark({"benchmark_position": None, "closest_benchmark": None})
    'n/a'
    """
    position = concentration.get("benchmark_position")
    closest = concentration.get("closest_benchmark")
    if not position:
        return MISSING
    text = str(position)
    if not closest or text.startswith(("flatter than", f"as concentrated as {closest} ")):
        return text
    value, partners = (int(part) for part in str(closest).split("/"))
    share = concentration.get(f"top{partners}_share")
    return f"closest to {closest} (the top {partners}% make {_short_of(share, value)}); {text}"


def _short_of(share: float | None, target: int, /) -> str:
    """Write ``share`` as :func:`percent` does, unless it would read as ``target`` percent.

    A share below the target keeps one decimal, cut off below it where rounding reaches it.

    >>> _short_of(0.8957, 90), _short_of(0.8997, 90), _short_of(0.72, 80), _short_of(None, 80)
    ('89.6%', '89.9%', '72%', 'n/a')
    """
    text = percent(share)
    if share is None or _missing(share) or share * 100 >= target or text != f"{target}%":
        return text
    tenths = _scaled(share * 100, 1)
    if tenths >= target * 10:
        tenths = math.floor(round(share * 1000, 6))
    return f"{tenths // 10}.{tenths % 10}%"


def top_share(share: float | None, partners: int | None, /, *, fraction: float = 0.2) -> str:
    """Write the share of value the top ``fraction`` of ``partners`` hold, with how many.

    The concentration curve is read between partners, so when ``fraction`` of the partners
    is not a whole number the figure takes part of the next partner's share: the text gives
    the fractional count ("top 0.8 of 4") rather than let it pass for whole partners.

    >>> top_share(0.74, 150), top_share(0.6, 4), top_share(None, 0)
    ('74% (top 30 of 150)', '60% (top 0.8 of 4, on the curve)', 'n/a')
    """
    if _missing(share) or not partners:
        return MISSING
    at = round(partners * fraction, 9)
    if at == int(at):
        return f"{percent(share)} (top {int(at):,} of {partners:,})"
    return f"{percent(share)} (top {at:,.1f} of {partners:,}, on the curve)"


def effort_share(hours: float | None, partner_initiated: float | None = None, /) -> str:
    """Write our share of the effort: of the hours, else of the activities.

    ``hours`` is ``our_effort_share``; ``partner_initiated`` is ``partner_initiated_share``,
    whose complement stands in where the hours cannot compare the two sides, as
    ``one_sided`` judges it.

    >>> effort_share(0.8, 0.5), effort_share(None, 0.25), effort_share(None, None)
    ('80%', '75% of activities', 'n/a')
    """
    if not _missing(hours):
        return percent(hours)
    if _missing(partner_initiated):
        return MISSING
    assert partner_initiated is not None
    return f"{percent(1 - partner_initiated)} of activities"


def signed(value: float | None, /, *, digits: int = 2) -> str:
    """Write a number with its sign, for changes and trends in [-1, 1].

    >>> signed(0.25), signed(-0.5), signed(0.0), signed(None)
    ('+0.25', '-0.50', '+0.00', 'n/a')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    whole, fraction = divmod(_scaled(value, digits), 10**digits)
    sign = "-" if value < 0 and (whole or fraction) else "+"
    return f"{sign}{whole}" + (f".{fraction:0{digits}d}" if digits else "")


def signed_money(value: float | None, currency: str | None = None, /) -> str:
    """Write money with its sign, as a change reads: whole units, ``+`` when it rose.

    >>> signed_money(1200.4, "USD"), signed_money(-30.0), signed_money(0.2, "EUR")
    ('USD +1,200', '-30', 'EUR 0')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    text = number(value)
    sign = "+" if text != "0" and value > 0 else ""
    return _with_currency(f"{sign}{text}", currency)


def signed_percent(value: float | None, /) -> str:
    """Write a relative change (a fraction) as a signed percentage.

    >>> signed_percent(0.12), signed_percent(-0.043), signed_percent(0.0), signed_percent(None)
    ('+12%', '-4.3%', '0%', 'n/a')
    """
    if _missing(value):
        return MISSING
    assert value is not None
    text = percent(value)
    return text if value <= 0 or text == "0%" else "+" + text


def date(value: dt.date | None, /) -> str:
    """Write a date in ISO 8601.

    >>> date(dt.date(2025, 3, 31)), date(None)
    ('2025-03-31', 'n/a')
    """
    return MISSING if value is None else value.isoformat()


def quarter(day: dt.date | None, /) -> str:
    """Name the calendar quarter holding ``day``, as every view writes it.

    >>> quarter(dt.date(2025, 7, 1)), quarter(dt.date(2025, 12, 31)), quarter(None)
    ('Q3 2025', 'Q4 2025', 'n/a')
    """
    return MISSING if day is None else f"Q{(day.month - 1) // 3 + 1} {day.year}"


def window(start: dt.date, end: dt.date, /) -> str:
    """Write an analysis window ``(start, end]`` as the first and last days it holds.

    >>> window(dt.date(2024, 3, 31), dt.date(2025, 3, 31))
    '2024-04-01 to 2025-03-31'
    """
    return f"{date(start + dt.timedelta(days=1))} to {date(end)}"


# --- polars expressions ----------------------------------------------------------------------


def _grouped(whole: pl.Expr) -> pl.Expr:
    """Digits of a non-negative integer expression with thousands separators."""
    return (
        whole.cast(pl.String)
        .str.reverse()
        .str.replace_all(r"(\d{3})", "${1},")
        .str.reverse()
        .str.strip_chars_start(",")
    )


def count_expr(expr: pl.Expr, /) -> pl.Expr:
    """Expression twin of :func:`count` (also rounds a float to a whole number).

    >>> pl.DataFrame({"n": [1234567, None, -5]}).select(count_expr(pl.col("n")))["n"].to_list()
    ['1,234,567', 'n/a', '-5']
    """
    return number_expr(expr)


def number_expr(expr: pl.Expr, /, *, digits: int = 0) -> pl.Expr:
    """Expression twin of :func:`number`.

    >>> frame = pl.DataFrame({"x": [1234567.891, -0.4, None, 12.26]})
    >>> frame.select(number_expr(pl.col("x"), digits=1))["x"].to_list()
    ['1,234,567.9', '-0.4', 'n/a', '12.3']
    >>> frame.select(number_expr(pl.col("x")))["x"].to_list()
    ['1,234,568', '0', 'n/a', '12']
    """
    value = expr.cast(pl.Float64)
    scaled = (value.abs() * 10**digits).round(0, mode="half_away_from_zero")
    scaled = scaled.cast(pl.Int64, strict=False)
    whole = _grouped(scaled // 10**digits)
    if digits:
        fraction = (scaled % 10**digits).cast(pl.String).str.zfill(digits)
        body = pl.concat_str([whole, pl.lit("."), fraction])
    else:
        body = whole
    negative = (value < 0) & (scaled > 0)
    text = pl.when(negative).then(pl.lit("-") + body).otherwise(body)
    missing = value.is_null() | value.is_nan()
    return pl.when(missing).then(pl.lit(MISSING)).otherwise(text).name.keep()


def money_expr(expr: pl.Expr, currency: str | None = None, /) -> pl.Expr:
    """Expression twin of :func:`money` (whole units, currency code first).

    >>> frame = pl.DataFrame({"v": [1234567.4, None, 0.0]})
    >>> frame.select(money_expr(pl.col("v"), "EUR"))["v"].to_list()
    ['EUR 1,234,567', 'n/a', 'EUR 0']
    """
    text = number_expr(expr)
    if not currency:
        return text
    coded = pl.lit(f"{currency} ") + text
    return pl.when(text == MISSING).then(text).otherwise(coded).name.keep()


def percent_expr(expr: pl.Expr, /) -> pl.Expr:
    """Expression twin of :func:`percent`.

    >>> frame = pl.DataFrame({"s": [0.4237, 0.043, 0.0, None, 1.0, -0.9986, 0.9999999999999998]})
    >>> frame.select(percent_expr(pl.col("s")))["s"].to_list()
    ['42%', '4.3%', '0%', 'n/a', '100%', '-99.8%', '100%']
    """
    pct = expr.cast(pl.Float64) * 100
    whole = pct.round(0, mode="half_away_from_zero")
    tenth = pct.round(1, mode="half_away_from_zero")
    tenths = (pct.abs() * 10).round(6)
    cut = pl.when(pct.abs() < 100).then(tenths.floor()).otherwise(tenths.ceil())
    near = cut.cast(pl.Int64, strict=False)
    sign = pl.when(pct < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    body = (
        pl.when((whole.abs() == 100) & (pct.abs().round(6) != 100))
        .then(pl.format("{}{}.{}", sign, near // 10, near % 10))
        .when(pct.abs() >= 9.95)
        .then(whole.cast(pl.Int64, strict=False).cast(pl.String))
        .when(tenth == tenth.round(0))
        .then(tenth.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(tenth.cast(pl.String))
    )
    return (
        pl.when(pct.is_null() | pct.is_nan())
        .then(pl.lit(MISSING))
        .otherwise(body.str.replace(r"^-0$", "0") + "%")
        .name.keep()
    )
