"""Small portfolios built straight from dict literals, without the loader; the tiny one.

Shared by the test folders through the ``build`` and ``tiny`` fixtures of
``tests/conftest.py`` (and imported as a sibling module where a module needs them at import).

``make_portfolio(partners=..., deals=..., ...)`` casts each table to its canonical dtypes (dates
may be ISO strings), adds the canonical columns a table lacks as nulls (``status`` as
``"active"``) and records in ``supplied`` exactly the columns that were given, so the
metrics see what a real source that lacked them would give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from partnerkit.portfolio import Portfolio
from partnerkit.schema import TABLE_ORDER, TABLES

Table = Mapping[str, Sequence[Any]]


def canonical(name: str, data: Table | None) -> tuple[pl.LazyFrame, tuple[str, ...]]:
    """Canonical LazyFrame of table ``name`` built from ``data`` and the supplied columns."""
    table = TABLES[name]
    if data is None:
        return pl.LazyFrame(schema=table.schema), ()
    unknown = set(data) - set(table.names)
    assert not unknown, f"not canonical in {name}: {unknown}"
    height = len(next(iter(data.values()))) if data else 0
    cols = []
    for col in table.columns:
        if col.name in data:
            values = list(data[col.name])
            if col.dtype == pl.Date():
                values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
            cols.append(pl.Series(col.name, values, dtype=col.dtype))
        else:
            fill = col.default
            cols.append(pl.Series(col.name, [fill] * height, dtype=col.dtype))
    supplied = tuple(c for c in table.names if c in data)
    return pl.DataFrame(cols).lazy(), supplied


def make_portfolio(
    *,
    partners: Table,
    deals: Table,
    activities: Table | None = None,
    investments: Table | None = None,
    overlaps: Table | None = None,
) -> Portfolio:
    """A Portfolio from dict literals (see the module docstring)."""
    given = {
        "partners": partners,
        "deals": deals,
        "activities": activities,
        "investments": investments,
        "overlaps": overlaps,
    }
    frames: dict[str, pl.LazyFrame] = {}
    supplied: dict[str, tuple[str, ...]] = {}
    for name in TABLE_ORDER:
        frames[name], supplied[name] = canonical(name, given[name])
    return Portfolio(**frames, supplied=supplied, source="test")


def d(text: str) -> dt.date:
    """Shorthand for an ISO date."""
    return dt.date.fromisoformat(text)


AS_OF = dt.date(2025, 12, 31)
"""as_of of the tiny portfolio: W = (2024-12-31, 2025-12-31], mid 2025-07-01."""


def tiny_portfolio() -> Portfolio:
    """Five partners whose every metric is worked out by hand in the tests.

    A  gold, active, signed 2023-01-01, sponsor, category crm: wins 1000 (partner-sourced,
       closed 2025-03-01) and 3000 (vendor-sourced, 2025-09-01), loses 500, 700 open.
    B  silver, signed 2025-06-01 (ramping), crm: wins 2000 closed exactly on as_of.
    C  gold, signed 2022-01-01: its only win closed exactly on the window start (out of W).
    D  silver, prospect: wins 800 in W (listed, not counted).
    E  silver, signed 2026-02-01 (after as_of): its only deal is after as_of.
    Direct deals: a 400 win and a 100 loss in W, a 250 open deal on account x9.
    """
    partners = {
        "partner_id": ["A", "B", "C", "D", "E"],
        "name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
        "type": ["reseller", "referral", "services", "reseller", "technology"],
        "tier": ["gold", "silver", "gold", "silver", "silver"],
        "region": ["EU", "EU", "US", "US", "EU"],
        "category": ["crm", "crm", "erp", "crm", None],
        "signed_on": ["2023-01-01", "2025-06-01", "2022-01-01", "2024-01-01", "2026-02-01"],
        "status": ["active", "active", "active", "prospect", "active"],
        "executive_sponsor": ["Ann", None, None, None, None],
    }
    deals = {
        "deal_id": [f"d{i}" for i in range(1, 12)],
        "partner_id": ["A", "A", "A", "A", "B", "C", None, None, "D", "E", None],
        "account_id": ["x1", "x2", "x1", "x3", "x1", "x4", "x1", "x5", "x6", "x7", "x9"],
        "created_on": [
            "2025-01-10", "2025-06-01", "2025-02-01", "2025-11-01", "2025-07-01",
            "2024-06-01", "2025-03-01", "2025-03-01", "2025-05-01", "2026-01-15", "2025-12-01",
        ],
        "closed_on": [
            "2025-03-01", "2025-09-01", "2025-04-01", None, "2025-12-31",
            "2024-12-31", "2025-05-01", "2025-04-01", "2025-05-05", "2026-02-01", None,
        ],
        "outcome": [
            "won", "won", "lost", "open", "won", "won", "won", "lost", "won", "won", "open",
        ],
        "amount": [1000.0, 3000.0, 500.0, 700.0, 2000.0, 9999.0, 400.0, 100.0, 800.0, 100.0, 250.0],
        "source": [
            "partner", "vendor", "partner", "partner", "partner",
            "partner", None, None, "partner", "partner", None,
        ],
        "partner_engaged_on": [
            "2025-01-10", "2025-08-20", None, None, None, None, None, None, None, None, None,
        ],
    }  # fmt: skip
    activities = {
        "partner_id": ["A", "A", "A", "A", "A", "A", "B", "B", "C"],
        "occurred_on": [
            "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-10-01", "2024-11-01",
            "2025-08-01", "2025-09-01", "2024-10-01",
        ],
        "kind": [
            "enablement", "referral", "intro", "qbr", "joint_marketing", "training",
            "cosell", "cosell", "training",
        ],
        "initiated_by": ["us", "partner", "us", "us", "partner", "us", "us", "partner", "partner"],
        "hours": [2.0, 1.0, 1.0, 3.0, 2.0, 5.0, 8.0, 1.0, 4.0],
    }  # fmt: skip
    investments = {
        "partner_id": ["A", "A", "B"],
        "category": ["people", "mdf", "incentive"],
        "starts_on": ["2025-01-01", "2024-07-01", "2025-10-01"],
        "ends_on": ["2025-12-31", "2025-06-30", None],
        "amount": [3650.0, 3650.0, 920.0],
    }
    overlaps = {
        "partner_id": ["A", "A", "A", "B"],
        "account_id": ["x1", "x2", "x9", "x1"],
        "our_status": ["prospect", "customer", "prospect", "prospect"],
        "partner_status": ["customer", "prospect", "customer", "customer"],
    }
    return make_portfolio(
        partners=partners,
        deals=deals,
        activities=activities,
        investments=investments,
        overlaps=overlaps,
    )
