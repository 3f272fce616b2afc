"""Decision workflow: the queue, next/previous, search, bulk decisions, the live ledger view,
what-if for a selection and the change since the last review -- driven through traitlets."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from partnerkit.analysis import analyze
from partnerkit.decisions import Ledger, recommend
from partnerkit.load import from_frames
from partnerkit.policy import Policy
from partnerkit.widgets.board import BUTTON_STYLES, DecisionBoard, decision_queue

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


def test_queue_puts_action_first_then_money_at_stake() -> None:
    card = pl.DataFrame(
        {
            "partner_id": ["k1", "x1", "x2", "w1", "i1", "x3"],
            "recommendation": ["keep", "exit", "exit", "watch", "invest", "exit"],
            "won_revenue": [1e6, 10.0, 0.0, 5.0, 50.0, None],
            "open_pipeline": [0.0, 0.0, 30.0, 0.0, 0.0, 20.0],
            "investment": [0.0, 25.0, None, 0.0, 0.0, 15.0],
        }
    )
    # exits by stake: x1 35, x3 35 (tie -> id), x2 30; then watch, invest, keep
    q = decision_queue(card, policy=Policy())
    assert q.select("urgency", "partner_id", "at_stake").rows() == [
        (1, "x1", 35.0),
        (2, "x3", 35.0),
        (3, "x2", 30.0),
        (4, "w1", 5.0),
        (5, "i1", 50.0),
        (6, "k1", 1e6),
    ]


def test_next_previous_and_position(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    assert board.partner_id == "p5"
    assert "1 of 5 in the queue" in board._position.value
    board.next_button.click()
    assert board.partner_id == "p2"
    board.step(2)
    assert board.partner_id == "p1"
    assert "4 of 5" in board._position.value
    board.step(2)  # wraps around
    assert board.partner_id == "p5"
    board.previous_button.click()
    assert board.partner_id == "p3"
    board.show = "watch"
    board.next_button.click()  # walks the listed partners only
    assert board.partner_id == "p4"


def test_search_by_name_or_id(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    board.show = "exit"
    board.search = "cora"  # p3 is a keep: the list opens up to find it
    assert (board.partner_id, board.show) == ("p3", "all")
    board.search = "P4"
    assert board.partner_id == "p4"
    board.search = "Echo (p5)"  # what picking from the list types
    assert board.partner_id == "p5"
    board.search = "nobody"
    assert board.message == "No partner matches \u201cnobody\u201d."
    assert board.partner_id == "p5"


def test_four_buttons_look_different(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    styles = {d: b.button_style for d, b in board.buttons.items()}
    assert styles == BUTTON_STYLES
    assert len(set(styles.values())) == 4


def test_reasons_are_sentences_not_codes(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    board.partner_id = "p5"
    for code in ("DORMANT", "LOW_HEALTH"):
        assert f"<li>{html.escape(SENTENCE[code])}</li>" in board._detail.value
        assert code not in board._detail.value


def test_whatif_follows_the_selection(small, ledger: Ledger) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    assert board.whatif == {}
    board.queue.selected = ["p1", "p4"]  # ticking two rows
    # won 500 + 60 of 1,000; sourced 100 + 60; influenced 400 + 0; pipeline 50 + 10 of 260
    s = board.whatif
    assert (s["won_revenue_at_risk"], s["won_revenue_at_risk_share"]) == (560.0, 0.56)
    assert (s["sourced_revenue_at_risk"], s["influenced_revenue_at_risk"]) == (160.0, 400.0)
    assert s["open_pipeline_touched"] == 60.0
    assert s["investment_freed"] == 110.0
    assert "Exiting 2 partners puts 560 of won revenue at risk (56% of the total)" in (
        board._whatif.value
    )
    board.selected = ["p5"]  # e.g. picked on a chart
    assert board.whatif["won_revenue_at_risk"] == 40.0
    assert board.queue.selected == ["p5"]

    class Selections:
        def observe(self, handler, names):
            self.handler = handler

    sel = Selections()
    board.follow_chart(sel, "pick")
    sel.handler({"new": SimpleNamespace(value=[{"partner_id": "p2"}, {"partner_id": "zz"}])})
    assert board.selected == ["p2"]
    assert board.whatif["won_revenue_at_risk"] == 300.0


def test_bulk_decision_records_all_in_one_go_and_the_ledger_view_updates(
    small, ledger: Ledger
) -> None:
    board = DecisionBoard(small, ledger, out_dir="unused")
    assert board.ledger_view.total == 0
    assert all(b.disabled for b in board.bulk_buttons.values())
    board.selected = ["p4", "p2"]
    assert not board.bulk_buttons["watch"].disabled
    assert board.decide_selected("watch") == 0  # no name, no rationale
    assert len(ledger) == 0
    board.who, board.rationale = "ana", "Both fading; review next quarter."
    board.bulk_buttons["watch"].click()
    history = ledger.history()
    assert sorted(history["partner_id"]) == ["p2", "p4"]
    assert history["recorded_at"].n_unique() == 1  # one transaction
    assert board.message == "Recorded: watch for 2 selected partners."
    assert board.selected == []
    assert board.ledger_view.total == 2
    board.partner_id, board.rationale = "p5", "Nothing in a year."
    board.decide("exit")
    view = board.ledger_view.view
    assert view.select("name", "recommended", "decided", "follows_recommendation").row(0) == (
        "Echo",
        "exit",
        "exit",
        True,
    )  # latest first
    assert board.ledger_view.total == 3
    assert board.queue.view.filter(pl.col("partner_id") == "p5")["decision"].item() == "exit"
    assert "3 decided" in board._position.value


def test_since_last_review_from_the_snapshot(small, ledger: Ledger) -> None:
    ledger.record(
        "p1",
        "keep",
        "Earlier review.",
        who="bo",
        as_of=dt.date(2025, 3, 31),
        policy=small.policy,
        metrics={"won_revenue": 400.0, "open_pipeline": 80.0, "health": None},
    )
    board = DecisionBoard(small, ledger, out_dir="unused")
    board.partner_id = "p1"
    detail = board._detail.value
    assert "Since the last review</b> (keep on the analysis of 2025-03-31)" in detail
    assert "won revenue 400 → 500; open pipeline 80 → 50</p>" in detail
    assert "health" not in detail.split("Since the last review")[1].split("</p>")[0]


def test_quarter_changes_on_a_real_analysis(ledger: Ledger) -> None:
    # Q2 2025 (the quarter ending on as_of): 300; Q1 2025: 200; Q2 2024: 100.
    portfolio = from_frames(
        partners=pl.DataFrame({"partner_id": ["a"], "name": ["Acme"]}),
        deals=pl.DataFrame(
            {
                "deal_id": ["d1", "d2", "d3"],
                "partner_id": ["a"] * 3,
                "created_on": ["2024-01-01"] * 3,
                "closed_on": ["2025-05-01", "2025-02-01", "2024-05-01"],
                "outcome": ["won"] * 3,
                "amount": [300.0, 200.0, 100.0],
            }
        ),
    )
    analysis = analyze(portfolio, as_of=dt.date(2025, 6, 30), policy=Policy())
    board = DecisionBoard(analysis, ledger, out_dir="unused", currency="EUR")
    board.partner_id = "a"
    assert (
        "Won revenue in the quarter from 2025-04-01:</b> EUR 300; quarter on quarter "
        "up EUR 100 (+50%); year on year up EUR 200 (+200%)."
    ) in board._detail.value
    # at stake: won in W (2024-06-30, 2025-06-30] = 300 + 200; no pipeline, no investment
    assert "at stake EUR 500" in board._detail.value


def test_partners_picked_on_the_explorer_chart_drive_the_whatif(small, ledger: Ledger) -> None:
    from partnerkit.widgets.explorer import PortfolioExplorer  # noqa: PLC0415

    explorer = PortfolioExplorer(small)
    board = DecisionBoard(small, ledger, out_dir="unused")
    board.follow_picks(explorer)
    explorer.selected = ["p3", "p5"]  # what a click on two bars sets
    assert board.selected == ["p3", "p5"]
    # won 100 + 40 of 1,000
    assert board.whatif["won_revenue_at_risk"] == 140.0
    assert board.whatif["won_revenue_at_risk_share"] == 0.14
    explorer.selected = []
    assert board.whatif == {}


def test_large_queue_dropdown_holds_the_head_and_any_partner_picked(
    scorecard_of, make_analysis, ledger: Ledger
) -> None:
    from partnerkit.widgets.board import DROPDOWN_LIMIT  # noqa: PLC0415

    # the scorecard carries its recommendations, as an analysis' does
    stub = make_analysis(scorecard_of(DROPDOWN_LIMIT + 100))
    card = recommend(stub.scorecard.lazy(), policy=stub.policy).collect()
    board = DecisionBoard(make_analysis(card), ledger, out_dir="x")
    assert len(board._partner.options) == DROPDOWN_LIMIT
    far = board.frame["partner_id"][DROPDOWN_LIMIT + 50]
    board.search = far  # beyond the dropdown's entries
    assert board.partner_id == far
    assert board._partner.value == far
    assert len(board._partner.options) == DROPDOWN_LIMIT + 1
    board.step(1)
    assert board.partner_id == board.frame["partner_id"][DROPDOWN_LIMIT + 51]
    assert f"{DROPDOWN_LIMIT + 52:,} of {DROPDOWN_LIMIT + 100:,} in the queue" in (
        board._position.value
    )
    first = board.frame["partner_id"][0]
    board._partner.value = first  # choosing in the dropdown
    assert board.partner_id == first
