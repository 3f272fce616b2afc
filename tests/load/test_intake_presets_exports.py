"""Salesforce and HubSpot exports in shapes the presets misread: flags, types, ids, currencies.

Each export is written here in the documented shape of its CRM (Salesforce API names with a
BOM and CRLF, 18-character ids; HubSpot with every field quoted), small enough to read.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

import partnerkit as pk
from partnerkit.cli import main
from partnerkit.load.mapping import Shape
from partnerkit.load.read import Loaded, load
from tests.load.hubspot_export import quoted

ALPHA, BETA, GAMMA = "001000000000001AAA", "001000000000002AAA", "001000000000003AAA"
ACME = "001C00000000001AAA"


def header(names: str) -> list[str]:
    """The header row of a file: names joined by commas."""
    return names.split(",")


def salesforce(folder: Path, **files: list[list[str]]) -> Path:
    """Write ``Name=rows`` as ``Name.csv`` files, as Data Loader writes them (BOM, CRLF)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        text = "".join(",".join(row) + "\r\n" for row in rows)
        (folder / f"{name}.csv").write_text("\ufeff" + text, encoding="utf-8", newline="")
    return folder


ACCOUNTS = [
    ["Id", "Name", "Type"],
    [ALPHA, "Alpha Partners", "Partner"],
    [BETA, "Beta Resellers", "Reseller"],
    [GAMMA, "Gamma Distribution", "Distributor"],
]


def opportunity(
    ident: str, stage: str, amount: str, *, closed: str = "", partner: str = ""
) -> list[str]:
    return [
        ident,
        ACME,
        stage,
        amount,
        "2025-03-10",
        closed,
        "2025-01-01T10:00:00.000+0000",
        partner,
    ]


def notes_of(loaded: Loaded, table: str) -> tuple[str, ...]:
    return next(t for t in loaded.report.tables if t.table == table).notes


def won_revenue(loaded: Loaded) -> float:
    assert loaded.portfolio is not None, loaded.report.describe()
    deals = loaded.portfolio.deals.filter(pl.col("outcome") == "won")
    return float(deals.select(pl.col("amount").sum()).collect().item())


OPPORTUNITY_CLOSED_ONLY = [
    header("Id,AccountId,StageName,Amount,CloseDate,IsClosed,CreatedDate,Partner__c"),
]


# --- Salesforce: IsClosed without IsWon ---------------------------------------------------


def test_closed_flag_without_won_flag_reads_won_or_lost_from_the_stage(tmp_path: Path) -> None:
    folder = salesforce(
        tmp_path / "sf",
        Account=ACCOUNTS,
        Opportunity=[
            *OPPORTUNITY_CLOSED_ONLY,
            opportunity("006000000000001AAA", "Closed Won", "10000", closed="true", partner=ALPHA),
            opportunity("006000000000002AAA", "Closed Won", "20000", closed="true", partner=BETA),
            opportunity("006000000000003AAA", "Closed Lost", "5000", closed="true", partner=GAMMA),
            opportunity("006000000000004AAA", "Negotiation/Review", "7000", closed="false"),
        ],
    )
    loaded = load(folder, preset="salesforce")
    assert loaded.portfolio is not None, loaded.report.describe()
    outcomes = loaded.portfolio.deals.select("outcome").collect().to_series().to_list()
    assert outcomes == ["won", "won", "lost", "open"]
    assert won_revenue(loaded) == 30000.0
    assert (
        "outcome: IsClosed without a won flag (IsWon, or Won in a report) says only that a "
        "deal is closed; whether a closed deal was won or lost is read from StageName"
    ) in notes_of(loaded, "deals")


def test_a_closed_deal_whose_stage_says_neither_is_refused_never_lost(
    tmp_path: Path, capsys
) -> None:
    folder = salesforce(
        tmp_path / "sf",
        Account=ACCOUNTS,
        Opportunity=[
            *OPPORTUNITY_CLOSED_ONLY,
            opportunity("006000000000001AAA", "Closed Won", "10000", closed="1", partner=ALPHA),
            opportunity("006000000000002AAA", "Contract Signed", "20000", closed="1", partner=BETA),
        ],
    )
    loaded = load(folder, preset="salesforce")
    assert loaded.portfolio is None
    (problem,) = loaded.report.problems
    assert (problem.table, problem.column, problem.rule) == ("deals", "outcome", "not_allowed")
    assert problem.rows == [(3, "Contract Signed")]
    assert problem.records == ["006000000000002AAA"]
    assert "IsClosed is true but StageName says neither won nor lost" in problem.message
    assert "it is not taken for lost" in problem.message
    assert "add the won flag to the export" in problem.message
    assert "pass values={'deals': {'outcome': {'Your stage': 'won'}}} in Python" in problem.message

    # the command line gives the same message, with its mapping-file fix, and no traceback
    assert main(["validate", str(folder), "--preset", "salesforce"]) == 1
    out = capsys.readouterr().out
    assert "deals.outcome [not_allowed] 1 row in Opportunity.csv" in out
    assert "line 3 (id 006000000000002AAA): 'Contract Signed'" in out
    assert 'add [values.deals.outcome] "Your stage" = "won" to a --mapping file' in out

    # the fix the message gives: say the stage is won
    fixed = load(
        folder, preset="salesforce", values={"deals": {"outcome": {"Contract Signed": "won"}}}
    )
    assert won_revenue(fixed) == 30000.0
    # or set the row aside: it is listed, never counted as lost
    aside = load(folder, preset="salesforce", quarantine=True)
    assert won_revenue(aside) == 10000.0
    assert aside.portfolio is not None
    assert aside.portfolio.deals.filter(pl.col("outcome") == "lost").collect().height == 0


def test_with_both_flags_a_closed_deal_not_won_is_still_lost(tmp_path: Path) -> None:
    head = header("Id,AccountId,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate,Partner__c")
    folder = salesforce(
        tmp_path / "sf",
        Account=ACCOUNTS,
        Opportunity=[
            head,
            [
                "006000000000001AAA",
                ACME,
                "Contract Signed",
                "5",
                "2025-03-10",
                "1",
                "0",
                "2025-01-01",
                "",
            ],
        ],
    )
    p = pk.read_portfolio(folder, preset="salesforce")
    assert p.deals.select("outcome").collect().item() == "lost"


# --- HubSpot companies: blank Type, Lifecycle Stage ---------------------------------------

HS_COMPANIES = ["Record ID", "Company name", "Type", "Lifecycle Stage", "Company Domain Name"]
HS_DEALS = [
    "Record ID",
    "Deal Stage",
    "Amount",
    "Close Date",
    "Create Date",
    "Is Closed Won",
    "Is closed lost",
    "Associated Company IDs",
    "Associated Partner Client IDs",
]


def hubspot(folder: Path, companies: list[list[str]], deals: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hubspot-crm-exports-all-companies-2025-12-01.csv").write_text(
        quoted([HS_COMPANIES, *companies]), encoding="utf-8", newline=""
    )
    (folder / "hubspot-crm-exports-all-deals-2025-12-01.csv").write_text(
        quoted([HS_DEALS, *deals]), encoding="utf-8", newline=""
    )
    return folder


def hs_deal(record: str, won: str, company: str, partner: str, amount: str = "25000.0"):
    lost = "false" if won == "true" else "true"
    stage = "Closed Won" if won == "true" else "Closed Lost"
    return [
        record,
        stage,
        amount,
        "2025-11-28 16:14",
        "2025-09-01 09:00",
        won,
        lost,
        company,
        partner,
    ]


def test_customers_with_a_blank_type_are_left_out_though_no_type_names_a_customer(
    tmp_path: Path,
) -> None:
    """No company is typed Customer: customers have a blank Type and a Lifecycle Stage."""
    folder = hubspot(
        tmp_path / "hs",
        [
            ["301", "Alpha Partners", "Partner", "Other", "alpha.example"],
            ["302", "Beta Integrators", "Reseller", "Other", "beta.example"],
            ["501", "Acme Corp", "", "Customer", "acme.example"],
            ["502", "Globex", "", "Customer", "globex.example"],
            ["503", "Initech", "", "Lead", "initech.example"],
            ["504", "Umbrella", "", "Opportunity", "umbrella.example"],
            ["505", "Hooli", "", "", "hooli.example"],  # says nothing, buys nothing: kept
        ],
        [
            hs_deal("9001", "true", "501", "301"),
            hs_deal("9002", "true", "502", "302", "12000.0"),
            hs_deal("9003", "false", "504", "301", "5000.0"),
        ],
    )
    loaded = load(folder, preset="hubspot")
    assert loaded.portfolio is not None, loaded.report.describe()
    ids = loaded.portfolio.partners.select("partner_id").collect().to_series().to_list()
    assert ids == ["301", "302", "505"]
    notes = notes_of(loaded, "partners")
    assert (
        "3 companies with a blank Type left out as customers: accounts of deals and no deal's "
        "partner ('Acme Corp' (line 4), 'Globex' (line 5), 'Umbrella' (line 7)); give them a "
        "partner Type to count them as partners"
    ) in notes
    assert (
        "1 company with a blank Type left out: a Lifecycle Stage not a partner's, and no "
        "deal's partner ('Initech' (line 6: 'Lead')); give them a partner Type to count them "
        "as partners"
    ) in notes
    assert won_revenue(loaded) == 37000.0


def test_a_blank_type_partner_of_a_deal_is_kept_whatever_its_lifecycle_stage(
    tmp_path: Path,
) -> None:
    """HubSpot sets a new company's Lifecycle Stage to Lead itself: a deal's partner stays."""
    folder = hubspot(
        tmp_path / "hs",
        [
            ["301", "Alpha Partners", "Partner", "", ""],
            ["303", "Cedar Consulting", "", "Lead", ""],
            ["503", "Initech", "", "salesqualifiedlead", ""],
        ],
        [hs_deal("9001", "true", "777", "303")],
    )
    loaded = load(folder, preset="hubspot")
    assert loaded.portfolio is not None, loaded.report.describe()
    ids = loaded.portfolio.partners.select("partner_id").collect().to_series().to_list()
    assert ids == ["301", "303"]
    notes = notes_of(loaded, "partners")
    assert (
        "1 company with a blank Type kept as partners though their Lifecycle Stage is not a "
        "partner's: some deal's partner ('Cedar Consulting' (line 3: 'Lead'))"
    ) in notes
    assert any("('Initech' (line 4: 'salesqualifiedlead'))" in n for n in notes)


# --- Salesforce default Account types Analyst and Other -----------------------------------


def test_analyst_accounts_and_other_accounts_buying_are_not_partners(tmp_path: Path) -> None:
    folder = salesforce(
        tmp_path / "sf",
        Account=[
            ["Id", "Name", "Type"],
            [ALPHA, "Alpha Partners", "Partner"],
            [BETA, "Beta Resellers", "Reseller"],
            ["001000000000004AAA", "Gartner", "Analyst"],
            ["001000000000005AAA", "Misc Holding", "Other"],
            ["001000000000006AAA", "Acme Corp", "Customer - Direct"],
            ["001000000000007AAA", "Loose Ends", "Other"],  # buys nothing: kept
        ],
        Opportunity=[
            header("Id,AccountId,StageName,Amount,CloseDate,CreatedDate,Partner__c"),
            [
                "006000000000001AAA",
                "001000000000006AAA",
                "Closed Won",
                "1000",
                "2025-03-10",
                "2025-01-01",
                ALPHA,
            ],
            [
                "006000000000002AAA",
                "001000000000005AAA",
                "Closed Won",
                "3000",
                "2025-03-12",
                "2025-01-01",
                "",
            ],
        ],
    )
    loaded = load(folder, preset="salesforce")
    assert loaded.portfolio is not None, loaded.report.describe()
    ids = loaded.portfolio.partners.select("name").collect().to_series().to_list()
    assert ids == ["Alpha Partners", "Beta Resellers", "Loose Ends"]
    notes = notes_of(loaded, "partners")
    assert (
        "1 company with Type 'Other' left out as customers: accounts of deals and no deal's "
        "partner ('Misc Holding' (line 5)); give them a partner Type to count them as partners"
    ) in notes
    assert (
        "1 account of an analyst Type left out: an industry analyst is not a partner "
        "('Gartner' (line 4))"
    ) in notes


# --- HubSpot: Amount in company currency without a Currency column ------------------------

HS_MONEY = [
    "Record ID",
    "Deal Stage",
    "Amount",
    "Amount in company currency",
    "Close Date",
    "Create Date",
    "Associated Partner Client IDs",
]


def hubspot_money(folder: Path, deals: list[list[str]], head: list[str] = HS_MONEY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    companies = [
        ["Record ID", "Company name", "Type"],
        ["301", "Alpha Partners", "Partner"],
        ["302", "Beta Integrators", "Partner"],
    ]
    (folder / "hubspot-crm-exports-all-companies-2025-12-01.csv").write_text(
        quoted(companies), encoding="utf-8", newline=""
    )
    (folder / "hubspot-crm-exports-all-deals-2025-12-01.csv").write_text(
        quoted([head, *deals]), encoding="utf-8", newline=""
    )
    return folder


def money_deal(record: str, amount: str, company: str, partner: str = "301") -> list[str]:
    return [record, "Closed Won", amount, company, "2025-11-28 16:14", "2025-09-01 09:00", partner]


def test_amounts_in_several_currencies_are_read_in_the_company_currency(
    tmp_path: Path,
) -> None:
    folder = hubspot_money(
        tmp_path / "hs",
        [
            money_deal("9001", "3000000.0", "20100.0"),  # JPY
            money_deal("9002", "10000.0", "10850.0", "302"),  # EUR
            money_deal("9003", "15000.0", "15000.0"),  # the company's own currency
        ],
    )
    loaded = load(folder, preset="hubspot")
    assert won_revenue(loaded) == 45950.0
    notes = notes_of(loaded, "deals")
    assert any(n.startswith("amount: read from 'Amount in company currency'") for n in notes)
    assert (
        "Amount in company currency: 2 rows: differs from Amount (a deal in another currency "
        "than the company's): the amount in company currency is read (line 2, 3)"
    ) in notes


def test_a_deal_without_its_amount_in_company_currency_has_no_known_currency(
    tmp_path: Path,
) -> None:
    folder = hubspot_money(
        tmp_path / "hs",
        [money_deal("9001", "3000000.0", "20100.0"), money_deal("9002", "10000.0", "")],
    )
    loaded = load(folder, preset="hubspot")
    (problem,) = loaded.report.problems
    assert (problem.column, problem.rule) == ("Amount in company currency", "blank_currency")
    assert (problem.rows, problem.records) == ([(3, "10000.0")], ["9002"])
    assert "add the Currency column to the export" in problem.message


def test_with_a_currency_column_each_deal_keeps_its_own_amount(tmp_path: Path) -> None:
    head = [*HS_MONEY, "Currency"]
    folder = hubspot_money(
        tmp_path / "hs",
        [[*money_deal("9001", "10000.0", "10850.0"), "EUR"]],
        head,
    )
    loaded = load(folder, preset="hubspot")
    assert won_revenue(loaded) == 10000.0
    deals = next(t for t in loaded.report.tables if t.table == "deals")
    assert "Amount in company currency" in deals.ignored


# --- Salesforce ids of both lengths in one table ------------------------------------------


def test_an_opportunity_under_both_id_lengths_is_a_duplicate_not_two_deals(
    tmp_path: Path,
) -> None:
    head = "Id,AccountId,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate,Partner__c"
    folder = salesforce(
        tmp_path / "sf",
        Account=ACCOUNTS,
        Opportunity=[
            header(head),
            [
                "006000000000001AAA",
                ACME,
                "Closed Won",
                "1000",
                "2025-03-10",
                "1",
                "1",
                "2025-01-01",
                ALPHA,
            ],
            [
                "006000000000001",
                ACME[:15],
                "Closed Won",
                "1000",
                "2025-03-10",
                "1",
                "1",
                "2025-01-01",
                ALPHA[:15],
            ],
            [
                "006000000000002AAA",
                ACME,
                "Closed Won",
                "500",
                "2025-03-11",
                "1",
                "1",
                "2025-01-02",
                BETA,
            ],
        ],
    )
    loaded = load(folder, preset="salesforce")
    (problem,) = loaded.report.problems
    assert (problem.table, problem.column, problem.rule) == ("deals", "deal_id", "duplicate")
    assert problem.rows == [(3, "006000000000001AAA (first on line 2)")]
    notes = notes_of(loaded, "deals")
    assert (
        "Id: 1 row: opportunity id of 15 characters that this table also holds in 18 (the same "
        "Salesforce record); read as the 18-character id (line 3)"
    ) in notes
    assert any(n.startswith("AccountId: 1 row: account id of 15 characters") for n in notes)
    aside = load(folder, preset="salesforce", quarantine=True)
    assert won_revenue(aside) == 1500.0
    assert aside.portfolio is not None
    accounts = aside.portfolio.deals.select("account_id").unique().collect().height
    assert accounts == 1


def test_a_partner_account_under_both_id_lengths_is_a_duplicate(tmp_path: Path) -> None:
    folder = salesforce(
        tmp_path / "sf",
        Account=[*ACCOUNTS, [ALPHA[:15], "Alpha Partners", "Partner"]],
        Opportunity=[
            *OPPORTUNITY_CLOSED_ONLY,
            opportunity("006000000000001AAA", "Closed Won", "10", closed="1", partner=ALPHA),
        ],
    )
    (problem,) = load(folder, preset="salesforce").report.problems
    assert (problem.table, problem.rule, problem.rows) == (
        "partners",
        "duplicate",
        [(5, f"{ALPHA} (first on line 2)")],
    )


def test_ids_of_one_length_are_read_as_they_are(tmp_path: Path) -> None:
    folder = salesforce(
        tmp_path / "sf",
        Account=[[r[0][:15], *r[1:]] if i else r for i, r in enumerate(ACCOUNTS)],
        Opportunity=[
            *OPPORTUNITY_CLOSED_ONLY,
            opportunity("006000000000001", "Closed Won", "10", closed="1", partner=ALPHA[:15]),
            opportunity("006000000000002", "Closed Won", "20", closed="1", partner=BETA[:15]),
        ],
    )
    loaded = load(folder, preset="salesforce")
    assert loaded.portfolio is not None, loaded.report.describe()
    ids = loaded.portfolio.deals.select("deal_id").collect().to_series().to_list()
    assert ids == ["006000000000001", "006000000000002"]
    assert not [n for n in notes_of(loaded, "deals") if "characters" in n]


# --- Salesforce OpportunityPartner rows ---------------------------------------------------

OPPORTUNITIES = [
    header("Id,AccountId,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate"),
    *(
        [
            f"00600000000000{n}AAA",
            ACME,
            "Closed Won",
            f"{n}000",
            "2025-03-10",
            "1",
            "1",
            "2025-01-01",
        ]
        for n in (1, 2, 3, 4)
    ),
]
OP_HEAD = header("Id,OpportunityId,AccountToId,Role,IsPrimary,IsDeleted,CreatedDate")


def op_row(n: int, opportunity: str, partner: str, role: str, primary: str, deleted: str):
    return [f"00I00000000000{n}AAA", opportunity, partner, role, primary, deleted, "2025-01-05"]


def test_opportunity_partner_rows_by_15_character_id_unknown_id_and_deleted_primary(
    tmp_path: Path,
) -> None:
    folder = salesforce(
        tmp_path / "sf",
        Account=ACCOUNTS,
        Opportunity=OPPORTUNITIES,
        OpportunityPartner=[
            OP_HEAD,
            op_row(1, "006000000000001AAA", ALPHA, "Reseller", "1", "0"),
            op_row(2, "006000000000002AAA", BETA, "System Integrator", "1", "1"),
            op_row(3, "006000000000002AAA", GAMMA, "Distributor", "0", "0"),
            op_row(4, "006000000000003", GAMMA, "Distributor", "1", "0"),  # 15 characters
            op_row(5, "006000000000099AAA", BETA, "Reseller", "1", "0"),  # no such deal
        ],
    )
    loaded = load(folder, preset="salesforce")
    assert loaded.portfolio is not None, loaded.report.describe()
    partner_of = dict(loaded.portfolio.deals.select("deal_id", "partner_id").collect().rows())
    assert partner_of == {
        "006000000000001AAA": ALPHA,
        "006000000000002AAA": None,  # the default credits the primary only: none is left
        "006000000000003AAA": GAMMA,  # named by its 15-character id
        "006000000000004AAA": None,
    }
    op_notes = notes_of(loaded, "opportunity_partners")
    assert (
        "OpportunityId: 1 row: opportunity id of the other Salesforce length (15 or 18 "
        "characters); read as the id of the opportunity it names (line 5)"
    ) in op_notes
    assert (
        "OpportunityId: 1 row: names no opportunity of the opportunities export, so the row "
        "credits no partner; export that opportunity too, or correct the id (line 6)"
    ) in op_notes
    deleted = [n for n in notes_of(loaded, "deals") if "row of the deal is deleted" in n]
    assert len(deleted) == 1
    assert deleted[0].startswith("partner_id: 1 row: the primary OpportunityPartner row")
    assert "they are not credited" in deleted[0]
    assert deleted[0].endswith("(line 3)")

    split = load(folder, preset="salesforce", shape=Shape(credit="split"))
    assert split.portfolio is not None
    shared = dict(split.portfolio.deals.select("deal_id", "partner_id").collect().rows())
    assert shared["006000000000002AAA"] == GAMMA
    (said,) = [n for n in notes_of(split, "deals") if "row of the deal is deleted" in n]
    assert "credit split credits those non-primary partners alone" in said


# --- Salesforce PartnerAccountId beside Partner__c ----------------------------------------


def test_partner_account_id_is_read_where_the_custom_partner_field_is_blank(
    tmp_path: Path,
) -> None:
    head = "Id,AccountId,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate"
    head += ",PartnerAccountId,Partner__c"
    rows = [
        (1, "10000", ALPHA, ""),  # a partner user owns the deal; the custom field is blank
        (2, "20000", "", BETA),
        (3, "5000", GAMMA, GAMMA[:15]),  # the same partner in both
        (4, "7000", ALPHA, BETA),  # two different partners: the custom field is read
    ]
    folder = salesforce(
        tmp_path / "sf",
        Account=ACCOUNTS,
        Opportunity=[
            header(head),
            *(
                [
                    f"00600000000000{n}AAA",
                    ACME,
                    "Closed Won",
                    amount,
                    "2025-03-10",
                    "1",
                    "1",
                    "2025-01-01",
                    account,
                    custom,
                ]
                for n, amount, account, custom in rows
            ),
        ],
    )
    loaded = load(folder, preset="salesforce")
    assert loaded.portfolio is not None, loaded.report.describe()
    partners = loaded.portfolio.deals.select("partner_id").collect().to_series().to_list()
    assert partners == [ALPHA, BETA, GAMMA, BETA]
    notes = notes_of(loaded, "deals")
    assert (
        "Partner__c: 1 row: blank; the partner is read from PartnerAccountId (the partner "
        "account owning the deal) (line 2)"
    ) in notes
    assert (
        "Partner__c: 1 row: names another partner than PartnerAccountId; Partner__c is read "
        "(to read PartnerAccountId instead, map it to partner_id and Partner__c to '') (line 5)"
    ) in notes


# --- HubSpot internal stage ids -----------------------------------------------------------


def test_hubspot_internal_stage_ids_read_won_and_lost(tmp_path: Path) -> None:
    head = [
        "Record ID",
        "Deal Stage",
        "Amount",
        "Close Date",
        "Create Date",
        "Associated Partner Client IDs",
    ]
    deals = [
        ["9001", "closedwon", "25000.0", "2025-11-28 16:14", "2025-09-01 09:00", "301"],
        ["9002", "closedlost", "12000.0", "2025-11-15 00:00", "2025-10-01 10:00", "302"],
        ["9003", "appointmentscheduled", "3000.0", "2025-12-16 00:00", "2025-10-01 10:00", "301"],
    ]
    folder = hubspot_money(tmp_path / "hs", deals, head)
    p = pk.read_portfolio(folder, preset="hubspot")
    outcomes = p.deals.select("outcome").collect().to_series().to_list()
    assert outcomes == ["won", "lost", "open"]
