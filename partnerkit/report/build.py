"""Build the review pack: the HTML report, the chart pack and the scorecard exports.

:func:`build_report` writes to ``out_dir``:

``report.html``
    One self-contained page (no scripts, no external files, no network) laid out as a
    review pack that prints on A4 (one section per printed page or more, through a
    browser's print to PDF or :func:`partnerkit.report.pdf.print_pdf`): the executive
    summary, concentration, the portfolio charts, the recommendations (each reason said
    once per group), a review page per selected partner and the scorecard as an appendix.
    Every section and every printed page carries the as-of date, the window and the
    currency. Charts are embedded as SVG images (``data:`` URIs), which browsers never run
    scripts from; every piece of text that came from the data is HTML-escaped.
``charts/``
    The chart pack (:func:`partnerkit.charts.pack.chart_pack`) in the requested formats;
    SVG by default, the same renders the page embeds.
``scorecard.csv``, ``recommendations.csv``
    The full tables, written with the formula-safe exporter.

Content (:mod:`partnerkit.report.content`, plain data) and layout
(:mod:`partnerkit.report.render`, templates) stay apart; the analysis supplies every number.
Each chart is built once and rendered once per format, several renders at a time.
"""

from __future__ import annotations

import base64
import itertools
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl
from altair.utils.schemapi import debug_mode
from tqdm import tqdm

from partnerkit.charts import columns as c
from partnerkit.charts import theme
from partnerkit.charts.export import FORMATS, Progress, render_all, render_stream
from partnerkit.charts.onepager import partner_onepager
from partnerkit.charts.pack import NO_DATA, PACK, chart_pack, quarterly_values
from partnerkit.charts.theme import RECOMMENDATION_COLORS
from partnerkit.decisions.recommend import require_recommendations
from partnerkit.io import export_frame, write_atomic
from partnerkit.metrics.change import counted_only, quarter_changes_of
from partnerkit.policy import Policy
from partnerkit.report import content
from partnerkit.report.render import render_report
from partnerkit.results import AnalysisLike

__all__ = [
    "DEFAULT_FORMATS",
    "ONEPAGER_LIMIT",
    "REPORT_FILE",
    "ReportSource",
    "build_report",
    "with_recommendations",
]

REPORT_FILE = "report.html"
"""Name of the report page inside the output folder."""

ONEPAGER_LIMIT = 40
"""Most partner review pages in the default selection (the partners needing a decision,
shared among exits, vital partners on watch and investments:
:func:`partnerkit.report.content.review_groups`); ``partners`` or ``all_partners`` choose
more."""

DEFAULT_FORMATS: tuple[str, ...] = ("svg",)
"""Chart-pack formats written by default: the SVG files the page embeds, nothing more."""

CHARTS_DIR = "charts"

TITLE = "Partner portfolio review"

# Portfolio charts in page order, with a caption for each (missing ones are skipped).
SECTIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "concentration",
        "Concentration",
        (
            ("pareto", "Partners ranked by value; the line is the cumulative share."),
            ("lorenz", "How unequally value is spread across partners."),
        ),
    ),
    (
        "portfolio",
        "Where each partner stands",
        (
            ("quadrant", "Value against untapped co-sell potential, by recommendation."),
            ("quadrant_health", "Value against health, by recommendation."),
            ("tier_audit", "Assigned tier against the tier performance implies."),
            ("trend", "Won revenue per quarter of the best-ranked partners."),
            ("lift", "Deals with a partner against direct deals."),
        ),
    ),
    (
        "relationships",
        "Relationships",
        (
            (
                "health_drivers",
                "What separates the vital few from those kept, watched and exited.",
            ),
            ("health_breakdown", "What drives each partner's health."),
            ("reciprocity", "Referral balance and effort share."),
            ("overlap", "Account overlap and co-sell potential."),
        ),
    ),
)


ReportSource = AnalysisLike
"""What the report reads from an analysis (:class:`partnerkit.results.AnalysisLike`)."""


def with_recommendations(scorecard: pl.DataFrame, /, *, policy: Policy) -> pl.DataFrame:
    """Return ``scorecard``, which carries ``recommendation``, ``reasons``, ``explanation``.

    The analysis computed the recommendations (``policy`` is the one it used, named for the
    reader); this checks they are there and never computes them again
    (:func:`partnerkit.decisions.recommend.require_recommendations`).

    Requires columns: ``recommendation``.

    >>> card = pl.DataFrame({"partner_id": ["a"], "recommendation": ["keep"]})
    >>> with_recommendations(card, policy=Policy()) is card
    True
    """
    del policy  # the recommendations on the scorecard were made under it
    return require_recommendations(scorecard)


def _chosen(
    card: pl.DataFrame,
    partners: Sequence[str] | None,
    *,
    all_partners: bool,
    currency: str | None = None,
) -> tuple[list[str], str, tuple[content.ReviewGroup, ...]]:
    """Return the partners given a review page and a sentence saying who they are.

    With neither ``partners`` nor ``all_partners``, also the partners needing a decision by
    kind, with those left out (:func:`partnerkit.report.content.review_groups`).
    """
    if all_partners:
        ids = card.sort([c.RANK, c.PARTNER_ID], nulls_last=True)[c.PARTNER_ID].to_list()
        intro = "A review page for every partner, best-ranked first."
        return ids, intro if ids else "No partner selected.", ()
    if partners is not None:
        known = set(card[c.PARTNER_ID].to_list())
        unknown = [p for p in partners if p not in known]
        if unknown:
            raise KeyError(f"unknown partner ids: {', '.join(unknown)}")
        ids = list(dict.fromkeys(partners))
        return (
            ids,
            "Review pages for the partners asked for." if ids else "No partner selected.",
            (),
        )
    groups = content.review_groups(card, limit=ONEPAGER_LIMIT, currency=currency)
    ids = [p.partner_id for group in groups for p in group.shown]
    return ids, content.review_intro(groups, limit=ONEPAGER_LIMIT), groups


def _quarter_changes(analysis: ReportSource) -> pl.DataFrame | None:
    """Each partner's quarter-on-quarter and year-on-year change, from the analysis' facts.

    ``None`` for an analysis without stage-1 facts (a stand-in): the report then shows none.
    """
    facts = getattr(analysis, "facts", None)
    return None if facts is None else quarter_changes_of(facts).collect()


_BUILT_LAST = ("quadrant", "quadrant_health", "pareto", "lift")
"""Charts of the pack that take longest to build (0.1-0.2 s each on the sample, the lift's
with its intervals): built after the others, so that the first renders start sooner."""


def _pack_specs(analysis: ReportSource) -> Iterator[tuple[str, dict[str, Any]]]:
    """Build the chart pack's specs one chart at a time (the partnerkit theme active).

    The same charts and specs as :func:`partnerkit.charts.pack.chart_pack` at once; the
    chart tests validate these specs, so they are not validated a second time here (nor
    each part as altair builds it: its debug mode is off while they are built). The
    quickest to build come first (:data:`_BUILT_LAST`); the page keeps the pack's order.
    """
    last = {name: i for i, name in enumerate(_BUILT_LAST)}
    for name in sorted(PACK, key=lambda n: last.get(n, -1)):
        with theme.enabled(), debug_mode(False):
            built = chart_pack(analysis, names=[name])
            if name in built:
                spec = built[name].to_dict(validate=False)
        if name in built:
            yield name, spec


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _page_text(
    inputs: ReportSource,
    card: pl.DataFrame,
    chosen: Sequence[str],
    *,
    intro: str,
    folder: Path,
    currency: str | None,
) -> dict[str, Any]:
    """Every text of the report page, by template name; writes the two CSV files too."""
    changes = _quarter_changes(inputs)
    pages = [
        content.partner_page(
            card, pid, anchor=f"partner-{i + 1}", currency=currency, changes=changes
        )
        for i, pid in enumerate(chosen)
    ]
    export_frame(card, folder / "scorecard.csv")
    rec_columns = [
        col
        for col in (c.PARTNER_ID, c.NAME, c.RANK, c.RECOMMENDATION, c.REASONS, c.EXPLANATION)
        if col in card.columns
    ]
    export_frame(
        card.select(rec_columns).sort([c.RANK, c.PARTNER_ID], nulls_last=True),
        folder / "recommendations.csv",
    )
    concentration: dict[str, Any] = (
        inputs.concentration.row(0, named=True) if inputs.concentration.height else {}
    )
    value = inputs.policy.pareto_value
    scorecard, more_rows = content.scorecard_table(card, currency=currency)
    counts = content.recommendation_counts(card)
    return {
        "meta": content.page_meta(
            as_of=inputs.as_of,
            window_start=inputs.window_start,
            currency=currency,
            policy=inputs.policy.fingerprint(),
        ),
        "figures": content.summary_figures(
            card,
            concentration,
            value=value,
            denominator=inputs.policy.denominator,
            currency=currency,
            as_of=inputs.as_of,
        ),
        "changes": ()
        if changes is None
        else content.change_figures(counted_only(changes, card), currency=currency),
        "changes_note": content.change_note(inputs.policy.denominator),
        "counts": counts,
        "rated": sum(n for _, _, n in counts),
        "notes": inputs.notes,
        "groups": content.recommendation_groups(card, value=value, currency=currency),
        "value_label": value.replace("_", " ").capitalize(),
        "partners_intro": intro,
        "partners": pages,
        "pages_by_id": {page.partner_id: page for page in pages},
        "scorecard": scorecard,
        "more_rows": more_rows,
    }


def _partner_specs(
    inputs: ReportSource,
    card: pl.DataFrame,
    pages: Sequence[Any],
    *,
    currency: str | None,
) -> dict[str, dict[str, Any]]:
    """Build the chart one-pager spec of each reviewed partner, keyed by its page's anchor."""
    with theme.enabled(), debug_mode(False):  # validated by the chart tests
        quarterly, quarter_value = quarterly_values(inputs)
        return {
            page.anchor: partner_onepager(
                card,
                page.partner_id,
                health_explained=inputs.health_explained,
                quarterly=quarterly,
                value=quarter_value,
                label=c.WON_REVENUE.replace("_", " "),
                currency=currency,
                as_of=inputs.as_of,
            ).to_dict(validate=False)
            for page in pages
        }


def build_report(
    analysis: ReportSource,
    out_dir: str | os.PathLike[str],
    /,
    *,
    partners: Sequence[str] | None = None,
    all_partners: bool = False,
    partner_charts: bool | None = None,
    currency: str | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    scale: float = 2.0,
    progress: bool | Progress = False,
) -> Path:
    """Write the review pack, the chart pack and the CSV exports; return the report's path.

    Review pages go to ``partners`` when given (in that order), to every partner with
    ``all_partners``, and otherwise to the partners needing a decision: recommended exits,
    vital partners on watch and recommended investments, the most money at stake first
    within each, the :data:`ONEPAGER_LIMIT` pages shared among them
    (:func:`partnerkit.report.content.review_groups`); the page says how many of each were
    left out and names them. ``partner_charts`` adds each
    reviewed partner's chart one-pager to its page; by default only when the partners were
    named (``partners``), so that a default report draws no chart per partner.
    ``currency`` is the portfolio's (:func:`partnerkit.facts.portfolio_currency`);
    without it the analysis' ``currency`` attribute, when it has one. ``formats`` are the
    chart-pack formats (any of png, svg, pdf, html, json); the page embeds SVG renders
    whatever they are. ``progress`` shows a progress bar on standard error (``True``) or is
    called as ``progress(done, total)``. Unknown partner ids raise ``KeyError`` before
    anything is written.

    Requires: an analysis (see :class:`partnerkit.results.AnalysisLike`) whose scorecard
    carries its recommendations.
    """
    inputs = analysis
    card = require_recommendations(analysis.scorecard)
    money = currency or getattr(analysis, "currency", None)
    chosen, intro, groups = _chosen(card, partners, all_partners=all_partners, currency=money)
    wanted = list(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    bad = [f for f in wanted if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown chart formats: {', '.join(bad)}")
    draw_partners = partners is not None if partner_charts is None else partner_charts

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    page_formats = [*wanted, *(["svg"] if "svg" not in wanted else [])]
    text: dict[str, Any] = {}

    def write_text() -> Iterator[tuple[str, dict[str, Any]]]:
        # the page's text and the CSV files, written while the last charts render
        text.update(_page_text(inputs, card, chosen, intro=intro, folder=folder, currency=money))
        yield from ()

    with tqdm(
        total=None, desc="report", unit="render", file=sys.stderr, disable=progress is not True
    ) as bar:
        done = [0]
        partner_specs: dict[str, dict[str, Any]] = {}

        def step(_done: int, pack_files: int) -> None:
            total = pack_files + len(partner_specs)
            done[0] += 1
            bar.total = total
            bar.update(1)
            if callable(progress):
                progress(done[0], total)

        # each chart of the pack renders while the next one is built, the last ones while
        # the page's text is written
        rendered = render_stream(
            itertools.chain(_pack_specs(inputs), write_text()),
            page_formats,
            scale=scale,
            progress=step,
        )
        pack = [name for name in PACK if (name, "svg") in rendered]
        pack_files = len(pack) * len(page_formats)
        if draw_partners:
            partner_specs = _partner_specs(inputs, card, text["partners"], currency=money)
        rendered |= render_all(
            partner_specs, ["svg"], progress=lambda _done, _total: step(_done, pack_files)
        )
    for (name, fmt), data in rendered.items():
        if name in pack and fmt in wanted:
            write_atomic(folder / CHARTS_DIR / f"{name}.{fmt}", data)
    html = render_report(
        {
            **text,
            "title": TITLE,
            "sections": content.chart_captions(SECTIONS, set(pack)),
            "notes": (*text["notes"], *content.charts_not_drawn(SECTIONS, set(pack), NO_DATA)),
            "images": {name: _b64(rendered[name, "svg"]) for name in pack},
            "partner_images": {a: _b64(rendered[a, "svg"]) for a in partner_specs},
            "colours": RECOMMENDATION_COLORS,
            "review_groups": groups,
            "review_more": content.review_more(groups),
            "left_out_named": content.LEFT_OUT_NAMED,
        }
    )
    return write_atomic(folder / REPORT_FILE, html.encode("utf-8"))
