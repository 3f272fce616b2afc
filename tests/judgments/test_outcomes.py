"""Outcomes per planted archetype, on portfolios the recommendation rules were not shaped on.

The thresholds are what a partner analyst would sign, from the issue that asked for them:
stars never exited and at least 90% kept or invested in; faded partners never simply kept;
dormant partners with untapped overlap at least 80% re-activated (invest); plain dormant
partners at least 70% exited; newly signed partners never exited; long-tail partners with
trivial revenue kept at most 5%. The same on the committed sample, whose planted patterns are
in ``data/samples/truth.csv``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from partnerkit.analysis import analyze
from partnerkit.load.read import read_portfolio
from partnerkit.policy import Policy

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"


def shares(card: pl.DataFrame, pattern: str) -> dict[str, float]:
    rows = card.filter(pl.col("pattern") == pattern)
    assert rows.height > 0, pattern
    counts = rows["recommendation"].fill_null("none").value_counts()
    return {r: n / rows.height for r, n in counts.iter_rows()}


def check_outcomes(card: pl.DataFrame, names: dict[str, str]) -> None:
    star = shares(card, names["star"])
    assert star.get("exit", 0) == 0
    assert star.get("keep", 0) + star.get("invest", 0) >= 0.9, star
    assert shares(card, names["faded"]).get("keep", 0) == 0
    assert shares(card, names["dormant_untapped"]).get("invest", 0) >= 0.8
    assert shares(card, names["dormant_plain"]).get("exit", 0) >= 0.7
    if "newly_signed" in names:
        assert shares(card, names["newly_signed"]).get("exit", 0) == 0
    assert shares(card, names["long_tail"]).get("keep", 0) <= 0.05


PLANTED = {k: k for k in ("star", "faded", "dormant_untapped", "dormant_plain", "long_tail")}


def test_outcomes_on_every_planted_portfolio(cards):
    for seed in cards["seed"].unique().sort():
        check_outcomes(
            cards.filter(pl.col("seed") == seed), {**PLANTED, "newly_signed": "newly_signed"}
        )


def test_newly_signed_partners_are_never_exited_and_judged_on_progress(cards):
    new = cards.filter(pl.col("pattern") == "newly_signed")
    assert (new["recommendation"] != "exit").all()
    assert (new["stage"] == "ramping").all()
    # nothing done since signing is no progress: stalled, not on track, once the partner has
    # had the policy's active days to start; before that it is too early to judge (kept)
    idle = new.filter((pl.col("enablement_activities") == 0) & (pl.col("pipeline_created") == 0))
    days = Policy().active_days
    late = idle.filter(pl.col("tenure_days") >= days)
    early = idle.filter(pl.col("tenure_days") < days)
    assert late.height > 0
    assert early.height > 0
    assert all("RAMPING_STALLED" in r for r in late["reasons"])
    assert (late["recommendation"] == "watch").all()
    assert all("RAMPING_EARLY" in r for r in early["reasons"])
    assert (early["recommendation"] == "keep").all()


def test_stray_touches_from_us_never_wake_a_partner(cards):
    silent = cards.filter(pl.col("pattern").is_in(["dormant_plain", "dormant_untapped"]))
    touched = silent.filter(pl.col("activities") > 0)
    assert touched.height > 0  # the generator planted stray touches
    assert (touched["state"] == "dormant").all()


def test_faded_partners_carry_the_collapse_reason(cards):
    faded = cards.filter(pl.col("pattern") == "faded")
    assert all("COLLAPSED_YOY" in r for r in faded["reasons"])
    assert (faded["revenue_yoy"] < -0.9).all()


def test_zero_revenue_partners_are_never_under_tiered(cards):
    zero = cards.filter((pl.col("won_revenue") == 0) & pl.col("implied_tier").is_not_null())
    assert zero.height > 0
    assert (zero["tier_gap"] >= 0).all()
    assert (zero["implied_tier"] == "registered").all()


def test_outcomes_on_the_committed_sample():
    truth = pl.read_csv(SAMPLE / "truth.csv", schema_overrides={"partner_id": pl.String})
    card = analyze(read_portfolio(SAMPLE)).scorecard.join(truth, on="partner_id")
    check_outcomes(card, {**PLANTED, "dormant_plain": "dormant_no_overlap"})
