"""Exports in the documented shapes of real CRM files that were read wrongly or told badly.

Each test writes its export in the shape FORMATS.md documents (HubSpot: every field quoted,
CRLF; Salesforce reports: labels and footer rows; order lines: the order number repeated)
and checks what the loader reads and what the load report, the warnings and the errors say,
in the words of the interface in use.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl
import pytest

from partnerkit.cli import main
from partnerkit.load.mapping import read_mapping_file
from partnerkit.load.read import LoadWarning, load, read_portfolio
from tests.load.hubspot_export import PARTNER_COMPANIES, deal, hubspot


@pytest.fixture
def renewal_stages(tmp_path: Path) -> Path:
    deals = [
        deal("9001", "Closed Won", "301"),
        deal("9002", "Contract Sent", "301"),
        deal("9003", "Renewal Won", "302"),
        deal("9004", "Renewal Lost", "302"),
        deal("9005", "Renewal Won", "301"),
    ]
    return hubspot(tmp_path / "hubspot", deals, PARTNER_COMPANIES)


def test_stage_labels_taken_as_open_by_the_catch_all_are_listed(renewal_stages: Path) -> None:
    loaded = load(renewal_stages, preset="hubspot")
    deals = next(t for t in loaded.report.tables if t.table == "deals")
    assert (
        "Deal Stage: 4 rows read as 'open' by the catch-all rule \"*\": 'Contract Sent' 1 "
        "(line 3), 'Renewal Won' 2 (line 4), 'Renewal Lost' 1 (line 5)"
    ) in deals.notes
    won = (
        "deals: Deal Stage: 'Renewal Won' (2 rows, line 4) reads like a closed stage but is "
        "read as 'open' by the catch-all rule \"*\"; if it is won, pass "
        "values={'deals': {'outcome': {'Renewal Won': 'won'}}}"
    )
    lost = (
        "deals: Deal Stage: 'Renewal Lost' (1 row, line 5) reads like a closed stage but is "
        "read as 'open' by the catch-all rule \"*\"; if it is lost, pass "
        "values={'deals': {'outcome': {'Renewal Lost': 'lost'}}}"
    )
    assert loaded.report.warnings == (won, lost)


def test_python_callers_are_warned_of_closed_looking_labels(renewal_stages: Path) -> None:
    with pytest.warns(LoadWarning) as caught:
        read_portfolio(renewal_stages, preset="hubspot")
    said = [str(w.message) for w in caught]
    assert [s.split(" reads like")[0] for s in said] == [
        "deals: Deal Stage: 'Renewal Won' (2 rows, line 4)",
        "deals: Deal Stage: 'Renewal Lost' (1 row, line 5)",
    ]
    values = {"deals": {"outcome": {"Renewal Won": "won", "Renewal Lost": "lost"}}}
    with warnings.catch_warnings():
        warnings.simplefilter("error", LoadWarning)
        p = read_portfolio(renewal_stages, preset="hubspot", values=values)
    outcomes = dict(p.deals.select("deal_id", "outcome").collect().rows())
    assert outcomes == {
        "9001": "won",
        "9002": "open",
        "9003": "won",
        "9004": "lost",
        "9005": "won",
    }


def test_the_command_line_warns_with_the_mapping_file_line(
    renewal_stages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(renewal_stages), "--preset", "hubspot"]) == 0
    out = capsys.readouterr().out
    assert (
        "warning: deals: Deal Stage: 'Renewal Won' (2 rows, line 4) reads like a closed stage "
        "but is read as 'open' by the catch-all rule \"*\"; if it is won, add "
        '[values.deals.outcome] "Renewal Won" = "won" to a --mapping file'
    ) in out
    assert main(["analyze", str(renewal_stages), "--preset", "hubspot"]) == 0
    err = capsys.readouterr().err
    assert '[values.deals.outcome] "Renewal Lost" = "lost"' in err


ORDER_LINES = (
    "Order No,Reseller,Customer,Order Date,Product,Line Amount,Currency\r\n"
    'SO-1001,Müller Systemhaus,Café Noir,03.02.2026,Licence,"1.000,00",EUR\r\n'
    'SO-1001,Müller Systemhaus,Café Noir,03.02.2026,Support,"250,50",EUR\r\n'
    'SO-1002,MÜLLER SYSTEMHAUS ,Brasserie Lyon,15.03.2026,Licence,"2.000,00",EUR\r\n'
    'SO-1003,Société Générale IT,Hôtel Azur,20.04.2026,Licence,"3.000,00",EUR\r\n'
)

ORDERS_TOML = """currency = "EUR"
derive_partners = true
decimal = ","
[files]
deals = "order_lines.csv"
[columns.deals]
"Order No" = "deal_id"
"Reseller" = ["partner_id", "partner_name"]
"Customer" = "account_id"
"Order Date" = ["created_on", "closed_on"]
"Line Amount" = "amount"
"Currency" = "currency"
"Product" = ""
[constants.deals]
outcome = "won"
[aggregate.deals]
by = "deal_id"
amount = "sum"
created_on = "min"
closed_on = "max"
"""


def test_derived_partners_spelt_in_other_case_are_one_partner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "orders"
    folder.mkdir()
    (folder / "order_lines.csv").write_bytes(ORDER_LINES.encode("cp1252"))
    mapping = tmp_path / "orders.toml"
    mapping.write_text(ORDERS_TOML, encoding="utf-8")
    assert main(["validate", str(folder), "--mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "partners  (derived from the deals (order_lines.csv): 2 rows)" in out
    assert (
        "partner_id: 1 row spelt otherwise than the partner's first line, read as that "
        "partner (case and spaces ignored, as partner names match): 'MÜLLER SYSTEMHAUS' "
        "(line 4) -> 'Müller Systemhaus'"
    ) in out
    p = read_portfolio(folder, mapping=read_mapping_file(mapping))
    by_partner = dict(p.deals.group_by("partner_id").agg(pl.col("amount").sum()).collect().rows())
    assert by_partner == {"Müller Systemhaus": 3250.5, "Société Générale IT": 3000.0}
