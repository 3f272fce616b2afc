"""A companies export mixing customers in: a company with a blank Type that buys is a customer.

The export is written in the documented HubSpot shape (every field quoted, CRLF).
"""

from __future__ import annotations

from pathlib import Path

from partnerkit.load.read import load
from tests.load.hubspot_export import PARTNER_COMPANIES, deal, hubspot


def test_a_company_with_a_blank_type_that_buys_is_a_customer(tmp_path: Path) -> None:
    companies = [
        *PARTNER_COMPANIES,
        ["502", "Lumen Foods", "", ""],  # a customer whose Type was never filled
        ["303", "Cedar Consulting", "", ""],  # a partner whose Type was never filled
        ["304", "Dormant Partners", "", ""],  # in no deal at all
        ["601", "Office Supplies Inc", "Vendor", ""],
    ]
    deals = [
        deal("9001", "Closed Won", "301", company="502"),
        deal("9002", "Closed Won", "303", company="501;502"),
        deal("9003", "Closed Lost", "302", company="501"),
    ]
    folder = hubspot(tmp_path / "hubspot", deals, companies)
    loaded = load(folder, preset="hubspot")
    assert loaded.portfolio is not None
    ids = loaded.portfolio.partners.select("partner_id").collect().to_series().to_list()
    assert ids == ["301", "302", "303", "304"]
    partners = next(t for t in loaded.report.tables if t.table == "partners")
    assert (
        "1 company with a blank Type left out as customers: accounts of deals and no deal's "
        "partner ('Lumen Foods' (line 5)); give them a partner Type to count them as partners"
    ) in partners.notes
