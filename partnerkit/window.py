"""The analysis window W = (as_of - lookback, as_of] and the calendar helpers around it.

The window is open at its start and closed at its end: a deal closed exactly on ``as_of`` is
in W, one closed exactly on the start date is not. The lookback is counted in calendar
months; when the start month is shorter than the day of ``as_of`` the start is clamped to
that month's last day (a 12-month window ending 2024-02-29 starts 2023-02-28).

W is split in two halves for trends: the prior half is (start, mid] and the recent half is
(mid, as_of], with ``mid = start + floor(days(W) / 2)`` days.

Quarters are calendar quarters named by their first day (a ``Date``); the last quarter of a
window is the one containing ``as_of`` and is partial (it ends at ``as_of``).

Examples
--------
>>> w = Window.ending(dt.date(2025, 6, 30), months=12)
>>> w.start, w.mid, w.days
(datetime.date(2024, 6, 30), datetime.date(2024, 12, 29), 365)
>>> w.quarters(2)
(datetime.date(2025, 1, 1), datetime.date(2025, 4, 1))
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import polars as pl

__all__ = ["Window", "quarter_start", "shift_months"]


def shift_months(day: dt.date, months: int, /) -> dt.date:
    """Move ``day`` by a whole number of calendar months, clamping to the month's end.

    >>> shift_months(dt.date(2024, 3, 31), -1)
    datetime.date(2024, 2, 29)
    >>> shift_months(dt.date(2024, 2, 29), -12)
    datetime.date(2023, 2, 28)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def quarter_start(day: dt.date, /) -> dt.date:
    """First day of the calendar quarter holding ``day``.

    >>> quarter_start(dt.date(2025, 8, 17))
    datetime.date(2025, 7, 1)
    """
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _col(column: str | pl.Expr) -> pl.Expr:
    return pl.col(column) if isinstance(column, str) else column


@dataclass(frozen=True)
class Window:
    """The analysis window: every date ``d`` with ``start < d <= end`` (``end`` is as_of)."""

    start: dt.date
    end: dt.date

    @classmethod
    def ending(cls, as_of: dt.date, /, *, months: int) -> Window:
        """Build the window of ``months`` calendar months ending on ``as_of`` (inclusive).

        >>> Window.ending(dt.date(2025, 12, 31), months=3).start
        datetime.date(2025, 9, 30)
        """
        if months < 1:
            raise ValueError("a window needs at least one month")
        return cls(shift_months(as_of, -months), as_of)

    @property
    def as_of(self) -> dt.date:
        """The last day of the window."""
        return self.end

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days

    @property
    def mid(self) -> dt.date:
        """Last day of the prior half; the recent half is (mid, as_of]."""
        return self.start + dt.timedelta(days=self.days // 2)

    def contains(self, column: str | pl.Expr, /) -> pl.Expr:
        """Expression: the date in ``column`` lies in W (null dates are not in W).

        >>> w = Window(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
        >>> days = [dt.date(2025, 1, 1), dt.date(2025, 1, 2), dt.date(2025, 1, 31), None]
        >>> pl.DataFrame({"d": days}).select(w.contains("d")).to_series().to_list()
        [False, True, True, False]
        """
        c = _col(column)
        return ((c > pl.lit(self.start)) & (c <= pl.lit(self.end))).fill_null(value=False)

    def in_recent_half(self, column: str | pl.Expr, /) -> pl.Expr:
        """Expression: the date lies in the recent half (mid, as_of]."""
        c = _col(column)
        return ((c > pl.lit(self.mid)) & (c <= pl.lit(self.end))).fill_null(value=False)

    def in_prior_half(self, column: str | pl.Expr, /) -> pl.Expr:
        """Expression: the date lies in the prior half (start, mid]."""
        c = _col(column)
        return ((c > pl.lit(self.start)) & (c <= pl.lit(self.mid))).fill_null(value=False)

    def quarters(self, n: int, /) -> tuple[dt.date, ...]:
        """First days of the last ``n`` calendar quarters up to as_of, oldest first."""
        last = quarter_start(self.end)
        return tuple(shift_months(last, -3 * k) for k in range(n - 1, -1, -1))
