"""Keep / invest / watch / exit per partner, with reason codes, a sentence and follow-ups.

:func:`recommend` reads a scorecard (one row per partner) and adds five columns
(:data:`RECOMMENDATION_COLUMNS`):

``recommendation``
    ``keep``, ``invest``, ``watch`` or ``exit``; null for partners that are not counted in
    portfolio statistics (status outside ``policy.include_statuses``).
``reasons``
    The machine-readable codes that hold for the partner, in the order of :data:`REASONS`.
``explanation``
    One sentence built from the metric values behind the codes.
``actions``
    Follow-up actions (:data:`ACTIONS`): schedule a QBR, name a sponsor, rebalance effort,
    resolve a conflict. They never change the decision; every counted partner that is not
    exited gets the same actions for the same signs, whatever it produces (a partner not
    counted gets none).
``follow_up``
    The actions as one sentence (null when there is none).

Every threshold comes from the :class:`~partnerkit.policy.Policy`. The decision rules,
first match wins:

1. not counted: no recommendation (``NOT_COUNTED``);
2. vital with a warning sign (fading, collapsed year on year, one-sided effort, low
   health): ``watch``; vital otherwise: ``keep``;
3. ramping: ``keep`` with progress at or above ``ramp_min_progress`` (on track) and a sign
   of life from the partner within ``active_days`` (not dormant), ``watch`` otherwise
   (stalled: too little progress, or gone silent since); a ramping partner is never exited
   for lack of revenue;
4. productive (material results in W): ``watch`` with a warning sign (as for the vital);
   ``invest`` when health is at or above ``invest_min_health``, the partner is not
   over-tiered, not in a channel conflict (no more investment into partners competing on
   the same accounts until it is resolved) and its deal flow was not bought by an
   incentive that did not last; ``keep`` otherwise;
5. mature, not productive, with untapped co-sell overlap at or above
   ``reactivation_min_untapped``: ``invest`` (re-activation, never exit);
6. dormant: ``exit`` unless health is at or above ``invest_min_health`` and the effort is
   not one-sided (then ``watch``): health is mostly engagement, so only a clearly healthy
   relationship that is not our effort alone holds off the exit of a partner that gave no
   sign of life;
7. active (partner-side signals) but no material results: ``exit`` when health is at or
   below ``exit_max_health``, ``watch`` otherwise.

Missing QBRs and sponsors, one-sided effort and channel conflicts are follow-up actions,
not downgrades (one-sided effort is also a warning sign of its own). Finally, when
``policy.max_keep`` is set, only that many partners stay ``keep`` or ``invest`` (best
Pareto rank first); the rest become ``watch`` with ``KEEP_CAP_REACHED``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from partnerkit import formatting as fmt
from partnerkit.metrics.reciprocity import activity_effort_share
from partnerkit.metrics.tiers import tier_level
from partnerkit.policy import Policy

__all__ = [
    "ACTIONS",
    "DECISIONS",
    "REASONS",
    "RECOMMENDATION_COLUMNS",
    "URGENCY",
    "Reason",
    "reasons_frame",
    "reasons_markdown",
    "recommend",
    "require_recommendations",
]

DECISIONS: tuple[str, ...] = ("keep", "invest", "watch", "exit")
"""The decisions a partner can receive (and be recommended), in the order legends list them."""

URGENCY: tuple[str, ...] = ("exit", "watch", "invest", "keep")
"""The decisions most urgent first: the order a queue of recommendations is worked through."""


RECOMMENDATION_COLUMNS: dict[str, str] = {
    "recommendation": "keep, invest, watch or exit (null when not counted in portfolio "
    "statistics).",
    "reasons": "Reason codes behind the recommendation (see the table of reasons).",
    "explanation": "One sentence explaining the recommendation from the metric values.",
    "actions": "Follow-up action codes (see the table of actions); they never change the "
    "recommendation, and an exited partner, or one not counted, gets none.",
    "follow_up": "The follow-up actions as one sentence; null when there is none.",
}
"""The columns :func:`recommend` adds to the scorecard, with their definitions."""


@dataclass(frozen=True)
class Reason:
    """One reason (or action) code: what it means and the condition behind it."""

    code: str
    meaning: str
    condition: str


REASONS: tuple[Reason, ...] = (
    Reason(
        "NOT_COUNTED",
        "Not counted in portfolio statistics (a status outside policy.include_statuses, such "
        "as prospect or exited, or signed after as_of); no recommendation.",
        "counted is false",
    ),
    Reason(
        "VITAL",
        "In the vital few: the smallest set of partners producing most of the value.",
        "vital (cumulative share before the partner < policy.vital_threshold)",
    ),
    Reason(
        "FADING_TREND",
        "Revenue is falling from the first half of the window to the second, and is not up "
        "on the year before (the span before the window).",
        "revenue_trend <= policy.fading_trend and not (revenue_yoy > 0, or revenue_before "
        "== 0 with revenue in W)",
    ),
    Reason(
        "COLLAPSED_YOY",
        "Won revenue in the window fell, against the year before (the span before the "
        "window), by at least the policy share (also when the window is all zero).",
        "revenue_yoy <= -policy.collapse_share",
    ),
    Reason(
        "SILENT",
        "Produced in the window, but no sign of life from the partner since: no deal created "
        "or won, partner-initiated activity or open deal within the policy's active days.",
        'silent and (state == "productive" or vital)',
    ),
    Reason(
        "ONE_SIDED",
        "We do most of the work in the relationship.",
        "one_sided (our_effort_share > policy.one_sided_share; where the hours cannot compare "
        "the two sides, 1 - partner_initiated_share)",
    ),
    Reason(
        "CHANNEL_CONFLICT",
        "Works the same accounts at the same time as a partner of its category.",
        "conflict_partners > 0",
    ),
    Reason(
        "EPHEMERAL_INCENTIVE",
        "An incentive lifted its deal flow only while it lasted: no investment on that basis.",
        "ephemeral_incentives > 0",
    ),
    Reason(
        "OVER_TIERED",
        "Holds a higher tier than its performance implies.",
        "tier_gap > 0 (else implied_tier below tier on policy.tier_ladder)",
    ),
    Reason(
        "LOW_HEALTH",
        "Health score low enough to consider an exit.",
        "health <= policy.exit_max_health",
    ),
    Reason(
        "HIGH_HEALTH",
        "Health score high enough to consider more investment.",
        "health >= policy.invest_min_health",
    ),
    Reason(
        "DORMANT",
        "No material results and no recent sign of life from the partner: no deal created or "
        "won, partner-initiated activity or open deal within the policy's active days.",
        'state == "dormant"',
    ),
    Reason(
        "NO_RESULTS",
        "Signs of life from the partner, but no material won revenue in the window.",
        'state == "active"',
    ),
    Reason(
        "TRIVIAL_RESULTS",
        "Won something in the window, but below the materiality floor: not productive.",
        'won_revenue > 0 and state != "productive"',
    ),
    Reason(
        "REACTIVATE_UNTAPPED_OVERLAP",
        "Mature and not producing, but shares enough untapped co-sell accounts to be worth "
        "re-activating.",
        'stage != "ramping", state != "productive", not vital, untapped_overlap >= '
        "policy.reactivation_min_untapped",
    ),
    Reason(
        "RAMPING_ON_TRACK",
        "Still ramping with enough progress, or already producing, and giving signs of life; "
        "judged on progress, not revenue.",
        'stage == "ramping", (progress >= policy.ramp_min_progress or state == "productive") '
        "and not silent",
    ),
    Reason(
        "RAMPING_EARLY",
        "Signed less than the policy's active days ago: too early to judge its progress or "
        "its silence; kept while it starts.",
        'stage == "ramping", tenure_days < policy.active_days, not RAMPING_ON_TRACK',
    ),
    Reason(
        "RAMPING_STALLED",
        "Still ramping with too little progress, or silent since; watched, never exited "
        "while ramping.",
        'stage == "ramping", tenure_days >= policy.active_days and (progress < '
        'policy.ramp_min_progress or unknown, with state != "productive"; or silent)',
    ),
    Reason(
        "PRODUCTIVE_HEALTHY",
        "Producing material results with no warning sign.",
        'state == "productive", not vital, not ramping, no FADING_TREND, COLLAPSED_YOY, '
        "SILENT, ONE_SIDED or LOW_HEALTH",
    ),
    Reason(
        "KEEP_CAP_REACHED",
        "Would be kept or invested in, but the cap on kept partners is reached.",
        "policy.max_keep or more partners ranked above it would be kept or invested in",
    ),
)
"""Every reason code :func:`recommend` can emit, in the order codes appear in ``reasons``."""

ACTIONS: tuple[Reason, ...] = (
    Reason(
        "SCHEDULE_QBR",
        "Schedule a quarterly partnership review.",
        "review_overdue (days_since_qbr > policy.review_max_days, or never) and the "
        "recommendation is not exit",
    ),
    Reason(
        "NAME_SPONSOR",
        "Name an executive sponsor on our side.",
        "sponsor_present is false and the recommendation is not exit",
    ),
    Reason(
        "REBALANCE_EFFORT",
        "Rebalance the effort: agree what the partner puts in.",
        "one_sided and the recommendation is not exit",
    ),
    Reason(
        "RESOLVE_CONFLICT",
        "Resolve the channel conflict with the partners working the same accounts.",
        "conflict_partners > 0 and the recommendation is not exit",
    ),
)
"""Every follow-up action code, in the order codes appear in ``actions``."""


def reasons_frame() -> pl.DataFrame:
    """Return :data:`REASONS` as a frame with columns ``code``, ``meaning``, ``condition``.

    Examples
    --------
    >>> reasons_frame().filter(pl.col("code") == "DORMANT")["condition"].item()
    'state == "dormant"'
    """
    return pl.DataFrame(
        {
            "code": [r.code for r in REASONS],
            "meaning": [r.meaning for r in REASONS],
            "condition": [r.condition for r in REASONS],
        }
    )


def reasons_markdown() -> str:
    """Return :data:`REASONS` as a markdown table (code, meaning, condition).

    Examples
    --------
    >>> print(reasons_markdown().splitlines()[0])
    | code | meaning | condition |
    """
    lines = ["| code | meaning | condition |", "|---|---|---|"]
    lines += [f"| `{r.code}` | {r.meaning} | `{r.condition}` |" for r in REASONS]
    return "\n".join(lines)


# Columns read by :func:`recommend`. Only the required ones must be present; the others
# are taken as unknown (null) when absent, so their rules simply do not fire.
_REQUIRED = ("partner_id", "state")
_OPTIONAL: dict[str, pl.DataType] = {
    "counted": pl.Boolean(),
    "stage": pl.String(),
    "tenure_days": pl.Int64(),
    "progress": pl.Float64(),
    "vital": pl.Boolean(),
    "share": pl.Float64(),
    "rank": pl.Int64(),
    "won_revenue": pl.Float64(),
    "revenue_trend": pl.Float64(),
    "revenue_before": pl.Float64(),
    "revenue_yoy": pl.Float64(),
    "one_sided": pl.Boolean(),
    "our_effort_share": pl.Float64(),
    "partner_initiated_share": pl.Float64(),
    "sponsor_present": pl.Boolean(),
    "days_since_qbr": pl.Int64(),
    "review_overdue": pl.Boolean(),
    "health": pl.Float64(),
    "untapped_overlap": pl.Int64(),
    "conflict_partners": pl.Int64(),
    "ephemeral_incentives": pl.Int64(),
    "tier": pl.String(),
    "implied_tier": pl.String(),
    "tier_gap": pl.Int64(),
    "signed_on": pl.Date(),
    "silent": pl.Boolean(),
    "last_win_on": pl.Date(),
    "open_pipeline": pl.Float64(),
    "open_deals": pl.Int64(),
}

_P = "__rec_"  # prefix of the helper columns, dropped before returning


def _c(name: str) -> pl.Expr:
    return pl.col(_P + name)


def _flags(policy: Policy) -> dict[str, pl.Expr]:
    """Boolean helper columns, one per condition; unknown (null) inputs give false."""
    state = pl.col("state").cast(pl.String)
    stage = pl.col("stage").cast(pl.String)
    ladder = policy.tier_ladder
    # Positive gap = holds a better tier than its results earn (as the tier audit defines it).
    gap = pl.coalesce(
        pl.col("tier_gap"),
        tier_level("tier", ladder=ladder) - tier_level("implied_tier", ladder=ladder),
    )

    yoy = pl.col("revenue_yoy")
    # up on the year before: a rise, or revenue in W after a year with none
    grew = (
        pl.when(yoy.is_not_null())
        .then(yoy > 0)
        .otherwise((pl.col("revenue_before") == 0) & (pl.col("won_revenue") > 0))
    )
    flags = {
        "counted": pl.col("counted"),
        "vital": pl.col("vital"),
        "fading": (pl.col("revenue_trend") <= policy.fading_trend) & ~grew.fill_null(value=False),
        "collapsed": yoy <= -policy.collapse_share,
        "one_sided": pl.col("one_sided"),
        "conflict": pl.col("conflict_partners") > 0,
        "ephemeral": pl.col("ephemeral_incentives") > 0,
        "no_sponsor": pl.col("sponsor_present").not_(),
        "review": pl.coalesce(
            pl.col("review_overdue"), pl.col("days_since_qbr") > policy.review_max_days
        ),
        "over_tiered": gap > 0,
        "low_health": pl.col("health") <= policy.exit_max_health,
        "high_health": pl.col("health") >= policy.invest_min_health,
        "dormant": state == "dormant",
        # no sign of life from the partner (without the column: as the state reads it)
        "silent": pl.coalesce(pl.col("silent"), state == "dormant"),
        "silent_producer": pl.col("silent")
        & ((state == "productive") | pl.col("vital").fill_null(value=False)),
        "active": state == "active",
        "productive": state == "productive",
        "trivial": (pl.col("won_revenue") > 0) & (state != "productive"),
        "ramping": stage == "ramping",
        "on_track": pl.col("progress") >= policy.ramp_min_progress,
        "early": pl.col("tenure_days") < policy.active_days,
        "untapped": pl.col("untapped_overlap") >= policy.reactivation_min_untapped,
    }
    return {_P + k: v.fill_null(value=False) for k, v in flags.items()}


def _ramp() -> pl.Expr:
    """How a ramping partner is judged (null when not ramping), whether or not it is vital."""
    # a ramping partner already producing is on track, whatever its progress score
    on_track = (_c("on_track") | _c("productive")) & ~_c("silent")
    return (
        pl.when(~_c("ramping"))
        .then(None)
        .when(on_track)
        .then(pl.lit("ramping_on_track"))
        .when(_c("early"))
        .then(pl.lit("ramping_early"))
        .otherwise(pl.lit("ramping_stalled"))
    )


def _branch() -> pl.Expr:
    """Which rule decides the partner (the first that matches)."""
    warn = (
        _c("fading") | _c("collapsed") | _c("silent_producer") | _c("one_sided") | _c("low_health")
    )
    return (
        pl.when(~_c("counted"))
        .then(pl.lit("not_counted"))
        .when(_c("vital") & warn)
        .then(pl.lit("vital_watch"))
        .when(_c("vital"))
        .then(pl.lit("vital_keep"))
        .when(_c("ramp").is_not_null())
        .then(_c("ramp"))
        .when(_c("productive") & warn)
        .then(pl.lit("productive_watch"))
        .when(
            _c("productive")
            & _c("high_health")
            & ~(_c("over_tiered") | _c("conflict") | _c("ephemeral"))
        )
        .then(pl.lit("productive_invest"))
        .when(_c("productive"))
        .then(pl.lit("productive_keep"))
        .when(_c("untapped"))
        .then(pl.lit("reactivate"))
        .when(_c("dormant") & _c("high_health") & ~_c("one_sided"))
        .then(pl.lit("dormant_watch"))
        .when(_c("dormant"))
        .then(pl.lit("dormant_exit"))
        .when(_c("active") & _c("low_health"))
        .then(pl.lit("no_results_exit"))
        .when(_c("active"))
        .then(pl.lit("no_results_watch"))
        .otherwise(pl.lit("unclassified"))
    )


_BRANCH_DECISION: dict[str, str | None] = {
    "not_counted": None,
    "vital_watch": "watch",
    "vital_keep": "keep",
    "reactivate": "invest",
    "ramping_stalled": "watch",
    "ramping_on_track": "keep",
    "ramping_early": "keep",
    "dormant_watch": "watch",
    "dormant_exit": "exit",
    "no_results_exit": "exit",
    "no_results_watch": "watch",
    "productive_watch": "watch",
    "productive_invest": "invest",
    "productive_keep": "keep",
    "unclassified": "watch",
}
_PRODUCTIVE = ("productive_watch", "productive_invest", "productive_keep")
# Branches whose main clause is good news: warnings follow a "but" (and low health is one).
_POSITIVE = ("vital_watch", "vital_keep", "ramping_on_track", "ramping_early", *_PRODUCTIVE)


def _capped(policy: Policy) -> pl.Expr:
    """Flag a keep/invest partner beyond ``policy.max_keep`` in Pareto rank order."""
    if policy.max_keep is None:
        return pl.lit(value=False)
    kept = _c("base").is_in(["keep", "invest"])
    position = (
        pl.when(kept)
        .then(pl.lit(1))
        .cum_sum()
        .over(order_by=[pl.col("rank"), pl.col("partner_id")], nulls_last=True)
    )
    return (kept & (position > policy.max_keep)).fill_null(value=False)


def _listed(conditions: dict[str, pl.Expr], counted: pl.Expr) -> pl.Expr:
    """List the codes whose condition holds (only for counted partners, but NOT_COUNTED)."""
    # Joining the codes that hold into one string and splitting it is far cheaper than
    # building a list from one (mostly null) column per code; codes contain no space.
    joined = pl.concat_str(
        [
            pl.when(cond & (counted | pl.lit(code == "NOT_COUNTED"))).then(pl.lit(code))
            for code, cond in conditions.items()
        ],
        separator=" ",
        ignore_nulls=True,
    )
    return (
        pl.when(joined != "")
        .then(joined.str.split(" "))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )


def _reasons() -> pl.Expr:
    """List the codes that hold, in :data:`REASONS` order."""
    counted = _c("counted")
    branch = _c("branch")
    conditions: dict[str, pl.Expr] = {
        "NOT_COUNTED": ~counted,
        "VITAL": _c("vital"),
        "FADING_TREND": _c("fading"),
        "COLLAPSED_YOY": _c("collapsed"),
        "SILENT": _c("silent_producer"),
        "ONE_SIDED": _c("one_sided"),
        "CHANNEL_CONFLICT": _c("conflict"),
        "EPHEMERAL_INCENTIVE": _c("ephemeral"),
        "OVER_TIERED": _c("over_tiered"),
        "LOW_HEALTH": _c("low_health"),
        "HIGH_HEALTH": _c("high_health"),
        "DORMANT": _c("dormant"),
        "NO_RESULTS": _c("active"),
        "TRIVIAL_RESULTS": _c("trivial"),
        "REACTIVATE_UNTAPPED_OVERLAP": branch == "reactivate",
        # listed for a vital ramping partner too: the reason table's conditions hold
        "RAMPING_ON_TRACK": _c("ramp") == "ramping_on_track",
        "RAMPING_EARLY": _c("ramp") == "ramping_early",
        "RAMPING_STALLED": _c("ramp") == "ramping_stalled",
        "PRODUCTIVE_HEALTHY": branch.is_in(["productive_invest", "productive_keep"]),
        "KEEP_CAP_REACHED": _c("capped"),
    }
    assert tuple(conditions) == tuple(r.code for r in REASONS)
    return _listed(conditions, counted)


def _actions() -> pl.Expr:
    """List the follow-up action codes, in :data:`ACTIONS` order (none when exited)."""
    going = pl.col("recommendation").is_not_null() & (pl.col("recommendation") != "exit")
    conditions: dict[str, pl.Expr] = {
        "SCHEDULE_QBR": _c("review") & going,
        "NAME_SPONSOR": _c("no_sponsor") & going,
        "REBALANCE_EFFORT": _c("one_sided") & going,
        "RESOLVE_CONFLICT": _c("conflict") & going,
    }
    assert tuple(conditions) == tuple(a.code for a in ACTIONS)
    return _listed(conditions, _c("counted"))


def _effort(hours: str = "hours") -> pl.Expr:
    """Say how one-sided the effort is: by the hours, else by who initiated the activities."""
    return pl.coalesce(
        pl.format(f"we put in {{}} of the {hours}", _pct(pl.col("our_effort_share"))),
        pl.format(
            "we initiated {} of the activities (hours not recorded on both sides)",
            _pct(activity_effort_share()),
        ),
    )


def _follow_up() -> pl.Expr:
    """Say the actions as one sentence, with the figures behind them."""
    has = pl.col("actions").list
    parts: list[pl.Expr] = [
        pl.when(has.contains("SCHEDULE_QBR")).then(
            pl.format(
                "schedule a QBR (none for {} days)", _num(pl.col("days_since_qbr"))
            ).fill_null("schedule a QBR (none on record)")
        ),
        pl.when(has.contains("NAME_SPONSOR")).then(pl.lit("name an executive sponsor")),
        pl.when(has.contains("REBALANCE_EFFORT")).then(
            pl.concat_str(pl.lit("rebalance effort ("), _effort(), pl.lit(")")).fill_null(
                "rebalance effort"
            )
        ),
        pl.when(has.contains("RESOLVE_CONFLICT")).then(
            pl.concat_str(
                [
                    pl.lit("resolve the channel conflict with "),
                    _partners(pl.col("conflict_partners")),
                    pl.lit(" on shared accounts"),
                ]
            )
        ),
    ]
    text = _join_and(parts)
    return pl.when(text.is_not_null()).then(
        pl.concat_str([text.str.slice(0, 1).str.to_uppercase(), text.str.slice(1), pl.lit(".")])
    )


# ---- the sentence ---------------------------------------------------------------------------


def _num(expr: pl.Expr) -> pl.Expr:
    """Whole number with thousands separators (``1,234,567``); null stays null (no clause)."""
    return pl.when(expr.is_not_null()).then(fmt.number_expr(expr))


def _pct(expr: pl.Expr) -> pl.Expr:
    """Percentage as every figure reads (:func:`partnerkit.formatting.percent`); null stays null."""
    return pl.when(expr.is_not_null()).then(fmt.percent_expr(expr))


def _join_and(parts: list[pl.Expr]) -> pl.Expr:
    """Join the non-null ``parts`` as ``"a, b and c"``; null when every part is null.

    Row-wise and without list columns: each part gets the separator it needs from which
    of the other parts are present (none before it: nothing; one after it: a comma; else
    ``" and "``), then the pieces are concatenated skipping nulls.
    """
    present = [part.is_not_null() for part in parts]
    pieces = []
    for i, part in enumerate(parts):
        before = pl.any_horizontal(present[:i]) if i else pl.lit(value=False)
        after = pl.any_horizontal(present[i + 1 :]) if i + 1 < len(parts) else pl.lit(value=False)
        sep = (
            pl.when(~before)
            .then(pl.lit(""))
            .when(after)
            .then(pl.lit(", "))
            .otherwise(pl.lit(" and "))
        )
        pieces.append(pl.concat_str([sep, part]))
    return pl.when(pl.any_horizontal(present)).then(pl.concat_str(pieces, ignore_nulls=True))


_WARNINGS = (
    "w_fading", "w_collapsed", "w_silent", "w_one_sided", "w_conflict", "w_ephemeral",
    "w_health", "w_tier",
)  # fmt: skip
"""Helper columns holding the warning phrases, in the order they are listed in a sentence."""


def _partners(count: pl.Expr) -> pl.Expr:
    """``"1 partner"``, ``"3 partners"``: a count of partners as a sentence says it."""
    return pl.concat_str(
        [
            count.cast(pl.String),
            pl.when(count == 1).then(pl.lit(" partner")).otherwise(pl.lit(" partners")),
        ]
    )


def _score_text(score: pl.Expr, /, *, at_least: float, at_most: float | None = None) -> pl.Expr:
    """Write a 0-100 score as a sentence does: whole points, unless rounding crosses a threshold.

    ``at_least``: a threshold reached from that score up (invest from 60, on track from 25);
    ``at_most``: one reached at that score or below (exit at or below 30). A score that
    rounding would carry onto a threshold it does not reach keeps one decimal, rounded away
    from the threshold: 59.6 reads "59.6" beside "invest from 60", never "60" (59.5 reads
    "59.5", 59.96 reads "59.9", 30.04 reads "30.1").

    >>> card = pl.DataFrame({"health": [59.6, 59.96, 30.04, 44.5, 60.0, None]})
    >>> card.select(_score_text(pl.col("health"), at_least=60, at_most=30)).to_series().to_list()
    ['59.6', '59.9', '30.1', '44', '60', None]
    """
    whole = score.round(0)
    below = (score < at_least) & (whole >= at_least)
    above = pl.lit(value=False) if at_most is None else (score > at_most) & (whole <= at_most)
    return (
        pl.when(below)
        .then(((score * 10).floor() / 10).round(1).cast(pl.String))
        .when(above)
        .then(((score * 10).ceil() / 10).round(1).cast(pl.String))
        .otherwise(whole.cast(pl.Int64, strict=False).cast(pl.String))
    )


def _span_before(policy: Policy) -> str:
    """Name the span revenue_before covers: as many days just before W.

    >>> from dataclasses import replace
    >>> _span_before(Policy()), _span_before(replace(Policy(), lookback_months=6))
    ('the year before', 'the 6 months before')
    """
    months = policy.lookback_months
    return "the year before" if months == 12 else f"the {months} months before"


def _explanation(policy: Policy) -> list[dict[str, pl.Expr]]:
    """Build the sentence in stages; each stage is a batch of columns for ``with_columns``.

    Texts are assembled column-wise with ``concat_str`` (no list columns, no per-row Python),
    and pieces used more than once are materialised as helper columns first.
    """
    value = policy.pareto_value
    label = value.replace("_", " ")
    branch = _c("branch")
    health = _c("health")
    exit_at = pl.lit(f"{policy.exit_max_health:g}")
    trend = pl.col("revenue_trend")
    # trend t = (R - P) / (R + P), so R / P = (1 + t) / (1 - t) and the fall is 2t / (1 - t).
    fall = pl.when(trend < 1).then((-2 * trend / (1 - trend)).clip(upper_bound=1.0))
    pieces = {
        "health": _score_text(
            pl.col("health"), at_least=policy.invest_min_health, at_most=policy.exit_max_health
        ),
        "share_pct": _pct(pl.col("share")),
        "value_num": _num(pl.col(value)),
        "positive": branch.is_in(_POSITIVE),
        "progress_txt": _score_text(
            pl.col("progress"), at_least=policy.ramp_min_progress
        ).fill_null("unknown"),
        "tenure": pl.format(
            "ramping ({} of {} days)",
            pl.col("tenure_days").cast(pl.String),
            pl.lit(policy.ramp_days),
        ).fill_null("ramping"),
    }
    warnings = {
        "w_fading": pl.when(_c("fading")).then(
            pl.format("revenue fell {} half on half", _pct(fall)).fill_null(
                "revenue is falling half on half"
            )
        ),
        "w_collapsed": pl.when(_c("collapsed")).then(
            pl.format(
                f"won revenue {{}} against {_span_before(policy)} ({{}})",
                pl.when(pl.col("revenue_yoy") <= -1)
                .then(pl.lit("fell to nothing"))
                .otherwise(pl.concat_str([pl.lit("fell "), _pct(-pl.col("revenue_yoy"))])),
                _num(pl.col("revenue_before")),
            )
        ),
        "w_silent": pl.when(_c("silent_producer")).then(
            pl.concat_str(
                [
                    pl.lit(f"no sign of life from the partner in {policy.active_days} days"),
                    pl.format(
                        " (its latest win closed on {})", pl.col("last_win_on").cast(pl.String)
                    ).fill_null(""),
                ]
            )
        ),
        "w_one_sided": pl.when(_c("one_sided")).then(
            _effort("engagement hours").fill_null("effort is one-sided")
        ),
        "w_conflict": pl.when(_c("conflict")).then(
            pl.concat_str(
                [pl.lit("in channel conflict with "), _partners(pl.col("conflict_partners"))]
            )
        ),
        "w_ephemeral": pl.when(_c("ephemeral")).then(
            pl.lit("an incentive's lift did not last after it")
        ),
        "w_health": pl.when(_c("low_health") & _c("positive")).then(
            pl.format("health {} (at or below {})", health, exit_at)
        ),
        "w_tier": pl.when(_c("over_tiered")).then(
            pl.format(
                "over-tiered ({} performing like {})",
                pl.col("tier").cast(pl.String),
                pl.col("implied_tier").cast(pl.String),
            )
        ),
    }
    assert tuple(warnings) == _WARNINGS

    health_note = pl.format(", health {}", health).fill_null("")
    # a dormant partner's open deals are all stale records (a live one is a sign of life)
    open_deals = pl.col("open_deals")
    stale = (
        pl.when(open_deals == 1)
        .then(
            pl.format(
                "; its open deal ({}) is stale: not expected to close within {} days before "
                "as_of or later",
                _num(pl.col("open_pipeline")).fill_null("amount unknown"),
                pl.lit(policy.active_days),
            )
        )
        .when(open_deals > 1)
        .then(
            pl.format(
                "; its {} open deals ({}) are stale: none expected to close within {} days "
                "before as_of or later",
                _num(open_deals),
                _num(pl.col("open_pipeline")).fill_null("amount unknown"),
                pl.lit(policy.active_days),
            )
        )
        .otherwise(pl.lit(""))
    )
    # ranked on another value, the sentence still says the won revenue that makes a partner
    # productive ("9.1% of won deals (1; won revenue 1,000,000)")
    value_text = (
        _c("value_num")
        if value == "won_revenue"
        else pl.concat_str(
            [
                _c("value_num"),
                pl.format("; won revenue {}", _num(pl.col("won_revenue"))).fill_null(""),
            ]
        )
    )
    producing = pl.format(
        "producing {} of {} ({})", _c("share_pct"), pl.lit(label), value_text
    ).fill_null("producing results")
    of_value = pl.format(" ({} of {}, {})", _c("share_pct"), pl.lit(label), value_text)
    main = (
        pl.when(branch.is_in(["vital_watch", "vital_keep"]))
        .then(pl.concat_str([pl.lit("in the vital few"), of_value.fill_null("")]))
        .when(branch == "reactivate")
        .then(
            pl.format(
                "no material results but {} untapped co-sell accounts (re-activation from {})",
                pl.col("untapped_overlap"),
                pl.lit(policy.reactivation_min_untapped),
            )
        )
        .when((branch == "ramping_stalled") & _c("silent") & (_c("on_track") | _c("productive")))
        .then(
            pl.concat_str(
                [
                    _c("tenure"),
                    pl.format(
                        " with progress {} ({}) but no sign of life from the partner in {} "
                        "days: stalled, not exited while ramping",
                        _c("progress_txt"),
                        pl.when(_c("on_track"))
                        .then(pl.lit(f"on track from {policy.ramp_min_progress:g}"))
                        .otherwise(pl.format("producing {} of {}", _c("share_pct"), pl.lit(label))),
                        pl.lit(policy.active_days),
                    ),
                ]
            )
        )
        .when((branch == "ramping_stalled") & _c("silent"))
        .then(
            pl.concat_str(
                [
                    _c("tenure"),
                    pl.format(
                        " with progress {} below {} and no sign of life from the partner in {} "
                        "days: stalled, not exited while ramping",
                        _c("progress_txt"),
                        pl.lit(f"{policy.ramp_min_progress:g}"),
                        pl.lit(policy.active_days),
                    ),
                ]
            )
        )
        .when(branch == "ramping_stalled")
        .then(
            pl.concat_str(
                [
                    _c("tenure"),
                    pl.format(
                        " with progress {} below {}: stalled, not exited while ramping",
                        _c("progress_txt"),
                        pl.lit(f"{policy.ramp_min_progress:g}"),
                    ),
                ]
            )
        )
        .when((branch == "ramping_on_track") & ~_c("on_track"))
        .then(
            pl.concat_str(
                [
                    _c("tenure"),
                    pl.format(
                        " and already producing {} of {} ({}): on track whatever its progress "
                        "score ({})",
                        _c("share_pct"),
                        pl.lit(label),
                        _c("value_num"),
                        _c("progress_txt"),
                    ),
                ]
            )
        )
        .when(branch == "ramping_early")
        .then(
            pl.concat_str(
                [
                    _c("tenure"),
                    pl.format(
                        ", signed less than {} days ago: too early to judge (progress {}, on "
                        "track from {})",
                        pl.lit(policy.active_days),
                        _c("progress_txt"),
                        pl.lit(f"{policy.ramp_min_progress:g}"),
                    ),
                ]
            )
        )
        .when(branch == "ramping_on_track")
        .then(
            pl.concat_str(
                [
                    _c("tenure"),
                    pl.format(
                        " with progress {} (on track from {}), judged on progress rather than "
                        "revenue",
                        _c("progress_txt"),
                        pl.lit(f"{policy.ramp_min_progress:g}"),
                    ),
                ]
            )
        )
        .when(branch == "dormant_watch")
        .then(
            pl.concat_str(
                [
                    pl.format(
                        "no sign of life from the partner in {} days, but health {} is at or "
                        "above {}",
                        pl.lit(policy.active_days),
                        health,
                        pl.lit(f"{policy.invest_min_health:g}"),
                    ),
                    stale,
                ]
            )
        )
        .when(branch == "dormant_exit")
        .then(
            pl.concat_str(
                [
                    pl.lit(
                        f"no sign of life from the partner in {policy.active_days} days "
                        "and no material results"
                    ),
                    health_note,
                    stale,
                ]
            )
        )
        .when(branch == "no_results_exit")
        .then(
            pl.format(
                "signs of life but no material results in the window and health {} (exit at "
                "or below {})",
                health,
                exit_at,
            )
        )
        .when(branch == "no_results_watch")
        .then(
            pl.concat_str(
                [pl.lit("signs of life but no material results in the window"), health_note]
            )
        )
        .when(branch == "productive_invest")
        .then(
            pl.concat_str(
                [
                    producing,
                    pl.format(
                        " with health {} (invest from {})",
                        health,
                        pl.lit(f"{policy.invest_min_health:g}"),
                    ),
                ]
            )
        )
        .when(branch.is_in(_PRODUCTIVE))
        # low health is said once, as the warning after "but"
        .then(
            pl.concat_str(
                [producing, pl.when(_c("low_health")).then(pl.lit("")).otherwise(health_note)]
            )
        )
        .otherwise(pl.lit("not enough data to classify"))
    )

    joined = _c("joined")
    warning_clause = (
        pl.when(joined.is_null())
        .then(pl.lit(""))
        .when(_c("positive"))
        .then(pl.concat_str([pl.lit(" but "), joined]))
        .otherwise(pl.concat_str([pl.lit("; also "), joined]))
    )
    cap_clause = (
        pl.when(_c("capped"))
        .then(
            pl.format(
                "; the cap of {} is reached ({})",
                pl.lit(fmt.counted(policy.max_keep or 0, "kept partner")),
                pl.format("rank {}", pl.col("rank")).fill_null("unranked"),
            )
        )
        .otherwise(pl.lit(""))
    )
    lead = pl.col("recommendation").str.to_titlecase()
    counted_sentence = pl.concat_str(
        [lead, pl.lit(": "), _c("main"), warning_clause, cap_clause, pl.lit(".")]
    )
    status = pl.col("status").cast(pl.String)
    included = pl.col("status").is_in(list(policy.include_statuses)).fill_null(value=False)
    explanation = (
        pl.when((branch == "not_counted") & included & pl.col("signed_on").is_not_null())
        .then(
            pl.format(
                "No recommendation: signed on {}, after as_of; not counted in the portfolio yet.",
                pl.col("signed_on").cast(pl.String),
            )
        )
        .when((branch == "not_counted") & pl.col("status").is_null())
        .then(pl.lit("No recommendation: no status given, so not counted in the portfolio."))
        .when(branch == "not_counted")
        .then(pl.format("No recommendation: status {} is not counted in the portfolio.", status))
        .otherwise(counted_sentence)
    )
    return [
        {_P + k: v for k, v in pieces.items()},
        {_P + k: v for k, v in warnings.items()},
        {
            _P + "main": main,
            _P + "joined": _join_and([_c(name) for name in _WARNINGS]),
        },
        {"explanation": explanation},
    ]


def recommend(scorecard: pl.LazyFrame, /, *, policy: Policy) -> pl.LazyFrame:
    """Add ``recommendation``, ``reasons``, ``explanation``, ``actions`` and ``follow_up``.

    Requires columns: ``partner_id``, ``state`` (productive / active / dormant). Reads when
    present (absent ones count as unknown): ``counted``, ``status``, ``stage``,
    ``tenure_days``, ``progress``, ``vital``, ``share``, ``rank``, ``won_revenue``,
    ``policy.pareto_value``, ``revenue_trend``, ``revenue_before``, ``revenue_yoy``,
    ``one_sided``, ``our_effort_share`` (else ``partner_initiated_share``),
    ``sponsor_present``, ``review_overdue`` (or ``days_since_qbr``), ``health``,
    ``untapped_overlap``, ``conflict_partners``, ``ephemeral_incentives``, ``tier_gap`` (or
    ``tier`` and ``implied_tier``), ``signed_on`` (a partner of a counted status that is not
    counted was signed after as_of).

    Parameters
    ----------
    scorecard
        One row per partner.
    policy
        Thresholds: ``fading_trend``, ``collapse_share``, ``review_max_days``,
        ``exit_max_health``, ``invest_min_health``, ``reactivation_min_untapped``,
        ``ramp_days``, ``ramp_min_progress``, ``active_days``, ``tier_ladder``, ``max_keep``.

    Returns
    -------
    pl.LazyFrame
        The scorecard with the five columns added (rows in their input order).

    Examples
    --------
    >>> sc = pl.LazyFrame({
    ...     "partner_id": ["a", "b", "c"],
    ...     "state": ["productive", "dormant", "dormant"],
    ...     "stage": ["mature", "mature", "mature"],
    ...     "untapped_overlap": [0, 0, 8],
    ...     "won_revenue": [5000.0, 0.0, 0.0],
    ... })
    >>> out = recommend(sc, policy=Policy()).collect()
    >>> out["recommendation"].to_list()
    ['keep', 'exit', 'invest']
    >>> out["reasons"].to_list()[2]
    ['DORMANT', 'REACTIVATE_UNTAPPED_OVERLAP']
    >>> out["explanation"][1]
    'Exit: no sign of life from the partner in 91 days and no material results.'
    >>> out["follow_up"][2] is None  # no QBR, sponsor, effort or conflict data: no action
    True
    """
    schema = scorecard.collect_schema()
    missing = [c for c in _REQUIRED if c not in schema]
    if missing:
        raise ValueError(f"recommend() needs scorecard columns {missing}; got {schema.names()}")
    absent: dict[str, pl.DataType] = {k: v for k, v in _OPTIONAL.items() if k not in schema}
    if "status" not in schema:
        absent["status"] = pl.String()
    if policy.pareto_value not in schema:
        absent[policy.pareto_value] = pl.Float64()
    defaults = [
        (pl.lit(value=True) if name == "counted" else pl.lit(None, dtype=dtype)).alias(name)
        for name, dtype in absent.items()
    ]
    stages = _explanation(policy)
    helpers = [
        *_flags(policy),
        _P + "ramp",
        _P + "branch",
        _P + "base",
        _P + "capped",
        *(name for stage in stages[:-1] for name in stage),
    ]
    frame = (
        scorecard.with_columns(defaults)
        .with_columns(**_flags(policy))
        .with_columns(_ramp().alias(_P + "ramp"))
        .with_columns(_branch().alias(_P + "branch"))
        .with_columns(
            _c("branch").replace_strict(_BRANCH_DECISION, return_dtype=pl.String).alias(_P + "base")
        )
        .with_columns(_capped(policy).alias(_P + "capped"))
        .with_columns(
            recommendation=pl.when(_c("capped")).then(pl.lit("watch")).otherwise(_c("base")),
            reasons=_reasons(),
        )
    )
    for stage in stages:
        frame = frame.with_columns(**stage)
    frame = frame.with_columns(actions=_actions()).with_columns(follow_up=_follow_up())
    return frame.drop([*helpers, *absent])


def require_recommendations(scorecard: pl.DataFrame, /) -> pl.DataFrame:
    """Return ``scorecard`` unchanged when it carries its recommendations; raise otherwise.

    Recommendations are computed once, by :func:`partnerkit.analysis.analyze` (its
    scorecard carries them); charts, widgets, the report and the what-if read them from
    there and call this instead of computing them again.

    Requires columns: ``recommendation`` (and, as :func:`recommend` adds them, usually
    ``reasons`` and ``explanation``).

    Raises
    ------
    ValueError
        When ``recommendation`` is absent, or holds a value outside :data:`DECISIONS`.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "recommendation": ["keep", None]})
    >>> require_recommendations(card) is card
    True
    >>> require_recommendations(card.drop("recommendation"))
    Traceback (most recent call last):
    ...
    ValueError: the scorecard carries no recommendations (no 'recommendation' column): \
read the scorecard of partnerkit.analyze, or add them with partnerkit.decisions.recommend
    """
    if "recommendation" not in scorecard.columns:
        raise ValueError(
            "the scorecard carries no recommendations (no 'recommendation' column): read the "
            "scorecard of partnerkit.analyze, or add them with partnerkit.decisions.recommend"
        )
    unknown = scorecard.filter(
        pl.col("recommendation").is_not_null() & ~pl.col("recommendation").is_in(list(DECISIONS))
    )
    if unknown.height:
        values = sorted(set(unknown["recommendation"].cast(pl.String).to_list()))
        raise ValueError(f"unknown recommendations {values}; expected one of {list(DECISIONS)}")
    return scorecard
