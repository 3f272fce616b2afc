"""The actual events of a portfolio, and a latest event that stands far after all the others.

An analysis ends, by default, on the latest actual event in the data (a deal created, won or
lost; an activity). One mistyped date (2027 among dates of 2024 to 2026) then moves the whole
window into an empty future: every partner looks dormant and the recent figures are zero,
with no error. :func:`lone_latest` finds that case, so that the load report can quote the
row (line and id) and the analysis can say which record set its as_of.

Examples
--------
>>> import datetime as dt
>>> import polars as pl
>>> days = [dt.date(2025, 1, 1) + dt.timedelta(days=7 * i) for i in range(30)]
>>> deals = pl.LazyFrame({"deal_id": [f"d{i}" for i in range(31)],
...     "created_on": [*days, dt.date(2027, 6, 1)], "closed_on": [None] * 31,
...     "outcome": ["open"] * 31})
>>> lone = lone_latest({"deals": deals}, days=91, record={"deals": "deal_id"})
>>> lone.table, lone.column, lone.on, lone.before, lone.rows
('deals', 'created_on', datetime.date(2027, 6, 1), datetime.date(2025, 7, 23), ((None, 'd30'),))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

__all__ = ["ACTUAL_EVENTS", "MIN_EVENTS", "LoneEvent", "event_date", "lone_latest"]

ACTUAL_EVENTS: tuple[tuple[str, str], ...] = (
    ("deals", "created_on"),
    ("deals", "closed_on"),
    ("activities", "occurred_on"),
)
"""(table, column) of the dates that mark actual events; a deal's ``closed_on`` counts only
when the deal is won or lost."""

MIN_EVENTS = 20
"""Fewer rows with events than this and a long gap before the latest is no surprise."""


def event_date(table: str, columns: set[str] | frozenset[str], /) -> pl.Expr | None:
    """Return each row's latest actual event in ``table``, or None when it has no event column.

    ``columns`` are the table's columns. A deal's close date counts only when it is won or
    lost (an open deal's close date is expected, not an event).

    >>> deals = pl.DataFrame({"created_on": [dt.date(2025, 1, 1)] * 2,
    ...     "closed_on": [dt.date(2025, 2, 1)] * 2, "outcome": ["won", "open"]})
    >>> deals.select(event_date("deals", set(deals.columns)))["event"].to_list()
    [datetime.date(2025, 2, 1), datetime.date(2025, 1, 1)]
    """
    dates: list[pl.Expr] = []
    for name, column in ACTUAL_EVENTS:
        if name != table or column not in columns:
            continue
        date = pl.col(column)
        if (name, column) == ("deals", "closed_on"):
            if "outcome" not in columns:
                continue
            date = pl.when(pl.col("outcome").is_in(["won", "lost"])).then(date)
        dates.append(date)
    return pl.max_horizontal(dates).alias("event") if dates else None


@dataclass(frozen=True)
class LoneEvent:
    """The latest actual event when it lies more than a gap after every other event.

    ``rows`` holds up to three ``(row number, record id)`` of the rows on that date (the row
    number is None when the frames carry none); ``count`` how many rows there are.
    """

    table: str
    column: str
    on: dt.date
    before: dt.date
    rows: tuple[tuple[int | None, str | None], ...]
    count: int

    @property
    def gap(self) -> int:
        """Days from the latest other event to this one."""
        return (self.on - self.before).days


def lone_latest(
    frames: Mapping[str, pl.LazyFrame],
    /,
    *,
    days: int,
    latest: dt.date | None = None,
    row: str | None = None,
    record: Mapping[str, str] | None = None,
) -> LoneEvent | None:
    """Return the latest actual event when it lies more than ``days`` after every other one.

    ``frames`` are canonical tables (``deals``, ``activities``; others are ignored), with
    parsed dates. ``latest`` is their latest actual event when known already. ``row`` names
    a column of row numbers to quote, ``record`` the id column of each table. None when the
    tables hold fewer than :data:`MIN_EVENTS` rows: a gap is no surprise then.

    One pass counts the rows within ``days`` of the latest event and on it; only when the
    latest event stands alone does a second query quote its rows and find the event before.
    """
    record = record or {}
    parts: dict[str, tuple[pl.LazyFrame, pl.Expr, list[str]]] = {}
    for name, frame in frames.items():
        columns = set(frame.collect_schema().names())
        event = event_date(name, columns)
        if event is not None:
            dates = [c for t, c in ACTUAL_EVENTS if t == name and c in columns]
            parts[name] = (frame, event, dates)
    if not parts:
        return None
    if latest is None:
        tops = pl.collect_all([f.select(e.max()) for f, e, _ in parts.values()])
        found = [t.item() for t in tops if t.item() is not None]
        if not found:
            return None
        latest = max(found)
    since = latest - dt.timedelta(days=days)
    near = [  # a filter on the date columns alone: the other columns are read for few rows
        frame.filter(pl.any_horizontal([pl.col(d) >= since for d in dates])).select(
            (event >= since).sum().alias("recent"), (event == latest).sum().alias("on")
        )
        for frame, event, dates in parts.values()
    ]
    sizes = [frame.select(pl.len()) for frame, _, _ in parts.values()]
    found = pl.collect_all([*near, *sizes])
    counted, rows = found[: len(parts)], sum(int(s.item()) for s in found[len(parts) :])
    recent, on = (sum(int(c[k].item()) for c in counted) for k in ("recent", "on"))
    if rows < MIN_EVENTS or on == 0 or recent > on:
        return None  # few rows, or another event within `days` of the latest
    hits = [name for name, c in zip(parts, counted, strict=True) if c["on"].item()]
    frame, event, _ = parts[hits[0]]
    labels = _labels(hits[0], latest, row=row, record=record.get(hits[0]))
    first, *earlier = pl.collect_all(
        [
            frame.filter(event == latest).select(labels).head(3),
            *(f.filter(e < since).select(e.max()) for f, e, _ in parts.values()),
        ]
    )
    before = [b.item() for b in earlier if b.item() is not None]
    if not before:
        return None  # no other event at all
    return LoneEvent(
        table=hits[0],
        column=first["column"][0],
        on=latest,
        before=max(before),
        rows=tuple((r, i) for r, i in first.select("row", "record").iter_rows()),
        count=on,
    )


def _labels(table: str, on: dt.date, *, row: str | None, record: str | None) -> list[pl.Expr]:
    """Return the row number, record id and event column of a row whose latest event is on."""
    if table == "deals":
        created = pl.col("created_on") == on
        column = pl.when(created).then(pl.lit("created_on")).otherwise(pl.lit("closed_on"))
    else:
        column = pl.lit(next(c for t, c in ACTUAL_EVENTS if t == table))
    return [
        (pl.col(row) if row else pl.lit(None, pl.Int64)).alias("row"),
        (pl.col(record).cast(pl.String) if record else pl.lit(None, pl.String)).alias("record"),
        column.alias("column"),
    ]
