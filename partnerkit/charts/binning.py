"""Keep what a chart ships to the browser small, whatever the size of the portfolio.

A chart of 100,000 partners must not embed 100,000 rows: altair refuses more than 5,000 and a
browser chokes long before a human could tell the points apart. These reshapings reduce a
per-partner frame to a bounded number of rows in polars, exactly (a curve is sampled at
chosen points, not smoothed; a group keeps its true count, sum and extent).

Examples
--------
>>> import polars as pl
>>> curve = pl.DataFrame({"x": [i / 10 for i in range(11)], "y": [i * i for i in range(11)]})
>>> curve_points(curve, points=4)["x"].to_list()
[0.0, 0.2, 0.5, 0.8, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

__all__ = ["curve_points", "density_grid", "rank_bins", "symlog", "symlog_inverse"]

_INDEX = "_row"
_BIN = "_bin"


def curve_points(curve: pl.DataFrame, /, *, points: int) -> pl.DataFrame:
    """Keep about ``points`` + 1 rows of an ordered curve: its ends and evenly spaced rows.

    The rows kept are rows of the input, unchanged, so every plotted point is exact; a curve
    with at most ``points`` + 1 rows is returned whole.

    Requires columns: none (row order is the curve's order).
    """
    n = curve.height
    if n <= points + 1:
        return curve
    step = (n - 1) / points  # the rows numpy's rint(linspace(0, n - 1, points + 1)) names
    keep = sorted({round(i * step) for i in range(points)} | {n - 1})
    return curve.with_row_index(_INDEX).filter(pl.col(_INDEX).is_in(keep)).drop(_INDEX)


def rank_bins(
    ranked: pl.DataFrame,
    /,
    *,
    rank: str,
    bins: int,
    by: str | None = None,
    aggs: Sequence[pl.Expr] = (),
) -> pl.DataFrame:
    """Group ranks 1..n into ``bins`` runs of consecutive ranks, split where ``by`` changes.

    Returns one row per run, in rank order, with ``first_rank``, ``last_rank``,
    ``partners`` (rows in the run), ``by`` and one column per expression in ``aggs``.

    Requires columns: ``rank`` (1..n, no gaps) and ``by`` when given.

    Examples
    --------
    >>> frame = pl.DataFrame({"rank": [1, 2, 3, 4, 5], "vital": [True, True, False, False, False]})
    >>> rank_bins(frame, rank="rank", bins=2, by="vital").select(
    ...     "first_rank", "last_rank", "partners").rows()
    [(1, 2, 2), (3, 3, 1), (4, 5, 2)]
    """
    n = max(ranked.height, 1)
    keys = [_BIN] if by is None else [_BIN, by]
    return (
        ranked.with_columns(((pl.col(rank) - 1) * bins // n).cast(pl.Int64).alias(_BIN))
        .group_by(keys)
        .agg(
            pl.col(rank).min().alias("first_rank"),
            pl.col(rank).max().alias("last_rank"),
            pl.len().alias("partners"),
            *aggs,
        )
        .sort("first_rank")
        .drop(_BIN)
    )


def symlog(values: pl.Expr) -> pl.Expr:
    """Apply the symmetric-log transform of Vega-Lite's ``symlog`` scale (constant 1).

    >>> pl.select(symlog(pl.lit(-1.0)).round(4)).item()
    -0.6931
    """
    return values.sign() * values.abs().log1p()


def symlog_inverse(values: pl.Expr) -> pl.Expr:
    """Invert :func:`symlog`.

    >>> pl.select(symlog_inverse(symlog(pl.lit(25.0))).round(6)).item()
    25.0
    """
    return values.sign() * (values.abs().exp() - 1)


def density_grid(
    frame: pl.DataFrame,
    /,
    *,
    x: str,
    y: str,
    bins: int,
    x_log: bool = True,
    y_log: bool = True,
) -> pl.DataFrame:
    """Count rows in a ``bins`` x ``bins`` grid, even on symlog axes (or linear ones).

    Returns one row per non-empty cell with its edges ``x_lo, x_hi, y_lo, y_hi`` (in data
    units) and ``partners`` (the count); nulls in ``x`` or ``y`` are left out.

    Requires columns: ``x`` and ``y`` (numeric).

    Examples
    --------
    >>> frame = pl.DataFrame({"a": [0.0, 0.0, 99.0], "b": [0.0, 1.0, 9.0]})
    >>> density_grid(frame, x="a", y="b", bins=2)["partners"].sum()
    3
    """

    def forward(column: str, *, log: bool) -> pl.Expr:
        value = pl.col(column).cast(pl.Float64)
        return symlog(value) if log else value

    def back(value: pl.Expr, *, log: bool) -> pl.Expr:
        return symlog_inverse(value) if log else value

    logs = {"tx": x_log, "ty": y_log}
    points = frame.select(tx=forward(x, log=x_log), ty=forward(y, log=y_log)).drop_nulls()
    if points.height == 0:
        return pl.DataFrame(
            schema={
                "x_lo": pl.Float64,
                "x_hi": pl.Float64,
                "y_lo": pl.Float64,
                "y_hi": pl.Float64,
                "partners": pl.UInt32,
            }
        )
    edges = {}
    for axis in ("tx", "ty"):
        lo, hi = points[axis].min(), points[axis].max()
        assert isinstance(lo, float)
        assert isinstance(hi, float)
        width = (hi - lo) / bins if hi > lo else 1.0
        edges[axis] = (lo, width)

    def cell(axis: str) -> pl.Expr:
        lo, width = edges[axis]
        return (((pl.col(axis) - lo) / width).floor().clip(0, bins - 1)).cast(pl.Int64)

    def edge(axis: str, index: str, shift: int) -> pl.Expr:
        lo, width = edges[axis]
        return back(lo + (pl.col(index) + shift) * width, log=logs[axis])

    return (
        points.with_columns(ix=cell("tx"), iy=cell("ty"))
        .group_by("ix", "iy")
        .agg(partners=pl.len())
        .sort("ix", "iy")
        .select(
            x_lo=edge("tx", "ix", 0),
            x_hi=edge("tx", "ix", 1),
            y_lo=edge("ty", "iy", 0),
            y_hi=edge("ty", "iy", 1),
            partners="partners",
        )
    )
