"""Stage 1: the only code that reads raw canonical rows, written once for every engine.

The canonical tables go in as frames of one engine (polars, DuckDB or PySpark; the engine
follows the input), with the window and the few :class:`FactSettings` stage 1 needs;
:func:`build_facts` returns the fact tables as lazy frames of that engine
(:class:`StageOne`), and :meth:`StageOne.collect` hands the small facts to polars
(:class:`Facts`) for stage 2. The fact tables and their schemas are declared in
:data:`partnerkit.schema.FACT_SCHEMAS`.

Examples
--------
>>> import datetime as dt
>>> import polars as pl
>>> from partnerkit.policy import Policy
>>> from partnerkit.window import Window
>>> tables = {"partners": pl.LazyFrame({"partner_id": ["a"], "name": ["A"]}),
...     "deals": pl.LazyFrame({"deal_id": ["d1"], "partner_id": ["a"],
...         "created_on": [dt.date(2025, 1, 5)], "closed_on": [dt.date(2025, 3, 1)],
...         "outcome": ["won"], "amount": [1200.0]})}
>>> w = Window.ending(latest_event(tables), months=12)
>>> facts = build_facts(tables, window=w, settings=FactSettings.from_policy(Policy(), w)).collect()
>>> facts.deal_quarters.collect().rows()
[('a', datetime.date(2025, 1, 1), 1200.0, 1, 0)]
"""

from __future__ import annotations

from partnerkit.facts.activities import HOURS_COLUMNS, hours_column
from partnerkit.facts.core import core_facts
from partnerkit.facts.engines import ENGINES, UnsupportedEngine
from partnerkit.facts.settings import (
    COSELL_KINDS,
    ENABLEMENT_KINDS,
    JOINT_MARKETING_KINDS,
    QBR_KINDS,
    RECIPROCAL_KINDS,
    FactSettings,
)
from partnerkit.facts.stage import (
    ACTUAL_EVENTS,
    FACT_ORDER,
    Facts,
    StageOne,
    build_facts,
    check_facts,
    earliest_event,
    from_portfolio,
    future_event,
    latest_date,
    latest_event,
    lone_event,
    open_past_expected,
    portfolio_currency,
    portfolio_tables,
)

__all__ = [
    "ACTUAL_EVENTS",
    "COSELL_KINDS",
    "ENABLEMENT_KINDS",
    "ENGINES",
    "FACT_ORDER",
    "HOURS_COLUMNS",
    "JOINT_MARKETING_KINDS",
    "QBR_KINDS",
    "RECIPROCAL_KINDS",
    "FactSettings",
    "Facts",
    "StageOne",
    "UnsupportedEngine",
    "build_facts",
    "check_facts",
    "core_facts",
    "earliest_event",
    "from_portfolio",
    "future_event",
    "hours_column",
    "latest_date",
    "latest_event",
    "lone_event",
    "open_past_expected",
    "portfolio_currency",
    "portfolio_tables",
]
