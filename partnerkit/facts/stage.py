"""Stage 1 as one call: canonical tables of one engine in, fact tables out.

:func:`build_facts` takes the canonical tables as frames of ONE engine (polars, DuckDB or
PySpark: the engine follows the input), the window and the :class:`FactSettings`, and
returns a :class:`StageOne`: the fact tables as native lazy frames of that engine (nothing is
computed yet). :meth:`StageOne.collect` computes them and hands the small facts to polars as
:class:`Facts`, checked against :data:`partnerkit.schema.FACT_SCHEMAS`; everything after
stage 1 (scores, Pareto, health, tiers, recommendations, what-if) reads those.

Examples
--------
>>> import polars as pl
>>> from partnerkit.policy import Policy
>>> from partnerkit.window import Window
>>> tables = {
...     "partners": pl.LazyFrame({"partner_id": ["a"], "name": ["A"]}),
...     "deals": pl.LazyFrame({"deal_id": ["d1"], "partner_id": ["a"],
...         "created_on": [dt.date(2025, 1, 5)], "closed_on": [dt.date(2025, 3, 1)],
...         "outcome": ["won"], "amount": [1200.0]}),
... }
>>> w = Window.ending(dt.date(2025, 3, 1), months=12)
>>> stage = build_facts(tables, window=w, settings=FactSettings.from_policy(Policy(), w))
>>> stage.engine
'polars'
>>> facts = stage.collect()
>>> facts.deals.select("partner_id", "won_revenue").collect().rows()
[('a', 1200.0)]
>>> facts.has("deals", "source"), facts.has("activities")
(False, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import narwhals.stable.v2 as nw
import polars as pl

from partnerkit.facts.activities import activity_facts, activity_quarters
from partnerkit.facts.deals import deal_accounts, deal_facts, deal_quarters, lift_samples
from partnerkit.facts.engines import engine_of_tables
from partnerkit.facts.investments import incentive_durability, investment_facts
from partnerkit.facts.overlaps import mapped_accounts, overlap_facts
from partnerkit.facts.settings import FactSettings
from partnerkit.facts.summary import currency_of, overdue_deals
from partnerkit.load import events
from partnerkit.load.events import ACTUAL_EVENTS, FutureEvents, LoneEvent, lone_latest
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.schema import FACT_SCHEMAS, TABLE_ORDER, TABLES
from partnerkit.window import Window

__all__ = [
    "ACTUAL_EVENTS",
    "FACT_ORDER",
    "Facts",
    "StageOne",
    "build_facts",
    "canonical_tables",
    "check_facts",
    "earliest_event",
    "from_portfolio",
    "future_event",
    "latest_date",
    "latest_event",
    "lone_event",
    "open_past_expected",
    "portfolio_currency",
    "portfolio_tables",
]

FACT_ORDER: tuple[str, ...] = tuple(FACT_SCHEMAS)
"""Names of the fact tables, in the order of :data:`partnerkit.schema.FACT_SCHEMAS`."""

Frame = nw.LazyFrame[Any]

_NW_TYPES: dict[type[pl.DataType], Any] = {
    pl.String: nw.String,
    pl.Date: nw.Date,
    pl.Float64: nw.Float64,
    pl.Int64: nw.Int64,
    pl.Boolean: nw.Boolean,
}

_SORTED: dict[str, tuple[str, ...]] = {
    "incentives": ("partner_id", "starts_on", "ends_on", "category", "amount"),
}
"""Fact tables handed to stage 2 in a fixed row order (the others are keyed, not ordered)."""


def check_facts(name: str, frame: pl.DataFrame, /, *, partial: bool = False) -> pl.DataFrame:
    """Return the collected fact table ``name`` in its declared schema, or raise.

    The columns must be those of :data:`partnerkit.schema.FACT_SCHEMAS` in order; values
    are cast to the declared types (an engine may give Int32 counts or a UInt32 length),
    and a value that does not fit raises. With ``partial``, the table may hold some of the
    declared columns (still in the declared order).

    >>> check_facts("mapped", pl.DataFrame({"partner_id": ["a"], "account_id": ["x"]})).shape
    (1, 2)
    >>> check_facts("mapped", pl.DataFrame({"partner_id": ["a"]}))
    Traceback (most recent call last):
    ...
    ValueError: fact table 'mapped' has columns ['partner_id'], not ['partner_id', 'account_id']
    """
    schema = FACT_SCHEMAS[name]
    if partial:
        schema = pl.Schema({c: t for c, t in schema.items() if c in frame.columns})
    if frame.columns != schema.names():
        raise ValueError(f"fact table {name!r} has columns {frame.columns}, not {schema.names()}")
    return frame.cast(schema, strict=True)


@dataclass(frozen=True)
class Facts:
    """The stage-1 facts of a portfolio for one window, as polars LazyFrames.

    One attribute per fact table of :data:`partnerkit.schema.FACT_SCHEMAS` (``partners``,
    ``deals``, ``deal_quarters``, ``activity_quarters``, ``accounts``, ``activities``,
    ``investments``, ``overlaps``, ``mapped``, ``incentives``, ``lift_samples``), plus:

    Attributes
    ----------
    window
        The analysis window.
    quarters
        First days of the quarters tracked for vital-few stability, oldest first.
    supplied
        Which canonical tables (and columns) the source supplied, so stage 2 knows which
        inputs were real; empty means unknown and counts as everything supplied.
    """

    window: Window
    quarters: tuple[dt.date, ...]
    partners: pl.LazyFrame
    deals: pl.LazyFrame
    deal_quarters: pl.LazyFrame
    activity_quarters: pl.LazyFrame
    accounts: pl.LazyFrame
    activities: pl.LazyFrame
    investments: pl.LazyFrame
    overlaps: pl.LazyFrame
    mapped: pl.LazyFrame
    incentives: pl.LazyFrame
    lift_samples: pl.LazyFrame
    supplied: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether the source supplied ``table`` (and ``column`` in it, when given).

        An empty ``supplied`` mapping means "unknown" and counts as everything supplied.
        """
        if not self.supplied:
            return True
        cols = self.supplied.get(table, ())
        return bool(cols) if column is None else column in cols

    def frames(self) -> dict[str, pl.LazyFrame]:
        """Return the fact tables by name, in :data:`FACT_ORDER`."""
        return {name: getattr(self, name) for name in FACT_ORDER}

    @classmethod
    def from_frames(
        cls,
        frames: Mapping[str, pl.LazyFrame | pl.DataFrame],
        /,
        *,
        window: Window,
        quarters: tuple[dt.date, ...],
        supplied: Mapping[str, tuple[str, ...]] | None = None,
    ) -> Facts:
        """Build facts from fact tables by name (a table not given is empty).

        >>> w = Window.ending(dt.date(2025, 3, 1), months=12)
        >>> f = Facts.from_frames({}, window=w, quarters=())
        >>> f.deals.collect().height, f.has("deals")
        (0, True)
        """
        unknown = set(frames) - set(FACT_ORDER)
        if unknown:
            raise ValueError(f"not fact tables: {sorted(unknown)}; expected {list(FACT_ORDER)}")
        tables = {
            name: frames[name].lazy() if name in frames else pl.LazyFrame(schema=schema)
            for name, schema in FACT_SCHEMAS.items()
        }
        return cls(
            window=window,
            quarters=tuple(quarters),
            supplied=MappingProxyType(dict(supplied or {})),
            **tables,
        )

    def collect(self) -> Facts:
        """Collect every fact table in one ``pl.collect_all`` and check it (:func:`check_facts`).

        The result holds the collected frames as cheap LazyFrames.
        """
        done = pl.collect_all(list(self.frames().values()))
        return Facts.from_frames(
            {n: check_facts(n, _ordered(n, df)) for n, df in zip(FACT_ORDER, done, strict=True)},
            window=self.window,
            quarters=self.quarters,
            supplied=self.supplied,
        )


def _ordered(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    keys = _SORTED.get(name)
    return frame.sort(list(keys), nulls_last=True) if keys else frame


@dataclass(frozen=True)
class StageOne:
    """The fact tables of :func:`build_facts`, as lazy frames of the input's engine.

    Attributes
    ----------
    engine
        ``"polars"``, ``"duckdb"`` or ``"spark"``.
    tables
        The fact tables by name (:data:`FACT_ORDER`), native lazy frames of ``engine``
        (polars LazyFrames, DuckDB relations, Spark DataFrames), e.g. to write them where
        the data lives.
    window, quarters, supplied
        As in :class:`Facts`.
    partial
        The tables hold some of the declared facts only (the core reduction).
    """

    engine: str
    tables: dict[str, Any]
    window: Window
    quarters: tuple[dt.date, ...]
    supplied: Mapping[str, tuple[str, ...]]
    partial: bool = False

    def lazy(self) -> Facts:
        """Return the facts as uncollected polars LazyFrames (polars engine only; not checked).

        Lets a polars caller fold stage 1 into a larger query collected once.
        """
        if self.engine != "polars":
            raise ValueError(f"lazy() needs the polars engine; these facts run on {self.engine}")
        return Facts.from_frames(
            self.tables, window=self.window, quarters=self.quarters, supplied=self.supplied
        )

    def collect(self) -> Facts:
        """Compute every fact table on the engine and return the small facts in polars.

        On polars the tables run in one ``pl.collect_all`` (shared scans computed once, the
        default engine: streaming); elsewhere each table is one query of the engine, its
        result handed to polars through Arrow. Each is checked against its declared schema.
        """
        if self.engine == "polars":
            names = list(self.tables)
            collected = pl.collect_all([self.tables[n] for n in names])
        else:
            names = list(self.tables)
            collected = [
                nw.from_native(self.tables[n]).collect(backend="polars").to_native() for n in names
            ]
        done = {
            n: check_facts(n, _ordered(n, df), partial=self.partial)
            for n, df in zip(names, collected, strict=True)
        }
        return Facts.from_frames(
            done, window=self.window, quarters=self.quarters, supplied=self.supplied
        )


def _lazy(frame: object) -> Frame:
    found: Any = nw.from_native(frame)
    lazy: Frame = found.lazy() if isinstance(found, nw.DataFrame) else found
    return lazy


def _empty(name: str, like: Frame) -> Frame:
    """Return an empty canonical table ``name`` on the engine of ``like`` (typed columns)."""
    anchor = like.collect_schema().names()[0]
    return (
        like.filter(nw.col(anchor).is_null() & ~nw.col(anchor).is_null())
        .select(
            nw.col(anchor).alias("_anchor"),
            *(
                nw.lit(None, dtype=_NW_TYPES[type(dtype)]).alias(col)
                for col, dtype in TABLES[name].schema.items()
            ),
        )
        .drop("_anchor")
    )


def _canonical(name: str, frame: Frame) -> Frame:
    """Project ``frame`` on the canonical columns of ``name``.

    Absent columns are their default (``status`` active) or typed nulls.
    """
    present = set(frame.collect_schema().names())
    return frame.select(
        nw.col(c.name).cast(_NW_TYPES[type(c.dtype)])
        if c.name in present
        else nw.lit(c.default, dtype=_NW_TYPES[type(c.dtype)]).alias(c.name)
        for c in TABLES[name].columns
    )


def canonical_tables(
    tables: Mapping[str, object],
    /,
    *,
    supplied: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[dict[str, Frame], Mapping[str, tuple[str, ...]]]:
    """Every canonical table as a narwhals LazyFrame of the input's engine, and ``supplied``.

    A table absent from ``tables`` is an empty one; canonical columns a frame lacks are
    typed nulls. ``supplied`` defaults to the canonical columns each given frame holds.
    """
    unknown = set(tables) - set(TABLE_ORDER)
    if unknown:
        raise ValueError(f"not canonical tables: {sorted(unknown)}; expected {list(TABLE_ORDER)}")
    if not tables:
        raise ValueError("stage 1 needs at least the partners and deals tables")
    given = {name: _lazy(frame) for name, frame in tables.items()}
    like = next(iter(given.values()))
    raw = {
        name: _canonical(name, given[name]) if name in given else _empty(name, like)
        for name in TABLE_ORDER
    }
    if supplied is None:
        supplied = {
            name: tuple(c for c in TABLES[name].names if c in given[name].collect_schema())
            for name in TABLE_ORDER
            if name in given
        }
    return raw, supplied


def build_facts(
    tables: Mapping[str, object],
    /,
    *,
    window: Window,
    settings: FactSettings,
    supplied: Mapping[str, tuple[str, ...]] | None = None,
) -> StageOne:
    """Build (lazily) every stage-1 fact table from the canonical ``tables``.

    ``tables`` maps canonical table names (``partners``, ``deals``, ``activities``,
    ``investments``, ``overlaps``) to frames of one engine: polars LazyFrames or
    DataFrames, DuckDB relations or PySpark DataFrames (anything else, or a mix, raises
    :class:`~partnerkit.facts.engines.UnsupportedEngine`). A table absent from the mapping
    counts as not supplied (empty); ``supplied`` (the portfolio's record of which tables and
    columns were real) defaults to the canonical columns each given frame holds. Canonical columns a
    frame lacks are read as nulls. Nothing is computed until :meth:`StageOne.collect`.
    """
    engine = engine_of_tables(tables)
    raw, supplied = canonical_tables(tables, supplied=supplied)
    s = settings
    deals = raw["deals"]
    accounts = deal_accounts(deals, window=window, active_days=s.active_days)
    facts: dict[str, Frame] = {
        "partners": raw["partners"],
        "deals": deal_facts(deals, window=window, engine=engine, timing_cuts=s.timing_cuts),
        "deal_quarters": deal_quarters(deals, window=window, quarters=s.quarters),
        "activity_quarters": activity_quarters(
            raw["activities"], window=window, quarters=s.quarters
        ),
        "accounts": accounts,
        "activities": activity_facts(raw["activities"], window=window, settings=s),
        "investments": investment_facts(
            raw["investments"],
            window=window,
            engine=engine,
            program_categories=s.program_categories,
        ),
        "overlaps": overlap_facts(raw["overlaps"], accounts=accounts, start=window.start),
        "mapped": mapped_accounts(raw["overlaps"]),
        "incentives": incentive_durability(
            raw["investments"],
            deals=deals,
            window=window,
            engine=engine,
            categories=s.incentive_categories,
            min_lift=s.incentive_min_lift,
            min_retention=s.incentive_min_retention,
        ),
        "lift_samples": lift_samples(deals, window=window, max_n=s.bootstrap_max_n, engine=engine),
    }
    return StageOne(
        engine=engine,
        tables={name: frame.to_native() for name, frame in facts.items()},
        window=window,
        quarters=tuple(s.quarters),
        supplied=MappingProxyType(dict(supplied)),
    )


def latest_event(tables: Mapping[str, object], /) -> dt.date | None:
    """Return the latest actual event in ``tables``: a deal created, won or lost, an activity.

    The default as-of of an analysis (never today's date). An open deal's close date is an
    expected one and does not count; signing and investment dates may be planned ahead and
    do not count either. Runs on the tables' engine; None when there is no such date.

    Two queries per table at most: the latest creation and activity dates first (a column's
    largest value, which Parquet statistics answer without reading rows), then the close
    dates of won and lost deals after that date only, the one test that reads outcomes (a
    filter on the close date, which statistics prune too).

    >>> deals = pl.LazyFrame({"created_on": [dt.date(2025, 1, 1)] * 2,
    ...     "closed_on": [dt.date(2025, 2, 1), dt.date(2026, 1, 1)], "outcome": ["won", "open"]})
    >>> latest_event({"deals": deals})
    datetime.date(2025, 2, 1)
    """
    return _event_bound(tables, latest=True)


def earliest_event(tables: Mapping[str, object], /) -> dt.date | None:
    """Return the earliest actual event in ``tables`` (the events of :func:`latest_event`).

    An as_of before it leaves the analysis window without a single event. Runs on the
    tables' engine; None when there is no such date.

    >>> deals = pl.LazyFrame({"created_on": [dt.date(2025, 3, 1)] * 2,
    ...     "closed_on": [dt.date(2025, 1, 1), dt.date(2024, 1, 1)], "outcome": ["won", "open"]})
    >>> earliest_event({"deals": deals})  # a close date before creation is an event too
    datetime.date(2025, 1, 1)
    """
    return _event_bound(tables, latest=False)


def _event_bound(tables: Mapping[str, object], /, *, latest: bool) -> dt.date | None:
    """Return the latest (or earliest) actual event in ``tables``; None when there is none."""
    engine_of_tables(tables)
    frames = {name: _lazy(tables[name]) for name, _ in ACTUAL_EVENTS if name in tables}
    columns = {name: set(frame.collect_schema().names()) for name, frame in frames.items()}
    bound = max if latest else min

    def extreme(frame: Frame, exprs: list[nw.Expr]) -> list[dt.date]:
        row = frame.select(exprs).collect(backend="polars").to_native().row(0)
        return [d for d in row if d is not None]

    found: list[dt.date] = []
    for name, frame in frames.items():
        plain = [
            (nw.col(column).max() if latest else nw.col(column).min()).alias(f"d{i}")
            for i, (table, column) in enumerate(ACTUAL_EVENTS)
            if table == name and column in columns[name] and (table, column) != _CLOSED
        ]
        if plain:
            found += extreme(frame, plain)
    if _CLOSED[0] in frames and {"closed_on", "outcome"} <= columns[_CLOSED[0]]:
        closed = nw.col("closed_on")
        deals = frames[_CLOSED[0]].filter(nw.col("outcome") != "open")
        if found:  # only a close beyond every other event can move the bound
            beyond = closed > nw.lit(max(found)) if latest else closed < nw.lit(min(found))
            deals = deals.filter(beyond)
        found += extreme(deals, [closed.max() if latest else closed.min()])
    return bound(found) if found else None


_CLOSED = ("deals", "closed_on")
"""The event of :data:`ACTUAL_EVENTS` that counts only for won and lost deals."""


def latest_date(portfolio: Portfolio, /) -> dt.date:
    """Return the latest actual event of ``portfolio``: the default as-of of every analysis.

    :func:`latest_event` of the tables the portfolio supplied (never today's date); raises
    ValueError when they hold no date of an actual event.

    >>> from partnerkit.load import from_frames
    >>> p = from_frames(partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "a"],
    ...         "created_on": ["2025-01-05", "2025-01-09"],
    ...         "closed_on": ["2025-01-07", "2025-12-31"],
    ...         "outcome": ["won", "open"], "amount": [10.0, 20.0]}))
    >>> latest_date(p)  # the open deal's expected close is no event
    datetime.date(2025, 1, 9)
    """
    latest = latest_event(portfolio_tables(portfolio))
    if latest is None:
        raise ValueError("the portfolio holds no dates of actual events; pass as_of explicitly")
    return latest


def portfolio_currency(portfolio: Portfolio, /) -> str | None:
    """Return the ISO currency code of ``portfolio``; None when neither data nor loader names one.

    The deals' ``currency`` (one per portfolio, which validation checks; the loader's
    ``currency=`` option fills it), read by :func:`~partnerkit.facts.summary.currency_of`.

    >>> from partnerkit.load import from_frames
    >>> portfolio_currency(from_frames(partners=pl.DataFrame({"partner_id": ["p"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d"], "partner_id": ["p"],
    ...         "created_on": ["2025-01-05"], "closed_on": [None], "outcome": ["open"],
    ...         "amount": [5.0], "currency": ["eur"]})))
    'EUR'
    """
    return currency_of({"deals": portfolio.deals})


def lone_event(
    portfolio: Portfolio, /, *, days: int, latest: dt.date | None = None
) -> LoneEvent | None:
    """Return the latest actual event of ``portfolio`` when it lies ``days`` after all others.

    The deal (by id) or activity whose date would set the default as_of, far after the
    rest of the data (see :func:`partnerkit.load.events.lone_latest`); None otherwise.
    ``latest`` is :func:`latest_date` when known already.

    >>> from partnerkit.load import from_frames
    >>> days = [dt.date(2025, 1, 1) + dt.timedelta(days=7 * i) for i in range(25)]
    >>> p = from_frames(partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": [f"d{i}" for i in range(26)], "partner_id": "a",
    ...         "created_on": [*days, dt.date(2025, 1, 1)],
    ...         "closed_on": [*days, dt.date(2027, 12, 31)], "outcome": "won", "amount": 1.0}))
    >>> lone = lone_event(p, days=91)
    >>> lone.rows, lone.column, lone.gap
    (((None, 'd25'),), 'closed_on', 926)
    """
    tables = portfolio_tables(portfolio)
    return lone_latest(tables, days=days, latest=latest, record={"deals": "deal_id"})


def future_event(portfolio: Portfolio, /, *, today: dt.date | None = None) -> FutureEvents | None:
    """Return the actual events of ``portfolio`` dated after ``today``; None when none is.

    ``today`` defaults to the machine's clock (:func:`partnerkit.load.events.clock_date`):
    read only to warn, never as a default as_of. Deals are quoted by id, activities by
    partner (see :func:`partnerkit.load.events.future_events`).

    >>> from partnerkit.load import from_frames
    >>> p = from_frames(partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": "a",
    ...         "created_on": ["2025-01-05", "2025-03-01"],
    ...         "closed_on": ["2025-02-01", "2027-12-31"],
    ...         "outcome": "won", "amount": 1.0}))
    >>> found = future_event(p, today=dt.date(2026, 12, 5))
    >>> found.rows, found.before
    ((('deals', 'closed_on', datetime.date(2027, 12, 31), None, 'd2'),), datetime.date(2025, 3, 1))
    """
    return events.future_events(
        portfolio_tables(portfolio),
        after=today or events.clock_date(),
        record={"deals": "deal_id", "activities": "partner_id"},
    )


def open_past_expected(portfolio: Portfolio, /, as_of: dt.date | None = None) -> int:
    """Count the open deals of ``portfolio`` whose expected close date is on or before ``as_of``.

    ``as_of`` defaults to :func:`latest_date`. Such deals are still open (their close date
    is what the CRM expected, not a close); the count is reported as a note. 0 when the
    source supplied no close dates.

    >>> from partnerkit.load import from_frames
    >>> p = from_frames(partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "a"],
    ...         "created_on": ["2025-01-05", "2025-01-09"],
    ...         "closed_on": ["2025-01-07", "2025-12-31"],
    ...         "outcome": ["open", "open"], "amount": [10.0, 20.0]}))
    >>> open_past_expected(p), open_past_expected(p, dt.date(2026, 1, 1))
    (1, 2)
    """
    day = as_of if as_of is not None else latest_date(portfolio)
    if not portfolio.has("deals", "closed_on"):
        return 0
    return overdue_deals({"deals": portfolio.deals}, as_of=day)


def portfolio_tables(portfolio: Portfolio, /) -> dict[str, pl.LazyFrame]:
    """Return the canonical tables of ``portfolio`` by name (supplied ones; all when unknown).

    >>> from partnerkit.load import from_frames
    >>> p = from_frames(partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d"], "partner_id": ["a"],
    ...         "created_on": ["2025-01-05"], "closed_on": [None], "outcome": ["open"],
    ...         "amount": [1.0]}))
    >>> sorted(portfolio_tables(p))
    ['deals', 'partners']
    """
    return {
        name: portfolio.table(name)
        for name in TABLE_ORDER
        if not portfolio.supplied or portfolio.has(name)
    }


def from_portfolio(portfolio: Portfolio, /, *, window: Window, policy: Policy) -> StageOne:
    """:func:`build_facts` on a polars :class:`~partnerkit.portfolio.Portfolio`.

    The portfolio's tables and ``supplied`` record go in, the settings are
    :meth:`FactSettings.from_policy`; a convenience for polars callers (stage 1 itself takes
    frames and settings).

    >>> from partnerkit.load import from_frames
    >>> p = from_frames(partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d"], "partner_id": ["a"],
    ...         "created_on": ["2025-01-05"], "closed_on": ["2025-03-01"], "outcome": ["won"],
    ...         "amount": [1.0]}))
    >>> w = Window.ending(dt.date(2025, 3, 1), months=12)
    >>> from_portfolio(p, window=w, policy=Policy()).collect().deals.collect()["won_revenue"].item()
    1.0
    """
    return build_facts(
        portfolio_tables(portfolio),
        window=window,
        settings=FactSettings.from_policy(policy, window),
        supplied=portfolio.supplied or None,
    )
