"""Quarter-on-quarter and year-on-year deltas in the report, on a portfolio worked by hand.

as_of 2025-09-30 is a quarter's last day, so the latest complete quarter is Q3 2025
(July to September), compared with Q2 2025 and with Q3 2024. Won deals (closed on):

=======  ==========  ==========  ==========  ==========  ==================================
partner  Q3 2024     Q1 2025     Q2 2025     Q3 2025     worked by hand
=======  ==========  ==========  ==========  ==========  ==================================
A        50          70          40          100         QoQ +60 (+150%), YoY +50 (+100%)
B        -           -           -           30 + lost   QoQ +30 (none in Q2), YoY +30
C        -           -           -           -           QoQ 0 (none in Q2), YoY 0
total    50          70          40          130         QoQ +90 (+225%), YoY +80 (+160%)
=======  ==========  ==========  ==========  ==========  ==================================

B also lost a deal of 999 in Q3 2025 and has an open one: neither is won revenue. The Q1 2025
deal of A is in no compared quarter.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from partnerkit import formatting as fmt
from partnerkit.analysis import analyze
from partnerkit.load import from_frames
from partnerkit.report.build import build_report
from partnerkit.report.content import change_figures

AS_OF = dt.date(2025, 9, 30)


def _deals(extra: list[tuple[str, str, str, str | None, str, float]] = ()) -> pl.DataFrame:
    rows = [
        ("d1", "A", "2024-07-01", "2024-08-15", "won", 50.0),
        ("d2", "A", "2025-01-02", "2025-02-10", "won", 70.0),
        ("d3", "A", "2025-04-01", "2025-05-20", "won", 40.0),
        ("d4", "A", "2025-07-01", "2025-09-30", "won", 100.0),
        ("d5", "B", "2025-06-01", "2025-07-01", "won", 30.0),
        ("d6", "B", "2025-06-01", "2025-08-01", "lost", 999.0),
        ("d7", "B", "2025-08-01", None, "open", 500.0),
        ("d8", "C", "2025-03-01", "2025-03-30", "lost", 10.0),
        *extra,
    ]
    return pl.DataFrame(
        rows,
        schema=["deal_id", "partner_id", "created_on", "closed_on", "outcome", "amount"],
        orient="row",
    )


def _report(tmp_path: Path, deals: pl.DataFrame, partners: pl.DataFrame | None = None) -> str:
    portfolio = from_frames(
        partners=pl.DataFrame({"partner_id": ["A", "B", "C"], "name": ["Alpha", "Beta", "Gamma"]})
        if partners is None
        else partners,
        deals=deals,
    )
    analysis = analyze(portfolio, as_of=AS_OF)
    path = build_report(analysis, tmp_path, partners=["A", "B", "C"], currency="EUR")
    return path.read_text()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _summary(html: str) -> str:
    return _text(html.split('id="summary"')[1].split("</section>", maxsplit=1)[0])


def _partner(html: str, name: str) -> str:
    pages = re.findall(r'<section class="page onepager"[^>]*>(.*?)</section>', html, re.DOTALL)
    return next(_text(p) for p in pages if f"<h2>{name} " in p)


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _report(tmp_path_factory.mktemp("report"), _deals())


def test_executive_summary_totals(html: str) -> None:
    summary = _summary(html)
    assert "Change over time" in summary
    assert "Won revenue in Q3 2025 EUR 130 " in summary
    assert "Quarter on quarter, against Q2 2025 EUR +90 (+225%)" in summary
    assert "Year on year, against Q3 2024 EUR +80 (+160%)" in summary


@pytest.mark.slow
def test_a_partner_not_counted_moves_no_portfolio_total(tmp_path: Path, html: str) -> None:
    """C exited with a large Q3 deal: the tiles leave it out, so the changes do too."""
    partners = pl.DataFrame(
        {
            "partner_id": ["A", "B", "C"],
            "name": ["Alpha", "Beta", "Gamma"],
            "status": ["active", "active", "exited"],
        }
    )
    deals = _deals([("d9", "C", "2025-07-01", "2025-08-15", "won", 5000.0)])
    summary = _summary(_report(tmp_path, deals, partners))
    assert "Won revenue in Q3 2025 EUR 130 " in summary
    assert "Quarter on quarter, against Q2 2025 EUR +90 (+225%)" in summary


def test_each_partner_page(html: str) -> None:
    a, b, c = (_partner(html, n) for n in ("Alpha", "Beta", "Gamma"))
    assert "Won revenue in Q3 2025 EUR 100 " in a
    assert "Quarter on quarter, against Q2 2025 EUR +60 (+150%)" in a
    assert "Year on year, against Q3 2024 EUR +50 (+100%)" in a
    assert "Won revenue in Q3 2025 EUR 30 " in b
    assert "Quarter on quarter, against Q2 2025 EUR +30 (nothing in Q2 2025)" in b
    assert "Year on year, against Q3 2024 EUR +30 (nothing in Q3 2024)" in b
    assert "Won revenue in Q3 2025 EUR 0 " in c
    assert "Quarter on quarter, against Q2 2025 EUR 0 (nothing in Q2 2025)" in c


@pytest.mark.slow
def test_a_deal_outside_the_compared_quarters_moves_nothing(tmp_path: Path, html: str) -> None:
    moved = _report(tmp_path, _deals([("d9", "C", "2024-11-01", "2024-12-15", "won", 5000.0)]))
    assert (
        _summary(moved).split("Change over time")[1].split("Recommendations")[0]
        == (_summary(html).split("Change over time")[1].split("Recommendations")[0])
    )


@pytest.mark.slow
def test_moving_a_deal_from_the_prior_quarter_into_the_latest_one(tmp_path: Path) -> None:
    deals = _deals().with_columns(
        closed_on=pl.when(pl.col("deal_id") == "d3")
        .then(pl.lit("2025-07-20"))
        .otherwise(pl.col("closed_on"))
    )
    summary = _summary(_report(tmp_path, deals))
    # current 130 + 40 = 170, prior 40 - 40 = 0: the change grows by twice the deal
    assert "Won revenue in Q3 2025 EUR 170 " in summary
    assert "Quarter on quarter, against Q2 2025 EUR +170 (nothing in Q2 2025)" in summary
    assert "Year on year, against Q3 2024 EUR +120 (+240%)" in summary


def test_a_quarter_the_data_does_not_cover_says_so() -> None:
    changes = pl.DataFrame(
        {
            "partner_id": ["a"],
            "quarter": [dt.date(2025, 7, 1)],
            "quarter_revenue": [10.0],
            "prior_quarter_revenue": [4.0],
            "year_ago_quarter_revenue": pl.Series([None], dtype=pl.Float64),
        }
    )
    figures = change_figures(changes, currency=None)
    assert figures[1].value == "+6 (+150%)"
    assert figures[2].value == "n/a: Q3 2024 is not in the data"
    assert change_figures(changes, currency=None, partner_id="zz") == ()


def test_falls_and_labels() -> None:
    changes = pl.DataFrame(
        {
            "partner_id": ["a", "b"],
            "quarter": [dt.date(2026, 1, 1)] * 2,
            "quarter_revenue": [25.0, 0.0],
            "prior_quarter_revenue": [100.0, 0.0],
            "year_ago_quarter_revenue": [20.0, 5.0],
        }
    )
    labels = [f.label for f in change_figures(changes, currency="USD")]
    assert labels == [
        "Won revenue in Q1 2026",
        "Quarter on quarter, against Q4 2025",
        "Year on year, against Q1 2025",
    ]
    values = [f.value for f in change_figures(changes, currency="USD")]
    assert values == ["USD 25", "USD -75 (-75%)", "USD 0 (0%)"]
    assert [fmt.quarter(dt.date(2025, m, 1)) for m in (1, 4, 7, 10)] == [
        "Q1 2025",
        "Q2 2025",
        "Q3 2025",
        "Q4 2025",
    ]


@pytest.mark.slow
def test_charts_left_out_are_named_in_the_notes_with_their_reason(html: str) -> None:
    """No account mapping, tiers or activities here: the summary says which charts are not drawn."""
    from partnerkit.charts.pack import NO_DATA  # noqa: PLC0415

    summary = _summary(html)
    overlap, quadrant = NO_DATA["overlap"], NO_DATA["quadrant"]
    assert f"Not drawn, {overlap[1]}: {quadrant[0]}, {overlap[0]}." in summary
    assert NO_DATA["lorenz"][0] not in summary.split("Notes")[1]  # A and B won something
