"""The core scorecard and vital few in DuckDB SQL over the Parquet files.

Same definitions as ``impl_polars`` (see its docstring and ``bench/README.md``). Written to
be the strongest fair peer, as a DuckDB user who knows the engine would write it:

- ``as_of`` first, in its own small statement (``window_sql``: maxima of the event-date
  columns, which DuckDB answers from the Parquet column statistics), exactly as the package
  and the hand-written polars query find it before their main query;
- then one statement (``sql``) with the window as **literal dates**, so that DuckDB pushes
  the date and partner filters into the Parquet scans (row groups outside the window are
  skipped on their statistics) and reads only the columns it needs (projection pushdown);
- one pass over the deals that can count (created or closed in W): every deal figure is a
  ``FILTER`` aggregate in one ``GROUP BY``;
- activities in one of three shapes (``VARIANTS``): ``two-part`` (the last activity date
  over the rows up to as_of; the rows in W per (partner, kind) with ``FILTER`` counts per
  initiator, then pivoted per partner), ``one-scan`` (one scan of the rows up to as_of per
  (partner, kind) with the last date and ``FILTER`` figures in W, then per partner) and
  ``one-pass`` (one ``GROUP BY partner_id`` with a ``FILTER`` aggregate per figure). Which
  is fastest depends on the data: two parts on files in date order with long ids, one scan
  on files ordered by partner; one pass is the slowest on both. The harness measures them
  and takes the fastest as the peer;
- one window pass for the Pareto flags; ``threads`` and every other setting left at DuckDB's
  defaults; the result handed over as Arrow (``.pl()``).

``VARIANTS`` keeps the shapes that were measured against this one (``python
bench/impl_duckdb.py FOLDER`` times them all in one process).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Mapping
from typing import Any

import duckdb
import polars as pl
from impl_polars import (
    ACTIVE_DAYS,
    COUNTED_STATUSES,
    KINDS,
    LOOKBACK_MONTHS,
    MIN_REVENUE,
    MIN_SHARE,
    REFERRAL_KINDS,
    THRESHOLD,
    TOLERANCE,
)

Window = tuple[dt.date, dt.date, dt.date]
"""(start, mid, as_of): W = (start, as_of], halves (start, mid] and (mid, as_of]."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_quote(v) for v in values) + ")"


def _date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _tables(paths: Mapping[str, str]) -> dict[str, str]:
    return {k: f"read_parquet({_quote(v)})" for k, v in paths.items()}


def window_sql(paths: Mapping[str, str]) -> str:
    """as_of (the latest actual event: a deal created, won or lost, an activity), the window
    start (12 calendar months back) and mid."""
    p = _tables(paths)
    parts = [
        f"SELECT max(created_on) AS d FROM {p['deals']}",
        f"SELECT max(closed_on) FILTER (WHERE outcome <> 'open') FROM {p['deals']}",
    ]
    if "activities" in p:
        parts.append(f"SELECT max(occurred_on) FROM {p['activities']}")
    events = "\n    UNION ALL ".join(parts)
    return f"""
SELECT start, start + CAST((as_of - start) // 2 AS INTEGER) AS mid, as_of
FROM (
  SELECT as_of, CAST(as_of - INTERVAL {LOOKBACK_MONTHS} MONTH AS DATE) AS start
  FROM (SELECT max(d) AS as_of FROM ({events}))
)
"""


def _deals_cte(p: Mapping[str, str], w: Window) -> str:
    start, mid, as_of = (_date(x) for x in w)
    closed_w = f"closed_on > {start} AND closed_on <= {as_of}"
    created_w = f"created_on > {start} AND created_on <= {as_of}"
    won = f"outcome = 'won' AND {closed_w}"
    # open at as_of: outcome open (its close date is an expected one), or closed after as_of
    still_open = f"(outcome = 'open' OR coalesce(closed_on > {as_of}, true))"
    matters = f"(outcome <> 'open' AND {closed_w}) OR ({created_w})"
    since = _date(w[2] - dt.timedelta(days=ACTIVE_DAYS))
    matters += f" OR {still_open} OR created_on > {since}"
    return f"""
  d AS (
    SELECT partner_id,
      count(*) FILTER (WHERE {still_open}) AS open_deals,
      max(coalesce(closed_on, created_on)) FILTER (WHERE {still_open}) AS open_until,
      max(created_on) AS last_deal_on,
      max(closed_on) FILTER (WHERE {won}) AS last_won_on,
      round(coalesce(sum(amount) FILTER (WHERE {won}), 0), 2) AS won_revenue,
      count(*) FILTER (WHERE {won}) AS won_deals,
      count(*) FILTER (WHERE outcome = 'lost' AND {closed_w}) AS lost_deals,
      count(*) FILTER (WHERE {created_w}) AS deals_created,
      round(coalesce(sum(amount) FILTER (WHERE source = 'partner' AND {created_w}), 0), 2)
        AS sourced_pipeline,
      round(coalesce(sum(amount) FILTER (WHERE {won} AND closed_on > {mid}), 0), 2)
        AS r_recent,
      round(coalesce(sum(amount) FILTER (WHERE {won} AND closed_on <= {mid}), 0), 2)
        AS r_prior
    FROM {p["deals"]}
    WHERE partner_id IS NOT NULL AND created_on <= {as_of} AND ({matters})
    GROUP BY partner_id
  )"""


def _activities_ctes(p: Mapping[str, str], w: Window) -> str:
    start, _, as_of = (_date(x) for x in w)
    hours = ",\n      ".join(
        f"round(coalesce(sum(h) FILTER (WHERE kind = {_quote(k)}), 0), 2) AS hours_{k}"
        for k in KINDS
    )
    ref = f"kind IN {_in(REFERRAL_KINDS)}"
    return f"""
  last AS (
    SELECT partner_id, max(occurred_on) AS last_activity,
      max(occurred_on) FILTER (WHERE initiated_by = 'partner') AS last_partner_activity
    FROM {p["activities"]}
    WHERE occurred_on <= {as_of}
    GROUP BY partner_id
  ),
  per_kind AS (
    SELECT partner_id, kind,
      count(*) AS n,
      count(*) FILTER (WHERE initiated_by = 'us') AS us,
      count(*) FILTER (WHERE initiated_by = 'partner') AS them,
      sum(hours) AS h
    FROM {p["activities"]}
    WHERE occurred_on > {start} AND occurred_on <= {as_of}
    GROUP BY partner_id, kind
  ),
  in_w AS (
    SELECT partner_id,
      sum(n) AS activities,
      coalesce(sum(us) FILTER (WHERE {ref}), 0) AS referrals_given,
      coalesce(sum(them) FILTER (WHERE {ref}), 0) AS referrals_received,
      {hours}
    FROM per_kind
    GROUP BY partner_id
  ),
  a AS (
    SELECT last.partner_id, last.last_activity, last.last_partner_activity,
      in_w.* EXCLUDE (partner_id)
    FROM last LEFT JOIN in_w USING (partner_id)
  )"""


def _activities_one_scan(p: Mapping[str, str], w: Window) -> str:
    """Variant: one scan over the rows up to as_of, grouped per (partner, kind) with the last
    date and the counts in W by initiator, then per partner."""
    start, _, as_of = (_date(x) for x in w)
    hours = ",\n      ".join(
        f"round(coalesce(sum(h) FILTER (WHERE kind = {_quote(k)}), 0), 2) AS hours_{k}"
        for k in KINDS
    )
    ref = f"kind IN {_in(REFERRAL_KINDS)}"
    return f"""
  a0 AS (
    SELECT partner_id, kind,
      max(occurred_on) AS last,
      max(occurred_on) FILTER (WHERE initiated_by = 'partner') AS last_them,
      count(*) FILTER (WHERE occurred_on > {start}) AS n,
      count(*) FILTER (WHERE occurred_on > {start} AND initiated_by = 'us') AS us,
      count(*) FILTER (WHERE occurred_on > {start} AND initiated_by = 'partner') AS them,
      sum(hours) FILTER (WHERE occurred_on > {start}) AS h
    FROM {p["activities"]}
    WHERE occurred_on <= {as_of}
    GROUP BY partner_id, kind
  ),
  a AS (
    SELECT partner_id,
      max(last) AS last_activity,
      max(last_them) AS last_partner_activity,
      sum(n) AS activities,
      coalesce(sum(us) FILTER (WHERE {ref}), 0) AS referrals_given,
      coalesce(sum(them) FILTER (WHERE {ref}), 0) AS referrals_received,
      {hours}
    FROM a0
    GROUP BY partner_id
  )"""


def _activities_one_pass(p: Mapping[str, str], w: Window) -> str:
    """Variant: one GROUP BY partner_id over the raw rows, a FILTER aggregate per figure."""
    start, _, as_of = (_date(x) for x in w)
    in_w = f"occurred_on > {start}"
    ref = f"kind IN {_in(REFERRAL_KINDS)}"
    hours = ",\n      ".join(
        f"round(coalesce(sum(hours) FILTER (WHERE {in_w} AND kind = {_quote(k)}), 0), 2) "
        f"AS hours_{k}"
        for k in KINDS
    )
    return f"""
  a AS (
    SELECT partner_id,
      max(occurred_on) AS last_activity,
      max(occurred_on) FILTER (WHERE initiated_by = 'partner') AS last_partner_activity,
      count(*) FILTER (WHERE {in_w}) AS activities,
      count(*) FILTER (WHERE {in_w} AND {ref} AND initiated_by = 'us') AS referrals_given,
      count(*) FILTER (WHERE {in_w} AND {ref} AND initiated_by = 'partner')
        AS referrals_received,
      {hours}
    FROM {p["activities"]}
    WHERE occurred_on <= {as_of}
    GROUP BY partner_id
  )"""


def sql(
    paths: Mapping[str, str],
    w: Window,
    *,
    threshold: float = THRESHOLD,
    activities: str = "two-part",
) -> str:
    """The core as one SQL statement for the window ``w`` (see :func:`window_sql`)."""
    p = _tables(paths)
    shapes = {"one-pass": _activities_one_pass, "one-scan": _activities_one_scan}
    acts = shapes.get(activities, _activities_ctes)(p, w)
    as_of = _date(w[2])
    # not dormant: material won revenue, or a partner-side signal in the last ACTIVE_DAYS
    since = _date(w[2] - dt.timedelta(days=ACTIVE_DAYS))
    awake = f"""((won_revenue > 0 AND won_revenue >= {MIN_REVENUE!r}
           AND won_revenue >= total_counted * {MIN_SHARE!r})
         OR last_deal_on > {since} OR last_partner_activity > {since}
         OR open_until > {since} OR last_won_on > {since})"""
    hours_out = ", ".join(f"coalesce(a.hours_{k}, 0) AS hours_{k}" for k in KINDS)
    hours_cols = ", ".join(f"hours_{k}" for k in KINDS)
    return f"""
WITH{_deals_cte(p, w)},{acts},
  f AS (
    SELECT p.partner_id,
      p.status IN {_in(COUNTED_STATUSES)}
        AND (p.signed_on IS NULL OR p.signed_on <= {as_of}) AS counted,
      coalesce(d.deals_created, 0) AS deals_created,
      coalesce(d.open_deals, 0) AS open_deals,
      d.open_until,
      d.last_deal_on,
      d.last_won_on,
      a.last_partner_activity,
      coalesce(a.activities, 0) AS activities,
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
    FROM (SELECT partner_id, status, signed_on FROM {p["partners"]}) p
    LEFT JOIN d USING (partner_id)
    LEFT JOIN a USING (partner_id)
  ),
  g AS (
    SELECT *, counted AND {awake} AS inside
    FROM (SELECT *, sum(won_revenue) FILTER (WHERE counted) OVER () AS total_counted FROM f)
  ),
  r AS (
    SELECT *,
      sum(u_in) OVER () AS total,
      sum(u_in) OVER pareto AS cum,
      row_number() OVER pareto AS n_inside
    FROM (SELECT *, CASE WHEN inside THEN u ELSE 0 END AS u_in FROM g)
    WINDOW pareto AS (ORDER BY inside DESC, u DESC, partner_id ROWS UNBOUNDED PRECEDING)
  )
SELECT partner_id, won_revenue, won_deals, lost_deals,
  CASE WHEN won_deals + lost_deals > 0
       THEN won_deals / (won_deals + lost_deals) END AS win_rate,
  sourced_pipeline,
  {as_of} - last_activity AS days_since_activity,
  referrals_given, referrals_received,
  {hours_cols},
  CASE WHEN r_recent + r_prior > 0
       THEN (r_recent - r_prior) / (r_recent + r_prior) END AS revenue_trend,
  CASE WHEN inside THEN n_inside END AS rank,
  CASE WHEN inside AND total > 0 THEN cum / total END AS cum_share,
  inside AND total > 0
    AND min(cum - u) OVER (PARTITION BY inside, u) < {threshold!r} * total * (1 - {TOLERANCE!r})
    AS vital
FROM r
ORDER BY partner_id
"""


def find_window(con: duckdb.DuckDBPyConnection, paths: Mapping[str, str]) -> Window:
    (start, mid, as_of), *_ = con.sql(window_sql(paths)).fetchall()
    return start, mid, as_of


def core(
    paths: Mapping[str, str], *, threshold: float = THRESHOLD, activities: str = "two-part"
) -> pl.DataFrame:
    """Run the core in a fresh in-memory DuckDB connection; return the result (via Arrow)."""
    with duckdb.connect() as con:
        w = find_window(con, paths)
        return con.sql(sql(paths, w, threshold=threshold, activities=activities)).pl()


def explain(paths: Mapping[str, str], *, threshold: float = THRESHOLD) -> str:
    """DuckDB's profile of the main statement (``EXPLAIN ANALYZE``), as text."""
    with duckdb.connect() as con:
        w = find_window(con, paths)
        rows = con.sql("EXPLAIN ANALYZE " + sql(paths, w, threshold=threshold)).fetchall()
    return "\n".join(str(r[-1]) for r in rows)


def _operators(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = [node]
    for child in node.get("children", []):
        out += _operators(child)
    return out


def profile(paths: Mapping[str, str], *, reps: int = 3) -> dict[str, Any]:
    """Time the parts of the statement alone, and summarise DuckDB's own profile of it.

    The parts are the statement's own CTEs (deals, last activity, activities in W), each run
    alone; the profile is ``EXPLAIN (ANALYZE, FORMAT JSON)`` of the whole statement: the
    Parquet scans (columns read, filters pushed into them) and the busiest operators.
    """
    with duckdb.connect() as con:
        w = find_window(con, paths)
        p = _tables(paths)
        ctes = f"WITH{_deals_cte(p, w)},{_activities_ctes(p, w)}"
        queries = {
            "as_of": window_sql(paths),
            "deals": f"{ctes} SELECT * FROM d",
            "last_activity": f"{ctes} SELECT * FROM last",
            "activities_in_w": f"{ctes} SELECT * FROM in_w",
            "whole": sql(paths, w),
        }
        parts: dict[str, float] = {}
        for name, query in queries.items():
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                con.sql(query).pl()
                times.append(time.perf_counter() - t0)
            parts[name] = sorted(times)[len(times) // 2]
        (row,) = con.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql(paths, w)).fetchall()
    tree = json.loads(row[1])
    ops = [o for root in tree["operator"] for o in _operators(root)]
    scans = []
    for o in ops:
        info = o.get("extra_info", {})
        if o["type"] == "TABLE_SCAN":
            files = str(info.get("File Filters") or info.get("Function") or "")
            cols = info.get("Projections", [])
            filters = info.get("Filters")
            scans.append(
                f"{files.lower()} {len(cols) if isinstance(cols, list) else cols} columns, "
                f"{o.get('intermediate_rows', 0):,} rows out"
                + (", filter pushed" if filters else "")
            )
    top = sorted(ops, key=lambda o: -float(o.get("timing", 0)))[:5]
    return {
        "parts_s": parts,
        "cpu_s": float(tree["query"].get("cpu_time", 0.0)),
        "scans": scans,
        "top": [
            {"type": o["type"], "s": float(o["timing"]), "rows": int(o.get("intermediate_rows", 0))}
            for o in top
        ],
    }


VARIANTS = ("two-part", "one-pass", "one-scan")
"""Activity shapes measured: two cheap parts (used) and one wide FILTER pass."""


if __name__ == "__main__":
    from pathlib import Path

    from harness import table_paths as paths_of

    table_paths = paths_of(Path(sys.argv[1]))
    for variant in VARIANTS:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            core(table_paths, activities=variant)
            times.append(time.perf_counter() - t0)
        print(f"{variant:10s} median {sorted(times)[2]:.3f}s min {min(times):.3f}s")
