"""The :class:`Portfolio`: the five canonical tables as polars LazyFrames.

A portfolio always carries every canonical table with every canonical column, in canonical
order and dtype. What the source did not supply is remembered in :attr:`Portfolio.supplied`,
so an analysis that needs a missing table or column can say so instead of computing from
nulls. The portfolio is a plain holder of data: it reads nothing and checks nothing. Build
one with :func:`partnerkit.load.read_portfolio` (files or frames) or
:func:`partnerkit.load.from_frames` (frames already in memory); both validate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import polars as pl

from partnerkit.schema import TABLE_ORDER, TABLES

__all__ = ["ACTUAL_EVENTS", "Portfolio"]


@dataclass(frozen=True)
class Portfolio:
    """A validated, immutable partner portfolio.

    Attributes
    ----------
    partners, deals, activities, investments, overlaps
        Canonical LazyFrames (see :mod:`partnerkit.schema`). Optional tables that were not
        supplied are empty frames with the canonical schema.
    supplied
        For each table, the canonical columns the source really supplied (an empty tuple
        for a table that was not supplied at all).
    quarantine
        Rows set aside by an explicit opt-in, with the table, row number and rule broken;
        ``None`` when nothing was set aside.
    source
        A human-readable description of where the data came from.

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["p1"], "name": ["Acme"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1"], "partner_id": ["p1"],
    ...         "created_on": ["2025-01-05"], "closed_on": ["2025-03-01"],
    ...         "outcome": ["won"], "amount": [1200.0]}),
    ... )
    >>> p.has("activities"), p.has("deals", "source"), p.latest_date()
    (False, False, datetime.date(2025, 3, 1))
    """

    partners: pl.LazyFrame
    deals: pl.LazyFrame
    activities: pl.LazyFrame
    investments: pl.LazyFrame
    overlaps: pl.LazyFrame
    supplied: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    quarantine: pl.DataFrame | None = None
    source: str = "frames"

    def table(self, name: str) -> pl.LazyFrame:
        """Return the canonical table ``name`` as a LazyFrame."""
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; tables are {', '.join(TABLE_ORDER)}")
        frame: pl.LazyFrame = getattr(self, name)
        return frame

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether the source supplied ``table`` (and ``column`` in it, when given).

        An empty :attr:`supplied` means "not recorded" and counts as everything supplied,
        as in :meth:`partnerkit.facts.Facts.has` (the loaders always record it).
        """
        if not self.supplied:
            return True
        cols = self.supplied.get(table, ())
        return bool(cols) if column is None else column in cols

    @property
    def currency(self) -> str | None:
        """The portfolio's ISO currency code; None when neither data nor loader names one.

        Taken from the deals' ``currency`` column (one per portfolio, which validation
        checks), filled from the loader's ``currency=`` option.

        >>> from partnerkit.load import from_frames
        >>> from_frames(partners=pl.DataFrame({"partner_id": ["p"], "name": ["A"]}),
        ...     deals=pl.DataFrame({"deal_id": ["d"], "partner_id": ["p"],
        ...         "created_on": ["2025-01-05"], "closed_on": [None], "outcome": ["open"],
        ...         "amount": [5.0], "currency": ["eur"]})).currency
        'EUR'
        """
        first = self.deals.select(pl.col("currency").drop_nulls().first()).collect()
        code = first.item() if first.height else None
        return str(code) if code else None

    def missing(self) -> dict[str, tuple[str, ...]]:
        """Canonical columns not supplied, per table (whole tables included).

        Nothing is missing when :attr:`supplied` is empty (not recorded; see :meth:`has`).
        """
        return {
            name: tuple(c for c in TABLES[name].names if not self.has(name, c))
            for name in TABLE_ORDER
        }

    def latest_date(self) -> dt.date:
        """Return the latest *actual* event in the data: the default ``as_of`` of every analysis.

        Actual events are :data:`ACTUAL_EVENTS`: a deal created, a deal won or lost (its close
        date) and an activity. An open deal's close date is an expected one (a forecast,
        possibly far ahead) and never counts; neither do signing or investment dates, which
        may be planned ahead.
        """
        maxima = [
            self.table(name).select(_actual(name, col).max().alias("d"))
            for name, col in ACTUAL_EVENTS
            if self.has(name, col)
        ]
        found = pl.concat(maxima).drop_nulls().collect()["d"].to_list() if maxima else []
        if not found:
            raise ValueError("the portfolio holds no dates of actual events; pass as_of explicitly")
        latest: dt.date = max(found)
        return latest

    def open_past_expected(self, as_of: dt.date | None = None) -> int:
        """Count the open deals whose expected close date is on or before ``as_of``.

        ``as_of`` defaults to :meth:`latest_date`. Such deals are still open (their close
        date is what the CRM expected, not a close); the count is reported as a note.

        >>> from partnerkit.load import from_frames
        >>> p = from_frames(
        ...     partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
        ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "a"],
        ...         "created_on": ["2025-01-05", "2025-01-09"],
        ...         "closed_on": ["2025-01-07", "2025-12-31"],
        ...         "outcome": ["open", "open"], "amount": [10.0, 20.0]}))
        >>> p.latest_date(), p.open_past_expected()
        (datetime.date(2025, 1, 9), 1)
        """
        day = as_of if as_of is not None else self.latest_date()
        if not self.has("deals", "closed_on"):
            return 0
        late = (pl.col("outcome") == "open") & (pl.col("closed_on") <= pl.lit(day))
        count: int = self.deals.select(late.sum()).collect().item()
        return count


ACTUAL_EVENTS: tuple[tuple[str, str], ...] = (
    ("deals", "created_on"),
    ("deals", "closed_on"),
    ("activities", "occurred_on"),
)
"""(table, column) of the dates that mark actual events; a deal's ``closed_on`` counts only
when the deal is won or lost."""


def _actual(table: str, column: str) -> pl.Expr:
    if (table, column) == ("deals", "closed_on"):
        return pl.when(pl.col("outcome") != "open").then(pl.col(column))
    return pl.col(column)
