"""What-if pruning on a tiny analysis worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.decisions.recommend import recommend
from partnerkit.decisions.whatif import prune, recommended_exits, what_if
from partnerkit.policy import Policy


@dataclass(frozen=True)
class Tables:
    scorecard: pl.DataFrame
    coverage: pl.DataFrame
    policy: Policy = field(default_factory=Policy)


# id    region type      state       won  sourced influenced open_pipe invest
# p1    emea   reseller  productive  600  400     200        1000      100
# p2    emea   referral  productive  250  250       0         500       50
# p3    amer   reseller  productive  100    0     100           0      200
# p4    apac   services  dormant       0    0       0         300      150
# p5    amer   referral  active       50   50       0         200        0
# p6    apac   reseller  (prospect, not counted, dormant)  all zero
# totals: won 1000, sourced 700, influenced 300, open pipeline 2000, investment 500
ROWS = [
    ("p1", "emea", "reseller", "productive", 600, 400, 200, 1000, 100, None),
    ("p2", "emea", "referral", "productive", 250, 250, 0, 500, 50, None),
    ("p3", "amer", "reseller", "productive", 100, 0, 100, 0, 200, None),
    ("p4", "apac", "services", "dormant", 0, 0, 0, 300, 150, None),
    ("p5", "amer", "referral", "active", 50, 50, 0, 200, 0, 20.0),
    ("p6", "apac", "reseller", "dormant", 0, 0, 0, 0, 0, None),
]
# Coverage: p1 a1 a2 | p2 a2 | p3 a3 a4 | p4 a4 a5 | p5 a3 | p6 a5
COVERAGE = pl.DataFrame(
    {
        "partner_id": ["p1", "p1", "p2", "p3", "p3", "p4", "p4", "p5", "p6"],
        "account_id": ["a1", "a2", "a2", "a3", "a4", "a4", "a5", "a3", "a5"],
    }
)


@pytest.fixture
def analysis(make_scorecard) -> Tables:
    rows = [
        {
            "partner_id": pid,
            "region": region,
            "type": kind,
            "state": state,
            "won_revenue": float(won),
            "sourced_revenue": float(src),
            "influenced_revenue": float(inf),
            "open_pipeline": float(pipe),
            "investment": float(inv),
            "health": health,
            "untapped_overlap": 0,
            "stage": "mature",
            "counted": pid != "p6",
            "status": "prospect" if pid == "p6" else "active",
        }
        for pid, region, kind, state, won, src, inf, pipe, inv, health in ROWS
    ]
    # the scorecard carries its recommendations, as an analysis' does
    return Tables(recommend(make_scorecard(*rows).lazy(), policy=Policy()).collect(), COVERAGE)


def test_exiting_p3_and_p4_worked_by_hand(analysis):
    w = what_if(analysis, ["p3", "p4"])
    s = w.summary
    assert w.exit == ("p3", "p4")
    assert s["partners_exited"] == 2
    # Revenue at risk: p3 100 + p4 0 = 100 of 1000; sourced 0 of 700; influenced 100 of 300.
    assert (s["won_revenue_at_risk"], s["won_revenue_total"]) == (100.0, 1000.0)
    assert s["won_revenue_at_risk_share"] == pytest.approx(0.1)
    assert (s["sourced_revenue_at_risk"], s["sourced_revenue_at_risk_share"]) == (0.0, 0.0)
    assert s["influenced_revenue_at_risk"] == 100.0
    assert s["influenced_revenue_at_risk_share"] == pytest.approx(1 / 3)
    # Open pipeline touched: 0 + 300 = 300 of 2000; investment freed: 200 + 150 = 350 of 500.
    assert s["open_pipeline_touched"] == 300.0
    assert s["open_pipeline_touched_share"] == pytest.approx(0.15)
    assert s["investment_freed"] == 350.0
    assert s["investment_freed_share"] == pytest.approx(0.7)
    # Accounts: remaining counted partners p1 p2 p5 cover a1 a2 a3. The exited cover a3 a4 a5;
    # a3 stays covered by p5, a5 only by p6 (a prospect, not counted): a4 and a5 are lost,
    # 2 of the 5 accounts covered before.
    assert w.uncovered_accounts.rows() == [("a4", ["p3", "p4"]), ("a5", ["p4"])]
    assert (s["accounts_covered"], s["accounts_uncovered"]) == (5, 2)
    assert s["accounts_uncovered_share"] == pytest.approx(0.4)
    # Regions: counted emea {p1 p2}, amer {p3 p5}, apac {p4}: apac is left empty.
    assert w.uncovered_regions.rows() == [("apac", 1, ["p4"])]
    assert w.uncovered_types.rows() == [("services", 1, ["p4"])]
    assert (s["regions_uncovered"], s["types_uncovered"]) == (1, 1)
    assert w.partners["partner_id"].to_list() == ["p3", "p4"]


def test_concentration_before_and_after_worked_by_hand(analysis):
    s = what_if(analysis, ["p3", "p4"]).summary
    # Denominator "active": counted and not dormant. Before: p1 600, p2 250, p3 100, p5 50.
    # Shares .6 .25 .1 .05, cumulative .6 .85 .95 1: p1 and p2 are vital (cum before < .8).
    # Gini = sum((n + 1 - 2 rank) u) / (n total) = (3*600 + 250 - 100 - 3*50) / 4000 = 0.45.
    # HHI = .36 + .0625 + .01 + .0025 = .435. Top 20%: 0.8 of the first partner = .48.
    assert (s["partners_before"], s["vital_count_before"]) == (4, 2)
    assert s["gini_before"] == pytest.approx(0.45)
    assert s["hhi_before"] == pytest.approx(0.435)
    assert s["top20_share_before"] == pytest.approx(0.48)
    # After: p1 600, p2 250, p5 50 of 900. Cumulative .667 .944 1: p1 and p2 vital.
    # Gini = (2*600 + 0 - 2*50) / (3 * 900) = 1100 / 2700; HHI = (36 + 6.25 + .25) / 81.
    # Top 20%: 0.6 of the first partner's share 2/3 = 0.4.
    assert (s["partners_after"], s["vital_count_after"]) == (3, 2)
    assert s["gini_after"] == pytest.approx(1100 / 2700)
    assert s["hhi_after"] == pytest.approx(42.5 / 81)
    assert s["top20_share_after"] == pytest.approx(0.4)


def test_nothing_exited_changes_nothing(analysis):
    w = what_if(analysis, [])
    assert w.summary["won_revenue_at_risk"] == 0.0
    assert w.summary["accounts_uncovered"] == 0
    assert w.uncovered_regions.is_empty()
    assert w.concentration_before.equals(w.concentration_after)
    assert w.summary_frame().height == 1


def test_unknown_ids_are_named_and_duplicates_dropped(analysis):
    with pytest.raises(ValueError, match=r"'nope', 'zz'"):
        what_if(analysis, ["p1", "zz", "nope"])
    assert what_if(analysis, ["p2", "p2", "p1"]).exit == ("p2", "p1")
    assert what_if(analysis, "p1").exit == ("p1",)


def test_recommended_exits_and_their_what_if(analysis):
    # p4: mature, dormant, no overlap -> exit; p5: active without results, health 20 -> exit;
    # p6 is a prospect (no recommendation); p1-p3 are productive -> keep.
    exits = recommended_exits(analysis)
    assert exits == ("p4", "p5")
    s = what_if(analysis, exits).summary
    assert s["won_revenue_at_risk"] == 50.0  # p5's 50 of 1000
    assert s["won_revenue_at_risk_share"] == pytest.approx(0.05)
    assert s["investment_freed"] == 150.0


def test_what_if_works_without_optional_columns():
    bare = Tables(
        pl.DataFrame({"partner_id": ["a", "b"], "state": ["productive", "dormant"]}).with_columns(
            won_revenue=pl.Series([5.0, 0.0])
        ),
        pl.DataFrame(schema={"partner_id": pl.String, "account_id": pl.String}),
    )
    s = what_if(bare, ["b"]).summary
    assert s["won_revenue_at_risk"] == 0.0
    assert s["investment_freed"] is None
    assert s["regions_uncovered"] == 0


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from([r[0] for r in ROWS])))
def test_money_at_risk_and_kept_add_up_to_the_total(make_scorecard, exit_set):
    rows = [
        {"partner_id": r[0], "region": r[1], "type": r[2], "state": r[3],
         "won_revenue": float(r[4]), "sourced_revenue": float(r[5]),
         "influenced_revenue": float(r[6]), "open_pipeline": float(r[7]),
         "investment": float(r[8])}
        for r in ROWS
    ]  # fmt: skip
    analysis = Tables(make_scorecard(*rows), COVERAGE)
    rest = {r[0] for r in ROWS} - exit_set
    a, b = what_if(analysis, exit_set).summary, what_if(analysis, rest).summary
    pairs = [
        ("won_revenue_at_risk", "won_revenue_total"),
        ("influenced_revenue_at_risk", "influenced_revenue_total"),
        ("open_pipeline_touched", "open_pipeline_total"),
        ("investment_freed", "investment_total"),
    ]
    for part, total in pairs:
        assert a[part] + b[part] == pytest.approx(a[total])
    lost = set(what_if(analysis, exit_set).uncovered_accounts["account_id"].to_list())
    exited_accounts = set(COVERAGE.filter(pl.col("partner_id").is_in(list(exit_set)))["account_id"])
    assert lost <= exited_accounts


def test_a_partner_not_counted_covers_no_account_as_no_region():
    # "gone" (exited) alone works account G1 and region latam; exiting it again uncovers
    # nothing: accounts count as covered only by a counted partner, as regions and types do
    card = pl.DataFrame(
        {
            "partner_id": ["live", "gone"],
            "counted": [True, False],
            "region": ["emea", "latam"],
            "type": ["reseller", "referral"],
            "won_revenue": [100.0, 0.0],
            "state": ["productive", "dormant"],
        }
    )
    cov = pl.DataFrame({"partner_id": ["live", "gone"], "account_id": ["A1", "G1"]})
    s = prune(card, exit=["gone"], coverage=cov, policy=Policy()).summary
    assert (s["accounts_covered"], s["accounts_uncovered"]) == (1, 0)
    assert (s["regions_uncovered"], s["types_uncovered"]) == (0, 0)
    # exiting the counted partner uncovers its account, its region and its type
    s = prune(card, exit=["live"], coverage=cov, policy=Policy()).summary
    assert (s["accounts_covered"], s["accounts_uncovered"]) == (1, 1)
    assert (s["regions_uncovered"], s["types_uncovered"]) == (1, 1)
