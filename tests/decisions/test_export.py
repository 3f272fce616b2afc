"""Decision exports: history order kept, names and reasons for people, formulas neutralised."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.decisions.export import DECISION_COLUMNS, export_decisions
from partnerkit.decisions.ledger import Ledger
from partnerkit.decisions.recommend import REASONS
from partnerkit.policy import Policy

# ---- decisions ------------------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as led:
        for i, (pid, dec) in enumerate(
            [("b", "keep"), ("a", "watch"), ("b", "exit"), ("=evil", "keep"), ("a", "invest")]
        ):
            led.record(
                pid,
                dec,
                f"-reason {i}",
                who="@ana",
                as_of=dt.date(2025, 6, 30),
                policy=Policy(),
                metrics={"i": i, "name": "=HYPERLINK(1)"},
            )
        yield led


@pytest.mark.parametrize("suffix", ["csv", "parquet", "xlsx"])
def test_history_export_keeps_every_row_in_order(filled, tmp_path, suffix):
    out = export_decisions(filled, tmp_path / f"history.{suffix}", history=True)
    history = filled.history()
    if suffix == "parquet":  # the archive: the ledger rows exactly, snapshot included
        assert_frame_equal(pl.read_parquet(out), history)
        return
    if suffix == "csv":
        back = pl.read_csv(out, try_parse_dates=True)
    else:
        back = pl.read_excel(out, sheet_name="history")
    assert back.columns == list(DECISION_COLUMNS)
    assert back["id"].to_list() == [1, 2, 3, 4, 5]
    assert back["partner_id"].to_list() == ["b", "a", "b", "'=evil", "a"]
    assert back["rationale"].to_list() == [f"'-reason {i}" for i in range(5)]
    assert back["who"].unique().to_list() == ["'@ana"]
    assert back["decided"].to_list() == history["decision"].to_list()
    # the name comes from the snapshot, neutralised like every text cell
    assert back["name"].unique().to_list() == ["'=HYPERLINK(1)"]


def test_current_export(filled, tmp_path):
    back = pl.read_csv(export_decisions(filled, tmp_path / "current.csv"))
    assert back.select("partner_id", "decided").rows() == [
        ("'=evil", "keep"),
        ("a", "invest"),
        ("b", "exit"),
    ]


def test_export_has_names_recommended_vs_decided_and_reason_sentences(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as led:
        common = {"who": "ana", "as_of": dt.date(2025, 6, 30), "policy": Policy()}
        led.record(
            "p1",
            "watch",
            "Give them a quarter.",
            metrics={
                "name": "Acme",
                "recommendation": "exit",
                "reasons": ["DORMANT", "LOW_HEALTH"],
                "explanation": "Dormant for a year.",
                "won_revenue": 0.0,
                "health": 12.5,
                "state": "dormant",
            },
            **common,
        )
        led.record(
            "p2",
            "invest",
            "Strong.",
            metrics={"recommendation": "invest", "reasons": ["HIGH_HEALTH"], "health": 80},
            **common,
        )
        led.record("p3", "keep", "No snapshot kept.", metrics={}, **common)
        names = pl.DataFrame({"partner_id": ["p2", "p3"], "name": ["Bolt", "Cora"]})
        out = export_decisions(led, tmp_path / "decisions.xlsx", names=names, history=True)
    back = pl.read_excel(out, sheet_name="history")
    assert "metrics" not in back.columns  # no JSON blob for people
    assert back.select(
        "name", "recommended", "decided", "follows_recommendation", "health", "state"
    ).rows() == [
        ("Acme", "exit", "watch", False, 12.5, "dormant"),
        ("Bolt", "invest", "invest", True, 80.0, None),
        ("Cora", None, "keep", None, None, None),
    ]
    sentence = {r.code: r.meaning for r in REASONS}
    assert back["reasons"][0] == f"{sentence['DORMANT']} {sentence['LOW_HEALTH']}"
    assert back["reasons"][1] == sentence["HIGH_HEALTH"]
