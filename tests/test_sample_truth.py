"""The analyses find what the sample generator planted (data/samples/truth.csv)."""

import dataclasses
from pathlib import Path

import polars as pl
import pytest

from partnerkit.analysis import analyze
from partnerkit.load.read import read_portfolio
from partnerkit.policy import Policy

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def portfolio():
    return read_portfolio(SAMPLE)


@pytest.fixture(scope="module")
def result(portfolio):
    return analyze(portfolio)


@pytest.fixture(scope="module")
def card(result):
    truth = pl.read_csv(SAMPLE / "truth.csv", schema_overrides={"partner_id": pl.String})
    return result.scorecard.join(truth.select("partner_id", "pattern"), on="partner_id")


def of(card, pattern):
    rows = card.filter(pl.col("pattern") == pattern)
    assert rows.height > 0, pattern
    return rows


def test_stars_are_the_vital_few(card):
    stars = set(of(card, "star")["partner_id"])
    vital = set(card.filter(pl.col("vital"))["partner_id"])
    found = len(stars & vital)
    precision, recall = found / len(vital), found / len(stars)
    assert precision >= 0.8, (precision, recall)
    assert recall >= 0.8, (precision, recall)


def test_faded_partners_are_fading_and_over_tiered(card, portfolio):
    faded = of(card, "faded")
    assert (faded["revenue_trend"] < 0).all()
    assert set(faded["tier"]) <= {"platinum", "gold"}
    # audited on twelve months of revenue under the default policy, every faded partner
    # holds a higher tier than its performance implies ...
    assert (faded["tier_gap"] > 0).all()
    # ... and audited on the recent half of the window the gap only widens
    recent = analyze(portfolio, policy=dataclasses.replace(Policy(), tier_value="revenue_recent"))
    gaps = recent.scorecard.filter(pl.col("partner_id").is_in(faded["partner_id"].implode()))
    assert (gaps["tier_gap"] > 0).all()


def test_faded_partners_fell_on_the_year_and_are_never_kept(card):
    faded = of(card, "faded")
    assert (faded["revenue_yoy"] < 0).all()
    assert (faded["won_revenue"] < faded["revenue_before"]).all()
    assert all("FADING_TREND" in r or "COLLAPSED_YOY" in r for r in faded["reasons"])
    assert (faded["recommendation"] != "keep").all()


def test_zero_revenue_partners_are_never_under_tiered(card):
    zero = card.filter((pl.col("won_revenue") == 0) & pl.col("implied_tier").is_not_null())
    assert zero.height > 0
    assert (zero["tier_gap"] >= 0).all()
    # nor is a ramping partner audited on revenue it cannot have yet
    assert card.filter(pl.col("stage") == "ramping")["implied_tier"].is_null().all()


def test_rising_partners_are_ramping_on_track(card, result):
    rising = of(card, "rising")
    assert (rising["stage"] == "ramping").all()
    assert (rising["progress"] >= result.policy.ramp_min_progress).all()
    assert all("RAMPING_ON_TRACK" in r for r in rising["reasons"])


def test_long_tail_partners_are_rarely_kept(card):
    tail = of(card, "long_tail")
    assert (tail["recommendation"] == "keep").sum() <= 0.05 * tail.height


def test_dormant_partners(card, result):
    for pattern in ("dormant_untapped", "dormant_no_overlap"):
        assert (of(card, pattern)["state"] == "dormant").all(), pattern
    floor = result.policy.reactivation_min_untapped
    assert (of(card, "dormant_untapped")["untapped_overlap"] >= floor).all()
    assert (of(card, "dormant_no_overlap")["untapped_overlap"] < floor).all()


def test_one_sided_partners(card, result):
    one_sided = of(card, "one_sided")
    assert (one_sided["our_effort_share"] > result.policy.one_sided_share).all()
    assert one_sided["one_sided"].all()
    assert (one_sided["reciprocity"] < 0).all()  # we give, they do not


def test_competitors_conflict(card, result):
    pair = tuple(sorted(of(card, "competitor")["partner_id"]))
    pairs = result.conflicts.select("partner_a", "partner_b").rows()
    assert pair in pairs
    # and it is the worst conflict of the portfolio (most shared accounts)
    assert pairs[0] == pair


def test_incentives(card, result):
    flags = dict(
        result.incentives.join(card.select("partner_id", "pattern"), on="partner_id")
        .select("pattern", "ephemeral")
        .rows()
    )
    assert flags["ephemeral_incentive"] is True
    assert flags["durable_incentive"] is False
    assert flags["flat_incentive"] is False


def test_statuses_and_engagement_timing(card, result):
    assert not of(card, "exited")["counted"].any()
    assert not of(card, "prospect")["counted"].any()
    rates = dict(result.timing.select("bucket", "win_rate").rows())
    assert rates["early"] > rates["late"]
