"""Recommendations are made once, by the analysis, and every view reads those.

Two kinds of check: the source (no module but the analysis calls the recommend rules; one
protocol describes an analysis), and behaviour (a view shows what the analysis' scorecard
says, even when that differs from what the rules would say on the same row, which a view
that recomputed could not do).
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import polars as pl
import pytest

import partnerkit
import partnerkit.samples
from partnerkit.analysis import Analysis, analyze
from partnerkit.decisions.recommend import DECISIONS, require_recommendations
from partnerkit.decisions.whatif import recommended_exits, what_if
from partnerkit.report.build import with_recommendations
from partnerkit.results import MEMBERS
from partnerkit.widgets.board import decision_queue
from partnerkit.widgets.state import candidates

PACKAGE = Path(partnerkit.__file__).parent
HOME = PACKAGE / "decisions" / "recommend.py"  # where the rules live
CALLER = PACKAGE / "analysis.py"  # the one place that applies them


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(), filename=str(p))) for p in sorted(PACKAGE.rglob("*.py"))]


def _calls_to(tree: ast.AST, name: str) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            called = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if called == name:
                lines.append(node.lineno)
    return lines


@pytest.mark.slow
def test_only_the_analysis_applies_the_recommend_rules() -> None:
    found = {
        path.relative_to(PACKAGE).as_posix(): lines
        for path, tree in _modules()
        if path != HOME and (lines := _calls_to(tree, "recommend"))
    }
    assert found == {"analysis.py": found.get("analysis.py", [])}, found
    assert len(found["analysis.py"]) == 1  # in the stage-two build only


def test_the_scan_finds_a_call_it_should_refuse() -> None:
    # the scan itself can fail: a consumer that recomputed would be found
    tree = ast.parse("from partnerkit.decisions import recommend\nx = recommend(card, policy=p)\n")
    assert _calls_to(tree, "recommend") == [2]
    attr = ast.parse("import partnerkit.decisions as d\nd.recommend(card, policy=p)\n")
    assert _calls_to(attr, "recommend") == [2]


@pytest.mark.slow
def test_one_protocol_describes_an_analysis() -> None:
    """No Protocol but :class:`partnerkit.results.AnalysisLike` declares a ``scorecard``."""
    declaring = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
            }
            members = {
                n.name if isinstance(n, ast.FunctionDef) else getattr(n.target, "id", "")
                for n in node.body
                if isinstance(n, ast.FunctionDef | ast.AnnAssign)
            }
            if "Protocol" in bases and "scorecard" in members:
                declaring.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.name}")
    assert declaring == ["results.py:AnalysisLike"]


def test_the_analysis_has_every_member_of_the_protocol() -> None:
    fields = {f.name for f in dataclasses.fields(Analysis)}
    properties = {n for n, v in vars(Analysis).items() if isinstance(v, property)}
    assert set(MEMBERS) <= fields | properties, set(MEMBERS) - fields - properties


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyze(partnerkit.samples.generate(partners=40, seed=5).portfolio())


def test_the_analysis_scorecard_carries_the_recommendations(analysis: Analysis) -> None:
    card = require_recommendations(analysis.scorecard)
    assert {"recommendation", "reasons", "explanation", "actions", "follow_up"} <= set(card.columns)
    counted = card.filter(pl.col("counted"))
    assert counted["recommendation"].is_in(list(DECISIONS)).all()
    assert card.filter(~pl.col("counted"))["recommendation"].null_count() == (
        card.height - counted.height
    )


def _overruled(analysis: Analysis) -> tuple[Analysis, str]:
    """The analysis with its best-ranked partner's recommendation turned into an exit.

    The rules never exit the top partner of the vital few (it is vital: keep or watch), so
    a view that showed ``exit`` for it can only have read the scorecard.
    """
    card = analysis.scorecard
    top = card.filter(pl.col("rank") == 1)["partner_id"][0]
    assert card.filter(pl.col("partner_id") == top)["recommendation"][0] in ("keep", "watch")
    changed = card.with_columns(
        recommendation=pl.when(pl.col("partner_id") == top)
        .then(pl.lit("exit"))
        .when(pl.col("recommendation") == "exit")
        .then(pl.lit("watch"))
        .otherwise(pl.col("recommendation"))
    )
    return dataclasses.replace(analysis, scorecard=changed), top


def test_views_read_the_recommendations_they_are_given(analysis: Analysis) -> None:
    overruled, top = _overruled(analysis)
    assert recommended_exits(overruled) == (top,)
    assert candidates(overruled.scorecard, policy=overruled.policy)["partner_id"][0] == top
    queue = decision_queue(overruled.scorecard, policy=overruled.policy)
    assert queue.row(0, named=True)["partner_id"] == top
    assert queue.row(0, named=True)["urgency"] == 1
    assert with_recommendations(overruled.scorecard, policy=overruled.policy) is (
        overruled.scorecard
    )
    # the what-if of the recommended exits puts the top partner's revenue at risk
    top_value = overruled.scorecard.filter(pl.col("partner_id") == top)["won_revenue"][0]
    assert what_if(overruled, recommended_exits(overruled)).summary["won_revenue_at_risk"] == (
        pytest.approx(top_value)
    )


def test_views_refuse_a_scorecard_without_recommendations(analysis: Analysis) -> None:
    bare = analysis.scorecard.drop("recommendation")
    with pytest.raises(ValueError, match="carries no recommendations"):
        candidates(bare, policy=analysis.policy)
    with pytest.raises(ValueError, match="carries no recommendations"):
        recommended_exits(dataclasses.replace(analysis, scorecard=bare))
    odd = analysis.scorecard.with_columns(recommendation=pl.lit("prune"))
    with pytest.raises(ValueError, match=r"unknown recommendations \['prune'\]"):
        require_recommendations(odd)
