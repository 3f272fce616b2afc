"""The pieces behind the generator: calendar, allotment of patterns, effort balance."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.samples import PATTERNS, allocate
from partnerkit.samples.activities import _directions
from partnerkit.samples.deals import id_width
from partnerkit.samples.partners import TERRITORY, plan_partners
from partnerkit.samples.patterns import MIN_PARTNERS
from partnerkit.samples.timeline import Timeline, shift_months


def test_shift_months_clips_to_the_month_length():
    assert shift_months(date(2026, 9, 30), -12) == date(2025, 9, 30)
    assert shift_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert shift_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert shift_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


def test_timeline_bins_cover_the_span_once():
    t = Timeline(end=date(2026, 9, 30), years=3)
    assert t.start == date(2023, 10, 1)
    assert t.window_start == date(2025, 9, 30)
    assert t.half == date(2026, 3, 30)
    # 36 calendar months, Oct 2023 .. Sep 2026: 366 + 365 + 365 days (2024 is a leap year)
    assert t.months == 36
    assert int((t.month_hi - t.month_lo + 1).sum()) == 1096
    assert (t.month_lo[1:] == t.month_hi[:-1] + 1).all()


def test_timeline_clips_partial_months():
    t = Timeline(end=date(2026, 9, 15), years=2)
    assert t.start == date(2024, 9, 16)
    assert int(t.month_hi[0] - t.month_lo[0] + 1) == 15  # 16..30 September
    assert int(t.month_hi[-1] - t.month_lo[-1] + 1) == 15  # 1..15 September


def test_allocation_of_the_committed_sample():
    counts = allocate(150)
    assert counts == {
        "star": 28,
        "core": 20,
        "rising": 8,
        "faded": 6,
        "one_sided": 6,
        "long_tail": 55,
        "dormant_untapped": 5,
        "dormant_no_overlap": 6,
        "competitor": 2,
        "ephemeral_incentive": 1,
        "durable_incentive": 1,
        "flat_incentive": 1,
        "exited": 6,
        "prospect": 5,
    }


@given(st.integers(MIN_PARTNERS, 200_000))
def test_allocation_sums_up_and_plants_every_pattern(partners):
    counts = allocate(partners)
    assert sum(counts.values()) == partners
    assert min(counts.values()) >= 1
    assert counts["competitor"] == 2
    # stars stay about one active partner in five (fixed-count patterns dilute tiny ones)
    active = partners - counts["exited"] - counts["prospect"]
    assert abs(counts["star"] / active - 0.2) < (0.01 if partners >= 500 else 0.06)


def test_too_few_partners_are_refused():
    with pytest.raises(ValueError, match="at least"):
        allocate(MIN_PARTNERS - 1)


def test_pattern_kind_mixes_are_probabilities():
    for pattern in PATTERNS.values():
        assert sum(pattern.kinds) == pytest.approx(1.0)
        assert pattern.our_share[0] <= pattern.our_share[1]


def test_same_category_partners_get_disjoint_territories():
    plan = plan_partners(seed=4, partners=300, timeline=Timeline(date(2026, 9, 30), 3))
    categories = plan.frame["category"].to_list()
    competitors = set(np.flatnonzero(plan.is_pattern("competitor")).tolist())
    blocks: dict[object, set[int]] = {}
    for i, category in enumerate(categories):
        accounts = {(int(plan.territory[i]) + j) % plan.accounts for j in range(TERRITORY)}
        seen = blocks.setdefault(category, set())
        if i in competitors and seen & accounts:
            continue  # the planted pair shares its block
        assert not seen & accounts, (i, category)
        seen |= accounts


def test_id_width_leaves_room():
    assert id_width(10) == 6
    assert len(str(2 * 20_000_000)) <= id_width(20_000_000)


@settings(max_examples=60, deadline=None)
@given(
    hours=st.lists(st.sampled_from([0.25, 0.5, 1.0, 2.0, 4.0, 8.0, float("nan")]), min_size=1),
    target=st.floats(0.05, 0.95).filter(lambda x: abs(x - 0.5) > 1e-9),
    seed=st.integers(0, 1000),
)
def test_effort_balance_stays_on_the_planted_side(hours, target, seed):
    n = len(hours)
    h = np.array(hours)
    us = _directions(
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.bool_),
        h,
        np.full(n, -1, dtype=np.int8),
        np.full(n, target),
        np.random.default_rng(seed),
    )
    known = np.nan_to_num(h)
    if known.sum() == 0:
        return
    share = known[us].sum() / known.sum()
    # a minority side never takes more than its share of the hours
    if target < 0.5:
        assert share <= target + 1e-9
    else:
        assert share >= target - 1e-9


def test_effort_balance_respects_drawn_directions():
    # two referrals drawn as ours (1 h each) and 8 h of free work with target 0.4:
    # 0.4 * 10 h = 4 h for us, 2 h already taken, so at most 2 more hours go our way
    hours = np.array([1.0, 1.0, 2.0, 2.0, 2.0, 2.0])
    fixed = np.array([1, 1, -1, -1, -1, -1], dtype=np.int8)
    us = _directions(
        np.zeros(6, dtype=np.int64),
        np.zeros(6, dtype=np.bool_),
        hours,
        fixed,
        np.full(6, 0.4),
        np.random.default_rng(0),
    )
    assert us[:2].all()
    assert hours[us].sum() == 4.0
