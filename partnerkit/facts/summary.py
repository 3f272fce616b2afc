"""Stage-1 answers about the whole portfolio's deals: its currency, its slipped open deals.

:func:`currency_of` and :func:`overdue_deals` answer on the canonical tables directly, for
a caller that has the tables but no facts (the validation notes, the currency of a report;
:func:`partnerkit.facts.portfolio_currency` and :func:`partnerkit.facts.open_past_expected`
take a portfolio). The facts carry the same count per partner (``open_past_expected`` of
the deal facts) and where the data starts (``first_deal_on``). Both run on the tables'
engine, through narwhals.

Examples
--------
>>> import datetime as dt
>>> import polars as pl
>>> deals = pl.LazyFrame({"created_on": [dt.date(2025, 1, 5), dt.date(2025, 2, 1)],
...     "closed_on": [dt.date(2025, 1, 20), dt.date(2025, 9, 1)], "outcome": ["open", "won"],
...     "amount": [1.0, 2.0], "currency": [None, "EUR"]})
>>> currency_of({"deals": deals}), overdue_deals({"deals": deals}, as_of=dt.date(2025, 3, 1))
('EUR', 1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import narwhals.stable.v2 as nw

from partnerkit.facts.aggregates import count_if

__all__ = ["currency_of", "overdue_deals"]

Frame = nw.LazyFrame[Any]


def _overdue(as_of: dt.date, /) -> nw.Expr:
    # still open although the CRM expected it closed by as_of (its close date is no close)
    return ((nw.col("outcome") == "open") & (nw.col("closed_on") <= nw.lit(as_of))).fill_null(
        value=False
    )


def _deals(tables: Mapping[str, object], wanted: tuple[str, ...]) -> Frame | None:
    if "deals" not in tables:
        return None
    found: Any = nw.from_native(tables["deals"])
    frame: Frame = found.lazy() if isinstance(found, nw.DataFrame) else found
    present = set(frame.collect_schema().names())
    return frame if set(wanted) <= present else None


def currency_of(tables: Mapping[str, object], /) -> str | None:
    """Return the currency of the deals in ``tables`` (one per portfolio); None when unknown.

    >>> import polars as pl
    >>> currency_of({"deals": pl.LazyFrame({"currency": [None, "USD"]})})
    'USD'
    >>> currency_of({"deals": pl.LazyFrame({"amount": [1.0]})}) is None
    True
    """
    deals = _deals(tables, ("currency",))
    if deals is None:
        return None
    code = (
        deals.select(nw.col("currency").cast(nw.String).max())
        .collect(backend="polars")
        .to_native()
        .item()
    )
    return str(code) if code else None


def overdue_deals(tables: Mapping[str, object], /, *, as_of: dt.date) -> int:
    """Count the open deals of ``tables`` whose expected close date is on or before ``as_of``.

    Such deals are still open (their close date is what the CRM expected, not a close);
    the count is reported as a note. 0 without deals or without their close dates.

    >>> import polars as pl
    >>> deals = pl.LazyFrame({"closed_on": [dt.date(2025, 1, 7), dt.date(2025, 12, 31)],
    ...     "outcome": ["open", "open"]})
    >>> overdue_deals({"deals": deals}, as_of=dt.date(2025, 1, 9))
    1
    """
    deals = _deals(tables, ("closed_on", "outcome"))
    if deals is None:
        return 0
    count = (
        deals.select(count_if(_overdue(as_of)).fill_null(0))
        .collect(backend="polars")
        .to_native()
        .item()
    )
    return int(count)
