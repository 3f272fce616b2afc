"""Stage 1: reduce the raw tables to per-partner (and per-partner-account) facts.

This is the only stage whose cost grows with the raw data. Each reduction is a single pass:
the window is pushed down as a filter (rows dated after as_of cannot matter), the conditions
are computed once as boolean columns, and every fact is a conditional sum, count, min or max
inside one ``group_by``: no repeated filters and joins. Investments and overlaps are each
reduced once per partner; activities in two cheap parts (the history dates over every row,
the rest over the rows in W reduced per partner and kind first, see
:func:`activity_facts`). Deals are reduced at the grains the analyses need:
per partner (:func:`deal_facts`: every per-partner fact, the per-partner-quarter revenue and
the engagement-timing counts in one ``group_by``), per partner and account
(:func:`deal_accounts`: overlap, conflicts, coverage), the won deals of small groups for the
bootstrap (:func:`partnerkit.metrics.lift.lift_samples`) and the deals of partners holding
an incentive (:func:`partnerkit.metrics.incentives.incentive_durability`).
:meth:`Facts.collect` runs them all in one ``pl.collect_all``. Everything after this stage
(scores, Pareto, health, tiers, recommendations, what-if) works on these small frames and
never re-reads raw rows.

Money sums are rounded to cents here, so partners with equal revenue tie exactly whatever the
summation order.

Examples
--------
>>> import datetime as dt
>>> deals = pl.LazyFrame({
...     "partner_id": ["a", "a", None], "account_id": ["x", "y", "x"],
...     "created_on": [dt.date(2025, 1, 5)] * 3,
...     "closed_on": [dt.date(2025, 3, 1), None, dt.date(2025, 2, 1)],
...     "outcome": ["won", "open", "lost"], "amount": [100.0, 50.0, 70.0],
...     "source": ["partner", "vendor", "vendor"],
...     "partner_engaged_on": [None, None, None]},
...     schema_overrides={"partner_id": pl.String, "partner_engaged_on": pl.Date})
>>> w = Window.ending(dt.date(2025, 3, 31), months=12)
>>> f = deal_facts(deals, window=w).sort("partner_id", nulls_last=True).collect()
>>> f.select("partner_id", "won_revenue", "lost_deals", "open_pipeline").rows()
[('a', 100.0, 0, 50.0), (None, 0.0, 1, 0.0)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import polars as pl

from partnerkit.metrics.timing import TIMING_BUCKETS, engagement_bucket
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.schema import ACTIVITY_KINDS
from partnerkit.window import Window

__all__ = [
    "COSELL_KINDS",
    "ENABLEMENT_KINDS",
    "HOURS_COLUMNS",
    "JOINT_MARKETING_KINDS",
    "QBR_KINDS",
    "RECIPROCAL_KINDS",
    "Facts",
    "activity_facts",
    "build_facts",
    "deal_accounts",
    "deal_facts",
    "hours_column",
    "investment_facts",
    "prorated_amount",
    "quarter_column",
    "quarter_values",
    "sum_if",
]

ENABLEMENT_KINDS = ("enablement", "training", "certification")
"""Activity kinds counted as enablement (awareness)."""
JOINT_MARKETING_KINDS = ("joint_marketing",)
"""Activity kinds counted as joint marketing."""
COSELL_KINDS = ("cosell",)
"""Activity kinds counted as co-selling."""
RECIPROCAL_KINDS = ("referral", "intro")
"""Activity kinds that pass business from one side to the other (reciprocity)."""
QBR_KINDS = ("qbr",)
"""Activity kinds that count as a partnership review."""

_DAY = dt.timedelta(days=1)


def sum_if(condition: pl.Expr, value: pl.Expr, /) -> pl.Expr:
    """Sum of ``value`` over the rows where ``condition`` holds (0 when none do).

    >>> df = pl.DataFrame({"ok": [True, False, True], "v": [1.0, 5.0, 2.0]})
    >>> df.select(sum_if(pl.col("ok"), pl.col("v"))).item()
    3.0
    """
    return pl.when(condition).then(value).otherwise(0).sum()


def _count_if(condition: pl.Expr, /) -> pl.Expr:
    return condition.sum().cast(pl.Int64)


def _money(expr: pl.Expr, /) -> pl.Expr:
    return expr.cast(pl.Float64).round(2)


def quarter_column(quarter: dt.date, /) -> str:
    """Name of the deal-facts column holding won revenue closed in ``quarter``.

    >>> quarter_column(dt.date(2025, 4, 1))
    'won_revenue_q_2025_04_01'
    """
    return f"won_revenue_q_{quarter:%Y_%m_%d}"


def _spread_stats() -> list[pl.Expr]:
    """Mean and spread of won deals from the sums kept by :func:`deal_facts`."""
    n = pl.col("won_deals").cast(pl.Float64)
    mean_days = pl.col("_days_sum") / n
    mean_amount = pl.col("_amount_sum") / n

    def spread(squares: str, mean: pl.Expr) -> pl.Expr:
        return pl.when(n > 0).then((pl.col(squares) / n - mean**2).clip(lower_bound=0).sqrt())

    return [
        pl.when(n > 0).then(mean_days).alias("avg_days_to_close"),
        spread("_days_sq", mean_days).alias("sd_days_to_close"),
        spread("_amount_sq", mean_amount).alias("sd_won_amount"),
    ]


def deal_facts(
    deals: pl.LazyFrame,
    /,
    *,
    window: Window,
    quarters: Sequence[dt.date] = (),
    timing_cuts: tuple[float, float] = (1 / 3, 2 / 3),
) -> pl.LazyFrame:
    """Reduce deals to one row per ``partner_id`` in a single pass (null id = direct deals).

    Requires columns: ``partner_id``, ``created_on``, ``closed_on``, ``outcome``, ``amount``,
    ``source`` and ``partner_engaged_on`` (the last two may be all null).

    Columns produced (W = ``window``): ``won_revenue``/``won_deals`` (won, closed in W),
    ``lost_deals``, ``sourced_revenue``/``influenced_revenue`` (won in W with source partner /
    vendor), ``open_pipeline``/``open_deals`` (open at as_of: outcome ``open`` whatever its
    expected close date, or won/lost after as_of), ``open_past_expected`` (open deals whose
    expected close date is on or before as_of), ``sourced_pipeline`` (amount of
    partner-sourced deals created in W), ``pipeline_created``/``deals_created`` (created in
    W), ``avg_days_to_close`` and ``sd_days_to_close`` (won in W), ``sd_won_amount``,
    ``first_win_on`` (first win up to as_of), ``last_deal_on`` (latest creation up to as_of),
    ``revenue_prior``/``revenue_recent`` (won in each half of W), ``revenue_before`` (won
    in the span of as many days just before W, the year before W by default), one
    :func:`quarter_column` per quarter, and ``<bucket>_closed``/``<bucket>_won`` per
    engagement-timing bucket (see :mod:`partnerkit.metrics.timing`).

    Examples
    --------
    >>> deals = pl.LazyFrame({"partner_id": ["a", "a"], "created_on": [dt.date(2025, 1, 1)] * 2,
    ...     "closed_on": [dt.date(2025, 2, 1), dt.date(2025, 3, 1)], "outcome": ["won", "won"],
    ...     "amount": [10.0, 30.0], "source": [None, None], "partner_engaged_on": [None, None]},
    ...     schema_overrides={"source": pl.String, "partner_engaged_on": pl.Date})
    >>> w = Window.ending(dt.date(2025, 3, 1), months=2)
    >>> deal_facts(deals, window=w).select("won_deals", "avg_days_to_close").collect().row(0)
    (2, 45.0)
    """
    w = window
    as_of = pl.lit(w.end)
    closed, created = pl.col("closed_on"), pl.col("created_on")
    outcome, amount = pl.col("outcome"), pl.col("amount")
    won, new = pl.col("_won"), pl.col("_new")
    sourced, vendor, opened = pl.col("_sourced"), pl.col("_vendor"), pl.col("_open")
    days = pl.col("_days")
    before = Window(w.start - dt.timedelta(days=w.days), w.start)

    cycle = (closed - created).dt.total_days()
    bucket = engagement_bucket(closed=won | pl.col("_lost"), cuts=timing_cuts)
    # quarter index of each win up to as_of, counted from the first tracked quarter
    first_q = quarters[0] if quarters else w.end
    q_index = (
        closed.dt.year().cast(pl.Int32) * 4 + (closed.dt.month().cast(pl.Int32) - 1) // 3
    ) - (first_q.year * 4 + (first_q.month - 1) // 3)
    quarter_aggs = [
        _money(sum_if(pl.col("_q") == i, amount)).alias(quarter_column(q))
        for i, q in enumerate(quarters)
    ]
    timing_aggs = []
    for k, name in enumerate(TIMING_BUCKETS):
        timing_aggs += [
            _count_if(pl.col("_bucket") == k).alias(f"{name}_closed"),
            _count_if((pl.col("_bucket") == k) & won).alias(f"{name}_won"),
        ]
    return (
        deals.filter(created <= as_of)
        .with_columns(
            _won=(outcome == "won") & w.contains(closed),
            _lost=(outcome == "lost") & w.contains(closed),
            _new=w.contains(created),
            _sourced=(pl.col("source") == "partner").fill_null(value=False),
            _vendor=(pl.col("source") == "vendor").fill_null(value=False),
            # an open deal is open whatever its (expected) close date
            _open=(outcome == "open") | (closed > as_of).fill_null(value=True),
            _overdue=(outcome == "open") & (closed <= as_of).fill_null(value=False),
            _days=cycle,
            _wq=(outcome == "won") & (closed <= as_of).fill_null(value=False),
            _won_before=(outcome == "won") & before.contains(closed),
        )
        .with_columns(
            _bucket=bucket,
            _q=pl.when(pl.col("_wq") & (closed >= pl.lit(first_q))).then(q_index),
        )
        .group_by("partner_id")
        .agg(
            _money(sum_if(won, amount)).alias("won_revenue"),
            _count_if(won).alias("won_deals"),
            _count_if(pl.col("_lost")).alias("lost_deals"),
            _money(sum_if(won & sourced, amount)).alias("sourced_revenue"),
            _money(sum_if(won & vendor, amount)).alias("influenced_revenue"),
            _money(sum_if(opened, amount)).alias("open_pipeline"),
            _count_if(opened).alias("open_deals"),
            _count_if(pl.col("_overdue")).alias("open_past_expected"),
            _money(sum_if(new & sourced, amount)).alias("sourced_pipeline"),
            _money(sum_if(new, amount)).alias("pipeline_created"),
            _count_if(new).alias("deals_created"),
            sum_if(won, days).alias("_days_sum"),
            sum_if(won, days * days).alias("_days_sq"),
            sum_if(won, amount * amount).alias("_amount_sq"),
            sum_if(won, amount).alias("_amount_sum"),
            pl.when(pl.col("_wq")).then(closed).min().alias("first_win_on"),
            created.max().alias("last_deal_on"),
            _money(sum_if(won & w.in_prior_half(closed), amount)).alias("revenue_prior"),
            _money(sum_if(won & w.in_recent_half(closed), amount)).alias("revenue_recent"),
            _money(sum_if(pl.col("_won_before"), amount)).alias("revenue_before"),
            *quarter_aggs,
            *timing_aggs,
        )
        .with_columns(_spread_stats())
        .drop("_days_sum", "_days_sq", "_amount_sq", "_amount_sum")
    )


def quarter_values(facts: pl.LazyFrame, /, *, quarters: Sequence[dt.date]) -> pl.LazyFrame:
    """Long per-partner-quarter won revenue from :func:`deal_facts` (partners only).

    Requires columns: ``partner_id`` and one :func:`quarter_column` per quarter. Returns
    ``partner_id``, ``quarter`` (first day, a Date) and ``value``; rows with value 0 are left
    out.

    >>> q = dt.date(2025, 1, 1)
    >>> f = pl.LazyFrame({"partner_id": ["a", "b"], quarter_column(q): [5.0, 0.0]})
    >>> quarter_values(f, quarters=[q]).collect().rows()
    [('a', datetime.date(2025, 1, 1), 5.0)]
    """
    names = {quarter_column(q): q for q in quarters}
    if not names:
        return pl.LazyFrame(
            schema={"partner_id": pl.String, "quarter": pl.Date, "value": pl.Float64}
        )
    return (
        facts.filter(pl.col("partner_id").is_not_null())
        .unpivot(on=list(names), index="partner_id", variable_name="_q", value_name="value")
        .filter(pl.col("value") > 0)
        .select(
            "partner_id",
            pl.col("_q").replace_strict(names, return_dtype=pl.Date).alias("quarter"),
            pl.col("value").cast(pl.Float64),
        )
    )


def deal_accounts(deals: pl.LazyFrame, /, *, window: Window) -> pl.LazyFrame:
    """One row per (partner, account) with a deal live in W (null partner = direct).

    A deal is live in W when it was created on or before as_of and not closed on or before
    the window start (an open deal's close date is an expected one and ends nothing).
    Requires columns: ``partner_id``, ``account_id``, ``created_on``, ``closed_on``,
    ``outcome``, ``amount``. Returns ``partner_id``, ``account_id``, ``deals`` (live in W),
    ``open_amount`` (amount of those deals still open at as_of) and the span of time the
    partner worked the account through them: ``active_from`` (earliest creation) and
    ``active_to`` (latest close, as_of for a deal still open then).

    >>> deals = pl.LazyFrame({"partner_id": ["a", "a"], "account_id": ["x", "x"],
    ...     "created_on": [dt.date(2025, 1, 1), dt.date(2025, 1, 3)],
    ...     "closed_on": [None, dt.date(2025, 1, 9)], "outcome": ["open", "lost"],
    ...     "amount": [5.0, 7.0]})
    >>> w = Window.ending(dt.date(2025, 2, 1), months=1)
    >>> deal_accounts(deals, window=w).collect().row(0)
    ('a', 'x', 2, 5.0, datetime.date(2025, 1, 1), datetime.date(2025, 2, 1))
    """
    as_of = pl.lit(window.end)
    return (
        deals.filter(window.live() & pl.col("account_id").is_not_null())
        .group_by("partner_id", "account_id")
        .agg(
            pl.len().cast(pl.Int64).alias("deals"),
            _money(sum_if(window.open_at_end(), pl.col("amount"))).alias("open_amount"),
            pl.col("created_on").min().alias("active_from"),
            pl.min_horizontal(Window.closed_on().fill_null(as_of), as_of).max().alias("active_to"),
        )
    )


def hours_column(kind: str, /) -> str:
    """Name of the activity-facts (and scorecard) column holding the hours of one kind.

    >>> hours_column("joint_marketing")
    'hours_joint_marketing'
    """
    return f"hours_{kind}"


HOURS_COLUMNS = tuple(hours_column(k) for k in ACTIVITY_KINDS)
"""One hours column per canonical activity kind (:data:`partnerkit.schema.ACTIVITY_KINDS`)."""


def activity_facts(activities: pl.LazyFrame, /, *, window: Window) -> pl.LazyFrame:
    """Reduce the engagement log to one row per partner with an activity up to as_of.

    Requires columns: ``partner_id``, ``occurred_on``, ``kind``, ``initiated_by``, ``hours``.

    Counts are of activities in W: ``activities``, ``partner_initiated``,
    ``initiated_known`` (initiator recorded), ``enablement_activities`` (kinds
    :data:`ENABLEMENT_KINDS`), ``joint_marketing_activities``, ``cosell_activities``,
    ``activity_breadth`` (distinct kinds), ``referrals_given`` (referrals and intros we
    initiated), ``referrals_received`` (initiated by the partner). ``our_hours`` and
    ``partner_hours`` sum the hours of activities in W initiated by each side, and one
    :func:`hours_column` per kind of :data:`partnerkit.schema.ACTIVITY_KINDS` the hours of
    that kind in W (whoever initiated them); hours are rounded to hundredths.
    ``last_activity_on``, ``last_partner_activity_on`` (initiated by the partner) and
    ``last_qbr_on`` look at all history up to as_of.

    Two cheap parts instead of one wide pass: the history dates are maxima over every row up
    to as_of; the rows in W are filtered first and reduced per (partner, kind) (a dozen rows
    per partner: count, by us, by the partner, initiator known, hours split by initiator),
    and every per-partner figure is a filtered sum over those few rows. The two parts read
    the input separately, so that no copy of the raw rows is held for sharing.

    >>> acts = pl.LazyFrame({"partner_id": ["a", "a"],
    ...     "occurred_on": [dt.date(2025, 1, 2), dt.date(2025, 1, 3)], "kind": ["intro", "qbr"],
    ...     "initiated_by": ["partner", "us"], "hours": [1.0, 2.5]})
    >>> f = activity_facts(acts, window=Window.ending(dt.date(2025, 2, 1), months=1)).collect()
    >>> f.select("referrals_received", "our_hours", "hours_qbr", "activity_breadth").row(0)
    (1, 2.5, 2.5, 2)
    """
    kind, by, day, hours = (
        pl.col("kind"),
        pl.col("initiated_by"),
        pl.col("occurred_on"),
        pl.col("hours"),
    )
    history = (
        activities.filter(day <= pl.lit(window.end))
        .group_by("partner_id")
        .agg(
            day.max().alias("last_activity_on"),
            day.filter(kind.is_in(QBR_KINDS)).max().alias("last_qbr_on"),
            day.filter(by == "partner").max().alias("last_partner_activity_on"),
        )
    )
    us, them = by == "us", by == "partner"
    per_kind = (
        activities.filter(window.contains(day))
        .group_by("partner_id", "kind")
        .agg(
            pl.len().alias("_n"),
            us.sum().alias("_us"),
            them.sum().alias("_them"),
            by.is_not_null().sum().alias("_known"),
            hours.sum().alias("_h"),
            hours.filter(us).sum().alias("_h_us"),
            hours.filter(them).sum().alias("_h_them"),
        )
    )
    n = pl.col("_n")

    def count(expr: pl.Expr, /) -> pl.Expr:
        return expr.sum().cast(pl.Int64)

    reciprocal = kind.is_in(RECIPROCAL_KINDS)
    in_window = per_kind.group_by("partner_id").agg(
        count(n).alias("activities"),
        count(pl.col("_them")).alias("partner_initiated"),
        count(pl.col("_known")).alias("initiated_known"),
        count(n.filter(kind.is_in(ENABLEMENT_KINDS))).alias("enablement_activities"),
        count(n.filter(kind.is_in(JOINT_MARKETING_KINDS))).alias("joint_marketing_activities"),
        count(n.filter(kind.is_in(COSELL_KINDS))).alias("cosell_activities"),
        pl.len().cast(pl.Int64).alias("activity_breadth"),  # one row per kind seen in W
        count(pl.col("_us").filter(reciprocal)).alias("referrals_given"),
        count(pl.col("_them").filter(reciprocal)).alias("referrals_received"),
        _money(pl.col("_h_us").sum()).alias("our_hours"),
        _money(pl.col("_h_them").sum()).alias("partner_hours"),
        *(
            _money(pl.col("_h").filter(kind == k).sum()).alias(hours_column(k))
            for k in ACTIVITY_KINDS
        ),
    )
    figures = [c for c in in_window.collect_schema().names() if c != "partner_id"]
    return (
        history.join(in_window, on="partner_id", how="left")
        .with_columns(pl.col(figures).fill_null(0))
        .select(
            "partner_id", *figures, "last_activity_on", "last_qbr_on", "last_partner_activity_on"
        )
    )


def prorated_amount(window: Window, /) -> pl.Expr:
    """Expression: the part of an investment's ``amount`` falling in W, pro-rated by days.

    An investment covers the days ``starts_on`` to ``ends_on`` inclusive; an ongoing one
    (``ends_on`` null) runs until as_of. Its amount is spread evenly over those days and the
    days inside W are kept.

    >>> w = Window(dt.date(2025, 1, 10), dt.date(2025, 1, 31))
    >>> inv = pl.DataFrame({"starts_on": [dt.date(2025, 1, 1)], "ends_on": [dt.date(2025, 1, 20)],
    ...     "amount": [200.0]})
    >>> inv.select(prorated_amount(w)).item()  # days 11..20 of a 20-day span: 10/20 * 200
    100.0
    """
    start, as_of = pl.lit(window.start + _DAY), pl.lit(window.end)
    end = pl.col("ends_on").fill_null(as_of)
    span = (end - pl.col("starts_on")).dt.total_days() + 1
    lo = pl.max_horizontal(pl.col("starts_on"), start)
    hi = pl.min_horizontal(end, as_of)
    inside = ((hi - lo).dt.total_days() + 1).clip(lower_bound=0)
    return pl.when(span > 0).then(pl.col("amount") * inside / span).otherwise(0.0).alias("amount")


def investment_facts(
    investments: pl.LazyFrame,
    /,
    *,
    window: Window,
    program_categories: Sequence[str] = ("programs", "mdf", "incentive"),
) -> pl.LazyFrame:
    """Investment in W per partner (pro-rated by days, see :func:`prorated_amount`).

    Requires columns: ``partner_id``, ``category``, ``starts_on``, ``ends_on``, ``amount``.
    Returns ``investment`` (all categories) and ``program_investment`` (the
    ``program_categories`` only).

    >>> inv = pl.LazyFrame({"partner_id": ["a", "a"], "category": ["people", "mdf"],
    ...     "starts_on": [dt.date(2025, 1, 1)] * 2, "ends_on": [None, None],
    ...     "amount": [10.0, 5.0]}, schema_overrides={"ends_on": pl.Date})
    >>> investment_facts(inv, window=Window.ending(dt.date(2025, 1, 31), months=1)).collect().row(0)
    ('a', 15.0, 5.0)
    """
    part = prorated_amount(window)
    return (
        investments.filter(pl.col("starts_on") <= pl.lit(window.end))
        .group_by("partner_id")
        .agg(
            _money(part.sum()).alias("investment"),
            _money(sum_if(pl.col("category").is_in(list(program_categories)), part)).alias(
                "program_investment"
            ),
        )
    )


@dataclass(frozen=True)
class Facts:
    """The stage-1 facts of a portfolio for one window (LazyFrames until collected).

    Attributes
    ----------
    window
        The analysis window.
    quarters
        First days of the quarters tracked for vital-few stability, oldest first.
    partners
        The canonical partners table (the partner dimension every fact joins onto).
    deals
        :func:`deal_facts` (one row per partner; the null-``partner_id`` row is direct deals).
    accounts
        :func:`deal_accounts` (one row per partner and account with a deal live in W).
    activities, investments
        :func:`activity_facts` and :func:`investment_facts`.
    overlaps
        :func:`partnerkit.metrics.overlap.overlap_facts`.
    mapped
        Distinct (``partner_id``, ``account_id``) pairs of the account mapping (coverage).
    incentives
        :func:`partnerkit.metrics.incentives.incentive_durability`.
    lift_samples
        :func:`partnerkit.metrics.lift.lift_samples` (won deals of small groups).
    supplied
        The portfolio's ``supplied`` mapping, so stage 2 knows which inputs were real.
    """

    window: Window
    quarters: tuple[dt.date, ...]
    partners: pl.LazyFrame
    deals: pl.LazyFrame
    accounts: pl.LazyFrame
    activities: pl.LazyFrame
    investments: pl.LazyFrame
    overlaps: pl.LazyFrame
    mapped: pl.LazyFrame
    incentives: pl.LazyFrame
    lift_samples: pl.LazyFrame
    supplied: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def has(self, table: str, column: str | None = None) -> bool:
        """Whether the source supplied ``table`` (and ``column`` in it, when given).

        An empty ``supplied`` mapping means "unknown" and counts as everything supplied.
        """
        if not self.supplied:
            return True
        cols = self.supplied.get(table, ())
        return bool(cols) if column is None else column in cols

    _FRAMES = (
        "partners",
        "deals",
        "accounts",
        "activities",
        "investments",
        "overlaps",
        "mapped",
        "incentives",
        "lift_samples",
    )

    def frames(self) -> dict[str, pl.LazyFrame]:
        """Return the fact frames by name."""
        return {name: getattr(self, name) for name in self._FRAMES}

    def collect(self) -> Facts:
        """Collect every fact frame in one ``pl.collect_all`` (shared scans computed once).

        Polars' default engine runs it (streaming, unless the caller set another engine
        affinity): the faster one for reductions of many rows, measured at every scale, and
        it keeps memory flat. The result holds the collected frames as (cheap) LazyFrames,
        so stage 2 can run on it again and again without touching raw rows.
        """
        names = list(self._FRAMES)
        done = pl.collect_all([getattr(self, n) for n in names])
        f = {n: df.lazy() for n, df in zip(names, done, strict=True)}
        return Facts(
            window=self.window,
            quarters=self.quarters,
            partners=f["partners"],
            deals=f["deals"],
            accounts=f["accounts"],
            activities=f["activities"],
            investments=f["investments"],
            overlaps=f["overlaps"],
            mapped=f["mapped"],
            incentives=f["incentives"],
            lift_samples=f["lift_samples"],
            supplied=self.supplied,
        )


def build_facts(portfolio: Portfolio, /, *, window: Window, policy: Policy) -> Facts:
    """Build (lazily) every stage-1 fact frame of ``portfolio`` for ``window``.

    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1"], "partner_id": ["a"],
    ...         "created_on": ["2025-01-05"], "closed_on": ["2025-03-01"],
    ...         "outcome": ["won"], "amount": [1200.0]}))
    >>> f = build_facts(p, window=Window.ending(dt.date(2025, 3, 1), months=12), policy=Policy())
    >>> f.deals.select("partner_id", "won_revenue").collect().rows()
    [('a', 1200.0)]
    """
    from partnerkit.metrics.incentives import incentive_durability  # noqa: PLC0415
    from partnerkit.metrics.lift import lift_samples  # noqa: PLC0415
    from partnerkit.metrics.overlap import overlap_facts  # noqa: PLC0415

    quarters = window.quarters(policy.stability_quarters)
    accounts = deal_accounts(portfolio.deals, window=window)
    # a table the source did not supply is an empty frame: keep it from pulling in deal rows
    known = not portfolio.supplied  # no record of what was supplied: use every table
    mapped_deals = accounts if known or portfolio.has("overlaps") else accounts.clear()
    invested = known or portfolio.has("investments")
    invested_deals = portfolio.deals if invested else portfolio.deals.clear()
    return Facts(
        window=window,
        quarters=quarters,
        partners=portfolio.partners,
        deals=deal_facts(
            portfolio.deals, window=window, quarters=quarters, timing_cuts=policy.timing_cuts
        ),
        accounts=accounts,
        activities=activity_facts(portfolio.activities, window=window),
        investments=investment_facts(
            portfolio.investments, window=window, program_categories=policy.program_categories
        ),
        overlaps=overlap_facts(portfolio.overlaps, accounts=mapped_deals),
        mapped=portfolio.overlaps.select("partner_id", "account_id").unique(),
        incentives=incentive_durability(
            portfolio.investments,
            deals=invested_deals,
            window=window,
            categories=policy.incentive_categories,
            min_lift=policy.incentive_min_lift,
            min_retention=policy.incentive_min_retention,
        ),
        lift_samples=lift_samples(portfolio.deals, window=window, max_n=policy.bootstrap_max_n),
        supplied=portfolio.supplied,
    )
