import polars as pl
import pytest

from partnerkit.metrics.tiers import tier_audit, tier_level, tier_summary

LADDER = ("platinum", "gold", "silver", "registered")


def audit(ladder=LADDER, **cols):
    n = len(cols["partner_id"])
    cols.setdefault("counted", [True] * n)
    return tier_audit(pl.LazyFrame(cols), ladder=ladder, value="won_revenue").collect()


def test_implied_tiers_follow_rank_in_todays_proportions():
    out = audit(
        partner_id=["a", "b", "c", "d", "e", "f"],
        tier=["platinum", "gold", "gold", "silver", "silver", "registered"],
        won_revenue=[10.0, 500.0, 40.0, 300.0, 0.0, 20.0],
    )
    # ranks: b 500, d 300, c 40, f 20, a 10, e 0; tiers handed out 1 platinum, 2 gold,
    # 2 silver, 1 registered -> b platinum, d gold, c gold, f silver, a silver, e registered
    assert out["implied_tier"].to_list() == [
        "silver",
        "platinum",
        "gold",
        "gold",
        "registered",
        "silver",
    ]
    # gap = assigned level - implied level (platinum 3 ... registered 0)
    assert out["tier_gap"].to_list() == [2, -1, 0, -1, 1, -1]


def test_zero_value_earns_the_bottom_tier():
    out = audit(
        partner_id=["a", "b", "c"],
        tier=["gold", "silver", "silver"],
        won_revenue=[0.0, 0.0, 0.0],
    )
    # nobody produced anything: nobody earns more than the bottom tier
    assert out["implied_tier"].to_list() == ["registered"] * 3
    assert out["tier_gap"].to_list() == [2, 1, 1]


def test_a_tie_group_gets_the_tier_the_whole_group_earns():
    out = audit(
        partner_id=["a", "b", "c", "d", "e"],
        tier=["platinum", "gold", "gold", "silver", "silver"],
        won_revenue=[100.0, 50.0, 50.0, 50.0, 5.0],
    )
    # places: 1 platinum, 2 gold, 2 silver. a ranks 1st: platinum. b, c, d tie for places
    # 2-4: gold has only places 2-3, so the group as a whole earns silver (places up to 5)
    # and e, 5th, silver
    assert out["implied_tier"].to_list() == ["platinum", "silver", "silver", "silver", "silver"]
    assert out["tier_gap"].to_list() == [0, 1, 1, 0, 0]


def test_ids_do_not_matter():
    args = {"tier": ["gold", "silver", "silver"], "won_revenue": [7.0, 7.0, 1.0]}
    one = audit(partner_id=["a", "b", "c"], **args)
    two = audit(partner_id=["z", "y", "x"], **args)
    assert one["implied_tier"].to_list() == two["implied_tier"].to_list() == ["silver"] * 3


def test_partners_outside_the_audit():
    out = audit(
        partner_id=["a", "b", "c", "d"],
        tier=["Gold", None, "diamond", "silver"],
        won_revenue=[5.0, 100.0, 100.0, 10.0],
        counted=[True, True, True, False],
    )
    # only a is audited (b no tier, c off the ladder, d not counted); case does not matter
    assert out["tier_level"].to_list() == [2, None, None, 1]
    assert out["implied_tier"].to_list() == ["gold", None, None, None]
    assert out["tier_gap"].to_list() == [0, None, None, None]


def test_tier_level_expression():
    f = pl.DataFrame({"t": [" platinum", "registered", "x", None]})
    assert f.select(tier_level("t", ladder=LADDER)).to_series().to_list() == [3, 0, None, None]


def test_tier_summary_counts_and_over_tiered_investment():
    card = audit(
        ("gold", "silver"),
        partner_id=["a", "b", "c", "d"],
        tier=["gold", "gold", "silver", "silver"],
        won_revenue=[0.0, 90.0, 50.0, 10.0],
    ).with_columns(investment=pl.Series([100.0, 10.0, 5.0, 1.0]))
    # ranks b, c, d, a -> gold: b, c; silver: d, a -> a over-tiered (gold -> silver),
    # c under-tiered (silver -> gold)
    out = tier_summary(card.lazy(), ladder=("gold", "silver")).collect()
    assert out.rows() == [
        ("gold", 1, 2, 2, 1, 0, 90.0, 110.0, 100.0),
        ("silver", 0, 2, 2, 0, 1, 60.0, 6.0, 0.0),
    ]
    assert out.columns[-1] == "investment_over_tiered"
    assert pytest.approx(out["investment"].sum()) == 116.0
