"""The core reduction's activity facts at the bounds of W, worked by hand, on every engine.

The core form groups each activity row once: the rows up to the window's start by partner
(their last date), the rows of W = (start, as_of] by partner and kind (the figures, the last
date in W and the last partner-initiated date). A row on the start day belongs to the
history, not to W; a row on as_of belongs to W; a row after as_of to neither. The full form
(``core=False``) reads every row up to as_of for the history dates: on the figures and the
last activity date both forms agree.
"""

from __future__ import annotations

import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.facts import FactSettings, core_facts, latest_date, portfolio_tables
from partnerkit.facts.activities import activity_facts
from partnerkit.facts.core import CORE_ACTIVITY_FACTS
from partnerkit.samples import generate
from partnerkit.schema import ACTIVITY_KINDS
from partnerkit.window import Window

from .conftest import ENGINE_PARAMS, canonical_tables

AS_OF = dt.date(2025, 3, 1)
WINDOW = Window.ending(AS_OF, months=12)  # W = (2024-03-01, 2025-03-01]

ROWS = [
    # partner, occurred_on, kind, initiated_by, hours
    ("a", "2023-06-01", "referral", "partner", 2.0),  # before W
    ("a", "2024-03-01", "training", "us", 1.0),  # the start day: before W
    ("b", "2024-03-02", "referral", "partner", 1.5),  # first day of W
    ("b", "2025-03-01", "intro", "us", 0.25),  # as_of: in W
    ("c", "2022-01-10", "qbr", "partner", 3.0),  # before W
    ("c", "2024-07-01", "training", "us", None),  # in W, no hours recorded
    ("c", "2024-12-31", "training", "partner", 2.5),  # in W
    ("c", "2025-03-02", "referral", "partner", 9.0),  # after as_of: nowhere
    ("d", "2025-03-05", "referral", "us", 4.0),  # after as_of only: no row
]


def tables() -> dict[str, pl.DataFrame]:
    partner, day, kind, by, hours = (list(c) for c in zip(*ROWS, strict=True))
    return canonical_tables(
        partners={"partner_id": ["a", "b", "c", "d", "e"], "name": ["A", "B", "C", "D", "E"]},
        deals={},
        activities={
            "partner_id": partner,
            "occurred_on": day,
            "kind": kind,
            "initiated_by": by,
            "hours": hours,
        },
    )


def expected() -> pl.DataFrame:
    zero_hours = dict.fromkeys((f"hours_{k}" for k in ACTIVITY_KINDS), 0.0)
    rows = [
        {
            "partner_id": "a",
            "activities": 0,
            "referrals_given": 0,
            "referrals_received": 0,
            **zero_hours,
            "last_activity_on": dt.date(2024, 3, 1),
            "last_partner_activity_on": None,
        },
        {
            "partner_id": "b",
            "activities": 2,
            "referrals_given": 1,
            "referrals_received": 1,
            **zero_hours,
            "hours_referral": 1.5,
            "hours_intro": 0.25,
            "last_activity_on": dt.date(2025, 3, 1),
            "last_partner_activity_on": dt.date(2024, 3, 2),
        },
        {
            "partner_id": "c",
            "activities": 2,
            "referrals_given": 0,
            "referrals_received": 0,
            **zero_hours,
            "hours_training": 2.5,
            "last_activity_on": dt.date(2024, 12, 31),
            "last_partner_activity_on": dt.date(2024, 12, 31),
        },
    ]
    schema = {
        "partner_id": pl.String,
        "activities": pl.Int64,
        "referrals_given": pl.Int64,
        "referrals_received": pl.Int64,
        **dict.fromkeys(zero_hours, pl.Float64),
        "last_activity_on": pl.Date,
        "last_partner_activity_on": pl.Date,
    }
    return pl.DataFrame(rows, schema=schema)


def core_activities(native: dict[str, object]) -> pl.DataFrame:
    facts = core_facts(native, window=WINDOW, settings=FactSettings()).collect()
    frame = facts.activities
    out = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    return out.select("partner_id", *CORE_ACTIVITY_FACTS).sort("partner_id")


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_core_activity_facts_at_the_bounds_of_w(engines, engine):
    got = core_activities(engines.native(engine, tables()))
    assert_frame_equal(got, expected().select(got.columns), check_column_order=False)


def test_moving_a_row_across_the_start_moves_it_into_w():
    # metamorphic: the start-day row of partner a one day later lands in W (and only there)
    moved = tables()
    acts = moved["activities"]
    moved["activities"] = acts.with_columns(
        pl.when((pl.col("partner_id") == "a") & (pl.col("occurred_on") == WINDOW.start))
        .then(pl.lit(dt.date(2024, 3, 2)))
        .otherwise(pl.col("occurred_on"))
        .alias("occurred_on")
    )
    before = core_activities({k: v.lazy() for k, v in tables().items()})
    after = core_activities({k: v.lazy() for k, v in moved.items()})
    a0, a1 = before.row(0, named=True), after.row(0, named=True)
    assert (a0["activities"], a1["activities"]) == (0, 1)
    assert (a0["hours_training"], a1["hours_training"]) == (0.0, 1.0)
    assert (a0["last_activity_on"], a1["last_activity_on"]) == (
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 2),
    )
    assert a1["last_partner_activity_on"] is None  # initiated by us
    assert_frame_equal(before.slice(1), after.slice(1))  # the other partners do not move


def test_core_form_agrees_with_the_full_form_on_a_sample():
    portfolio = generate(partners=150, seed=29).portfolio()
    w = Window.ending(latest_date(portfolio), months=12)
    raw = portfolio_tables(portfolio)["activities"]
    columns = ["partner_id", *CORE_ACTIVITY_FACTS[:-1]]  # the partner signal differs by design
    settings = FactSettings()
    core = activity_facts(nw.from_native(raw), window=w, settings=settings, core=True)
    full = activity_facts(nw.from_native(raw), window=w, settings=settings)
    core_df = core.to_native().collect().select(columns).sort("partner_id")
    full_df = full.to_native().collect().select(columns).sort("partner_id")
    assert core_df.height > 100
    assert core_df["activities"].sum() > 0
    assert_frame_equal(core_df, full_df)
