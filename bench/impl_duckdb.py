"""The core scorecard and vital few in DuckDB SQL over the Parquet files.

Same definitions as ``impl_polars`` (see its docstring and ``bench/README.md``): ``as_of`` from
the event dates, one conditional aggregation over deals, activities reduced per (partner,
kind, initiator) first and then per partner (DuckDB's fastest form here: ten filtered sums
over the raw rows are 2-3x slower), and one window for the Pareto flags.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl
from impl_polars import (
    COUNTED_STATUSES,
    KINDS,
    LOOKBACK_MONTHS,
    REFERRAL_KINDS,
    THRESHOLD,
    TOLERANCE,
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_quote(v) for v in values) + ")"


def sql(paths: Mapping[str, str], *, threshold: float = THRESHOLD) -> str:
    """The whole computation as one SQL statement."""
    p = {k: f"read_parquet({_quote(v)})" for k, v in paths.items()}
    hours = ",\n            ".join(
        f"coalesce(sum(h) FILTER (WHERE kind = {_quote(k)}), 0) AS hours_{k}" for k in KINDS
    )
    hours_out = ", ".join(f"coalesce(a.hours_{k}, 0) AS hours_{k}" for k in KINDS)
    hours_cols = ", ".join(f"hours_{k}" for k in KINDS)
    return f"""
WITH
  ev AS (
    SELECT max(signed_on) AS d FROM {p["partners"]}
    UNION ALL SELECT greatest(max(created_on), max(closed_on), max(partner_engaged_on))
      FROM {p["deals"]}
    UNION ALL SELECT max(occurred_on) FROM {p["activities"]}
    UNION ALL SELECT max(starts_on) FROM {p["investments"]}
  ),
  w AS (
    SELECT as_of, start, start + CAST((as_of - start) // 2 AS INTEGER) AS mid
    FROM (
      SELECT as_of, CAST(as_of - INTERVAL {LOOKBACK_MONTHS} MONTH AS DATE) AS start
      FROM (SELECT max(d) AS as_of FROM ev)
    )
  ),
  d AS (
    SELECT partner_id,
      round(coalesce(sum(amount) FILTER (WHERE won_w), 0), 2) AS won_revenue,
      count(*) FILTER (WHERE won_w) AS won_deals,
      count(*) FILTER (WHERE closed_w AND outcome = 'lost') AS lost_deals,
      count(*) FILTER (WHERE created_w) AS deals_created,
      round(coalesce(sum(amount) FILTER (WHERE created_w AND source = 'partner'), 0), 2)
        AS sourced_pipeline,
      round(coalesce(sum(amount) FILTER (WHERE won_w AND closed_on > mid), 0), 2) AS r_recent,
      round(coalesce(sum(amount) FILTER (WHERE won_w AND closed_on <= mid), 0), 2) AS r_prior
    FROM (
      SELECT partner_id, amount, outcome, source, closed_on, mid,
        coalesce(closed_on > start AND closed_on <= as_of, false) AS closed_w,
        coalesce(closed_on > start AND closed_on <= as_of AND outcome = 'won', false) AS won_w,
        (created_on > start AND created_on <= as_of) AS created_w
      FROM {p["deals"]}, w
      WHERE partner_id IS NOT NULL
        AND ((closed_on > start AND closed_on <= as_of)
             OR (created_on > start AND created_on <= as_of))
    )
    GROUP BY partner_id
  ),
  a0 AS (
    SELECT partner_id, kind, initiated_by,
      max(occurred_on) AS last,
      count(*) FILTER (WHERE occurred_on > start) AS n,
      sum(hours) FILTER (WHERE occurred_on > start) AS h
    FROM {p["activities"]}, w
    WHERE occurred_on <= as_of
    GROUP BY ALL
  ),
  a AS (
    SELECT partner_id,
      max(last) AS last_activity,
      sum(n) AS activities,
      coalesce(sum(n) FILTER (WHERE ref AND initiated_by = 'us'), 0) AS referrals_given,
      coalesce(sum(n) FILTER (WHERE ref AND initiated_by = 'partner'), 0)
        AS referrals_received,
      {hours}
    FROM (SELECT *, kind IN {_in(REFERRAL_KINDS)} AS ref FROM a0)
    GROUP BY partner_id
  ),
  f AS (
    SELECT p.partner_id,
      p.status IN {_in(COUNTED_STATUSES)}
        AND (p.signed_on IS NULL OR p.signed_on <= (SELECT as_of FROM w))
        AND (coalesce(d.won_deals, 0) > 0 OR coalesce(d.deals_created, 0) > 0
             OR coalesce(a.activities, 0) > 0) AS inside,
      CAST(round(coalesce(d.won_revenue, 0) * 100) AS BIGINT) AS u,
      coalesce(d.won_revenue, 0) AS won_revenue,
      coalesce(d.won_deals, 0) AS won_deals,
      coalesce(d.lost_deals, 0) AS lost_deals,
      coalesce(d.sourced_pipeline, 0) AS sourced_pipeline,
      coalesce(d.r_recent, 0) AS r_recent,
      coalesce(d.r_prior, 0) AS r_prior,
      a.last_activity,
      coalesce(a.referrals_given, 0) AS referrals_given,
      coalesce(a.referrals_received, 0) AS referrals_received,
      {hours_out}
    FROM {p["partners"]} p
    LEFT JOIN d USING (partner_id)
    LEFT JOIN a USING (partner_id)
  ),
  r AS (
    SELECT *,
      sum(CASE WHEN inside THEN u ELSE 0 END) OVER () AS total,
      sum(CASE WHEN inside THEN u ELSE 0 END)
        OVER (ORDER BY inside DESC, u DESC, partner_id ROWS UNBOUNDED PRECEDING) AS cum,
      count(*) FILTER (WHERE inside)
        OVER (ORDER BY inside DESC, u DESC, partner_id ROWS UNBOUNDED PRECEDING) AS n_inside
    FROM f
  )
SELECT partner_id, won_revenue, won_deals, lost_deals,
  CASE WHEN won_deals + lost_deals > 0
       THEN won_deals / (won_deals + lost_deals) END AS win_rate,
  sourced_pipeline,
  (SELECT as_of FROM w) - last_activity AS days_since_activity,
  referrals_given, referrals_received,
  {hours_cols},
  CASE WHEN r_recent + r_prior > 0
       THEN (r_recent - r_prior) / (r_recent + r_prior) END AS revenue_trend,
  CASE WHEN inside THEN n_inside END AS rank,
  CASE WHEN inside AND total > 0 THEN cum / total END AS cum_share,
  inside AND total > 0 AND (cum - u) < {threshold!r} * total * (1 - {TOLERANCE!r}) AS vital
FROM r
ORDER BY partner_id
"""


def core(paths: Mapping[str, str], *, threshold: float = THRESHOLD) -> pl.DataFrame:
    """Run the core in a fresh in-memory DuckDB connection; return the result (via Arrow)."""
    with duckdb.connect() as con:
        return con.sql(sql(paths, threshold=threshold)).pl()
