"""Invariants of the whole pipeline on random small portfolios (hypothesis)."""

import datetime as dt
import itertools

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from partnerkit.analysis import analyze

from ..tiny import make_portfolio

AS_OF = dt.date(2025, 12, 31)
START = dt.date(2024, 12, 31)
BASE = dt.date(2024, 6, 1)
PARTNERS = ["p0", "p1", "p2", "p3", "p4"]

deal = st.tuples(
    st.sampled_from([*PARTNERS, None]),
    st.integers(0, 600),  # created: days after 2024-06-01
    st.one_of(st.none(), st.integers(0, 200)),  # cycle length; None = open
    st.booleans(),  # won (when closed)
    st.integers(0, 10**6),  # amount in cents
    st.sampled_from(["partner", "vendor"]),
)
activity = st.tuples(
    st.sampled_from(PARTNERS),
    st.integers(0, 600),
    st.sampled_from(["enablement", "referral", "intro", "qbr", "cosell"]),
    st.sampled_from(["us", "partner"]),
    st.integers(0, 40),  # quarter hours
)


def build(deals, activities, statuses, order):
    rows = [deals[i] for i in order[0]] if order else deals
    acts = [activities[i] for i in order[1]] if order else activities
    pids = list(reversed(PARTNERS)) if order else PARTNERS
    status = dict(zip(PARTNERS, statuses, strict=True))
    return make_portfolio(
        partners={
            "partner_id": pids,
            "name": [p.upper() for p in pids],
            "status": [status[p] for p in pids],
            "tier": ["gold" if p in ("p0", "p1") else "silver" for p in pids],
        },
        deals={
            "deal_id": [f"d{i}" for i in range(len(rows))],
            "partner_id": [r[0] for r in rows],
            "created_on": [BASE + dt.timedelta(days=r[1]) for r in rows],
            "closed_on": [
                None if r[2] is None else BASE + dt.timedelta(days=r[1] + r[2]) for r in rows
            ],
            "outcome": ["open" if r[2] is None else ("won" if r[3] else "lost") for r in rows],
            "amount": [r[4] / 100 for r in rows],
            "source": [r[5] for r in rows],
        },
        activities={
            "partner_id": [a[0] for a in acts],
            "occurred_on": [BASE + dt.timedelta(days=a[1]) for a in acts],
            "kind": [a[2] for a in acts],
            "initiated_by": [a[3] for a in acts],
            "hours": [a[4] / 4 for a in acts],
        },
    )


portfolios = st.tuples(
    st.lists(deal, max_size=30),
    st.lists(activity, max_size=15),
    st.lists(st.sampled_from(["active", "active", "prospect", "exited"]), min_size=5, max_size=5),
)


@pytest.mark.slow
@given(portfolios)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_revenue_is_preserved_and_shares_are_sane(data):
    deals, activities, statuses = data
    a = analyze(build(deals, activities, statuses, None), as_of=AS_OF)
    card = a.scorecard
    expected = sum(
        r[4]
        for r in deals
        if r[0] is not None
        and r[2] is not None
        and r[3]
        and START < BASE + dt.timedelta(days=r[1] + r[2]) <= AS_OF
    )
    assert round(card["won_revenue"].sum() * 100) == expected
    ranked = card.filter(pl.col("rank").is_not_null()).sort("rank")
    shares = ranked["share"].drop_nulls()
    assert ((shares >= 0) & (shares <= 1)).all()
    if ranked["won_revenue"].sum() > 0:
        assert abs(shares.sum() - 1) < 1e-9
        cum = ranked["cum_share"].to_list()
        assert all(b >= a for a, b in itertools.pairwise(cum))
    else:
        assert not card["vital"].any()
    assert card.filter(~pl.col("counted"))["vital"].not_().all()
    for col in ("health", "interest", "awareness", "encouragement", "progress"):
        vals = card[col].drop_nulls()
        assert ((vals >= 0) & (vals <= 100)).all(), col
    c = a.concentration.row(0, named=True)
    assert c["partners"] == ranked.height
    assert c["vital_count"] == card["vital"].sum()


@pytest.mark.slow
@given(portfolios, st.randoms(use_true_random=False))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_results_do_not_depend_on_row_order(data, rnd):
    deals, activities, statuses = data
    order = (
        rnd.sample(range(len(deals)), len(deals)),
        rnd.sample(range(len(activities)), len(activities)),
    )
    one = analyze(build(deals, activities, statuses, None), as_of=AS_OF)
    two = analyze(build(deals, activities, statuses, order), as_of=AS_OF)
    # deal ids differ with the order, but no output carries them
    for name in (
        "scorecard",
        "concentration",
        "lift",
        "timing",
        "conflicts",
        "tiers",
        "vital_quarters",
        "health_explained",
        "coverage",
        "incentives",
    ):
        (
            assert_frame_equal(
                getattr(one, name),
                getattr(two, name),
                check_exact=False,
                rel_tol=1e-9,
                abs_tol=1e-9,
            ),
            name,
        )
    assert one.notes == two.notes
