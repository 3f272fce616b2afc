"""What the report says, as plain data: every figure chosen and formatted, nothing rendered.

The functions here read an analysis (its scorecard with recommendations, its concentration
summary) and return frozen dataclasses of text; :mod:`partnerkit.report.render` lays them
out with templates. Numbers are written through :mod:`partnerkit.formatting` only, money
with the portfolio's currency.

A reason's meaning is said once per recommendation group (with the number of partners it
applies to), never once per partner: a partner's row carries the reasons' short labels and
its own sentence.

Examples
--------
>>> import datetime as dt
>>> meta = page_meta(as_of=dt.date(2025, 3, 31), window_start=dt.date(2024, 3, 31),
...     currency="EUR", policy="abc123")
>>> meta.line
'As of 2025-03-31 · window 2024-04-01 to 2025-03-31 · amounts in EUR · policy abc123'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from partnerkit import formatting as fmt
from partnerkit.charts import columns as c
from partnerkit.charts.theme import RECOMMENDATION_COLORS, RECOMMENDATIONS, UNRATED
from partnerkit.decisions.queue import STAKE_COLUMNS, in_queue_order
from partnerkit.decisions.recommend import REASONS
from partnerkit.metrics.change import change_lines

__all__ = [
    "GROUP_ROWS",
    "LEFT_OUT_NAMED",
    "REVIEW_KINDS",
    "STAKE_COLUMNS",
    "TABLE_ROWS",
    "Figure",
    "Group",
    "PageMeta",
    "PartnerPage",
    "ReasonLine",
    "ReviewEntry",
    "ReviewGroup",
    "Table",
    "change_figures",
    "change_note",
    "decision_partners",
    "page_meta",
    "partner_page",
    "recommendation_groups",
    "review_groups",
    "review_intro",
    "review_more",
    "scorecard_table",
    "summary_figures",
]

TABLE_ROWS = 200
"""Scorecard rows shown in the page (best rank first); the CSV has every partner."""

GROUP_ROWS = 50
"""Partners listed per recommendation in the page; the CSV has every partner."""

NO_CURRENCY = "the portfolio's currency (not named in the data)"


@dataclass(frozen=True)
class PageMeta:
    """The line every printed page carries: as-of, window, currency and policy."""

    as_of: str
    window: str
    currency: str
    policy: str

    @property
    def line(self) -> str:
        """The whole line, as printed at the top of every page."""
        return (
            f"As of {self.as_of} · window {self.window} · amounts in {self.currency}"
            f" · policy {self.policy}"
        )


@dataclass(frozen=True)
class Figure:
    """A labelled figure, already written as text."""

    label: str
    value: str


@dataclass(frozen=True)
class ReasonLine:
    """A reason code, its short label, what it means and how many partners it applies to."""

    code: str
    label: str
    meaning: str
    partners: int


@dataclass(frozen=True)
class GroupRow:
    """One partner in a recommendation group."""

    name: str
    partner_id: str
    reasons: str
    value: str
    explanation: str


@dataclass(frozen=True)
class Group:
    """The partners given one recommendation, with the reasons behind it said once."""

    recommendation: str
    colour: str
    count: int
    reasons: tuple[ReasonLine, ...]
    rows: tuple[GroupRow, ...]
    more: int


@dataclass(frozen=True)
class Table:
    """A table of text: headers, which columns are numeric, the rows."""

    headers: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    badge_column: int | None = None


@dataclass(frozen=True)
class PartnerPage:
    """A partner's review page: who, the figures, the recommendation and why."""

    anchor: str
    name: str
    partner_id: str
    subtitle: str
    recommendation: str
    colour: str
    figures: tuple[Figure, ...]
    reasons: tuple[ReasonLine, ...]
    explanation: str
    changes: tuple[Figure, ...] = ()


def page_meta(
    *, as_of: dt.date, window_start: dt.date, currency: str | None, policy: str
) -> PageMeta:
    """Return the as-of, window, currency and policy line of every page (see module example)."""
    return PageMeta(
        as_of=fmt.date(as_of),
        window=fmt.window(window_start, as_of),
        currency=currency or NO_CURRENCY,
        policy=policy,
    )


def _label(code: str) -> str:
    return code.lower().replace("_", " ")


_MEANINGS: dict[str, str] = {r.code: r.meaning for r in REASONS}


def _reasons_of(rows: pl.DataFrame) -> tuple[ReasonLine, ...]:
    """Each reason code in ``rows`` once, most frequent first, with its partner count."""
    if c.REASONS not in rows.columns or rows.height == 0:
        return ()
    counts = (
        rows.select(pl.col(c.REASONS).list.unique().alias("code"))
        .explode("code")
        .drop_nulls()
        .group_by("code")
        .len()
        .sort(["len", "code"], descending=[True, False])
    )
    return tuple(
        ReasonLine(code, _label(code), _MEANINGS.get(code, _label(code)), n)
        for code, n in counts.iter_rows()
    )


def _ordered(card: pl.DataFrame) -> pl.DataFrame:
    return card.sort([c.RANK, c.PARTNER_ID], nulls_last=True)


def summary_figures(
    card: pl.DataFrame,
    concentration: Mapping[str, Any],
    /,
    *,
    value: str,
    denominator: str,
    currency: str | None,
    as_of: dt.date | None = None,
) -> tuple[Figure, ...]:
    """Return the executive summary's key figures.

    Partners are counted three ways and each is named: listed (every partner), rated (given
    a recommendation: prospects and exited partners are not) and in the concentration's
    denominator; the recommendation counts add up to the rated partners.

    Requires columns: ``partner_id``; reads ``recommendation``, ``status`` and ``signed_on``
    when present (the partners not rated are told apart by status, or signed after ``as_of``).

    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c"],
    ...     "recommendation": ["keep", "exit", None], "status": ["active", "active", "prospect"]})
    >>> conc = {"partners": 1, "total_value": 2500.0, "vital_count": 1, "vital_share": 1.0}
    >>> figures = summary_figures(card, conc, value="won_revenue", denominator="active",
    ...     currency="USD")
    >>> for f in figures[:4]:
    ...     print(f"{f.label}: {f.value}")
    Partners listed: 3
    Rated: 2 (1 not rated: prospect)
    In the denominator: 1 (active)
    Total won revenue: USD 2,500
    """
    rated = (
        card.filter(pl.col(c.RECOMMENDATION).is_not_null()).height
        if c.RECOMMENDATION in card.columns
        else 0
    )
    unrated = card.height - rated
    gini = concentration.get(c.GINI)
    return (
        Figure("Partners listed", fmt.count(card.height)),
        Figure(
            "Rated",
            fmt.count(rated)
            + (f" ({fmt.count(unrated)} not rated: {_unrated(card, as_of)})" if unrated else ""),
        ),
        Figure(
            "In the denominator",
            f"{fmt.count(concentration.get(c.PARTNERS, 0))} "
            f"({concentration.get(c.DENOMINATOR) or denominator})",
        ),
        Figure(
            f"Total {value.replace('_', ' ')}",
            fmt.money(concentration.get(c.TOTAL_VALUE), currency),
        ),
        Figure(
            "Vital few",
            f"{fmt.counted(concentration.get(c.VITAL_COUNT) or 0, 'partner')} "
            f"({fmt.percent(concentration.get(c.VITAL_SHARE))})" + _vital_value(concentration),
        ),
        Figure(
            "Top 20% produce",
            fmt.top_share(concentration.get("top20_share"), concentration.get(c.PARTNERS)),
        ),
        Figure("Zero-value partners", fmt.percent(concentration.get(c.ZERO_VALUE_SHARE))),
        Figure("Gini", fmt.number(gini, digits=2)),
        Figure("Against 80/20, 90/10, 95/5", fmt.benchmark(concentration)),
    )


def _vital_value(concentration: Mapping[str, Any], /) -> str:
    """Say what share of the value the vital few hold (the threshold or more: ties count).

    >>> _vital_value({"vital_value_share": 0.8123}), _vital_value({})
    (' hold 81%', '')
    """
    held = concentration.get("vital_value_share")
    return "" if held is None else f" hold {fmt.percent(held)}"


def _unrated(card: pl.DataFrame, as_of: dt.date | None, /) -> str:
    """Say why the partners without a recommendation have none: their status, or signed later.

    >>> card = pl.DataFrame({"recommendation": [None, None, None, "keep"],
    ...     "status": ["prospect", "active", "prospect", "active"],
    ...     "signed_on": [None, dt.date(2026, 2, 1), None, None]})
    >>> _unrated(card, dt.date(2026, 1, 31))
    '2 prospect, 1 signed after as_of'
    """
    out = card.filter(pl.col(c.RECOMMENDATION).is_null()) if c.RECOMMENDATION in card else card
    later = pl.lit(value=False)
    if as_of is not None and "signed_on" in out.columns:
        later = (pl.col("signed_on") > pl.lit(as_of)).fill_null(value=False)
    status = pl.col("status").cast(pl.String) if "status" in out.columns else pl.lit(None)
    why = (
        pl.when(later)
        .then(pl.lit("signed after as_of"))
        .otherwise(status.fill_null("status not given"))
    )
    counts = out.group_by(why.alias("why")).len().sort("len", "why", descending=[True, False])
    if counts.height == 1:  # the count is said already
        return str(counts["why"][0])
    return ", ".join(f"{fmt.count(n)} {w}" for w, n in counts.iter_rows())


def recommendation_counts(card: pl.DataFrame, /) -> tuple[tuple[str, str, int], ...]:
    """(recommendation, colour, partners) for each recommendation, in the usual order.

    >>> recommendation_counts(pl.DataFrame({"recommendation": ["exit", "keep", "exit"]}))[3]
    ('exit', '#D55E00', 2)
    """
    counts: dict[str, int] = {}
    if c.RECOMMENDATION in card.columns:
        counts = dict(card.drop_nulls(c.RECOMMENDATION).group_by(c.RECOMMENDATION).len().rows())
    return tuple((rec, RECOMMENDATION_COLORS[rec], counts.get(rec, 0)) for rec in RECOMMENDATIONS)


def recommendation_groups(
    card: pl.DataFrame, /, *, value: str, currency: str | None, rows: int = GROUP_ROWS
) -> tuple[Group, ...]:
    """Partners by recommendation: the reasons said once per group, a row per partner.

    Requires columns: ``partner_id``, ``name``, ``rank``, ``recommendation``, ``reasons``,
    ``explanation`` and ``value``.

    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"], "rank": [1, 2],
    ...     "won_revenue": [900.0, 0.0], "recommendation": ["keep", "keep"],
    ...     "reasons": [["VITAL"], ["VITAL", "NO_SPONSOR"]], "explanation": ["x.", "y."]})
    >>> keep = recommendation_groups(card, value="won_revenue", currency="USD")[0]
    >>> [(r.label, r.partners) for r in keep.reasons], keep.rows[1].reasons, keep.rows[0].value
    ([('vital', 2), ('no sponsor', 1)], 'vital, no sponsor', 'USD 900')
    """
    if c.RECOMMENDATION not in card.columns:
        return ()
    ordered = _ordered(card)
    groups = []
    for rec, colour, _ in recommendation_counts(card):
        group = ordered.filter(pl.col(c.RECOMMENDATION) == rec)
        listed = tuple(
            GroupRow(
                name=str(row[c.NAME]),
                partner_id=str(row[c.PARTNER_ID]),
                reasons=", ".join(_label(code) for code in row.get(c.REASONS) or []),
                value=fmt.money(row.get(value), currency),
                explanation=str(row.get(c.EXPLANATION) or ""),
            )
            for row in group.head(rows).iter_rows(named=True)
        )
        groups.append(
            Group(
                recommendation=rec,
                colour=colour,
                count=group.height,
                reasons=_reasons_of(group),
                rows=listed,
                more=max(group.height - rows, 0),
            )
        )
    return tuple(groups)


def _yes_no(value: object) -> str:
    return fmt.MISSING if value is None else ("yes" if value else "no")


def _text(value: object) -> str:
    return fmt.MISSING if value is None else str(value)


def _money_cell(value: object) -> str:
    return fmt.number(value if isinstance(value, int | float) else None)


def _count_cell(value: object) -> str:
    return fmt.count(value) if isinstance(value, int) else _text(value)


def _health(value: object) -> str:
    return fmt.number(value if isinstance(value, int | float) else None)


_SCORECARD: tuple[tuple[str, str, bool, Callable[[Any], str]], ...] = (
    (c.RANK, "Rank", True, _count_cell),
    (c.NAME, "Partner", False, _text),
    (c.PARTNER_ID, "ID", False, _text),
    (c.TIER, "Tier", False, _text),
    (c.IMPLIED_TIER, "Implied", False, _text),
    (c.STATE, "State", False, _text),
    (c.STAGE, "Stage", False, _text),
    (c.WON_REVENUE, "Won revenue", True, _money_cell),
    (c.WON_DEALS, "Won deals", True, _count_cell),
    (c.WIN_RATE, "Win rate", True, fmt.percent),
    (c.SOURCED_REVENUE, "Sourced", True, _money_cell),
    (c.INFLUENCED_REVENUE, "Influenced", True, _money_cell),
    (c.OPEN_PIPELINE, "Open pipeline", True, _money_cell),
    (c.REVENUE_TREND, "Trend", True, fmt.signed),
    (c.HEALTH, "Health", True, _health),
    (c.RECOMMENDATION, "Recommendation", False, lambda v: str(v or UNRATED)),
)
_MONEY_COLUMNS = {c.WON_REVENUE, c.SOURCED_REVENUE, c.INFLUENCED_REVENUE, c.OPEN_PIPELINE}


def scorecard_table(
    card: pl.DataFrame, /, *, currency: str | None, rows: int = TABLE_ROWS
) -> tuple[Table, int]:
    """Return the best-ranked ``rows`` of the scorecard as text, and how many more there are.

    Money columns name the currency in their header and show plain amounts.

    Requires columns: ``partner_id``, ``rank``; the others shown when present.

    >>> card = pl.DataFrame({"partner_id": ["a"], "rank": [1], "won_revenue": [1234.5],
    ...     "win_rate": [0.5]})
    >>> table, more = scorecard_table(card, currency="EUR")
    >>> table.headers, table.rows, more
    (('Rank', 'ID', 'Won revenue (EUR)', 'Win rate'), (('1', 'a', '1,235', '50%'),), 0)
    """
    shown = [spec for spec in _SCORECARD if spec[0] in card.columns]
    headers = tuple(
        f"{title} ({currency})" if col in _MONEY_COLUMNS and currency else title
        for col, title, _, _ in shown
    )
    ordered = _ordered(card)
    body = tuple(
        tuple(write(row[col]) for col, _, _, write in shown)
        for row in ordered.head(rows).iter_rows(named=True)
    )
    badge = next((i for i, spec in enumerate(shown) if spec[0] == c.RECOMMENDATION), None)
    table = Table(headers, tuple(num for _, _, num, _ in shown), body, badge)
    return table, max(ordered.height - rows, 0)


LEFT_OUT_NAMED = 20
"""Partners left out of the default review pages named per kind, most at stake first (the
others are counted; recommendations.csv lists every partner)."""

REVIEW_KINDS: tuple[tuple[str, str, bool], ...] = (
    ("exit", "recommended exits", False),
    ("watch", "vital partners on watch", True),
    ("invest", "recommended investments", False),
)
"""The partners needing a decision at the review, most urgent first (the queue's order):
(recommendation, what the group is called, vital partners only)."""


@dataclass(frozen=True)
class ReviewEntry:
    """A partner needing a decision: id, name and the money at stake, as text."""

    partner_id: str
    name: str
    at_stake: str


@dataclass(frozen=True)
class ReviewGroup:
    """One kind of decision among the default review pages: who got a page, who did not.

    ``shown`` are the partners given a page, ``left_out`` the others; both most money at
    stake first.
    """

    recommendation: str
    colour: str
    label: str
    shown: tuple[ReviewEntry, ...]
    left_out: tuple[ReviewEntry, ...]

    @property
    def total(self) -> int:
        """Partners of this kind, with a page or not."""
        return len(self.shown) + len(self.left_out)


def _shares(sizes: Sequence[int], limit: int, /) -> list[int]:
    """Share ``limit`` pages among groups of ``sizes``: a page each in turn, most urgent first.

    A group smaller than its share leaves the rest to the others.

    >>> _shares([101, 3, 12], 40), _shares([28, 1, 19], 40), _shares([5, 0, 2], 40)
    ([25, 3, 12], [20, 1, 19], [5, 0, 2])
    """
    shares = [0] * len(sizes)
    left = limit
    while left > 0 and any(s < n for s, n in zip(shares, sizes, strict=True)):
        for i, size in enumerate(sizes):
            if left > 0 and shares[i] < size:
                shares[i] += 1
                left -= 1
    return shares


def review_groups(
    card: pl.DataFrame, /, *, limit: int, currency: str | None = None
) -> tuple[ReviewGroup, ...]:
    """Return the partners needing a decision at the review, by kind, and who gets a page.

    The kinds (:data:`REVIEW_KINDS`) are recommended exits, vital partners on watch and
    recommended investments, most urgent first; within each, the most money at stake first
    (the sum of the :data:`STAKE_COLUMNS` present, nulls as 0), then ``partner_id``: the
    decision queue's order. The ``limit`` pages are shared among the kinds, a page each in
    turn, so that every kind with partners is represented; a kind with fewer partners than
    its share leaves the rest to the others. Kinds without partners are left out.

    Requires columns: ``partner_id``, ``recommendation``; reads ``vital`` (without it, no
    partner on watch counts as vital) and the :data:`STAKE_COLUMNS` present.

    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c", "d", "e"],
    ...     "recommendation": ["keep", "exit", "invest", "exit", "watch"],
    ...     "vital": [True, False, False, False, True],
    ...     "won_revenue": [9.0, 10.0, 0.0, 50.0, 7.0], "open_pipeline": [0.0, 5.0, 1.0, 0.0, 0.0]})
    >>> groups = review_groups(card, limit=2, currency="EUR")
    >>> [(g.recommendation, [p.partner_id for p in g.shown]) for g in groups]
    [('exit', ['d']), ('watch', ['e']), ('invest', [])]
    >>> [p.partner_id for p in groups[0].left_out], groups[0].shown[0].at_stake, groups[0].total
    (['b'], 'EUR 50', 2)
    """
    if c.RECOMMENDATION not in card.columns:
        return ()
    vital = pl.col(c.VITAL).fill_null(value=False) if c.VITAL in card.columns else pl.lit(False)
    ordered = in_queue_order(card)
    kinds = [
        (
            rec,
            label,
            ordered.filter(
                pl.col(c.RECOMMENDATION) == rec, vital if only_vital else pl.lit(value=True)
            ),
        )
        for rec, label, only_vital in REVIEW_KINDS
    ]
    kinds = [(rec, label, rows) for rec, label, rows in kinds if rows.height]
    shares = _shares([rows.height for _, _, rows in kinds], limit)

    def entries(rows: pl.DataFrame) -> tuple[ReviewEntry, ...]:
        return tuple(
            ReviewEntry(
                partner_id=str(row[c.PARTNER_ID]),
                name=str(row.get(c.NAME) or row[c.PARTNER_ID]),
                at_stake=fmt.money(row["at_stake"], currency),
            )
            for row in rows.iter_rows(named=True)
        )

    return tuple(
        ReviewGroup(
            recommendation=rec,
            colour=RECOMMENDATION_COLORS[rec],
            label=label,
            shown=entries(rows.head(share)),
            left_out=entries(rows.slice(share)),
        )
        for (rec, label, rows), share in zip(kinds, shares, strict=True)
    )


def review_intro(groups: Sequence[ReviewGroup], /, *, limit: int) -> str:
    """Say which partners the default review pages go to, in what order, and who is left out.

    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c"],
    ...     "recommendation": ["exit", "exit", "invest"], "won_revenue": [1.0, 2.0, 3.0]})
    >>> print(review_intro(review_groups(card, limit=2), limit=2))
    Review pages for the partners needing a decision, most urgent first: recommended exits, \
vital partners on watch, then recommended investments; within each, the most money at stake \
first (won revenue, open pipeline and investment). The 2 pages at most are shared among them, \
so that each is represented. Left out: 1 of 2 recommended exits (named below).
    >>> print(review_intro((), limit=40))
    No partner needs a decision: no exit or investment is recommended, no vital partner is \
on watch.
    """
    if not groups:
        return (
            "No partner needs a decision: no exit or investment is recommended, "
            "no vital partner is on watch."
        )
    text = (
        "Review pages for the partners needing a decision, most urgent first: "
        + ", ".join(label for _, label, _ in REVIEW_KINDS[:-1])
        + f", then {REVIEW_KINDS[-1][1]}; within each, the most money at stake first "
        "(won revenue, open pipeline and investment). "
        f"The {fmt.count(limit)} pages at most are shared among them, so that each is "
        "represented."
    )
    left = [g for g in groups if g.left_out]
    if not left:
        return text + " None is left out."
    said = [f"{fmt.count(len(g.left_out))} of {fmt.count(g.total)} {g.label}" for g in left]
    return f"{text} Left out: {fmt.and_list(said)} (named below)."


def review_more(groups: Sequence[ReviewGroup], /) -> str:
    """Say how to get the review pages of the partners left out; empty when none is.

    >>> left = ReviewGroup("exit", "#D55E00", "recommended exits", (),
    ...     (ReviewEntry("p9", "Nine", "EUR 5"),))
    >>> print(review_more([left]))
    For review pages of partners left out, run partnerkit report again with \
--partners ID,ID,... (pages for those partners only, in that order) or --all-partners (a page \
for every partner). recommendations.csv lists every partner with its recommendation.
    >>> review_more([])
    ''
    """
    if not any(g.left_out for g in groups):
        return ""
    return (
        "For review pages of partners left out, run partnerkit report again with "
        "--partners ID,ID,... (pages for those partners only, in that order) or "
        "--all-partners (a page for every partner). recommendations.csv lists every "
        "partner with its recommendation."
    )


def decision_partners(card: pl.DataFrame, /, *, limit: int) -> list[str]:
    """Partners given a review page by default: those :func:`review_groups` shows, in order.

    Recommended exits, vital partners on watch, then recommended investments, the ``limit``
    pages shared among them; the most money at stake first within each.

    Requires columns: ``partner_id``, ``recommendation``.

    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c", "d"],
    ...     "recommendation": ["keep", "exit", "invest", "exit"],
    ...     "won_revenue": [900.0, 10.0, 0.0, 50.0]})
    >>> decision_partners(card, limit=10), decision_partners(card, limit=2)
    (['d', 'b', 'c'], ['d', 'c'])
    """
    return [p.partner_id for group in review_groups(card, limit=limit) for p in group.shown]


def _money_figure(currency: str | None) -> Callable[[Any], str]:
    return lambda v: fmt.money(v, currency)


def _partner_figures(
    row: Mapping[str, Any], currency: str | None
) -> tuple[tuple[str, str, Callable[[Any], str]], ...]:
    money = _money_figure(currency)
    return (
        ("Won revenue", c.WON_REVENUE, money),
        ("Won deals", c.WON_DEALS, _count_cell),
        ("Win rate", c.WIN_RATE, fmt.percent),
        ("Sourced revenue", c.SOURCED_REVENUE, money),
        ("Influenced revenue", c.INFLUENCED_REVENUE, money),
        ("Open pipeline", c.OPEN_PIPELINE, money),
        ("Revenue trend", c.REVENUE_TREND, fmt.signed),
        ("Investment", c.INVESTMENT, money),
        ("Health", c.HEALTH, lambda v: _health(v) + " / 100" if v is not None else fmt.MISSING),
        ("Pareto rank", c.RANK, lambda v: _text(v) if v is None else f"#{fmt.count(v)}"),
        ("Share of value", c.SHARE, fmt.percent),
        ("State", c.STATE, _text),
        ("Stage", c.STAGE, _text),
        (
            "Our effort share",
            c.OUR_EFFORT_SHARE,
            lambda v: fmt.effort_share(v, row.get("partner_initiated_share")),
        ),
        ("Referral balance", c.RECIPROCITY, fmt.signed),
        ("Overlap accounts", c.OVERLAP_ACCOUNTS, _count_cell),
        ("Co-sell potential", c.COSELL_POTENTIAL, _count_cell),
        ("Untapped overlap", c.UNTAPPED_OVERLAP, _count_cell),
    )


def partner_page(
    card: pl.DataFrame,
    partner_id: str,
    /,
    *,
    anchor: str,
    currency: str | None,
    changes: pl.DataFrame | None = None,
) -> PartnerPage:
    """Return a partner's review page: key figures, the recommendation and its reasons.

    ``changes`` (:func:`partnerkit.metrics.change.quarter_changes`) adds the partner's
    quarter-on-quarter and year-on-year change (:func:`change_figures`).

    Requires columns: ``partner_id``, ``name``; the figures shown when present.

    >>> card = pl.DataFrame({"partner_id": ["a"], "name": ["A"], "tier": ["gold"],
    ...     "won_revenue": [1500.0], "recommendation": ["exit"], "reasons": [["DORMANT"]],
    ...     "explanation": ["Exit: dormant."]})
    >>> page = partner_page(card, "a", anchor="p1", currency="GBP")
    >>> page.figures[0], page.reasons[0].label, page.subtitle
    (Figure(label='Won revenue', value='GBP 1,500'), 'dormant', 'tier gold')
    """
    found = card.filter(pl.col(c.PARTNER_ID) == partner_id)
    if found.height == 0:
        raise KeyError(f"unknown partner id: {partner_id}")
    row = found.row(0, named=True)
    figures = tuple(
        Figure(label, write(row[col]))
        for label, col, write in _partner_figures(row, currency)
        if col in row
    )
    if c.TIER in row:
        implied = row.get(c.IMPLIED_TIER)
        figures += (Figure("Tier (implied)", f"{_text(row[c.TIER])} → {_text(implied)}"),)
    parts = [
        f"{label} {row[col]}"
        for label, col in (("tier", c.TIER), ("type", "type"), ("region", "region"))
        if row.get(col)
    ]
    rec = row.get(c.RECOMMENDATION) or UNRATED
    return PartnerPage(
        anchor=anchor,
        name=str(row[c.NAME]),
        partner_id=str(partner_id),
        subtitle=" · ".join(parts),
        recommendation=str(rec),
        colour=RECOMMENDATION_COLORS.get(str(rec), RECOMMENDATION_COLORS[UNRATED]),
        figures=figures,
        reasons=_reasons_of(found),
        explanation=str(row.get(c.EXPLANATION) or ""),
        changes=()
        if changes is None
        else change_figures(changes, currency=currency, partner_id=partner_id),
    )


def change_figures(
    changes: pl.DataFrame, /, *, currency: str | None, partner_id: str | None = None
) -> tuple[Figure, ...]:
    """Quarter-on-quarter and year-on-year change of won revenue, as key figures.

    ``changes`` is :func:`partnerkit.metrics.change.quarter_changes` (one row per partner);
    the figures are the portfolio's totals, or one partner's with ``partner_id``. Each change
    is the latest complete quarter's won revenue minus that of the quarter compared, and the
    percentage is that change over the quarter compared; a quarter the data does not cover
    says so instead of counting as 0.

    Requires columns: ``partner_id``, ``quarter``, ``quarter_revenue``,
    ``prior_quarter_revenue``, ``year_ago_quarter_revenue``.

    >>> changes = pl.DataFrame({"partner_id": ["a", "b"],
    ...     "quarter": [dt.date(2025, 7, 1)] * 2, "quarter_revenue": [100.0, 30.0],
    ...     "prior_quarter_revenue": [40.0, 0.0], "year_ago_quarter_revenue": [50.0, 0.0]})
    >>> for f in change_figures(changes, currency="EUR"):
    ...     print(f"{f.label}: {f.value}")
    Won revenue in Q3 2025: EUR 130
    Quarter on quarter, against Q2 2025: EUR +90 (+225%)
    Year on year, against Q3 2024: EUR +80 (+160%)
    >>> change_figures(changes, currency="EUR", partner_id="b")[1].value
    'EUR +30 (nothing in Q2 2025)'
    """
    lines = change_lines(changes, currency=currency, partner_id=partner_id)
    return tuple(Figure(label, value) for label, value in lines)


_LEFT_OUT_OF_TOTALS = {
    "active": "dormant ones included (the totals above count the active partners only)",
    "positive": "those without value in the window included (the totals above count the "
    "partners with value only)",
}
"""Who the change figures count beyond the totals above, per denominator other than enrolled."""


def change_note(denominator: str, /) -> str:
    """Say whose won revenue the portfolio's change figures add up, beside the totals above.

    The changes (:func:`change_figures`) add up every partner counted in portfolio
    statistics; the summary's totals are the concentration denominator's, which is the
    same set only when it is ``enrolled``: otherwise the note says who counts here but not
    there.

    >>> change_note("enrolled").split(" in the latest")[0]
    'Won revenue of the partners counted in portfolio statistics (as in the totals above)'
    >>> change_note("active").split(" in the latest")[0]
    'Won revenue of the partners counted in portfolio statistics, dormant ones included (the \
totals above count the active partners only),'
    """
    when = (
        "in the latest complete quarter, against the quarter before and the same quarter a "
        "year earlier."
    )
    who = "Won revenue of the partners counted in portfolio statistics"
    if denominator == "enrolled":
        return f"{who} (as in the totals above) {when}"
    beyond = _LEFT_OUT_OF_TOTALS.get(
        denominator, f"whether or not in the denominator of the totals above ({denominator})"
    )
    return f"{who}, {beyond}, {when}"


def charts_not_drawn(
    sections: Sequence[tuple[str, str, Sequence[tuple[str, str]]]],
    available: set[str],
    reasons: Mapping[str, tuple[str, str]],
    /,
) -> tuple[str, ...]:
    """Say, for each chart of ``sections`` left out of ``available``, why it has nothing to draw.

    ``reasons`` maps a chart's name to its title and reason
    (:data:`partnerkit.charts.pack.NO_DATA`); charts without one are not mentioned.

    Charts left out for one reason are named together.

    >>> why = {"x": ("Lorenz curve", "no partner has any value"), "z": ("Overlap", "no map"),
    ...     "w": ("Quadrant", "no map")}
    >>> for note in charts_not_drawn([("a", "A", [("x", "X."), ("y", "Y.")]),
    ...         ("b", "B", [("z", "Z."), ("w", "W.")])], {"y"}, why):
    ...     print(note)
    Not drawn, no partner has any value: Lorenz curve.
    Not drawn, no map: Overlap, Quadrant.
    """
    missing: dict[str, list[str]] = {}
    for _, _, items in sections:
        for name, _ in items:
            if name not in available and name in reasons:
                title, why = reasons[name]
                missing.setdefault(why, []).append(title)
    return tuple(f"Not drawn, {why}: {', '.join(titles)}." for why, titles in missing.items())


def chart_captions(
    sections: Sequence[tuple[str, str, Sequence[tuple[str, str]]]], available: set[str], /
) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """Return the chart sections with only the charts that exist (empty sections dropped).

    >>> chart_captions([("a", "A", [("x", "X."), ("y", "Y.")]), ("b", "B", [("z", "Z.")])],
    ...     {"y"})
    (('a', 'A', (('y', 'Y.'),)),)
    """
    kept = []
    for anchor, heading, items in sections:
        present = tuple((name, caption) for name, caption in items if name in available)
        if present:
            kept.append((anchor, heading, present))
    return tuple(kept)
