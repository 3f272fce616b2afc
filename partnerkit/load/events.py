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

__all__ = [
    "ACTUAL_EVENTS",
    "MIN_EVENTS",
    "FutureEvents",
    "LoneEvent",
    "clock_date",
    "event_date",
    "future_events",
    "lone_latest",
]

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
    dates = _event_dates(table, columns)
    return pl.max_horizontal(dates).alias("event") if dates else None


def _event_dates(table: str, columns: set[str] | frozenset[str], /) -> list[pl.Expr]:
    """Return the event dates of a row of ``table``, one expression per event column."""
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
    return dates


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


def clock_date() -> dt.date:
    """Return today's date on this machine's clock.

    Read only to say that events lie in the future (:func:`future_events`): never a
    default, so no result depends on the day an analysis runs.
    """
    return dt.datetime.now().astimezone().date()


@dataclass(frozen=True)
class FutureEvents:
    """Actual events dated after a day (today): events that cannot have happened yet.

    ``count`` rows hold one; ``rows`` quotes up to three of the latest as ``(table, column,
    date, row number, record id)``; ``before`` is the latest actual event on or before
    ``after`` (None when there is none).
    """

    after: dt.date
    count: int
    rows: tuple[tuple[str, str, dt.date, int | None, str | None], ...]
    before: dt.date | None


def future_events(
    frames: Mapping[str, pl.LazyFrame],
    /,
    *,
    after: dt.date,
    row: str | None = None,
    record: Mapping[str, str] | None = None,
) -> FutureEvents | None:
    """Return the actual events dated after ``after`` (today), or None when there is none.

    ``frames``, ``row`` and ``record`` as for :func:`lone_latest`. A task's due date or a
    deal's expected date mapped as an event, or a year typed wrong, would otherwise set the
    default as_of in the future.

    >>> deals = pl.LazyFrame({"deal_id": ["d1", "d2"],
    ...     "created_on": [dt.date(2025, 1, 1), dt.date(2027, 2, 15)], "closed_on": [None, None],
    ...     "outcome": ["open", "open"]})
    >>> found = future_events({"deals": deals}, after=dt.date(2026, 12, 5),
    ...     record={"deals": "deal_id"})
    >>> found.count, found.before
    (1, datetime.date(2025, 1, 1))
    >>> found.rows
    (('deals', 'created_on', datetime.date(2027, 2, 15), None, 'd2'),)
    """
    record = record or {}
    parts: dict[str, pl.Expr] = {}
    queries: list[pl.LazyFrame] = []
    for name, frame in frames.items():
        dates = _event_dates(name, set(frame.collect_schema().names()))
        if not dates:
            continue
        parts[name] = event = pl.max_horizontal(dates)
        late = frame.filter(event > after)
        labels = _labels(name, event, row=row, record=record.get(name))
        queries += [
            late.select(pl.len()),
            late.select(event.alias("on"), *labels).sort("on", descending=True).head(3),
            frame.select(pl.max_horizontal(pl.when(d <= after).then(d) for d in dates).max()),
        ]
    if not queries:
        return None
    found = pl.collect_all(queries)
    count = sum(int(found[i].item()) for i in range(0, len(found), 3))
    if count == 0:
        return None
    quoted = sorted(
        (
            (name, column, on, row_number, record_id)
            for name, frame in zip(parts, found[1::3], strict=True)
            for on, row_number, record_id, column in frame.iter_rows()
        ),
        key=lambda r: r[2],
        reverse=True,
    )
    before = [b.item() for b in found[2::3] if b.item() is not None]
    return FutureEvents(
        after=after, count=count, rows=tuple(quoted[:3]), before=max(before) if before else None
    )


def _labels(
    table: str, on: dt.date | pl.Expr, *, row: str | None, record: str | None
) -> list[pl.Expr]:
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
