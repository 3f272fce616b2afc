"""A companies export mixing customers in: a company with a blank Type that buys is a customer.

The export is written in the documented HubSpot shape (every field quoted, CRLF).
"""

from __future__ import annotations

from pathlib import Path

from partnerkit.load.read import load


def _quoted(rows: list[list[str]]) -> str:
    return "".join(",".join(f'"{v}"' for v in row) + "\r\n" for row in rows)


HUBSPOT_DEALS = [
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Pipeline",
    "Amount",
    "Close Date",
    "Create Date",
    "Associated Company IDs",
    "Associated Company",
    "Associated Partner Client IDs",
    "Currency",
]


def _hubspot(folder: Path, deals: list[list[str]], companies: list[list[str]]) -> Path:
    """A HubSpot deals view without Is Closed Won / Is closed lost, and a companies export."""
    folder.mkdir(parents=True, exist_ok=True)
    head = ["Record ID", "Company name", "Type", "Partner Tier"]
    (folder / "hubspot-crm-exports-all-companies-2026-09-01.csv").write_text(
        _quoted([head, *companies]), encoding="utf-8", newline=""
    )
    (folder / "hubspot-crm-exports-all-deals-2026-09-01.csv").write_text(
        _quoted([HUBSPOT_DEALS, *deals]), encoding="utf-8", newline=""
    )
    return folder


def _deal(record: str, stage: str, partner: str, company: str = "501") -> list[str]:
    return [
        record,
        f"Deal {record}",
        stage,
        "Renewals Pipeline",
        "9000.0",
        "2026-07-15 10:00",
        "2026-05-01 13:00",
        company,
        "Harbor Freight",
        partner,
        "USD",
    ]


PARTNER_COMPANIES = [
    ["301", "Northwind Cloud", "Partner", "Gold"],
    ["302", "Bluebird Systems", "Reseller", "Silver"],
    ["501", "Harbor Freight", "Customer", ""],
]


def test_a_company_with_a_blank_type_that_buys_is_a_customer(tmp_path: Path) -> None:
    companies = [
        *PARTNER_COMPANIES,
        ["502", "Lumen Foods", "", ""],  # a customer whose Type was never filled
        ["303", "Cedar Consulting", "", ""],  # a partner whose Type was never filled
        ["304", "Dormant Partners", "", ""],  # in no deal at all
        ["601", "Office Supplies Inc", "Vendor", ""],
    ]
    deals = [
        _deal("9001", "Closed Won", "301", company="502"),
        _deal("9002", "Closed Won", "303", company="501;502"),
        _deal("9003", "Closed Lost", "302", company="501"),
    ]
    folder = _hubspot(tmp_path / "hubspot", deals, companies)
    loaded = load(folder, preset="hubspot")
    assert loaded.portfolio is not None
    ids = loaded.portfolio.partners.select("partner_id").collect().to_series().to_list()
    assert ids == ["301", "302", "303", "304"]
    partners = next(t for t in loaded.report.tables if t.table == "partners")
    assert (
        "1 company with a blank Type left out as customers: accounts of deals and no deal's "
        "partner ('Lumen Foods' (line 5)); give them a partner Type to count them as partners"
    ) in partners.notes
