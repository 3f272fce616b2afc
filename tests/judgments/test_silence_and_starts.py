"""Judgments found wrong on hand-built portfolios the package's generator does not make.

Each portfolio is built here, row by row, with as_of 2025-12-31 (W = (2024-12-31,
2025-12-31], active days 91: a sign of life must fall after 2025-10-01):

- a partner whose results lie in the past (its wins closed in the spring, nothing since)
  was invested in, with "no warning sign";
- a partner that won a deal last week was "dormant": a win was no sign of life;
- a ramping partner producing material revenue was "stalled" for a low progress score;
- a partner signed on as_of was "stalled";
- a partner in channel conflict only with an exited partner was flagged, and could not be
  invested in;
- a dormant partner's open pipeline stood beside "no open deal within the active days".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import polars as pl

from partnerkit.analysis import Analysis, analyze
from partnerkit.policy import Policy
from tests.tiny import make_portfolio

AS_OF = dt.date(2025, 12, 31)

# A steady producer gives every portfolio a total to be a share of.
STEADY: dict[str, Any] = {
    "deal_id": ["s1", "s2", "s3"],
    "partner_id": ["STEADY"] * 3,
    "account_id": ["a1", "a2", "a3"],
    "created_on": ["2025-01-05", "2025-05-05", "2025-11-01"],
    "closed_on": ["2025-03-01", "2025-08-01", "2025-12-15"],
    "outcome": ["won", "won", "won"],
    "amount": [40_000.0, 40_000.0, 40_000.0],
}


def _partners(*rows: tuple[str, str, str, str | None]) -> dict[str, list[Any]]:
    ids, statuses, signed, category = zip(*rows, strict=True)
    return {
        "partner_id": list(ids),
        "name": [f"Partner {i}" for i in ids],
        "status": list(statuses),
        "signed_on": list(signed),
        "category": list(category),
    }


def _deals(*rows: tuple[str, str, str, str, str | None, str, float]) -> dict[str, list[Any]]:
    extra = dict(zip(STEADY, zip(*rows, strict=True), strict=True))
    return {k: [*STEADY[k], *extra[k]] for k in STEADY}


def _analysis(partners: dict[str, list[Any]], deals: dict[str, list[Any]], **kw: Any) -> Analysis:
    portfolio = make_portfolio(partners=partners, deals=deals, **kw)
    return analyze(portfolio, as_of=AS_OF)


def _row(analysis: Analysis, partner_id: str) -> dict[str, Any]:
    return analysis.scorecard.filter(pl.col("partner_id") == partner_id).row(0, named=True)


def test_a_producer_silent_since_its_wins_is_watched_not_invested_in():
    partners = _partners(
        ("STEADY", "active", "2020-01-01", None), ("PAST", "active", "2020-01-01", None)
    )
    # PAST: material wins closed in the spring (created in 2024), nothing since
    deals = _deals(
        ("p1", "PAST", "b1", "2024-11-01", "2025-04-10", "won", 30_000.0),
        ("p2", "PAST", "b2", "2024-12-01", "2025-05-20", "won", 30_000.0),
    )
    # partner-initiated activities give PAST the best health of the two (engagement)
    activities = {
        "partner_id": ["PAST"] * 6 + ["STEADY"],
        "occurred_on": ["2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01",
                        "2025-08-01", "2025-11-20"],
        "kind": ["enablement", "training", "joint_marketing", "referral", "cosell", "qbr",
                 "qbr"],
        "initiated_by": ["partner"] * 6 + ["us"],
        "hours": [2.0] * 7,
    }  # fmt: skip
    past = _row(_analysis(partners, deals, activities=activities), "PAST")
    assert (past["state"], past["silent"], past["last_win_on"]) == (
        "productive",
        True,
        dt.date(2025, 5, 20),
    )
    assert past["recommendation"] == "watch"
    assert "SILENT" in past["reasons"]
    assert "PRODUCTIVE_HEALTHY" not in past["reasons"]
    assert (
        "no sign of life from the partner in 91 days (its latest win closed on 2025-05-20)"
        in (past["explanation"])
    )
    # one deal created through it last month is a sign of life: no longer silent
    lively = _deals(
        ("p1", "PAST", "b1", "2024-11-01", "2025-04-10", "won", 30_000.0),
        ("p2", "PAST", "b2", "2024-12-01", "2025-05-20", "won", 30_000.0),
        ("p3", "PAST", "b3", "2025-11-15", "2026-02-01", "open", 5_000.0),
    )
    again = _row(_analysis(partners, lively, activities=activities), "PAST")
    assert again["silent"] is False
    assert "SILENT" not in again["reasons"]


def test_a_win_last_week_is_a_sign_of_life():
    partners = _partners(
        ("STEADY", "active", "2020-01-01", None), ("WON", "active", "2020-01-01", None)
    )
    # a small win (not material against 120,000 with a 1,000 floor) closed a week before
    # as_of, on a deal created in the spring: before wins counted, WON was dormant
    deals = _deals(("w1", "WON", "b1", "2025-04-01", "2025-12-24", "won", 900.0))
    policy = dataclasses.replace(Policy(), productive_min_revenue=1_000.0)
    won = _row(analyze(make_portfolio(partners=partners, deals=deals), as_of=AS_OF, policy=policy),
               "WON")  # fmt: skip
    assert (won["state"], won["silent"], won["last_win_on"]) == (
        "active",
        False,
        dt.date(2025, 12, 24),
    )
    assert "DORMANT" not in won["reasons"]
    assert "no sign of life" not in won["explanation"]
    # a lost deal closed last week is not one (closing lost deals is often the CRM's upkeep)
    lost = _deals(("w1", "WON", "b1", "2025-04-01", "2025-12-24", "lost", 900.0))
    lost_row = _row(
        analyze(make_portfolio(partners=partners, deals=lost), as_of=AS_OF, policy=policy), "WON"
    )
    assert lost_row["state"] == "dormant"


def test_ramping_partners_producing_or_just_signed_are_not_stalled():
    partners = _partners(
        ("STEADY", "active", "2020-01-01", None),
        ("RAMP", "active", "2025-09-01", None),  # 121 days in
        ("TODAY", "active", "2025-12-31", None),  # signed on as_of
        ("IDLE", "active", "2025-06-01", None),  # 213 days in, nothing done
    )
    # RAMP won 10,000 on a deal created before W (so no pipeline created in W): a low
    # progress score, yet material revenue
    deals = _deals(("r1", "RAMP", "b1", "2024-12-01", "2025-12-01", "won", 10_000.0))
    analysis = _analysis(partners, deals)
    ramp, today, idle = (_row(analysis, p) for p in ("RAMP", "TODAY", "IDLE"))
    assert ramp["state"] == "productive"
    assert ramp["progress"] < Policy().ramp_min_progress
    assert (ramp["recommendation"], ramp["reasons"]) == ("keep", ["RAMPING_ON_TRACK"])
    assert "already producing" in ramp["explanation"]
    assert today["recommendation"] == "keep"
    assert "RAMPING_EARLY" in today["reasons"]
    assert "RAMPING_STALLED" not in today["reasons"]
    assert "too early to judge" in today["explanation"]
    # past the active days with nothing done: stalled, watched
    assert idle["recommendation"] == "watch"
    assert "RAMPING_STALLED" in idle["reasons"]


def test_conflict_only_with_a_partner_not_counted_is_no_conflict():
    partners = _partners(
        ("STEADY", "active", "2020-01-01", None),
        ("LIVE", "active", "2020-01-01", "crm"),
        ("GONE", "exited", "2020-01-01", "crm"),
    )
    # both work account c1 at the same time in W
    deals = _deals(
        ("l1", "LIVE", "c1", "2025-03-01", "2025-06-01", "won", 50_000.0),
        ("g1", "GONE", "c1", "2025-03-15", "2025-06-15", "lost", 20_000.0),
    )
    analysis = _analysis(partners, deals)
    live = _row(analysis, "LIVE")
    assert live["conflict_partners"] == 0
    assert "CHANNEL_CONFLICT" not in live["reasons"]
    assert analysis.conflicts.height == 0
    # counting exited partners too, under another policy, brings the conflict back
    wider = dataclasses.replace(analysis.policy, include_statuses=("active", "exited"))
    again = analysis.with_policy(wider)
    assert _row(again, "LIVE")["conflict_partners"] == 1
    assert again.conflicts.select("partner_a", "partner_b").row(0) == ("GONE", "LIVE")


def test_a_dormant_partners_open_pipeline_is_called_stale():
    partners = _partners(
        ("STEADY", "active", "2020-01-01", None), ("OLD", "active", "2019-01-01", None)
    )
    # two undated open deals created in 2021 and one expected to close in 2024
    deals = _deals(
        ("o1", "OLD", "b1", "2021-02-01", None, "open", 300_000.0),
        ("o2", "OLD", "b2", "2021-05-01", None, "open", 400_000.0),
        ("o3", "OLD", "b3", "2024-01-01", "2024-06-30", "open", 24_898.0),
    )
    analysis = _analysis(partners, deals)
    old = _row(analysis, "OLD")
    assert (old["state"], old["open_pipeline"]) == ("dormant", 724_898.0)
    assert old["recommendation"] == "exit"
    assert old["explanation"].endswith(
        "; its 3 open deals (724,898) are stale: none expected to close within 91 days before "
        "as_of or later."
    )
    # and the analysis notes count the stale pipeline of the dormant partners
    assert any(
        note.startswith("3 open deals (724,898 of open pipeline) belong to 1 dormant partner")
        for note in analysis.notes
    )


def test_a_stale_open_deal_is_no_competition():
    partners = _partners(
        ("STEADY", "active", "2020-01-01", None),
        ("STAR", "active", "2020-01-01", "crm"),
        ("GHOST", "active", "2020-01-01", "crm"),
    )
    # STAR worked account c1 in the spring; GHOST's deal on c1 has been open since 2023,
    # expected to close in June 2023: a stale record, not a partner working the account
    deals = _deals(
        ("s1", "STAR", "c1", "2025-02-01", "2025-04-01", "won", 20_000.0),
        ("g1", "GHOST", "c1", "2023-01-10", "2023-06-30", "open", 5_000.0),
    )
    analysis = _analysis(partners, deals)
    assert _row(analysis, "STAR")["conflict_partners"] == 0
    assert analysis.conflicts.height == 0
    # the same deal expected to close next month is live, and a competitor
    live = _deals(
        ("s1", "STAR", "c1", "2025-02-01", "2025-04-01", "won", 20_000.0),
        ("g1", "GHOST", "c1", "2023-01-10", "2026-01-31", "open", 5_000.0),
    )
    assert _row(_analysis(partners, live), "STAR")["conflict_partners"] == 1
