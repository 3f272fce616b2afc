"""Change over time: quarter on quarter, year on year, and since the last review.

Two kinds of comparison, both pure frame-in, frame-out transforms:

* :func:`quarter_changes` reads the per-partner-quarter won revenue of stage 1 (the long
  ``partner_id``, ``quarter``, ``value`` table: the ``deal_quarters`` fact table of
  :mod:`partnerkit.facts` with its ``won_revenue`` as ``value``) and compares the **latest complete
  quarter** with the quarter before it (QoQ) and with the same quarter a year earlier (YoY).
  The latest complete quarter is the quarter ending on ``as_of`` when ``as_of`` is a quarter's
  last day, else the quarter before the one ``as_of`` falls in: a part-quarter is never
  compared with a whole one.
* :func:`measure_changes` gives the same two comparisons for several measures of a
  partner's activity -- won revenue, won deals, win rate and activities (engagement) --
  read from the per-partner-quarter facts of stage 1 (``deal_quarters`` with its won and
  lost deals, ``activity_quarters``; :func:`measure_changes_of` takes them from
  :class:`~partnerkit.facts.Facts`): one row per partner and measure
  (:data:`MEASURE_COLUMNS`).
* :func:`since_last_review` compares the current scorecard with the metrics snapshot stored
  with each partner's latest decision in the ledger (:meth:`Ledger.current`).

Columns added by :func:`quarter_changes` (:data:`QUARTER_COLUMNS`): ``quarter`` (first day
of the latest complete quarter), ``quarter_revenue``, ``prior_quarter_revenue``,
``qoq_change`` (difference), ``qoq_change_pct`` (relative, null when the prior quarter is
0), ``year_ago_quarter_revenue``, ``yoy_change``, ``yoy_change_pct``. A quarter not tracked
in the facts (fewer tracked quarters than the comparison needs) gives null figures, never 0.

Examples
--------
>>> import datetime as dt
>>> quarterly = pl.LazyFrame({"partner_id": ["a", "a", "a"],
...     "quarter": [dt.date(2024, 4, 1), dt.date(2025, 1, 1), dt.date(2025, 4, 1)],
...     "value": [50.0, 80.0, 100.0]})
>>> partners = pl.LazyFrame({"partner_id": ["a", "b"]})
>>> out = quarter_changes(quarterly, partners=partners, as_of=dt.date(2025, 6, 30))
>>> out.select("partner_id", "quarter_revenue", "qoq_change", "yoy_change_pct").collect().rows()
[('a', 100.0, 20.0, 1.0), ('b', 0.0, 0.0, None)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from partnerkit import formatting as fmt
from partnerkit.facts import Facts
from partnerkit.window import quarter_start, shift_months

__all__ = [
    "CHANGE_LABELS",
    "CHANGE_MEASURES",
    "MEASURE_COLUMNS",
    "QUARTER_COLUMNS",
    "REVIEW_NUMBERS",
    "REVIEW_TEXTS",
    "as_measure_rows",
    "change_lines",
    "counted_only",
    "latest_complete_quarter",
    "measure_changes",
    "measure_changes_of",
    "quarter_changes",
    "quarter_changes_of",
    "review_columns",
    "since_last_review",
]

QUARTER_COLUMNS: dict[str, str] = {
    "quarter": "First day of the latest complete quarter (the one compared).",
    "quarter_revenue": "Won revenue closed in the latest complete quarter.",
    "prior_quarter_revenue": "Won revenue closed in the quarter before it.",
    "qoq_change": "Quarter on quarter: quarter_revenue - prior_quarter_revenue.",
    "qoq_change_pct": "qoq_change / prior_quarter_revenue (null when that is 0).",
    "year_ago_quarter_revenue": "Won revenue closed in the same quarter a year earlier.",
    "yoy_change": "Year on year: quarter_revenue - year_ago_quarter_revenue.",
    "yoy_change_pct": "yoy_change / year_ago_quarter_revenue (null when that is 0).",
}
"""The columns :func:`quarter_changes` returns besides ``partner_id``, with definitions."""

_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("won_revenue", "Won revenue", "amount of the deals won, by close date."),
    ("won_deals", "Won deals", "count of the deals won, by close date."),
    ("win_rate", "Win rate", "won / (won + lost) of the deals closed (null when none closed)."),
    ("activities", "Activities", "count of logged activities (engagement), by date, either side."),
)
CHANGE_MEASURES: dict[str, str] = {name: f"{label}: {how}" for name, label, how in _MEASURES}
"""The measures :func:`measure_changes` compares, in the order it returns them."""
CHANGE_LABELS: dict[str, str] = {name: label for name, label, _how in _MEASURES}
"""The name a page shows for each measure of :data:`CHANGE_MEASURES`."""

MEASURE_COLUMNS: dict[str, str] = {
    "measure": "One of :data:`CHANGE_MEASURES`.",
    "quarter": "First day of the latest complete quarter (the one compared).",
    "value": "The measure in that quarter.",
    "prior_value": "The measure in the quarter before it.",
    "qoq_change": "value - prior_value (for the win rate, in points of a fraction).",
    "qoq_change_pct": "qoq_change / prior_value; null when that is 0, and for the win rate.",
    "year_ago_value": "The measure in the same quarter a year earlier.",
    "yoy_change": "value - year_ago_value.",
    "yoy_change_pct": "yoy_change / year_ago_value; null when that is 0, and for the win rate.",
}
"""The columns :func:`measure_changes` returns besides ``partner_id``, with definitions."""

REVIEW_NUMBERS: tuple[str, ...] = ("won_revenue", "open_pipeline", "health", "investment")
"""Numeric scorecard columns compared with the last review's snapshot by default."""

REVIEW_TEXTS: tuple[str, ...] = ("state", "recommendation", "tier")
"""Text scorecard columns shown as they were at the last review by default."""


def latest_complete_quarter(as_of: dt.date, /) -> dt.date:
    """First day of the latest quarter that ends on or before ``as_of``.

    Examples
    --------
    >>> latest_complete_quarter(dt.date(2025, 6, 30)), latest_complete_quarter(dt.date(2025, 6, 29))
    (datetime.date(2025, 4, 1), datetime.date(2025, 1, 1))
    """
    start = quarter_start(as_of)
    if as_of == shift_months(start, 3) - dt.timedelta(days=1):
        return start
    return shift_months(start, -3)


def compared_quarters(as_of: dt.date, names: Sequence[str], /) -> dict[str, dt.date]:
    """Name the three quarters compared at ``as_of`` by ``names``: now, before, a year ago.

    >>> compared_quarters(dt.date(2025, 6, 30), ("now", "prior", "year_ago"))
    {'now': datetime.date(2025, 4, 1), 'prior': datetime.date(2025, 1, 1), \
'year_ago': datetime.date(2024, 4, 1)}
    """
    current = latest_complete_quarter(as_of)
    days = (current, shift_months(current, -3), shift_months(current, -12))
    return dict(zip(names, days, strict=True))


def _pct(change: str, base: str) -> pl.Expr:
    return pl.when(pl.col(base) != 0).then(pl.col(change) / pl.col(base))


def _difference(now: str, then: str) -> pl.Expr:
    # money and counts to the cent (no float dust), rates as they are
    change = pl.col(now) - pl.col(then)
    return pl.when(pl.col("measure") == "win_rate").then(change).otherwise(change.round(2))


def quarter_changes(
    quarterly: pl.LazyFrame,
    /,
    *,
    partners: pl.LazyFrame,
    as_of: dt.date,
    tracked: Sequence[dt.date] | None = None,
) -> pl.LazyFrame:
    """Quarter-on-quarter and year-on-year change of won revenue, one row per partner.

    ``quarterly`` holds the won revenue per partner and quarter (a missing row means 0);
    ``tracked`` lists the first days of the quarters the facts cover (by default, every
    quarter present in ``quarterly``): a compared quarter outside it gives null, not 0.

    Requires columns: ``partner_id``, ``quarter`` (first day, a Date), ``value`` in
    ``quarterly``; ``partner_id`` in ``partners``. Returns ``partner_id`` and
    :data:`QUARTER_COLUMNS`, in the order of ``partners``.

    Examples
    --------
    >>> q = pl.LazyFrame({"partner_id": ["a", "a"],
    ...     "quarter": [dt.date(2025, 1, 1), dt.date(2025, 4, 1)], "value": [40.0, 30.0]})
    >>> out = quarter_changes(q, partners=pl.LazyFrame({"partner_id": ["a"]}),
    ...                       as_of=dt.date(2025, 6, 30))
    >>> out.select("qoq_change", "qoq_change_pct", "yoy_change").collect().row(0)
    (-10.0, -0.25, None)
    """
    wanted = compared_quarters(
        as_of, ("quarter_revenue", "prior_quarter_revenue", "year_ago_quarter_revenue")
    )
    current = wanted["quarter_revenue"]
    if tracked is None:
        known = set(quarterly.select(pl.col("quarter").unique()).collect()["quarter"].to_list())
    else:
        known = set(tracked)
    sums = quarterly.group_by("partner_id").agg(
        pl.col("value").filter(pl.col("quarter") == day).sum().alias(name)
        for name, day in wanted.items()
    )
    return (
        partners.select("partner_id")
        .join(sums, on="partner_id", how="left", maintain_order="left")
        .with_columns(
            (pl.col(name).fill_null(0.0) if day in known else pl.lit(None, pl.Float64))
            .round(2)
            .alias(name)
            for name, day in wanted.items()
        )
        .with_columns(
            quarter=pl.lit(current, pl.Date),
            qoq_change=(pl.col("quarter_revenue") - pl.col("prior_quarter_revenue")).round(2),
            yoy_change=(pl.col("quarter_revenue") - pl.col("year_ago_quarter_revenue")).round(2),
        )
        .with_columns(
            qoq_change_pct=_pct("qoq_change", "prior_quarter_revenue"),
            yoy_change_pct=_pct("yoy_change", "year_ago_quarter_revenue"),
        )
        .select("partner_id", *QUARTER_COLUMNS)
    )


def measure_changes(
    quarters: pl.LazyFrame,
    /,
    *,
    partners: pl.LazyFrame,
    as_of: dt.date,
    since: dt.date | None,
    activities: pl.LazyFrame | None = None,
    tracked: Sequence[dt.date] | None = None,
) -> pl.LazyFrame:
    """Quarter on quarter and year on year of each measure of :data:`CHANGE_MEASURES`.

    Compares the latest complete quarter (:func:`latest_complete_quarter`) with the quarter
    before it and with the same quarter a year earlier, reading the per-partner-quarter
    facts of stage 1: ``quarters`` (the ``deal_quarters`` fact table: deals count in the
    quarter of their close, won or lost; open deals not at all) and ``activities`` (the
    ``activity_quarters`` fact table); a missing row is a quarter with nothing. A quarter
    ending before ``since`` -- the first day the data covers (the earliest ``first_deal_on``
    of the deal facts) -- or outside ``tracked`` (the quarters the facts cover, by
    default all) gives null, never 0: nothing is known of it; so does every quarter when
    ``since`` is None (no deals). Without ``activities`` the activity measure is null.

    Requires columns: ``partner_id``, ``quarter``, ``won_revenue``, ``won_deals``,
    ``lost_deals`` in ``quarters``; ``partner_id``, ``quarter``, ``activities`` in
    ``activities``; ``partner_id`` in ``partners``. Returns ``partner_id`` and
    :data:`MEASURE_COLUMNS`, partners in the order of ``partners``, measures in the order of
    :data:`CHANGE_MEASURES`.

    Examples
    --------
    >>> quarters = pl.LazyFrame({"partner_id": ["a", "a", "a"],
    ...     "quarter": [dt.date(2024, 4, 1), dt.date(2025, 1, 1), dt.date(2025, 4, 1)],
    ...     "won_revenue": [50.0, 80.0, 100.0], "won_deals": [1, 1, 1], "lost_deals": [0, 0, 1]})
    >>> out = measure_changes(quarters, partners=pl.LazyFrame({"partner_id": ["a"]}),
    ...                       as_of=dt.date(2025, 6, 30), since=dt.date(2024, 4, 2)).collect()
    >>> rows = out.select("measure", "value", "prior_value", "qoq_change", "yoy_change").rows()
    >>> rows[0], rows[2]
    (('won_revenue', 100.0, 80.0, 20.0, 50.0), ('win_rate', 0.5, 1.0, -0.5, -0.5))
    >>> out["measure"].to_list()[3], out["value"][3]  # no activities given
    ('activities', None)
    """
    wanted = compared_quarters(as_of, ("value", "prior_value", "year_ago_value"))
    current = wanted["value"]
    known = None if tracked is None else set(tracked)
    covered = {
        name: since is not None and shift_months(day, 3) > since and (known is None or day in known)
        for name, day in wanted.items()
    }
    days = pl.Series(list(wanted.values()), dtype=pl.Date).implode()
    closed = quarters.filter(pl.col("quarter").is_in(days)).select(
        "partner_id",
        pl.col("quarter").alias("_q"),
        "won_revenue",
        pl.col("won_deals").cast(pl.Float64),
        (pl.col("won_deals") + pl.col("lost_deals")).cast(pl.Float64).alias("_closed"),
    )
    if activities is None:
        logged = pl.LazyFrame(
            schema={"partner_id": pl.String, "_q": pl.Date, "activities": pl.Float64}
        )
        covered_activities = False
    else:
        logged = activities.filter(pl.col("quarter").is_in(days)).select(
            "partner_id",
            pl.col("quarter").alias("_q"),
            pl.col("activities").cast(pl.Float64),
        )
        covered_activities = True
    grid = (
        partners.select("partner_id")
        .with_row_index("_p")
        .join(
            pl.LazyFrame(
                {"_q": list(wanted.values()), "_name": list(wanted)},
                schema={"_q": pl.Date, "_name": pl.String},
            ),
            how="cross",
        )
    )
    per_quarter = (
        grid.join(closed, on=["partner_id", "_q"], how="left")
        .join(logged, on=["partner_id", "_q"], how="left")
        .with_columns(
            pl.col("won_revenue", "won_deals", "_closed").fill_null(0.0),
            pl.col("activities").fill_null(0.0)
            if covered_activities
            else pl.lit(None, pl.Float64).alias("activities"),
        )
        .with_columns(
            win_rate=pl.when(pl.col("_closed") > 0).then(pl.col("won_deals") / pl.col("_closed")),
            won_revenue=pl.col("won_revenue").round(2),
        )
        .with_columns(
            pl.when(pl.col("_name").replace_strict(covered, return_dtype=pl.Boolean))
            .then(pl.col(m))
            .alias(m)
            for m in CHANGE_MEASURES
        )
        .unpivot(
            on=list(CHANGE_MEASURES),
            index=["_p", "partner_id", "_name"],
            variable_name="measure",
            value_name="_v",
        )
    )
    order = {m: i for i, m in enumerate(CHANGE_MEASURES)}
    relative = pl.col("measure") != "win_rate"
    return (
        per_quarter.group_by("_p", "partner_id", "measure")
        .agg(pl.col("_v").filter(pl.col("_name") == name).first().alias(name) for name in wanted)
        .with_columns(
            quarter=pl.lit(current, pl.Date),
            qoq_change=_difference("value", "prior_value"),
            yoy_change=_difference("value", "year_ago_value"),
        )
        .with_columns(
            qoq_change_pct=pl.when(relative).then(_pct("qoq_change", "prior_value")),
            yoy_change_pct=pl.when(relative).then(_pct("yoy_change", "year_ago_value")),
        )
        .sort("_p", pl.col("measure").replace_strict(order, return_dtype=pl.Int64))
        .select("partner_id", *MEASURE_COLUMNS)
    )


def as_measure_rows(changes: pl.LazyFrame, /) -> pl.LazyFrame:
    """Rows of :func:`quarter_changes` in the form of :func:`measure_changes` (won revenue).

    For a view that has the stage-1 facts but not the raw rows: the won revenue measure
    only, one row per partner, with :data:`MEASURE_COLUMNS`.

    Requires columns: ``partner_id`` and :data:`QUARTER_COLUMNS`.

    Examples
    --------
    >>> q = pl.LazyFrame({"partner_id": ["a", "a"],
    ...     "quarter": [dt.date(2025, 1, 1), dt.date(2025, 4, 1)], "value": [40.0, 30.0]})
    >>> rows = as_measure_rows(quarter_changes(q, partners=pl.LazyFrame({"partner_id": ["a"]}),
    ...                                        as_of=dt.date(2025, 6, 30)))
    >>> rows.select("measure", "value", "prior_value", "qoq_change").collect().row(0)
    ('won_revenue', 30.0, 40.0, -10.0)
    """
    return changes.select(
        "partner_id",
        pl.lit("won_revenue").alias("measure"),
        "quarter",
        pl.col("quarter_revenue").alias("value"),
        pl.col("prior_quarter_revenue").alias("prior_value"),
        "qoq_change",
        "qoq_change_pct",
        pl.col("year_ago_quarter_revenue").alias("year_ago_value"),
        "yoy_change",
        "yoy_change_pct",
    )


def quarter_changes_of(facts: Facts, /) -> pl.LazyFrame:
    """:func:`quarter_changes` of every partner of the stage-1 ``facts`` (at their as_of).

    Reads the per-partner-quarter won revenue that stage 1 keeps (``facts.deal_quarters``)
    for the tracked quarters (``policy.stability_quarters``, 8 by default: enough for
    year on year) that the data covers: a quarter ending before the first day of the deals
    (the earliest ``first_deal_on`` of ``facts.deals``) gives null, not 0, as in
    :func:`measure_changes_of`. Returns ``partner_id`` and :data:`QUARTER_COLUMNS`.

    Examples
    --------
    >>> from partnerkit.facts import from_portfolio
    >>> from partnerkit.window import Window
    >>> from partnerkit.policy import Policy
    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "a"],
    ...         "created_on": ["2025-01-05", "2025-01-05"],
    ...         "closed_on": ["2025-03-01", "2025-05-01"],
    ...         "outcome": ["won", "won"], "amount": [100.0, 150.0]}))
    >>> w = Window.ending(dt.date(2025, 6, 30), months=12)
    >>> f = from_portfolio(p, window=w, policy=Policy()).collect()
    >>> quarter_changes_of(f).select("quarter_revenue", "qoq_change", "yoy_change").collect().row(0)
    (150.0, 50.0, None)
    """
    since = facts.deals.select(pl.col("first_deal_on").min()).collect().item()
    covered = [q for q in facts.quarters if since is not None and shift_months(q, 3) > since]
    return quarter_changes(
        facts.deal_quarters.rename({"won_revenue": "value"}),
        partners=facts.partners,
        as_of=facts.window.end,
        tracked=covered,
    )


def measure_changes_of(
    facts: Facts, /, *, partners: pl.LazyFrame | None = None, since: dt.date | None = None
) -> pl.LazyFrame:
    """:func:`measure_changes` of the ``partners`` (default: all) of the stage-1 ``facts``.

    At the facts' as-of, over the quarters they track (``policy.stability_quarters``, 8 by
    default: enough for year on year); ``since`` defaults to the first day of the deals
    (the earliest ``first_deal_on`` of ``facts.deals``). Activities the source did not supply give a
    null activity measure, not 0.

    Examples
    --------
    >>> from partnerkit.facts import Facts
    >>> from partnerkit.window import Window
    >>> facts = Facts.from_frames({
    ...     "partners": pl.DataFrame({"partner_id": ["a"]}),
    ...     "deal_quarters": pl.DataFrame({"partner_id": ["a", "a"],
    ...         "quarter": [dt.date(2025, 1, 1), dt.date(2025, 4, 1)],
    ...         "won_revenue": [100.0, 150.0], "won_deals": [1, 1], "lost_deals": [0, 1]}),
    ...     "deals": pl.DataFrame({"first_deal_on": [dt.date(2025, 1, 5)]})},
    ...     window=Window.ending(dt.date(2025, 6, 30), months=12),
    ...     quarters=(dt.date(2025, 1, 1), dt.date(2025, 4, 1)), supplied={"deals": ("amount",)})
    >>> out = measure_changes_of(facts).collect()  # no activities supplied: unknown
    >>> out.select("measure", "value", "prior_value", "year_ago_value").rows()
    [('won_revenue', 150.0, 100.0, None), ('won_deals', 1.0, 1.0, None), \
('win_rate', 0.5, 1.0, None), ('activities', None, None, None)]
    """
    if since is None:
        since = facts.deals.select(pl.col("first_deal_on").min()).collect().item()
    return measure_changes(
        facts.deal_quarters,
        partners=facts.partners if partners is None else partners,
        as_of=facts.window.end,
        since=since,
        activities=facts.activity_quarters if facts.has("activities") else None,
        tracked=facts.quarters,
    )


def review_columns(
    numbers: Sequence[str] = REVIEW_NUMBERS, texts: Sequence[str] = REVIEW_TEXTS
) -> list[str]:
    """Names of the columns :func:`since_last_review` adds (besides ``partner_id``).

    Examples
    --------
    >>> review_columns(["health"], ["state"])[2:]
    ['health_at_review', 'health_since_review', 'state_at_review']
    """
    out = ["last_decision", "last_review_on"]
    for name in numbers:
        out += [f"{name}_at_review", f"{name}_since_review"]
    out += [f"{name}_at_review" for name in texts]
    return out


def since_last_review(
    scorecard: pl.LazyFrame,
    /,
    *,
    decisions: pl.LazyFrame,
    numbers: Sequence[str] = REVIEW_NUMBERS,
    texts: Sequence[str] = REVIEW_TEXTS,
) -> pl.LazyFrame:
    """Compare each partner's scorecard with the snapshot stored with its latest decision.

    ``decisions`` is one row per partner (:meth:`partnerkit.decisions.Ledger.current`); its
    ``metrics`` column is the JSON snapshot of the scorecard row the decision was made on.
    For every column of ``numbers``: ``<column>_at_review`` (the value then) and
    ``<column>_since_review`` (now minus then); for every column of ``texts``:
    ``<column>_at_review``. ``last_decision`` and ``last_review_on`` (the decision's
    ``as_of``) say which review it was. Partners never decided, and values missing from a
    snapshot, give null. Numeric columns missing from the scorecard are skipped.

    Requires columns: ``partner_id`` and the chosen columns in ``scorecard``;
    ``partner_id``, ``decision``, ``as_of``, ``metrics`` in ``decisions``. Rows keep the
    order of ``scorecard``.

    Examples
    --------
    >>> card = pl.LazyFrame({"partner_id": ["a", "b"], "health": [70.0, 20.0],
    ...                      "state": ["productive", "dormant"]})
    >>> ledger = pl.LazyFrame({"partner_id": ["a"], "decision": ["watch"],
    ...     "as_of": [dt.date(2025, 3, 31)],
    ...     "metrics": ['{"health": 55.5, "state": "active"}']})
    >>> out = since_last_review(card, decisions=ledger, numbers=["health"], texts=["state"])
    >>> out.select("partner_id", "health_since_review", "state_at_review").collect().rows()
    [('a', 14.5, 'active'), ('b', None, None)]
    """
    present = set(scorecard.collect_schema().names())
    numbers = [c for c in numbers if c in present]
    snapshot = decisions.select(
        "partner_id",
        pl.col("decision").alias("last_decision"),
        pl.col("as_of").alias("last_review_on"),
        *(
            pl.col("metrics")
            .str.json_path_match(f"$.{name}")
            .cast(pl.Float64, strict=False)
            .alias(f"{name}_at_review")
            for name in numbers
        ),
        *(
            pl.col("metrics").str.json_path_match(f"$.{name}").alias(f"{name}_at_review")
            for name in texts
        ),
    )
    return (
        scorecard.select("partner_id", *numbers)
        .join(snapshot, on="partner_id", how="left", maintain_order="left")
        .with_columns(
            (pl.col(name) - pl.col(f"{name}_at_review")).alias(f"{name}_since_review")
            for name in numbers
        )
        .select("partner_id", *review_columns(numbers, texts))
    )


def counted_only(changes: pl.DataFrame, scorecard: pl.DataFrame, /) -> pl.DataFrame:
    """Keep the ``changes`` of the partners counted in portfolio statistics.

    A partner signed after as_of, or of a status not counted (exited, prospect), has no
    share in the total won revenue beside the changes; its quarters must not count in the
    portfolio's change either. Rows keep their order; a scorecard without ``counted`` keeps
    them all.

    Requires columns: ``partner_id`` (both), ``counted`` (``scorecard``, optional).

    >>> changes = pl.DataFrame({"partner_id": ["a", "b"], "quarter_revenue": [1.0, 9.0]})
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "counted": [True, False]})
    >>> counted_only(changes, card)["partner_id"].to_list()
    ['a']
    """
    if "counted" not in scorecard.columns:
        return changes
    counted = scorecard.filter(pl.col("counted").fill_null(value=False)).select("partner_id")
    return changes.join(counted, on="partner_id", how="semi", maintain_order="left")


def _total(frame: pl.DataFrame, column: str, /) -> float | None:
    """Sum of ``column``; None when every value is null (the quarter is not in the data)."""
    values = frame[column]
    if frame.height == 0 or values.null_count() == frame.height:
        return None
    return float(values.sum())


def _compared(current: float | None, base: float | None, label: str, currency: str | None) -> str:
    if current is None or base is None:
        return f"{fmt.MISSING}: {label} is not in the data"
    change = current - base
    if base == 0:
        return f"{fmt.signed_money(change, currency)} (nothing in {label})"
    return f"{fmt.signed_money(change, currency)} ({fmt.signed_percent(change / base)})"


def change_lines(
    changes: pl.DataFrame, /, *, currency: str | None = None, partner_id: str | None = None
) -> tuple[tuple[str, str], ...]:
    """Say the change of won revenue as (label, value) lines: the quarter, QoQ and YoY.

    ``changes`` is :func:`quarter_changes` (one row per partner, usually
    :func:`counted_only`); the lines are the totals of its partners, or one partner's with
    ``partner_id``: the latest complete quarter's won revenue, then its change against the
    quarter before and the same quarter a year earlier, in money with its sign and as a
    percentage of the quarter compared. A quarter the data does not cover says so instead
    of counting as 0. The report's change figures and the notebooks' write these lines.

    Requires columns: ``partner_id``, ``quarter``, ``quarter_revenue``,
    ``prior_quarter_revenue``, ``year_ago_quarter_revenue``.

    >>> changes = pl.DataFrame({"partner_id": ["a", "b"],
    ...     "quarter": [dt.date(2025, 7, 1)] * 2, "quarter_revenue": [100.0, 30.0],
    ...     "prior_quarter_revenue": [40.0, 0.0], "year_ago_quarter_revenue": [50.0, 0.0]})
    >>> for label, value in change_lines(changes, currency="EUR"):
    ...     print(f"{label}: {value}")
    Won revenue in Q3 2025: EUR 130
    Quarter on quarter, against Q2 2025: EUR +90 (+225%)
    Year on year, against Q3 2024: EUR +80 (+160%)
    >>> change_lines(changes, currency="EUR", partner_id="b")[1][1]
    'EUR +30 (nothing in Q2 2025)'
    """
    rows = changes if partner_id is None else changes.filter(pl.col("partner_id") == partner_id)
    if rows.height == 0 or rows["quarter"].null_count() == rows.height:
        return ()
    quarter = rows["quarter"].drop_nulls()[0]
    prior, year_ago = (fmt.quarter(shift_months(quarter, -3 * back)) for back in (1, 4))
    current = _total(rows, "quarter_revenue")
    return (
        (f"Won revenue in {fmt.quarter(quarter)}", fmt.money(current, currency)),
        (
            f"Quarter on quarter, against {prior}",
            _compared(current, _total(rows, "prior_quarter_revenue"), prior, currency),
        ),
        (
            f"Year on year, against {year_ago}",
            _compared(current, _total(rows, "year_ago_quarter_revenue"), year_ago, currency),
        ),
    )
