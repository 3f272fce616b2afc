"""Drill-through: one partner's raw rows and its scorecard figures worked out again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from partnerkit.analysis import analyze
from partnerkit.decisions import Ledger
from partnerkit.load import from_frames
from partnerkit.load.read import read_portfolio
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.widgets.drill import (
    PartnerDrill,
    partner_frames,
    partner_rows,
    recompute,
    trace,
)
from partnerkit.widgets.grid import DataGrid

AS_OF = dt.date(2025, 6, 30)  # W = (2024-06-30, 2025-06-30]


def _portfolio() -> Portfolio:
    return from_frames(
        partners=pl.DataFrame(
            {"partner_id": ["a", "b"], "name": ["Acme Ltd", "Bolt"], "status": ["active"] * 2}
        ),
        deals=pl.DataFrame(
            {
                "deal_id": ["d1", "d2", "d3", "d4", "d5", "d6", "d7"],
                "partner_id": ["a", "a", "a", "a", "a", "b", None],
                "account_id": ["x", "y", "x", "z", "x", "x", "x"],
                "created_on": [
                    "2024-05-01",
                    "2024-08-01",
                    "2025-01-10",
                    "2025-03-01",
                    "2023-01-01",
                    "2025-01-01",
                    "2025-01-01",
                ],
                "closed_on": [
                    "2024-07-15",
                    "2025-06-30",
                    None,
                    "2025-04-01",
                    "2024-06-30",
                    "2025-02-01",
                    "2025-02-01",
                ],
                "outcome": ["won", "won", "open", "lost", "won", "won", "won"],
                "amount": [100.0, 250.0, 40.0, 70.0, 999.0, 500.0, 300.0],
                "source": ["partner", "vendor", "partner", "partner", "partner", "partner", None],
            }
        ),
        activities=pl.DataFrame(
            {
                "partner_id": ["a", "a", "a", "b"],
                "occurred_on": ["2024-06-30", "2024-07-01", "2025-06-30", "2025-01-01"],
                "kind": ["qbr", "training", "cosell", "qbr"],
                "initiated_by": ["us", "partner", "us", "us"],
                "hours": [1.0, 2.0, 3.0, 4.0],
            }
        ),
        investments=pl.DataFrame(
            {
                "partner_id": ["a"],
                "category": ["mdf"],
                "starts_on": ["2025-01-01"],
                "ends_on": ["2025-12-31"],
                "amount": [365.0],
            }
        ),
        overlaps=pl.DataFrame(
            {
                "partner_id": ["a", "a", "b"],
                "account_id": ["x", "y", "x"],
                "our_status": ["prospect", "customer", "prospect"],
                "partner_status": ["customer", "prospect", "customer"],
            }
        ),
    )


def test_recompute_by_hand() -> None:
    # Partner a in W: won d1 (100, partner) and d2 (250, vendor, closed on as_of);
    # d5 closed on the window start is outside; d4 lost in W; d3 open at as_of.
    # Created in W: d2, d3, d4 (d1 was created before W). Activities in W: 2025-06-30 and
    # 2024-07-01 (2024-06-30 is the window start, outside). Investment: 2025-01-01..06-30
    # is 181 of its 365 days -> 181.0. Overlaps: accounts x, y.
    p = _portfolio()
    rows = partner_rows(p, "a")
    assert rows["deals"]["deal_id"].to_list() == ["d4", "d3", "d2", "d1", "d5"]  # newest first
    figures = recompute(rows, window=_analysis(p).window)
    assert figures == {
        "won_revenue": 350.0,
        "won_deals": 2,
        "sourced_revenue": 100.0,
        "influenced_revenue": 250.0,
        "lost_deals": 1,
        "open_pipeline": 40.0,
        "pipeline_created": 360.0,
        "deals_created": 3,
        "activities": 2,
        "investment": 181.0,
        "overlap_accounts": 2,
    }


def _analysis(p: Portfolio):
    return analyze(p, as_of=AS_OF, policy=Policy())


def test_the_scorecard_agrees_with_the_rows_and_a_wrong_figure_shows() -> None:
    p = _portfolio()
    a = _analysis(p)
    drill = PartnerDrill(a, p, partner_id="a")
    assert drill.figures["agrees"].all()
    assert drill.figures.filter(pl.col("figure") == "won_revenue")["scorecard"].item() == 350.0
    row = a.scorecard.filter(pl.col("partner_id") == "a").row(0, named=True)
    row["won_revenue"] = 351.0
    bad = trace(row, recompute(drill.rows, window=a.window))
    assert bad.filter(~pl.col("agrees"))["figure"].to_list() == ["won_revenue"]


def test_only_the_partners_rows_are_shown() -> None:
    p = _portfolio()
    drill = PartnerDrill(_analysis(p), p, partner_id="b")
    assert drill.rows["deals"]["deal_id"].to_list() == ["d6"]
    assert drill.grids["deals"].matched == 1
    assert drill.grids["deals"].rows[0][-1] == "won in window"  # counts_as column
    assert drill.grids["overlaps"].matched == 1
    assert drill.grids["investments"].matched == 0
    assert "Bolt (b)" in drill._header.value


def test_rows_do_not_depend_on_other_partners() -> None:
    # metamorphic: adding deals of another partner changes nothing for this one
    p = _portfolio()
    more = pl.concat(
        [
            p.deals.collect(),
            p.deals.collect()
            .filter(pl.col("partner_id") == "b")
            .with_columns(deal_id=pl.lit("d99"), amount=pl.lit(1e6)),
        ]
    )
    q = from_frames(
        partners=p.partners.collect(),
        deals=more,
        activities=p.activities.collect(),
        investments=p.investments.collect(),
        overlaps=p.overlaps.collect(),
    )
    assert partner_rows(q, "a")["deals"].equals(partner_rows(p, "a")["deals"])


def test_pick_by_search_by_table_row_and_by_chart() -> None:
    p = _portfolio()
    a = _analysis(p)
    drill = PartnerDrill(a, p)
    drill.query = "acme"
    assert drill.partner_id == "a"
    drill.query = "zz"
    assert drill.message == "No partner matches \u201czz\u201d."
    assert drill.partner_id == "a"  # unchanged
    drill.query = "Bolt (b)"  # what picking from the list types
    assert drill.partner_id == "b"

    grid = DataGrid(a.scorecard, key="partner_id", columns=["name"])
    drill.follow(grid)
    grid.clicked = "a"  # a click on the row
    assert drill.partner_id == "a"

    class Selections:
        def observe(self, handler, names):
            self.handler = handler

    sel = Selections()
    drill.follow_chart(sel, "pick")
    sel.handler({"new": SimpleNamespace(value=[{"partner_id": "b", "won_revenue": 500.0}])})
    assert drill.partner_id == "b"


def test_sample_partners_all_trace(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2] / "data" / "samples"
    p = read_portfolio(root)
    a = analyze(p)
    for pid in a.scorecard["partner_id"].head(25):
        row = a.scorecard.filter(pl.col("partner_id") == pid).row(0, named=True)
        t = trace(row, recompute(partner_rows(p, pid), window=a.window))
        assert t["agrees"].all(), (pid, t.filter(~pl.col("agrees")).rows())


@pytest.mark.slow
def test_onepager_follows_the_pick_and_exports(tmp_path: Path) -> None:
    p = _portfolio()
    drill = PartnerDrill(_analysis(p), p, partner_id="a", onepager=True, out_dir=tmp_path)
    assert drill.onepager_chart is not None
    assert drill.onepager_chart.to_dict()["title"]["text"] == "Acme Ltd"
    drill.query = "bolt"
    assert drill.onepager_chart.to_dict()["title"]["text"] == "Bolt"
    drill.export_button.click()
    assert sorted(Path(w).name for w in drill.written) == ["review-b.html", "review-b.png"]
    assert (tmp_path / "review-b.png").stat().st_size > 1000
    assert "Exported: review-b.png, review-b.html" in drill._header.value


def test_pick_on_the_explorer_chart_opens_the_partner() -> None:
    from partnerkit.widgets.explorer import PortfolioExplorer  # noqa: PLC0415

    p = _portfolio()
    a = _analysis(p)
    drill = PartnerDrill(a, p, partner_id="a")
    explorer = PortfolioExplorer(a)
    drill.follow_picks(explorer)
    explorer.selected = ["b"]
    assert drill.partner_id == "b"
    assert drill.rows["deals"]["deal_id"].to_list() == ["d6"]


def test_the_partner_filter_is_pushed_into_the_scans(tmp_path: Path) -> None:
    # canonical Parquet read lazily: each table's plan filters inside its scan
    p = _portfolio()
    for name in ("partners", "deals", "activities", "investments", "overlaps"):
        getattr(p, name).collect().write_parquet(tmp_path / f"{name}.parquet")
    lazy = read_portfolio(tmp_path, validate=False)
    for name, frame in partner_frames(lazy, "a").items():
        plan = frame.explain()
        scan = plan[plan.index("SCAN") :]
        assert "SELECTION" in scan, (name, plan)
        assert '"a"' in scan.split("SELECTION", 1)[1], (name, plan)
    assert partner_rows(lazy, "a")["deals"]["deal_id"].to_list() == ["d4", "d3", "d2", "d1", "d5"]


def test_onepager_shows_the_partners_change_over_time_and_since_its_review(
    tmp_path: Path,
) -> None:
    # a, as of 2025-06-30: Q2 2025 holds d2 (won 250) and d4 (lost 70); Q1 2025 nothing
    # closed; Q2 2024 holds d5 (won 999, closed 2024-06-30). Activities: one each in
    # Q2 2025 and Q2 2024, none in Q1 2025. The data start in 2023: every quarter is known.
    p = _portfolio()
    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.record(
            "a",
            "watch",
            "see how the renewal goes",
            who="analyst",
            as_of=dt.date(2025, 3, 31),
            policy=Policy(),
            metrics={"won_revenue": 100.0},
        )
        drill = PartnerDrill(_analysis(p), p, partner_id="a", onepager=True, ledger=ledger)
        changes = {r["measure"]: r for r in drill.changes().iter_rows(named=True)}
        assert drill.onepager_chart is not None
        spec = drill.onepager_chart.to_dict()
    rev = changes["won_revenue"]
    assert (rev["value"], rev["prior_value"], rev["year_ago_value"]) == (250.0, 0.0, 999.0)
    assert (rev["qoq_change_pct"], rev["yoy_change"]) == (None, -749.0)
    rate = changes["win_rate"]
    assert (rate["value"], rate["prior_value"], rate["yoy_change"]) == (0.5, None, -0.5)
    assert [changes["activities"][k] for k in ("value", "prior_value", "year_ago_value")] == [
        1.0,
        0.0,
        1.0,
    ]
    panel = next(v for v in spec["vconcat"] if v.get("title", {}).get("text") == "Change over time")
    cells = [cell["text"] for cell in spec["datasets"][panel["data"]["name"]]]
    assert cells[:4] == ["", "Q2 2025", "vs Q1 2025", "vs Q2 2024"]
    assert cells[4:8] == ["Won revenue", "250", "+250", "-749 (-75%)"]
    assert cells[12:16] == ["Win rate", "50%", "n/a", "-50 pts"]
    # won revenue in W (2024-06-30, 2025-06-30] is d1 100 + d2 250 = 350; 100 at the review
    assert "Since the review of 2025-03-31 (decided: watch):" in cells
    assert "won revenue +250 (was 100)" in cells
    assert spec["title"]["subtitle"].endswith("as of 2025-06-30")


def test_changes_without_kept_facts_build_them_once_and_agree() -> None:
    # an analysis-like object that kept no facts: the drill builds stage 1 itself for the
    # window, and reads the same change over time as from the analysis' own facts
    p = _portfolio()
    a = _analysis(p)
    bare = SimpleNamespace(scorecard=a.scorecard, as_of=a.as_of, policy=a.policy, window=a.window)
    drill = PartnerDrill(bare, p, partner_id="a")
    own = PartnerDrill(a, p, partner_id="a")
    assert drill.changes().equals(own.changes())
    assert drill._built is not None
    assert own._built is None
