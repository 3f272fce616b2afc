"""The core reduction: the few facts of the core scorecard, in one pass per raw table.

The fast path for large portfolios (:func:`partnerkit.metrics.scorecard.core_scorecard`)
needs only the results in W, the partner-side signals of the productivity state and the
engagement counts and hours. :func:`core_facts` reads:

- the deals that can count (created or closed in W, created within ``active_days`` of
  as_of, or open at as_of), once, reduced per partner by
  :func:`partnerkit.facts.deals.deal_facts`;
- the activities up to as_of, once, reduced per partner by
  :func:`partnerkit.facts.activities.activity_facts` in its core form: the last activity,
  the last partner-initiated one in W (the partner-side signal: the state asks for one
  within ``active_days`` of as_of, which lie in W) and the counts and hours in W come out of
  one scan that groups each row once: the rows up to W's start by partner (their last
  date), the rows of W by partner and kind.

On polars, raw rows are grouped by a 64-bit hash of ``partner_id`` (an integer surrogate
key, mapped back to the id by a join onto the partners inside this stage), not by the
string itself: hashing and comparing long string ids dominated the cost of the raw passes.
The hashes are checked to be distinct first (the partners table alone is read), and the
string ids are grouped instead when they are not, so every row of a known partner counts
for that partner and no other. A row naming an unknown partner (possible only when reading
without validation) is left out, as with string keys, unless its hash equals a known
partner's (odds about 1e-9 with 100,000 partners and as many unknown ids). Other engines
group by the id itself (:func:`partnerkit.facts.engines.with_partner_key`).

Examples
--------
>>> import datetime as dt
>>> import polars as pl
>>> from partnerkit.window import Window
>>> tables = {"partners": pl.LazyFrame({"partner_id": ["a", "b"], "name": ["A", "B"]}),
...     "deals": pl.LazyFrame({"deal_id": ["d1"], "partner_id": ["a"],
...         "created_on": [dt.date(2025, 1, 5)], "closed_on": [dt.date(2025, 3, 1)],
...         "outcome": ["won"], "amount": [1200.0]})}
>>> w = Window.ending(dt.date(2025, 3, 1), months=12)
>>> facts = core_facts(tables, window=w, settings=FactSettings()).collect()
>>> facts.deals.select("partner_id", "won_revenue", "won_deals").collect().rows()
[('a', 1200.0, 1)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

import narwhals.stable.v2 as nw

from partnerkit.facts.activities import HOURS_COLUMNS, activity_facts
from partnerkit.facts.aggregates import between
from partnerkit.facts.deals import actual_close, deal_facts
from partnerkit.facts.engines import (
    as_categories,
    engine_of_tables,
    hashed_keys,
    with_partner_key,
)
from partnerkit.facts.settings import FactSettings
from partnerkit.facts.stage import StageOne, canonical_tables
from partnerkit.window import Window

__all__ = ["CORE_ACTIVITY_FACTS", "CORE_DEAL_FACTS", "core_facts"]

CORE_DEAL_FACTS = (
    "won_revenue", "won_deals", "lost_deals", "open_deals", "open_until", "sourced_pipeline",
    "deals_created", "last_win_on", "last_deal_on", "revenue_prior", "revenue_recent",
)  # fmt: skip
"""The deal facts of :func:`core_facts`, in the order of the full deal facts."""

CORE_ACTIVITY_FACTS = (
    "activities", "referrals_given", "referrals_received", *HOURS_COLUMNS,
    "last_activity_on", "last_partner_activity_on",
)  # fmt: skip
"""The activity facts of :func:`core_facts`, in the order of the full activity facts."""


def core_facts(
    tables: Mapping[str, object],
    /,
    *,
    window: Window,
    settings: FactSettings,
    supplied: Mapping[str, tuple[str, ...]] | None = None,
) -> StageOne:
    """Build (lazily) the facts of the core scorecard: partners, deals and activities.

    Takes the tables as :func:`partnerkit.facts.build_facts` does. The ``deals`` fact table
    holds ``partner_id`` and :data:`CORE_DEAL_FACTS` for the partners with a deal that can
    count (direct deals and unknown partners are left out); ``activities`` holds
    ``partner_id`` and :data:`CORE_ACTIVITY_FACTS`. The other fact tables are empty.
    """
    engine = engine_of_tables(tables)
    raw, supplied = canonical_tables(tables, supplied=supplied)
    as_of = window.end
    recent = window.end - dt.timedelta(days=settings.active_days)
    closed = actual_close()
    # only deals created or closed in W feed a core column (and those open at as_of, or
    # created or closed within active_days of it: the partner-side signals of the state;
    # ``last_win_on`` is so only as far as the state reads it, a win within active_days)
    still_open = (nw.col("outcome") == "open") | (closed > nw.lit(as_of)).fill_null(value=True)
    counting = ~nw.col("partner_id").is_null() & (
        between(closed, window.start, window.end)
        | between("created_on", window.start, window.end)
        | still_open.fill_null(value=False)
        | between("created_on", recent, window.end)
        | between(closed, recent, window.end)
    )
    hashed = hashed_keys(raw["partners"], engine=engine)
    ids = with_partner_key(raw["partners"].select("partner_id"), hashed=hashed)
    deals = deal_facts(
        with_partner_key(raw["deals"].filter(counting), hashed=hashed),
        window=window,
        engine=engine,
        timing_cuts=settings.timing_cuts,
        key="_key",
        only=CORE_DEAL_FACTS,
    )
    acts = activity_facts(
        as_categories(with_partner_key(raw["activities"], hashed=hashed), ["kind"], engine=engine),
        window=window,
        settings=settings,
        key="_key",
        core=True,
    )
    facts = {
        "partners": raw["partners"],
        "deals": ids.join(deals, on="_key").drop("_key"),
        "activities": ids.join(acts, on="_key").drop("_key"),
    }
    return StageOne(
        engine=engine,
        tables={name: frame.to_native() for name, frame in facts.items()},
        window=window,
        quarters=tuple(settings.quarters),
        supplied=MappingProxyType(dict(supplied)),
        partial=True,
    )
