"""Give and take: referral balance and effort share per partner, as diverging bars.

Left panel: the referral balance (R - G) / (R + G) the analysis computed, from -1 (we give,
they never return) to +1 (they give, we never return). Right panel: our share of the
engagement hours (of the activities where the hours cannot compare the two sides, as
``one_sided`` judges it), drawn from the even 50% mark, with the policy's one-sided
threshold as a rule. One row per chosen partner, so the chart is small at any portfolio
size.

Examples
--------
>>> import polars as pl
>>> card = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"], "rank": [1, 2],
...     "reciprocity": [0.5, -0.8], "our_effort_share": [0.4, 0.9],
...     "one_sided": [False, True]})
>>> spec = reciprocity_chart(card, one_sided_share=0.7).to_dict()
>>> [panel["layer"][0]["mark"]["type"] for panel in spec["hconcat"]]
['bar', 'bar']
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.charts import columns as c
from partnerkit.charts.theme import ACCENT, MUTED
from partnerkit.metrics.reciprocity import activity_effort_share, judged_effort_share
from partnerkit.policy import Policy

__all__ = ["BALANCE_COLORS", "reciprocity_chart", "shown_count"]

BALANCE_COLORS: dict[str, str] = {
    "they give more": "#009E73",
    "balanced": "#9AA4AE",
    "we give more": "#D55E00",
}
"""Colours of the referral balance and effort sides (who carries the relationship)."""


def most_one_sided(scorecard: pl.DataFrame, /, *, limit: int) -> list[str]:
    """Return the ``limit`` counted partners with the highest ``our_effort_share``.

    Ties are broken by rank, then ``partner_id``; partners without hours come last.

    Requires columns: ``partner_id``, ``rank``, ``our_effort_share``; ``counted`` is used
    when present (else partners with a rank).

    >>> most_one_sided(pl.DataFrame({"partner_id": ["a", "b", "c"], "rank": [1, 2, None],
    ...     "our_effort_share": [0.4, 0.9, 0.95]}), limit=2)
    ['b', 'a']
    """
    return (
        scorecard.filter(_counted(scorecard))
        .sort(
            [c.OUR_EFFORT_SHARE, c.RANK, c.PARTNER_ID],
            descending=[True, False, False],
            nulls_last=True,
        )
        .head(limit)[c.PARTNER_ID]
        .to_list()
    )


def _effort_share(frame: pl.DataFrame, /) -> pl.DataFrame:
    """Our share of the effort as ``one_sided`` judges it: hours, else activities.

    Where the hours cannot compare the two sides (``our_effort_share`` null), our share of
    the activities with a known initiator (``1 - partner_initiated_share``) stands in, so a
    partner flagged one-sided by its activities is drawn, not left without a bar. Adds
    ``measured_by`` (``hours``, ``activities`` or null).

    >>> f = pl.DataFrame({"our_effort_share": [0.8, None, None],
    ...     "partner_initiated_share": [0.5, 0.1, None]})
    >>> _effort_share(f).rows()
    [(0.8, 0.5, 'hours'), (0.9, 0.1, 'activities'), (None, None, None)]
    """
    hours = pl.col(c.OUR_EFFORT_SHARE)
    if "partner_initiated_share" not in frame.columns:
        return frame.with_columns(measured_by=pl.when(hours.is_not_null()).then(pl.lit("hours")))
    activities = activity_effort_share()
    return frame.with_columns(
        measured_by=pl.when(hours.is_not_null())
        .then(pl.lit("hours"))
        .when(activities.is_not_null())
        .then(pl.lit("activities")),
        **{c.OUR_EFFORT_SHARE: judged_effort_share()},
    )


def reciprocity_chart(
    scorecard: pl.DataFrame | pl.LazyFrame,
    /,
    *,
    partners: Sequence[str] | None = None,
    one_sided_share: float = Policy().one_sided_share,
    limit: int = 25,
    title: str | None = None,
) -> alt.HConcatChart:
    """Diverging bars of referral balance and of our effort share, for chosen partners.

    ``partners`` defaults to the ``limit`` counted partners where our share of the effort is
    highest (the relationships most at risk of being one-sided). Partners flagged
    ``one_sided`` (when the column is present) are coloured as "we give more" on the effort
    panel; the one-sided threshold is drawn as a dashed rule.

    Requires columns: ``partner_id``, ``name``, ``rank``, ``reciprocity``,
    ``our_effort_share``.

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a"], "name": ["A"], "rank": [1],
    ...     "reciprocity": [None], "our_effort_share": [0.75]})
    >>> reciprocity_chart(card, one_sided_share=0.7).data["effort"].to_list()
    ['we give more']
    """
    frame = c.collected(
        scorecard,
        (c.PARTNER_ID, c.NAME, c.RANK, c.RECIPROCITY, c.OUR_EFFORT_SHARE),
        chart="reciprocity",
    )
    frame = _effort_share(frame)
    chosen = list(partners) if partners is not None else most_one_sided(frame, limit=limit)
    order = {pid: i for i, pid in enumerate(chosen)}
    one_sided = (
        pl.col(c.ONE_SIDED).fill_null(value=False)
        if c.ONE_SIDED in frame.columns
        else (pl.col(c.OUR_EFFORT_SHARE) > one_sided_share).fill_null(value=False)
    )
    frame = frame.with_columns(one_sided.alias(c.ONE_SIDED))
    one_sided = pl.col(c.ONE_SIDED)
    rows = (
        frame.filter(pl.col(c.PARTNER_ID).is_in(chosen))
        .with_columns(pl.col(c.PARTNER_ID).replace_strict(order).alias("order"))
        .sort("order")
        .select(
            c.PARTNER_ID,
            c.NAME,
            pl.col(c.RECIPROCITY).cast(pl.Float64),
            pl.col(c.OUR_EFFORT_SHARE).cast(pl.Float64),
            c.ONE_SIDED,
            "measured_by",
            pl.when(pl.col(c.RECIPROCITY) > 0)
            .then(pl.lit("they give more"))
            .when(pl.col(c.RECIPROCITY) < 0)
            .then(pl.lit("we give more"))
            .otherwise(pl.lit("balanced"))
            .alias("referrals"),
            pl.when(one_sided)
            .then(pl.lit("we give more"))
            .when(pl.col(c.OUR_EFFORT_SHARE) < 1 - one_sided_share)
            .then(pl.lit("they give more"))
            .otherwise(pl.lit("balanced"))
            .alias("effort"),
        )
    )
    # One row label per partner, unique even when two partners share a name.
    rows = rows.with_columns(
        pl.when(pl.col(c.NAME).is_duplicated())
        .then(pl.format("{} ({})", c.NAME, c.PARTNER_ID))
        .otherwise(pl.col(c.NAME))
        .alias("partner")
    )
    order_labels = rows["partner"].to_list()
    y = alt.Y("partner:N", sort=order_labels, title=None)
    colours = alt.Scale(domain=list(BALANCE_COLORS), range=list(BALANCE_COLORS.values()))
    tooltip = [
        alt.Tooltip("partner:N", title="partner"),
        alt.Tooltip(f"{c.RECIPROCITY}:Q", title="referral balance", format="+.2f"),
        alt.Tooltip(f"{c.OUR_EFFORT_SHARE}:Q", title="our share of effort", format=".0%"),
        alt.Tooltip("measured_by:N", title="measured by"),
        alt.Tooltip(f"{c.ONE_SIDED}:N", title="one-sided"),
    ]
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    bare = alt.Chart().encode(y=alt.Y("partner:N", sort=order_labels, axis=None), tooltip=tooltip)
    balance = alt.LayerChart(
        layer=[
            base.mark_bar().encode(
                x=alt.X(
                    f"{c.RECIPROCITY}:Q",
                    title="Referral balance: ← we give · they give →",
                    scale=alt.Scale(domain=[-1, 1]),
                    axis=alt.Axis(values=[-1, -0.5, 0, 0.5, 1], format="+.1~f"),
                ),
                x2=alt.datum(0),
                color=alt.Color("referrals:N", scale=colours, title="who gives more"),
            ),
            alt.Chart().mark_rule(color=MUTED).encode(x=alt.datum(0)),
        ],
        data=rows,
    ).properties(width=260, height=alt.Step(16))
    effort = alt.LayerChart(
        layer=[
            bare.mark_bar().encode(
                x=alt.X(
                    f"{c.OUR_EFFORT_SHARE}:Q",
                    title=(
                        "Our share of the effort (hours, else activities)"
                        if rows["measured_by"].eq("activities").any()
                        else "Our share of engagement hours"
                    ),
                    scale=alt.Scale(domain=[0, 1]),
                    axis=alt.Axis(format="%"),
                ),
                x2=alt.datum(0.5),
                color=alt.Color("effort:N", scale=colours, title="who gives more"),
            ),
            alt.Chart().mark_rule(color=MUTED).encode(x=alt.datum(0.5)),
            alt.Chart()
            .mark_rule(color=ACCENT, strokeDash=[5, 3])
            .encode(x=alt.datum(one_sided_share)),
        ],
        data=rows,
    ).properties(width=260, height=alt.Step(16))
    counted = frame.filter(_counted(frame))
    chart: alt.HConcatChart = alt.hconcat(
        balance,
        effort,
        title=alt.Title(
            title or "Reciprocity and effort balance",
            subtitle=f"{shown_count(rows, counted)} "
            f"(our share of effort above {one_sided_share:.0%}, dashed)",
        ),
    ).resolve_scale(y="shared")
    return chart


def _counted(frame: pl.DataFrame, /) -> pl.Expr:
    """Select the partners counted in portfolio statistics: ``counted``, else those ranked."""
    return pl.col(c.COUNTED) if c.COUNTED in frame.columns else pl.col(c.RANK).is_not_null()


def shown_count(rows: pl.DataFrame, counted: pl.DataFrame, /) -> str:
    """Say how many partners the chart shows, of all counted, and how many are one-sided.

    ``rows`` are the partners drawn, ``counted`` every counted partner; both hold
    ``partner_id`` and ``one_sided``. The one-sided partners are counted in the whole
    portfolio, so a chart showing the top 25 does not hide the others flagged.

    >>> counted = pl.DataFrame({"partner_id": ["a", "b", "c"],
    ...     "one_sided": [True, True, False]})
    >>> shown_count(counted.head(1), counted)
    '1 of 3 partners shown; 2 one-sided in all, 1 of them shown'
    >>> shown_count(counted, counted)
    '3 partners; 2 one-sided'
    """
    flagged_all = int(counted[c.ONE_SIDED].fill_null(value=False).sum())
    flagged_shown = int(rows[c.ONE_SIDED].fill_null(value=False).sum())
    everyone = set(counted[c.PARTNER_ID].to_list())
    if rows.height == counted.height and set(rows[c.PARTNER_ID].to_list()) == everyone:
        return f"{fmt.counted(rows.height, 'partner')}; {flagged_shown} one-sided"
    return (
        f"{rows.height:,} of {fmt.counted(counted.height, 'partner')} shown; "
        f"{flagged_all} one-sided in all, {flagged_shown} of them shown"
    )
