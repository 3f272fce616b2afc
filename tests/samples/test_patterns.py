"""Each planted pattern is present in the raw rows, checked directly with polars.

The checks are written from the definitions of the design brief (section 7), with the
window W = (as_of - 12 months, as_of] and the policy's default thresholds, independently of
the generator's code. They run on the committed sample and on two other seeds.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from partnerkit.policy import Policy
from partnerkit.samples import generate

POLICY = Policy()
END = date(2026, 9, 30)
W_START = date(2025, 9, 30)  # W = (W_START, END]
HALF = date(2026, 3, 30)  # last day of W's first half
PRIOR_START = date(2024, 9, 30)  # the twelve months before W: (PRIOR_START, W_START]
BEFORE_START = date(2023, 9, 30)  # the two years before W: (BEFORE_START, W_START]
ENABLEMENT = ("enablement", "training", "certification")
TWO_WAY = ("referral", "intro")


@pytest.fixture(scope="module", params=["committed", 1, 2])
def sample(request, committed) -> dict[str, pl.DataFrame]:
    if request.param == "committed":
        return committed
    generated = generate(seed=request.param)
    return {**generated.tables(), "truth": generated.truth}


def ids(sample, pattern: str) -> list[str]:
    return sample["truth"].filter(pl.col("pattern") == pattern)["partner_id"].to_list()


def in_w(column: str) -> pl.Expr:
    return (pl.col(column) > W_START) & (pl.col(column) <= END)


def partner_facts(sample) -> pl.DataFrame:
    """One row per partner: pattern, status, tier and the raw facts the checks need."""
    deals = sample["deals"].filter(pl.col("partner_id").is_not_null())
    won = deals.filter(pl.col("outcome") == "won")
    revenue = won.group_by("partner_id").agg(
        won_w=pl.col("amount").filter(in_w("closed_on")).sum(),
        won_first=pl.col("amount")
        .filter((pl.col("closed_on") > W_START) & (pl.col("closed_on") <= HALF))
        .sum(),
        won_second=pl.col("amount").filter(pl.col("closed_on") > HALF).sum(),
        won_prior=pl.col("amount")
        .filter((pl.col("closed_on") > PRIOR_START) & (pl.col("closed_on") <= W_START))
        .sum(),
        won_before=pl.col("amount")
        .filter((pl.col("closed_on") > BEFORE_START) & (pl.col("closed_on") <= W_START))
        .sum(),
        wins_before=((pl.col("closed_on") > BEFORE_START) & (pl.col("closed_on") <= W_START)).sum(),
    )
    touched = deals.group_by("partner_id").agg(
        created_w=in_w("created_on").sum(),
        won_in_w=(in_w("closed_on") & (pl.col("outcome") == "won")).sum(),
        sourced_created=(pl.col("source") == "partner").sum(),
    )
    acts = sample["activities"].filter(in_w("occurred_on"))
    effort = acts.group_by("partner_id").agg(
        activities_w=pl.len(),
        our_hours=pl.col("hours").filter(pl.col("initiated_by") == "us").sum(),
        all_hours=pl.col("hours").sum(),
        given=(pl.col("kind").is_in(TWO_WAY) & (pl.col("initiated_by") == "us")).sum(),
        received=(pl.col("kind").is_in(TWO_WAY) & (pl.col("initiated_by") == "partner")).sum(),
    )
    cosell = (
        sample["overlaps"]
        .filter(pl.col("our_status") == "prospect", pl.col("partner_status") == "customer")
        .group_by("partner_id")
        .agg(cosell=pl.len(), cosell_accounts=pl.col("account_id"))
    )
    return (
        sample["partners"]
        .join(sample["truth"].select("partner_id", "pattern"), on="partner_id")
        .join(revenue, on="partner_id", how="left")
        .join(touched, on="partner_id", how="left")
        .join(effort, on="partner_id", how="left")
        .join(cosell, on="partner_id", how="left")
        .with_columns(
            pl.col(
                "won_w",
                "won_first",
                "won_second",
                "won_prior",
                "won_before",
                "wins_before",
                "created_w",
                "won_in_w",
                "sourced_created",
                "activities_w",
                "given",
                "received",
                "cosell",
            ).fill_null(0),
            our_share=pl.when(pl.col("all_hours") > 0).then(
                pl.col("our_hours") / pl.col("all_hours")
            ),
        )
    )


@pytest.fixture(scope="module")
def facts(sample) -> pl.DataFrame:
    return partner_facts(sample)


def active(facts: pl.DataFrame) -> pl.DataFrame:
    return facts.filter(pl.col("status").is_in(POLICY.include_statuses))


def test_stars_are_one_in_five_and_earn_about_80_percent(facts):
    portfolio = active(facts)
    stars = portfolio.filter(pl.col("pattern") == "star")
    # e.g. 28 stars among 139 active partners: 28 / 139 = 0.20
    assert abs(stars.height / portfolio.height - 0.2) < 0.02
    share = stars["won_w"].sum() / portfolio["won_w"].sum()
    assert 0.75 <= share <= 0.9


def test_the_vital_few_are_mostly_the_stars(facts):
    # minimal prefix reaching the threshold: in it when the share before it is below
    portfolio = active(facts).sort(["won_w", "partner_id"], descending=[True, False])
    total = portfolio["won_w"].sum()
    ranked = portfolio.with_columns(before=(pl.col("won_w").cum_sum() - pl.col("won_w")) / total)
    vital = ranked.filter(pl.col("before") < POLICY.vital_threshold)
    stars = portfolio.filter(pl.col("pattern") == "star").height
    assert abs(vital.height - stars) <= 0.15 * stars
    assert (vital["pattern"] == "star").mean() >= 0.8  # type: ignore[operator]


def test_long_tail_partners_earn_little_or_nothing(facts):
    tail = facts.filter(pl.col("pattern") == "long_tail")
    stars = facts.filter(pl.col("pattern") == "star")
    assert tail["won_w"].max() < stars["won_w"].median() / 3  # type: ignore[operator]
    assert (tail["won_w"] == 0).sum() >= tail.height // 4
    assert tail["won_w"].sum() < 0.05 * facts["won_w"].sum()
    # in name only, but not dormant: they still show some activity in W
    assert (tail["activities_w"] > 0).all()


def test_rising_newcomers_ramp_with_progress_but_little_revenue(sample, facts):
    rising = facts.filter(pl.col("pattern") == "rising")
    assert rising.height >= 1
    assert (rising["signed_on"] > END - timedelta(days=POLICY.ramp_days)).all()
    enabled = (
        sample["activities"]
        .filter(pl.col("kind").is_in(ENABLEMENT))
        .group_by("partner_id")
        .agg(enabled=pl.len())
    )
    rising = rising.join(enabled, on="partner_id", how="left").fill_null(0)
    assert (rising["enabled"] >= 5).all()
    assert (rising["sourced_created"] >= 1).all()
    median_star = facts.filter(pl.col("pattern") == "star")["won_w"].median()
    assert (rising["won_w"] < 0.25 * median_star).all()  # type: ignore[operator]
    # nobody else is ramping among the active partners
    others = active(facts).filter(pl.col("pattern") != "rising")
    assert (others["signed_on"] <= END - timedelta(days=POLICY.ramp_days)).all()


def test_faded_partners_collapsed_in_the_last_year(facts):
    faded = facts.filter(pl.col("pattern") == "faded")
    assert faded.height >= 1
    assert set(faded["tier"]) <= {"platinum", "gold"}
    trend = (pl.col("won_second") - pl.col("won_first")) / (
        pl.col("won_second") + pl.col("won_first")
    )
    trends = faded.select(trend)["won_second"]
    assert (trends <= POLICY.fading_trend).all()
    assert (trends < -0.9).all()  # revenue only in the first half of W
    # strong 1-3 years ago: the two years before W earned more than W, with at least twice
    # as many wins, and more than a typical core partner
    assert (faded["won_before"] > faded["won_w"]).all()
    assert (faded["wins_before"] >= 2 * faded["won_in_w"]).all()
    median_core = facts.filter(pl.col("pattern") == "core")["won_before"].median()
    assert (faded["won_before"] > median_core).all()  # type: ignore[operator]


def test_one_sided_relationships_and_nobody_else(facts):
    one_sided = facts.filter(pl.col("pattern") == "one_sided")
    assert one_sided.height >= 1
    assert (one_sided["our_share"] > 0.8).all()
    # we give many referrals and introductions, they give few or none
    assert (one_sided["given"] >= 4 * one_sided["received"].clip(lower_bound=1)).all()
    flagged = facts.filter(pl.col("our_share") > POLICY.one_sided_share)
    assert sorted(flagged["partner_id"]) == sorted(one_sided["partner_id"])


def test_only_the_planted_partners_are_dormant(facts):
    dormant = active(facts).filter(
        (pl.col("created_w") == 0) & (pl.col("won_in_w") == 0) & (pl.col("activities_w") == 0)
    )
    planted = facts.filter(pl.col("pattern").is_in(["dormant_untapped", "dormant_no_overlap"]))
    assert sorted(dormant["partner_id"]) == sorted(planted["partner_id"])


def test_dormant_partners_have_no_event_at_all_in_the_window(sample):
    planted = ids(sample, "dormant_untapped") + ids(sample, "dormant_no_overlap")
    deals = sample["deals"].filter(pl.col("partner_id").is_in(planted))
    assert deals.filter(in_w("created_on") | in_w("closed_on")).height == 0
    assert deals.filter(pl.col("outcome") == "open").height == 0
    investments = sample["investments"].filter(pl.col("partner_id").is_in(planted))
    assert (investments["ends_on"].fill_null(END) <= W_START).all()


def test_dormant_untapped_have_many_cosell_accounts_none_realized(sample, facts):
    untapped = facts.filter(pl.col("pattern") == "dormant_untapped")
    assert untapped.height >= 1
    assert (untapped["cosell"] >= 10).all()
    # realized = an overlap account with a deal through that partner in W: none
    deals_w = sample["deals"].filter(in_w("created_on") | in_w("closed_on"))
    touched = untapped.explode("cosell_accounts").join(
        deals_w, left_on=["partner_id", "cosell_accounts"], right_on=["partner_id", "account_id"]
    )
    assert touched.height == 0
    no_overlap = facts.filter(pl.col("pattern") == "dormant_no_overlap")
    assert no_overlap.height >= 1
    assert (no_overlap["cosell"] < POLICY.reactivation_min_untapped).all()
    overlap_rows = sample["overlaps"].group_by("partner_id").len()
    rows = no_overlap.join(overlap_rows, on="partner_id", how="left")["len"].fill_null(0)
    assert (rows <= 3).all()


def conflicts(sample, deals: pl.DataFrame) -> pl.DataFrame:
    """Same-category partner pairs and how many accounts both have deals on."""
    categories = sample["partners"].select("partner_id", "category").drop_nulls()
    worked = (
        deals.filter(pl.col("partner_id").is_not_null())
        .select("partner_id", "account_id")
        .unique()
        .join(categories, on="partner_id")
    )
    return (
        worked.join(worked, on=["category", "account_id"], suffix="_other")
        .filter(pl.col("partner_id") < pl.col("partner_id_other"))
        .group_by("partner_id", "partner_id_other")
        .agg(accounts=pl.len())
    )


def test_exactly_one_competing_pair_works_the_same_accounts(sample):
    pair = sorted(ids(sample, "competitor"))
    assert len(pair) == 2
    categories = sample["partners"].filter(pl.col("partner_id").is_in(pair))["category"]
    assert categories.n_unique() == 1
    assert categories.null_count() == 0
    in_window = conflicts(sample, sample["deals"].filter(in_w("created_on")))
    assert in_window.rows() == [(pair[0], pair[1], in_window["accounts"][0])]
    assert in_window["accounts"][0] >= 5
    # no other same-category pair shares an account at any time, in deals or overlaps
    ever = conflicts(sample, sample["deals"])
    assert ever.select("partner_id", "partner_id_other").rows() == [tuple(pair)]
    mapped = conflicts(sample, sample["overlaps"])
    assert set(mapped.select("partner_id", "partner_id_other").rows()) <= {tuple(pair)}


def creation_rates(sample, partner: str, start: date, end: date) -> tuple[float, float, float]:
    """Deals created per day before, during and after [start, end] (equal spans)."""
    span = (end - start).days + 1
    created = sample["deals"].filter(pl.col("partner_id") == partner)["created_on"]

    def rate(lo: date, hi: date) -> float:
        return int(((created >= lo) & (created <= hi)).sum()) / span

    before = rate(start - timedelta(days=span), start - timedelta(days=1))
    during = rate(start, end)
    after = rate(end + timedelta(days=1), end + timedelta(days=span))
    return before, during, after


def incentive_of(sample, pattern: str) -> tuple[str, date, date]:
    (partner,) = ids(sample, pattern)
    row = sample["investments"].filter(
        pl.col("partner_id") == partner, pl.col("category") == "incentive"
    )
    assert row.height == 1
    return partner, row["starts_on"][0], row["ends_on"][0]


def test_ephemeral_incentive_lifts_deal_creation_only_while_it_runs(sample):
    partner, start, end = incentive_of(sample, "ephemeral_incentive")
    assert start > W_START
    assert end <= HALF
    before, during, after = creation_rates(sample, partner, start, end)
    assert during >= 2 * before
    assert abs(after - before) <= 0.25 * before
    lift = during - before
    assert (after - before) < POLICY.incentive_min_retention * lift


def test_durable_incentive_keeps_its_lift(sample):
    partner, start, end = incentive_of(sample, "durable_incentive")
    before, during, after = creation_rates(sample, partner, start, end)
    assert during >= POLICY.incentive_min_lift * before
    assert after - before >= POLICY.incentive_min_retention * (during - before)


def test_flat_incentive_changes_nothing(sample):
    partner, start, end = incentive_of(sample, "flat_incentive")
    before, during, after = creation_rates(sample, partner, start, end)
    assert during < POLICY.incentive_min_lift * before
    assert abs(after - before) <= 0.25 * before


def test_only_the_planted_partners_receive_incentives(sample):
    incentives = sample["investments"].filter(pl.col("category") == "incentive")
    planted = [ids(sample, f"{p}_incentive")[0] for p in ("ephemeral", "durable", "flat")]
    assert sorted(incentives["partner_id"]) == sorted(planted)


def test_partner_deals_win_more_and_are_larger_than_direct_ones(sample):
    closed = sample["deals"].filter(in_w("closed_on"), pl.col("outcome") != "open")
    by_kind = (
        closed.group_by(with_partner=pl.col("partner_id").is_not_null())
        .agg(
            win_rate=(pl.col("outcome") == "won").mean(),
            mean_amount=pl.col("amount").mean(),
            n=pl.len(),
        )
        .sort("with_partner")
    )
    direct, partner = by_kind.rows(named=True)
    assert direct["n"] >= POLICY.min_sample
    assert partner["n"] >= POLICY.min_sample
    assert partner["win_rate"] > direct["win_rate"] + 0.1
    assert 1.05 < partner["mean_amount"] / direct["mean_amount"] < 1.6


def test_engaging_partners_early_wins_more_often(sample):
    closed = sample["deals"].filter(pl.col("partner_id").is_not_null(), pl.col("outcome") != "open")
    early_cut, late_cut = POLICY.timing_cuts
    cycle = (pl.col("closed_on") - pl.col("created_on")).dt.total_days()
    elapsed = (pl.col("partner_engaged_on") - pl.col("created_on")).dt.total_days() / cycle
    bucket = (
        pl.when(elapsed < early_cut)
        .then(pl.lit("early"))
        .when(elapsed < late_cut)
        .then(pl.lit("mid"))
        .otherwise(pl.lit("late"))
    )
    rates = dict(
        closed.filter(cycle > 0)
        .group_by(bucket=bucket)
        .agg(win_rate=(pl.col("outcome") == "won").mean())
        .rows()
    )
    assert rates["early"] > rates["mid"] > rates["late"]
    assert rates["early"] - rates["late"] > 0.1


def test_exited_and_prospect_partners_are_listed_but_quiet(sample, facts):
    exited = facts.filter(pl.col("status") == "exited")
    assert sorted(exited["partner_id"]) == sorted(ids(sample, "exited"))
    assert (exited["wins_before"] > 0).any()  # they did produce once
    deals = sample["deals"].filter(pl.col("partner_id").is_in(exited["partner_id"].to_list()))
    assert deals.filter(in_w("created_on") | in_w("closed_on")).height == 0
    assert (exited["activities_w"] == 0).all()
    prospects = facts.filter(pl.col("status") == "prospect")
    assert sorted(prospects["partner_id"]) == sorted(ids(sample, "prospect"))
    assert prospects["signed_on"].null_count() == prospects.height
    deals = sample["deals"].filter(pl.col("partner_id").is_in(prospects["partner_id"].to_list()))
    assert deals.height == 0


def test_the_data_ends_on_the_last_day(sample):
    assert sample["activities"]["occurred_on"].max() == END
    assert sample["deals"]["created_on"].max() <= END
