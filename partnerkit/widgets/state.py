"""What the widgets compute, as plain functions on the collected per-partner tables.

The widgets never re-read raw data: every update starts from the analysis' scorecard (one
row per partner) and its health percentiles, filters them, and asks the metric modules to
re-flag the vital few (:func:`partnerkit.metrics.pareto.reflag`) or re-weight health
(:func:`partnerkit.metrics.health.reweight`). These functions put those calls together so
that an update can be tested, timed and printed without a kernel or a widget; none of them
ranks or weighs anything itself. Rows keep the scorecard's order throughout: sort by
``rank`` to list the vital few first.

Examples
--------
>>> import polars as pl
>>> card = pl.DataFrame({"partner_id": ["a", "b", "c"], "region": ["EU", "US", None]})
>>> apply_filters(card, filters={"region": ["EU"]})["partner_id"].to_list()
['a']
>>> filter_options(card, columns=("region",))
{'region': ['EU', 'US']}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import polars as pl

from partnerkit import formatting as fmt
from partnerkit.decisions import DECISIONS, require_recommendations
from partnerkit.decisions.recommend import URGENCY
from partnerkit.metrics import health, pareto
from partnerkit.policy import HealthDimension, HealthMetric, Policy
from partnerkit.results import AnalysisLike

__all__ = [
    "FILTER_COLUMNS",
    "AnalysisLike",
    "apply_filters",
    "candidates",
    "current_decisions",
    "explained",
    "explore",
    "filter_options",
    "metrics_snapshot",
    "parse_share",
    "ranks_of",
    "reflag",
    "reweight",
    "reweighted_model",
    "summary",
    "summary_line",
    "weight_key",
]

FILTER_COLUMNS: tuple[str, ...] = ("region", "type", "tier", "stage", "state")
"""Scorecard columns the explorer filters on (multi-select each; empty means all)."""


def filter_options(
    scorecard: pl.DataFrame, /, *, columns: Sequence[str] = FILTER_COLUMNS
) -> dict[str, list[str]]:
    """Return the sorted distinct non-null values of each filter column present.

    Requires columns: any of ``columns`` (absent ones are left out).

    Examples
    --------
    >>> filter_options(pl.DataFrame({"tier": ["gold", "silver", "gold"]}))
    {'tier': ['gold', 'silver']}
    """
    return {
        col: sorted(str(v) for v in scorecard[col].drop_nulls().unique().to_list())
        for col in columns
        if col in scorecard.columns
    }


def apply_filters(
    scorecard: pl.DataFrame, /, *, filters: Mapping[str, Sequence[str]]
) -> pl.DataFrame:
    """Keep the partners whose value in every filtered column is one of the chosen values.

    An empty choice keeps every partner (no filter on that column).

    Requires columns: the keys of ``filters`` that have a non-empty choice.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c"], "tier": ["gold", "silver", "gold"],
    ...                      "region": ["EU", "EU", "US"]})
    >>> apply_filters(card, filters={"tier": ["gold"], "region": []})["partner_id"].to_list()
    ['a', 'c']
    >>> apply_filters(card, filters={"tier": ["gold"], "region": ["EU"]}).height
    1
    """
    conditions = [
        pl.col(col).cast(pl.String).is_in(list(values)) for col, values in filters.items() if values
    ]
    return scorecard.filter(*conditions) if conditions else scorecard


def candidates(scorecard: pl.DataFrame, /, *, policy: Policy) -> pl.DataFrame:
    """Partners with a recommendation, most urgent first (exit, watch, invest, keep).

    The recommendations are those the scorecard carries (the analysis made them under
    ``policy``; they are never computed here). Within a recommendation, partners keep their
    Pareto rank order (unranked last), then ``partner_id``.

    Requires columns: ``partner_id``, ``recommendation``.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c", "d"],
    ...     "recommendation": ["keep", "exit", "watch", None]})
    >>> candidates(card, policy=Policy()).select("partner_id", "recommendation").rows()
    [('b', 'exit'), ('c', 'watch'), ('a', 'keep')]
    """
    del policy  # the recommendations on the scorecard were made under it
    frame = require_recommendations(scorecard)
    urgency = {d: i for i, d in enumerate(URGENCY)}
    order = [
        pl.col("recommendation").replace_strict(urgency, default=len(urgency)),
        *([pl.col("rank").fill_null(pl.col("rank").max() + 1)] if "rank" in frame.columns else []),
        pl.col("partner_id"),
    ]
    return frame.filter(pl.col("recommendation").is_in(list(DECISIONS))).sort(order)


def current_decisions(ledger_current: pl.DataFrame, /) -> dict[str, str]:
    """Map each partner to its current decision, from :meth:`Ledger.current`.

    Requires columns: ``partner_id``, ``decision``.

    Examples
    --------
    >>> current_decisions(pl.DataFrame({"partner_id": ["a"], "decision": ["exit"]}))
    {'a': 'exit'}
    """
    return dict(
        zip(
            ledger_current["partner_id"].to_list(),
            ledger_current["decision"].to_list(),
            strict=True,
        )
    )


def metrics_snapshot(row: pl.DataFrame, /) -> dict[str, Any]:
    """Return the first row of a scorecard as the metrics snapshot stored with a decision.

    Every column is kept (lists stay lists, dates stay dates; the ledger makes them JSON).

    Requires columns: none.

    Examples
    --------
    >>> metrics_snapshot(pl.DataFrame({"partner_id": ["a"], "won_revenue": [9.5]}))
    {'partner_id': 'a', 'won_revenue': 9.5}
    """
    return dict(row.row(0, named=True))


# -- explorer recomputation ----------------------------------------------------------------


def weight_key(dimension: str, metric: str, /) -> str:
    """Key of one health metric's weight in the explorer's ``weights``.

    Examples
    --------
    >>> weight_key("interest", "sourced_pipeline")
    'interest: sourced_pipeline'
    """
    return f"{dimension}: {metric}"


def reweighted_model(
    model: Sequence[HealthDimension], /, *, weights: Mapping[str, float]
) -> tuple[HealthDimension, ...]:
    """Return the health model with metric weights replaced where ``weights`` names them.

    Keys are :func:`weight_key` strings; metrics not named keep their weight.

    Examples
    --------
    >>> from partnerkit.policy import HealthMetric
    >>> model = (HealthDimension("reach", (HealthMetric("x", 3.0), HealthMetric("y", 1.0))),)
    >>> [m.weight for m in reweighted_model(model, weights={"reach: y": 2.0})[0].metrics]
    [3.0, 2.0]
    """
    return tuple(
        HealthDimension(
            dim.name,
            tuple(
                replace(m, weight=float(weights.get(weight_key(dim.name, m.column), m.weight)))
                for m in dim.metrics
            ),
        )
        for dim in model
    )


def reweight(
    scorecard: pl.DataFrame,
    /,
    *,
    model: Sequence[HealthDimension],
    weights: Mapping[str, float],
    percentiles: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Replace the health dimensions and ``health`` of the scorecard with new metric weights.

    Scores ``percentiles`` (the analysis' ``health_percentiles``: one row per scorecard row,
    in the same order) with :func:`partnerkit.metrics.health.reweight`, so nothing is ranked
    again; without ``percentiles`` they are first computed from the scorecard with
    :func:`~partnerkit.metrics.health.health_percentiles` (among the counted partners, as in
    the analysis), which is much slower. Metrics without a percentile (or, when computing
    them, without a column) are left out of the model; when none is left the scorecard is
    returned as it is. The columns replaced keep their place; rows keep their order.

    Requires columns: ``partner_id``; with ``percentiles``, the same ``partner_id`` in the
    same order (else ``ValueError``); without, ``counted`` and the metric columns of
    ``model``.

    Examples
    --------
    >>> from partnerkit.policy import HealthMetric
    >>> model = (HealthDimension("reach", (HealthMetric("x"), HealthMetric("y"))),)
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "counted": [True, True],
    ...                      "x": [1.0, 2.0], "y": [4.0, 3.0]})
    >>> reweight(card, model=model, weights={"reach: y": 0.0})["health"].to_list()
    [0.0, 100.0]
    >>> pct = health.health_percentiles(card, model=model)
    >>> reweight(card, model=model, weights={"reach: x": 3.0}, percentiles=pct)["reach"].to_list()
    [25.0, 75.0]
    """
    weighted = reweighted_model(model, weights=weights)
    if percentiles is None:
        present = set(scorecard.columns)
        usable = _keep_metrics(weighted, lambda dim, m: m.column in present)
        if not usable:
            return scorecard
        percentiles = health.health_percentiles(scorecard, model=usable)
    else:
        if percentiles.height != scorecard.height or not percentiles["partner_id"].equals(
            scorecard["partner_id"]
        ):
            raise ValueError(
                "the health percentiles must have one row per scorecard row, in the same order"
            )
        present = set(percentiles.columns)
        usable = _keep_metrics(
            weighted, lambda dim, m: health.percentile_column(dim.name, m.column) in present
        )
        if not usable:
            return scorecard
    scored = health.reweight(percentiles, model=usable)
    return scorecard.with_columns(scored.drop("partner_id"))


def _keep_metrics(
    model: Sequence[HealthDimension], keep: Callable[[HealthDimension, HealthMetric], bool]
) -> tuple[HealthDimension, ...]:
    """Return the dimensions with the metrics ``keep`` accepts (empty ones left out)."""
    dims = (HealthDimension(d.name, tuple(m for m in d.metrics if keep(d, m))) for d in model)
    return tuple(d for d in dims if d.metrics)


def reflag(
    scorecard: pl.DataFrame,
    /,
    *,
    value: str,
    threshold: float,
    denominator: str,
    order: str | None = None,
) -> pl.DataFrame:
    """Re-rank partners by ``value`` and re-flag the vital few at ``threshold``.

    Calls :func:`partnerkit.metrics.pareto.reflag` for the counted partners in the
    ``denominator`` (see :func:`~partnerkit.metrics.pareto.in_denominator`): replaces (or
    adds) ``in_denominator``, ``rank``, ``share``, ``cum_share`` and ``vital``; partners
    outside get null rank. Rows keep their order. ``order`` names a
    :func:`~partnerkit.metrics.pareto.partner_order` column that breaks ties faster.

    Requires columns: ``partner_id``, ``value``, ``counted``, ``state`` (for the
    ``active`` denominator) and ``order`` (when given).

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c"], "v": [1.0, 6.0, 3.0],
    ...     "counted": [True] * 3, "state": ["active"] * 3})
    >>> out = reflag(card, value="v", threshold=0.6, denominator="active")
    >>> out.select("partner_id", "rank", "vital").rows()
    [('a', 3, False), ('b', 1, True), ('c', 2, False)]
    """
    return pareto.reflag(
        scorecard, value=value, threshold=threshold, denominator=denominator, order=order
    )


def explore(
    scorecard: pl.DataFrame,
    /,
    *,
    filters: Mapping[str, Sequence[str]],
    value: str,
    threshold: float,
    denominator: str,
    order: str | None = None,
) -> pl.DataFrame:
    """Filter the scorecard and re-flag the vital few among the partners left.

    :func:`apply_filters`, then :func:`reflag` (with ``order``, see there); rows keep their
    order.

    Requires columns: ``partner_id``, ``value``, ``counted``, ``state``, the filtered
    columns and ``order`` (when given).

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "region": ["EU", "US"],
    ...     "v": [1.0, 3.0], "counted": [True, True], "state": ["active", "active"]})
    >>> out = explore(card, filters={"region": ["EU"]}, value="v", threshold=0.8,
    ...               denominator="active")
    >>> out.select("partner_id", "rank", "vital").rows()
    [('a', 1, True)]
    """
    view = apply_filters(scorecard, filters=filters)
    return reflag(view, value=value, threshold=threshold, denominator=denominator, order=order)


def summary(
    view: pl.DataFrame, /, *, value: str, threshold: float, denominator: str
) -> dict[str, Any]:
    """Key figures of an explorer view, from :func:`partnerkit.metrics.pareto.concentration`.

    Returns the concentration row as a dict (``partners``, ``vital_count``, ``vital_share``,
    ``vital_value_share``, ``total_value``, ``gini``, ...). The ranked partners are taken in
    rank order, whatever the order of ``view``, so the sums do not depend on it.

    Requires columns: ``rank``, ``share``, ``cum_share``, ``vital`` and ``value``.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": list("abcd"), "v": [8.0, 1.0, 1.0, 0.0],
    ...     "counted": [True] * 4, "state": ["active"] * 4})
    >>> view = reflag(card, value="v", threshold=0.8, denominator="active")
    >>> figures = summary(view, value="v", threshold=0.8, denominator="active")
    >>> figures["partners"], figures["vital_count"], figures["vital_value_share"]
    (4, 1, 0.8)
    """
    ranked = (
        view.lazy()
        .select(*dict.fromkeys(("rank", "share", "cum_share", "vital", value)))
        .filter(pl.col("rank").is_not_null())
        .sort("rank")
    )
    row = pareto.concentration(ranked, value=value, threshold=threshold, denominator=denominator)
    return dict(row.collect(engine="in-memory").row(0, named=True))


def summary_line(
    figures: Mapping[str, Any],
    /,
    *,
    value: str,
    matching: int | None = None,
    currency: str | None = None,
) -> str:
    """Return one sentence with the key figures of :func:`summary`.

    Used by the widget and printed by the notebooks (so that nbval checks the figures).
    ``matching`` is the number of partners the filters keep (when known): with none of them
    in the denominator, the sentence says so rather than that nothing matches. Money values
    (revenue, pipeline, investment) are written with ``currency``.

    Examples
    --------
    >>> summary_line({"partners": 4, "vital_count": 1, "vital_share": 0.25,
    ...               "total_value": 10.0, "vital_value_share": 0.8}, value="won_revenue")
    'Vital few: 1 of 4 partners (25%) produces 80% of won revenue (total 10)'
    >>> summary_line({"partners": 2000, "vital_count": 150, "vital_share": 0.075,
    ...               "total_value": 1234567.8, "vital_value_share": 0.8},
    ...              value="won_revenue", currency="EUR")
    'Vital few: 150 of 2,000 partners (7.5%) produce 80% of won revenue (total EUR 1,234,568)'
    >>> summary_line({"partners": 0, "vital_count": 0, "vital_share": None,
    ...               "total_value": None, "vital_value_share": None}, value="won_revenue")
    'No partner matches these filters: clear a filter to see partners again.'
    >>> print(summary_line({"partners": 0, "denominator": "active", "total_value": None},
    ...                    value="won_revenue", matching=18))  # doctest: +NORMALIZE_WHITESPACE
    18 partners match these filters, none of them active: nothing to rank
    (clear a filter to see partners again).
    """
    what = value.replace("_", " ")
    money = value.endswith(("revenue", "pipeline", "investment"))
    total = (
        fmt.money(figures["total_value"], currency)
        if money
        else fmt.number(figures["total_value"], digits=1)
    )
    if not figures["partners"]:
        if matching:
            denominator = figures.get("denominator") or "counted"
            return (
                f"{fmt.counted(matching, 'partner')} match these filters, none of them "
                f"{denominator}: "
                "nothing to rank (clear a filter to see partners again)."
            )
        return "No partner matches these filters: clear a filter to see partners again."
    if not figures["total_value"]:
        return (
            f"{fmt.counted(figures['partners'], 'partner')}, none with any {what}: no vital few "
            "(rank by another value or clear a filter)."
        )
    sentence = pareto.vital_few_sentence(
        partners=figures["partners"],
        vital_count=figures["vital_count"],
        vital_value_share=figures["vital_value_share"],
        value=value,
    )
    return f"Vital few: {sentence} (total {total})"


def parse_share(text: str, /) -> float:
    """Read a share typed by a person: ``"80%"``, ``"80"``, ``"0.8"`` and ``"80 %"`` are 0.8.

    A number above 1 is read as a percentage. Raises ``ValueError`` with a sentence to show
    for anything else, and for shares outside (0, 1].

    Examples
    --------
    >>> parse_share("80%"), parse_share(" 85.5 % "), parse_share("0.9"), parse_share("95")
    (0.8, 0.855, 0.9, 0.95)
    >>> parse_share("eighty")
    Traceback (most recent call last):
    ...
    ValueError: type a share such as 80% or 0.8 (got 'eighty')
    """
    cleaned = text.strip().replace(",", ".")
    percent = cleaned.endswith("%")
    number = cleaned.removesuffix("%").strip()
    try:
        share = float(number)
    except ValueError:
        raise ValueError(f"type a share such as 80% or 0.8 (got {text.strip()!r})") from None
    if percent or share > 1:
        share /= 100
    if not 0 < share <= 1:
        raise ValueError(f"a share must be above 0% and at most 100% (got {text.strip()!r})")
    return round(share, 6)


def explained(
    scorecard: pl.DataFrame,
    /,
    *,
    model: Sequence[HealthDimension],
    weights: Mapping[str, float],
    partners: Sequence[str],
) -> pl.DataFrame:
    """Return the numbers behind the health scores of ``partners`` at ``weights``.

    Calls :func:`partnerkit.metrics.health.health_explained` on the whole scorecard (the
    percentiles rank every counted partner) with :func:`reweighted_model`, then keeps
    ``partners``; so each partner's contributions add up to the dimension scores that
    :func:`reweight` gives for the same weights. Metrics without a column are left out.

    Requires columns: ``partner_id``, ``counted`` and the metric columns of ``model``.

    Examples
    --------
    >>> from partnerkit.policy import HealthMetric
    >>> model = (HealthDimension("reach", (HealthMetric("x"), HealthMetric("y"))),)
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "counted": [True, True],
    ...                      "x": [1.0, 2.0], "y": [4.0, 3.0]})
    >>> out = explained(card, model=model, weights={"reach: y": 3.0}, partners=["a"])
    >>> out.select("metric", "weight", "contribution").rows()
    [('x', 1.0, 0.0), ('y', 3.0, 75.0)]
    """
    present = set(scorecard.columns)
    usable = _keep_metrics(
        reweighted_model(model, weights=weights), lambda dim, m: m.column in present
    )
    include = "counted" if "counted" in present else None
    return (
        health.health_explained(scorecard.lazy(), model=usable, include=include)
        .filter(pl.col("partner_id").is_in(pl.Series(list(partners), dtype=pl.String).implode()))
        .collect()
    )


def ranks_of(selection: Sequence[Mapping[str, Any]], /) -> list[int]:
    """Expand selected chart bars (``rank`` and ``partners`` in the bar) into ranks.

    A bar stands for one partner or for a run of ``partners`` consecutive ranks from
    ``rank``.

    Examples
    --------
    >>> ranks_of([{"rank": 3, "partners": 1}, {"rank": 10, "partners": 3}])
    [3, 10, 11, 12]
    """
    ranks: list[int] = []
    for point in selection:
        first, count = int(point["rank"]), int(point.get("partners") or 1)
        ranks.extend(range(first, first + count))
    return sorted(set(ranks))
