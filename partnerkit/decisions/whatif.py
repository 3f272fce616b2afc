"""What-if pruning: what the portfolio loses, frees and looks like after exiting partners.

:func:`what_if` takes an analysis (:class:`partnerkit.results.AnalysisLike`: it reads the
per-partner ``scorecard``, the ``coverage`` of accounts by partner and the ``policy``) and a
set of partner ids to exit; :func:`prune` does the same from those tables given apart.
It works on those collected per-partner tables only, never on raw deal rows, so it is
instant even for large portfolios and can run on every click of a widget.

Figures (money summed over the exited partners, in cents, against the total over every
partner in the scorecard):

- revenue at risk: won revenue in the window, and its sourced and influenced parts apart;
- open pipeline touched and investment freed;
- accounts left without any partner: covered by an exited partner and by no remaining
  counted partner (from ``coverage``);
- regions and partner types left without any counted partner;
- concentration before and after: the Pareto summary recomputed on the remaining partners
  with the policy's value, threshold and denominator.

Examples
--------
>>> from types import SimpleNamespace
>>> from partnerkit.policy import Policy
>>> analysis = SimpleNamespace(
...     policy=Policy(),
...     scorecard=pl.DataFrame({"partner_id": ["a", "b"], "state": ["productive"] * 2,
...         "won_revenue": [900.0, 100.0], "sourced_revenue": [900.0, 0.0],
...         "influenced_revenue": [0.0, 100.0]}),
...     coverage=pl.DataFrame({"partner_id": ["a", "b"], "account_id": ["x", "x"]}))
>>> w = what_if(analysis, ["b"])
>>> w.summary["won_revenue_at_risk"], w.summary["won_revenue_at_risk_share"]
(100.0, 0.1)
>>> w.summary["accounts_uncovered"]
0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import polars as pl

from partnerkit.decisions.recommend import require_recommendations
from partnerkit.metrics.pareto import concentration, in_denominator, pareto
from partnerkit.policy import Policy
from partnerkit.results import AnalysisLike

__all__ = ["WhatIf", "prune", "recommended_exits", "what_if"]

# (scorecard column, summary name of the exited part)
_MONEY = (
    ("won_revenue", "won_revenue_at_risk"),
    ("sourced_revenue", "sourced_revenue_at_risk"),
    ("influenced_revenue", "influenced_revenue_at_risk"),
    ("open_pipeline", "open_pipeline_touched"),
    ("investment", "investment_freed"),
)
_DETAIL = (
    "partner_id",
    "name",
    "status",
    "counted",
    "tier",
    "region",
    "type",
    "state",
    "stage",
    "rank",
    "share",
    "vital",
    *(column for column, _ in _MONEY),
    "recommendation",
)
_CONCENTRATION = ("partners", "vital_count", "vital_value_share", "top20_share", "gini", "hhi")


@dataclass(frozen=True)
class WhatIf:
    """The effect of exiting a set of partners.

    Attributes
    ----------
    exit
        The partner ids exited, in the order given (duplicates dropped).
    summary
        One value per figure (see :meth:`summary_frame` for the same as one row).
    partners
        The exited partners' scorecard rows (identity and money columns).
    uncovered_accounts
        ``account_id`` and ``exited_partners`` (list) for accounts left without coverage.
    uncovered_regions, uncovered_types
        ``region`` / ``type``, ``partners_before`` and ``exited_partners`` for each region or
        type left without any counted partner.
    concentration_before, concentration_after
        One-row Pareto summaries (:func:`partnerkit.metrics.pareto.concentration`).
    """

    exit: tuple[str, ...]
    summary: Mapping[str, Any] = field(repr=False)
    partners: pl.DataFrame = field(repr=False)
    uncovered_accounts: pl.DataFrame = field(repr=False)
    uncovered_regions: pl.DataFrame = field(repr=False)
    uncovered_types: pl.DataFrame = field(repr=False)
    concentration_before: pl.DataFrame = field(repr=False)
    concentration_after: pl.DataFrame = field(repr=False)

    def summary_frame(self) -> pl.DataFrame:
        """Return :attr:`summary` as a one-row frame."""
        return pl.DataFrame([dict(self.summary)])


def _share(part: float | None, total: float | None) -> float | None:
    if part is None or not total:
        return None
    return part / total


def _without(frame: pl.DataFrame, column: str, exited: pl.Expr) -> pl.DataFrame:
    """Values of ``column`` held by counted partners before and by none after the exits."""
    schema = {
        column: pl.String(),
        "partners_before": pl.Int64(),
        "exited_partners": pl.List(pl.String),
    }
    if column not in frame.columns:
        return pl.DataFrame(schema=schema)
    counted = frame.filter(pl.col("counted"), pl.col(column).is_not_null())
    after = counted.filter(~exited).select(column).unique()
    return (
        counted.group_by(column)
        .agg(
            partners_before=pl.len(),
            exited_partners=pl.col("partner_id").filter(exited).sort(),
        )
        .join(after, on=column, how="anti")
        .sort(column)
        .cast(schema)  # type: ignore[arg-type]
    )


def _concentration(scorecard: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    value = policy.pareto_value
    ranked = pareto(
        scorecard.lazy().drop("rank", "share", "cum_share", "vital", strict=False),
        value=value,
        threshold=policy.vital_threshold,
        include=in_denominator(policy.denominator, value=value),
    )
    summary = concentration(
        ranked, value=value, threshold=policy.vital_threshold, denominator=policy.denominator
    )
    return summary.collect()


def what_if(analysis: AnalysisLike, exit: Iterable[str]) -> WhatIf:
    """Work out what exiting the partners ``exit`` would put at risk, free and leave uncovered.

    Reads the analysis' ``scorecard``, ``coverage`` and ``policy``: :func:`prune` on them.

    Requires columns: scorecard ``partner_id``, and when present ``counted``, ``state``,
    ``region``, ``type``, ``won_revenue``, ``sourced_revenue``, ``influenced_revenue``,
    ``open_pipeline``, ``investment`` and the policy's Pareto value; coverage
    ``partner_id``, ``account_id``.

    Raises
    ------
    ValueError
        When an id is not in the scorecard (all unknown ids are named).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> a = SimpleNamespace(policy=Policy(), scorecard=pl.DataFrame(
    ...     {"partner_id": ["a"], "state": ["active"], "won_revenue": [1.0]}),
    ...     coverage=pl.DataFrame({"partner_id": [], "account_id": []}))
    >>> what_if(a, ["a", "zz", "yy"])
    Traceback (most recent call last):
    ...
    ValueError: unknown partner ids (not in the scorecard): 'yy', 'zz'
    """
    return prune(analysis.scorecard, exit=exit, coverage=analysis.coverage, policy=analysis.policy)


def prune(
    scorecard: pl.DataFrame,
    /,
    *,
    exit: Iterable[str],
    coverage: pl.DataFrame,
    policy: Policy,
) -> WhatIf:
    """Work out what exiting ``exit`` would do, from a scorecard and the accounts covered.

    The figures of :func:`what_if`, from its tables given one by one.

    Requires columns: as :func:`what_if`.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "region": ["EU", "US"],
    ...     "state": ["productive", "productive"], "won_revenue": [900.0, 100.0]})
    >>> cover = pl.DataFrame({"partner_id": ["a", "b"], "account_id": ["x", "y"]})
    >>> w = prune(card, exit=["b"], coverage=cover, policy=Policy())
    >>> w.summary["accounts_uncovered"], w.uncovered_regions["region"].to_list()
    (1, ['US'])
    """
    if "counted" not in scorecard.columns:
        scorecard = scorecard.with_columns(counted=pl.lit(value=True))
    ids = tuple(dict.fromkeys(str(i) for i in ([exit] if isinstance(exit, str) else exit)))
    known = set(scorecard["partner_id"].to_list())
    unknown = sorted(set(ids) - known)
    if unknown:
        raise ValueError(
            "unknown partner ids (not in the scorecard): " + ", ".join(map(repr, unknown))
        )
    exited = pl.col("partner_id").is_in(pl.Series(ids, dtype=pl.String))

    summary: dict[str, Any] = {"partners_exited": len(ids)}
    money = [c for c, _ in _MONEY if c in scorecard.columns]
    sums = (
        scorecard.select(
            *(pl.col(c).filter(exited).sum().round(2).alias("part_" + c) for c in money),
            *(pl.col(c).sum().round(2).alias("total_" + c) for c in money),
        ).row(0, named=True)
        if money
        else {}
    )
    for column, name in _MONEY:
        part, total = sums.get("part_" + column), sums.get("total_" + column)
        summary[name] = part
        summary[name + "_share"] = _share(part, total)
        summary[column + "_total"] = total

    # Accounts, as regions and types: covered by a counted partner before the exits and by
    # no remaining counted partner after (a partner not counted covers nothing)
    counted = scorecard.filter(pl.col("counted")).select("partner_id")
    cov = (
        coverage.select("partner_id", "account_id")
        .unique()
        .join(counted, on="partner_id", how="semi")
    )
    still = cov.filter(~exited).select("account_id").unique()
    uncovered = (
        cov.filter(exited)
        .join(still, on="account_id", how="anti")
        .group_by("account_id")
        .agg(exited_partners=pl.col("partner_id").sort())
        .sort("account_id")
    )
    before = cov["account_id"].n_unique()
    summary["accounts_covered"] = before
    summary["accounts_uncovered"] = uncovered.height
    summary["accounts_uncovered_share"] = _share(uncovered.height, before)

    regions = _without(scorecard, "region", exited)
    types = _without(scorecard, "type", exited)
    summary["regions_uncovered"] = regions.height
    summary["types_uncovered"] = types.height

    conc_before = _concentration(scorecard, policy)
    conc_after = _concentration(scorecard.filter(~exited), policy)
    for name in _CONCENTRATION:
        summary[name + "_before"] = conc_before[name][0]
        summary[name + "_after"] = conc_after[name][0]

    return WhatIf(
        exit=ids,
        summary=MappingProxyType(summary),
        partners=scorecard.filter(exited).select(c for c in _DETAIL if c in scorecard.columns),
        uncovered_accounts=uncovered,
        uncovered_regions=regions,
        uncovered_types=types,
        concentration_before=conc_before,
        concentration_after=conc_after,
    )


def recommended_exits(analysis: AnalysisLike) -> tuple[str, ...]:
    """Return the ids the analysis recommends to exit, sorted.

    Reads the recommendations the analysis' scorecard carries (never computes them).

    Requires columns: ``partner_id``, ``recommendation``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> a = SimpleNamespace(scorecard=pl.DataFrame({"partner_id": ["b", "a", "c", "d"],
    ...     "recommendation": ["exit", "exit", "keep", None]}))
    >>> recommended_exits(a)
    ('a', 'b')
    """
    card = require_recommendations(analysis.scorecard)
    exits = card.filter(pl.col("recommendation") == "exit").sort("partner_id")
    return tuple(exits["partner_id"].to_list())
