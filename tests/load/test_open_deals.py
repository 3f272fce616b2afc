"""Open deals are open whatever their (expected) close date; as-of is the latest actual event.

One portfolio worked by hand:

====  =======  =======  ==========  ==========================  =======  ======
deal  partner  account  created     close date                  outcome  amount
====  =======  =======  ==========  ==========================  =======  ======
d1    a        X        2025-01-10  2025-03-01                  won      1000
d2    a        Y        2025-01-15  2025-02-01 (expected, past) open     500
d3    b        Y        2025-02-10  2025-12-31 (expected)       open     300
d4    b        Z        2025-01-20  2025-02-15                  lost     200
d5    c        -        2025-02-20  2025-02-28 (expected, past) open     50
====  =======  =======  ==========  ==========================  =======  ======

Actual events: creations up to 2025-02-20, the win on 2025-03-01, the loss on 2025-02-15;
so as-of is 2025-03-01 (the expected 2025-12-31 is a forecast). Open pipeline: a 500 (d2
slipped but still open), b 300, c 50. Two open deals (d2, d5) are past their expected
close date. a and b (both crm) work account Y at the same time: d2 is still open when d3
is created, so they conflict there.
"""

from __future__ import annotations

import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl
import pytest

from partnerkit.analysis import analyze, quick_scorecard
from partnerkit.cli import main
from partnerkit.facts import latest_date, open_past_expected
from partnerkit.facts.deals import deal_accounts as stage_one_accounts
from partnerkit.facts.deals import live_in, open_at
from partnerkit.load import PortfolioError, from_frames
from partnerkit.load.read import read_portfolio
from partnerkit.widgets.drill import counts_as, recompute
from partnerkit.window import Window

D = dt.date

PARTNERS = pl.DataFrame(
    {"partner_id": ["a", "b", "c"], "name": ["A", "B", "C"], "category": ["crm", "crm", None]}
)
DEALS = pl.DataFrame(
    {
        "deal_id": ["d1", "d2", "d3", "d4", "d5"],
        "partner_id": ["a", "a", "b", "b", "c"],
        "account_id": ["X", "Y", "Y", "Z", None],
        "created_on": ["2025-01-10", "2025-01-15", "2025-02-10", "2025-01-20", "2025-02-20"],
        "closed_on": ["2025-03-01", "2025-02-01", "2025-12-31", "2025-02-15", "2025-02-28"],
        "outcome": ["won", "open", "open", "lost", "open"],
        "amount": [1000.0, 500.0, 300.0, 200.0, 50.0],
    }
)


def deal_accounts(deals, *, window):
    """Stage 1's (partner, account) reduction of polars ``deals``."""
    return stage_one_accounts(nw.from_native(deals), window=window).to_native()


@pytest.fixture(scope="module")
def portfolio():
    return from_frames(partners=PARTNERS, deals=DEALS)


@pytest.fixture(scope="module")
def analysis(portfolio):
    return analyze(portfolio)


def test_as_of_is_the_latest_actual_event(portfolio, analysis):
    assert latest_date(portfolio) == D(2025, 3, 1)
    assert analysis.as_of == D(2025, 3, 1)


def test_open_pipeline_counts_every_open_deal(analysis):
    card = analysis.scorecard.sort("partner_id")
    assert card.select("partner_id", "open_pipeline", "open_deals").rows() == [
        ("a", 500.0, 1),
        ("b", 300.0, 1),
        ("c", 50.0, 1),
    ]
    assert card.select("won_revenue", "won_deals", "lost_deals").rows() == [
        (1000.0, 1, 0),
        (0.0, 0, 1),
        (0.0, 0, 0),
    ]


def test_note_reports_open_deals_past_their_expected_close_date(portfolio, analysis):
    notes = [n for n in analysis.notes if "expected close date" in n]
    assert len(notes) == 1
    assert notes[0].startswith("2 open deals are past their expected close date")
    assert open_past_expected(portfolio) == 2
    assert open_past_expected(portfolio, D(2025, 2, 1)) == 1  # only d2 by then


def test_expected_close_date_never_makes_a_deal_closed_in_the_window(portfolio):
    # a window that holds d2's and d5's expected dates but not d1's win
    card = quick_scorecard(portfolio, as_of=D(2025, 2, 28))
    got = card.sort("partner_id").select("partner_id", "won_deals", "lost_deals").rows()
    assert got == [("a", 0, 0), ("b", 0, 1), ("c", 0, 0)]


def test_a_deal_won_after_as_of_was_open_on_it(portfolio):
    a = analyze(portfolio, as_of=D(2025, 2, 20))
    assert a.partner("a")["open_pipeline"] == 1500.0  # d1 (won 2025-03-01) and d2


def test_conflict_while_a_slipped_deal_is_still_open(analysis):
    pairs = analysis.conflicts.select("partner_a", "partner_b").rows()
    assert pairs == [("a", "b")]


def test_account_span_runs_to_as_of_for_a_slipped_open_deal(portfolio):
    w = Window.ending(D(2025, 3, 1), months=12)
    spans = deal_accounts(portfolio.deals, window=w).filter(pl.col("account_id") == "Y")
    got = spans.sort("partner_id").select("partner_id", "active_to", "open_amount").collect()
    assert got.rows() == [("a", D(2025, 3, 1), 500.0), ("b", D(2025, 3, 1), 300.0)]


def test_drill_down_agrees(portfolio):
    w = Window.ending(D(2025, 3, 1), months=12)
    deals = portfolio.deals.filter(pl.col("partner_id") == "a").collect()
    assert counts_as(deals, window=w)["counts_as"].to_list() == [
        "won in window",
        "open at as-of",
    ]
    assert recompute({"deals": deals}, window=w)["open_pipeline"] == 500.0


def test_window_live_and_open_at_end_ignore_expected_dates():
    w = Window(D(2025, 1, 1), D(2025, 1, 31))
    f = pl.DataFrame(
        {
            "created_on": [D(2024, 6, 1)] * 4,
            "closed_on": [D(2024, 9, 1), D(2024, 9, 1), D(2025, 6, 1), None],
            "outcome": ["open", "lost", "open", "open"],
        }
    )
    live = nw.from_native(f).select(live_in(w)).to_native().to_series().to_list()
    assert live == [True, False, True, True]
    still_open = nw.from_native(f).select(open_at(w.end)).to_native().to_series().to_list()
    assert still_open == [True, False, True, True]


def test_as_of_ignores_forecast_tables_and_counts_activities():
    activities = pl.DataFrame({"partner_id": ["a"], "occurred_on": ["2025-03-20"], "kind": ["qbr"]})
    investments = pl.DataFrame(
        {
            "partner_id": ["a"],
            "category": ["mdf"],
            "starts_on": ["2026-01-01"],  # a budget for next year is no event
            "amount": [10.0],
        }
    )
    p = from_frames(partners=PARTNERS, deals=DEALS, activities=activities, investments=investments)
    assert latest_date(p) == D(2025, 3, 20)


def test_only_open_deals_with_expected_dates_gives_the_latest_creation():
    deals = DEALS.filter(pl.col("outcome") == "open")
    p = from_frames(partners=PARTNERS, deals=deals)
    assert latest_date(p) == D(2025, 2, 20)


def _salesforce_api_export(root):
    """Account, Opportunity and OpportunityPartner in the API-name shape (UTF-8 BOM, quoted,
    ``IsClosed``/``IsWon`` as TRUE/FALSE, UTC datetimes), open deals carrying CloseDate."""
    bom = "\ufeff"

    def write(name, rows):
        lines = [",".join(f'"{c}"' for c in row) for row in rows]
        (root / name).write_text(bom + "\r\n".join(lines) + "\r\n", encoding="utf-8")

    write(
        "Account.csv",
        [
            ("Id", "Name", "Type", "IsPartner"),
            ("001000000000000AAA", "Alpha Partners", "Channel Partner / Reseller", "true"),
            ("001000000000000BBB", "Beta Systems", "Technology Partner", "true"),
        ],
    )
    head = ("Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon",
            "CreatedDate", "CurrencyIsoCode")  # fmt: skip
    write(
        "Opportunity.csv",
        [
            head,
            (
                "006000000000001AAA",
                "001C1",
                "O1",
                "Closed Won",
                "25000",
                "2024-03-15",
                "TRUE",
                "TRUE",
                "2024-01-22T16:14:25.000+0000",
                "USD",
            ),
            (
                "006000000000002AAA",
                "001C2",
                "O2",
                "Closed Lost",
                "12000",
                "2024-04-30",
                "TRUE",
                "FALSE",
                "2024-02-03T09:01:00.000+0000",
                "USD",
            ),
            (
                "006000000000003AAA",
                "001C3",
                "O3",
                "Prospecting",
                "5000",
                "2024-02-01",
                "FALSE",
                "FALSE",
                "2024-01-10T10:00:00.000+0000",
                "USD",
            ),
            (
                "006000000000004AAA",
                "001C4",
                "O4",
                "Negotiation/Review",
                "7000",
                "2025-06-30",
                "FALSE",
                "FALSE",
                "2024-03-01T10:00:00.000+0000",
                "USD",
            ),
        ],
    )
    write(
        "OpportunityPartner.csv",
        [
            ("Id", "OpportunityId", "AccountToId", "Role", "IsPrimary", "IsDeleted"),
            ("00I1", "006000000000001AAA", "001000000000000AAA", "Reseller", "1", ""),
            ("00I2", "006000000000002AAA", "001000000000000BBB", "Reseller", "1", ""),
            ("00I3", "006000000000003AAA", "001000000000000AAA", "Reseller", "1", ""),
            ("00I4", "006000000000004AAA", "001000000000000BBB", "Reseller", "1", ""),
        ],
    )
    return root


def test_salesforce_export_with_slipped_and_forecast_close_dates(tmp_path):

    p = read_portfolio(_salesforce_api_export(tmp_path), preset="salesforce")
    # actual events: creations up to 2024-03-01, the win 2024-03-15, the loss 2024-04-30;
    # O4's CloseDate 2025-06-30 is a forecast and O3's 2024-02-01 a slipped expectation
    assert latest_date(p) == D(2024, 4, 30)
    a = analyze(p)
    card = a.scorecard.sort("partner_id")
    got = card.select("name", "won_revenue", "lost_deals", "open_pipeline").rows()
    assert got == [("Alpha Partners", 25000.0, 0, 5000.0), ("Beta Systems", 0.0, 1, 7000.0)]
    assert any(n.startswith("1 open deal is past its expected close date") for n in a.notes)


def test_hubspot_export_with_close_dates_on_open_deals(tmp_path):
    """HubSpot deals export (every field quoted, ``2025-03-31 17:00`` datetimes): open deals
    keep a Close Date, one slipped and one ahead."""

    def write(name, rows):
        text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n"
        (tmp_path / name).write_text(text, encoding="utf-8")

    write(
        "hubspot-crm-exports-all-companies-2025-11-28.csv",
        [
            ("Record ID", "Company name", "Type"),
            ("301", "Northwind Cloud", "Reseller"),
            ("302", "Bluebird Systems", "Reseller"),
        ],
    )
    head = ("Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date",
            "Is Closed Won", "Is closed lost", "Associated Partner Client IDs")  # fmt: skip
    write(
        "hubspot-crm-exports-all-deals-2025-11-28.csv",
        [
            head,
            ("9001", "A", "Closed Won", "25000.0", "2025-03-31 17:00", "2025-01-14 09:30",
             "true", "false", "301"),
            ("9002", "B", "Appointment Scheduled", "4000.0", "2025-02-28 17:00",
             "2025-01-20 09:30", "false", "false", "301"),
            ("9003", "C", "Contract Sent", "6000.0", "2026-01-31 17:00", "2025-02-10 09:30",
             "false", "false", "302"),
            ("9004", "D", "Closed Lost", "1000.0", "2025-03-10 17:00", "2025-02-01 09:30",
             "false", "true", "302"),
        ],
    )  # fmt: skip
    p = read_portfolio(tmp_path, preset="hubspot")
    # actual events: the win on 2025-03-31 is the latest; 2026-01-31 is a forecast
    assert latest_date(p) == D(2025, 3, 31)
    a = analyze(p)
    got = a.scorecard.sort("name").select("name", "won_revenue", "lost_deals", "open_pipeline")
    assert got.rows() == [
        ("Bluebird Systems", 0.0, 1, 6000.0),
        ("Northwind Cloud", 25000.0, 0, 4000.0),
    ]
    assert any(n.startswith("1 open deal is past its expected close date") for n in a.notes)


def test_an_expected_close_date_before_creation_is_no_error():
    # an open deal created after its (old) expected close date: no close happened early
    deals = DEALS.with_columns(
        pl.when(pl.col("deal_id") == "d2")
        .then(pl.lit("2024-12-01"))
        .otherwise(pl.col("closed_on"))
        .alias("closed_on")
    )
    p = from_frames(partners=PARTNERS, deals=deals)
    assert analyze(p).partner("a")["open_pipeline"] == 500.0
    # ...while a won deal closed before its creation still is one
    won = DEALS.with_columns(
        pl.when(pl.col("deal_id") == "d1")
        .then(pl.lit("2024-12-01"))
        .otherwise(pl.col("closed_on"))
        .alias("closed_on")
    )
    with pytest.raises(PortfolioError, match="close_before_create"):
        from_frames(partners=PARTNERS, deals=won)


def test_validate_command_notes_open_deals_past_their_expected_close_date(tmp_path, capsys):
    root = _salesforce_api_export(tmp_path)
    assert main(["validate", str(root), "--preset", "salesforce"]) == 0
    out = capsys.readouterr().out
    # O3 is open with an expected CloseDate of 2024-02-01, before the latest actual event
    assert "note: 1 open deal(s) past the expected close date (on or before 2024-04-30" in out


def test_hubspot_blank_flags_defer_to_the_stage(tmp_path):
    """Both flag cells blank: the stage says won, lost or open; a blank is no "false"."""
    head = '"Record ID","Deal Name","Deal Stage","Amount","Close Date","Create Date",'
    head += '"Is Closed Won","Is closed lost","Associated Partner Client IDs"'
    rows = [
        '"9001","A","Closed Won","25000.0","2025-03-31 17:00","2025-01-14 09:30","","","301"',
        '"9002","B","Contract Sent","4000.0","2025-05-28 17:00","2025-01-20 09:30","","","301"',
        '"9003","C","Closed Lost","6000.0","2025-03-10 17:00","2025-02-10 09:30","","","302"',
        (
            '"9004","D","Closed Won","1000.0","2025-03-11 17:00","2025-02-01 09:30",'
            '"false","false","302"'
        ),
    ]
    (tmp_path / "hubspot-crm-exports-all-deals-2025-11-28.csv").write_text(
        "\n".join([head, *rows]) + "\n", encoding="utf-8"
    )
    (tmp_path / "hubspot-crm-exports-all-companies-2025-11-28.csv").write_text(
        '"Record ID","Company name"\n"301","Northwind"\n"302","Bluebird"\n', encoding="utf-8"
    )
    p = read_portfolio(tmp_path, preset="hubspot")
    got = p.deals.select("deal_id", "outcome").sort("deal_id").collect().rows()
    # written flags still win over the stage (9004: both written false is open)
    assert got == [("9001", "won"), ("9002", "open"), ("9003", "lost"), ("9004", "open")]
