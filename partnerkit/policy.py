"""The :class:`Policy`: every threshold, weight, window and ladder in one frozen object.

No analysis hard-codes a number that an analyst might want to argue about; it reads it from
the policy. Change one with :func:`dataclasses.replace`, or load a TOML file whose keys are
the field names (grouped in any tables you like; the table names are ignored except for
``[health]``, which describes the health model).

Examples
--------
>>> from dataclasses import replace
>>> p = replace(Policy(), vital_threshold=0.9)
>>> p.vital_threshold, Policy().vital_threshold
(0.9, 0.8)
>>> p.fingerprint() != Policy().fingerprint()
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["HealthDimension", "HealthMetric", "Policy"]

Denominator = Literal["enrolled", "active", "positive"]
Missing = Literal["lowest", "absent"]


@dataclass(frozen=True)
class HealthMetric:
    """One scorecard column feeding a health dimension.

    ``higher_is_better=False`` flips the percentile (e.g. days since last activity).
    ``missing`` says what a partner without a value scores: ``"lowest"`` (the default) ranks
    it as the worst value, below every partner with one, because a missing engagement signal
    (no referrals, no partner-initiated activity) is silence, not a blank; ``"absent"``
    leaves the metric out of that partner's dimension and re-weights the others, for a
    metric whose absence says nothing of the partner (e.g. the retention of an incentive it
    was never given). A metric no included partner has a value for (an input the source did
    not supply) is left out for everyone either way.
    """

    column: str
    weight: float = 1.0
    higher_is_better: bool = True
    missing: Missing = "lowest"


@dataclass(frozen=True)
class HealthDimension:
    """A named health dimension: a weighted set of scorecard metrics."""

    name: str
    metrics: tuple[HealthMetric, ...]


DEFAULT_HEALTH: tuple[HealthDimension, ...] = (
    HealthDimension(
        "interest",
        (
            HealthMetric("partner_initiated_share", 1.0),
            HealthMetric("sourced_pipeline", 1.0),
            HealthMetric("sponsor_present", 0.5),
            HealthMetric("reciprocity", 0.5),
        ),
    ),
    HealthDimension(
        "awareness",
        (
            HealthMetric("enablement_activities", 1.0),
            HealthMetric("joint_marketing_activities", 0.5),
            HealthMetric("activity_breadth", 1.0),
        ),
    ),
    HealthDimension(
        "encouragement",
        (
            HealthMetric("program_investment", 1.0),
            HealthMetric("incentive_retention", 1.0, missing="absent"),
            HealthMetric("days_since_partner_activity", 0.5, higher_is_better=False),
        ),
    ),
)


@dataclass(frozen=True)
class Policy:
    """Thresholds, weights and ladders for every analysis and recommendation.

    Every field has a default that follows common partner-programme practice; each is
    documented where it is declared.
    """

    # --- window -------------------------------------------------------------------------
    lookback_months: int = 12
    """Length of the analysis window W = (as_of - lookback, as_of]."""

    # --- portfolio ------------------------------------------------------------------------
    tier_ladder: tuple[str, ...] = ("platinum", "gold", "silver", "registered")
    """Tiers from highest to lowest."""
    include_statuses: tuple[str, ...] = ("active",)
    """Partner statuses counted in portfolio statistics (others are listed, not counted)."""

    # --- Pareto / concentration -----------------------------------------------------------
    pareto_value: str = "won_revenue"
    """Scorecard column ranked to find the vital few."""
    vital_threshold: float = 0.8
    """Cumulative share of value the vital few must reach."""
    denominator: Denominator = "active"
    """Which partners concentration is stated against: all enrolled, active, or value > 0."""
    stability_quarters: int = 8
    """Quarters over which vital-few membership is tracked."""
    tier_value: str | None = None
    """Scorecard column ranking partners in the tier audit (None: ``pareto_value``); e.g.
    ``revenue_recent`` audits tiers on the last half of the window only."""

    # --- productivity and lifecycle ---------------------------------------------------------
    ramp_days: int = 270
    """Partners with tenure below this are ramping and judged on progress, not revenue."""
    progress_metrics: tuple[str, ...] = (
        "enablement_activities",
        "pipeline_created",
        "realized_overlap",
    )
    """Scorecard columns whose mean percentile is a partner's ``progress`` (0-100)."""
    ramp_min_progress: float = 25.0
    """Progress (0-100) at or above which a ramping partner is on track; below it, stalled."""
    active_days: int = 91
    """A partner-side signal (deal created, partner-initiated activity, open pipeline) within
    this many days of as_of makes a partner active; our own touches never do."""
    productive_min_share: float = 0.001
    """Won revenue in W below this share of the counted partners' total is not material:
    such a partner is not productive for decisions."""
    productive_min_revenue: float = 0.0
    """Won revenue in W below this amount is not material (0: only the share applies)."""
    collapse_share: float = 0.5
    """Fall of won revenue, W against the same span before W, at or above which a partner has
    collapsed year on year (reason code of its own, also when W is all zero)."""

    # --- effort and reciprocity -------------------------------------------------------------
    one_sided_share: float = 0.7
    """Our share of engagement hours above which a relationship is one-sided."""

    # --- health -------------------------------------------------------------------------------
    health: tuple[HealthDimension, ...] = DEFAULT_HEALTH
    """The health model: dimensions, each a weighted set of scorecard metrics."""

    # --- with vs without partner ----------------------------------------------------------------
    min_sample: int = 10
    """Fewest closed deals before a win rate or mean is shown."""
    bootstrap_samples: int = 1000
    """Resamples for bootstrap confidence intervals."""
    confidence: float = 0.9
    """Confidence level of bootstrap intervals."""
    seed: int = 0
    """Seed of every random draw (bootstrap), so results are reproducible."""
    bootstrap_max_n: int = 5000
    """Largest group resampled value by value; above it a mean's interval is the normal
    limit of its bootstrap distribution (mean +/- z * sd / sqrt(n)), which costs nothing."""

    # --- engagement timing ------------------------------------------------------------------------
    timing_cuts: tuple[float, float] = (1 / 3, 2 / 3)
    """Fractions of the deal cycle separating early / mid / late partner engagement."""

    # --- incentives ------------------------------------------------------------------------------
    incentive_min_lift: float = 1.2
    """Deal-creation rate during an incentive over the rate before, for it to count as a lift."""
    incentive_min_retention: float = 0.5
    """Share of the lift still present after the incentive for it to be durable."""
    incentive_categories: tuple[str, ...] = ("incentive",)
    """Investment categories treated as time-boxed incentives (durability analysis)."""
    program_categories: tuple[str, ...] = ("programs", "mdf", "incentive")
    """Investment categories summed into ``program_investment`` (encouragement)."""

    # --- reviews and sponsors ------------------------------------------------------------------
    review_max_days: int = 120
    """Days since the last QBR beyond which a partner is overdue for a review."""

    # --- recommendations --------------------------------------------------------------------
    invest_min_health: float = 60.0
    """Health at or above which a producing, non-vital partner is an investment candidate."""
    exit_max_health: float = 30.0
    """Health at or below which a mature non-producing partner is an exit candidate."""
    reactivation_min_untapped: int = 5
    """Untapped co-sell accounts that make a dormant partner a re-activation candidate."""
    fading_trend: float = -0.3
    """Revenue trend at or below which a partner is fading."""
    max_keep: int | None = None
    """At most this many partners are kept or invested in; the rest are watched."""

    extra: Mapping[str, Any] = field(default_factory=dict)
    """Free-form settings carried along (e.g. notes), included in the fingerprint."""

    # ------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the policy as plain, JSON-serialisable data."""
        return json.loads(json.dumps(dataclasses.asdict(self), default=list))  # type: ignore[no-any-return]

    def fingerprint(self) -> str:
        """Return a short stable hash of every setting, stored with each recorded decision."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """Build a policy from nested or flat settings; unknown keys raise ``ValueError``.

        >>> Policy.from_dict({"pareto": {"vital_threshold": 0.9}}).vital_threshold
        0.9
        """
        names = {f.name for f in dataclasses.fields(cls)}
        flat: dict[str, Any] = {}
        for key, value in data.items():
            if key == "health":
                flat["health"] = _health_from(value)
            elif key in names:
                flat[key] = value
            elif isinstance(value, Mapping):
                for k, v in value.items():
                    if k not in names:
                        raise ValueError(_unknown(k, names))
                    flat[k] = v
            else:
                raise ValueError(_unknown(key, names))
        for key, value in flat.items():
            if isinstance(value, list):
                flat[key] = tuple(value)
        policy = cls(**flat)
        policy.check()
        return policy

    @classmethod
    def from_toml(cls, path: str | Path) -> Policy:
        """Load a policy from a TOML file (see :meth:`from_dict`)."""
        with Path(path).open("rb") as fh:
            return cls.from_dict(tomllib.load(fh))

    def check(self) -> None:
        """Raise ``ValueError`` when a setting is out of its range."""
        problems = []
        if not 0 < self.vital_threshold <= 1:
            problems.append("vital_threshold must be in (0, 1]")
        if self.lookback_months < 1:
            problems.append("lookback_months must be at least 1")
        if not 0 <= self.one_sided_share <= 1:
            problems.append("one_sided_share must be in [0, 1]")
        if not 0 < self.confidence < 1:
            problems.append("confidence must be in (0, 1)")
        if len(set(self.tier_ladder)) != len(self.tier_ladder) or not self.tier_ladder:
            problems.append("tier_ladder must list distinct tiers")
        if not 0 < self.timing_cuts[0] < self.timing_cuts[1] < 1:
            problems.append("timing_cuts must be two increasing fractions in (0, 1)")
        if self.denominator not in ("enrolled", "active", "positive"):
            problems.append("denominator must be enrolled, active or positive")
        at_least = {
            "stability_quarters": (self.stability_quarters, 1),
            "ramp_days": (self.ramp_days, 0),
            "min_sample": (self.min_sample, 1),
            "bootstrap_samples": (self.bootstrap_samples, 1),
            "bootstrap_max_n": (self.bootstrap_max_n, 1),
            "review_max_days": (self.review_max_days, 0),
            "reactivation_min_untapped": (self.reactivation_min_untapped, 0),
            "incentive_min_lift": (self.incentive_min_lift, 0),
        }
        problems.extend(
            f"{name} must be at least {low}" for name, (v, low) in at_least.items() if v < low
        )
        if self.max_keep is not None and self.max_keep < 0:
            problems.append("max_keep must be 0 or more (or None: no cap)")
        if not 0 <= self.incentive_min_retention <= 1:
            problems.append("incentive_min_retention must be in [0, 1]")
        if not 0 <= self.exit_max_health <= 100 or not 0 <= self.invest_min_health <= 100:
            problems.append("invest_min_health and exit_max_health must be in [0, 100]")
        if not -1 <= self.fading_trend <= 1:
            problems.append("fading_trend must be in [-1, 1] (revenue trend's range)")
        if not 0 <= self.ramp_min_progress <= 100:
            problems.append("ramp_min_progress must be in [0, 100]")
        if self.active_days < 1:
            problems.append("active_days must be at least 1")
        if not 0 <= self.productive_min_share < 1:
            problems.append("productive_min_share must be in [0, 1)")
        if self.productive_min_revenue < 0:
            problems.append("productive_min_revenue must be 0 or more")
        if not 0 < self.collapse_share <= 1:
            problems.append("collapse_share must be in (0, 1]")
        if not self.include_statuses:
            problems.append("include_statuses must name at least one status")
        problems.extend(
            f"health dimension {dim.name!r} needs metrics with weights >= 0"
            for dim in self.health
            if not dim.metrics or any(m.weight < 0 for m in dim.metrics)
        )
        problems.extend(
            f"health metric {m.column!r}: missing must be 'lowest' or 'absent'"
            for dim in self.health
            for m in dim.metrics
            if m.missing not in ("lowest", "absent")
        )
        if problems:
            raise ValueError("invalid policy: " + "; ".join(problems))


def _unknown(key: str, names: set[str]) -> str:
    import difflib  # noqa: PLC0415

    close = difflib.get_close_matches(key, sorted(names), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown policy setting {key!r}{hint}"


def _health_from(value: Mapping[str, Any]) -> tuple[HealthDimension, ...]:
    """``{"interest": {"sourced_pipeline": 1.0, "days_since_activity": -0.5}}`` → model.

    A negative weight means lower is better. A metric may also be a table
    ``{weight = 1.0, missing = "absent"}`` (see :class:`HealthMetric`).
    """

    def metric(col: str, spec: float | Mapping[str, Any]) -> HealthMetric:
        if isinstance(spec, Mapping):
            w = float(spec.get("weight", 1.0))
            return HealthMetric(col, abs(w), w >= 0, spec.get("missing", "lowest"))
        return HealthMetric(col, abs(float(spec)), higher_is_better=float(spec) >= 0)

    return tuple(
        HealthDimension(name, tuple(metric(col, spec) for col, spec in metrics.items()))
        for name, metrics in value.items()
    )
