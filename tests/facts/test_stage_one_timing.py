"""Engagement timing: the bucket of each deal (stage 1) and the win rate per bucket."""

import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl

from partnerkit.facts.deals import deal_facts as stage_one_deals
from partnerkit.facts.deals import engagement_bucket
from partnerkit.metrics.timing import timing
from partnerkit.policy import Policy
from partnerkit.window import Window

POLICY = Policy()


def deal_facts(deals, *, window, timing_cuts=POLICY.timing_cuts):
    facts = stage_one_deals(
        nw.from_native(deals), window=window, engine="polars", timing_cuts=timing_cuts
    )
    return facts.to_native()


D = dt.date.fromisoformat


def test_bucket_boundaries():
    f = pl.DataFrame(
        {
            "created_on": [D("2025-01-01")] * 6 + [D("2025-03-01")],
            "closed_on": [D("2025-01-31")] * 6 + [D("2025-03-01")],
            "partner_engaged_on": [
                D("2024-12-01"),  # before creation -> 0 -> early
                D("2025-01-10"),  # 9/30 = 0.3 -> early
                D("2025-01-11"),  # 10/30 = 1/3 exactly -> mid
                D("2025-01-21"),  # 20/30 = 2/3 exactly -> late
                D("2025-02-15"),  # after the close -> 1 -> late
                None,  # not engaged -> no bucket
                D("2025-03-01"),  # same-day cycle: 0 / max(0, 1) -> early
            ],
        }
    )
    for engine in ("polars", "duckdb"):  # the day numbers of both branches
        bucket = engagement_bucket(closed=nw.lit(value=True), engine=engine, cuts=(1 / 3, 2 / 3))
        bucket = bucket.alias("b")
        got = nw.from_native(f).select(bucket).to_native()["b"].to_list()
        assert got == [0, 0, 1, 2, 2, None, 0], engine


def test_timing_on_the_tiny_portfolio(tiny):
    facts = deal_facts(tiny.deals, window=Window.ending(D("2025-12-31"), months=12))
    out = timing(facts, min_sample=1).collect()
    # d1 engaged on creation, won -> early; d2 engaged after 80 of 92 days, won -> late;
    # the other closed partner deals have no engagement date
    assert out.rows() == [
        ("early", 1, 1, 1.0, True), ("mid", 0, 0, None, False), ("late", 1, 1, 1.0, True),
    ]  # fmt: skip


def test_custom_cuts_and_lost_deals():
    deals = pl.LazyFrame(
        {
            "partner_id": ["a", "a", "b", None],
            "created_on": [D("2025-01-01")] * 4,
            "closed_on": [D("2025-01-11")] * 4,
            "outcome": ["won", "lost", "lost", "won"],
            "amount": [1.0] * 4,
            "source": [None] * 4,
            "partner_engaged_on": [
                D("2025-01-02"),
                D("2025-01-06"),
                D("2025-01-10"),
                D("2025-01-02"),
            ],
        },
        schema_overrides={"source": pl.String},
    )
    facts = deal_facts(
        deals, window=Window.ending(D("2025-06-30"), months=12), timing_cuts=(0.2, 0.5)
    )
    out = timing(facts, min_sample=2).collect()
    # fractions .1 (won), .5 (lost) and .9 (lost); the direct deal is ignored
    assert out.rows() == [
        ("early", 1, 1, 1.0, False), ("mid", 0, 0, None, False), ("late", 2, 0, 0.0, True),
    ]  # fmt: skip
