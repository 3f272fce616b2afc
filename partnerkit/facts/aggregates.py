"""Engine-neutral building blocks of the stage-1 reductions (narwhals expressions).

Everything here carries to every engine of :data:`partnerkit.facts.ENGINES`: conditional
sums are ``when/then/otherwise(0).sum()`` (never ``Expr.filter`` inside an aggregation),
window tests compare dates with date literals, and date differences are differences of
integer day numbers (:func:`partnerkit.facts.engines.day_number`, the one engine branch).

Examples
--------
>>> import polars as pl
>>> df = nw.from_native(pl.DataFrame({"ok": [True, False, True], "v": [1.0, 5.0, 2.0]}))
>>> df.select(sum_if(nw.col("ok"), nw.col("v"))).item()
3.0
"""

from __future__ import annotations

import datetime as dt

import narwhals.stable.v2 as nw

__all__ = ["between", "count_if", "max_if", "min_if", "money", "sum_if", "within"]


def sum_if(condition: nw.Expr, value: nw.Expr, /) -> nw.Expr:
    """Sum of ``value`` over the rows where ``condition`` holds (0 when none do).

    >>> import polars as pl
    >>> df = nw.from_native(pl.DataFrame({"ok": [False], "v": [1.0]}))
    >>> df.select(sum_if(nw.col("ok"), nw.col("v"))).item()
    0.0
    """
    return nw.when(condition).then(value).otherwise(0).sum()


def count_if(condition: nw.Expr, /) -> nw.Expr:
    """Count the rows where ``condition`` holds (Int64).

    >>> import polars as pl
    >>> df = nw.from_native(pl.DataFrame({"ok": [True, None, True]}))
    >>> df.select(count_if(nw.col("ok"))).item()
    2
    """
    return nw.when(condition).then(1).otherwise(0).sum().cast(nw.Int64)


def max_if(condition: nw.Expr, value: nw.Expr, /) -> nw.Expr:
    """Largest ``value`` over the rows where ``condition`` holds (null when none do).

    >>> import polars as pl
    >>> df = nw.from_native(pl.DataFrame({"ok": [True, False], "v": [1, 5]}))
    >>> df.select(max_if(nw.col("ok"), nw.col("v"))).item()
    1
    """
    return nw.when(condition).then(value).max()


def min_if(condition: nw.Expr, value: nw.Expr, /) -> nw.Expr:
    """Smallest ``value`` over the rows where ``condition`` holds (null when none do).

    >>> import polars as pl
    >>> df = nw.from_native(pl.DataFrame({"ok": [False, True], "v": [1, 5]}))
    >>> df.select(min_if(nw.col("ok"), nw.col("v"))).item()
    5
    """
    return nw.when(condition).then(value).min()


def money(expr: nw.Expr, /) -> nw.Expr:
    """Cast a money figure to Float64 rounded to cents.

    >>> import polars as pl
    >>> nw.from_native(pl.DataFrame({"v": [1.234]})).select(money(nw.col("v"))).item()
    1.23
    """
    return expr.cast(nw.Float64).round(2)


def between(column: str | nw.Expr, start: dt.date, end: dt.date, /) -> nw.Expr:
    """Expression: ``start < column <= end`` (null dates are outside).

    >>> import polars as pl
    >>> d = [dt.date(2025, 1, 1), dt.date(2025, 1, 2), None]
    >>> f = nw.from_native(pl.DataFrame({"d": d}))
    >>> f.select(between("d", dt.date(2025, 1, 1), dt.date(2025, 1, 31))).to_native()[
    ...     "d"].to_list()
    [False, True, False]
    """
    c = nw.col(column) if isinstance(column, str) else column
    return ((c > nw.lit(start)) & (c <= nw.lit(end))).fill_null(value=False)


def within(column: str | nw.Expr, start: dt.date, end: dt.date, /) -> nw.Expr:
    """Filter predicate: ``start < column <= end``, null for a null date (a filter drops it).

    The same rows as :func:`between` in a filter, without its ``fill_null``: a Parquet
    reader can then skip the row groups whose date statistics lie outside the window (on a
    file in date order, most of them), which it cannot through ``fill_null``. For filters
    only; in a condition that is negated or summed use :func:`between`.

    >>> import polars as pl
    >>> d = [dt.date(2025, 1, 1), dt.date(2025, 1, 2), None]
    >>> f = nw.from_native(pl.DataFrame({"d": d}))
    >>> f.filter(within("d", dt.date(2025, 1, 1), dt.date(2025, 1, 31))).to_native()["d"].to_list()
    [datetime.date(2025, 1, 2)]
    """
    c = nw.col(column) if isinstance(column, str) else column
    return (c > nw.lit(start)) & (c <= nw.lit(end))
