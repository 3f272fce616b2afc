"""DEV FALLBACK ONLY: a tiny synthetic portfolio writer for developing the benchmark harness.

The benchmark proper uses ``partnerkit sample``; ``run.py`` falls back to this writer only
when that command is not available (and says so in its results). The data has the canonical
columns and dtypes of ``partnerkit.schema`` and a skewed revenue distribution, nothing more.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from partnerkit.schema import ACTIVITY_KINDS, INVESTMENT_CATEGORIES, schema_of

END = dt.date(2025, 6, 30)
SPAN_DAYS = 3 * 365


def _dates(rng: np.random.Generator, n: int, lo: int = 0, hi: int = SPAN_DAYS) -> np.ndarray:
    start = np.datetime64(END - dt.timedelta(days=SPAN_DAYS), "D")
    return start + rng.integers(lo, hi + 1, n).astype("timedelta64[D]")


def _ids(prefix: str, index: np.ndarray) -> pl.Series:
    digits = pl.Series(index).cast(pl.String).str.zfill(6)
    return (prefix + digits).rename("id") if prefix else digits


def write(out: Path, *, seed: int, partners: int, deals_per: int, activities_per: int) -> None:
    """Write partners/deals/activities/investments/overlaps Parquet files into ``out``."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    pid = _ids("P", np.arange(partners))
    weight = rng.pareto(1.2, partners) + 0.05  # skewed partner size
    weight /= weight.sum()

    status = rng.choice(["active", "prospect", "exited"], partners, p=[0.85, 0.1, 0.05])
    pl.DataFrame(
        {
            "partner_id": pid,
            "name": [f"Partner {i}" for i in range(partners)],
            "type": rng.choice(["reseller", "referral", "technology", "services"], partners),
            "tier": rng.choice(["platinum", "gold", "silver", "registered"], partners),
            "region": rng.choice(["emea", "amer", "apac"], partners),
            "category": pl.Series(rng.choice(["security", "data", "infra", ""], partners)).replace(
                "", None
            ),
            "signed_on": _dates(rng, partners, 0, SPAN_DAYS - 30),
            "status": status,
            "executive_sponsor": pl.Series(rng.choice(["Ann", "Bo", ""], partners)).replace(
                "", None
            ),
        },
        schema=schema_of("partners"),
    ).write_parquet(out / "partners.parquet")

    n = partners * deals_per
    owner = rng.choice(partners, n, p=weight)
    created = _dates(rng, n)
    outcome = rng.choice(["open", "won", "lost"], n, p=[0.2, 0.35, 0.45])
    cycle = rng.integers(5, 200, n).astype("timedelta64[D]")
    closed = np.minimum(created + cycle, np.datetime64(END, "D"))
    direct = pl.Series(rng.random(n) < 0.08)  # deals without a partner
    amount = np.round(rng.lognormal(9.0, 1.0, n), 2)
    pl.DataFrame(
        {
            "deal_id": _ids("D", np.arange(n)),
            "partner_id": _ids("P", owner).set(direct, None),
            "account_id": _ids("A", rng.integers(0, n // 3 + 1, n)),
            "created_on": created,
            "closed_on": pl.Series(closed).set(pl.Series(outcome == "open"), None),
            "outcome": outcome,
            "amount": amount,
            "source": rng.choice(["partner", "vendor"], n),
            "partner_engaged_on": created + rng.integers(0, 5, n).astype("timedelta64[D]"),
            "currency": np.full(n, "USD"),
        },
        schema=schema_of("deals"),
    ).write_parquet(out / "deals.parquet")

    n = partners * activities_per
    owner = rng.choice(partners, n, p=weight * 0.5 + 0.5 / partners)
    hours = np.round(rng.gamma(2.0, 1.5, n), 1)
    pl.DataFrame(
        {
            "partner_id": _ids("P", owner),
            "occurred_on": _dates(rng, n),
            "kind": rng.choice(list(ACTIVITY_KINDS), n),
            "initiated_by": rng.choice(["us", "partner"], n, p=[0.6, 0.4]),
            "hours": pl.Series(hours).set(pl.Series(rng.random(n) < 0.1), None),
        },
        schema=schema_of("activities"),
    ).write_parquet(out / "activities.parquet")

    n = partners * 3
    starts = _dates(rng, n)
    pl.DataFrame(
        {
            "partner_id": _ids("P", rng.integers(0, partners, n)),
            "category": rng.choice(list(INVESTMENT_CATEGORIES), n),
            "starts_on": starts,
            "ends_on": starts + rng.integers(30, 365, n).astype("timedelta64[D]"),
            "amount": np.round(rng.lognormal(8.0, 1.0, n), 2),
        },
        schema=schema_of("investments"),
    ).write_parquet(out / "investments.parquet")

    n = partners * 20
    pl.DataFrame(
        {
            "partner_id": _ids("P", rng.integers(0, partners, n)),
            "account_id": _ids("A", rng.integers(0, n, n)),
            "our_status": rng.choice(["customer", "prospect", "none"], n),
            "partner_status": rng.choice(["customer", "prospect", "none"], n),
        },
        schema=schema_of("overlaps"),
    ).unique(["partner_id", "account_id"]).write_parquet(out / "overlaps.parquet")
