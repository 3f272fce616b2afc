"""One mistyped date far after the rest of the data must not silently set the as_of.

A won deal closed "2027-12-31" among dates of 2023 to 2026 is the latest actual event, so the
default as_of moves to it: the window empties and every partner looks dormant. The load
report quotes that row (line and id) and the analysis says which deal set its as_of.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from partnerkit.analysis import analyze
from partnerkit.cli import main
from partnerkit.load.read import load, read_portfolio

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "data" / "samples"


def with_deal_closed(tmp_path: Path, day: str, *, rows: int = 1) -> tuple[Path, list[str]]:
    """Copy the sample with the close date of its first ``rows`` won deals set to ``day``."""
    folder = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, folder)
    deals = pl.read_csv(folder / "deals.csv", infer_schema=False)
    won = deals.with_row_index().filter(pl.col("outcome") == "won")["index"].head(rows)
    deals = deals.with_columns(
        pl.when(pl.int_range(pl.len()).is_in(won.implode()))
        .then(pl.lit(day))
        .otherwise(pl.col("closed_on"))
        .alias("closed_on")
    )
    deals.write_csv(folder / "deals.csv")
    return folder, [deals["deal_id"][i] for i in won]


def lone_notes(notes: tuple[str, ...] | list[str]) -> list[str]:
    return [n for n in notes if "sets the default as_of" in n]


def test_the_committed_sample_has_no_lone_event() -> None:
    loaded = load(SAMPLE)
    assert not lone_notes([n for t in loaded.report.tables for n in t.notes])
    assert loaded.portfolio is not None
    assert not lone_notes(analyze(loaded.portfolio).notes)


def test_a_mistyped_close_date_is_quoted_by_line_and_id(tmp_path: Path) -> None:
    folder, (deal,) = with_deal_closed(tmp_path, "2027-12-31")
    line = pl.read_csv(folder / "deals.csv", infer_schema=False)["deal_id"].index_of(deal) + 2
    loaded = load(folder, hint_style="cli")
    deals = next(t for t in loaded.report.tables if t.table == "deals")
    (note,) = lone_notes(deals.notes)
    assert note.startswith(f"closed_on: line {line} (id {deal}): 2027-12-31 is the latest event")
    assert note.endswith("pass --as-of 2026-09-30")
    assert loaded.portfolio is not None
    analysis = analyze(loaded.portfolio)
    assert analysis.as_of == dt.date(2027, 12, 31)
    (said,) = lone_notes(analysis.notes)
    assert f"the closed_on of deal {deal} on 2027-12-31" in said
    assert "analyse as of 2026-09-30" in said
    # the note survives a change of policy (it is about the data, not the policy)
    assert lone_notes(analysis.with_policy(analysis.policy).notes) == [said]


def test_an_as_of_given_or_the_date_fixed_leaves_no_note(tmp_path: Path) -> None:
    typo, _ = with_deal_closed(tmp_path, "2027-12-31")
    fixed = read_portfolio(SAMPLE)
    typed = read_portfolio(typo)
    at = dt.date(2026, 9, 30)
    assert not lone_notes(analyze(typed, as_of=at).notes)  # as_of given: nothing to say
    assert analyze(fixed).as_of == at
    assert not lone_notes(analyze(fixed).notes)


@pytest.mark.parametrize("day", ["2026-10-15", "2026-12-29"])
def test_a_date_within_the_active_days_is_no_lone_event(tmp_path: Path, day: str) -> None:
    folder, _ = with_deal_closed(tmp_path, day)
    loaded = load(folder)
    assert loaded.portfolio is not None
    assert not lone_notes([n for t in loaded.report.tables for n in t.notes])
    assert not lone_notes(analyze(loaded.portfolio).notes)


def test_several_rows_on_the_lone_date_are_counted(tmp_path: Path) -> None:
    folder, ids = with_deal_closed(tmp_path, "2028-01-31", rows=5)
    deals = next(t for t in load(folder).report.tables if t.table == "deals")
    (note,) = lone_notes(deals.notes)
    assert all(f"(id {i})" in note for i in ids[:3])
    assert " and 2 more: 2028-01-31" in note


def test_a_row_set_aside_does_not_count(tmp_path: Path) -> None:
    folder, (deal,) = with_deal_closed(tmp_path, "2027-12-31")
    deals = pl.read_csv(folder / "deals.csv", infer_schema=False)
    deals = deals.with_columns(
        pl.when(pl.col("deal_id") == deal).then(pl.lit("-5")).otherwise("amount").alias("amount")
    )
    deals.write_csv(folder / "deals.csv")
    loaded = load(folder, quarantine=True)
    assert loaded.portfolio is not None
    assert not lone_notes([n for t in loaded.report.tables for n in t.notes])
    assert analyze(loaded.portfolio).as_of == dt.date(2026, 9, 30)


def test_a_small_portfolio_with_a_gap_is_no_surprise() -> None:
    partners = pl.DataFrame({"partner_id": ["a"], "name": ["A"]})
    deals = pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "a"],
        "created_on": ["2024-01-05", "2025-06-01"], "closed_on": ["2024-02-01", "2025-07-01"],
        "outcome": ["won", "won"], "amount": [1.0, 2.0]})  # fmt: skip
    loaded = load({"partners": partners, "deals": deals})
    assert loaded.portfolio is not None
    assert not lone_notes(analyze(loaded.portfolio).notes)


def test_validate_and_analyze_say_it_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, (deal,) = with_deal_closed(tmp_path, "2027-12-31")
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"(id {deal}): 2027-12-31 is the latest event" in out
    assert main(["analyze", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("as of 2027-12-31")
    assert f"note: The latest actual event in the data, the closed_on of deal {deal}" in out


def future_notes(notes: tuple[str, ...] | list[str]) -> list[str]:
    return [n for n in notes if "lies after today" in n]


def test_events_after_today_are_named_when_they_set_the_as_of(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The clock is read only to warn: the as_of and every figure stay the data's own.
    portfolio = read_portfolio(SAMPLE)
    before = analyze(portfolio)
    assert not future_notes(before.notes)  # the sample lies in the past
    as_of = before.window.end
    today = as_of - dt.timedelta(days=10)
    monkeypatch.setattr("partnerkit.load.events.clock_date", lambda: today)
    after = analyze(portfolio)
    (note,) = future_notes(after.notes)
    assert after.window.end == as_of
    assert after.scorecard.equals(before.scorecard)
    later = portfolio.deals.with_columns(
        last=pl.max_horizontal(
            "created_on", pl.when(pl.col("outcome") != "open").then(pl.col("closed_on"))
        )
    )
    late = later.filter(pl.col("last") > today).collect()
    activities = portfolio.activities
    assert activities is not None
    late_activities = activities.filter(pl.col("occurred_on") > today).collect()
    assert f"on {as_of}" in note
    assert f"after today ({today})" in note
    assert f"(and {late.height + late_activities.height - 1:,} other rows after today)" in note
    up_to = max(
        later.filter(pl.col("created_on") <= today)
        .select(pl.col("created_on").max())
        .collect()
        .item(),
        activities.filter(pl.col("occurred_on") <= today)
        .select(pl.col("occurred_on").max())
        .collect()
        .item(),
    )
    assert note.endswith(f"analyse as of {up_to}.")
    # an as_of given explicitly is the user's choice: no note
    assert not future_notes(analyze(portfolio, as_of=as_of).notes)


def test_a_task_due_next_quarter_is_named_by_its_partner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, folder)
    activities = pl.read_csv(folder / "activities.csv", infer_schema=False)
    due = activities.head(1).with_columns(occurred_on=pl.lit("2026-12-20"))
    pl.concat([activities, due]).write_csv(folder / "activities.csv")
    monkeypatch.setattr("partnerkit.load.events.clock_date", lambda: dt.date(2026, 12, 5))
    notes = analyze(read_portfolio(folder)).notes
    (note,) = future_notes(notes)
    partner = due["partner_id"][0]
    assert note.startswith(
        "The latest actual event in the data, the occurred_on of an activity of partner "
        f"{partner} on 2026-12-20, lies after today (2026-12-05)"
    )
