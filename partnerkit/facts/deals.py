"""Stage-1 reductions of the deals: per partner, per partner and quarter, per account.

Each is one pass over the deals with the window pushed down as a filter, every fact a
conditional sum, count, min or max inside one ``group_by`` (see :mod:`.aggregates`):

- :func:`deal_facts`: one row per ``partner_id`` (the null id is direct deals) with every
  per-partner deal fact and the engagement-timing counts;
- :func:`deal_quarters`: the won revenue, won and lost deals of each tracked calendar
  quarter, LONG: one row per partner and quarter that closed a deal;
- :func:`deal_accounts`: one row per (partner, account) with a deal live in W;
- :func:`lift_samples`: the won deals of the small groups, for the bootstrap.

Money sums are rounded to cents here, so partners with equal revenue tie exactly whatever
the summation order. Date differences are differences of day numbers
(:func:`partnerkit.facts.engines.day_number`).

Examples
--------
>>> import polars as pl
>>> from partnerkit.window import Window
>>> deals = nw.from_native(pl.LazyFrame({
...     "partner_id": ["a", "a", None], "account_id": ["x", "y", "x"],
...     "created_on": [dt.date(2025, 1, 5)] * 3,
...     "closed_on": [dt.date(2025, 3, 1), None, dt.date(2025, 2, 1)],
...     "outcome": ["won", "open", "lost"], "amount": [100.0, 50.0, 70.0],
...     "source": ["partner", "vendor", "vendor"],
...     "partner_engaged_on": [None, None, None]},
...     schema_overrides={"partner_id": pl.String, "partner_engaged_on": pl.Date}))
>>> w = Window.ending(dt.date(2025, 3, 31), months=12)
>>> f = deal_facts(deals, window=w, engine="polars", timing_cuts=(1 / 3, 2 / 3))
>>> f = f.sort("partner_id", nulls_last=True)
>>> f.select("partner_id", "won_revenue", "lost_deals", "open_pipeline").collect().rows()
[('a', 100.0, 0, 50.0), (None, 0.0, 1, 0.0)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw

from partnerkit.facts.aggregates import between, count_if, max_if, min_if, money, sum_if
from partnerkit.facts.engines import day_number
from partnerkit.schema import TIMING_BUCKETS
from partnerkit.window import Window

__all__ = [
    "actual_close",
    "deal_accounts",
    "deal_facts",
    "deal_quarters",
    "engagement_bucket",
    "lift_samples",
    "live_in",
    "open_at",
    "quarter_index",
    "quarter_index_of",
    "quarter_label",
]

Frame = nw.LazyFrame[Any]


def actual_close() -> nw.Expr:
    """Expression: the date a deal really closed; null while its outcome is ``open``.

    An open deal's close date is an expected one and closes nothing (see
    :meth:`partnerkit.window.Window.closed_on`).

    >>> import polars as pl
    >>> d = nw.from_native(pl.DataFrame({"closed_on": [dt.date(2025, 1, 9)] * 2,
    ...     "outcome": ["won", "open"]}))
    >>> d.select(actual_close()).to_native()["closed_on"].to_list()
    [datetime.date(2025, 1, 9), None]
    """
    return nw.when(nw.col("outcome") != "open").then(nw.col("closed_on"))


def _alive_after(day: dt.date, as_of: dt.date, /) -> nw.Expr:
    end = actual_close()
    created_by = nw.col("created_on") <= nw.lit(as_of)
    return (created_by & (end.is_null() | (end > nw.lit(day)))).fill_null(value=False)


def live_in(window: Window, /) -> nw.Expr:
    """Expression: a deal was open at some point of W.

    Its life runs from its creation to its actual close (:func:`actual_close`: an open
    deal's expected close date ends nothing); it meets W when it was created on or before
    as_of and not actually closed on or before the window start. Requires columns:
    ``created_on``, ``closed_on``, ``outcome``.

    >>> import polars as pl
    >>> w = Window(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    >>> d = nw.from_native(pl.DataFrame({"created_on": [dt.date(2024, 6, 1)] * 2,
    ...     "closed_on": [dt.date(2024, 9, 1)] * 2, "outcome": ["lost", "open"]}))
    >>> d.select(live_in(w).alias("live")).to_native()["live"].to_list()
    [False, True]
    """
    return _alive_after(window.start, window.end)


def open_at(as_of: dt.date, /) -> nw.Expr:
    """Expression: a deal was open at ``as_of`` (created by then, not actually closed by then).

    An open deal is open whatever its expected close date; a won or lost deal closed
    after as_of was still open on it. Requires columns: ``created_on``, ``closed_on``,
    ``outcome``.

    >>> import polars as pl
    >>> d = nw.from_native(pl.DataFrame({"created_on": [dt.date(2024, 6, 1)] * 3,
    ...     "closed_on": [dt.date(2024, 9, 1), dt.date(2025, 3, 1), dt.date(2024, 9, 1)],
    ...     "outcome": ["open", "won", "won"]}))
    >>> d.select(open_at(dt.date(2025, 1, 31)).alias("o")).to_native()["o"].to_list()
    [True, True, False]
    """
    return _alive_after(as_of, as_of)


def quarter_index(column: str, /) -> nw.Expr:
    """Expression: ``year * 4 + quarter - 1`` of the date in ``column`` (consecutive quarters).

    >>> import polars as pl
    >>> d = nw.from_native(pl.DataFrame({"d": [dt.date(2025, 3, 31), dt.date(2025, 4, 1)]}))
    >>> d.select(quarter_index("d")).to_native()["d"].to_list()
    [8100, 8101]
    """
    day = nw.col(column)
    return day.dt.year().cast(nw.Int64) * 4 + (day.dt.month().cast(nw.Int64) - 1) // 3


def engagement_bucket(*, closed: nw.Expr, engine: str, cuts: tuple[float, float]) -> nw.Expr:
    """Expression: bucket index (0 early, 1 mid, 2 late) of a deal, null when not bucketed.

    The fraction of the deal's cycle elapsed when the partner was engaged is
    ``(partner_engaged_on - created_on) / max(closed_on - created_on, 1 day)`` clipped to
    [0, 1]; below ``cuts[0]`` is early, below ``cuts[1]`` mid, else late. ``closed`` says
    which rows take part; rows without an engagement date have none. Requires columns:
    ``created_on``, ``closed_on``, ``partner_engaged_on``.

    >>> import polars as pl
    >>> d = nw.from_native(pl.DataFrame({"created_on": [dt.date(2025, 1, 1)] * 3,
    ...     "closed_on": [dt.date(2025, 1, 31)] * 3,
    ...     "partner_engaged_on": [dt.date(2025, 1, 2), dt.date(2025, 1, 21), None]}))
    >>> b = engagement_bucket(closed=nw.lit(True), engine="polars", cuts=(1 / 3, 2 / 3))
    >>> d.select(b.alias("b")).to_native()["b"].to_list()
    [0, 2, None]
    """
    created = day_number("created_on", engine=engine)
    cycle = nw.max_horizontal(day_number("closed_on", engine=engine) - created, nw.lit(1))
    engaged = day_number("partner_engaged_on", engine=engine)
    fraction = ((engaged - created) / cycle).clip(0.0, 1.0)
    return (
        nw.when(~closed | nw.col("partner_engaged_on").is_null())
        .then(None)
        .when(fraction < cuts[0])
        .then(0)
        .when(fraction < cuts[1])
        .then(1)
        .otherwise(2)
    )


def _spread(n: nw.Expr, sum_sq: str, mean: nw.Expr) -> nw.Expr:
    return nw.when(n > 0).then((nw.col(sum_sq) / n - mean * mean).clip(lower_bound=0).sqrt())


def deal_facts(
    deals: Frame,
    /,
    *,
    window: Window,
    engine: str,
    timing_cuts: tuple[float, float],
    key: str = "partner_id",
    only: Sequence[str] | None = None,
) -> Frame:
    """Reduce deals to one row per ``partner_id`` in a single pass (null id = direct deals).

    ``key`` names the column to group by (``partner_id``, or a surrogate key of it);
    ``only`` keeps some of the sums, counts and dates below (the means and spreads of won
    deals need them all), so a caller needing few pays for few.

    Requires columns: ``partner_id``, ``created_on``, ``closed_on``, ``outcome``, ``amount``,
    ``source`` and ``partner_engaged_on`` (the last two may be all null).

    Columns produced (W = ``window``), in the order of ``FACT_SCHEMAS["deals"]``
    (:mod:`partnerkit.schema`): ``won_revenue``/``won_deals`` (won, closed in W), ``lost_deals``,
    ``sourced_revenue``/``influenced_revenue`` (won in W with source partner / vendor),
    ``open_pipeline``/``open_deals`` (open at as_of: outcome ``open`` whatever its expected close
    date, or won/lost after as_of), ``open_past_expected`` (open deals whose expected close date is
    on or before as_of), ``open_until`` (the latest expected close date of the deals open at as_of,
    as_of for one without), ``sourced_pipeline`` (amount of partner-sourced deals created in W),
    ``pipeline_created``/``deals_created`` (created in W), ``first_win_on``/``last_win_on``
    (first and latest win up to as_of), ``last_deal_on`` (latest creation up to as_of),
    ``first_deal_on`` (earliest creation: where the partner's data starts),
    ``revenue_prior``/``revenue_recent`` (won in each half of W),
    ``revenue_before`` (won in the span of as many days just before W),
    ``<bucket>_closed``/``<bucket>_won`` per engagement-timing bucket (:func:`engagement_bucket`),
    and ``avg_days_to_close``, ``sd_days_to_close``, ``sd_won_amount`` of the deals won in W.

    Examples
    --------
    >>> import polars as pl
    >>> deals = nw.from_native(pl.LazyFrame({"partner_id": ["a", "a"],
    ...     "created_on": [dt.date(2025, 1, 1)] * 2,
    ...     "closed_on": [dt.date(2025, 2, 1), dt.date(2025, 3, 1)], "outcome": ["won", "won"],
    ...     "amount": [10.0, 30.0], "source": [None, None], "partner_engaged_on": [None, None]},
    ...     schema_overrides={"source": pl.String, "partner_engaged_on": pl.Date}))
    >>> w = Window.ending(dt.date(2025, 3, 1), months=2)
    >>> f = deal_facts(deals, window=w, engine="polars", timing_cuts=(1 / 3, 2 / 3))
    >>> f.select("won_deals", "avg_days_to_close").collect().row(0)
    (2, 45.0)
    """
    w = window
    closed, created = nw.col("closed_on"), nw.col("created_on")
    outcome, amount = nw.col("outcome"), nw.col("amount").cast(nw.Float64)
    won, new, lost = nw.col("_won"), nw.col("_new"), nw.col("_lost")
    sourced, vendor = nw.col("_sourced"), nw.col("_vendor")
    days = nw.col("_days")
    before_start = w.start - dt.timedelta(days=w.days)
    closed_by_end = (closed <= nw.lit(w.end)).fill_null(value=False)
    timing_aggs: dict[str, nw.Expr] = {}
    for k, name in enumerate(TIMING_BUCKETS):
        in_bucket = (nw.col("_bucket") == k).fill_null(value=False)
        timing_aggs[f"{name}_closed"] = count_if(in_bucket)
        timing_aggs[f"{name}_won"] = count_if(in_bucket & won)
    n = nw.col("won_deals").cast(nw.Float64)
    mean_days = nw.col("_days_sum") / n
    mean_amount = nw.col("_amount_sum") / n
    rows = (
        deals.filter(created <= nw.lit(w.end))  # a null date is dropped
        .with_columns(
            _won=(outcome == "won").fill_null(value=False) & between(closed, w.start, w.end),
            _lost=(outcome == "lost").fill_null(value=False) & between(closed, w.start, w.end),
            _new=between(created, w.start, w.end),
            _sourced=(nw.col("source") == "partner").fill_null(value=False),
            _vendor=(nw.col("source") == "vendor").fill_null(value=False),
            # an open deal is open whatever its (expected) close date
            _open=((outcome == "open") | (closed > nw.lit(w.end)).fill_null(value=True)),
            _overdue=(outcome == "open") & closed_by_end,
            _days=day_number("closed_on", engine=engine) - day_number("created_on", engine=engine),
            _wq=(outcome == "won") & closed_by_end,
            _won_before=(outcome == "won") & between(closed, before_start, w.start),
        )
        .with_columns(
            _bucket=engagement_bucket(closed=won | lost, engine=engine, cuts=timing_cuts),
        )
    )
    aggregates: dict[str, nw.Expr] = {
        "won_revenue": money(sum_if(won, amount)),
        "won_deals": count_if(won),
        "lost_deals": count_if(lost),
        "sourced_revenue": money(sum_if(won & sourced, amount)),
        "influenced_revenue": money(sum_if(won & vendor, amount)),
        "open_pipeline": money(sum_if(nw.col("_open"), amount)),
        "open_deals": count_if(nw.col("_open")),
        "open_past_expected": count_if(nw.col("_overdue")),
        # an open deal without an expected close date is dated by its creation: an undated
        # deal opened years ago is no sign of life
        "open_until": max_if(
            nw.col("_open"), nw.when(closed.is_null()).then(created).otherwise(closed)
        ),
        "sourced_pipeline": money(sum_if(new & sourced, amount)),
        "pipeline_created": money(sum_if(new, amount)),
        "deals_created": count_if(new),
        "first_win_on": min_if(nw.col("_wq"), closed),
        "last_win_on": max_if(nw.col("_wq"), closed),
        "last_deal_on": created.max(),
        "first_deal_on": created.min(),
        "revenue_prior": money(sum_if(won & between(closed, w.start, w.mid), amount)),
        "revenue_recent": money(sum_if(won & between(closed, w.mid, w.end), amount)),
        "revenue_before": money(sum_if(nw.col("_won_before"), amount)),
        **timing_aggs,
        "_days_sum": sum_if(won, days).cast(nw.Float64),
        "_days_sq": sum_if(won, days * days).cast(nw.Float64),
        "_amount_sq": sum_if(won, amount * amount),
        "_amount_sum": sum_if(won, amount),
    }
    if only is not None:
        kept = set(only)
        return (
            rows.group_by(key)
            .agg(e.alias(name) for name, e in aggregates.items() if name in kept)
            .select(key, *only)
        )
    return (
        rows.group_by(key)
        .agg(e.alias(name) for name, e in aggregates.items())
        .with_columns(
            nw.when(n > 0).then(mean_days).alias("avg_days_to_close"),
            _spread(n, "_days_sq", mean_days).alias("sd_days_to_close"),
            _spread(n, "_amount_sq", mean_amount).alias("sd_won_amount"),
        )
        .drop("_days_sum", "_days_sq", "_amount_sq", "_amount_sum")
    )


def quarter_label(quarters: Sequence[dt.date], /) -> nw.Expr:
    """Expression: the first day of the tracked quarter whose :func:`quarter_index` is ``_q``.

    ``quarters`` are first days of calendar quarters (at least one); an index of no tracked
    quarter gives null. Date literals, not date arithmetic, so every engine agrees.

    >>> import polars as pl
    >>> d = nw.from_native(pl.DataFrame({"_q": [8100, 8101, 7000]}))
    >>> d.select(quarter_label((dt.date(2025, 1, 1),)).alias("q")).to_native()["q"].to_list()
    [datetime.date(2025, 1, 1), None, None]
    """
    index = nw.col("_q")
    label = nw.when(index == quarter_index_of(quarters[0])).then(nw.lit(quarters[0]))
    for q in quarters[1:]:
        label = label.when(index == quarter_index_of(q)).then(nw.lit(q))
    return label


def deal_quarters(deals: Frame, /, *, window: Window, quarters: Sequence[dt.date]) -> Frame:
    """Won revenue, won and lost deals per partner and tracked quarter, LONG.

    A deal counts in the calendar quarter of its close when it was won or lost, closed on or
    before as_of and on or after the first tracked quarter's first day (an open deal's
    expected close date closes nothing; direct deals, without a partner, are left out).
    Requires columns: ``partner_id``, ``closed_on``, ``outcome``, ``amount``. Returns
    ``partner_id``, ``quarter`` (first day of the quarter, a Date), ``won_revenue`` (amount
    of the won deals, rounded to cents; a null amount adds nothing), ``won_deals`` and
    ``lost_deals``; a partner and quarter that closed no deal has no row.

    >>> import polars as pl
    >>> d = nw.from_native(pl.LazyFrame({"partner_id": ["a", "a", "b", None],
    ...     "closed_on": [dt.date(2025, 2, 1), dt.date(2025, 5, 1), dt.date(2025, 5, 2),
    ...         dt.date(2025, 5, 2)], "outcome": ["won", "won", "lost", "won"],
    ...     "amount": [1.0, 2.0, 3.0, 4.0]}))
    >>> w = Window.ending(dt.date(2025, 6, 30), months=12)
    >>> q = (dt.date(2025, 1, 1), dt.date(2025, 4, 1))
    >>> deal_quarters(d, window=w, quarters=q).sort("partner_id", "quarter").collect().rows()
    [('a', datetime.date(2025, 1, 1), 1.0, 1, 0), ('a', datetime.date(2025, 4, 1), 2.0, 1, 0), \
('b', datetime.date(2025, 4, 1), 0.0, 0, 1)]
    """
    closed, outcome = nw.col("closed_on"), nw.col("outcome")
    if not quarters:
        return deals.filter(
            nw.col("partner_id").is_null() & ~nw.col("partner_id").is_null()
        ).select(
            nw.col("partner_id"),
            nw.col("closed_on").alias("quarter"),
            nw.col("amount").cast(nw.Float64).alias("won_revenue"),
            nw.lit(0, dtype=nw.Int64).alias("won_deals"),
            nw.lit(0, dtype=nw.Int64).alias("lost_deals"),
        )
    won = (outcome == "won").fill_null(value=False)
    lost = (outcome == "lost").fill_null(value=False)
    in_span = ((closed >= nw.lit(quarters[0])) & (closed <= nw.lit(window.end))).fill_null(
        value=False
    )
    return (
        deals.filter((won | lost) & ~nw.col("partner_id").is_null() & in_span)
        .with_columns(_q=quarter_index("closed_on"))
        .group_by("partner_id", "_q")
        .agg(
            money(sum_if(won, nw.col("amount").cast(nw.Float64).fill_null(0.0))).alias(
                "won_revenue"
            ),
            count_if(won).alias("won_deals"),
            count_if(lost).alias("lost_deals"),
        )
        .select(
            "partner_id",
            quarter_label(quarters).alias("quarter"),
            "won_revenue",
            "won_deals",
            "lost_deals",
        )
    )


def quarter_index_of(day: dt.date, /) -> int:
    """:func:`quarter_index` of one date, in Python.

    >>> quarter_index_of(dt.date(2025, 4, 1))
    8101
    """
    return day.year * 4 + (day.month - 1) // 3


def deal_accounts(deals: Frame, /, *, window: Window, active_days: int | None = None) -> Frame:
    """One row per (partner, account) with a deal live in W (null partner = direct).

    A deal is live in W when it was created on or before as_of and not actually closed on
    or before the window start (an open deal's close date is an expected one and ends
    nothing). Requires columns: ``partner_id``, ``account_id``, ``created_on``,
    ``closed_on``, ``outcome``, ``amount``. Returns ``partner_id``, ``account_id``,
    ``deals`` (live in W), ``open_amount`` (amount of those deals still open at as_of) and
    the span the partner worked the account through them: ``active_from`` (earliest
    creation) and ``active_to`` (latest close, as_of for a deal still open then). Given
    ``active_days`` (the policy's), a deal left open whose expected close date (its creation
    date when it has none) lies ``active_days`` or more before as_of is a stale record, not
    a deal being worked: it ends on that date, as it is no sign of life either.

    >>> import polars as pl
    >>> deals = nw.from_native(pl.LazyFrame({"partner_id": ["a", "a"],
    ...     "account_id": ["x", "x"], "created_on": [dt.date(2025, 1, 1), dt.date(2025, 1, 3)],
    ...     "closed_on": [None, dt.date(2025, 1, 9)], "outcome": ["open", "lost"],
    ...     "amount": [5.0, 7.0]}))
    >>> w = Window.ending(dt.date(2025, 2, 1), months=1)
    >>> deal_accounts(deals, window=w).collect().row(0)
    ('a', 'x', 2, 5.0, datetime.date(2025, 1, 1), datetime.date(2025, 2, 1))
    >>> deal_accounts(deals, window=w, active_days=20).collect().row(0)  # undated, stale
    ('a', 'x', 2, 5.0, datetime.date(2025, 1, 1), datetime.date(2025, 1, 9))
    """
    as_of = nw.lit(window.end)
    end = actual_close()
    created = nw.col("created_on")
    to = nw.min_horizontal(end.fill_null(as_of), as_of)
    if active_days is not None:
        expected = nw.when(nw.col("closed_on").is_null()).then(created).otherwise("closed_on")
        since = nw.lit(window.end - dt.timedelta(days=active_days))
        stale = ((nw.col("outcome") == "open") & (expected <= since)).fill_null(value=False)
        to = nw.when(stale).then(expected).otherwise(to)
    return (
        deals.filter(live_in(window) & ~nw.col("account_id").is_null())
        .with_columns(_open=open_at(window.end), _to=to)
        .group_by("partner_id", "account_id")
        .agg(
            nw.len().cast(nw.Int64).alias("deals"),
            money(sum_if(nw.col("_open"), nw.col("amount").cast(nw.Float64))).alias("open_amount"),
            created.min().alias("active_from"),
            nw.col("_to").max().alias("active_to"),
        )
    )


def lift_samples(deals: Frame, /, *, window: Window, max_n: int, engine: str) -> Frame:
    """Won deals closed in W of every partner (or of direct deals) with at most ``max_n``.

    Requires columns: ``partner_id``, ``created_on``, ``closed_on``, ``outcome``, ``amount``.
    Returns ``partner_id``, ``amount``, ``days`` (creation to close). Larger groups are left
    out: their intervals use the normal limit and need no rows.

    >>> import polars as pl
    >>> d = nw.from_native(pl.LazyFrame({"partner_id": ["a", "a", "b"],
    ...     "created_on": [dt.date(2025, 1, 1)] * 3, "closed_on": [dt.date(2025, 1, 5)] * 3,
    ...     "outcome": ["won"] * 3, "amount": [1.0, 2.0, 3.0]}))
    >>> w = Window.ending(dt.date(2025, 1, 31), months=1)
    >>> lift_samples(d, window=w, max_n=1, engine="polars").collect().rows()
    [('b', 3.0, 4)]
    """
    won = (nw.col("outcome") == "won").fill_null(value=False) & between(
        "closed_on", window.start, window.end
    )
    return (
        deals.filter(won)
        .select(
            "partner_id",
            nw.col("amount").cast(nw.Float64),
            (
                day_number("closed_on", engine=engine) - day_number("created_on", engine=engine)
            ).alias("days"),
        )
        .filter(nw.len().over("partner_id") <= max_n)
    )
