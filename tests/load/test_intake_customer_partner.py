"""A deal whose partner is a customer account of the same export is told as such.

The exports are written in the documented Salesforce API shape (UTF-8 with BOM, CRLF,
18-character ids, ``IsPartner`` and ``Type`` on the Account export, ``TRUE``/``FALSE``
flags, ISO datetimes).
"""

from __future__ import annotations

from pathlib import Path

from partnerkit.load.read import load

ACCOUNTS = (
    "Id,Name,Type,IsPartner\r\n"
    "001000000000PA1AAA,Northwind Cloud,Channel Partner / Reseller,TRUE\r\n"
    "001000000000PA2AAA,Bluebird Systems,Technology Partner,TRUE\r\n"
    "001000000000CU1AAA,Harbor Freight,Customer - Direct,FALSE\r\n"
)
OPPORTUNITIES = (
    "Id,AccountId,Name,StageName,Amount,CloseDate,CreatedDate,IsClosed,IsWon,Partner__c\r\n"
    "006000000000OP1AAA,001000000000CU1AAA,A,Closed Won,1000,2026-03-01,"
    "2026-01-22T16:14:25.000+0000,TRUE,TRUE,001000000000PA1AAA\r\n"
    "006000000000OP2AAA,001000000000CU1AAA,B,Closed Won,2000,2026-04-01,"
    "2026-01-23T16:14:25.000+0000,TRUE,TRUE,001000000000CU1AAA\r\n"
)


def test_an_unknown_partner_that_is_a_customer_account_is_named(tmp_path: Path) -> None:
    (tmp_path / "Account.csv").write_text(ACCOUNTS, encoding="utf-8-sig", newline="")
    (tmp_path / "Opportunity.csv").write_text(OPPORTUNITIES, encoding="utf-8-sig", newline="")
    loaded = load(tmp_path, preset="salesforce")
    (problem,) = loaded.report.problems
    assert problem.rule == "unknown_partner"
    assert problem.message.endswith(
        "; '001000000000CU1AAA' is the account 'Harbor Freight' (line 4 of Account.csv), left "
        "out of the partners as a customer (IsPartner not true, Type 'Customer - Direct')"
    )
