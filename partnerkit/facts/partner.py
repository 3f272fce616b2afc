"""One partner's raw rows, for the drill-through: collected, sorted, each deal labelled.

The drill-through widget (:mod:`partnerkit.widgets.drill`) shows one partner's deals,
activities, investments and overlaps beside its scorecard figures. Reading those rows is
stage 1's business: :func:`partner_rows` filters each of the portfolio's lazy frames on
``partner_id`` before collecting (polars pushes the filter into the scan, so the whole
tables are never collected) and labels each deal with the figure it feeds
(:func:`counts_as`, from its actual close date); :func:`recompute` works the partner's
scorecard figures out again from those rows with plain filters and sums -- an independent
reading of the definitions, not the stage-1 reductions -- so every figure can be traced
to the rows behind it.

The rows are collected polars frames, like the collected facts handed to stage 2.

Examples
--------
>>> import datetime as dt
>>> deals = pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "a"],
...     "created_on": [dt.date(2025, 1, 2)] * 2,
...     "closed_on": [dt.date(2025, 5, 1), None], "outcome": ["won", "open"],
...     "amount": [100.0, 40.0], "source": ["partner", None]})
>>> figures = recompute({"deals": deals}, window=Window.ending(dt.date(2025, 6, 30), months=12))
>>> figures["won_revenue"], figures["sourced_revenue"], figures["open_pipeline"]
(100.0, 100.0, 40.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import narwhals.stable.v2 as nw
import polars as pl

from partnerkit.facts.deals import actual_close
from partnerkit.portfolio import Portfolio
from partnerkit.window import Window

__all__ = ["RAW_TABLES", "counts_as", "partner_frames", "partner_rows", "recompute"]

RAW_TABLES: tuple[str, ...] = ("deals", "activities", "investments", "overlaps")
"""The raw tables the drill-through shows, one partner's rows each."""

_SORT = {
    "deals": ("created_on", "deal_id"),
    "activities": ("occurred_on",),
    "investments": ("starts_on",),
    "overlaps": ("account_id",),
}


def partner_frames(portfolio: Portfolio, partner_id: str, /) -> dict[str, pl.LazyFrame]:
    """Return each raw table of :data:`RAW_TABLES` filtered on one partner, still lazy.

    The filter is the first step of each plan, so polars pushes it into the scan (a
    Parquet scan reads only the matching row groups and rows).

    Examples
    --------
    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1"], "partner_id": ["a"],
    ...         "created_on": ["2025-01-05"], "closed_on": [None],
    ...         "outcome": ["open"], "amount": [5.0]}))
    >>> sorted(partner_frames(p, "a"))
    ['activities', 'deals', 'investments', 'overlaps']
    """
    mine = pl.col("partner_id") == partner_id
    return {name: getattr(portfolio, name).filter(mine) for name in RAW_TABLES}


def partner_rows(
    portfolio: Portfolio, partner_id: str, /, *, window: Window | None = None
) -> dict[str, pl.DataFrame]:
    """Collect one partner's rows of each raw table (the filter is pushed into the scans).

    Requires columns: ``partner_id`` in every table. Returns ``{table: frame}`` for
    :data:`RAW_TABLES`, newest first where the table has a date; with a ``window``, the
    deals carry ``counts_as`` (:func:`counts_as`).

    Examples
    --------
    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "b"],
    ...         "created_on": ["2025-01-05"] * 2, "closed_on": [None, None],
    ...         "outcome": ["open"] * 2, "amount": [5.0, 7.0]}))
    >>> partner_rows(p, "b")["deals"]["deal_id"].to_list()
    ['d2']
    >>> w = Window.ending(dt.date(2025, 3, 31), months=12)
    >>> partner_rows(p, "b", window=w)["deals"]["counts_as"].to_list()
    ['open at as-of']
    """
    frames = partner_frames(portfolio, partner_id)
    out = {}
    for name, frame in zip(RAW_TABLES, pl.collect_all(frames.values()), strict=True):
        order = [c for c in _SORT[name] if c in frame.columns]
        dated = name != "overlaps"
        out[name] = (
            frame.sort(order, descending=dated, nulls_last=True, maintain_order=True)
            if order
            else frame
        )
    if window is not None:
        out["deals"] = counts_as(out["deals"], window=window)
    return out


def counts_as(deals: pl.DataFrame, /, *, window: Window) -> pl.DataFrame:
    """Add ``counts_as``: which scorecard figure each deal feeds.

    A deal counts by its actual close (:func:`partnerkit.facts.deals.actual_close`: an
    open deal's expected close date closes nothing). Requires columns: ``created_on``,
    ``closed_on``, ``outcome``.

    Examples
    --------
    >>> w = Window.ending(dt.date(2025, 6, 30), months=12)
    >>> d = pl.DataFrame({"created_on": [dt.date(2024, 1, 1)] * 3,
    ...     "closed_on": [dt.date(2025, 6, 30), dt.date(2024, 6, 30), None],
    ...     "outcome": ["won", "won", "open"]})
    >>> counts_as(d, window=w)["counts_as"].to_list()
    ['won in window', 'closed before the window', 'open at as-of']
    """
    closed, created, outcome = actual_close(), nw.col("created_on"), nw.col("outcome")
    as_of, start = nw.lit(window.end), nw.lit(window.start)
    label = (
        nw.when(created > as_of)
        .then(nw.lit("after as-of"))
        .when(closed.is_null() | (closed > as_of))
        .then(nw.lit("open at as-of"))
        .when(closed <= start)
        .then(nw.lit("closed before the window"))
        .when(outcome == "won")
        .then(nw.lit("won in window"))
        .when(outcome == "lost")
        .then(nw.lit("lost in window"))
        .otherwise(nw.lit("closed in window, " + "not won or lost"))
    )
    labelled: pl.DataFrame = (
        nw.from_native(deals).with_columns(label.alias("counts_as")).to_native()
    )
    return labelled


def recompute(rows: Mapping[str, pl.DataFrame], /, *, window: Window) -> dict[str, Any]:
    """Work out the drill-through's traced figures again from one partner's raw rows.

    The figures (those of :data:`partnerkit.widgets.drill.TRACED`): ``won_revenue``,
    ``won_deals``, ``sourced_revenue``, ``influenced_revenue``, ``lost_deals``,
    ``open_pipeline``, ``pipeline_created``, ``deals_created``, ``activities``,
    ``investment``, ``overlap_accounts``.

    The definitions are those of the scorecard (W = ``window``, as-of its end), written
    here as plain filters and sums. Figures whose table is missing from ``rows`` are left
    out. Money is rounded to cents.

    Requires columns: deals ``created_on``, ``closed_on``, ``outcome``, ``amount`` (and
    ``source`` for the sourced / influenced split); activities ``occurred_on``;
    investments ``starts_on``, ``ends_on``, ``amount``; overlaps ``account_id``.

    Examples
    --------
    >>> import datetime as dt
    >>> w = Window.ending(dt.date(2025, 12, 31), months=12)
    >>> inv = pl.DataFrame({"starts_on": [dt.date(2025, 7, 1)], "ends_on": [dt.date(2026, 6, 30)],
    ...                     "amount": [365.0]})
    >>> recompute({"investments": inv}, window=w)  # 184 of its 365 days fall in W
    {'investment': 184.0}
    """
    start, end = window.start, window.end
    out: dict[str, Any] = {}
    deals = rows.get("deals")
    if deals is not None:
        known = deals.filter(pl.col("created_on") <= end)
        in_w = known.filter(pl.col("closed_on") > start, pl.col("closed_on") <= end)
        won = in_w.filter(pl.col("outcome") == "won")
        created = known.filter(pl.col("created_on") > start)
        opened = known.filter(
            (pl.col("outcome") == "open")  # whatever its expected close date
            | pl.col("closed_on").is_null()
            | (pl.col("closed_on") > end)
        )
        source = won["source"] if "source" in won.columns else pl.Series([None] * won.height)
        out["won_revenue"] = round(float(won["amount"].sum()), 2)
        out["won_deals"] = won.height
        out["sourced_revenue"] = round(float(won.filter(source == "partner")["amount"].sum()), 2)
        out["influenced_revenue"] = round(float(won.filter(source == "vendor")["amount"].sum()), 2)
        out["lost_deals"] = in_w.filter(pl.col("outcome") == "lost").height
        out["open_pipeline"] = round(float(opened["amount"].sum()), 2)
        out["pipeline_created"] = round(float(created["amount"].sum()), 2)
        out["deals_created"] = created.height
    activities = rows.get("activities")
    if activities is not None:
        out["activities"] = activities.filter(
            pl.col("occurred_on") > start, pl.col("occurred_on") <= end
        ).height
    investments = rows.get("investments")
    if investments is not None:
        total = 0.0
        for inv in investments.iter_rows(named=True):
            first, last = inv["starts_on"], inv["ends_on"] or end
            span = (last - first).days + 1
            lo, hi = max(first, start + dt.timedelta(days=1)), min(last, end)
            inside = max((hi - lo).days + 1, 0)
            if span > 0:
                total += inv["amount"] * inside / span
        out["investment"] = round(total, 2)
    overlaps = rows.get("overlaps")
    if overlaps is not None:
        out["overlap_accounts"] = overlaps["account_id"].n_unique()
    return out
