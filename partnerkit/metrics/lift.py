"""With vs. without partner: win rate, deal size and days to close, with bootstrap intervals.

Groups, all over deals closed (won or lost) in W:

- scope ``"portfolio"``, group ``"partner"``: every deal with a partner;
- scope ``"portfolio"``, group ``"direct"``: every deal without one (the baseline);
- scope = a ``partner_id``, group ``"partner"``: that partner's deals (compare with the
  portfolio's direct row).

Per group: ``n_closed`` (won + lost), ``n_won``, ``win_rate = n_won / n_closed`` (null when
nothing closed), ``mean_deal`` (mean amount of won deals), ``days_to_close`` (mean days from
creation to close of won deals). Each figure's support is counted in what it is computed
from: ``enough = n_closed >= policy.min_sample`` for the win rate and ``enough_won = n_won >=
policy.min_sample`` for the two means of won deals. Small groups are flagged, not hidden:
their point estimates stay, but they get no interval (a "bootstrap interval" of one won
deal says nothing).

Intervals are percentile bootstrap intervals at ``policy.confidence`` with
``policy.bootstrap_samples`` resamples drawn from one generator seeded with ``policy.seed``
(groups are visited in a fixed order, so results do not depend on the input row order):

- the win rate's bootstrap distribution is Binomial(n_closed, win_rate) / n_closed, which
  is what resampling the closed deals with replacement gives; its interval is the quantile
  of ``policy.bootstrap_samples`` such draws, drawn exactly in distribution from the few
  order statistics the quantiles need (see :func:`_binomial_quantiles`) instead of drawing
  every resample;
- means are bootstrapped by resampling the group's won deals (amount and days together)
  when it has at most ``policy.bootstrap_max_n`` of them; above that the interval is the
  normal limit of the bootstrap distribution, mean +/- z * sd / sqrt(n) (column
  ``interval`` says which was used). The resamples are vectorised across groups: a
  resample is a row of draw counts, groups of equal size share one matrix of them and all
  their resampled means are one matrix product (see :func:`_bootstrap_means`);
- a group gets a win-rate interval only with ``enough`` closed deals and mean intervals
  only with ``enough_won`` won deals; the others keep their point estimates and no
  interval, which also keeps a portfolio of thousands of small partners fast.

The random draws grow with the number of distinct group sizes, not with every resampled
value; what grows with the data is matrix products and quantiles, and the memory stays
bounded (a few million numbers at a time). The matrix products run on one BLAS thread:
they are many and small, and with more threads they slowed several times over whenever
other work shared the machine.

Stage 1 gives the counts, means and spreads (:func:`partnerkit.facts.deals.deal_facts`)
and the won deals of the small groups (:func:`partnerkit.facts.deals.lift_samples`);
:func:`lift` does the rest.

Examples
--------
>>> facts = pl.DataFrame({"partner_id": ["a", None], "won_deals": [2, 1],
...     "lost_deals": [0, 1], "won_revenue": [30.0, 5.0], "avg_days_to_close": [10.0, 4.0],
...     "sd_won_amount": [10.0, 0.0], "sd_days_to_close": [2.0, 0.0]},
...     schema_overrides={"partner_id": pl.String})
>>> samples = pl.DataFrame({"partner_id": ["a", "a", None], "amount": [20.0, 10.0, 5.0],
...     "days": [8, 12, 4]}, schema_overrides={"partner_id": pl.String})
>>> from dataclasses import replace
>>> from partnerkit.policy import Policy
>>> out = lift(facts, samples=samples, policy=replace(Policy(), min_sample=2))
>>> cols = ["scope", "group", "n_won", "mean_deal", "enough_won", "mean_deal_lo"]
>>> for r in out.select(cols).rows():
...     print(r)
('portfolio', 'partner', 2, 15.0, True, 10.0)
('portfolio', 'direct', 1, 5.0, False, None)
('a', 'partner', 2, 15.0, True, 10.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import polars as pl
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from partnerkit.policy import Policy

__all__ = ["LIFT_SCHEMA", "lift"]

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
        "enough_won": pl.Boolean(),
        "interval": pl.String(),
    }
)
"""Columns of :func:`lift`, in order."""

_Floats = npt.NDArray[np.float64]
_CHUNK = 4_000_000  # numbers of one step of the bootstrap held in memory at once
_PART = 1_000_000  # resampled means taken together (kept small to stay in cache)


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


def _quantiles(values: _Floats, q: Sequence[float], /) -> _Floats:
    """Compute ``np.quantile(values, q, axis=1)`` (linear method), partitioning in place.

    Returns an array of shape ``(len(q), len(values))``.
    """
    last = values.shape[1] - 1
    at = np.asarray(q, dtype=float) * last
    lo = np.floor(at).astype(np.int64)
    hi = np.minimum(lo + 1, last)
    # one rank at a time, each in the part right of the previous one (three times faster
    # than numpy's partition at several ranks at once over many short rows, measured); the
    # rank just after one found is the smallest value right of it, no partition needed
    stats: dict[int, _Floats] = {}
    start = 0
    for rank in np.unique(np.concatenate([lo, hi])).tolist():
        if rank == start and rank - 1 in stats:
            stats[rank] = values[:, start:].min(axis=1)
            continue
        values[:, start:].partition(rank - start, axis=1)
        stats[rank] = values[:, rank]
        start = rank + 1
    low = np.stack([stats[r] for r in lo.tolist()])
    high = np.stack([stats[r] for r in hi.tolist()])
    return _lerp(low, high, (at - lo)[:, None])


def _lerp(a: _Floats, b: _Floats, t: _Floats, /) -> _Floats:
    """Interpolate ``a + (b - a) * t`` from the nearer end, as numpy's quantile does."""
    diff = b - a
    return np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)


def _binomial_inverse(n: npt.NDArray[np.int64], p: _Floats, u: _Floats) -> _Floats:
    """Inverse distribution function of Binomial(n, p) at ``u`` (one row of u per group).

    The distribution function is summed over n * p +/- 12 standard deviations (the rest
    weighs less than 1e-30), each group's window one after the other in one array.
    """
    groups = len(n)
    sd = np.sqrt(n * p * (1 - p))
    first = np.clip(np.floor(n * p - 12 * sd), 0, n).astype(np.int64)
    width = np.clip(np.ceil(n * p + 12 * sd), 0, n).astype(np.int64) - first + 1
    offsets = np.zeros(groups, dtype=np.int64)
    np.cumsum(width[:-1], out=offsets[1:])
    owner = np.repeat(np.arange(groups), width)
    x = first[owner] + np.arange(int(width.sum())) - offsets[owner]
    # log P(x) - log P(x - 1) = log((n - x + 1) / x) + log(p / (1 - p)), inside the window
    inner = x > first[owner]
    with np.errstate(divide="ignore"):
        odds = np.log(p) - np.log1p(-p)  # only used where 0 < p < 1 (a window wider than 1)
    nn, xx = n[owner][inner], x[inner]
    step = np.zeros(len(x))
    step[inner] = np.log(nn - xx + 1) - np.log(xx) + odds[owner][inner]
    log_pmf = np.cumsum(step)
    log_pmf -= log_pmf[offsets][owner]  # relative to the window's first value
    log_pmf -= np.maximum.reduceat(log_pmf, offsets)[owner]
    pmf = np.exp(log_pmf)
    pmf /= np.add.reduceat(pmf, offsets)[owner]
    cdf = np.cumsum(pmf)  # rises by 1 per group: each group's own is a slice of it
    base = np.concatenate([[0.0], cdf[offsets[1:] - 1]])
    end = cdf[offsets + width - 1]
    targets = base[:, None] + u * (end - base)[:, None]
    pos = np.searchsorted(cdf, targets, side="left") - offsets[:, None]
    drawn: _Floats = (first[:, None] + np.clip(pos, 0, width[:, None] - 1)).astype(float)
    return drawn


def _binomial_quantiles(
    n: npt.NDArray[np.int64],
    k: npt.NDArray[np.int64],
    *,
    samples: int,
    q: Sequence[float],
    rng: np.random.Generator,
) -> _Floats:
    """Quantiles ``q`` of ``samples`` draws of Binomial(n, k / n) / n, for every group.

    The same in distribution as drawing the ``samples`` values and taking their quantiles
    (linear method), without drawing them: the quantiles only need a few order statistics
    of the draws, and the r-th smallest of ``samples`` draws is the inverse distribution
    function at the r-th smallest of ``samples`` uniform numbers, which is drawn directly
    as a ratio of gamma variables (the sum of r exponential spacings over the sum of
    ``samples + 1``). Returns shape (len(q), groups).
    """
    groups = len(n)
    last = samples - 1
    at = np.asarray(q, dtype=float) * last
    lo = np.floor(at).astype(np.int64)
    ranks = np.unique(np.concatenate([lo, np.minimum(lo + 1, last)]))
    # order statistics of `samples` uniforms at `ranks` (0-based), one row per group
    spans = np.diff(np.concatenate([[0], ranks + 1, [samples + 1]])).astype(float)
    gaps = rng.standard_gamma(spans, size=(groups, len(spans))).cumsum(axis=1)
    u = gaps[:, :-1] / gaps[:, -1:]
    p = k / n
    # groups a batch at a time, so that the distribution functions summed at once stay few
    cum = np.cumsum(np.minimum(24 * np.sqrt(n * p * (1 - p)) + 3, n + 1))
    drawn = np.empty((groups, len(ranks)))
    g = 0
    while g < groups:
        done = cum[g - 1] if g else 0.0
        h = max(g + 1, int(np.searchsorted(cum, done + _CHUNK, side="right")))
        drawn[g:h] = _binomial_inverse(n[g:h], p[g:h], u[g:h])
        g = h
    drawn /= n[:, None]
    ordered = dict(zip(ranks.tolist(), drawn.T, strict=True))
    lows = np.stack([ordered[r] for r in lo.tolist()])
    highs = np.stack([ordered[min(r + 1, last)] for r in lo.tolist()])
    return _lerp(lows, highs, (at - lo)[:, None])


def _resample_counts(rng: np.random.Generator, n: int, samples: int) -> _Floats:
    """Count how often each of ``n`` positions is drawn, in ``samples`` resamples of n."""
    picks = rng.integers(0, n, size=(samples, n))
    picks += np.arange(samples)[:, None] * n
    return np.bincount(picks.ravel(), minlength=samples * n).reshape(samples, n).astype(float)


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

    A resample of a group of n values is a row of counts (how often each value is drawn,
    summing to n), so all the resampled means of a group are one matrix product, and the
    groups of equal size share one matrix of ``samples`` count rows: the cost is a matrix
    product per size instead of a random draw per resampled value. Each group's values are
    shuffled first, so that groups sharing the counts are not coupled by the order of
    their values; every group's resamples are still independent draws with replacement.
    """
    n_groups = len(sizes)
    starts = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    owner = np.repeat(np.arange(n_groups), sizes)
    shuffled = np.lexsort((rng.random(len(owner)), owner))
    amount, days = values[0][shuffled], values[1][shuffled]
    out = np.empty((4, n_groups))
    order = np.argsort(sizes, kind="stable")
    distinct, first = np.unique(sizes[order], return_index=True)
    for n, lo, hi in zip(distinct.tolist(), first, [*first[1:], n_groups], strict=True):
        members = order[lo:hi]
        rows = max(1, _CHUNK // n)
        counts = [_resample_counts(rng, n, min(rows, samples - b)) for b in range(0, samples, rows)]
        per_part = max(1, _PART // (2 * max(n, samples)))
        for p0 in range(0, len(members), per_part):
            part = members[p0 : p0 + per_part]
            cells = starts[part][None, :] + np.arange(n)[:, None]
            both = np.concatenate([amount[cells], days[cells]], axis=1)
            means = np.concatenate([c @ both for c in counts]).T
            bounds = _quantiles(means, q) / n
            m = len(part)
            out[0, part], out[1, part] = bounds[0, :m], bounds[1, :m]
            out[2, part], out[3, part] = bounds[0, m:], bounds[1, m:]
    return out[0], out[1], out[2], out[3]


def _values(
    samples: pl.DataFrame, groups: pl.DataFrame
) -> tuple[tuple[_Floats, _Floats], npt.NDArray[np.int64]]:
    """Concatenate the won deals of each group (rows of ``groups``, in order)."""
    ids = groups.filter(pl.col("scope") != "portfolio")["scope"]
    pooled = set(groups.filter(pl.col("scope") == "portfolio")["group"].to_list())
    if "partner" not in pooled:  # only the rows of the groups resampled need ordering
        wanted = pl.col("partner_id").is_in(ids.implode())
        samples = samples.filter(wanted | pl.col("partner_id").is_null() if pooled else wanted)
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
    policy: Policy,
) -> pl.DataFrame:
    """With vs. without partner for the portfolio and each partner (module docstring).

    Requires columns: ``partner_id``, ``won_deals``, ``lost_deals``, ``won_revenue``,
    ``avg_days_to_close``, ``sd_won_amount``, ``sd_days_to_close`` (``facts``, one row per
    partner plus a null-``partner_id`` row for direct deals) and ``partner_id``, ``amount``,
    ``days`` (``samples``, see :func:`partnerkit.facts.deals.lift_samples`). Returns
    :data:`LIFT_SCHEMA`; the win-rate interval of a group with fewer than
    ``policy.min_sample`` closed deals is null, and so are the mean intervals of a group
    with fewer than ``policy.min_sample`` won deals. The policy's ``bootstrap_samples``,
    ``confidence``, ``seed`` and ``bootstrap_max_n`` shape the intervals.
    """
    min_sample, bootstrap_samples = policy.min_sample, policy.bootstrap_samples
    confidence, seed, max_n = policy.confidence, policy.seed, policy.bootstrap_max_n
    facts_df = facts.collect() if isinstance(facts, pl.LazyFrame) else facts
    samples_df = samples.collect() if isinstance(samples, pl.LazyFrame) else samples
    groups = _groups(facts_df).with_columns(
        enough=pl.col("n_closed") >= min_sample, enough_won=pl.col("n_won") >= min_sample
    )
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
        bounds = _binomial_quantiles(
            n_closed[enough], n_won[enough], samples=bootstrap_samples, q=q, rng=rng
        )
        rate_lo[enough], rate_hi[enough] = bounds

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
    has_mean = groups["enough_won"].to_numpy() & (n_won > 0)
    resample = has_mean & (n_won <= max_n) & (kept["_kept"].to_numpy() == n_won)
    lo_a, hi_a = np.full(g, np.nan), np.full(g, np.nan)
    lo_d, hi_d = np.full(g, np.nan), np.full(g, np.nan)
    if resample.any():
        values, sizes = _values(samples_df, groups.filter(pl.Series(resample)))
        # one BLAS thread: the products are many and small, and a machine busy with other
        # work slowed them three to ten times with more threads (measured at M); the
        # numbers are the same either way
        with threadpool_limits(limits=1, user_api="blas"):
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
        "enough_won",
        pl.when(pl.Series(resample))
        .then(pl.lit("bootstrap"))
        .when(pl.Series(normal))
        .then(pl.lit("normal"))
        .alias("interval"),
    ).cast(LIFT_SCHEMA)
