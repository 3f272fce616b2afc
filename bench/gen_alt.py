"""A second benchmark portfolio, shaped independently of ``partnerkit.samples``.

The package's sample generator tells stories (patterns per partner, faded partners, truth
table); its files come out ordered by partner, with short ids (``P00001``) and a three-year
span. A benchmark that only ever reads those files can be tuned to them without noticing.
This generator is written from the data model alone (``DESIGN.md`` section 3) with plain
numpy draws, and deliberately differs in every way a query engine can feel:

- **ids**: 18-character Salesforce-style record ids (``001`` account prefix, 12 base-62
  characters, a 3-character suffix), too long for the 12-byte inline string of either engine;
  deals carry ``006``-prefixed ids, accounts ``001``-prefixed ones;
- **row order**: every table is in date order, as a CRM export sorted by creation date would
  be, so the rows of one partner are scattered over the whole file (and the window filter can
  use the row groups' date statistics);
- **deal counts**: long-tailed (log-normal partner weights, sigma 2): a few partners own a large
  share of the deals; a fifth of partners have no deal at all; 8% of deals are direct (no
  partner);
- **activities**: weights independent of the deals, with 2% "activity-heavy" partners at 40x
  the weight of the others and a tenth with no activity; kinds with uneven frequencies;
  ``initiated_by`` and ``hours`` partly missing;
- **dates**: deals over 6 years and 9 months (2019-01-01 to 2025-09-30, volume growing over
  time), activities over the last 4.5 years only, a third of partners going quiet at a random
  date; partner signing dates from 2012, some unknown;
- **statuses**: 78% active, 12% prospect, 10% exited.

Sizes match the base data set row for row (S/M/L = 2,000/20,000/100,000 partners, 100/100/200
deals and 250/250/500 activities per partner on average). Output: canonical Parquet, one
file per table, deterministic for a seed (same seed, same bytes of data).

Usage::

    python bench/gen_alt.py OUT_DIR --partners 2000 --deals 200000 --activities 500000
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import polars as pl

from partnerkit.schema import ACTIVITY_KINDS

FIRST_DEAL = dt.date(2019, 1, 1)
FIRST_ACTIVITY = dt.date(2021, 4, 1)
LAST_DAY = dt.date(2025, 9, 30)
FIRST_SIGNING = dt.date(2012, 1, 1)
EPOCH = dt.date(1970, 1, 1)

BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "u1")
KINDS = ACTIVITY_KINDS  # the canonical vocabulary; the weights below are this generator's own
KIND_WEIGHTS = (0.14, 0.08, 0.03, 0.04, 0.06, 0.22, 0.05, 0.09, 0.11, 0.18)
TYPES = ("reseller", "referral", "technology", "services", "distributor", "marketplace")
TIERS = ("platinum", "gold", "silver", "registered")
REGIONS = ("NA", "EMEA", "APAC", "LATAM")
CATEGORIES = ("security", "data", "crm", "devops", "hr", "finance")
INVESTMENT_CATEGORIES = ("people", "product", "promotion", "programs", "mdf", "incentive")
OVERLAP_STATUSES = ("customer", "prospect", "none")


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


def record_ids(prefix: str, n: int, rng: np.random.Generator) -> list[str]:
    """``n`` unique 18-character ids: prefix, 12 base-62 characters, 3-character suffix.

    The 12 middle characters spell a scrambled counter (an odd multiplier modulo 62**12 is a
    bijection), so ids are unique and look random; the suffix is random.

    >>> ids = record_ids("001", 5, np.random.default_rng(0))
    >>> len(set(ids)), {len(i) for i in ids}
    (5, {18})
    """
    modulus = 62**12
    counter = [(i * 0x9E3779B97F4A7C15 + 12345) % modulus for i in range(n)]
    digits = np.empty((n, 12), dtype=np.int64)
    values = np.array(counter, dtype=object)
    for k in range(11, -1, -1):
        digits[:, k] = (values % 62).astype(np.int64)
        values = values // 62
    suffix = rng.integers(0, 62, size=(n, 3))
    prefix_bytes = np.tile(np.frombuffer(prefix.encode(), "u1"), (n, 1))
    chars = np.concatenate([prefix_bytes, BASE62[digits], BASE62[suffix]], axis=1)
    return [bytes(row).decode() for row in chars]


def _weights(rng: np.random.Generator, n: int, sigma: float, none_share: float) -> np.ndarray:
    w = rng.lognormal(0.0, sigma, size=n)
    w[rng.random(n) < none_share] = 0.0
    return w / w.sum()


def _owners(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """Draw ``n`` owners with the given probabilities (inverse CDF: one searchsorted)."""
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(weights) - 1)


def _spread(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, skew: float) -> np.ndarray:
    """A day in [lo, hi] per row; ``skew`` < 1 puts more rows near ``hi`` (growth)."""
    u = rng.random(len(lo)) ** skew
    return lo + np.floor(u * (hi - lo + 1)).astype(np.int64)


def partners_table(rng: np.random.Generator, n: int) -> tuple[pl.DataFrame, np.ndarray]:
    """The partners and, per partner, the last day it does anything (quiet partners stop)."""
    ids = record_ids("001", n, rng)
    signed = rng.integers(_day(FIRST_SIGNING), _day(LAST_DAY) - 30, size=n)
    unknown = rng.random(n) < 0.07
    status = rng.choice(np.array(["active", "prospect", "exited"]), size=n, p=[0.78, 0.12, 0.10])
    quiet = rng.random(n) < 0.33
    until = np.where(
        quiet, rng.integers(_day(FIRST_DEAL) + 200, _day(LAST_DAY), size=n), _day(LAST_DAY)
    )
    sponsor = np.where(rng.random(n) < 0.4, "exec-" + rng.integers(1, 60, size=n).astype(str), "")
    frame = pl.DataFrame(
        {
            "partner_id": ids,
            "name": [f"Partner {i:06d}" for i in range(n)],
            "type": rng.choice(np.array(TYPES), size=n),
            "tier": rng.choice(np.array(TIERS), size=n, p=[0.05, 0.15, 0.3, 0.5]),
            "region": rng.choice(np.array(REGIONS), size=n),
            "category": rng.choice(np.array(CATEGORIES), size=n),
            "signed_on": _dates(signed),
            "status": status,
            "executive_sponsor": sponsor,
        }
    ).with_columns(
        pl.when(pl.Series(unknown)).then(None).otherwise(pl.col("signed_on")).alias("signed_on"),
        pl.col("executive_sponsor").replace("", None),
    )
    # prospects and exited partners are shuffled in, not grouped: the file is not sorted by id
    return frame, until


def deals_table(
    rng: np.random.Generator, ids: pl.Series, until: np.ndarray, n: int
) -> pl.DataFrame:
    """Deals in date order: long-tailed owners, growing volume, cycles of weeks to a year."""
    p = len(ids)
    direct = rng.random(n) < 0.08
    owner = _owners(rng, _weights(rng, p, sigma=2.0, none_share=0.2), n)
    lo = np.full(n, _day(FIRST_DEAL))
    hi = np.where(direct, _day(LAST_DAY), until[owner])
    created = _spread(rng, lo, hi, skew=0.7)
    cycle = np.ceil(rng.gamma(2.0, 40.0, size=n)).astype(np.int64)
    closed = created + cycle
    win_p = rng.beta(2.0, 3.0, size=p)[owner]
    still_open = (closed > _day(LAST_DAY)) | (rng.random(n) < 0.02)
    won = ~still_open & (rng.random(n) < win_p)
    outcome = np.where(still_open, "open", np.where(won, "won", "lost"))
    amount = np.round(rng.lognormal(np.log(15_000.0), 1.1, size=n), 2)
    amount[rng.random(n) < 0.01] = 0.0
    source_draw = rng.random(n)
    source = np.where(source_draw < 0.45, "partner", np.where(source_draw < 0.9, "vendor", ""))
    engaged = created + np.floor(rng.random(n) * (np.minimum(cycle, 400))).astype(np.int64)
    engaged_known = ~direct & (rng.random(n) < 0.6) & (engaged <= _day(LAST_DAY))
    account = rng.integers(0, max(p * 20, 1000), size=n)
    order = np.argsort(created, kind="stable")
    frame = pl.DataFrame(
        {
            "_owner": owner[order].astype(np.int64),
            "_direct": direct[order],
            "account": account[order],
            "created_on": _dates(created[order]),
            "closed_on": _dates(closed[order]),
            "_open": still_open[order],
            "outcome": outcome[order],
            "amount": amount[order],
            "source": source[order],
            "partner_engaged_on": _dates(engaged[order]),
            "_engaged": engaged_known[order],
        }
    )
    counter = pl.int_range(pl.len(), dtype=pl.Int64)
    return frame.select(
        pl.concat_str(pl.lit("006"), counter.cast(pl.String).str.zfill(15)).alias("deal_id"),
        pl.when(~pl.col("_direct")).then(ids.gather(frame["_owner"])).alias("partner_id"),
        pl.concat_str(pl.lit("001Acct"), pl.col("account").cast(pl.String).str.zfill(11)).alias(
            "account_id"
        ),
        "created_on",
        pl.when(~pl.col("_open")).then(pl.col("closed_on")).alias("closed_on"),
        "outcome",
        "amount",
        pl.when(pl.col("_direct"))
        .then(pl.lit("vendor"))
        .otherwise(pl.col("source").replace("", None))
        .alias("source"),
        pl.when(pl.col("_engaged")).then(pl.col("partner_engaged_on")).alias("partner_engaged_on"),
    )


def activities_table(
    rng: np.random.Generator, ids: pl.Series, until: np.ndarray, n: int
) -> pl.DataFrame:
    """Activities in date order: independent weights, a few activity-heavy partners."""
    p = len(ids)
    weights = _weights(rng, p, sigma=1.2, none_share=0.1)
    heavy = rng.random(p) < 0.02
    weights = np.where(heavy, weights * 40.0, weights)
    owner = _owners(rng, weights / weights.sum(), n)
    lo = np.full(n, _day(FIRST_ACTIVITY))
    hi = np.maximum(until[owner], lo)
    day = _spread(rng, lo, hi, skew=0.85)
    kind = rng.choice(len(KINDS), size=n, p=KIND_WEIGHTS).astype(np.int64)
    who = rng.random(n)
    hours = np.round(rng.gamma(1.5, 1.5, size=n) * 4) / 4
    order = np.argsort(day, kind="stable")
    frame = pl.DataFrame(
        {
            "_owner": owner[order].astype(np.int64),
            "occurred_on": _dates(day[order]),
            "_kind": kind[order],
            "_who": who[order],
            "hours": hours[order],
            "_no_hours": (rng.random(n) < 0.2)[order],
        }
    )
    kinds = pl.Series(KINDS)
    return frame.select(
        ids.gather(frame["_owner"]).alias("partner_id"),
        "occurred_on",
        kinds.gather(frame["_kind"]).alias("kind"),
        pl.when(pl.col("_who") < 0.55)
        .then(pl.lit("us"))
        .when(pl.col("_who") < 0.95)
        .then(pl.lit("partner"))
        .alias("initiated_by"),
        pl.when(~pl.col("_no_hours")).then(pl.col("hours")).alias("hours"),
    )


def investments_table(rng: np.random.Generator, ids: pl.Series) -> pl.DataFrame:
    n = len(ids) * 3 // 2
    owner = rng.integers(0, len(ids), size=n)
    starts = rng.integers(_day(FIRST_DEAL), _day(LAST_DAY) - 10, size=n)
    length = rng.integers(30, 365, size=n)
    ends = np.minimum(starts + length, _day(LAST_DAY))
    return pl.DataFrame(
        {
            "partner_id": ids.gather(pl.Series(owner)),
            "category": rng.choice(np.array(INVESTMENT_CATEGORIES), size=n),
            "starts_on": _dates(starts),
            "ends_on": _dates(ends),
            "amount": np.round(rng.lognormal(np.log(5_000.0), 0.8, size=n), 2),
        }
    ).with_columns(
        pl.when(pl.Series(rng.random(n) < 0.1))
        .then(None)
        .otherwise(pl.col("ends_on"))
        .alias("ends_on")
    )


def overlaps_table(rng: np.random.Generator, ids: pl.Series) -> pl.DataFrame:
    n = len(ids) * 2
    frame = pl.DataFrame(
        {
            "partner_id": ids.gather(pl.Series(rng.integers(0, len(ids), size=n))),
            "account_id": pl.Series(rng.integers(0, max(len(ids) * 20, 1000), size=n)),
            "our_status": rng.choice(np.array(OVERLAP_STATUSES), size=n),
            "partner_status": rng.choice(np.array(OVERLAP_STATUSES), size=n),
        }
    ).with_columns(
        pl.concat_str(pl.lit("001Acct"), pl.col("account_id").cast(pl.String).str.zfill(11)).alias(
            "account_id"
        )
    )
    return frame.unique(["partner_id", "account_id"], keep="first", maintain_order=True)


def generate(*, partners: int, deals: int, activities: int, seed: int) -> dict[str, pl.DataFrame]:
    """Every table of the alternative portfolio, as frames.

    >>> t = generate(partners=50, deals=400, activities=900, seed=1)
    >>> {k: v.height for k, v in t.items() if k in ("partners", "deals", "activities")}
    {'partners': 50, 'deals': 400, 'activities': 900}
    """
    rng = np.random.default_rng(seed)
    partner_frame, until = partners_table(rng, partners)
    ids = partner_frame["partner_id"]
    return {
        "partners": partner_frame,
        "deals": deals_table(rng, ids, until, deals),
        "activities": activities_table(rng, ids, until, activities),
        "investments": investments_table(rng, ids),
        "overlaps": overlaps_table(rng, ids),
    }


def write(folder: Path, *, partners: int, deals: int, activities: int, seed: int) -> dict[str, int]:
    """Write the portfolio as one Parquet file per table; return the row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = generate(partners=partners, deals=deals, activities=activities, seed=seed)
    for name, frame in tables.items():
        frame.write_parquet(folder / f"{name}.parquet")
    return {name: frame.height for name, frame in tables.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--partners", type=int, default=2_000)
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--activities", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    t0 = time.perf_counter()
    counts = write(
        args.out,
        partners=args.partners,
        deals=args.deals,
        activities=args.activities,
        seed=args.seed,
    )
    print(counts, f"{time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
