"""A HubSpot export in the documented shape (every field quoted, CRLF), for the intake tests.

A deals view without Is Closed Won / Is closed lost and a companies export, written by
:func:`hubspot`; :func:`deal` is one deal row, :data:`PARTNER_COMPANIES` two partners and a
customer.
"""

from __future__ import annotations

from pathlib import Path


def quoted(rows: list[list[str]]) -> str:
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


def hubspot(folder: Path, deals: list[list[str]], companies: list[list[str]]) -> Path:
    """A HubSpot deals view without Is Closed Won / Is closed lost, and a companies export."""
    folder.mkdir(parents=True, exist_ok=True)
    head = ["Record ID", "Company name", "Type", "Partner Tier"]
    (folder / "hubspot-crm-exports-all-companies-2026-09-01.csv").write_text(
        quoted([head, *companies]), encoding="utf-8", newline=""
    )
    (folder / "hubspot-crm-exports-all-deals-2026-09-01.csv").write_text(
        quoted([HUBSPOT_DEALS, *deals]), encoding="utf-8", newline=""
    )
    return folder


def deal(record: str, stage: str, partner: str, company: str = "501") -> list[str]:
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
