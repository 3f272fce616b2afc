"""Column names the charts read, spelt once, and the checks every chart runs on its input.

The charts draw what the analysis computed; they never recompute a metric. These constants
name the analysis columns they rely on, so that a renamed column is fixed in one place.

Examples
--------
>>> import polars as pl
>>> frame = collected(pl.LazyFrame({"partner_id": ["p1"]}), (PARTNER_ID,), chart="demo")
>>> frame.columns
['partner_id']
>>> collected(pl.DataFrame({"x": [1]}), (PARTNER_ID, NAME), chart="demo")
Traceback (most recent call last):
...
ValueError: demo needs columns partner_id, name; missing: partner_id, name
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

__all__ = ["chosen_partners", "collected", "default_partners", "with_partner_label"]

# --- scorecard (one row per partner) ---------------------------------------------------------
PARTNER_ID = "partner_id"
NAME = "name"
TIER = "tier"
IMPLIED_TIER = "implied_tier"
TIER_GAP = "tier_gap"
STATUS = "status"
COUNTED = "counted"
STATE = "state"
STAGE = "stage"
WON_REVENUE = "won_revenue"
WON_DEALS = "won_deals"
WIN_RATE = "win_rate"
SOURCED_REVENUE = "sourced_revenue"
INFLUENCED_REVENUE = "influenced_revenue"
OPEN_PIPELINE = "open_pipeline"
REVENUE_TREND = "revenue_trend"
INVESTMENT = "investment"
RANK = "rank"
SHARE = "share"
CUM_SHARE = "cum_share"
VITAL = "vital"
HEALTH = "health"
RECIPROCITY = "reciprocity"
OUR_EFFORT_SHARE = "our_effort_share"
ONE_SIDED = "one_sided"
OVERLAP_ACCOUNTS = "overlap_accounts"
COSELL_POTENTIAL = "cosell_potential"
UNTAPPED_OVERLAP = "untapped_overlap"
REALIZED_OVERLAP = "realized_overlap"
RECOMMENDATION = "recommendation"
REASONS = "reasons"
EXPLANATION = "explanation"

# --- concentration (one row) -----------------------------------------------------------------
PARTNERS = "partners"
TOTAL_VALUE = "total_value"
VITAL_COUNT = "vital_count"
VITAL_SHARE = "vital_share"
ZERO_VALUE_SHARE = "zero_value_share"
TOP20_SHARE = "top20_share"
GINI = "gini"
HHI = "hhi"
CLOSEST_BENCHMARK = "closest_benchmark"
DENOMINATOR = "denominator"

# --- health explained (partner x dimension x metric) -------------------------------------------
DIMENSION = "dimension"
METRIC = "metric"
VALUE = "value"
PERCENTILE = "percentile"
WEIGHT = "weight"
CONTRIBUTION = "contribution"

# --- with vs without partner -----------------------------------------------------------------
SCOPE = "scope"
GROUP = "group"
N_CLOSED = "n_closed"
MEAN_DEAL = "mean_deal"
DAYS_TO_CLOSE = "days_to_close"
ENOUGH = "enough"
LOW = "_lo"
HIGH = "_hi"
OVERALL = "portfolio"
DIRECT = "direct"
WITH_PARTNER = "partner"

# --- per-partner quarterly revenue -----------------------------------------------------------
QUARTER = "quarter"


def collected(
    frame: pl.DataFrame | pl.LazyFrame, required: Iterable[str], /, *, chart: str
) -> pl.DataFrame:
    """Return ``frame`` collected, after checking it carries every ``required`` column.

    A missing column raises ``ValueError`` naming the chart and the columns, rather than an
    obscure error deep inside altair.
    """
    names = frame.collect_schema().names()
    needed = list(dict.fromkeys(required))
    missing = [c for c in needed if c not in names]
    if missing:
        raise ValueError(
            f"{chart} needs columns {', '.join(needed)}; missing: {', '.join(missing)}"
        )
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


def default_partners(scorecard: pl.DataFrame | None, /, *, limit: int) -> list[str]:
    """Return the ``limit`` best-ranked partners of ``scorecard`` (rank order).

    Requires columns: ``partner_id`` and ``rank``.

    >>> default_partners(pl.DataFrame({"partner_id": ["a", "b", "c"], "rank": [2, 1, None]}),
    ...     limit=5)
    ['b', 'a']
    """
    if scorecard is None:
        return []
    return scorecard.filter(pl.col(RANK).is_not_null()).sort(RANK).head(limit)[PARTNER_ID].to_list()


def chosen_partners(
    frame: pl.DataFrame,
    /,
    *,
    partners: Sequence[str] | None,
    scorecard: pl.DataFrame | None,
    limit: int,
) -> list[str]:
    """Return the partners a per-partner chart shows, in order.

    ``partners`` when given, else the ``limit`` best-ranked of ``scorecard``, else the first
    ``limit`` partner ids of ``frame``.

    Requires columns: ``partner_id`` (and ``partner_id``, ``rank`` in ``scorecard``).

    >>> rows = pl.DataFrame({"partner_id": ["x", "y", "x"]})
    >>> chosen_partners(rows, partners=None, scorecard=None, limit=5)
    ['x', 'y']
    """
    chosen = list(partners) if partners is not None else default_partners(scorecard, limit=limit)
    if not chosen:
        chosen = frame[PARTNER_ID].unique(maintain_order=True).head(limit).to_list()
    return chosen


def with_partner_label(
    rows: pl.DataFrame, scorecard: pl.DataFrame | None, /, *, label: str
) -> pl.DataFrame:
    """Add ``label``: each partner's name from ``scorecard`` (its id when it has none).

    Requires columns: ``partner_id`` (and ``partner_id``, ``name`` in ``scorecard``).

    >>> rows = pl.DataFrame({"partner_id": ["a", "b"]})
    >>> card = pl.DataFrame({"partner_id": ["a"], "name": ["Acme"]})
    >>> with_partner_label(rows, card, label="partner")["partner"].to_list()
    ['Acme', 'b']
    """
    if scorecard is not None and NAME in scorecard.columns:
        names = scorecard.select(PARTNER_ID, pl.col(NAME).alias(label))
        return rows.join(names, on=PARTNER_ID, how="left").with_columns(
            pl.col(label).fill_null(pl.col(PARTNER_ID))
        )
    return rows.with_columns(pl.col(PARTNER_ID).alias(label))
