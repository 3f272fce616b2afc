"""Recommendations and what-if on the committed sample portfolio, against its planted truth."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.analysis import analyze
from partnerkit.cli import decisions as cli
from partnerkit.decisions.ledger import Ledger
from partnerkit.decisions.recommend import recommend
from partnerkit.decisions.whatif import recommended_exits, what_if
from partnerkit.load.read import read_portfolio

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def analysis():
    return analyze(read_portfolio(SAMPLE))


@pytest.fixture(scope="module")
def judged(analysis):
    truth = pl.read_csv(SAMPLE / "truth.csv")
    recs = recommend(analysis.scorecard.lazy(), policy=analysis.policy).collect()
    return recs.join(truth, on="partner_id", how="left")


def of(judged, pattern):
    rows = judged.filter(pl.col("pattern") == pattern)
    assert rows.height > 0, f"the sample plants no {pattern!r} partner"
    return rows


def test_no_planted_star_is_recommended_exit(judged):
    stars = of(judged, "star")
    assert stars.filter(pl.col("recommendation") == "exit").is_empty()
    assert stars["recommendation"].is_null().sum() == 0


def test_every_dormant_partner_with_untapped_overlap_is_reactivated(judged):
    planted = of(judged, "dormant_untapped")
    assert planted["recommendation"].to_list() == ["invest"] * planted.height
    assert all("REACTIVATE_UNTAPPED_OVERLAP" in r for r in planted["reasons"])


def test_dormant_partners_without_overlap_are_exit_candidates(judged):
    planted = of(judged, "dormant_no_overlap")
    assert planted["recommendation"].to_list() == ["exit"] * planted.height


def test_prospects_and_exited_partners_get_no_recommendation(judged):
    for pattern in ("prospect", "exited"):
        rows = of(judged, pattern)
        assert rows["recommendation"].is_null().all()
        assert rows["reasons"].to_list() == [["NOT_COUNTED"]] * rows.height


def test_recommended_exits_put_little_revenue_at_risk(analysis):
    exits = recommended_exits(analysis)
    assert exits
    w = what_if(analysis, exits)
    assert w.summary["won_revenue_at_risk_share"] <= 0.02
    assert w.summary["open_pipeline_touched_share"] <= 0.05
    # Recomputed concentration before the exits matches the analysis' own.
    assert_frame_equal(w.concentration_before, analysis.concentration)


def test_record_from_the_command_line_snapshots_the_analysis(analysis, tmp_path):
    partner = analysis.scorecard["partner_id"][0]
    as_of, metrics = cli.snapshot(SAMPLE, partner, as_of=None, policy=analysis.policy)
    assert as_of == analysis.as_of
    assert metrics["won_revenue"] == analysis.partner(partner)["won_revenue"]
    assert metrics["recommendation"] in ("keep", "invest", "watch", "exit")
    with Ledger(tmp_path / "l.sqlite") as led:
        d = led.record(
            partner, "keep", "top producer", who="ana", as_of=as_of, policy=analysis.policy,
            metrics=metrics,
        )  # fmt: skip
        stored = json.loads(led.history()["metrics"][0])
    assert d.policy_hash == analysis.policy.fingerprint()
    assert stored["partner_id"] == partner
    assert stored["signed_on"] == str(metrics["signed_on"])
