"""The scorecard: one row per partner, every metric of stage 2 side by side.

:func:`scorecard` joins the stage-1 facts onto the partners table and derives every column
listed in :data:`SCORECARD_COLUMNS` (name -> one-line definition; W is the analysis window
(as_of - lookback, as_of]). All partners are listed, prospects and exited ones included;
``counted`` says which take part in portfolio statistics (percentiles, Pareto, tier audit).

An input the source did not supply gives nulls, never zeros: without an activity log, for
instance, ``enablement_activities`` is null for everyone (and the health model leaves it
out), while a partner with no activity in a supplied log has 0.

Examples
--------
>>> import datetime as dt
>>> from partnerkit.facts import from_portfolio
>>> from partnerkit.window import Window
>>> from partnerkit.policy import Policy
>>> from partnerkit.load import from_frames
>>> p = from_frames(
...     partners=pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]}),
...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "b"],
...         "created_on": ["2025-01-05", "2025-01-09"], "closed_on": ["2025-03-01", None],
...         "outcome": ["won", "open"], "amount": [1200.0, 300.0]}))
>>> w = Window.ending(dt.date(2025, 3, 1), months=12)
>>> facts = from_portfolio(p, window=w, policy=Policy()).collect()
>>> card = scorecard(p.partners, facts=facts, policy=Policy())
>>> card.select("partner_id", "won_revenue", "state", "vital").collect().rows()
[('a', 1200.0, 'productive', True), ('b', 0.0, 'active', False)]
"""

from __future__ import annotations

import polars as pl

from partnerkit.facts import HOURS_COLUMNS, Facts, hours_column
from partnerkit.metrics.conflicts import conflicts
from partnerkit.metrics.health import health
from partnerkit.metrics.incentives import incentive_summary
from partnerkit.metrics.lifecycle import lifecycle, productivity_state, progress
from partnerkit.metrics.pareto import in_denominator, pareto_flags, vital_by_quarter
from partnerkit.metrics.reciprocity import reciprocity
from partnerkit.metrics.tiers import tier_audit
from partnerkit.policy import DEFAULT_HEALTH, Policy
from partnerkit.schema import ACTIVITY_KINDS, TABLES
from partnerkit.window import Window

__all__ = [
    "CORE_COLUMNS",
    "SCORECARD_COLUMNS",
    "core_scorecard",
    "counted",
    "quarterly_vitals",
    "scorecard",
    "scorecard_columns",
]

_DEFAULT_DIMENSIONS = ("interest", "awareness", "encouragement")


def _dimension(name: str) -> str:
    """Define a health dimension of the default model, with its metrics and weights."""
    (dimension,) = (d for d in DEFAULT_HEALTH if d.name == name)
    metrics = ", ".join(
        f"{m.column} ({m.weight:g}{', lower is better' if not m.higher_is_better else ''})"
        for m in dimension.metrics
    )
    absent = [m.column for m in dimension.metrics if m.missing == "absent"]
    missing = (
        f" ({', '.join(absent)}: left out for a partner without a value, the other weights "
        "then count alone)"
        if absent
        else ""
    )
    return (
        "Health dimension (0-100): by default the weighted mean of the percentiles of "
        f"{metrics} (weights in brackets; policy.health; lower is better: 100 minus the "
        "percentile). A percentile is 100 * (r - 1) / (n - 1), r the average rank of the "
        "partner's value among the n counted partners ranked (ties share it; 50 when alone), "
        "except that the worst value scores 0 however many partners share it (unless every "
        f"partner does: 50); a partner without a value ranks below every partner with one{missing}."
    )


SCORECARD_COLUMNS: dict[str, str] = {
    # --- who ------------------------------------------------------------------------------
    "partner_id": "Unique partner key.",
    "name": "Partner name.",
    "type": "Partner type (reseller, referral, technology, services, ...).",
    "tier": "Assigned tier, as in the partners table.",
    "region": "Sales region.",
    "category": "Solution category (partners sharing one can conflict).",
    "status": "active, prospect or exited.",
    "signed_on": "Date the partnership was signed.",
    "executive_sponsor": "Our executive sponsor, if any.",
    "counted": "In portfolio statistics: status in policy.include_statuses and signed on or "
    "before as_of (or signing date unknown).",
    "in_denominator": "In the concentration denominator (policy.denominator: enrolled = "
    "counted; active = counted and not dormant; positive = counted with value > 0).",
    # --- results in W ---------------------------------------------------------------------
    "won_revenue": "Amount of deals won with a close date in W, rounded to cents.",
    "won_deals": "Number of deals won with a close date in W.",
    "lost_deals": "Number of deals lost with a close date in W.",
    "win_rate": "won_deals / (won_deals + lost_deals); null when nothing closed in W.",
    "sourced_revenue": "Won revenue in W of deals the partner originated (source partner).",
    "influenced_revenue": "Won revenue in W of deals we originated with the partner attached "
    "(source vendor).",
    "open_pipeline": "Amount of the partner's deals open at as_of: created by then and not "
    "won or lost by then (an open deal counts whatever its expected close date).",
    "open_deals": "Number of the partner's deals open at as_of.",
    "sourced_pipeline": "Amount of partner-originated deals created in W (any outcome).",
    "pipeline_created": "Amount of the partner's deals created in W (any source, any outcome).",
    "deals_created": "Number of the partner's deals created in W.",
    "avg_days_to_close": "Mean days from creation to close of the deals won in W.",
    "first_win_on": "Close date of the partner's first won deal up to as_of.",
    "last_win_on": "Close date of the partner's latest won deal up to as_of.",
    "days_to_first_win": "Days from signed_on to first_win_on (activation).",
    "last_deal_on": "Creation date of the partner's latest deal up to as_of.",
    "revenue_prior": "Won revenue in the prior half of W, (start, mid].",
    "revenue_recent": "Won revenue in the recent half of W, (mid, as_of].",
    "revenue_trend": "(revenue_recent - revenue_prior) / (revenue_recent + revenue_prior), in "
    "[-1, 1]; null when both are 0.",
    "revenue_before": "Won revenue in the span of as many days just before W (the year before "
    "W by default).",
    "revenue_yoy": "(won_revenue - revenue_before) / revenue_before, year on year: -1 when W is "
    "all zero after a year with revenue; null when revenue_before is 0.",
    # --- lifecycle ------------------------------------------------------------------------
    "tenure_days": "Days from signed_on to as_of (negative when signed after as_of).",
    "stage": "ramping while tenure_days < policy.ramp_days (incl. signed after as_of), else "
    "mature; mature when signed_on is unknown.",
    "progress": "How ramping partners are judged (0-100): the mean over policy.progress_metrics "
    "with a value of one score per metric, 0 when the metric is 0, else its percentile among "
    "the counted partners (100 * (r - 1) / (n - 1), r its average rank; 50 when alone).",
    "state": "productive (material won revenue in W: at least policy.productive_min_share of "
    "the counted total and policy.productive_min_revenue), active (not productive, but a "
    "partner-side signal dated in (as_of - policy.active_days, as_of], fewer than "
    "policy.active_days days before as_of: a deal created or won, a "
    "partner-initiated activity, or an open deal expected to close within policy.active_days "
    "before as_of or later (one left open long after its expected close date is a stale "
    "record; an undated one counts from its creation); our own touches are not one) or "
    "dormant (neither).",
    "silent": "No sign of life from the partner dated in (as_of - policy.active_days, as_of] "
    "(as state reads it), whatever its results: true for every dormant partner, and for a "
    "productive one whose results lie in the past.",
    # --- engagement -----------------------------------------------------------------------
    "activities": "Number of activities in W.",
    "last_activity_on": "Date of the latest activity up to as_of.",
    "last_partner_activity_on": "Date of the latest activity the partner initiated, up to as_of.",
    "days_since_activity": "Days from last_activity_on to as_of; null when never active.",
    "days_since_partner_activity": "Days from last_partner_activity_on to as_of; null when the "
    "partner never initiated one (our own touches do not count).",
    "last_qbr_on": "Date of the latest partnership review (kind qbr) up to as_of.",
    "days_since_qbr": "Days from last_qbr_on to as_of; null when never reviewed.",
    "review_overdue": "days_since_qbr > policy.review_max_days, or never reviewed (a review "
    "exactly policy.review_max_days old is not overdue).",
    "sponsor_present": "An executive sponsor is named.",
    "partner_initiated_share": "Share of the activities in W with a known initiator that "
    "the partner initiated.",
    "enablement_activities": "Enablement, training and certification activities in W.",
    "joint_marketing_activities": "Joint-marketing activities in W.",
    "cosell_activities": "Co-selling activities in W.",
    "activity_breadth": "Number of distinct activity kinds in W.",
    "referrals_given": "Referrals and intros in W initiated by us (we gave them).",
    "referrals_received": "Referrals and intros in W initiated by the partner (we received them).",
    "reciprocity": "(received - given) / (received + given) in [-1, 1]: +1 the partner only "
    "gives; null when neither.",
    "our_hours": "Hours of activities in W initiated by us.",
    "partner_hours": "Hours of activities in W initiated by the partner.",
    **{
        hours_column(kind): f"Hours of the activities of kind {kind} in W, whoever initiated them."
        for kind in ACTIVITY_KINDS
    },
    "our_effort_share": "our_hours / (our_hours + partner_hours); null when no hours, or when "
    "a side that initiated activities in W has none recorded.",
    "one_sided": "our_effort_share > policy.one_sided_share; when it is null, "
    "1 - partner_initiated_share (our share of the activities) against the same threshold; "
    "null when the partner has no activity in W with a known initiator.",
    # --- investment -----------------------------------------------------------------------
    "investment": "Investment in W: each investment's amount pro-rated by its days inside W "
    "(ongoing ones run until as_of).",
    "program_investment": "The part of investment in policy.program_categories.",
    "revenue_per_investment": "won_revenue / investment; null when investment is 0.",
    "incentives": "Number of incentives (policy.incentive_categories) started by as_of.",
    "ephemeral_incentives": "Incentives whose lift did not last (see Analysis.incentives).",
    "conflict_partners": "Counted partners of the same category whose span on a shared "
    "account overlaps this one's by a day or more (from its first deal on the account live "
    "in W to its last close, as_of while open; a stale open deal ends at its expected close; "
    "see Analysis.conflicts); null without categories or accounts.",
    "incentive_retention": "Mean share of the incentive lift kept afterwards; null when not "
    "measurable.",
    # --- account overlap ------------------------------------------------------------------
    "overlap_accounts": "Distinct accounts in the partner's account mapping.",
    "cosell_potential": "Overlap accounts where we have a prospect and the partner a customer.",
    "help_potential": "Overlap accounts where we have a customer and the partner a prospect "
    "(where we can help them).",
    "realized_overlap": "Overlap accounts with a deal through the partner live in W.",
    "untapped_overlap": "Co-sell-potential accounts with no deal through the partner live in "
    "W (0 <= untapped <= cosell_potential).",
    "overlap_open_pipeline": "Amount of all deals (any partner or direct) open at as_of on "
    "the partner's overlap accounts.",
    # --- Pareto -----------------------------------------------------------------------------
    "rank": "Rank by policy.pareto_value within the denominator (1 = highest; ties by "
    "partner_id); null outside it.",
    "share": "Value / total value of the denominator; null when the total is 0.",
    "cum_share": "Cumulative share down to and including this partner.",
    "vital": "In the vital few: cumulative share before the partner < "
    "policy.vital_threshold (nobody when the total is 0); a partner tied in value with a "
    "vital one is vital too, whatever its id.",
    "vital_quarters": "Number of the last policy.stability_quarters calendar quarters in "
    "which the partner was among that quarter's vital few (won revenue).",
    # --- health ------------------------------------------------------------------------------
    "interest": _dimension("interest"),
    "awareness": _dimension("awareness"),
    "encouragement": _dimension("encouragement"),
    "health": "Mean of the health dimensions (0-100); null for partners not counted.",
    # --- tier audit -------------------------------------------------------------------------
    "tier_level": "Level of the assigned tier on policy.tier_ladder (bottom = 0); null for a "
    "tier not on the ladder (not audited; the analysis notes name such tiers).",
    "implied_tier": "Tier the partner would hold if tiers were handed out by performance "
    "(policy.tier_value, default the Pareto value) in today's proportions; a tie group gets "
    "the tier the whole group earns, zero value the bottom tier; null for ramping partners "
    "(judged on progress) and partners not counted.",
    "tier_gap": "tier_level - level of implied_tier: > 0 over-tiered, < 0 under-tiered.",
}
"""Every scorecard column, in order, with its definition (for the default health model)."""

_DEAL_COLUMNS = (
    "won_revenue", "won_deals", "lost_deals", "sourced_revenue", "influenced_revenue",
    "open_pipeline", "open_deals", "sourced_pipeline", "pipeline_created", "deals_created",
    "avg_days_to_close", "first_win_on", "last_win_on", "last_deal_on", "revenue_prior",
    "revenue_recent", "revenue_before", "open_until",
)  # fmt: skip
_DEAL_ZERO = (
    "won_revenue", "won_deals", "lost_deals", "sourced_revenue", "influenced_revenue",
    "open_pipeline", "open_deals", "sourced_pipeline", "pipeline_created", "deals_created",
    "revenue_prior", "revenue_recent", "revenue_before",
)  # fmt: skip
_BY_SOURCE = ("sourced_revenue", "influenced_revenue", "sourced_pipeline")
_ACTIVITY_ZERO = (
    "activities", "partner_initiated", "initiated_known", "enablement_activities",
    "joint_marketing_activities", "cosell_activities", "activity_breadth", "referrals_given",
    "referrals_received", "our_hours", "partner_hours", *HOURS_COLUMNS,
)  # fmt: skip
_ACTIVITY_DATES = ("last_activity_on", "last_qbr_on", "last_partner_activity_on")
_BY_INITIATOR = (
    "partner_initiated", "initiated_known", "referrals_given", "referrals_received",
    "our_hours", "partner_hours",
)  # fmt: skip
_INVESTMENT_ZERO = ("investment", "program_investment", "incentives", "ephemeral_incentives")
_OVERLAP_ZERO = (
    "overlap_accounts", "cosell_potential", "help_potential", "realized_overlap",
    "untapped_overlap", "overlap_open_pipeline",
)  # fmt: skip
_BY_ACCOUNT = ("realized_overlap", "untapped_overlap", "overlap_open_pipeline")


def scorecard_columns(policy: Policy | None = None, /) -> dict[str, str]:
    """:data:`SCORECARD_COLUMNS` with the health dimensions of ``policy``'s model.

    >>> list(scorecard_columns())[-8:-3]
    ['vital_quarters', 'interest', 'awareness', 'encouragement', 'health']
    """
    dims = tuple(d.name for d in (policy or Policy()).health)
    out: dict[str, str] = {}
    for name, text in SCORECARD_COLUMNS.items():
        if name in _DEFAULT_DIMENSIONS:
            if name == _DEFAULT_DIMENSIONS[0]:
                for d in dims:
                    out[d] = SCORECARD_COLUMNS.get(d, SCORECARD_COLUMNS["interest"])
            continue
        out[name] = text
    return out


def _nulls(names: tuple[str, ...], schema: pl.Schema) -> list[pl.Expr]:
    return [pl.lit(None, dtype=schema[n]).alias(n) for n in names]


def _days(delta: pl.Expr, /) -> pl.Expr:
    return delta.dt.total_days()


def counted(policy: Policy, window: Window, /) -> pl.Expr:
    """Expression: the partner is counted in portfolio statistics (column ``counted``).

    Its status is in ``policy.include_statuses`` and it was signed on or before as_of (or
    its signing date is unknown). Requires columns ``status`` and ``signed_on``.

    >>> import datetime as dt
    >>> p = pl.DataFrame({"status": ["active", "exited", "active"],
    ...     "signed_on": [dt.date(2025, 1, 1), None, dt.date(2026, 1, 1)]})
    >>> w = Window.ending(dt.date(2025, 6, 30), months=12)
    >>> p.select(counted(Policy(), w)).to_series().to_list()
    [True, False, False]
    """
    signed = pl.col("signed_on")
    return pl.col("status").is_in(list(policy.include_statuses)).fill_null(value=False) & (
        signed.is_null() | (signed <= pl.lit(window.end))
    )


def _results(window: Window) -> dict[str, pl.Expr]:
    """Return the ratios derived from the deal and activity facts (shared with the core)."""
    won, lost = pl.col("won_deals"), pl.col("lost_deals")
    recent, prior = pl.col("revenue_recent"), pl.col("revenue_prior")
    return {
        "win_rate": pl.when(won + lost > 0).then(won / (won + lost)),
        "revenue_trend": pl.when(recent + prior > 0).then((recent - prior) / (recent + prior)),
        "days_since_activity": _days(pl.lit(window.end) - pl.col("last_activity_on")),
    }


def _state(card: pl.LazyFrame, policy: Policy, window: Window) -> pl.LazyFrame:
    """Add ``state`` with the policy's settings (shared with the core)."""
    return productivity_state(
        card,
        as_of=window.end,
        active_days=policy.active_days,
        min_share=policy.productive_min_share,
        min_revenue=policy.productive_min_revenue,
        include="counted",
    )


def _with_conflicts(
    card: pl.LazyFrame, facts: Facts, pairs: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    """Add ``conflict_partners`` from the conflict pairs (null without categories/accounts).

    ``pairs`` defaults to :func:`~partnerkit.metrics.conflicts.conflicts` of the facts.
    """
    if not (facts.has("partners", "category") and facts.has("deals", "account_id")):
        return card.with_columns(conflict_partners=pl.lit(None, dtype=pl.Int64))
    if pairs is None:
        pairs = conflicts(facts.accounts, partners=facts.partners)
    per = (
        pl.concat(
            [
                pairs.select(pl.col("partner_a").alias("partner_id")),
                pairs.select(pl.col("partner_b").alias("partner_id")),
            ]
        )
        .group_by("partner_id")
        .agg(pl.len().cast(pl.Int64).alias("conflict_partners"))
    )
    return card.join(per, on="partner_id", how="left").with_columns(
        pl.col("conflict_partners").fill_null(0)
    )


def _ranked(card: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Add ``in_denominator`` and the Pareto columns for ``policy.pareto_value``."""
    value = policy.pareto_value
    if value not in card.collect_schema().names():
        raise ValueError(f"policy.pareto_value {value!r} is not a scorecard column")
    card = card.with_columns(
        in_denominator=in_denominator(policy.denominator, value=value, include="counted")
    )
    return pareto_flags(
        card, value=value, threshold=policy.vital_threshold, include="in_denominator"
    )


def quarterly_vitals(facts: Facts, /, *, counted: pl.LazyFrame, threshold: float) -> pl.LazyFrame:
    """Rank the ``counted`` partners by won revenue in each quarter and flag the vital few.

    Requires columns: ``partner_id`` in ``counted``. Returns ``partner_id``, ``quarter``
    (first day of the calendar quarter, a Date; the last one ends at as_of), ``value``,
    ``rank``, ``share`` and ``vital``; only partners with value > 0 in a quarter appear.
    """
    values = (
        facts.deal_quarters.filter(pl.col("won_revenue") > 0)
        .select("partner_id", "quarter", pl.col("won_revenue").alias("value"))
        .join(counted.select("partner_id"), on="partner_id", how="semi")
    )
    return vital_by_quarter(values, threshold=threshold)


def scorecard(
    partners: pl.LazyFrame,
    /,
    *,
    facts: Facts,
    policy: Policy,
    conflict_pairs: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """One row per partner with every column of :func:`scorecard_columns` (module docstring).

    ``conflict_pairs``: the conflicts of these facts
    (:func:`~partnerkit.metrics.conflicts.conflicts` of ``facts.accounts`` and
    ``facts.partners``), when the caller has them collected already; computed inside the
    query otherwise (the same values, at about three times the cost at 20,000 partners).

    Requires columns: the canonical ``partners`` columns (:mod:`partnerkit.schema`); the
    facts come from stage 1 (:mod:`partnerkit.facts`). Rows are sorted by
    ``rank`` (nulls last), then ``partner_id``. Raises ``ValueError`` when
    ``policy.pareto_value``, a health metric or a progress metric is not a scorecard column.
    """
    as_of = pl.lit(facts.window.end)
    base = partners.select(TABLES["partners"].names)
    deals = facts.deals.filter(pl.col("partner_id").is_not_null()).select(
        "partner_id", *_DEAL_COLUMNS
    )
    card = (
        base.join(deals, on="partner_id", how="left")
        .join(facts.activities, on="partner_id", how="left")
        .join(facts.investments, on="partner_id", how="left")
        .join(incentive_summary(facts.incentives), on="partner_id", how="left")
        .join(facts.overlaps, on="partner_id", how="left")
    )
    schema = card.collect_schema()
    fills = [pl.col(c).fill_null(0) for c in _DEAL_ZERO]
    fills += [pl.col(c).fill_null(0) for c in _INVESTMENT_ZERO if facts.has("investments")]
    fills += [pl.col(c).fill_null(0) for c in _ACTIVITY_ZERO if facts.has("activities")]
    fills += [pl.col(c).fill_null(0) for c in _OVERLAP_ZERO if facts.has("overlaps")]
    card = card.with_columns(fills)
    missing: list[str] = []
    if not facts.has("deals", "source"):
        missing += _BY_SOURCE
    if not facts.has("activities"):
        missing += _ACTIVITY_ZERO + _ACTIVITY_DATES
    else:
        if not facts.has("activities", "initiated_by"):
            missing += _BY_INITIATOR
        if not facts.has("activities", "hours"):
            missing += ("our_hours", "partner_hours", *HOURS_COLUMNS)
    if not facts.has("investments"):
        missing += (*_INVESTMENT_ZERO, "incentive_retention")
    if not facts.has("overlaps"):
        missing += _OVERLAP_ZERO
    elif not facts.has("deals", "account_id"):
        missing += _BY_ACCOUNT
    if missing:
        card = card.with_columns(_nulls(tuple(dict.fromkeys(missing)), schema))

    sponsor = pl.col("executive_sponsor").str.strip_chars()
    card = card.with_columns(
        counted=counted(policy, facts.window),
        **_results(facts.window),
        revenue_yoy=pl.when(pl.col("revenue_before") > 0).then(
            (pl.col("won_revenue") - pl.col("revenue_before")) / pl.col("revenue_before")
        ),
        tenure_days=_days(as_of - pl.col("signed_on")),
        days_to_first_win=_days(pl.col("first_win_on") - pl.col("signed_on")),
        days_since_qbr=_days(as_of - pl.col("last_qbr_on")),
        days_since_partner_activity=_days(as_of - pl.col("last_partner_activity_on")),
        sponsor_present=(
            (sponsor.is_not_null() & (sponsor != ""))
            if facts.has("partners", "executive_sponsor")
            else pl.lit(None, dtype=pl.Boolean)
        ),
        partner_initiated_share=pl.when(pl.col("initiated_known") > 0).then(
            pl.col("partner_initiated") / pl.col("initiated_known")
        ),
        revenue_per_investment=pl.when(pl.col("investment") > 0).then(
            pl.col("won_revenue") / pl.col("investment")
        ),
    ).with_columns(
        review_overdue=(
            (
                pl.col("days_since_qbr").is_null()
                | (pl.col("days_since_qbr") > policy.review_max_days)
            )
            if facts.has("activities")
            else pl.lit(None, dtype=pl.Boolean)
        ),
    )
    card = reciprocity(card, one_sided_share=policy.one_sided_share)
    card = lifecycle(_state(card, policy, facts.window), ramp_days=policy.ramp_days)
    card = _with_conflicts(card, facts, conflict_pairs)

    vitals = quarterly_vitals(
        facts, counted=card.filter(pl.col("counted")), threshold=policy.vital_threshold
    )
    counts = vitals.group_by("partner_id").agg(
        pl.col("vital").sum().cast(pl.Int64).alias("vital_quarters")
    )
    card = card.join(counts, on="partner_id", how="left").with_columns(
        pl.col("vital_quarters").fill_null(0)
    )
    card = health(card, model=policy.health, include="counted")
    card = progress(card, metrics=policy.progress_metrics, include="counted")

    card = _ranked(card, policy)
    tier_value = policy.tier_value or policy.pareto_value
    if tier_value not in card.collect_schema().names():
        raise ValueError(f"policy.tier_value {tier_value!r} is not a scorecard column")
    audited = pl.col("counted").fill_null(value=False) & (pl.col("stage") != "ramping")
    card = tier_audit(
        card.with_columns(audited.alias("_tier_audited")),
        ladder=policy.tier_ladder,
        value=tier_value,
        include="_tier_audited",
    )
    return card.select(list(scorecard_columns(policy))).sort("rank", "partner_id", nulls_last=True)


CORE_COLUMNS: tuple[str, ...] = (
    "partner_id", "name", "type", "tier", "region", "status", "counted", "in_denominator",
    "won_revenue", "won_deals", "lost_deals", "win_rate", "sourced_pipeline",
    "deals_created", "revenue_prior", "revenue_recent", "revenue_trend", "state",
    "activities", "last_activity_on", "days_since_activity", "referrals_given",
    "referrals_received", *HOURS_COLUMNS, "rank", "share", "cum_share", "vital",
)  # fmt: skip
"""The columns of :func:`core_scorecard`, each defined as in :data:`SCORECARD_COLUMNS`."""

_CORE_DEALS = (
    "won_revenue", "won_deals", "lost_deals", "sourced_pipeline", "deals_created",
    "revenue_prior", "revenue_recent", "open_deals",
)  # fmt: skip
_CORE_COUNTS = ("activities", "referrals_given", "referrals_received")
_CORE_ACTIVITIES = (*_CORE_COUNTS, *HOURS_COLUMNS)


def core_scorecard(facts: Facts, /, *, policy: Policy) -> pl.LazyFrame:
    """Compute the core of the scorecard: results, engagement, the vital few.

    One row per partner with the :data:`CORE_COLUMNS`, each computed exactly as in
    :func:`scorecard` (same definitions, same values), sorted by ``rank`` (nulls last),
    then ``partner_id``. It is the fast path for large portfolios when the rest of the
    analysis (health, tiers, overlap, lift, ...) is not needed: ``facts`` are those of
    :func:`partnerkit.facts.core_facts` (one pass over the deals that can count and one
    over the activities), or the full facts.

    Requires: ``policy.pareto_value`` must be one of the core columns (else
    ``ValueError``). Columns the source did not supply are null, as in the scorecard.

    >>> import datetime as dt
    >>> from partnerkit.facts import FactSettings, core_facts
    >>> tables = {"partners": pl.LazyFrame({"partner_id": ["a", "b"], "name": ["A", "B"]}),
    ...     "deals": pl.LazyFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "b"],
    ...         "created_on": [dt.date(2025, 1, 5), dt.date(2025, 1, 9)],
    ...         "closed_on": [dt.date(2025, 3, 1), None], "outcome": ["won", "open"],
    ...         "amount": [1200.0, 300.0]})}
    >>> w = Window.ending(dt.date(2025, 3, 1), months=12)
    >>> facts = core_facts(tables, window=w, settings=FactSettings()).collect()
    >>> card = core_scorecard(facts, policy=Policy()).collect()
    >>> card.select("partner_id", "won_revenue", "state", "rank", "vital").rows()
    [('a', 1200.0, 'productive', 1, True), ('b', 0.0, 'active', 2, False)]
    """
    window = facts.window
    partners = facts.partners.select(TABLES["partners"].names)
    deals = facts.deals.select(
        "partner_id", *_CORE_DEALS, "last_deal_on", "last_win_on", "open_until"
    )
    card = partners.join(deals, on="partner_id", how="left").with_columns(
        pl.col(_CORE_DEALS).fill_null(0)
    )
    missing: list[str] = []
    if facts.has("activities"):
        acts = facts.activities.select(
            "partner_id", "last_activity_on", "last_partner_activity_on", *_CORE_ACTIVITIES
        )
        card = card.join(acts, on="partner_id", how="left").with_columns(
            pl.col(_CORE_ACTIVITIES).fill_null(0)
        )
        if not facts.has("activities", "initiated_by"):
            missing += ("referrals_given", "referrals_received")
        if not facts.has("activities", "hours"):
            missing += HOURS_COLUMNS
    else:
        card = card.with_columns(
            pl.lit(None, pl.Date).alias("last_activity_on"),
            pl.lit(None, pl.Date).alias("last_partner_activity_on"),
            *(pl.lit(None, pl.Int64).alias(c) for c in _CORE_COUNTS),
            *(pl.lit(None, pl.Float64).alias(c) for c in HOURS_COLUMNS),
        )
    if not facts.has("deals", "source"):
        missing.append("sourced_pipeline")
    if missing:
        schema = card.collect_schema()
        card = card.with_columns(_nulls(tuple(missing), schema))
    card = card.with_columns(counted=counted(policy, window), **_results(window))
    card = _ranked(_state(card, policy, window), policy)
    return card.select(CORE_COLUMNS).sort("rank", "partner_id", nulls_last=True)
