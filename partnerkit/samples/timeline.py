"""The calendar of a generated portfolio: its span, its analysis window and its month bins.

Dates are handled as whole days since 1970-01-01 (``int64``) while rows are generated, and
turned into polars ``Date`` columns at the end.

Examples
--------
>>> from datetime import date
>>> t = Timeline(end=date(2026, 9, 30), years=3)
>>> t.start, t.window_start, t.months
(datetime.date(2023, 10, 1), datetime.date(2025, 9, 30), 36)
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_END", "DEFAULT_YEARS", "EPOCH", "Timeline", "day_number", "shift_months"]

EPOCH = date(1970, 1, 1)
DEFAULT_END = date(2026, 9, 30)
"""Last day of a generated sample unless another is asked for."""
DEFAULT_YEARS = 3
"""Years of data in a generated sample unless another span is asked for."""


def day_number(d: date) -> int:
    """Return ``d`` as whole days since 1970-01-01.

    >>> day_number(date(1970, 1, 11))
    10
    """
    return (d - EPOCH).days


def shift_months(d: date, months: int) -> date:
    """Move ``d`` by whole calendar months, clipping the day to the target month's length.

    >>> shift_months(date(2026, 3, 31), -1), shift_months(date(2024, 2, 29), -12)
    (datetime.date(2026, 2, 28), datetime.date(2023, 2, 28))
    """
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


@dataclass(frozen=True)
class Timeline:
    """The span ``[start, end]`` of generated data and the default window ``(window_start, end]``.

    ``start`` is the day after ``end`` moved back ``years`` years; the window is the last
    twelve months, split in two halves at ``half``. Month bins are the calendar months the
    span touches, the first and last clipped to the span.
    """

    end: date
    years: int

    @property
    def start(self) -> date:
        """First day of generated deals and activities."""
        return shift_months(self.end, -12 * self.years) + timedelta(days=1)

    @property
    def window_start(self) -> date:
        """Exclusive start of the default twelve-month window."""
        return shift_months(self.end, -12)

    @property
    def half(self) -> date:
        """Last day of the window's first half."""
        return shift_months(self.end, -6)

    @property
    def end_day(self) -> int:
        """``end`` as a day number."""
        return day_number(self.end)

    @property
    def start_day(self) -> int:
        """``start`` as a day number."""
        return day_number(self.start)

    @property
    def window_day(self) -> int:
        """``window_start`` as a day number (days after it are in the window)."""
        return day_number(self.window_start)

    @cached_property
    def _bins(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        first = np.datetime64(self.start, "M")
        last = np.datetime64(self.end, "M")
        months = np.arange(first, last + np.timedelta64(1, "M"))
        lo = months.astype("datetime64[D]").astype(np.int64)
        hi = (months + np.timedelta64(1, "M")).astype("datetime64[D]").astype(np.int64) - 1
        lo[0] = max(int(lo[0]), self.start_day)
        hi[-1] = min(int(hi[-1]), self.end_day)
        return lo, hi

    @property
    def month_lo(self) -> npt.NDArray[np.int64]:
        """First day of each month bin."""
        return self._bins[0]

    @property
    def month_hi(self) -> npt.NDArray[np.int64]:
        """Last day of each month bin."""
        return self._bins[1]

    @property
    def months(self) -> int:
        """Number of month bins."""
        return len(self._bins[0])

    def month_start(self, back: int) -> int:
        """First day (day number) of the calendar month ``back`` months before ``end``'s month.

        >>> t = Timeline(end=date(2026, 9, 30), years=3)
        >>> str(EPOCH + timedelta(days=t.month_start(10)))
        '2025-11-01'
        """
        return int(self.month_lo[self.months - 1 - back])
