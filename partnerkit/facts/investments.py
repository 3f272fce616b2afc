"""Stage-1 reductions of the investments: spend in W per partner, and incentive durability.

:func:`investment_facts` pro-rates each investment to its days inside W
(:func:`prorated_amount`). :func:`incentive_durability` measures, for each incentive, the
partner's deal-creation rate before, during and after it (the definitions are in
:mod:`partnerkit.metrics.incentives`, which summarises it per partner). Date arithmetic is
done on day numbers (:func:`partnerkit.facts.engines.day_number`).

Examples
--------
>>> import datetime as dt
>>> import polars as pl
>>> from partnerkit.window import Window
>>> inv = nw.from_native(pl.LazyFrame({"partner_id": ["a", "a"], "category": ["people", "mdf"],
...     "starts_on": [dt.date(2025, 1, 1)] * 2, "ends_on": [None, None],
...     "amount": [10.0, 5.0]}, schema_overrides={"ends_on": pl.Date}))
>>> w = Window.ending(dt.date(2025, 1, 31), months=1)
>>> investment_facts(inv, window=w, engine="polars", program_categories=["mdf"]).collect().row(0)
('a', 15.0, 5.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw

from partnerkit.facts.aggregates import count_if, money, sum_if
from partnerkit.facts.engines import day_number
from partnerkit.window import Window

__all__ = [
    "DURABILITY",
    "RATE_DAYS",
    "incentive_durability",
    "investment_facts",
    "prorated_amount",
]

Frame = nw.LazyFrame[Any]

RATE_DAYS = 30
"""Deal-creation rates are expressed per this many days."""

DURABILITY = ("not yet measurable", "no lift", "ephemeral", "durable")
"""Values of the ``durability`` column of :func:`incentive_durability`."""

_EPOCH = dt.date(1970, 1, 1)


def _day(day: dt.date, /) -> int:
    return (day - _EPOCH).days


def prorated_amount(window: Window, /, *, engine: str) -> nw.Expr:
    """Expression: the part of an investment's ``amount`` falling in W, pro-rated by days.

    An investment covers the days ``starts_on`` to ``ends_on`` inclusive; an ongoing one
    (``ends_on`` null) runs until as_of. Its amount is spread evenly over those days and the
    days inside W are kept.

    >>> import polars as pl
    >>> w = Window(dt.date(2025, 1, 10), dt.date(2025, 1, 31))
    >>> inv = nw.from_native(pl.DataFrame({"starts_on": [dt.date(2025, 1, 1)],
    ...     "ends_on": [dt.date(2025, 1, 20)], "amount": [200.0]}))
    >>> inv.select(prorated_amount(w, engine="polars")).item()  # days 11..20 of 20: 10/20 * 200
    100.0
    """
    as_of = nw.lit(_day(window.end))
    start = day_number("starts_on", engine=engine)
    end = day_number("ends_on", engine=engine).fill_null(as_of)
    span = end - start + 1
    lo = nw.max_horizontal(start, nw.lit(_day(window.start) + 1))
    hi = nw.min_horizontal(end, as_of)
    inside = (hi - lo + 1).clip(lower_bound=0)
    amount = nw.col("amount").cast(nw.Float64)
    return nw.when(span > 0).then(amount * inside / span).otherwise(0.0).alias("amount")


def investment_facts(
    investments: Frame,
    /,
    *,
    window: Window,
    engine: str,
    program_categories: Sequence[str],
) -> Frame:
    """Investment in W per partner (pro-rated by days, see :func:`prorated_amount`).

    Requires columns: ``partner_id``, ``category``, ``starts_on``, ``ends_on``, ``amount``.
    Returns ``partner_id``, ``investment`` (all categories) and ``program_investment`` (the
    ``program_categories`` only).
    """
    part = prorated_amount(window, engine=engine)
    program = nw.col("category").is_in(list(program_categories)).fill_null(value=False)
    return (
        investments.filter((nw.col("starts_on") <= nw.lit(window.end)).fill_null(value=False))
        .with_columns(_part=part)
        .group_by("partner_id")
        .agg(
            money(nw.col("_part").sum()).alias("investment"),
            money(sum_if(program, nw.col("_part"))).alias("program_investment"),
        )
    )


def incentive_durability(
    investments: Frame,
    /,
    *,
    deals: Frame,
    window: Window,
    engine: str,
    categories: Sequence[str],
    min_lift: float,
    min_retention: float,
) -> Frame:
    """Deal-creation rate before, during and after each incentive.

    The definitions are in :mod:`partnerkit.metrics.incentives`. Requires columns:
    ``partner_id``, ``category``, ``starts_on``, ``ends_on``, ``amount`` (investments);
    ``partner_id`` and ``created_on`` (deals). Returns one row per incentive (sort it by
    partner and start date to read it: engines keep no order).

    >>> import polars as pl
    >>> day = lambda d: dt.date(2025, 1, 1) + dt.timedelta(days=d)
    >>> inv = nw.from_native(pl.LazyFrame({"partner_id": ["a"], "category": ["incentive"],
    ...     "starts_on": [day(30)], "ends_on": [day(59)], "amount": [1000.0]}))
    >>> deals = nw.from_native(pl.LazyFrame({"partner_id": ["a"] * 4,
    ...     "created_on": [day(5), day(31), day(40), day(50)]}))
    >>> out = incentive_durability(inv, deals=deals, window=Window(day(0), day(120)),
    ...     engine="polars", categories=["incentive"], min_lift=1.2, min_retention=0.5)
    >>> out.select("deals_before", "deals_during", "deals_after", "lift", "durability"
    ...     ).collect().row(0)
    (1, 3, 0, 2.5, 'ephemeral')
    """
    as_of = _day(window.end)
    start, end = nw.col("_start"), nw.col("_end")
    inc = (
        investments.filter(
            nw.col("category").is_in(list(categories)).fill_null(value=False)
            & (nw.col("starts_on") <= nw.lit(window.end)).fill_null(value=False)
        )
        .with_row_index(
            "_inc", order_by=["partner_id", "starts_on", "ends_on", "category", "amount"]
        )
        .with_columns(
            _start=day_number("starts_on", engine=engine),
            _end=nw.min_horizontal(
                day_number("ends_on", engine=engine).fill_null(as_of), nw.lit(as_of)
            ),
        )
        .with_columns(days=(end - start + 1).cast(nw.Int64))
        .join(
            deals.select(day_number("created_on", engine=engine).min().alias("_first")),
            how="cross",
        )
        .with_columns(
            _b0=nw.max_horizontal(start - nw.col("days"), nw.col("_first")),
            _b1=start - 1,
            _a0=end + 1,
            _a1=nw.min_horizontal(end + nw.col("days"), nw.lit(as_of)),
        )
        .with_columns(
            days_before=(nw.col("_b1") - nw.col("_b0") + 1).clip(lower_bound=0).cast(nw.Int64),
            days_after=(nw.col("_a1") - nw.col("_a0") + 1).clip(lower_bound=0).cast(nw.Int64),
        )
        .with_columns(measurable=nw.col("days_after") >= nw.col("days"))
    )
    created = nw.col("_created")

    def within(lo: str, hi: str) -> nw.Expr:
        return count_if((created >= nw.col(lo)) & (created <= nw.col(hi)))

    counts = (
        deals.filter(
            ~nw.col("partner_id").is_null()
            & (nw.col("created_on") <= nw.lit(window.end)).fill_null(value=False)
        )
        .select("partner_id", day_number("created_on", engine=engine).alias("_created"))
        .join(
            inc.select("_inc", "partner_id", "_start", "_end", "_b0", "_b1", "_a0", "_a1"),
            on="partner_id",
        )
        .group_by("_inc")
        .agg(
            within("_b0", "_b1").alias("deals_before"),
            within("_start", "_end").alias("deals_during"),
            within("_a0", "_a1").alias("deals_after"),
        )
    )

    def rate(n: str, d: str) -> nw.Expr:
        return nw.when(nw.col(d) > 0).then(nw.col(n) * RATE_DAYS / nw.col(d))

    before, during, after = nw.col("rate_before"), nw.col("rate_during"), nw.col("rate_after")
    lift, retention = nw.col("lift"), nw.col("retention")
    lifted = ((lift >= min_lift) & ~retention.is_null()).fill_null(value=False)
    return (
        inc.join(counts, on="_inc", how="left")
        .with_columns(
            nw.col("deals_before", "deals_during", "deals_after").fill_null(0).cast(nw.Int64)
        )
        .with_columns(
            rate_before=rate("deals_before", "days_before"),
            rate_during=rate("deals_during", "days"),
            rate_after=nw.when(nw.col("measurable")).then(rate("deals_after", "days_after")),
        )
        .with_columns(
            lift=nw.when(before > 0).then(during / before),
            retention=nw.when((during > before) & ~after.is_null()).then(
                (after - before) / (during - before)
            ),
        )
        .with_columns(
            ephemeral=((lift >= min_lift) & (retention < min_retention)).fill_null(value=False),
            durability=nw.when(~nw.col("measurable"))
            .then(nw.lit(DURABILITY[0]))
            .when(~lifted)
            .then(nw.lit(DURABILITY[1]))
            .when(retention < min_retention)
            .then(nw.lit(DURABILITY[2]))
            .otherwise(nw.lit(DURABILITY[3])),
        )
        .select(
            "partner_id",
            "category",
            "starts_on",
            "ends_on",
            nw.col("amount").cast(nw.Float64),
            "days",
            "days_before",
            "days_after",
            "deals_before",
            "deals_during",
            "deals_after",
            "rate_before",
            "rate_during",
            "rate_after",
            "lift",
            "retention",
            "measurable",
            "ephemeral",
            "durability",
        )
    )
