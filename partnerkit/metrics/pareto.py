"""Pareto: the vital few, concentration figures and their stability across quarters.

Definitions (value = a non-negative column, by default won revenue in W):

- Partners taking part (the *denominator*, see :func:`in_denominator`) are ranked by value,
  highest first, ties broken by ``partner_id``; ``rank`` runs 1..n.
- ``share = value / total`` and ``cum_share`` is the running sum of shares in rank order;
  both are null when the total is 0.
- A partner is **vital** when the cumulative share *before* it is below the threshold: the
  vital few are the minimal prefix of the ranking whose share reaches the threshold, and
  partners tied in value with the last of them are vital too (who is vital never depends on
  ids: the cumulative share before a partner is read at the first of its tie). Total 0
  means nobody is vital. Values are compared in whole cents (integers), so sums are exact,
  and a prefix reaching the threshold exactly counts as reaching it.
- Partners outside the denominator get null rank and shares and are never vital.

Concentration (:func:`concentration`) reads the ranking as a concentration curve
C(p) = share of value held by the top fraction p of partners, linear between partners
(C(k/n) = cum_share at rank k). ``top20_share`` = C(0.2); ``closest_benchmark`` is the
reference point (80/20, 90/10, 95/5) nearest the curve, i.e. with the smallest
|C(partner share) - value share|. ``benchmark_position`` says in words how the curve
compares with them, never calling a flat portfolio "80/20": the most concentrated
benchmark the curve reaches (C(partner share) >= value share), or "flatter than 80/20"
with the share of partners needed for 80% of the value when it reaches none.

:func:`pareto` returns the rows in rank order; :func:`pareto_flags` adds the same columns
without moving a row (only the ranking key is sorted, never the frame), and
:func:`reflag` re-flags a collected scorecard for a new threshold or denominator: the
interactive path, about ten milliseconds at 100,000 partners with a :func:`partner_order`
column.

The threshold, the value ranked by and, where it matters, the denominator have no default
here: they are the policy's ``vital_threshold``, ``pareto_value`` and ``denominator``, passed
in by the caller, so that a changed policy cannot be overlooked by a function falling back
to a value of its own.

Examples
--------
>>> f = pl.LazyFrame({"partner_id": ["a", "b", "c", "d"], "won_revenue": [10.0, 60.0, 30.0, 0.0]})
>>> ranked = pareto(f, value="won_revenue", threshold=0.8).sort("rank")
>>> ranked.select("partner_id", "rank", "cum_share", "vital").collect().rows()
[('b', 1, 0.6, True), ('c', 2, 0.9, True), ('a', 3, 1.0, False), ('d', 4, 1.0, False)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import polars as pl

from partnerkit import formatting as fmt

__all__ = [
    "BENCHMARKS",
    "concentration",
    "in_denominator",
    "pareto",
    "pareto_flags",
    "partner_order",
    "reflag",
    "vital_by_quarter",
    "vital_few_sentence",
    "vital_needed",
]

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

BENCHMARKS: tuple[tuple[str, float, float], ...] = (
    ("80/20", 0.2, 0.8),
    ("90/10", 0.1, 0.9),
    ("95/5", 0.05, 0.95),
)
"""Industry reference points: (label, share of partners, share of value they produce)."""

_TOLERANCE = 1e-12
"""Relative slack when comparing a cumulative value with threshold x total."""


def _units(value: str) -> pl.Expr:
    return (pl.col(value).cast(pl.Float64).fill_null(0.0) * 100).round().cast(pl.Int64)


def in_denominator(denominator: str, /, *, value: str, include: str | None = "counted") -> pl.Expr:
    """Expression: the partner is in the concentration denominator.

    ``enrolled``: every included (counted) partner; ``active``: included and not dormant
    (requires a ``state`` column); ``positive``: included with value > 0.

    >>> f = pl.DataFrame({"counted": [True, True, False], "state": ["dormant", "active", "active"],
    ...     "won_revenue": [0.0, 5.0, 5.0]})
    >>> f.select(in_denominator("active", value="won_revenue")).to_series().to_list()
    [False, True, False]
    """
    base = pl.lit(value=True) if include is None else pl.col(include).fill_null(value=False)
    if denominator == "enrolled":
        return base
    if denominator == "active":
        return base & (pl.col("state") != "dormant").fill_null(value=False)
    if denominator == "positive":
        return base & (_units(value) > 0)
    raise ValueError(f"denominator must be enrolled, active or positive, not {denominator!r}")


def _flagged(
    frame: Frame,
    /,
    *,
    value: str,
    threshold: float,
    include: pl.Expr | str | None,
    by: Sequence[str],
) -> Frame:
    """Add the ranking columns (and the helpers ``_in`` and ``_pos``) without moving a row.

    Only the ranking key is sorted (value in cents descending, then ``partner_id``, rows
    taking part first): ``_pos`` is each row's place in that order, the running sum is
    taken in that order and read back at each row's place. Each step is its own
    ``with_columns``, so the sort is done once.
    """
    keys = list(by)

    def over(e: pl.Expr) -> pl.Expr:
        return e.over(keys) if keys else e

    if include is None:
        keep = pl.lit(value=True)
    else:
        keep = pl.col(include) if isinstance(include, str) else include
    inside, u, pos = pl.col("_in"), pl.col("_u"), pl.col("_pos")
    # place in the ranking: rows taking part first, then by value (desc), then partner_id
    place = pl.struct((~inside).alias("_out"), (-u).alias("_u"), "partner_id").rank("ordinal")
    marked = (
        frame.with_columns(_in=keep.fill_null(value=False))
        .with_columns(_u=pl.when(inside).then(_units(value)).otherwise(0))
        .with_columns(_pos=over(place.cast(pl.Int64) - 1), _total=over(u.sum()))
        .with_columns(_cum=over(u.sort_by(pos).cum_sum().gather(pos)))
    )
    return _finish(marked, threshold=threshold, by=keys)


def _flagged_by_order(
    frame: pl.DataFrame, /, *, value: str, threshold: float, include: str, order: str
) -> pl.DataFrame:
    """:func:`_flagged` of a whole collected frame, ties broken on the integer ``order``.

    The ranking key is one integer per row (rows taking part first, by value in cents
    descending, then ``order``) instead of a struct holding the id: the same order without
    comparing strings. It is sorted once; the running sum is taken in that order and put
    back at each row's place by position (no second sort).
    """
    if frame[order].null_count():
        raise ValueError(f"the order column {order!r} has missing values (see partner_order)")
    inside, u = pl.col("_in"), pl.col("_u")
    marked = frame.with_columns(_in=pl.col(include).fill_null(value=False)).with_columns(
        _u=pl.when(inside).then(_units(value)).otherwise(0)
    )
    first = pl.when(inside).then(-u).otherwise(u.abs().max() + 1)
    ties = pl.col(order).cast(pl.Int64)
    most, last = marked.select(u.abs().max(), ties.max()).row(0)
    if most is None or last is None or (most + 2) * (last + 1) >= 2**62:
        # the value itself would not fit beside the order in one integer: its dense rank does
        first = first.rank("dense").cast(pl.Int64)
    key = first * (ties.max() + 1) + ties
    n = marked.height
    sorted_at = marked.select(key.arg_sort()).to_series()
    units = marked["_u"]
    pos = pl.zeros(n, pl.Int64, eager=True).scatter(sorted_at, pl.int_range(n, eager=True))
    cum = pl.zeros(n, pl.Int64, eager=True).scatter(sorted_at, units.gather(sorted_at).cum_sum())
    marked = marked.with_columns(
        pos.alias("_pos"), cum.alias("_cum"), pl.lit(units.sum(), pl.Int64).alias("_total")
    )
    return _finish(marked, threshold=threshold, by=[])


def _finish(frame: Frame, /, *, threshold: float, by: Sequence[str]) -> Frame:
    """Add ``rank``, ``share``, ``cum_share`` and ``vital`` from the helper columns.

    ``by`` are the ranking's groups. A tie (same value, within a group) is ranked in
    consecutive places; the cumulative value before its first place decides for all of it.
    """
    inside, u, pos = pl.col("_in"), pl.col("_u"), pl.col("_pos")
    total, cum = pl.col("_total"), pl.col("_cum")
    grouped = bool(by)
    before_tie = (cum - u).min().over([*by, "_in", "_u"])

    def ratio(x: pl.Expr) -> pl.Expr:
        # a whole-frame total is a scalar, divided as a reciprocal product; a total per group
        # is a column, divided elementwise (each as it always has been, to the last bit)
        if grouped:
            return x / total
        return x.cast(pl.Float64) * (1.0 / total.first().cast(pl.Float64))

    return frame.with_columns(
        rank=pl.when(inside).then(pos.cast(pl.Int64) + 1),
        share=pl.when(inside & (total > 0)).then(ratio(u)),
        cum_share=pl.when(inside & (total > 0)).then(ratio(cum)),
        vital=inside & (total > 0) & (before_tie < threshold * total * (1 - _TOLERANCE)),
    ).drop("_u", "_total", "_cum")


def pareto_flags(
    frame: Frame,
    /,
    *,
    value: str,
    threshold: float,
    include: pl.Expr | str | None = None,
    by: Sequence[str] = (),
) -> Frame:
    """Add ``rank``, ``share``, ``cum_share`` and ``vital`` (module docstring), rows unmoved.

    Requires columns: ``partner_id``, ``value`` and the ``by`` columns. ``include`` (a
    boolean column or expression) limits who takes part; ``by`` ranks within groups (e.g.
    per quarter). Works on a LazyFrame or a DataFrame and returns the same kind. Only the
    ranking key is sorted, never the frame, so it stays fast on a wide scorecard; see
    :func:`pareto` for the same columns with the rows in rank order.

    >>> f = pl.DataFrame({"partner_id": ["a", "b", "c"], "won_revenue": [10.0, 60.0, 30.0]})
    >>> flagged = pareto_flags(f, value="won_revenue", threshold=0.8)
    >>> flagged.select("partner_id", "rank", "vital").rows()
    [('a', 3, False), ('b', 1, True), ('c', 2, True)]
    """
    return _flagged(frame, value=value, threshold=threshold, include=include, by=by).drop(
        "_in", "_pos"
    )


def pareto(
    frame: pl.LazyFrame,
    /,
    *,
    value: str,
    threshold: float,
    include: pl.Expr | str | None = None,
    by: Sequence[str] = (),
) -> pl.LazyFrame:
    """Rank partners by ``value`` and flag the vital few (module docstring).

    Requires columns: ``partner_id``, ``value`` and the ``by`` columns. ``include`` (a
    boolean column or expression) limits who takes part; ``by`` ranks within groups (e.g.
    per quarter). Adds ``rank``, ``share``, ``cum_share`` and ``vital``; rows taking part come
    first, in rank order (within the ``by`` groups), then the others in their order.
    :func:`pareto_flags` adds the same columns without reordering the rows.
    """
    flagged = _flagged(frame, value=value, threshold=threshold, include=include, by=by)
    inside = pl.col("_in")
    # rows taking part in rank order (within groups), then the others as they came
    order = [~inside, *(pl.when(inside).then(pl.col(k)) for k in by), pl.when(inside).then("_pos")]
    return flagged.sort(order, maintain_order=True).drop("_in", "_pos")


def reflag(
    scorecard: pl.DataFrame,
    /,
    *,
    value: str,
    threshold: float,
    denominator: str,
    include: str | None = "counted",
    order: str | None = None,
) -> pl.DataFrame:
    """Re-rank a collected scorecard and re-flag its vital few; rows keep their order.

    The interactive path (e.g. a threshold slider): :func:`in_denominator` decides who takes
    part (of the ``include`` partners, by default the counted ones), then
    :func:`pareto_flags` replaces ``in_denominator``, ``rank``, ``share``, ``cum_share``
    and ``vital``; every other column is left as it was. Runs on the in-memory engine, with
    no sort of the scorecard. ``threshold`` and ``denominator`` are the policy's
    ``vital_threshold`` and ``denominator`` unless an analyst moves them.

    ``order`` names an integer column that sorts like ``partner_id`` (:func:`partner_order`,
    computed once for a scorecard; a filtered scorecard keeps it valid): ties are then broken
    on it rather than by comparing ids, which is most of the time of a re-rank. The result is
    the same. A missing order value raises ``ValueError``.

    Requires columns: ``partner_id``, ``value``, ``include`` (unless None), ``state``
    (for the ``active`` denominator) and ``order`` (when given).

    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c"], "v": [1.0, 6.0, 3.0],
    ...     "counted": [True] * 3, "state": ["active"] * 3})
    >>> reflag(card, value="v", threshold=0.6, denominator="active").select(
    ...     "partner_id", "rank", "vital").rows()
    [('a', 3, False), ('b', 1, True), ('c', 2, False)]
    >>> fast = reflag(card.with_columns(partner_order()), value="v", threshold=0.6,
    ...     denominator="active", order="partner_order")
    >>> fast.drop("partner_order").equals(reflag(card, value="v", threshold=0.6,
    ...     denominator="active"))
    True
    """
    marked = scorecard.with_columns(
        in_denominator=in_denominator(denominator, value=value, include=include)
    )
    # the columns already there are replaced where they stand
    if order is None:
        flagged = _flagged(
            marked, value=value, threshold=threshold, include="in_denominator", by=()
        )
    else:
        flagged = _flagged_by_order(
            marked, value=value, threshold=threshold, include="in_denominator", order=order
        )
    return flagged.drop("_in", "_pos")


def partner_order(name: str = "partner_order", /) -> pl.Expr:
    """Expression: each row's place (0-based) in ``partner_id`` order, named ``name``.

    The ``order`` column of :func:`reflag`: compute it once for a scorecard and keep it with
    the rows (a filter keeps it valid, as it keeps the relative order of the ids).

    Requires columns: ``partner_id`` (unique).

    >>> pl.DataFrame({"partner_id": ["b", "c", "a"]}).select(partner_order()).to_series().to_list()
    [1, 2, 0]
    """
    return (pl.col("partner_id").rank("ordinal").cast(pl.Int64) - 1).alias(name)


def concentration(
    ranked: pl.LazyFrame,
    /,
    *,
    value: str,
    threshold: float,
    denominator: str,
) -> pl.LazyFrame:
    """One-row concentration summary of a :func:`pareto` ranking.

    Requires columns: ``rank``, ``share``, ``cum_share``, ``vital`` and ``value``. Returns
    ``denominator``, ``value_column``, ``threshold``, ``partners`` (ranked), ``total_value``,
    ``vital_count``, ``vital_needed`` (the fewest partners from the top whose share reaches
    the threshold: fewer than ``vital_count`` when partners tie in value with the last of
    them, who are vital too), ``vital_share`` (vital / partners), ``vital_value_share``,
    ``zero_value_share``, ``top20_share``, ``top10_share``, ``top5_share``, ``gini``
    (0 = equal, toward 1 = concentrated), ``hhi`` (sum of squared shares, 0-1),
    ``closest_benchmark`` and ``benchmark_position`` (a phrase); the shares are null when
    there is no partner and the value figures are null when the total is 0.

    >>> f = pl.LazyFrame({"partner_id": list("abcde"),
    ...     "won_revenue": [80.0, 10.0, 5.0, 5.0, 0.0]})
    >>> ranked = pareto(f, value="won_revenue", threshold=0.8)
    >>> c = concentration(ranked, value="won_revenue", threshold=0.8,
    ...     denominator="enrolled").collect()
    >>> c.select("partners", "vital_count", "top20_share", "gini", "closest_benchmark").row(0)
    (5, 1, 0.8, 0.66, '80/20')
    >>> c["benchmark_position"].item()
    'as concentrated as 80/20 (not 90/10): the top 20% make 80%'
    >>> flat = pl.LazyFrame({"partner_id": list("abc"), "won_revenue": [50.0, 30.0, 20.0]})
    >>> concentration(pareto(flat, value="won_revenue", threshold=0.8), value="won_revenue",
    ...     threshold=0.8, denominator="enrolled").collect()["benchmark_position"].item()
    'flatter than 80/20: 67% of partners make 80%'
    """
    r = ranked.filter(pl.col("rank").is_not_null())
    n = pl.len()
    u = _units(value)
    total = u.sum()
    rank = pl.col("rank")

    def curve(p: float) -> pl.Expr:
        t = n.cast(pl.Float64) * p
        k = t.floor()
        before = pl.col("cum_share").filter(rank == k).sum()
        nxt = pl.col("share").filter(rank == k + 1).sum()
        return pl.when(total > 0).then(before + (t - k) * nxt)

    gaps = [(curve(p) - v).abs() for _, p, v in BENCHMARKS]
    position = _position(curve, n=n, total=total, rank=rank)
    labels = {i: label for i, (label, _, _) in enumerate(BENCHMARKS)}
    share_of = pl.when(n > 0)
    return r.select(
        pl.lit(denominator).alias("denominator"),
        pl.lit(value).alias("value_column"),
        pl.lit(float(threshold)).alias("threshold"),
        n.cast(pl.Int64).alias("partners"),
        (total.cast(pl.Float64) / 100).alias("total_value"),
        pl.col("vital").sum().cast(pl.Int64).alias("vital_count"),
        pl.when(total > 0).then(vital_needed(threshold)).cast(pl.Int64).alias("vital_needed"),
        share_of.then(pl.col("vital").sum() / n).alias("vital_share"),
        pl.when(total > 0)
        .then(pl.col("share").filter(pl.col("vital")).sum())
        .alias("vital_value_share"),
        share_of.then((u == 0).sum() / n).alias("zero_value_share"),
        curve(0.2).alias("top20_share"),
        curve(0.1).alias("top10_share"),
        curve(0.05).alias("top5_share"),
        pl.when(total > 0).then(((n + 1 - 2 * rank) * u).sum() / (n * total)).alias("gini"),
        pl.when(total > 0).then((pl.col("share") ** 2).sum()).alias("hhi"),
        pl.when(total > 0)
        .then(pl.concat_list(gaps).list.arg_min().replace_strict(labels, return_dtype=pl.String))
        .alias("closest_benchmark"),
        position.alias("benchmark_position"),
    )


def _pct_text(x: pl.Expr) -> pl.Expr:
    return fmt.percent_expr(x)  # as every other figure reads (62.5% is "63%" everywhere)


def _position(
    curve: Callable[[float], pl.Expr], *, n: pl.Expr, total: pl.Expr, rank: pl.Expr
) -> pl.Expr:
    """How the concentration curve compares with :data:`BENCHMARKS`, as a phrase."""
    first_label, _, first_v = BENCHMARKS[0]
    # the fewest partners whose cumulative share reaches the first benchmark's value share
    needed = rank.filter(pl.col("cum_share") >= first_v - _TOLERANCE).min() / n
    out = pl.format(
        "flatter than {}: {} of partners make {}",
        pl.lit(first_label),
        _pct_text(needed),
        pl.lit(f"{first_v:.0%}"),
    )
    for i, (label, p, v) in enumerate(BENCHMARKS):
        nxt = f" (not {BENCHMARKS[i + 1][0]})" if i + 1 < len(BENCHMARKS) else " or more"
        phrase = pl.format(
            "as concentrated as {}{}: the top {} make {}",
            pl.lit(label),
            pl.lit(nxt),
            pl.lit(f"{p:.0%}"),
            _pct_text(curve(p)),
        )
        out = pl.when(curve(p) >= v - _TOLERANCE).then(phrase).otherwise(out)
    return pl.when(total > 0).then(out)


def vital_by_quarter(values: pl.LazyFrame, /, *, threshold: float) -> pl.LazyFrame:
    """Flag the vital few of each quarter.

    Requires columns: ``partner_id``, ``quarter``, ``value``. Returns ``partner_id``,
    ``quarter``, ``value``, ``rank``, ``share`` and ``vital``, sorted by quarter and rank.

    >>> import datetime as dt
    >>> q1, q2 = dt.date(2025, 1, 1), dt.date(2025, 4, 1)
    >>> v = pl.LazyFrame({"partner_id": ["a", "b", "a"], "quarter": [q1, q1, q2],
    ...     "value": [9.0, 1.0, 4.0]})
    >>> out = vital_by_quarter(v, threshold=0.8)
    >>> out.select("partner_id", "quarter", "vital").collect().rows()[1:]
    [('b', datetime.date(2025, 1, 1), False), ('a', datetime.date(2025, 4, 1), True)]
    """
    return (
        pareto(values, value="value", threshold=threshold, by=["quarter"])
        .select("partner_id", "quarter", "value", "rank", "share", "vital")
        .sort("quarter", "rank")
    )


def vital_needed(threshold: float, /) -> pl.Expr:
    """Expression: the shortest list from the top whose cumulative share reaches ``threshold``.

    The ``rank`` of the first partner whose ``cum_share`` reaches it (null when none does);
    fewer than the vital few when partners tie in value with that one, who are vital too.
    Requires columns: ``rank``, ``cum_share`` (of :func:`pareto`).

    >>> ranked = pl.DataFrame({"rank": [1, 2, 3], "cum_share": [0.75, 0.8, 1.0]})
    >>> ranked.select(vital_needed(0.8)).item()
    2
    """
    reached = pl.col("cum_share") >= threshold * (1 - _TOLERANCE)
    return pl.col("rank").filter(reached).min()


def vital_few_sentence(
    *,
    partners: int,
    vital_count: int,
    vital_value_share: float | None,
    value: str,
    threshold: float | None = None,
    needed: int | None = None,
) -> str:
    """Say who the vital few are in one clause, the same in every view.

    The command line, the explorer's headline, the dashboard and the Pareto chart's subtitle
    all write it with this function, so the same figures always read the same. The share of
    partners is ``vital_count / partners``; ``vital_value_share`` is what they produce (at
    least ``threshold`` when there is any value). It starts in lower case: a caller that puts
    it first in a sentence capitalises it. ``needed`` is the concentration's
    ``vital_needed``: when ties in value at the cut make the vital few longer than the
    shortest list reaching the threshold, the clause says by how many.

    Examples
    --------
    >>> vital_few_sentence(partners=128, vital_count=24, vital_value_share=0.8163,
    ...     value="won_revenue", threshold=0.8)
    '24 of 128 partners (19%) produce 82% of won revenue (threshold 80%)'
    >>> vital_few_sentence(partners=11, vital_count=11, vital_value_share=1.0,
    ...     value="won_revenue", threshold=0.8, needed=3)  # doctest: +NORMALIZE_WHITESPACE
    '11 of 11 partners (100%) produce 100% of won revenue (threshold 80%), 8 of them tied in
    value with the last partner needed: the shortest list reaching the threshold has 3'
    >>> vital_few_sentence(partners=1, vital_count=1, vital_value_share=1.0, value="won_deals")
    '1 of 1 partner (100%) produces 100% of won deals'
    >>> vital_few_sentence(partners=3, vital_count=0, vital_value_share=None, value="won_revenue")
    'none of the 3 partners has any won revenue: no vital few'
    >>> vital_few_sentence(partners=0, vital_count=0, vital_value_share=None, value="won_revenue")
    'no partner to rank'
    """
    what = value.replace("_", " ")
    if not partners:
        return "no partner to rank"
    if not vital_count:
        if partners == 1:
            return f"the one partner has no {what}: no vital few"
        return f"none of the {fmt.count(partners)} partners has any {what}: no vital few"
    noun = "partner" if partners == 1 else "partners"
    verb = "produces" if vital_count == 1 else "produce"
    sentence = (
        f"{fmt.count(vital_count)} of {fmt.count(partners)} {noun} "
        f"({fmt.percent(vital_count / partners)}) {verb} "
        f"{fmt.percent(vital_value_share)} of {what}"
    )
    if threshold is not None:
        sentence += f" (threshold {threshold:.0%})"
    if needed is not None and 0 < needed < vital_count:
        sentence += (
            f", {fmt.count(vital_count - needed)} of them tied in value with the last partner "
            f"needed: the shortest list reaching the threshold has {fmt.count(needed)}"
        )
    return sentence
