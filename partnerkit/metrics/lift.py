"""With vs. without partner: win rate, deal size and days to close, with bootstrap intervals.

Groups, all over deals closed (won or lost) in W:

- scope ``"portfolio"``, group ``"partner"``: every deal with a partner;
- scope ``"portfolio"``, group ``"direct"``: every deal without one (the baseline);
- scope = a ``partner_id``, group ``"partner"``: that partner's deals (compare with the
  portfolio's direct row).

Per group: ``n_closed`` (won + lost), ``n_won``, ``win_rate = n_won / n_closed`` (null when
nothing closed), ``mean_deal`` (mean amount of won deals), ``days_to_close`` (mean days from
creation to close of won deals) and ``enough = n_closed >= policy.min_sample``; small groups
are flagged, not hidden.

Intervals are percentile bootstrap intervals at ``policy.confidence`` with
``policy.bootstrap_samples`` resamples drawn from one generator seeded with ``policy.seed``
(groups are visited in a fixed order, so results do not depend on the input row order):

- the win rate's bootstrap distribution is drawn exactly as Binomial(n_closed, win_rate) /
  n_closed, which is what resampling the closed deals with replacement gives;
- means are bootstrapped by resampling the group's won deals (amount and days together)
  when it has at most ``policy.bootstrap_max_n`` of them; above that the interval is the
  normal limit of the bootstrap distribution, mean +/- z * sd / sqrt(n) (column
  ``interval`` says which was used);
- groups with fewer than ``policy.min_sample`` closed deals get their point estimates,
  flagged ``enough = false``, but no interval: a bootstrap of a handful of deals says
  nothing, and skipping them keeps a portfolio of thousands of small partners fast.

Stage 1 gives the counts, means and spreads (:func:`partnerkit.metrics.facts.deal_facts`)
and the won deals of the small groups (:func:`lift_samples`); :func:`lift` does the rest.

Examples
--------
>>> facts = pl.DataFrame({"partner_id": ["a", None], "won_deals": [2, 1],
...     "lost_deals": [0, 1], "won_revenue": [30.0, 5.0], "avg_days_to_close": [10.0, 4.0],
...     "sd_won_amount": [10.0, 0.0], "sd_days_to_close": [2.0, 0.0]},
...     schema_overrides={"partner_id": pl.String})
>>> samples = pl.DataFrame({"partner_id": ["a", "a", None], "amount": [20.0, 10.0, 5.0],
...     "days": [8, 12, 4]}, schema_overrides={"partner_id": pl.String})
>>> out = lift(facts, samples=samples, min_sample=2)
>>> for r in out.select("scope", "group", "n_closed", "win_rate", "mean_deal", "enough").rows():
...     print(r)
('portfolio', 'partner', 2, 1.0, 15.0, True)
('portfolio', 'direct', 2, 0.5, 5.0, True)
('a', 'partner', 2, 1.0, 15.0, True)
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import polars as pl

from partnerkit.metrics.window import Window

__all__ = ["LIFT_SCHEMA", "lift", "lift_samples"]

LIFT_SCHEMA = pl.Schema(
    {
        "scope": pl.String(),
        "group": pl.String(),
        "n_closed": pl.Int64(),
        "n_won": pl.Int64(),
        "win_rate": pl.Float64(),
        "win_rate_lo": pl.Float64(),
        "win_rate_hi": pl.Float64(),
        "mean_deal": pl.Float64(),
        "mean_deal_lo": pl.Float64(),
        "mean_deal_hi": pl.Float64(),
        "days_to_close": pl.Float64(),
        "days_to_close_lo": pl.Float64(),
        "days_to_close_hi": pl.Float64(),
        "enough": pl.Boolean(),
        "interval": pl.String(),
    }
)
"""Columns of :func:`lift`, in order."""

_Floats = npt.NDArray[np.float64]
_CHUNK = 4_000_000  # resampled values held in memory at once


def lift_samples(deals: pl.LazyFrame, /, *, window: Window, max_n: int) -> pl.LazyFrame:
    """Won deals closed in W of every partner (or of direct deals) with at most ``max_n``.

    Requires columns: ``partner_id``, ``created_on``, ``closed_on``, ``outcome``, ``amount``.
    Returns ``partner_id``, ``amount``, ``days`` (creation to close). Larger groups are left
    out: their intervals use the normal limit and need no rows.

    >>> import datetime as dt
    >>> d = pl.LazyFrame({"partner_id": ["a", "a", "b"],
    ...     "created_on": [dt.date(2025, 1, 1)] * 3, "closed_on": [dt.date(2025, 1, 5)] * 3,
    ...     "outcome": ["won"] * 3, "amount": [1.0, 2.0, 3.0]})
    >>> w = Window.ending(dt.date(2025, 1, 31), months=1)
    >>> lift_samples(d, window=w, max_n=1).collect().rows()
    [('b', 3.0, 4)]
    """
    won = (pl.col("outcome") == "won") & window.contains("closed_on")
    return (
        deals.filter(won)
        .select(
            "partner_id",
            pl.col("amount").cast(pl.Float64),
            (pl.col("closed_on") - pl.col("created_on")).dt.total_days().alias("days"),
        )
        .filter(pl.len().over("partner_id") <= max_n)
    )


def _pool(rows: pl.DataFrame) -> pl.DataFrame:
    """One group's counts, means and spreads from several partners' (or direct) rows."""
    n = pl.col("won_deals").cast(pl.Float64)
    won = pl.col("won_deals") > 0
    mean_a = pl.col("won_revenue") / n
    mean_d = pl.col("avg_days_to_close").fill_null(0.0)
    sd_a = pl.col("sd_won_amount").fill_null(0.0)
    sd_d = pl.col("sd_days_to_close").fill_null(0.0)
    total = n.sum()
    pooled_a = pl.col("won_revenue").sum() / total
    pooled_d = (n * mean_d).filter(won).sum() / total

    def spread(sd: pl.Expr, mean: pl.Expr, pooled: pl.Expr) -> pl.Expr:
        squares = (n * (sd**2 + mean**2)).filter(won).sum() / total
        return (squares - pooled**2).clip(lower_bound=0).sqrt()

    return rows.select(
        pl.col("n_closed").sum().cast(pl.Int64),
        pl.col("won_deals").sum().cast(pl.Int64),
        pl.col("won_revenue").sum().cast(pl.Float64),
        pl.when(total > 0).then(pooled_d).alias("avg_days_to_close"),
        pl.when(total > 0).then(spread(sd_a, mean_a, pooled_a)).alias("sd_won_amount"),
        pl.when(total > 0).then(spread(sd_d, mean_d, pooled_d)).alias("sd_days_to_close"),
    )


def _groups(facts: pl.DataFrame) -> pl.DataFrame:
    """List the two portfolio groups, then one per partner with a closed deal, by id."""
    facts = facts.with_columns(n_closed=(pl.col("won_deals") + pl.col("lost_deals")).cast(pl.Int64))
    partners = facts.filter(pl.col("partner_id").is_not_null())
    cols = ["n_closed", "won_deals", "won_revenue", "avg_days_to_close", "sd_won_amount",
            "sd_days_to_close"]  # fmt: skip
    portfolio = [
        _pool(partners).select(
            pl.lit("portfolio").alias("scope"), pl.lit("partner").alias("group"), *cols
        ),
        _pool(facts.filter(pl.col("partner_id").is_null())).select(
            pl.lit("portfolio").alias("scope"), pl.lit("direct").alias("group"), *cols
        ),
    ]
    each = (
        partners.filter(pl.col("n_closed") > 0)
        .sort("partner_id")
        .select(
            pl.col("partner_id").alias("scope"),
            pl.lit("partner").alias("group"),
            pl.col("n_closed"),
            pl.col("won_deals").cast(pl.Int64),
            pl.col("won_revenue").cast(pl.Float64),
            *(pl.when(pl.col("won_deals") > 0).then(pl.col(c)).alias(c) for c in cols[3:]),
        )
    )
    return pl.concat([*portfolio, each]).rename({"won_deals": "n_won"})


def _bootstrap_means(
    values: tuple[_Floats, _Floats],
    sizes: npt.NDArray[np.int64],
    *,
    samples: int,
    q: tuple[float, float],
    rng: np.random.Generator,
) -> tuple[_Floats, _Floats, _Floats, _Floats]:
    """Percentile intervals of the means of consecutive groups of both value arrays.

    ``values`` holds the groups one after another (``sizes`` long each); both arrays are
    resampled with the same draws (a won deal keeps its amount and its days).
    """
    # amount and days travel together as one complex number: one gather, one sum per draw
    both = values[0] + 1j * values[1]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    owner_start = np.repeat(starts, sizes)
    # u * size < size for every float32 u < 1 once size is shrunk by 2**-22 (a bias of that
    # order against the last value of each group, far below the bootstrap's own noise)
    scale = (np.repeat(sizes, sizes) * (1 - 2.0**-22)).astype(np.float32)
    total = int(sizes.sum())
    chunk = max(1, _CHUNK // max(total, 1))
    sums = np.empty((samples, len(sizes)), dtype=np.complex128)
    for b0 in range(0, samples, chunk):
        b1 = min(samples, b0 + chunk)
        u = rng.random((b1 - b0, total), dtype=np.float32)
        u *= scale
        idx = u.astype(np.int64)
        idx += owner_start
        sums[b0:b1] = np.add.reduceat(both[idx], starts, axis=1)
    mean_a, mean_d = sums.real / sizes, sums.imag / sizes
    qa = np.quantile(mean_a, q, axis=0)
    qd = np.quantile(mean_d, q, axis=0)
    return qa[0], qa[1], qd[0], qd[1]


def _values(
    samples: pl.DataFrame, groups: pl.DataFrame
) -> tuple[tuple[_Floats, _Floats], npt.NDArray[np.int64]]:
    """Concatenate the won deals of each group (rows of ``groups``, in order)."""
    ordered = samples.sort("partner_id", "amount", "days", nulls_last=True)
    parts, sizes = [], []
    for scope, group in groups.select("scope", "group").iter_rows():
        if scope != "portfolio":
            break
        if group == "partner":
            parts.append(ordered.filter(pl.col("partner_id").is_not_null()))
        else:
            parts.append(ordered.filter(pl.col("partner_id").is_null()))
        sizes.append(parts[-1].height)
    ids = groups.filter(pl.col("scope") != "portfolio")["scope"]
    per_partner = ordered.filter(pl.col("partner_id").is_in(ids.implode()))
    counts = per_partner.group_by("partner_id", maintain_order=True).len()
    parts.append(per_partner)
    sizes += counts["len"].to_list()
    both = pl.concat([p.select("amount", pl.col("days").cast(pl.Float64)) for p in parts])
    return (
        (both["amount"].cast(pl.Float64).to_numpy(), both["days"].to_numpy()),
        np.array(sizes, dtype=np.int64),
    )


def lift(
    facts: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    samples: pl.DataFrame | pl.LazyFrame,
    min_sample: int = 10,
    bootstrap_samples: int = 1000,
    confidence: float = 0.9,
    seed: int = 0,
    max_n: int = 5000,
) -> pl.DataFrame:
    """With vs. without partner for the portfolio and each partner (module docstring).

    Requires columns: ``partner_id``, ``won_deals``, ``lost_deals``, ``won_revenue``,
    ``avg_days_to_close``, ``sd_won_amount``, ``sd_days_to_close`` (``facts``, one row per
    partner plus a null-``partner_id`` row for direct deals) and ``partner_id``, ``amount``,
    ``days`` (``samples``, see :func:`lift_samples`). Returns :data:`LIFT_SCHEMA`; the
    intervals of groups with fewer than ``min_sample`` closed deals are null.
    """
    facts_df = facts.collect() if isinstance(facts, pl.LazyFrame) else facts
    samples_df = samples.collect() if isinstance(samples, pl.LazyFrame) else samples
    groups = _groups(facts_df).with_columns(enough=pl.col("n_closed") >= min_sample)
    rng = np.random.default_rng(seed)
    alpha = (1 - confidence) / 2
    q = (alpha, 1 - alpha)
    z = NormalDist().inv_cdf(1 - alpha)
    g = len(groups)

    # win rate: Binomial(n, p) / n is the bootstrap distribution of a proportion
    n_closed = groups["n_closed"].to_numpy()
    n_won = groups["n_won"].to_numpy()
    enough = groups["enough"].to_numpy() & (n_closed > 0)
    rate_lo, rate_hi = np.full(g, np.nan), np.full(g, np.nan)
    if enough.any():
        n, k = n_closed[enough], n_won[enough]
        draws = rng.binomial(n[:, None], (k / n)[:, None], size=(len(n), bootstrap_samples))
        rate_lo[enough], rate_hi[enough] = np.quantile(draws / n[:, None], q, axis=1)

    # means: resample small groups whose won deals were kept, normal limit for the others
    by_id = samples_df.filter(pl.col("partner_id").is_not_null()).group_by("partner_id").len()
    kept = groups.join(
        by_id.rename({"partner_id": "scope", "len": "_kept"}), on="scope", how="left"
    ).with_columns(
        _kept=pl.when(pl.col("scope") != "portfolio")
        .then(pl.col("_kept"))
        .when(pl.col("group") == "partner")
        .then(pl.lit(by_id["len"].sum()))
        .otherwise(pl.lit(samples_df["partner_id"].null_count()))
        .fill_null(0)
    )
    has_mean = enough & (n_won > 0)
    resample = has_mean & (n_won <= max_n) & (kept["_kept"].to_numpy() == n_won)
    lo_a, hi_a = np.full(g, np.nan), np.full(g, np.nan)
    lo_d, hi_d = np.full(g, np.nan), np.full(g, np.nan)
    if resample.any():
        values, sizes = _values(samples_df, groups.filter(pl.Series(resample)))
        boot = _bootstrap_means(values, sizes, samples=bootstrap_samples, q=q, rng=rng)
        lo_a[resample], hi_a[resample], lo_d[resample], hi_d[resample] = boot
    normal = has_mean & ~resample
    safe_n = np.sqrt(np.maximum(n_won, 1))
    mean_a = groups["won_revenue"].to_numpy() / np.maximum(n_won, 1)
    mean_d = groups["avg_days_to_close"].fill_null(0.0).to_numpy()
    half_a = z * groups["sd_won_amount"].fill_null(0.0).to_numpy() / safe_n
    half_d = z * groups["sd_days_to_close"].fill_null(0.0).to_numpy() / safe_n
    lo_a[normal], hi_a[normal] = (mean_a - half_a)[normal], (mean_a + half_a)[normal]
    lo_d[normal], hi_d[normal] = (mean_d - half_d)[normal], (mean_d + half_d)[normal]

    def column(values: _Floats) -> pl.Series:
        return pl.Series(values).fill_nan(None)

    return groups.select(
        "scope",
        "group",
        "n_closed",
        "n_won",
        pl.when(pl.col("n_closed") > 0)
        .then(pl.col("n_won") / pl.col("n_closed"))
        .alias("win_rate"),
        column(rate_lo).alias("win_rate_lo"),
        column(rate_hi).alias("win_rate_hi"),
        pl.when(pl.col("n_won") > 0)
        .then(pl.col("won_revenue") / pl.col("n_won"))
        .alias("mean_deal"),
        column(lo_a).alias("mean_deal_lo"),
        column(hi_a).alias("mean_deal_hi"),
        pl.col("avg_days_to_close").alias("days_to_close"),
        column(lo_d).alias("days_to_close_lo"),
        column(hi_d).alias("days_to_close_hi"),
        "enough",
        pl.when(pl.Series(resample))
        .then(pl.lit("bootstrap"))
        .when(pl.Series(normal))
        .then(pl.lit("normal"))
        .alias("interval"),
    ).cast(LIFT_SCHEMA)
