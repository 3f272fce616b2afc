"""DecisionBoard: set widget values, click, and read the ledger back."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from partnerkit.decisions import Ledger
from partnerkit.widgets.board import DecisionBoard

from . import decided

SENTENCE = decided.SENTENCE


@pytest.fixture
def ledger(tmp_path: Path):
    with Ledger(tmp_path / "decisions.sqlite") as led:
        yield led


@pytest.fixture
def small(small, make_analysis):
    """The five partners, recommendations fixed (see ``decided.py``)."""
    return make_analysis(decided.with_recommendations(small.scorecard))


def test_candidates_most_urgent_first(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    # Default thresholds on the five partners: p5 dormant with health 0 <= 30 -> exit;
    # p2 fading (trend -0.5 <= -0.3) -> watch; p4 active without results but health
    # 33.3 > 30 -> watch; p1 health 85.4 >= 60 -> invest; p3 ramping on track -> keep.
    # Within a recommendation, most money at stake first: p2 300 + 0 + 50 = 350 before
    # p4 60 + 10 + 10 = 80.
    assert board.listed.select("partner_id", "recommendation").rows() == [
        ("p5", "exit"),
        ("p2", "watch"),
        ("p4", "watch"),
        ("p1", "invest"),
        ("p3", "keep"),
    ]
    assert board.partner_id == "p5"  # the first candidate is preselected
    assert [label for label, _ in board._show.options] == [
        "All (5)",
        "Exit (1)",
        "Watch (2)",
        "Invest (1)",
        "Keep (1)",
    ]
    board.show = "watch"
    assert board.listed["partner_id"].to_list() == ["p2", "p4"]
    assert board.partner_id == "p2"  # the choice follows the list
    board.show = "all"
    board.partner_id = "p2"
    assert "&lt;b&gt;Bolt&lt;/b&gt;" in board._detail.value  # partner text is escaped
    # the grid page carries plain text (the page sets it as text, never as markup)
    assert board.queue.rows[1][:2] == ["<b>Bolt</b>", "p2"]


def test_click_records_decision_with_snapshot(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    board.partner_id = "p5"
    board.who = "ana"
    board.rationale = "No deal in a year; agreed with the partner."
    board.buttons["exit"].click()

    rows = ledger.history()
    assert rows.select("partner_id", "decision", "who", "as_of").rows() == [
        ("p5", "exit", "ana", small.as_of)
    ]
    assert rows["rationale"][0] == "No deal in a year; agreed with the partner."
    assert rows["policy_hash"][0] == small.policy.fingerprint()
    snapshot = json.loads(rows["metrics"][0])
    assert snapshot["won_revenue"] == 40.0
    assert snapshot["recommendation"] == "exit"
    assert board.decided == {"p5": "exit"}
    assert board.message == "Recorded: exit for Echo (p5)."
    assert board.rationale == ""  # ready for the next partner
    assert board.partner_id == "p2"  # moved on to the next undecided partner of the queue
    board.partner_id = "p5"
    assert "Current decision:</b> exit" in board._detail.value


def test_missing_rationale_or_who_records_nothing(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    board.partner_id = "p1"
    assert board.decide("invest") is False
    assert board.message == "Nothing recorded: please give who decides, a rationale."
    board.who = "ana"
    board.rationale = "   "
    assert board.decide("invest") is False
    assert len(ledger) == 0


def test_already_decided_partners_show_current_decision(small, ledger: Ledger) -> None:
    for decision in ("watch", "keep"):  # two rows: the latest is current
        ledger.record(
            "p2",
            decision,
            "Earlier review.",
            who="bo",
            as_of=small.as_of,
            policy=small.policy,
            metrics={},
        )
    board = DecisionBoard(small, ledger, out_dir="unused")
    assert board.decided == {"p2": "keep"}
    row = board.listed.filter(pl.col("partner_id") == "p2")
    assert row["decision"].to_list() == ["keep"]
    board.partner_id = "p2"
    assert "Current decision:</b> keep" in board._detail.value
    labels = [label for label, value in board._partner.options if value == "p2"]
    assert labels == ["<b>Bolt</b> (p2): watch — decided: keep"]


def test_second_decision_appends(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    board.partner_id, board.who = "p3", "ana"
    for decision in ("watch", "invest"):
        board.partner_id = "p3"
        board.rationale = f"Now {decision}."
        assert board.decide(decision)
    assert ledger.history()["decision"].to_list() == ["watch", "invest"]
    assert board.decided == {"p3": "invest"}


def test_export_decisions_button(small, ledger: Ledger, tmp_path: Path) -> None:
    board = DecisionBoard(small, ledger, out_dir=tmp_path / "out")
    board.partner_id, board.who, board.rationale = "p1", "ana", "=HYPERLINK(bad)"
    board.buttons["invest"].click()
    board.exports.decisions_button.click()
    written = [Path(p).name for p in board.exports.written]
    assert written == ["decisions.xlsx", "decision-history.csv"]
    history = pl.read_csv(tmp_path / "out" / "decision-history.csv")
    assert history["rationale"].to_list() == ["'=HYPERLINK(bad)"]  # formula neutralised
    # readable: the name, recommended vs decided, reasons as sentences
    assert history.select("name", "recommended", "decided").rows() == [("Acme", "invest", "invest")]
    assert history["reasons"][0] == f"{SENTENCE['VITAL']} {SENTENCE['HIGH_HEALTH']}"
