"""The core scorecard and vital few in polars: partnerkit's own API, and a hand-written query.

The core computation every implementation performs (definitions as in
``partnerkit.metrics``; see ``bench/README.md``):

- ``as_of`` = the latest actual event in the data (a deal created, won or lost, an activity;
  an open deal's close date is an expected one and never counts, as ``facts.latest_date``);
  W = (start, as_of] with start = as_of - 12 calendar months (clamped to the month's end);
  halves (start, mid] and (mid, as_of] with mid = start + floor(days(W) / 2) days.
- per partner (every row of ``partners``): ``won_revenue`` / ``won_deals`` (won, closed in
  W), ``lost_deals``, ``win_rate`` = won / (won + lost), null when nothing closed,
  ``sourced_pipeline`` (source partner, created in W), ``days_since_activity`` (to the last
  activity up to as_of; null without one), ``referrals_given`` / ``referrals_received``
  (referral or intro activities in W initiated by us / by the partner), ``hours_<kind>``
  (hours of activities of each kind in W), ``revenue_trend`` = (R_recent - R_prior) /
  (R_recent + R_prior) over the halves, null when both are 0. Money is rounded to cents.
- Pareto: partners *in the denominator* (status in ``active``, signed on or before as_of or
  signing date unknown, and not dormant) are ranked by won revenue in whole cents,
  descending, ties by ``partner_id``;
  ``cum_share`` = running cents / total cents; ``vital`` when the cents before the partner
  are below threshold x total (x (1 - 1e-12)); nobody when the total is 0. Partners outside
  get null rank and cum_share and vital false. Dormant is the package's productivity state:
  with ``Policy.active_days`` (``ACTIVE_DAYS``), neither material won revenue in W (above 0,
  ``productive_min_revenue`` and ``productive_min_share`` of the counted partners' total) nor
  a partner-side signal within ``ACTIVE_DAYS`` of as_of (a deal created, a partner-initiated
  activity, a deal open at as_of).

``core_hand`` is the best hand-written polars version (one pass per table, conditional
aggregation, the window pushed into the scans). ``core_package`` calls partnerkit's API.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from partnerkit.facts import latest_date
from partnerkit.policy import Policy
from partnerkit.schema import ACTIVITY_KINDS

LOOKBACK_MONTHS = 12
THRESHOLD = 0.8
COUNTED_STATUSES = ("active",)
REFERRAL_KINDS = ("referral", "intro")
KINDS = ACTIVITY_KINDS
TOLERANCE = 1e-12
_POLICY = Policy()
ACTIVE_DAYS: int = _POLICY.active_days
"""Partner-side signals within this many days of as_of make a partner active (the package's
productivity state)."""
MIN_SHARE: float = _POLICY.productive_min_share
MIN_REVENUE: float = _POLICY.productive_min_revenue
ACTUAL_EVENTS = (("deals", "created_on"), ("deals", "closed_on"), ("activities", "occurred_on"))
"""The dates whose maximum is as_of: a deal created, won or lost (an open deal's close date is
an expected one and never counts), an activity."""

INT_COLUMNS = (
    "won_deals",
    "lost_deals",
    "days_since_activity",
    "referrals_given",
    "referrals_received",
    "rank",
)
HOURS_COLUMNS = tuple(f"hours_{k}" for k in KINDS)
FLOAT_COLUMNS = (
    "won_revenue",
    "win_rate",
    "sourced_pipeline",
    *HOURS_COLUMNS,
    "revenue_trend",
    "cum_share",
)
RESULT_COLUMNS = (
    "partner_id",
    "won_revenue",
    "won_deals",
    "lost_deals",
    "win_rate",
    "sourced_pipeline",
    "days_since_activity",
    "referrals_given",
    "referrals_received",
    *HOURS_COLUMNS,
    "revenue_trend",
    "rank",
    "cum_share",
    "vital",
)

Paths = Mapping[str, str]


def scan(paths: Paths, table: str) -> pl.LazyFrame:
    return pl.scan_parquet(paths[table])


def window(as_of: dt.date, months: int = LOOKBACK_MONTHS) -> tuple[dt.date, dt.date]:
    """Return (start, mid) of W = (start, as_of]."""
    start: dt.date = pl.select(pl.lit(as_of).dt.offset_by(f"-{months}mo")).item()
    mid = start + dt.timedelta(days=(as_of - start).days // 2)
    return start, mid


def real_close() -> pl.Expr:
    """The date a deal really closed: null while it is open (its date is an expected one)."""
    return pl.when(pl.col("outcome") != "open").then(pl.col("closed_on"))


def as_of_from(paths: Paths, *, engine: Any = "auto") -> dt.date:
    """The latest actual event of the portfolio (:data:`ACTUAL_EVENTS`)."""
    parts = [
        scan(paths, name).select(
            (real_close() if col == "closed_on" else pl.col(col)).max().cast(pl.Date).alias("d")
        )
        for name, col in ACTUAL_EVENTS
        if name in paths
    ]
    latest: dt.date = pl.concat(parts).select(pl.col("d").max()).collect(engine=engine).item()
    return latest


# --- stage 2 shared by the hand-written version ---


def pareto_flags(facts: pl.LazyFrame, /, *, threshold: float = THRESHOLD) -> pl.LazyFrame:
    """Rank partners in the denominator (``inside``) by won revenue in cents; flag the vital few."""
    inside = pl.col("inside")
    cents = (pl.col("won_revenue") * 100).round().cast(pl.Int64)
    u = pl.when(inside).then(pl.col("_u")).otherwise(0)
    ranked = (
        facts.with_columns(_u=cents)
        .sort(["inside", "_u", "partner_id"], descending=[True, True, False])
        .with_columns(_total=u.sum(), _cum=u.cum_sum())
    )
    positive = inside & (pl.col("_total") > 0)
    return ranked.with_columns(
        rank=pl.when(inside).then(inside.cast(pl.Int64).cum_sum()),
        cum_share=pl.when(positive).then(pl.col("_cum") / pl.col("_total")),
        vital=positive
        & ((pl.col("_cum") - pl.col("_u")) < threshold * pl.col("_total") * (1 - TOLERANCE)),
    )


def finish(facts: pl.LazyFrame, as_of: dt.date, threshold: float) -> pl.LazyFrame:
    """Derived ratios, the denominator, then the Pareto flags; sorted by partner_id."""
    won, lost = pl.col("won_deals"), pl.col("lost_deals")
    recent, prior = pl.col("r_recent"), pl.col("r_prior")
    signed = pl.col("signed_on")
    counted = pl.col("status").is_in(COUNTED_STATUSES) & (signed.is_null() | (signed <= as_of))
    revenue = pl.col("won_revenue")
    total = revenue.filter(counted).sum()
    material = (revenue > 0) & (revenue >= MIN_REVENUE) & (revenue >= total * MIN_SHARE)
    since = pl.lit(as_of - dt.timedelta(days=ACTIVE_DAYS))
    signal = (
        (pl.col("last_deal_on") > since).fill_null(value=False)
        | (pl.col("last_partner_activity") > since).fill_null(value=False)
        | (pl.col("open_until") > since).fill_null(value=False)
        | (pl.col("last_won_on") > since).fill_null(value=False)
    )
    dormant = ~material & ~signal
    derived = facts.with_columns(
        win_rate=pl.when(won + lost > 0).then(won / (won + lost)),
        revenue_trend=pl.when(recent + prior > 0).then((recent - prior) / (recent + prior)),
        days_since_activity=(pl.lit(as_of) - pl.col("last_activity")).dt.total_days(),
        inside=counted & ~dormant,
    )
    return pareto_flags(derived, threshold=threshold).select(RESULT_COLUMNS).sort("partner_id")


# --- polars-hand ---


def _money(expr: pl.Expr) -> pl.Expr:
    return expr.round(2)


def deal_facts(paths: Paths, start: dt.date, mid: dt.date, as_of: dt.date) -> pl.LazyFrame:
    """One pass over deals: only the rows that can matter, conditional sums per partner.

    The rows that can matter: closed or created in W, and (for the state) open at as_of or
    created in the last ``ACTIVE_DAYS``.
    """
    amount, outcome = pl.col("amount"), pl.col("outcome")
    closed, created = real_close(), pl.col("created_on")
    closed_w = ((closed > start) & (closed <= as_of)).fill_null(value=False)
    created_w = (created > start) & (created <= as_of)
    won = closed_w & (outcome == "won")
    still_open = (outcome == "open") | (closed > as_of).fill_null(value=True)
    matters = closed_w | created_w
    matters = matters | still_open | (created > as_of - dt.timedelta(days=ACTIVE_DAYS))
    return (
        scan(paths, "deals")
        .select("partner_id", "created_on", "closed_on", "outcome", "amount", "source")
        .filter(pl.col("partner_id").is_not_null() & matters & (created <= as_of))
        .group_by("partner_id")
        .agg(
            open_deals=still_open.sum(),
            open_until=pl.col("closed_on").fill_null(created).filter(still_open).max(),
            last_deal_on=created.max(),
            last_won_on=closed.filter(won).max(),
            won_revenue=_money(amount.filter(won).sum()),
            won_deals=won.sum(),
            lost_deals=(closed_w & (outcome == "lost")).sum(),
            deals_created=created_w.sum(),
            sourced_pipeline=_money(
                amount.filter(created_w & (pl.col("source") == "partner")).sum()
            ),
            r_recent=_money(amount.filter(won & (closed > mid)).sum()),
            r_prior=_money(amount.filter(won & (closed <= mid)).sum()),
        )
    )


def activity_facts(paths: Paths, start: dt.date, as_of: dt.date) -> pl.LazyFrame:
    """Activities in two cheap parts: the last date over all rows, the rest over W only.

    The rows in W are first reduced per (partner, kind) (ten-odd rows per partner), and the
    per-kind columns are picked from those; ten filtered sums over the raw rows cost about
    twice as much at 50 million rows.
    """
    kind, day, by = pl.col("kind"), pl.col("occurred_on"), pl.col("initiated_by")
    rows = scan(paths, "activities").select(
        "partner_id", "occurred_on", "kind", "initiated_by", "hours"
    )
    last = (
        rows.filter(day <= as_of)
        .group_by("partner_id")
        .agg(last_activity=day.max(), last_partner_activity=day.filter(by == "partner").max())
    )
    per_kind = (
        rows.filter((day > start) & (day <= as_of))
        .group_by("partner_id", "kind")
        .agg(
            n=pl.len(), us=(by == "us").sum(), them=(by == "partner").sum(), h=pl.col("hours").sum()
        )
    )
    ref = kind.is_in(REFERRAL_KINDS)
    in_w = per_kind.group_by("partner_id").agg(
        activities=pl.col("n").sum(),
        referrals_given=pl.col("us").filter(ref).sum(),
        referrals_received=pl.col("them").filter(ref).sum(),
        **{f"hours_{k}": pl.col("h").filter(kind == k).sum() for k in KINDS},
    )
    return last.join(in_w, on="partner_id", how="left")


ZERO_FILLED = (
    "won_revenue",
    "won_deals",
    "lost_deals",
    "deals_created",
    "sourced_pipeline",
    "r_recent",
    "r_prior",
    "activities",
    "open_deals",
    "referrals_given",
    "referrals_received",
    *HOURS_COLUMNS,
)


def core_hand(paths: Paths, *, threshold: float = THRESHOLD, engine: Any = "auto") -> pl.DataFrame:
    """Hand-written polars core: as_of, then one pass over deals and one over activities."""
    as_of = as_of_from(paths, engine=engine)
    start, mid = window(as_of)
    facts = (
        scan(paths, "partners")
        .select("partner_id", "status", "signed_on")
        .join(deal_facts(paths, start, mid, as_of), on="partner_id", how="left")
        .join(activity_facts(paths, start, as_of), on="partner_id", how="left")
        .with_columns(pl.col(ZERO_FILLED).fill_null(0))
    )
    return finish(facts, as_of, threshold).collect(engine=engine)


# --- partnerkit's own API ---

PACKAGE_API = (
    "partnerkit.read_portfolio(folder, validate=...) -> partnerkit.analysis.quick_scorecard "
    "(facts.latest_date -> facts.core_facts -> metrics.scorecard.core_scorecard on the "
    "lazy facts, collected once)"
)


def package_portfolio(folder: Path, *, validate: bool = True) -> Any:
    """Read the portfolio with the package (validate=False: tables and types checked only)."""
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415

    return read_portfolio(folder, validate=validate)


def core_package(
    portfolio: Any, *, threshold: float = THRESHOLD, engine: Any = "streaming"
) -> pl.DataFrame:
    """partnerkit's API computing the core scorecard and vital few from a read portfolio.

    ``engine="streaming"`` is what :func:`partnerkit.analysis.quick_scorecard` does; the
    in-memory engine is measured through the same lazy query for comparison.
    """
    from partnerkit.analysis import quick_scorecard  # noqa: PLC0415
    from partnerkit.policy import Policy  # noqa: PLC0415
    from partnerkit.window import Window  # noqa: PLC0415

    policy = Policy(vital_threshold=threshold, lookback_months=LOOKBACK_MONTHS)
    if engine == "streaming":
        card = quick_scorecard(portfolio, policy=policy)
    else:
        w = Window.ending(latest_date(portfolio), months=policy.lookback_months)
        card = _core_query(portfolio, w, policy).collect(engine=engine)
    return card.select(RESULT_COLUMNS).sort("partner_id")


# --- the scan floor ---


def floor(paths: Paths, *, engine: Any = "auto") -> pl.DataFrame:
    """Read every column the core needs once and reduce each to one number."""

    def n_bytes(*cols: str) -> list[pl.Expr]:
        return [
            pl.col(c).str.len_bytes().cast(pl.Int64).sum().alias(f"{c}_{i}")
            for i, c in enumerate(cols)
        ]

    def days(*cols: str) -> list[pl.Expr]:
        return [pl.col(c).cast(pl.Int64).sum().alias(f"{c}_d") for c in cols]

    deals = scan(paths, "deals").select(
        *n_bytes("partner_id", "outcome", "source"),
        *days("created_on", "closed_on", "partner_engaged_on"),
        pl.col("amount").sum(),
    )
    acts = scan(paths, "activities").select(
        *n_bytes("partner_id", "kind", "initiated_by"),
        *days("occurred_on"),
        pl.col("hours").sum(),
    )
    parts = scan(paths, "partners").select(*n_bytes("partner_id", "status"), *days("signed_on"))
    inv = scan(paths, "investments").select(*days("starts_on"))
    out: pl.DataFrame = pl.concat(
        [
            deals,
            acts.select(pl.all().name.prefix("a_")),
            parts.select(pl.all().name.prefix("p_")),
            inv,
        ],
        how="horizontal",
    ).collect(engine=engine)
    return out


# --- the interactive path (stage 2 on the collected scorecard) ---


def _median_ms(fn: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _ops(card: pl.DataFrame, percentiles: pl.DataFrame, policy: Any, reps: int) -> dict[str, float]:
    """Time the explorer's updates with the package's own functions (widgets.state)."""
    from partnerkit.widgets.state import (  # noqa: PLC0415
        apply_filters,
        explore,
        reflag,
        reweight,
        summary,
        weight_key,
    )

    dims = policy.health
    first = dims[0]
    weights = {weight_key(first.name, first.metrics[0].column): 3.0}
    value, denominator = policy.pareto_value, policy.denominator
    regions = card["region"].drop_nulls().unique().sort().to_list()[:1]
    filters = {"region": regions}

    def reweighted() -> pl.DataFrame:
        return reweight(card, model=dims, weights=weights, percentiles=percentiles)

    def filtered_summary(frame: pl.DataFrame) -> None:
        view = explore(frame, filters=filters, value=value, threshold=0.9, denominator=denominator)
        summary(view, value=value, threshold=0.9, denominator=denominator)

    return {
        "reflag_vital": _median_ms(
            lambda: reflag(card, value=value, threshold=0.9, denominator=denominator), reps
        ),
        "reweight_health": _median_ms(reweighted, reps),
        "filter": _median_ms(lambda: apply_filters(card, filters=filters), reps),
        "filter_reflag_summary": _median_ms(lambda: filtered_summary(card), reps),
        "reweight_filter_reflag_summary": _median_ms(lambda: filtered_summary(reweighted()), reps),
    }


def interactive(folder: Path, *, reps: int) -> dict[str, Any]:
    """Analyse once with the package, then time the explorer's updates on the scorecard."""
    from partnerkit.analysis import analyze  # noqa: PLC0415

    analysis = analyze(package_portfolio(folder, validate=False))
    card, percentiles, policy = analysis.scorecard, analysis.health_percentiles, analysis.policy
    out: dict[str, Any] = {
        "source": "partnerkit.analysis.analyze -> partnerkit.widgets.state",
        "partners": card.height,
        "reps": reps,
        "median_ms": _ops(card, percentiles, policy, reps),
    }
    if card.height < 100_000:
        copies = -(-100_000 // card.height)

        def tiled(frame: pl.DataFrame) -> pl.DataFrame:
            fresh = [frame.with_columns(pl.col("partner_id") + f"~{i}") for i in range(copies)]
            return pl.concat(fresh, rechunk=True).head(100_000)

        big = tiled(card)
        out["tiled_100k"] = {
            "partners": big.height,
            "median_ms": _ops(big, tiled(percentiles), policy, reps),
        }
    return out


# --- where the time goes ---


def _median_s(fn: Callable[[], object], reps: int) -> float:
    return _median_ms(fn, reps) / 1000


def plan_summary(plan: str) -> dict[str, Any]:
    """Scans (file, columns read, filter pushed), group-bys and joins of a polars plan."""
    scans: list[str] = []
    lines = [x.strip() for x in plan.splitlines()]
    for i, line in enumerate(lines):
        if "SCAN [" in line:
            name = Path(line.split("[", 1)[1].rstrip("]")).stem
            cols = next((x for x in lines[i + 1 : i + 3] if x.startswith("PROJECT")), "")
            pushed = any(x.startswith("SELECTION") for x in lines[i + 1 : i + 4])
            read = cols.removeprefix("PROJECT ").removesuffix(" COLUMNS") or "all"
            scans.append(f"{name} ({read} columns{', filter pushed' if pushed else ''})")
    return {
        "scans": scans,
        "aggregates": sum(x.startswith("AGGREGATE") for x in lines),
        "joins": sum(x.endswith("JOIN:") for x in lines),
    }


def _core_query(portfolio: Any, w: Any, policy: Any) -> pl.LazyFrame:
    """The lazy query ``quick_scorecard`` collects: the core stage-1 reduction, then stage 2."""
    from partnerkit.facts import FactSettings, core_facts, portfolio_tables  # noqa: PLC0415
    from partnerkit.metrics.scorecard import core_scorecard  # noqa: PLC0415

    stage = core_facts(
        portfolio_tables(portfolio),
        window=w,
        settings=FactSettings.from_policy(policy, w),
        supplied=portfolio.supplied or None,
    )
    return core_scorecard(stage.lazy(), policy=policy)


def profile_package(folder: Path, *, reps: int = 3) -> dict[str, Any]:
    """Time the parts of the package's core query alone, and summarise its plan.

    The parts are the package's own (``partnerkit.facts.latest_date``, the deal and the activity
    fact tables of ``partnerkit.facts.core_facts``, the whole core query) and, for the two
    halves of the former activity reduction, queries of that shape on raw rows keyed by a
    64-bit hash of ``partner_id``; each is collected alone on the streaming engine.
    """
    from partnerkit.facts import FactSettings, core_facts, portfolio_tables  # noqa: PLC0415
    from partnerkit.facts.engines import KEY_SEED  # noqa: PLC0415
    from partnerkit.policy import Policy  # noqa: PLC0415
    from partnerkit.window import Window  # noqa: PLC0415

    portfolio = package_portfolio(folder, validate=False)
    policy = Policy(vital_threshold=THRESHOLD, lookback_months=LOOKBACK_MONTHS)
    w = Window.ending(latest_date(portfolio), months=policy.lookback_months)
    stage = core_facts(
        portfolio_tables(portfolio),
        window=w,
        settings=FactSettings.from_policy(policy, w),
        supplied=portfolio.supplied or None,
    )
    deals = stage.tables["deals"]
    day, kind, by = pl.col("occurred_on"), pl.col("kind"), pl.col("initiated_by")
    acts = portfolio.activities.with_columns(pl.col("partner_id").hash(KEY_SEED))
    dates = [day.max()]
    # the package also keeps the last partner-initiated activity
    dates.append(day.filter(by == "partner").max().alias("last_partner_activity"))
    last = acts.filter(day <= w.end).group_by("partner_id").agg(dates)
    per_kind = (
        acts.filter(w.contains(day))
        .group_by("partner_id", "kind")
        .agg(
            n=pl.len(), us=(by == "us").sum(), them=(by == "partner").sum(), h=pl.col("hours").sum()
        )
        .group_by("partner_id")
        .agg(
            pl.col("n").sum(),
            pl.col("us").filter(kind.is_in(REFERRAL_KINDS)).sum(),
            **{f"hours_{k}": pl.col("h").filter(kind == k).sum() for k in KINDS},
        )
    )
    core = _core_query(portfolio, w, policy)

    def run(q: pl.LazyFrame) -> Callable[[], object]:
        return lambda: q.collect(engine="streaming")

    parts = {
        "as_of": _median_s(lambda: latest_date(portfolio), reps),
        "deals": _median_s(run(deals), reps),
        "activities": _median_s(run(stage.tables["activities"]), reps),
        "last_activity": _median_s(run(last), reps),
        "activities_in_w": _median_s(run(per_kind), reps),
        "whole": _median_s(run(core), reps),
    }
    return {"reps": reps, "parts_s": parts, **plan_summary(core.explain(engine="streaming"))}
