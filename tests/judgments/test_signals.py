"""The new facts and settings worked by hand: partner-side signals, the year before W, policy.

The tiny portfolio of ``tests/tiny.py`` (as_of 2025-12-31, W = (2024-12-31,
2025-12-31], the year before = (2023-12-31, 2024-12-31]):

- A: partner-initiated activities on 2025-03-01 (referral) and 2025-10-01 (joint
  marketing); wins 1000 + 3000 in W, nothing the year before; a deal open at as_of;
- B: ramping; a partner-initiated co-sell on 2025-09-01; wins 2000 in W;
- C: a partner-initiated training on 2024-10-01; its only win, 9999, closed on 2024-12-31:
  the last day of the year before W.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from partnerkit.facts import from_portfolio
from partnerkit.metrics.scorecard import scorecard
from partnerkit.policy import Policy
from partnerkit.window import Window
from tests.tiny import tiny_portfolio

AS_OF = dt.date(2025, 12, 31)
D = dt.date.fromisoformat


def card_of(policy: Policy | None = None) -> dict[str, dict]:
    policy = policy or Policy()
    p = tiny_portfolio()
    w = Window.ending(AS_OF, months=policy.lookback_months)
    facts = from_portfolio(p, window=w, policy=policy).collect()
    card = scorecard(p.partners, facts=facts, policy=policy)
    return {r["partner_id"]: r for r in card.collect().iter_rows(named=True)}


def test_partner_side_dates_and_the_year_before():
    card = card_of()
    a, b, c = card["A"], card["B"], card["C"]
    assert (a["last_partner_activity_on"], b["last_partner_activity_on"]) == (
        D("2025-10-01"),
        D("2025-09-01"),
    )
    assert c["last_partner_activity_on"] == D("2024-10-01")
    assert (a["revenue_before"], b["revenue_before"], c["revenue_before"]) == (0.0, 0.0, 9999.0)
    # year on year: A and B had nothing the year before (null); C fell from 9999 to 0
    assert (a["revenue_yoy"], b["revenue_yoy"], c["revenue_yoy"]) == (None, None, -1.0)


def test_states_on_the_tiny_portfolio():
    card = card_of()
    # counted total 6000 (A 4000, B 2000, C 0): the 0.1% floor is 6, both are material;
    # C: no win, last deal 2024-06-01, last partner activity 2024-10-01, nothing open: dormant
    assert [card[k]["state"] for k in "ABC"] == ["productive", "productive", "dormant"]
    # a floor of 2500 makes B's 2000 trivial; B created no deal after 2025-07-01 and its
    # co-sell of 2025-09-01 is 121 days old, outside 91, but its deal won on as_of is a sign
    # of life of its own: active, and silent on neither count
    floor = dataclasses.replace(Policy(), productive_min_revenue=2500.0)
    b = card_of(floor)["B"]
    assert (b["state"], b["silent"], b["last_win_on"]) == ("active", False, AS_OF)
    # C's last win closed on 2024-12-31, a year before as_of: dormant and silent
    assert (card["C"]["state"], card["C"]["silent"]) == ("dormant", True)
    # A, productive, gave signs of life (its activity of 2025-10-01, its open deal)
    assert card["A"]["silent"] is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ramp_min_progress", 101.0),
        ("ramp_min_progress", -1.0),
        ("active_days", 0),
        ("productive_min_share", 1.0),
        ("productive_min_share", -0.1),
        ("productive_min_revenue", -5.0),
        ("collapse_share", 0.0),
        ("collapse_share", 1.5),
    ],
)
def test_new_policy_settings_are_range_checked(field, value):
    Policy().check()
    with pytest.raises(ValueError, match=field):
        dataclasses.replace(Policy(), **{field: value}).check()
