"""Incentive durability (stage 1, one row per incentive) and its per-partner summary."""

import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl
import pytest

from partnerkit.facts.investments import incentive_durability as durability
from partnerkit.metrics.incentives import incentive_summary
from partnerkit.policy import Policy
from partnerkit.window import Window

POLICY = Policy()


def incentive_durability(
    investments,
    *,
    deals,
    window,
    min_lift=POLICY.incentive_min_lift,
    min_retention=POLICY.incentive_min_retention,
):
    """Stage 1's incentive durability on polars frames, rows by partner and start."""
    out = durability(
        nw.from_native(investments),
        deals=nw.from_native(deals),
        window=window,
        engine="polars",
        categories=POLICY.incentive_categories,
        min_lift=min_lift,
        min_retention=min_retention,
    ).to_native()
    return out.sort("partner_id", "starts_on", "ends_on", "category", "amount", nulls_last=True)


D = dt.date.fromisoformat
W = Window.ending(D("2025-12-31"), months=12)


def run():
    investments = pl.LazyFrame(
        {
            "partner_id": ["p", "q", "q", "q", "p"],
            "category": ["incentive", "incentive", "incentive", "mdf", "incentive"],
            "starts_on": [D("2025-05-01"), D("2025-01-21"), D("2025-12-01"), D("2025-01-01"),
                          D("2026-01-10")],
            "ends_on": [D("2025-06-29"), D("2025-02-19"), None, None, None],
            "amount": [100.0, 200.0, 300.0, 50.0, 9.0],
        }
    )  # fmt: skip
    created = {
        # p: 2025-01-01 is the first deal of the data; 2 before, 6 during, 3 after I1
        "p": [
            "2025-01-01",
            "2025-03-10",
            "2025-04-10",
            "2025-05-02",
            "2025-05-10",
            "2025-05-20",
            "2025-06-01",
            "2025-06-10",
            "2025-06-29",
            "2025-06-30",
            "2025-07-15",
            "2025-08-28",
            "2025-08-29",
        ],
        # q: 1 before (clipped span), 2 during, 2 after I2
        "q": ["2025-01-05", "2025-01-25", "2025-02-10", "2025-03-01", "2025-03-02"],
    }
    deals = pl.LazyFrame(
        {
            "partner_id": [p for p, days in created.items() for _ in days],
            "created_on": [D(x) for days in created.values() for x in days],
        }
    )
    return incentive_durability(
        investments, deals=deals, window=W, min_lift=1.2, min_retention=0.5
    ).collect()


def test_ephemeral_incentive_hand_example():
    out = run()
    # only incentives started by as_of: p I1, q I2, q I3 (mdf and the 2026 one are left out)
    assert out.select("partner_id", "starts_on").rows() == [
        ("p", D("2025-05-01")), ("q", D("2025-01-21")), ("q", D("2025-12-01")),
    ]  # fmt: skip
    p = out.row(0, named=True)
    # 60 days during (May 1 - Jun 29); before Mar 2 - Apr 30 (60 days); after Jun 30 - Aug 28
    assert (p["days"], p["days_before"], p["days_after"]) == (60, 60, 60)
    assert (p["deals_before"], p["deals_during"], p["deals_after"]) == (2, 6, 3)
    # per 30 days: 1.0, 3.0, 1.5; lift 3; retention (1.5 - 1) / (3 - 1) = 0.25 < 0.5
    assert (p["rate_before"], p["rate_during"], p["rate_after"]) == (1.0, 3.0, 1.5)
    assert (p["lift"], p["retention"], p["ephemeral"]) == (3.0, 0.25, True)


def test_durable_incentive_with_a_clipped_before_span():
    q = run().row(1, named=True)
    # before span Dec 22 - Jan 20 clipped at the first deal of the data (Jan 1): 20 days
    assert (q["days"], q["days_before"], q["days_after"]) == (30, 20, 30)
    assert (q["deals_before"], q["deals_during"], q["deals_after"]) == (1, 2, 2)
    # rates 1.5, 2.0, 2.0: lift 4/3, retention (2 - 1.5) / (2 - 1.5) = 1
    assert q["lift"] == pytest.approx(4 / 3)
    assert (q["retention"], q["ephemeral"]) == (1.0, False)


def test_running_incentive_has_no_after_span():
    q3 = run().row(2, named=True)
    # ongoing from Dec 1: during runs to as_of (31 days), nothing after yet, nothing before
    assert (q3["days"], q3["days_after"], q3["rate_after"]) == (31, 0, None)
    assert (q3["rate_before"], q3["lift"], q3["retention"], q3["ephemeral"]) == (
        0.0,
        None,
        None,
        False,
    )


def test_summary_per_partner():
    out = incentive_summary(run().lazy()).sort("partner_id").collect()
    # p: one ephemeral (retention .25); q: two incentives, one measurable retention (1.0)
    assert out.rows() == [("p", 1, 1, 0.25), ("q", 2, 0, 1.0)]


def test_no_incentives():
    empty = pl.LazyFrame(
        schema={
            "partner_id": pl.String,
            "category": pl.String,
            "starts_on": pl.Date,
            "ends_on": pl.Date,
            "amount": pl.Float64,
        }
    )
    deals = pl.LazyFrame(schema={"partner_id": pl.String, "created_on": pl.Date})
    assert incentive_durability(empty, deals=deals, window=W).collect().height == 0


def test_verdicts_in_words():
    # p I1 ephemeral, q I2 durable, q I3 still running: no after span yet
    assert run()["durability"].to_list() == ["ephemeral", "durable", "not yet measurable"]
    assert run()["measurable"].to_list() == [True, True, False]


def one_incentive(as_of: dt.date) -> dict:
    """A 20-day incentive (Mar 1 - Mar 20) that doubled deal flow, judged at ``as_of``."""
    investments = pl.LazyFrame(
        {
            "partner_id": ["a"],
            "category": ["incentive"],
            "starts_on": [D("2025-03-01")],
            "ends_on": [D("2025-03-20")],
            "amount": [1.0],
        }
    )
    # before (Feb 9 - Feb 28): 2 deals; during: 4; after (Mar 21 - Apr 9): 1 on Mar 25
    days = ["2025-01-01", "2025-02-10", "2025-02-20", "2025-03-02", "2025-03-05",
            "2025-03-10", "2025-03-15", "2025-03-25"]  # fmt: skip
    deals = pl.LazyFrame({"partner_id": ["a"] * len(days), "created_on": [D(x) for x in days]})
    window = Window.ending(as_of, months=12)
    return (
        incentive_durability(investments, deals=deals, window=window).collect().row(0, named=True)
    )


def test_an_incentive_that_ended_days_ago_is_not_yet_measurable():
    # ended Mar 20, as_of Mar 31: an 11-day after span for a 20-day incentive
    r = one_incentive(D("2025-03-31"))
    assert (r["days"], r["days_after"], r["deals_after"]) == (20, 11, 1)
    assert (r["rate_before"], r["rate_during"]) == (3.0, 6.0)  # 2 and 4 deals per 20 days
    assert (r["measurable"], r["rate_after"], r["retention"]) == (False, None, None)
    assert (r["ephemeral"], r["durability"]) == (False, "not yet measurable")


def test_measurable_exactly_when_the_after_span_equals_the_incentive_span():
    # after span Mar 21 - Apr 9 (20 days) complete on Apr 9, not on Apr 8
    assert one_incentive(D("2025-04-08"))["durability"] == "not yet measurable"
    r = one_incentive(D("2025-04-09"))
    # after: 1 deal in 20 days = 1.5 per 30 days; retention (1.5 - 3) / (6 - 3) = -0.5
    assert (r["days_after"], r["rate_after"], r["retention"]) == (20, 1.5, -0.5)
    assert (r["measurable"], r["ephemeral"], r["durability"]) == (True, True, "ephemeral")
    # later as_of dates change nothing once the after span is complete
    later = one_incentive(D("2025-09-30"))
    assert {k: later[k] for k in ("rate_after", "retention", "durability")} == {
        k: r[k] for k in ("rate_after", "retention", "durability")
    }


@pytest.mark.parametrize("as_of", ["2025-03-31", "2025-04-09", "2025-09-30"])
def test_shifting_every_date_by_a_year_changes_no_figure(as_of):
    shift = dt.timedelta(days=365)
    investments = pl.LazyFrame(
        {"partner_id": ["a"], "category": ["incentive"], "starts_on": [D("2025-03-01")],
         "ends_on": [D("2025-03-20")], "amount": [1.0]}
    )  # fmt: skip
    days = [D(x) for x in ("2025-01-01", "2025-02-10", "2025-03-02", "2025-03-05", "2025-03-25")]
    deals = pl.LazyFrame({"partner_id": ["a"] * len(days), "created_on": days})

    def run_at(offset: dt.timedelta) -> dict:
        out = incentive_durability(
            investments.with_columns(pl.col("starts_on", "ends_on") + offset),
            deals=deals.with_columns(pl.col("created_on") + offset),
            window=Window.ending(D(as_of) + offset, months=12),
        ).collect()
        return out.drop("starts_on", "ends_on").row(0, named=True)

    assert run_at(shift) == run_at(dt.timedelta(0))
