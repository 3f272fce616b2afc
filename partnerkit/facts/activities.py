"""Stage-1 reduction of the engagement log: one row per partner with an activity up to as_of.

One pass: the rows up to as_of are reduced per (partner, kind) — a dozen rows per partner
holding the counts and hours in W (by us, by the partner, initiator known), the latest day
and the latest partner-initiated day — and every per-partner figure is a conditional sum or
maximum over those few rows. The history dates (``last_activity_on``, ``last_qbr_on``,
``last_partner_activity_on``) and the figures of W come out of the same reduction, so the
raw rows are read once.

Examples
--------
>>> import datetime as dt
>>> import polars as pl
>>> from partnerkit.window import Window
>>> acts = nw.from_native(pl.LazyFrame({"partner_id": ["a", "a"],
...     "occurred_on": [dt.date(2025, 1, 2), dt.date(2025, 1, 3)], "kind": ["intro", "qbr"],
...     "initiated_by": ["partner", "us"], "hours": [1.0, 2.5]}))
>>> f = activity_facts(acts, window=Window.ending(dt.date(2025, 2, 1), months=1)).collect()
>>> f.select("referrals_received", "our_hours", "hours_qbr", "activity_breadth").row(0)
(1, 2.5, 2.5, 2)
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw

from partnerkit.facts.aggregates import between, count_if, max_if, money, sum_if
from partnerkit.facts.settings import FactSettings
from partnerkit.schema import ACTIVITY_KINDS
from partnerkit.window import Window

__all__ = ["HOURS_COLUMNS", "activity_facts", "hours_column"]

Frame = nw.LazyFrame[Any]


def hours_column(kind: str, /) -> str:
    """Name of the activity-facts (and scorecard) column holding the hours of one kind.

    >>> hours_column("joint_marketing")
    'hours_joint_marketing'
    """
    return f"hours_{kind}"


HOURS_COLUMNS = tuple(hours_column(k) for k in ACTIVITY_KINDS)
"""One hours column per canonical activity kind (:data:`partnerkit.schema.ACTIVITY_KINDS`)."""


def activity_facts(
    activities: Frame,
    /,
    *,
    window: Window,
    settings: FactSettings | None = None,
    key: str = "partner_id",
    core: bool = False,
) -> Frame:
    """Reduce the engagement log to one row per partner with an activity up to as_of.

    Requires columns: ``partner_id``, ``occurred_on``, ``kind``, ``initiated_by``, ``hours``.

    Counts are of activities in W: ``activities``, ``partner_initiated``,
    ``initiated_known`` (initiator recorded), ``enablement_activities`` (kinds
    ``settings.enablement_kinds``), ``joint_marketing_activities``, ``cosell_activities``,
    ``activity_breadth`` (distinct kinds), ``referrals_given`` (referrals and intros we
    initiated), ``referrals_received`` (initiated by the partner). ``our_hours`` and
    ``partner_hours`` sum the hours of activities in W initiated by each side, and one
    :func:`hours_column` per kind of :data:`partnerkit.schema.ACTIVITY_KINDS` the hours of
    that kind in W (whoever initiated them); hours are rounded to hundredths.
    ``last_activity_on``, ``last_qbr_on`` and ``last_partner_activity_on`` (initiated by
    the partner) look at all history up to as_of.

    ``key`` names the column to group by (``partner_id``, or a surrogate key of it). With
    ``core``, only the figures of the core scorecard are computed: ``activities``,
    ``referrals_given``, ``referrals_received``, the hours per kind, ``last_activity_on``
    and ``last_partner_activity_on``.
    """
    s = settings or FactSettings()
    kind, by, day = nw.col("kind"), nw.col("initiated_by"), nw.col("occurred_on")
    hours = nw.col("hours").cast(nw.Float64).fill_null(0.0)
    in_w = nw.col("_w")
    us, them = (by == "us").fill_null(value=False), (by == "partner").fill_null(value=False)
    per_kind = (
        activities.filter((day <= nw.lit(window.end)).fill_null(value=False))
        .with_columns(_w=between(day, window.start, window.end))
        .group_by(key, "kind")
        .agg(
            count_if(in_w).alias("_n"),
            count_if(in_w & us).alias("_us"),
            count_if(in_w & them).alias("_them"),
            *(
                ()
                if core
                else (
                    count_if(in_w & ~by.is_null()).alias("_known"),
                    sum_if(in_w & us, hours).alias("_h_us"),
                    sum_if(in_w & them, hours).alias("_h_them"),
                )
            ),
            sum_if(in_w, hours).alias("_h"),
            day.max().alias("_last"),
            max_if(them, day).alias("_last_them"),
        )
    )
    n = nw.col("_n")
    reciprocal = kind.is_in(s.reciprocal_kinds).fill_null(value=False)

    def count_of(expr: nw.Expr, condition: nw.Expr | None = None) -> nw.Expr:
        value = expr if condition is None else nw.when(condition).then(expr).otherwise(0)
        return value.sum().cast(nw.Int64)

    def kinds(names: tuple[str, ...]) -> nw.Expr:
        return kind.is_in(names).fill_null(value=False)

    per_hours = [
        money(sum_if((kind == k).fill_null(value=False), nw.col("_h"))).alias(hours_column(k))
        for k in ACTIVITY_KINDS
    ]
    last = nw.col("_last").max().alias("last_activity_on")
    last_them = nw.col("_last_them").max().alias("last_partner_activity_on")
    given = count_of(nw.col("_us"), reciprocal).alias("referrals_given")
    received = count_of(nw.col("_them"), reciprocal).alias("referrals_received")
    if core:
        return per_kind.group_by(key).agg(
            count_of(n).alias("activities"), given, received, *per_hours, last, last_them
        )
    return per_kind.group_by(key).agg(
        count_of(n).alias("activities"),
        count_of(nw.col("_them")).alias("partner_initiated"),
        count_of(nw.col("_known")).alias("initiated_known"),
        count_of(n, kinds(s.enablement_kinds)).alias("enablement_activities"),
        count_of(n, kinds(s.joint_marketing_kinds)).alias("joint_marketing_activities"),
        count_of(n, kinds(s.cosell_kinds)).alias("cosell_activities"),
        count_if(n > 0).alias("activity_breadth"),
        given,
        received,
        money(nw.col("_h_us").sum()).alias("our_hours"),
        money(nw.col("_h_them").sum()).alias("partner_hours"),
        *per_hours,
        last,
        max_if(kinds(s.qbr_kinds), nw.col("_last")).alias("last_qbr_on"),
        last_them,
    )
