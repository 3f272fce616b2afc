"""Build the static HTML portfolio report, the chart pack and the scorecard exports.

:func:`build_report` writes to ``out_dir``:

``report.html``
    One self-contained page (no scripts, no external files, no network): summary figures,
    concentration, the portfolio charts, the recommendations with their reasons, the
    scorecard as a table, and a review one-pager per selected partner. Charts are embedded
    as SVG images (``data:`` URIs), which browsers never run scripts from; every piece of
    text that came from the data is HTML-escaped.
``charts/``
    The chart pack (:func:`partnerkit.charts.pack.chart_pack`) in the requested formats.
``scorecard.csv``, ``recommendations.csv``
    The full tables, written with the formula-safe exporter.

Computing and rendering stay apart: the analysis supplies every number; this module only
chooses, formats and lays them out.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from tqdm import tqdm

from partnerkit.charts import columns as c
from partnerkit.charts import theme
from partnerkit.charts.export import FORMATS, render, write_atomic
from partnerkit.charts.onepager import compact, partner_onepager
from partnerkit.charts.pack import AnalysisLike, chart_pack, quarterly_values
from partnerkit.charts.theme import RECOMMENDATION_COLORS, RECOMMENDATIONS, UNRATED
from partnerkit.decisions.export import export_frame
from partnerkit.decisions.recommend import REASONS, recommend
from partnerkit.policy import Policy

__all__ = [
    "ONEPAGER_LIMIT",
    "REPORT_FILE",
    "ReportSource",
    "build_report",
    "default_partners",
    "with_recommendations",
]

REPORT_FILE = "report.html"
"""Name of the report page inside the output folder."""

ONEPAGER_LIMIT = 40
"""Most one-pagers in the default selection (vital few and exits); ``partners`` or
``all_partners`` choose more."""

TABLE_ROWS = 200
"""Scorecard rows shown in the page (best rank first); the CSV has every partner."""

GROUP_ROWS = 50
"""Partners listed per recommendation in the page; the CSV has every partner."""

CHARTS_DIR = "charts"

# Portfolio charts in page order, with a caption for each (missing ones are skipped).
_SECTIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
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
            ("health_drivers", "What drives health across the portfolio."),
            ("health_breakdown", "What drives each partner's health."),
            ("reciprocity", "Referral balance and effort share."),
            ("overlap", "Account overlap and co-sell potential."),
        ),
    ),
)

_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    (c.RANK, "Rank"),
    (c.NAME, "Partner"),
    (c.PARTNER_ID, "ID"),
    (c.TIER, "Tier"),
    (c.IMPLIED_TIER, "Implied"),
    (c.STATE, "State"),
    (c.STAGE, "Stage"),
    (c.WON_REVENUE, "Won revenue"),
    (c.WON_DEALS, "Won deals"),
    (c.WIN_RATE, "Win rate"),
    (c.SOURCED_REVENUE, "Sourced"),
    (c.INFLUENCED_REVENUE, "Influenced"),
    (c.OPEN_PIPELINE, "Open pipeline"),
    (c.REVENUE_TREND, "Trend"),
    (c.HEALTH, "Health"),
    (c.RECOMMENDATION, "Recommendation"),
)
_RATIOS = {c.WIN_RATE, c.SHARE}


class ReportSource(AnalysisLike, Protocol):
    """What the report reads from an analysis: the chart pack's inputs plus the window."""

    @property
    def as_of(self) -> dt.date: ...  # noqa: D102

    @property
    def window_start(self) -> dt.date: ...  # noqa: D102

    @property
    def notes(self) -> tuple[str, ...]: ...  # noqa: D102


@dataclass(frozen=True)
class _Inputs:
    """The report's view of an analysis, with recommendations on the scorecard."""

    scorecard: pl.DataFrame
    concentration: pl.DataFrame
    health_explained: pl.DataFrame | None
    lift: pl.DataFrame | None
    vital_quarters: pl.DataFrame | None
    policy: Policy
    as_of: dt.date
    window_start: dt.date
    notes: tuple[str, ...]


def with_recommendations(scorecard: pl.DataFrame, /, *, policy: Policy) -> pl.DataFrame:
    """Return ``scorecard`` with ``recommendation``, ``reasons``, ``explanation`` (added once).

    A scorecard that already carries a recommendation is returned unchanged.

    Requires columns: those of :func:`partnerkit.decisions.recommend.recommend`.
    """
    if c.RECOMMENDATION in scorecard.columns:
        return scorecard
    return recommend(scorecard.lazy(), policy=policy).collect()


def default_partners(scorecard: pl.DataFrame, /, *, limit: int = ONEPAGER_LIMIT) -> list[str]:
    """Partners who get a one-pager by default: the vital few and the recommended exits.

    Best-ranked first in each group; when both groups together exceed ``limit``, each gets
    half and a group with fewer leaves its spare places to the other.

    Requires columns: ``partner_id``, ``rank``, ``vital`` (``recommendation`` optional).

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b", "c", "d"], "rank": [1, 2, 3, 4],
    ...     "vital": [True, True, False, False],
    ...     "recommendation": ["keep", "keep", "exit", "exit"]})
    >>> default_partners(card, limit=3)
    ['a', 'c', 'd']
    """
    ordered = scorecard.sort([c.RANK, c.PARTNER_ID], nulls_last=True)
    vital = ordered.filter(pl.col(c.VITAL).fill_null(value=False))[c.PARTNER_ID].to_list()
    exits: list[str] = []
    if c.RECOMMENDATION in ordered.columns:
        exits = ordered.filter(pl.col(c.RECOMMENDATION) == "exit")[c.PARTNER_ID].to_list()
    exits = [p for p in exits if p not in set(vital)]
    half = limit // 2
    take_vital = min(len(vital), max(half, limit - len(exits)))
    take_exits = min(len(exits), limit - take_vital)
    return vital[:take_vital] + exits[:take_exits]


# --- formatting -----------------------------------------------------------------------------
def _e(value: object) -> str:
    """Escape any value for HTML text and attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def _cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column in _RATIOS and isinstance(value, float):
        return f"{value:.0%}"
    if column == c.REVENUE_TREND and isinstance(value, float):
        return f"{value:+.2f}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _badge(recommendation: object) -> str:
    label = str(recommendation) if recommendation else UNRATED
    colour = RECOMMENDATION_COLORS.get(label, RECOMMENDATION_COLORS[UNRATED])
    return f'<span class="badge" style="background:{colour}">{_e(label)}</span>'


def _image(svg: str, alt: str) -> str:
    data = base64.b64encode(svg.encode()).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{_e(alt)}">'


def _figure(svg: str, alt: str, caption: str, anchor: str = "") -> str:
    ident = f' id="{_e(anchor)}"' if anchor else ""
    return f"<figure{ident}>{_image(svg, alt)}<figcaption>{_e(caption)}</figcaption></figure>"


def _table(frame: pl.DataFrame, columns: Sequence[tuple[str, str]]) -> str:
    shown = [(col, title) for col, title in columns if col in frame.columns]
    head = "".join(f"<th>{_e(title)}</th>" for _, title in shown)
    body = []
    for row in frame.select([col for col, _ in shown]).iter_rows(named=True):
        cells = []
        for col, _ in shown:
            value = row[col]
            if col == c.RECOMMENDATION:
                cells.append(f"<td>{_badge(value)}</td>")
            else:
                numeric = isinstance(value, int | float) and not isinstance(value, bool)
                cls = ' class="num"' if numeric else ""
                cells.append(f"<td{cls}>{_e(_cell(col, value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figures(items: Iterable[tuple[str, str]]) -> str:
    cards = "".join(
        f'<div class="figure"><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div></div>'
        for label, value in items
    )
    return f'<div class="figures">{cards}</div>'


def _share(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, int | float) else "n/a"


def _summary(inputs: _Inputs) -> str:
    row: dict[str, Any] = (
        inputs.concentration.row(0, named=True) if inputs.concentration.height else {}
    )
    card = inputs.scorecard
    value = inputs.policy.pareto_value.replace("_", " ")
    gini = row.get(c.GINI)
    items = [
        ("Partners counted", f"{row.get(c.PARTNERS, 0):,} of {card.height:,}"),
        (f"Total {value}", compact(row.get(c.TOTAL_VALUE))),
        (
            "Vital few",
            f"{row.get(c.VITAL_COUNT, 0):,} partners ({_share(row.get(c.VITAL_SHARE))})",
        ),
        ("Top 20% produce", _share(row.get(c.TOP20_SHARE))),
        ("Zero-value partners", _share(row.get(c.ZERO_VALUE_SHARE))),
        ("Gini", "n/a" if gini is None else f"{gini:.2f}"),
        ("Against 80/20, 90/10, 95/5", str(row.get("benchmark_position") or "n/a")),
        ("Denominator", str(row.get(c.DENOMINATOR) or inputs.policy.denominator)),
    ]
    counts = dict(
        card.group_by(c.RECOMMENDATION).len().iter_rows()
        if c.RECOMMENDATION in card.columns
        else []
    )
    badges = " ".join(f"{_badge(rec)} {counts.get(rec, 0):,}" for rec in RECOMMENDATIONS)
    return _figures(items) + f'<p class="recs">Recommendations: {badges}</p>'


def _recommendations(card: pl.DataFrame, meanings: dict[str, str]) -> str:
    if c.RECOMMENDATION not in card.columns:
        return "<p>No recommendations were computed.</p>"
    ordered = card.sort([c.RANK, c.PARTNER_ID], nulls_last=True)
    parts = []
    for rec in RECOMMENDATIONS:
        group = ordered.filter(pl.col(c.RECOMMENDATION) == rec)
        parts.append(f"<h3>{_badge(rec)} {group.height:,} partners</h3>")
        if group.height == 0:
            continue
        rows = []
        for row in group.head(GROUP_ROWS).iter_rows(named=True):
            codes = row.get(c.REASONS) or []
            reasons = " ".join(meanings.get(code, code) for code in codes)
            rows.append(
                f"<tr><td>{_e(row[c.NAME])}</td><td>{_e(row[c.PARTNER_ID])}</td>"
                f"<td>{_e(reasons)}</td><td>{_e(row.get(c.EXPLANATION))}</td></tr>"
            )
        parts.append(
            "<table><thead><tr><th>Partner</th><th>ID</th><th>Reasons</th>"
            f"<th>Explanation</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
        if group.height > GROUP_ROWS:
            parts.append(
                f'<p class="note">{group.height - GROUP_ROWS:,} more in recommendations.csv.</p>'
            )
    return "".join(parts)


_STYLE = """
body{font-family:'Liberation Sans',Arial,Helvetica,sans-serif;color:#1F2933;margin:0;
background:#F5F7F9}
main{max-width:1240px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 12px;
border-bottom:2px solid #E4E8EC;padding-bottom:6px}h3{font-size:15px;margin:20px 0 8px}
.meta,.note,figcaption{color:#5F6B76;font-size:13px}
nav a{margin-right:14px;color:#0072B2;text-decoration:none;font-size:14px}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.figure{border:1px solid #E4E8EC;border-radius:6px;padding:10px 14px;min-width:150px}
.figure .label{font-size:12px;color:#5F6B76}.figure .value{font-size:20px;font-weight:bold}
.badge{display:inline-block;color:#fff;border-radius:4px;padding:1px 7px;font-size:12px;
font-weight:bold}
.charts{display:flex;flex-wrap:wrap;gap:8px 36px;align-items:flex-start}
figure{margin:14px 0;max-width:100%}figure img{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{border-bottom:1px solid #E4E8EC;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#F5F7F9;position:sticky;top:0}td.num{text-align:right;
font-variant-numeric:tabular-nums}
.onepager{border-top:1px solid #E4E8EC;padding-top:12px}
ul.notes li{margin:4px 0}
"""


def _page(inputs: _Inputs, body: Sequence[str]) -> str:
    title = "Partner portfolio review"
    window = f"{inputs.window_start.isoformat()} to {inputs.as_of.isoformat()}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} — {_e(inputs.as_of.isoformat())}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{_e(title)}</h1>\n"
        f'<p class="meta">Window {_e(window)} (as of {_e(inputs.as_of.isoformat())}); '
        f"policy {_e(inputs.policy.fingerprint())}.</p>\n"
        '<nav><a href="#summary">Summary</a><a href="#concentration">Concentration</a>'
        '<a href="#portfolio">Portfolio</a><a href="#relationships">Relationships</a>'
        '<a href="#recommendations">Recommendations</a><a href="#scorecard">Scorecard</a>'
        '<a href="#partners">Partner reviews</a></nav>\n'
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def _as_inputs(analysis: ReportSource) -> _Inputs:
    return _Inputs(
        scorecard=with_recommendations(analysis.scorecard, policy=analysis.policy),
        concentration=analysis.concentration,
        health_explained=analysis.health_explained,
        lift=analysis.lift,
        vital_quarters=analysis.vital_quarters,
        policy=analysis.policy,
        as_of=analysis.as_of,
        window_start=analysis.window_start,
        notes=tuple(analysis.notes),
    )


def build_report(
    analysis: ReportSource,
    out_dir: str | os.PathLike[str],
    /,
    *,
    partners: Sequence[str] | None = None,
    all_partners: bool = False,
    formats: Sequence[str] = ("png", "svg", "html"),
    scale: float = 2.0,
    progress: bool = False,
) -> Path:
    """Write the HTML report, the chart pack and the CSV exports; return the report's path.

    One-pagers are drawn for ``partners`` when given (in that order), for every partner
    with ``all_partners``, and otherwise for :func:`default_partners` (the vital few and
    the recommended exits, at most :data:`ONEPAGER_LIMIT`). ``formats`` are the chart-pack
    formats (any of png, svg, pdf, html, json). ``progress`` shows a progress bar on
    standard error. Unknown partner ids raise ``KeyError`` before anything is written.

    Requires: an analysis (see :class:`ReportSource`); recommendations are computed with
    :func:`partnerkit.decisions.recommend.recommend` when the scorecard has none.
    """
    inputs = _as_inputs(analysis)
    card = inputs.scorecard
    known = set(card[c.PARTNER_ID].to_list())
    if all_partners:
        chosen = card.sort([c.RANK, c.PARTNER_ID], nulls_last=True)[c.PARTNER_ID].to_list()
    elif partners is not None:
        unknown = [p for p in partners if p not in known]
        if unknown:
            raise KeyError(f"unknown partner ids: {', '.join(unknown)}")
        chosen = list(dict.fromkeys(partners))
    else:
        chosen = default_partners(card)
    wanted = [f.lower().lstrip(".") for f in formats]
    bad = [f for f in wanted if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown chart formats: {', '.join(bad)}")

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    charts_dir = folder / CHARTS_DIR
    quarterly, quarter_value = quarterly_values(inputs)
    meanings = {r.code: r.meaning for r in REASONS}
    with theme.enabled():
        pack = chart_pack(inputs)
        steps = len(pack) + len(chosen) + 1
        with tqdm(
            total=steps, desc="report", unit="chart", file=sys.stderr, disable=not progress
        ) as bar:
            svgs: dict[str, str] = {}
            for name, chart in pack.items():
                spec = chart.to_dict()
                for fmt in wanted:
                    write_atomic(charts_dir / f"{name}.{fmt}", render(spec, fmt, scale=scale))
                svgs[name] = (
                    (charts_dir / f"{name}.svg").read_text(encoding="utf-8")
                    if "svg" in wanted
                    else render(spec, "svg").decode()
                )
                bar.update()
            pagers = []
            for i, pid in enumerate(chosen):
                chart = partner_onepager(
                    card,
                    pid,
                    health_explained=inputs.health_explained,
                    quarterly=quarterly,
                    value=quarter_value,
                    label=c.WON_REVENUE.replace("_", " "),
                )
                name = card.filter(pl.col(c.PARTNER_ID) == pid)[c.NAME].item()
                svg = render(chart.to_dict(), "svg").decode()
                pagers.append(
                    (f"partner-{i + 1}", str(name), pid, _image(svg, f"Review of {name}"))
                )
                bar.update()
            export_frame(card, folder / "scorecard.csv")
            rec_columns = [
                col
                for col in (c.PARTNER_ID, c.NAME, c.RANK, c.RECOMMENDATION, c.REASONS)
                if col in card.columns
            ]
            export_frame(
                card.select(*rec_columns, *([c.EXPLANATION] if c.EXPLANATION in card else [])).sort(
                    [c.RANK, c.PARTNER_ID], nulls_last=True
                ),
                folder / "recommendations.csv",
            )
            bar.update()

    body = ['<section id="summary"><h2>Summary</h2>', _summary(inputs)]
    if inputs.notes:
        body.append(
            '<h3>Notes</h3><ul class="notes">'
            + "".join(f"<li>{_e(note)}</li>" for note in inputs.notes)
            + "</ul>"
        )
    body.append("</section>")
    for anchor, heading, items in _SECTIONS:
        body.append(f'<section id="{anchor}"><h2>{_e(heading)}</h2><div class="charts">')
        body.extend(
            _figure(svgs[name], caption, caption) for name, caption in items if name in svgs
        )
        body.append("</div></section>")
    body.append('<section id="recommendations"><h2>Recommendations</h2>')
    body.append(_recommendations(card, meanings))
    body.append("</section>")
    ordered = card.sort([c.RANK, c.PARTNER_ID], nulls_last=True)
    body.append('<section id="scorecard"><h2>Scorecard</h2>')
    body.append(_table(ordered.head(TABLE_ROWS), _TABLE_COLUMNS))
    if ordered.height > TABLE_ROWS:
        body.append(
            f'<p class="note">Best-ranked {TABLE_ROWS:,} of {ordered.height:,} partners; '
            "every partner is in scorecard.csv.</p>"
        )
    body.append("</section>")
    body.append('<section id="partners"><h2>Partner reviews</h2>')
    if pagers:
        body.append(
            "<p>" + " · ".join(f'<a href="#{_e(a)}">{_e(n)}</a>' for a, n, _, _ in pagers) + "</p>"
        )
    else:
        body.append("<p>No partner selected.</p>")
    body.extend(
        f'<div class="onepager" id="{_e(anchor)}"><h3>{_e(name)} '
        f'<span class="meta">({_e(pid)})</span></h3>{image}</div>'
        for anchor, name, pid, image in pagers
    )
    body.append("</section>")
    page = _page(inputs, body)
    return write_atomic(folder / REPORT_FILE, page.encode("utf-8"))
