"""Tier audit: the tier each partner would hold if tiers followed performance.

Among the audited partners (included, e.g. counted, and holding a tier of the ladder; tier
names are compared case-insensitively) the assigned tiers are handed out again by
performance rank, in the same numbers as today: if 3 partners are platinum and 10 gold, the
3 best performers are implied platinum and the next 10 gold, and so on down the ladder.

Performance is ``value`` (default the Pareto value, won revenue), compared in cents.
Partners with equal performance form a tie group and get the tier the whole group earns:
the tier reached by the group's last position (rank method "max"), never the best tier one
of them could reach, so the result never depends on partner ids and a large group of equal
performers cannot crowd into a tier whose places it does not fill. Zero (or missing) value
earns the bottom tier. The numbers per tier are today's: a tier is never handed out more
often than it is assigned, so places a tie group cannot fill stay empty and its members go
down. Ramping partners are left out of the audit (``include`` is false for them in the
scorecard): they are judged on progress, not on revenue they cannot have yet.

- ``tier_level``: position on the ladder counted from the bottom (registered 0 ... platinum
  3 on the default ladder); null for a tier not on the ladder.
- ``implied_tier``: the tier by performance (null when not audited).
- ``tier_gap = tier_level(assigned) - tier_level(implied)``: positive = over-tiered (holds a
  better tier than its results earn), negative = under-tiered.

Examples
--------
>>> f = pl.LazyFrame({"partner_id": ["a", "b", "c", "d", "e"],
...     "tier": ["gold", "silver", "silver", "gold", "silver"],
...     "won_revenue": [0.0, 50.0, 50.0, 90.0, 0.0], "counted": [True] * 5})
>>> out = tier_audit(f, ladder=("gold", "silver"), value="won_revenue").collect()
>>> out.select("partner_id", "implied_tier", "tier_gap").rows()  # b and c tie for place 2
[('a', 'silver', 1), ('b', 'silver', 0), ('c', 'silver', 0), ('d', 'gold', 0), ('e', 'silver', 0)]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

__all__ = ["tier_audit", "tier_level", "tier_summary"]


def tier_level(column: str, /, *, ladder: Sequence[str]) -> pl.Expr:
    """Expression: ladder level of the tier in ``column`` (top = len - 1, bottom = 0).

    >>> pl.DataFrame({"t": ["Gold", "x"]}).select(
    ...     tier_level("t", ladder=("gold", "silver"))).to_series().to_list()
    [1, None]
    """
    levels = {t.lower(): len(ladder) - 1 - i for i, t in enumerate(ladder)}
    return (
        pl.col(column)
        .cast(pl.String)
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(levels, default=None, return_dtype=pl.Int64)
    )


def tier_audit(
    frame: pl.LazyFrame,
    /,
    *,
    ladder: Sequence[str],
    value: str,
    include: str | None = "counted",
) -> pl.LazyFrame:
    """Add ``tier_level``, ``implied_tier`` and ``tier_gap`` (module docstring).

    Requires columns: ``tier``, ``value`` and ``include`` (unless None).
    """
    level = tier_level("tier", ladder=ladder)
    audited = level.is_not_null()
    if include is not None:
        audited = audited & pl.col(include).fill_null(value=False)
    units = (pl.col(value).cast(pl.Float64).fill_null(0.0) * 100).round()
    rank = pl.when(audited).then(units).rank("max", descending=True)
    bounds = []
    cum = pl.lit(0, dtype=pl.Int64)
    for i, name in enumerate(ladder):
        cum = cum + (audited & (level == len(ladder) - 1 - i)).sum().cast(pl.Int64)
        bounds.append((cum, name))
    implied_expr = pl.lit(ladder[-1])  # what no upper tier's places hold: the bottom
    for bound, name in reversed(bounds[:-1]):  # the top tier's test ends up outermost
        implied_expr = pl.when(rank <= bound).then(pl.lit(name)).otherwise(implied_expr)
    implied_expr = pl.when(units > 0).then(implied_expr).otherwise(pl.lit(ladder[-1]))
    return frame.with_columns(
        tier_level=level,
        implied_tier=pl.when(audited).then(implied_expr),
    ).with_columns(tier_gap=pl.col("tier_level") - tier_level("implied_tier", ladder=ladder))


def tier_summary(scorecard: pl.LazyFrame, /, *, ladder: Sequence[str]) -> pl.LazyFrame:
    """Per ladder tier, the audit in numbers, top tier first.

    Requires columns: ``tier_level``, ``implied_tier``, ``tier_gap``, ``won_revenue``,
    ``investment`` (as from :func:`tier_audit` on the scorecard). Only audited partners
    (with an implied tier) are counted. Returns ``tier``, ``level``, ``partners``
    (assigned), ``implied_partners``, ``over_tiered``, ``under_tiered``, ``won_revenue``,
    ``investment`` and ``investment_over_tiered`` (investment in W going to its
    over-tiered partners).

    >>> card = pl.LazyFrame({"tier_level": [1, 0], "implied_tier": ["silver", "gold"],
    ...     "tier_gap": [1, -1], "won_revenue": [0.0, 5.0], "investment": [10.0, 1.0]})
    >>> tier_summary(card, ladder=("gold", "silver")).collect().row(0)
    ('gold', 1, 1, 1, 1, 0, 0.0, 10.0, 10.0)
    """
    audited = scorecard.filter(pl.col("implied_tier").is_not_null())
    implied = tier_level("implied_tier", ladder=ladder)
    rows = []
    for i, name in enumerate(ladder):
        lvl = len(ladder) - 1 - i
        mine = pl.col("tier_level") == lvl
        rows.append(
            audited.select(
                pl.lit(name).alias("tier"),
                pl.lit(lvl, dtype=pl.Int64).alias("level"),
                mine.sum().cast(pl.Int64).alias("partners"),
                (implied == lvl).sum().cast(pl.Int64).alias("implied_partners"),
                (mine & (pl.col("tier_gap") > 0)).sum().cast(pl.Int64).alias("over_tiered"),
                (mine & (pl.col("tier_gap") < 0)).sum().cast(pl.Int64).alias("under_tiered"),
                pl.col("won_revenue").filter(mine).sum().round(2).alias("won_revenue"),
                pl.col("investment").filter(mine).sum().round(2).alias("investment"),
                pl.col("investment")
                .filter(mine & (pl.col("tier_gap") > 0))
                .sum()
                .round(2)
                .alias("investment_over_tiered"),
            )
        )
    return pl.concat(rows)
