"""The :class:`Portfolio`: the five canonical tables as polars LazyFrames.

A portfolio always carries every canonical table with every canonical column, in canonical
order and dtype. What the source did not supply is remembered in :attr:`Portfolio.supplied`,
so an analysis that needs a missing table or column can say so instead of computing from
nulls. The portfolio is a plain holder of data: it reads nothing and checks nothing. Build
one with :func:`partnerkit.load.read_portfolio` (files or frames) or
:func:`partnerkit.load.from_frames` (frames already in memory); both validate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import polars as pl

from partnerkit.schema import TABLE_ORDER, TABLES

__all__ = ["Portfolio"]


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
    >>> p.has("activities"), p.has("deals", "source"), p.has("deals", "closed_on")
    (False, False, True)
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

    def missing(self) -> dict[str, tuple[str, ...]]:
        """Canonical columns not supplied, per table (whole tables included).

        Nothing is missing when :attr:`supplied` is empty (not recorded; see :meth:`has`).
        """
        return {
            name: tuple(c for c in TABLES[name].names if not self.has(name, c))
            for name in TABLE_ORDER
        }

    def rows_set_aside(self) -> dict[str, int]:
        """Count the rows quarantine set aside, per table (a row breaking several rules once).

        Every table of :data:`~partnerkit.schema.TABLE_ORDER` is listed; empty when nothing
        was set aside.

        >>> from partnerkit.load import from_frames
        >>> p = from_frames(partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
        ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "z"],
        ...         "created_on": ["2025-01-05"] * 2, "closed_on": ["2025-03-01"] * 2,
        ...         "outcome": ["won"] * 2, "amount": [1.0, -1.0]}), quarantine=True)
        >>> p.rows_set_aside()["deals"], from_frames(partners=p.partners.collect(),
        ...     deals=p.deals.collect()).rows_set_aside()
        (1, {})
        """
        if self.quarantine is None:
            return {}
        per_table = self.quarantine.group_by("table").agg(pl.col("row_number").n_unique())
        counted = dict(per_table.iter_rows())
        return {name: int(counted.get(name, 0)) for name in TABLE_ORDER}
