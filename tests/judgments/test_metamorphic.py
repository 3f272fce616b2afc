"""Changes that must not move a judgment, or must move it one way only.

Each test changes a planted portfolio (:mod:`tests.judgments.archetypes`) in one way and
compares the analysis before and after: a touch from our side added to a dormant partner;
zero-revenue partners added; a faded partner's wins moved entirely before the window; every
date shifted by a year; every id renamed; a large partner that is not counted added; direct
deals added; every table's rows shuffled; every amount scaled with the money floor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from partnerkit.analysis import analyze
from partnerkit.metrics.tiers import tier_audit, tier_level
from tests.judgments.archetypes import Planted, plant

SMALL = {
    "star": 5,
    "faded": 5,
    "dormant_untapped": 5,
    "dormant_plain": 8,
    "newly_signed": 4,
    "long_tail": 20,
}
WORLD = plant(5, SMALL)
JUDGMENT = ["partner_id", "state", "recommendation", "reasons", "actions"]


def card_of(world: Planted, as_of: dt.date | None = None) -> pl.DataFrame:
    return analyze(world.portfolio(), as_of=as_of or world.as_of).scorecard.sort("partner_id")


BASE = card_of(WORLD)


def with_tables(world: Planted, **tables: pl.DataFrame) -> Planted:
    return dataclasses.replace(world, **tables)


@pytest.mark.slow
@settings(max_examples=8, deadline=None)
@given(
    st.integers(0, 364),
    st.sampled_from(["other", "enablement", "qbr", "exec_meeting", "training"]),
    st.integers(0, 10_000),
)
def test_a_touch_from_us_leaves_a_dormant_partner_dormant(days_ago, kind, pick):
    dormant = BASE.filter(pl.col("state") == "dormant")["partner_id"].to_list()
    pid = dormant[pick % len(dormant)]
    touch = pl.DataFrame(
        {
            "partner_id": [pid],
            "occurred_on": [WORLD.as_of - dt.timedelta(days=days_ago)],
            "kind": [kind],
            "initiated_by": ["us"],
            "hours": [0.5],
        }
    )
    after = card_of(with_tables(WORLD, activities=pl.concat([WORLD.activities, touch])))
    row = after.filter(pl.col("partner_id") == pid).row(0, named=True)
    assert row["state"] == "dormant"
    assert row["activities"] >= 1  # the touch still counts as effort


def test_adding_zero_revenue_partners_never_makes_them_under_tiered():
    rng = random.Random(3)
    tiers = ["platinum", "gold", "silver", "registered"]
    extra = pl.DataFrame(
        {
            "partner_id": [f"ZERO{i:03d}" for i in range(60)],
            "name": [f"Zero {i}" for i in range(60)],
            "tier": [rng.choice(tiers) for _ in range(60)],
            "signed_on": [WORLD.as_of - dt.timedelta(days=800)] * 60,
            "status": ["active"] * 60,
        }
    )
    partners = pl.concat([WORLD.partners, extra], how="diagonal_relaxed")
    after = card_of(with_tables(WORLD, partners=partners))
    added = after.filter(pl.col("partner_id").str.starts_with("ZERO"))
    assert (added["tier_gap"] >= 0).all()
    assert (added["implied_tier"] == "registered").all()
    assert_places_kept(after.filter(pl.col("implied_tier").is_not_null()), tuple(tiers))
    # the added partners rank below every producer and bring their tiers' places with them:
    # no partner already there goes down
    ladder = tuple(tiers)
    before = BASE.select("partner_id", tier_level("implied_tier", ladder=ladder).alias("was"))
    now = after.select("partner_id", tier_level("implied_tier", ladder=ladder).alias("now"))
    both = before.join(now, on="partner_id").drop_nulls()
    assert both.height > 0
    assert (both["now"] >= both["was"]).all()


def assert_places_kept(audited: pl.DataFrame, ladder: tuple[str, ...]) -> None:
    """Today's proportions: at most as many partners implied at or above each tier as hold it.

    (A tie group that does not fit a tier's places goes down whole, so places may stay empty;
    the bottom tier takes the rest.)
    """
    assigned = audited.select(tier_level("tier", ladder=ladder)).to_series()
    implied = audited.select(tier_level("implied_tier", ladder=ladder)).to_series()
    for level in range(1, len(ladder)):
        assert (implied >= level).sum() <= (assigned >= level).sum()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["gold", "silver", "registered"]),
            st.sampled_from([0.0, 0.0, 0.0, 10.0, 25.0, 100.0]),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 20),
)
def test_tier_audit_with_any_number_of_zero_partners(rows, zeros):
    ladder = ("gold", "silver", "registered")
    rows = rows + [("gold", 0.0)] * zeros
    frame = pl.LazyFrame(
        {
            "partner_id": [f"p{i}" for i in range(len(rows))],
            "tier": [t for t, _ in rows],
            "won_revenue": [v for _, v in rows],
            "counted": [True] * len(rows),
        }
    )
    out = tier_audit(frame, ladder=ladder, value="won_revenue").collect()
    zero = out.filter(pl.col("won_revenue") == 0)
    assert (zero["implied_tier"] == "registered").all()
    assert (zero["tier_gap"] >= 0).all()
    assert_places_kept(out, ladder)
    # partners with equal value share their implied tier
    groups = out.group_by("won_revenue").agg(pl.col("implied_tier").n_unique().alias("n"))
    assert (groups["n"] == 1).all()
    # a better performer never gets a lower implied tier
    ranked = out.with_columns(level=tier_level("implied_tier", ladder=ladder)).sort("won_revenue")
    assert ranked["level"].is_sorted()


def test_moving_a_faded_partners_wins_before_the_window_makes_it_more_faded():
    faded = BASE.filter((pl.col("revenue_before") > 0) & (pl.col("won_revenue") > 0))
    assert faded.height > 0
    moved_ids = faded["partner_id"].to_list()
    shift = dt.timedelta(days=365)
    in_w = pl.col("partner_id").is_in(moved_ids) & (pl.col("outcome") == "won")
    in_w = in_w & (pl.col("closed_on") > WORLD.as_of - shift)
    deals = WORLD.deals.with_columns(
        pl.when(in_w).then(pl.col(c) - shift).otherwise(pl.col(c)).alias(c)
        for c in ("created_on", "closed_on")
    )
    after = card_of(with_tables(WORLD, deals=deals)).filter(pl.col("partner_id").is_in(moved_ids))
    before = faded.sort("partner_id")
    assert (after["won_revenue"] == 0).all()
    assert (after["revenue_yoy"] <= before["revenue_yoy"]).all()
    assert (after["revenue_yoy"] == -1).all()
    assert all("COLLAPSED_YOY" in r for r in after["reasons"])
    assert (after["recommendation"] != "keep").all()


def test_shifting_every_date_by_a_year_changes_no_recommendation():
    def later(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col(pl.Date).dt.offset_by("1y"))

    shifted = with_tables(
        WORLD,
        partners=later(WORLD.partners),
        deals=later(WORLD.deals),
        activities=later(WORLD.activities),
    )
    after = card_of(shifted, as_of=dt.date(WORLD.as_of.year + 1, 6, 30))
    assert after.select(JUDGMENT).equals(BASE.select(JUDGMENT))


def test_renaming_ids_changes_nothing():
    ids = WORLD.partners["partner_id"].to_list()
    rng = random.Random(9)
    new = [f"R{rng.randrange(10**9):09d}{i}" for i in range(len(ids))]
    mapping = dict(zip(ids, new, strict=True))

    def renamed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col("partner_id").replace_strict(mapping))

    world = with_tables(
        WORLD,
        partners=renamed(WORLD.partners),
        deals=renamed(WORLD.deals).with_columns(pl.col("deal_id").str.reverse()),
        activities=renamed(WORLD.activities),
        overlaps=renamed(WORLD.overlaps),
    )
    back = {v: k for k, v in mapping.items()}
    after = (
        card_of(world).with_columns(pl.col("partner_id").replace_strict(back)).sort("partner_id")
    )
    assert after.select(JUDGMENT).equals(BASE.select(JUDGMENT))
    assert after["implied_tier"].to_list() == BASE["implied_tier"].to_list()


SCORED = [*JUDGMENT, "won_revenue", "rank", "share", "vital", "health", "progress"]


def _counted_only(card: pl.DataFrame) -> pl.DataFrame:
    return card.filter(pl.col("counted")).select(SCORED).sort("partner_id")


@pytest.mark.parametrize("status", ["exited", "prospect"])
def test_a_partner_not_counted_moves_no_counted_partner(status):
    """An exited partner (or a prospect) with the largest revenue of all is listed, not scored.

    Every share, rank, vital flag and judgment of the counted partners stays, and so does the
    concentration: its revenue is in no total they are measured against.
    """
    top = float(WORLD.deals["amount"].max()) * 50
    partner = WORLD.partners.head(1).with_columns(
        partner_id=pl.lit("ZZ-OUT"), name=pl.lit("Gone"), status=pl.lit(status)
    )
    deals = pl.DataFrame(
        {
            "deal_id": ["ZZ1", "ZZ2"],
            "partner_id": ["ZZ-OUT"] * 2,
            "created_on": [WORLD.as_of - dt.timedelta(days=d) for d in (200, 90)],
            "closed_on": [WORLD.as_of - dt.timedelta(days=d) for d in (100, 5)],
            "outcome": ["won", "won"],
            "amount": [top, top],
        }
    )
    world = with_tables(
        WORLD,
        partners=pl.concat([WORLD.partners, partner], how="diagonal_relaxed"),
        deals=pl.concat([WORLD.deals, deals], how="diagonal_relaxed"),
    )
    before = analyze(WORLD.portfolio(), as_of=WORLD.as_of)
    after = analyze(world.portfolio(), as_of=world.as_of)
    assert_frame_equal(_counted_only(after.scorecard), _counted_only(before.scorecard))
    assert_frame_equal(after.concentration, before.concentration)
    out = after.scorecard.filter(pl.col("partner_id") == "ZZ-OUT").row(0, named=True)
    assert (out["counted"], out["recommendation"]) == (False, None)
    assert out["won_revenue"] == pytest.approx(2 * top)


def test_shuffling_the_rows_of_every_table_changes_nothing():
    """Row order carries no meaning: the same scorecard, row for row, from shuffled inputs."""
    world = with_tables(
        WORLD,
        partners=WORLD.partners.sample(fraction=1.0, shuffle=True, seed=3),
        deals=WORLD.deals.sample(fraction=1.0, shuffle=True, seed=4),
        activities=WORLD.activities.sample(fraction=1.0, shuffle=True, seed=5),
        overlaps=WORLD.overlaps.sample(fraction=1.0, shuffle=True, seed=6),
    )
    assert_frame_equal(card_of(world), BASE)


def test_direct_deals_move_no_partner():
    """Deals without a partner, won in the window, are no partner's revenue or share."""
    direct = pl.DataFrame(
        {
            "deal_id": [f"DX{i}" for i in range(30)],
            "partner_id": [None] * 30,
            "created_on": [WORLD.as_of - dt.timedelta(days=60 + i) for i in range(30)],
            "closed_on": [WORLD.as_of - dt.timedelta(days=10 + i) for i in range(30)],
            "outcome": ["won", "lost"] * 15,
            "amount": [12_345.0] * 30,
        },
        schema_overrides={"partner_id": pl.String},
    )
    world = with_tables(WORLD, deals=pl.concat([WORLD.deals, direct], how="diagonal_relaxed"))
    assert_frame_equal(card_of(world).select(SCORED), BASE.select(SCORED))


def test_amounts_in_another_currency_change_no_judgment():
    """Every amount times 100 (cents, or a weak currency), the money floor with it: same calls."""
    scaled = with_tables(WORLD, deals=WORLD.deals.with_columns(pl.col("amount") * 100))
    floor = 1_000.0
    policy = dataclasses.replace(analyze(WORLD.portfolio()).policy, productive_min_revenue=floor)
    cents = dataclasses.replace(policy, productive_min_revenue=floor * 100)
    before = analyze(WORLD.portfolio(), as_of=WORLD.as_of, policy=policy).scorecard
    after = analyze(scaled.portfolio(), as_of=WORLD.as_of, policy=cents).scorecard
    keep = [*JUDGMENT, "rank", "vital", "health"]
    assert after.sort("partner_id").select(keep).equals(before.sort("partner_id").select(keep))
    assert after.sort("partner_id")["share"].to_list() == pytest.approx(
        before.sort("partner_id")["share"].to_list(), nan_ok=True
    )


def test_blank_hours_never_hide_that_the_effort_is_ours_alone():
    """A dormant partner we court alone is exited whether or not the CRM recorded hours.

    With hours, our share of them (100%) makes the effort one-sided, and a one-sided dormant
    partner is exited however healthy our own touches make it look (they lift its awareness,
    never its recency: that is the partner's own). An export without hours must reach the
    same call: then the initiators of the activities say whose effort it is.
    """
    pid = BASE.filter(pl.col("state") == "dormant").sort("partner_id")["partner_id"][0]
    kinds = ["enablement", "training", "certification", "joint_marketing", "qbr", "other"]
    courted = pl.DataFrame(
        {
            "partner_id": [pid] * 36,
            "occurred_on": [WORLD.as_of - dt.timedelta(days=100 + 7 * i) for i in range(36)],
            "kind": [kinds[i % len(kinds)] for i in range(36)],
            "initiated_by": ["us"] * 36,
            "hours": [3.0] * 36,
        }
    )
    others = WORLD.activities.filter(pl.col("partner_id") != pid)
    calls = {}
    for label, hours in (("hours", courted), ("blank", courted.with_columns(hours=None))):
        acts = pl.concat([others, hours], how="diagonal_relaxed")
        row = card_of(with_tables(WORLD, activities=acts)).filter(pl.col("partner_id") == pid)
        calls[label] = row.row(0, named=True)
    before = card_of(WORLD).filter(pl.col("partner_id") == pid)["health"].item()
    assert calls["hours"]["health"] > before  # 36 touches of ours lift its awareness
    for row in calls.values():
        assert row["state"] == "dormant"
        assert row["one_sided"] is True
        assert row["recommendation"] == "exit"
        assert "ONE_SIDED" in row["reasons"]
    assert calls["blank"]["our_effort_share"] is None  # the share of the hours stays unknown
    assert "we put in 100% of the engagement hours" in calls["hours"]["explanation"]
    blank = calls["blank"]["explanation"]
    assert "we initiated 100% of the activities (hours not recorded on both sides)" in blank


def test_hours_on_our_side_only_never_make_the_partners_effort_ours():
    """A partner that initiates most activities, logged without hours beside ours logged with
    them, is not one-sided: the hours cannot compare, so the activities decide."""
    pid = BASE.filter(pl.col("state") == "dormant").sort("partner_id")["partner_id"][0]
    day = [WORLD.as_of - dt.timedelta(days=120 + 9 * i) for i in range(12)]
    mixed = pl.DataFrame(
        {
            "partner_id": [pid] * 12,
            "occurred_on": day,
            "kind": ["cosell"] * 12,
            "initiated_by": ["partner"] * 10 + ["us"] * 2,
            "hours": [None] * 10 + [5.0, 5.0],
        },
        schema_overrides={"hours": pl.Float64},
    )
    acts = pl.concat(
        [WORLD.activities.filter(pl.col("partner_id") != pid), mixed], how="diagonal_relaxed"
    )
    row = card_of(with_tables(WORLD, activities=acts)).filter(pl.col("partner_id") == pid)
    row = row.row(0, named=True)
    assert row["our_effort_share"] is None  # not 100%: the partner's hours are not recorded
    assert row["one_sided"] is False  # 2 of the 12 activities are ours
    assert "ONE_SIDED" not in row["reasons"]
