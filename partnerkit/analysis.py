"""Run every analysis of a portfolio at once: :func:`analyze` returns an :class:`Analysis`.

The pipeline has two stages (see :mod:`partnerkit.facts`): stage 1 reduces the raw
tables to per-partner facts, all collected in one ``pl.collect_all`` (the only pass over raw
rows); stage 2 collects the scorecard from those facts once, then builds the outputs every
view reads (concentration, vital quarters, health percentiles, tiers, timing) on it as
LazyFrames collected together in one more ``pl.collect_all``. Collecting the scorecard first
is deliberate: planning its large query again inside every output derived from it costs ten
times more than the small collected frame (measured on the sample portfolio).

The channel ``conflicts`` are collected once, before the scorecard, which counts each
partner's conflicts from that frame (planned inside the scorecard's query, the same pairs
cost about three times as much). The outputs that only some views show are computed **on
demand**, on first access, and then kept: the with/without-partner ``lift`` (its bootstrap
is the costliest step of stage 2), ``coverage`` and ``health_explained``.
:meth:`Analysis.compute` computes them all at once. The collected facts are kept, so
:meth:`Analysis.with_policy` can re-score under another policy without reading raw rows.

Examples
--------
>>> import polars as pl
>>> from partnerkit.load import from_frames
>>> p = from_frames(
...     partners=pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]}),
...     deals=pl.DataFrame({"deal_id": ["d1", "d2", "d3"], "partner_id": ["a", "b", "a"],
...         "created_on": ["2025-01-05", "2025-01-09", "2025-02-01"],
...         "closed_on": ["2025-03-01", "2025-02-01", None],
...         "outcome": ["won", "won", "open"], "amount": [900.0, 100.0, 50.0]}))
>>> a = analyze(p)
>>> a.as_of, a.window_start
(datetime.date(2025, 3, 1), datetime.date(2024, 3, 1))
>>> a.concentration.select("partners", "vital_count", "total_value").row(0)
(2, 1, 1000.0)
>>> a.partner("a")["won_revenue"]
900.0
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, overload

import polars as pl

from partnerkit import formatting as fmt
from partnerkit.decisions.recommend import recommend
from partnerkit.facts import (
    Facts,
    FactSettings,
    core_facts,
    earliest_event,
    from_portfolio,
    future_event,
    latest_date,
    latest_event,
    lone_event,
    portfolio_tables,
)
from partnerkit.load import events
from partnerkit.load.events import FutureEvents, LoneEvent
from partnerkit.metrics.conflicts import conflicts
from partnerkit.metrics.health import health_explained, health_percentiles
from partnerkit.metrics.overlap import coverage
from partnerkit.metrics.pareto import concentration
from partnerkit.metrics.scorecard import core_scorecard, counted, quarterly_vitals, scorecard
from partnerkit.metrics.tiers import tier_summary
from partnerkit.metrics.timing import timing
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.window import Window

__all__ = [
    "LIFT_SETTINGS",
    "ON_DEMAND",
    "STAGE_ONE_SETTINGS",
    "Analysis",
    "analyze",
    "analyze_facts",
    "quick_scorecard",
]

STAGE_ONE_SETTINGS = (
    "lookback_months",
    "stability_quarters",
    "timing_cuts",
    "bootstrap_max_n",
    "program_categories",
    "incentive_categories",
    "incentive_min_lift",
    "incentive_min_retention",
)
"""Policy settings that shape the stage-1 facts; changing one needs a fresh :func:`analyze`."""

LIFT_SETTINGS = ("min_sample", "bootstrap_samples", "confidence", "seed")
"""Stage-2 settings of the with/without-partner bootstrap; :meth:`Analysis.with_policy`
keeps the lift table when none of them changes."""

ON_DEMAND = ("lift", "coverage", "health_explained")
"""Outputs of :class:`Analysis` computed on first access (then kept), not by :func:`analyze`."""


class _OnDemand(property):
    """An output of :class:`Analysis` computed on first access: ``on_demand[name]()``."""

    def __init__(self, doc: str, /) -> None:
        super().__init__(doc=doc)
        self.__doc__ = doc  # a subclass of property keeps its class docstring otherwise
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _OnDemand: ...
    @overload
    def __get__(self, obj: Analysis, owner: type | None = None) -> pl.DataFrame: ...
    def __get__(self, obj: Analysis | None, owner: type | None = None) -> pl.DataFrame | _OnDemand:
        return self if obj is None else obj.on_demand[self._name]()


class _Once:
    """A computation run on the first call only; later calls return the same frame.

    Safe to call from several threads (widget callbacks): the first caller computes, the
    others wait for its result.
    """

    def __init__(self, compute: Callable[[], pl.DataFrame], /) -> None:
        self._compute: Callable[[], pl.DataFrame] | None = compute
        self._value: pl.DataFrame | None = None
        self._lock = threading.Lock()

    def __call__(self) -> pl.DataFrame:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    assert self._compute is not None
                    self._value = self._compute()
                    self._compute = None  # let go of what the computation held
        return self._value


@dataclass(frozen=True, repr=False, eq=False)
class Analysis:
    """Every analysis of one portfolio at one as_of date under one policy.

    Attributes
    ----------
    as_of, window_start
        The window W = (window_start, as_of].
    policy
        The policy used.
    scorecard
        One row per partner (all statuses); columns in
        :func:`partnerkit.metrics.scorecard.scorecard_columns`.
    concentration
        One row: :func:`partnerkit.metrics.pareto.concentration`.
    vital_quarters
        ``partner_id``, ``quarter`` (first day of the calendar quarter, a Date), ``value``
        (won revenue), ``rank``, ``share``, ``vital``; counted partners with value > 0.
    lift
        With vs. without partner: :func:`partnerkit.metrics.lift.lift` (on demand).
    timing
        Engagement timing: :func:`partnerkit.metrics.timing.timing`.
    conflicts
        :func:`partnerkit.metrics.conflicts.conflicts` among the counted partners (a partner
        that is exited, a prospect or signed after as_of is in conflict with nobody).
    incentives
        :func:`partnerkit.metrics.incentives.incentive_durability`.
    health_explained
        :func:`partnerkit.metrics.health.health_explained` (on demand): one row per counted
        partner, dimension and metric; a partner's non-null contributions in a dimension add
        up to its score in that dimension of the scorecard, and its ``health`` is the mean
        of those dimension scores.
    health_percentiles
        :func:`partnerkit.metrics.health.health_percentiles` of the scorecard under the
        policy's health model, one row per scorecard row in the same order: what
        :func:`partnerkit.metrics.health.reweight` re-scores for other weights (with the
        policy's weights it gives the scorecard's health columns exactly).
    coverage
        :func:`partnerkit.metrics.overlap.coverage` (on demand).
    tiers
        :func:`partnerkit.metrics.tiers.tier_summary`.
    notes
        One sentence per analysis that could not be computed or was degraded.
    facts
        The collected stage-1 facts (reused by :meth:`with_policy`).
    on_demand
        How to compute each output of :data:`ON_DEMAND`; each runs once, on first access.
    """

    as_of: dt.date
    window_start: dt.date
    policy: Policy
    scorecard: pl.DataFrame
    concentration: pl.DataFrame
    vital_quarters: pl.DataFrame
    timing: pl.DataFrame
    incentives: pl.DataFrame
    health_percentiles: pl.DataFrame
    tiers: pl.DataFrame
    conflicts: pl.DataFrame
    notes: tuple[str, ...]
    facts: Facts
    on_demand: Mapping[str, Callable[[], pl.DataFrame]] = field(default_factory=dict)

    lift = _OnDemand("With vs. without partner (computed on first access).")
    coverage = _OnDemand("Accounts each partner covers (computed on first access).")
    health_explained = _OnDemand(
        "The numbers behind every health score (computed on first access)."
    )

    def compute(self) -> Analysis:
        """Compute every on-demand output now (see :data:`ON_DEMAND`); return ``self``."""
        for name in ON_DEMAND:
            getattr(self, name)
        return self

    def __repr__(self) -> str:
        c = self.concentration.row(0, named=True) if self.concentration.height else {}
        return (
            f"Analysis(as_of={self.as_of}, window_start={self.window_start}, "
            f"partners={self.scorecard.height}, vital={c.get('vital_count')}, "
            f"notes={len(self.notes)})"
        )

    @property
    def window(self) -> Window:
        """The analysis window."""
        return self.facts.window

    def partner(self, partner_id: str, /) -> dict[str, Any]:
        """Everything about one partner: its scorecard row plus its rows of the other tables.

        Keys: the scorecard columns (``vital_quarters`` among them: how many quarters the
        partner was vital in), and ``health_explained``, ``lift``, ``incentives``,
        ``conflicts``, ``quarters`` (its rows of :attr:`vital_quarters`: lists of row dicts)
        and ``accounts`` (covered account ids). Raises ``KeyError`` for an unknown partner.
        """
        row = self.scorecard.filter(pl.col("partner_id") == partner_id)
        if row.height == 0:
            raise KeyError(f"no partner {partner_id!r} in the scorecard")
        out: dict[str, Any] = row.row(0, named=True)
        mine = pl.col("partner_id") == partner_id
        out["health_explained"] = self.health_explained.filter(mine).to_dicts()
        out["lift"] = self.lift.filter(pl.col("scope") == partner_id).to_dicts()
        out["incentives"] = self.incentives.filter(mine).to_dicts()
        out["conflicts"] = self.conflicts.filter(
            (pl.col("partner_a") == partner_id) | (pl.col("partner_b") == partner_id)
        ).to_dicts()
        # its quarter rows under their own key: the scorecard's vital_quarters is the count
        out["quarters"] = self.vital_quarters.filter(mine).to_dicts()
        out["accounts"] = self.coverage.filter(mine)["account_id"].to_list()
        return out

    def with_policy(self, policy: Policy, /) -> Analysis:
        """Re-score under ``policy`` from the kept facts (no raw data is read).

        Only stage-2 settings may differ (thresholds, weights, health model, tier ladder,
        denominator, ...); a change to one of :data:`STAGE_ONE_SETTINGS` raises
        ``ValueError``.
        """
        changed = [s for s in STAGE_ONE_SETTINGS if getattr(policy, s) != getattr(self.policy, s)]
        if changed:
            raise ValueError(
                "these settings change the stage-1 facts; run analyze again: " + ", ".join(changed)
            )
        same_lift = all(getattr(policy, s) == getattr(self.policy, s) for s in LIFT_SETTINGS)
        kept = ("coverage", "lift") if same_lift else ("coverage",)
        return _stage_two(
            self.facts,
            policy,
            kept={k: self.on_demand[k] for k in kept},
            pairs=self.conflicts
            if policy.include_statuses == self.policy.include_statuses
            else None,
            data_notes=tuple(n for n in self.notes if n.startswith((_STALE, _EARLY, _ASIDE))),
        )


_ABSENT_NOTES: tuple[tuple[str, str | None, str], ...] = (
    (
        "deals",
        "source",
        (
            "Sourced and influenced revenue and sourced pipeline are empty: the deals have no "
            "source column."
        ),
    ),
    (
        "deals",
        "account_id",
        (
            "Realized and untapped overlap, overlap pipeline, conflicts and deal coverage are "
            "empty: the deals have no account_id column."
        ),
    ),
    (
        "deals",
        "partner_engaged_on",
        "Engagement timing is empty: the deals have no partner_engaged_on column.",
    ),
    (
        "activities",
        None,
        (
            "No activity log: productivity state uses deals only, and effort, reciprocity, "
            "reviews and the activity-based health metrics are empty."
        ),
    ),
    (
        "activities",
        "initiated_by",
        (
            "Reciprocity, effort share and partner-initiated share are empty: the activities "
            "have no initiated_by column."
        ),
    ),
    (
        "activities",
        "hours",
        "Effort share and hours per activity kind are empty: the activities have no hours column.",
    ),
    (
        "investments",
        None,
        (
            "No investments table: investment, revenue per investment, program investment and "
            "incentive durability are empty."
        ),
    ),
    (
        "overlaps",
        None,
        (
            "No overlaps table (account mapping): overlap and co-sell figures are empty and "
            "coverage lists deal accounts only."
        ),
    ),
    (
        "partners",
        "signed_on",
        (
            "No signing dates: tenure and days to first win are empty and every partner is "
            "taken as mature."
        ),
    ),
    ("partners", "tier", "No tiers: the tier audit is empty."),
    ("partners", "category", "No partner categories: channel conflicts cannot be found."),
    (
        "partners",
        "executive_sponsor",
        "No executive_sponsor column: sponsor_present is empty.",
    ),
)
"""(table, column, note): the note of an absent table (column None), or of a column absent
from a table that is there (a table that is not there has only its own note)."""


def _notes(facts: Facts, policy: Policy, card: pl.DataFrame) -> tuple[str, ...]:
    has = facts.has
    notes = [
        note
        for table, column, note in _ABSENT_NOTES
        if (not has(table) if column is None else has(table) and not has(table, column))
    ]
    counted = card.filter(pl.col("counted"))
    notes.extend(
        f"Health dimension {dim.name!r} has no data: none of its metrics "
        f"({', '.join(m.column for m in dim.metrics)}) has a value."
        for dim in policy.health
        if counted.height and counted[dim.name].null_count() == counted.height
    )
    if policy.pareto_value != "won_revenue":
        notes.append(
            f"Quarterly vital few rank won revenue (policy.pareto_value is "
            f"{policy.pareto_value!r})."
        )
    late = facts.deals.select(pl.col("open_past_expected").sum()).collect().item()
    if late:
        are, their = ("are", "their") if late != 1 else ("is", "its")
        notes.append(
            f"{fmt.counted(late, 'open deal')} {are} past {their} expected close date (on or "
            f"before as_of {facts.window.end}): counted as open pipeline, not as closed."
        )
    notes.extend(_stale_pipeline(counted, active_days=policy.active_days))
    future = card.filter(pl.col("signed_on") > facts.window.end).height
    if future:
        are = "is" if future == 1 else "are"
        notes.append(
            f"{fmt.counted(future, 'partner')} signed after as_of {are} listed but not counted."
        )
    notes.extend(_direct_only(facts))
    notes.extend(_off_the_ladder(counted, ladder=policy.tier_ladder))
    if has("activities", "initiated_by"):
        notes.extend(_no_initiator(facts.activities, counted, active_days=policy.active_days))
    return tuple(notes)


def _stale_pipeline(counted: pl.DataFrame, /, *, active_days: int) -> tuple[str, ...]:
    """Note the open pipeline of the dormant partners: stale records, no sign of life.

    A deal open at as_of and expected to close within ``active_days`` before it, or later,
    is a sign of life; so every open deal of a dormant partner is a stale record (open long
    past its expected close date, or undated and created long ago). Such deals still count
    in open pipeline and in what an exit touches.

    >>> card = pl.DataFrame({"state": ["dormant", "dormant", "active"],
    ...     "open_deals": [25, 0, 3], "open_pipeline": [724_898.0, 0.0, 10.0]})
    >>> print(_stale_pipeline(card, active_days=91)[0])  # doctest: +NORMALIZE_WHITESPACE
    25 open deals (724,898 of open pipeline) belong to 1 dormant partner: stale records, open
    long past their expected close date or, undated, created over 91 days before as_of. They
    count in open pipeline and in what an exit touches, but are no sign of life; close them
    in the CRM, or read those figures with this in mind.
    """
    if not {"state", "open_deals", "open_pipeline"} <= set(counted.columns):
        return ()
    stale = counted.filter((pl.col("state") == "dormant") & (pl.col("open_deals") > 0))
    if not stale.height:
        return ()
    deals = int(stale["open_deals"].sum())
    amount = fmt.number(float(stale["open_pipeline"].sum()))
    note = (
        f"{fmt.counted(deals, 'open deal')} ({amount} of open pipeline) belong"
        f"{'s' if deals == 1 else ''} to {fmt.counted(stale.height, 'dormant partner')}: stale "
        "records, open long past their expected close date or, undated, created over "
        f"{active_days} days before as_of. They count in open pipeline and in what an exit "
        "touches, but are no sign of life; close them in the CRM, or read those figures with "
        "this in mind."
    )
    return (note,)


def _off_the_ladder(counted: pl.DataFrame, /, *, ladder: tuple[str, ...]) -> tuple[str, ...]:
    """Note the counted partners whose tier is not on the policy's ladder (not audited)."""
    if "tier_level" not in counted.columns:
        return ()
    tier = pl.col("tier").cast(pl.String).str.strip_chars()
    off = (
        counted.filter(pl.col("tier_level").is_null() & tier.is_not_null() & (tier != ""))
        .group_by(tier)
        .len()
        .sort(["len", "tier"], descending=[True, False])
    )
    if not off.height:
        return ()
    named = ", ".join(f"{t!r} ({n:,})" for t, n in off.iter_rows())
    total = int(off["len"].sum())
    has = "has" if total == 1 else "have"
    note = (
        f"{fmt.counted(total, 'partner')} {has} a tier not on policy.tier_ladder "
        f"({', '.join(ladder)}): {named}; their tier is not audited. Set "
        "policy.tier_ladder to the programme's tier names, top first."
    )
    return (note,)


def _no_initiator(
    activities: pl.LazyFrame, counted: pl.DataFrame, /, *, active_days: int
) -> tuple[str, ...]:
    """Note the activities of the window with no initiator recorded.

    Only an activity the partner initiated is a sign of life, so one whose ``initiated_by``
    is blank never keeps a partner active: the note counts them, and the dormant partners
    that have some, so a column left out of the export is seen rather than taken for silence.
    """
    blank = pl.col("activities") - pl.col("initiated_known")
    figures = activities.select("partner_id", "activities", "initiated_known").collect()
    row = (
        figures.join(counted.select("partner_id", "state"), on="partner_id")
        .select(
            blank.sum().alias("blank"),
            pl.col("activities").sum().alias("all"),
            ((blank > 0) & (pl.col("state") == "dormant")).sum().alias("dormant"),
        )
        .row(0, named=True)
    )
    if not row["blank"]:
        return ()
    dormant = (
        f"; {fmt.counted(row['dormant'], 'dormant partner')} "
        f"{'has' if row['dormant'] == 1 else 'have'} some"
        if row["dormant"]
        else ""
    )
    have = "has" if row["blank"] == 1 else "have"
    note = (
        f"{fmt.number(row['blank'])} of the {fmt.counted(row['all'], 'activity', 'activities')} "
        f"of counted partners in the window {have} no initiator recorded (initiated_by "
        "blank): they count as engagement, never as a sign of life from the partner (one it "
        f"initiated within {active_days} days){dormant}. Fill initiated_by in the export "
        "(us or partner) where it is known."
    )
    return (note,)


def _direct_only(facts: Facts, /) -> tuple[str, ...]:
    """Note a window whose won deals are all direct: no partner has any won revenue.

    Often a partner column that was not read (a lookup exported as a name, an association
    left out of the export) rather than a portfolio that sold nothing.
    """
    direct = pl.col("partner_id").is_null()
    won = (
        facts.deals.select(
            pl.col("won_deals").filter(direct).sum().alias("direct"),
            pl.col("won_revenue").filter(direct).sum().alias("revenue"),
            pl.col("won_deals").filter(~direct).sum().alias("partner"),
        )
        .collect()
        .row(0, named=True)
    )
    if not won["direct"] or won["partner"]:
        return ()
    note = (
        f"Every deal won in the window is direct: {fmt.counted(won['direct'], 'deal')} with no "
        f"partner, {fmt.number(won['revenue'])} of won revenue, and no partner won anything. "
        "Check that the deals' partner column is read (a partner lookup exported as a name, "
        "or the partner association left out of the export, leaves it empty)."
    )
    return (note,)


_ASIDE = "Set aside by quarantine"


def set_aside(portfolio: Portfolio, /) -> tuple[str, ...]:
    """Return a note on the rows quarantine set aside: they are in no figure.

    Counts the rows per table (:meth:`Portfolio.rows_set_aside`) and the rules they broke
    (a row may break several). Empty when nothing was set aside.

    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1", "d2", "d3"], "partner_id": ["a", "z", "a"],
    ...         "created_on": ["2025-01-05"] * 3, "closed_on": ["2025-03-01"] * 3,
    ...         "outcome": ["won"] * 3, "amount": [1200.0, 5.0, -1.0]}), quarantine=True)
    >>> print(*set_aside(p))  # doctest: +NORMALIZE_WHITESPACE
    Set aside by quarantine and left out of every figure: 2 rows, 2 of deals (negative 1,
    unknown_partner 1). The load report lists each by line and record id
    (Portfolio.quarantine holds them).
    """
    rows = {name: n for name, n in portfolio.rows_set_aside().items() if n}
    if not rows:
        return ()
    assert portfolio.quarantine is not None
    rules = portfolio.quarantine.group_by("table", "rule").len().sort("table", "rule")
    parts = []
    for table, n in rows.items():
        broken = rules.filter(pl.col("table") == table).select("rule", "len").iter_rows()
        said = ", ".join(f"{rule} {count:,}" for rule, count in broken)
        parts.append(f"{n:,} of {table} ({said})")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    note = (
        f"{_ASIDE} and left out of every figure: {fmt.counted(sum(rows.values()), 'row')}, "
        f"{listed}. The load report lists each by line and record id (Portfolio.quarantine "
        "holds them)."
    )
    return (note,)


_STALE = "The latest actual event in the data"


def stale_as_of(latest: dt.date, as_of: dt.date, /, *, days: int) -> tuple[str, ...]:
    """Return a note when the data's latest actual event lies well before ``as_of``.

    An ``as_of`` typed a year too late leaves the window (nearly) empty and every partner
    dormant; the note names the latest event so that it can be checked. Empty within
    ``days`` (the policy's ``active_days``: a shorter gap makes no partner dormant by itself).

    >>> stale_as_of(dt.date(2026, 3, 1), dt.date(2026, 3, 31), days=91)
    ()
    >>> stale_as_of(dt.date(2026, 3, 1), dt.date(2027, 3, 1), days=91)[0][:60]
    'The latest actual event in the data is on 2026-03-01, 365 da'
    """
    gap = (as_of - latest).days
    if gap <= days:
        return ()
    note = (
        f"{_STALE} is on {latest}, {gap:,} days before as_of {as_of}: the recent figures are "
        "empty and partners without a sign of life since are dormant. Check as_of."
    )
    return (note,)


_EARLY = "The earliest actual event in the data"


def early_as_of(earliest: dt.date, as_of: dt.date, /) -> tuple[str, ...]:
    """Return a note when ``as_of`` lies before the data's earliest actual event.

    The window then holds no deal and no activity: every partner is dormant and every figure
    zero, which reads as a verdict on the partners rather than on the date typed.

    >>> early_as_of(dt.date(2025, 1, 1), dt.date(2025, 1, 1))
    ()
    >>> print(early_as_of(dt.date(2025, 1, 1), dt.date(2024, 6, 30))[0])  # doctest: +ELLIPSIS
    The earliest actual event in the data is on 2025-01-01, 185 days after as_of 2024-06-30: ...
    """
    if as_of >= earliest:
        return ()
    note = (
        f"{_EARLY} is on {earliest}, {(earliest - as_of).days:,} days after as_of {as_of}: "
        "the window holds no deal and no activity, so every partner is dormant and every "
        "figure is zero. Check as_of."
    )
    return (note,)


def future_as_of(future: FutureEvents | None, /) -> tuple[str, ...]:
    """Return a note when actual events lie after today and so set the default as_of.

    A task's due date mapped as an activity, an expected date read as an event or a year
    typed wrong sets the default as_of in the future: revenue falls out of the window and
    partners look dormant. The note quotes the latest such records and the latest event up
    to today.

    >>> row = ("activities", "occurred_on", dt.date(2027, 2, 15), None, "P7")
    >>> future = FutureEvents(dt.date(2026, 12, 5), 1, (row,), dt.date(2026, 11, 20))
    >>> print(future_as_of(future)[0])  # doctest: +NORMALIZE_WHITESPACE
    The latest actual event in the data, the occurred_on of an activity of partner P7 on
    2027-02-15, lies after today (2026-12-05) and sets the default as_of: an event cannot have
    happened yet (a due date or an expected date read as one, or a year typed wrong?). The
    latest event up to today is on 2026-11-20: check those dates, or analyse as of 2026-11-20.
    """
    if future is None or not future.rows:
        return ()
    table, column, on, _, record = future.rows[0]
    what = {"deals": "deal", "activities": "an activity of partner"}.get(table, table)
    if record is not None:
        what = f"{what} {record}"
    more = f" (and {future.count - 1:,} other rows after today)" if future.count > 1 else ""
    until = (
        f"The latest event up to today is on {future.before}: check those dates, or analyse "
        f"as of {future.before}."
        if future.before is not None
        else "No event lies on or before today: check those dates, or pass as_of."
    )
    note = (
        f"{_STALE}, the {column} of {what} on {on}{more}, lies after today ({future.after}) "
        "and sets the default as_of: an event cannot have happened yet (a due date or an "
        f"expected date read as one, or a year typed wrong?). {until}"
    )
    return (note,)


def lone_as_of(lone: LoneEvent | None, /) -> tuple[str, ...]:
    """Return a note when the default as_of is the date of one event far after all the others.

    A won deal with a mistyped close date (2027 among 2024 to 2026) sets the default as_of:
    the window moves into an empty future, revenue falls out of it and partners look dormant.
    The note names the record and the date of the rest of the data.

    >>> lone = LoneEvent("deals", "closed_on", dt.date(2027, 12, 31), dt.date(2026, 3, 31),
    ...     ((14, "5002"),), 1)
    >>> print(lone_as_of(lone)[0])  # doctest: +NORMALIZE_WHITESPACE
    The latest actual event in the data, the closed_on of deal 5002 on 2027-12-31, lies 640
    days after every other event (the latest on 2026-03-31) and sets the default as_of: the
    window holds little else and partners look dormant. Check that date (partnerkit validate
    quotes its line), or analyse as of 2026-03-31.
    """
    if lone is None:
        return ()
    record = {"deals": "deal", "activities": "activity"}.get(lone.table, lone.table)
    ids = [i for _, i in lone.rows if i is not None]
    what = f"{record} {ids[0]}" if ids else f"an {record}" if record[0] in "aeiou" else record
    more = f" (and {lone.count - 1:,} other rows on that date)" if lone.count > 1 else ""
    note = (
        f"{_STALE}, the {lone.column} of {what} on {lone.on}{more}, lies {lone.gap:,} days "
        f"after every other event (the latest on {lone.before}) and sets the default as_of: "
        "the window holds little else and partners look dormant. Check that date "
        f"(partnerkit validate quotes its line), or analyse as of {lone.before}."
    )
    return (note,)


def _derived(card: pl.LazyFrame, facts: Facts, policy: Policy) -> dict[str, pl.LazyFrame]:
    """Return the stage-2 outputs :func:`analyze` collects, as LazyFrames over ``card``."""
    return {
        "concentration": concentration(
            card,
            value=policy.pareto_value,
            threshold=policy.vital_threshold,
            denominator=policy.denominator,
        ),
        "vital_quarters": quarterly_vitals(
            facts, counted=card.filter(pl.col("counted")), threshold=policy.vital_threshold
        ),
        "health_percentiles": health_percentiles(card, model=policy.health, include="counted"),
        "tiers": tier_summary(card, ladder=policy.tier_ladder),
        "timing": timing(facts.deals, min_sample=policy.min_sample),
        "incentives": facts.incentives,
    }


def _on_demand(
    card: pl.DataFrame, facts: Facts, policy: Policy
) -> dict[str, Callable[[], pl.DataFrame]]:
    """How to compute each output of :data:`ON_DEMAND` (nothing is run here)."""

    def collect(frame: pl.LazyFrame) -> pl.DataFrame:
        return frame.collect(engine="in-memory")

    def lift() -> pl.DataFrame:
        # imported here: the bootstrap's numpy is a tenth of a second or more of import
        # that the core scorecard (quick_scorecard) never needs
        from partnerkit.metrics.lift import lift  # noqa: PLC0415

        return lift(facts.deals, samples=facts.lift_samples, policy=policy)

    return {
        "lift": lift,
        "coverage": lambda: coverage(facts.mapped, accounts=facts.accounts).collect(
            engine="streaming"
        ),
        "health_explained": lambda: collect(
            health_explained(card.lazy(), model=policy.health, include="counted")
        ),
    }


def _stage_two(
    facts: Facts,
    policy: Policy,
    *,
    kept: Mapping[str, Callable[[], pl.DataFrame]] | None = None,
    pairs: pl.DataFrame | None = None,
    data_notes: tuple[str, ...] = (),
) -> Analysis:
    """Conflicts, then the scorecard (collected once), then the outputs derived from it in one go.

    Stage-2 frames are small (one row per partner), so the in-memory engine runs them (the
    faster one for the scorecard at every scale measured, and for the rest up to 20,000
    partners; about even beyond), except the conflicts and the coverage, which join
    (partner, account) pairs, not partners: the streaming engine runs those in about 25%
    less CPU at 20,000 partners; the scorecard is collected before the outputs built on it
    because re-planning its large query inside every derived output costs far more than
    reading the collected frame. The outputs of :data:`ON_DEMAND` are only set up here;
    ``kept`` hands over those of another analysis that the policy change cannot alter
    (coverage depends on the facts only, the lift on its own settings), so that they are
    computed at most once for both; ``pairs`` are the conflicts of another analysis of the
    same facts (they depend on the facts and on which partners are counted: only counted
    partners are in conflict).
    """
    if pairs is None:
        # a partner that is not counted (exited, prospect, signed after as_of) is in conflict
        # with nobody: its deals are no competition for a partner we are judging
        pairs = conflicts(
            facts.accounts, partners=facts.partners.filter(counted(policy, facts.window))
        ).collect(engine="streaming")
    card = recommend(
        scorecard(facts.partners, facts=facts, policy=policy, conflict_pairs=pairs.lazy()),
        policy=policy,
    ).collect(engine="in-memory")
    lazies = _derived(card.lazy(), facts, policy)
    done = dict(zip(lazies, pl.collect_all(list(lazies.values()), engine="in-memory"), strict=True))
    later: dict[str, Callable[[], pl.DataFrame]] = {
        name: _Once(compute) for name, compute in _on_demand(card, facts, policy).items()
    }
    later.update(kept or {})
    return Analysis(
        as_of=facts.window.end,
        window_start=facts.window.start,
        policy=policy,
        scorecard=card,
        concentration=done["concentration"],
        vital_quarters=done["vital_quarters"],
        timing=done["timing"],
        incentives=done["incentives"],
        health_percentiles=done["health_percentiles"],
        tiers=done["tiers"],
        conflicts=pairs,
        notes=(*_notes(facts, policy, card), *data_notes),
        facts=facts,
        on_demand=later,
    )


def _settings(
    portfolio: Portfolio, /, *, as_of: dt.date | None, policy: Policy | None
) -> tuple[Policy, Window]:
    """Return the checked policy (default ``Policy()``) and the window ending on ``as_of``.

    ``as_of`` defaults to :func:`partnerkit.facts.latest_date`, never today's date.
    """
    policy = policy or Policy()
    policy.check()
    day = as_of if as_of is not None else latest_date(portfolio)
    return policy, Window.ending(day, months=policy.lookback_months)


def analyze(
    portfolio: Portfolio,
    /,
    *,
    as_of: dt.date | None = None,
    policy: Policy | None = None,
) -> Analysis:
    """Run every analysis of ``portfolio`` for the window ending on ``as_of``.

    ``as_of`` defaults to :func:`partnerkit.facts.latest_date` (never today's date); ``policy``
    defaults to ``Policy()``. Missing optional tables or columns never raise: the affected
    results are empty or null and :attr:`Analysis.notes` says why.
    """
    policy, window = _settings(portfolio, as_of=as_of, policy=policy)
    facts = from_portfolio(portfolio, window=window, policy=policy).collect()
    aside = set_aside(portfolio)
    if as_of is None:  # the default as_of is the latest event: is it one far after the rest?
        lone = lone_event(portfolio, days=policy.active_days, latest=window.end)
        today = events.clock_date()  # read to warn only: never a default
        future = future_event(portfolio, today=today) if window.end > today else None
        return _stage_two(facts, policy, data_notes=future_as_of(future) + lone_as_of(lone) + aside)
    tables = portfolio_tables(portfolio)
    latest, earliest = latest_event(tables), earliest_event(tables)
    notes: tuple[str, ...] = ()
    if latest is not None and earliest is not None:  # no event at all: other notes say so
        notes = stale_as_of(latest, as_of, days=policy.active_days) + early_as_of(earliest, as_of)
    return _stage_two(facts, policy, data_notes=notes + aside)


def analyze_facts(facts: Facts, /, *, policy: Policy | None = None) -> Analysis:
    """Run stage 2 on stage-1 ``facts`` (e.g. a facts folder written where the data lives).

    The window and the tracked quarters are the facts' own; ``policy`` defaults to
    ``Policy()``. The settings of :data:`STAGE_ONE_SETTINGS` shaped the facts already:
    the policy's values of those are not applied again.

    >>> import partnerkit as pk
    >>> from partnerkit.facts import from_portfolio, latest_date
    >>> p = pk.samples.generate(partners=30, seed=3).portfolio()
    >>> w = Window.ending(latest_date(p), months=12)
    >>> a = analyze_facts(from_portfolio(p, window=w, policy=Policy()).collect())
    >>> a.scorecard["won_revenue"].sum() == analyze(p).scorecard["won_revenue"].sum()
    True
    """
    policy = policy or Policy()
    policy.check()
    return _stage_two(facts, policy)


def quick_scorecard(
    portfolio: Portfolio,
    /,
    *,
    as_of: dt.date | None = None,
    policy: Policy | None = None,
) -> pl.DataFrame:
    """Compute only the core scorecard and the vital few: the fast path for big portfolios.

    The columns of :data:`~partnerkit.metrics.scorecard.CORE_COLUMNS` (results, win rate,
    sourced pipeline, revenue trend, engagement, hours per activity kind, rank, cumulative
    share, vital), with the same values as in :func:`analyze`'s scorecard. Stage 1's core
    facts are collected first, in one ``collect_all`` on polars' streaming engine (faster
    than the in-memory one for this reduction of many raw rows, and with flat memory); the
    scorecard is then computed on those small per-partner tables (fusing both into one query
    measured slower and used more memory at 100,000 partners). ``as_of`` and ``policy``
    default as in :func:`analyze`.

    >>> import partnerkit as pk
    >>> card = quick_scorecard(pk.samples.generate(partners=30, seed=3).portfolio())
    >>> card.filter(pl.col("vital")).height == analyze(
    ...     pk.samples.generate(partners=30, seed=3).portfolio()).scorecard["vital"].sum()
    True
    """
    policy, window = _settings(portfolio, as_of=as_of, policy=policy)
    stage = core_facts(
        portfolio_tables(portfolio),
        window=window,
        settings=FactSettings.from_policy(policy, window),
        supplied=portfolio.supplied or None,
    )
    return core_scorecard(stage.collect(), policy=policy).collect()
