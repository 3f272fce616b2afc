"""The report's "Change over time" note says whose revenue it adds up, beside the totals above.

Worked by hand, as_of 2025-09-30 (Q3 2025 the latest complete quarter, against Q2 2025):

=======  =====================  ==========  ==========  =======================================
partner  deals                  Q2 2025     Q3 2025     state at as_of
=======  =====================  ==========  ==========  =======================================
A        won 4,000 and 10,000   4,000       10,000      productive
B        won 2,000              -           2,000       productive
D        won 5 (closed June)    5           -           dormant: no sign of life since 07-01,
                                                        5 of 16,005 is below the 0.1% floor
=======  =====================  ==========  ==========  =======================================

The default denominator (active) leaves D out of the totals (16,000), while the changes add
up every counted partner: Q2 is 4,005, so Q3 is up 7,995 (+200%). With the enrolled
denominator the totals count D too (16,005) and the note says "as in the totals above".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from partnerkit.analysis import analyze
from partnerkit.load import from_frames
from partnerkit.policy import Policy
from partnerkit.report.build import build_report
from partnerkit.report.content import change_note

AS_OF = dt.date(2025, 9, 30)


def _summary(tmp_path: Path, policy: Policy) -> str:
    portfolio = from_frames(
        partners=pl.DataFrame({"partner_id": ["A", "B", "D"], "name": ["Al", "Be", "Do"]}),
        deals=pl.DataFrame(
            [
                ("d1", "A", "2025-04-01", "2025-05-20", "won", 4000.0),
                ("d2", "A", "2025-07-01", "2025-08-15", "won", 10000.0),
                ("d3", "B", "2025-07-10", "2025-09-01", "won", 2000.0),
                ("d4", "D", "2025-03-01", "2025-06-10", "won", 5.0),
            ],
            schema=["deal_id", "partner_id", "created_on", "closed_on", "outcome", "amount"],
            orient="row",
        ),
    )
    analysis = analyze(portfolio, as_of=AS_OF, policy=policy)
    states = dict(analysis.scorecard.select("partner_id", "state").iter_rows())
    assert states == {"A": "productive", "B": "productive", "D": "dormant"}
    html = build_report(analysis, tmp_path, partners=["A"], currency="EUR").read_text()
    summary = html.split('id="summary"')[1].split("</section>", maxsplit=1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))


@pytest.mark.slow
def test_the_note_says_dormant_partners_count_beside_active_totals(tmp_path: Path) -> None:
    summary = _summary(tmp_path, Policy())
    assert "Total won revenue EUR 16,000 " in summary  # A and B: the active denominator
    assert "Quarter on quarter, against Q2 2025 EUR +7,995 (+200%)" in summary  # D's 5 in Q2
    assert "(as in the totals above)" not in summary
    assert (
        "Won revenue of the partners counted in portfolio statistics, dormant ones included "
        "(the totals above count the active partners only), in the latest complete quarter"
    ) in summary


@pytest.mark.slow
def test_with_the_enrolled_denominator_the_totals_are_the_same_partners(tmp_path: Path) -> None:
    summary = _summary(tmp_path, dataclasses.replace(Policy(), denominator="enrolled"))
    assert "Total won revenue EUR 16,005 " in summary
    assert "Quarter on quarter, against Q2 2025 EUR +7,995 (+200%)" in summary
    assert (
        "Won revenue of the partners counted in portfolio statistics (as in the totals above) "
        "in the latest complete quarter"
    ) in summary


def test_each_denominator_has_its_note() -> None:
    notes = {d: change_note(d) for d in ("enrolled", "active", "positive")}
    assert len(set(notes.values())) == 3
    assert "as in the totals above" in notes["enrolled"]
    assert "dormant ones included" in notes["active"]
    assert "without value in the window included" in notes["positive"]
    for note in notes.values():
        assert note.endswith("against the quarter before and the same quarter a year earlier.")
