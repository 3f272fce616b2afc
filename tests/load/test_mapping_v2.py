"""Mapping v2, partner credit, partner accounts and the duplicate-name rule.

Inputs are small literal tables; every expected figure is worked out by hand beside it.
Metamorphic tests check changes that must not move a result (line order, customers added
to an Account export, a v1 mapping file read through v2) or must move it one way.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.load import PortfolioError
from partnerkit.load.mapping import Shape, read_mapping_file
from partnerkit.load.read import load, read_portfolio

PARTNERS = pl.DataFrame({"partner_id": ["p1", "p2"], "name": ["Acme", "Beta"]})


def lines(order: list[int] | None = None) -> pl.DataFrame:
    rows = [
        ("SO1", "p1", "2024-03-02", "$1,000.50"),
        ("SO1", "p1", "2024-03-01", "20"),
        ("SO2", "p2", "2024-04-01", "5"),
        ("SO1", "p1", "2024-03-05", ""),
    ]
    rows = [rows[i] for i in order] if order else rows
    return pl.DataFrame(rows, schema=["Order", "Reseller", "Date", "Amt"], orient="row")


ORDERS = {"deals": {"Order": "deal_id", "Reseller": "partner_id", "Date": ["created_on",
          "closed_on"], "Amt": "amount"}}  # fmt: skip
ORDER_SHAPE = Shape(
    constants={"deals": {"outcome": "won"}},
    aggregate={"deals": {"by": "deal_id", "amount": "sum", "created_on": "min",
                         "closed_on": "max"}},
)  # fmt: skip


def read_orders(frame: pl.DataFrame) -> pl.DataFrame:
    p = read_portfolio({"partners": PARTNERS, "deals": frame}, mapping=ORDERS, shape=ORDER_SHAPE)
    return p.deals.sort("deal_id").collect()


def test_order_lines_add_up_into_deals() -> None:
    got = read_orders(lines()).select("deal_id", "partner_id", "outcome", "amount")
    # SO1 = 1000.50 + 20 (+ an empty line) ; SO2 = 5
    assert got.rows() == [("SO1", "p1", "won", 1020.5), ("SO2", "p2", "won", 5.0)]
    so1 = read_orders(lines()).row(0, named=True)
    assert (str(so1["created_on"]), str(so1["closed_on"])) == ("2024-03-01", "2024-03-05")


def test_line_order_does_not_move_the_deals() -> None:
    base = read_orders(lines())
    for order in ([3, 2, 1, 0], [2, 0, 3, 1]):
        assert_frame_equal(read_orders(lines(order)), base)


def test_a_bad_line_is_reported_on_its_record() -> None:
    bad = lines().with_columns(
        pl.when(pl.col("Amt") == "20").then(pl.lit("twenty")).otherwise(pl.col("Amt")).alias("Amt")
    )
    with pytest.raises(PortfolioError) as info:
        read_orders(bad)
    (problem,) = info.value.problems
    # SO1's first line is row 0; the unreadable value is quoted, the sum is not invented
    assert (problem.rule, problem.rows, problem.records) == ("bad_number", [(0, "twenty")], ["SO1"])


def test_defaults_fill_empty_cells_and_count_them() -> None:
    deals = pl.DataFrame({"deal_id": ["d1", "d2", "d3"], "partner_id": ["p1", "p1", "p2"],
        "created_on": ["2024-01-01"] * 3, "closed_on": [None, None, "2024-02-01"],
        "outcome": ["open", "open", "won"], "amount": [None, " ", "7"]})  # fmt: skip
    loaded = load(
        {"partners": PARTNERS, "deals": deals}, shape=Shape(defaults={"deals": {"amount": 0}})
    )
    assert loaded.portfolio is not None
    assert loaded.portfolio.deals.collect()["amount"].to_list() == [0.0, 0.0, 7.0]
    notes = next(t for t in loaded.report.tables if t.table == "deals").notes
    assert any("2 rows: empty; filled with the default '0'" in n for n in notes), notes


def test_filters_keep_matching_rows_and_say_how_many_were_left_out() -> None:
    accounts = pl.DataFrame({"partner_id": ["p1", "c1", "p2", "c2"],
        "name": ["Acme", "Cust", "Beta", "Cust2"],
        "IsPartner": ["1", "0", "TRUE", ""]})  # fmt: skip
    deals = pl.DataFrame({"deal_id": ["d1"], "partner_id": ["p2"], "created_on": ["2024-01-01"],
        "closed_on": [None], "outcome": ["open"], "amount": [1.0]})  # fmt: skip
    loaded = load(
        {"partners": accounts, "deals": deals},
        mapping={"partners": {"IsPartner": ""}},
        shape=Shape(filters={"partners": {"IsPartner": True}}),
    )
    assert loaded.portfolio is not None
    assert loaded.portfolio.partners.collect()["partner_id"].to_list() == ["p1", "p2"]
    notes = next(t for t in loaded.report.tables if t.table == "partners").notes
    assert "left out 2 of 4 rows not matching IsPartner = true (row 1, 3)" in notes
    by_type = load(
        {"partners": accounts.with_columns(Type=pl.Series(["Reseller", "Customer",
                                                           "distributor", "Prospect"])),
         "deals": deals},
        mapping={"partners": {"IsPartner": "", "Type": ""}},
        shape=Shape(filters={"partners": {"Type": ["Reseller", "Distributor"]}}),
    )  # fmt: skip
    assert by_type.portfolio is not None
    assert by_type.portfolio.partners.collect()["partner_id"].to_list() == ["p1", "p2"]


def test_a_filter_on_a_missing_column_is_a_problem() -> None:
    loaded = load({"partners": PARTNERS, "deals": lines()}, mapping=ORDERS,
                  shape=Shape(filters={"deals": {"Stage": "Won"}}))  # fmt: skip
    first = loaded.report.problems[0]
    assert (first.rule, first.column) == ("unknown_mapping", "Stage")


def test_partners_derived_from_the_deals() -> None:
    deals = pl.DataFrame({"Id": ["d1", "d2", "d3"], "Agent": ["Ann", "Bo", "Ann"],
        "Start": ["2024-01-01"] * 3, "End": [None, "2024-02-01", "2024-02-02"],
        "Stage": ["open", "won", "lost"], "Value": ["", "10", "3"]})  # fmt: skip
    mapping = {"deals": {"Id": "deal_id", "Agent": "partner_id", "Start": "created_on",
                         "End": "closed_on", "Stage": "outcome", "Value": "amount"}}  # fmt: skip
    shape = Shape(derive_partners=True, defaults={"deals": {"amount": 0}})
    p = read_portfolio({"deals": deals}, mapping=mapping, shape=shape)
    assert p.partners.collect().select("partner_id", "name").rows() == [
        ("Ann", "Ann"),
        ("Bo", "Bo"),
    ]
    with pytest.raises(PortfolioError, match="missing_table"):
        read_portfolio({"deals": deals}, mapping=mapping)


def test_v1_mapping_files_still_read(tmp_path: Path) -> None:
    v1 = tmp_path / "v1.toml"
    v1.write_text('preset = "salesforce"\ncurrency = "USD"\n[columns.deals]\n'
                  '"Reseller__c" = "partner_id"\n[values.deals.outcome]\n"Signed" = "won"\n',
                  encoding="utf-8")  # fmt: skip
    spec = read_mapping_file(v1)
    assert spec.shape is None
    assert spec.columns == {"deals": {"Reseller__c": "partner_id"}}
    v2 = tmp_path / "v2.toml"
    v2.write_text('derive_partners = true\ncredit = "split"\n[columns.deals]\n'
                  '"Date" = ["created_on", "closed_on"]\n[constants.deals]\noutcome = "won"\n'
                  '[filters.partners]\nIsPartner = true\nType = ["A", "B"]\n',
                  encoding="utf-8")  # fmt: skip
    shape = read_mapping_file(v2).shape
    assert shape is not None
    assert (shape.derive_partners, shape.credit) == (True, "split")
    assert shape.filters == {"partners": {"IsPartner": True, "Type": ["A", "B"]}}
    bad = tmp_path / "bad.toml"
    bad.write_text('credit = "half"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="credit must be one of"):
        read_mapping_file(bad)
    bad.write_text('[aggregate.deals]\nby = "deal_id"\namount = "avg"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="aggregate"):
        read_mapping_file(bad)


# --- credit policies -------------------------------------------------------------------

SF_PARTNERS = pl.DataFrame({"Id": ["A", "B", "C"], "Name": ["Acme", "Beta", "Core"]})
SF_DEALS = pl.DataFrame({"Id": ["O1", "O2"], "StageName": ["Closed Won", "Closed Won"],
    "Amount": ["900", "100"], "CreatedDate": ["2024-01-01", "2024-01-01"],
    "CloseDate": ["2024-03-01", "2024-03-01"]})  # fmt: skip
SF_OP = pl.DataFrame({"OpportunityId": ["O1", "O1", "O1", "O2"],
    "AccountToId": ["B", "A", "C", "C"], "IsPrimary": ["false", "true", "false", "true"],
    "IsDeleted": ["false", "false", "false", "true"], "Role": ["SI", "Reseller", "SI", "SI"],
    "CreatedDate": ["2024-02-01", "2024-01-15", "2024-02-10", "2024-01-02"]})  # fmt: skip


def credited(credit: str) -> pl.DataFrame:
    p = read_portfolio(
        {"partners": SF_PARTNERS, "deals": SF_DEALS, "opportunity_partners": SF_OP},
        preset="salesforce",
        shape=Shape(credit=credit),
    )
    return p.deals.select("deal_id", "partner_id", "amount", "partner_engaged_on").collect()


def test_primary_credit_is_the_default() -> None:
    got = credited("primary")
    # O1's primary is A (engaged 15 Jan); O2's only partner row is deleted: direct
    assert got.select("deal_id", "partner_id", "amount").rows() == [
        ("O1", "A", 900.0),
        ("O2", None, 100.0),
    ]
    assert str(got["partner_engaged_on"][0]) == "2024-01-15"


def test_split_credit_shares_the_amount_evenly() -> None:
    got = credited("split")
    # O1 has three live partners: 900 / 3 each; primary first and keeps the id
    assert got.select("deal_id", "partner_id", "amount").rows() == [
        ("O1", "A", 300.0),
        ("O1~B", "B", 300.0),
        ("O1~C", "C", 300.0),
        ("O2", None, 100.0),
    ]
    assert [str(d) for d in got["partner_engaged_on"][:3]] == [
        "2024-01-15",
        "2024-02-01",
        "2024-02-10",
    ]


@pytest.mark.parametrize("credit", ["primary", "split"])
def test_credit_keeps_the_portfolio_total(credit: str) -> None:
    assert credited(credit)["amount"].sum() == 1000.0


def test_full_credit_gives_each_partner_the_whole_amount() -> None:
    got = credited("full")
    assert got.filter(pl.col("deal_id").str.starts_with("O1"))["amount"].to_list() == [900.0] * 3
    # more credit never lowers any partner's amount
    primary = dict(
        credited("primary").drop_nulls("partner_id").select("partner_id", "amount").rows()
    )
    full = dict(got.drop_nulls("partner_id").select("partner_id", "amount").rows())
    assert all(full[k] >= v for k, v in primary.items())


# --- customers never become partners ---------------------------------------------------


def sf_read(accounts: pl.DataFrame) -> pl.DataFrame:
    deals = pl.DataFrame({"Id": ["O1"], "Partner__c": ["A"], "StageName": ["Closed Won"],
        "Amount": ["5"], "CreatedDate": ["2024-01-01"], "CloseDate": ["2024-02-01"]})  # fmt: skip
    p = read_portfolio({"partners": accounts, "deals": deals}, preset="salesforce")
    return p.partners.collect()


def test_adding_customers_to_the_account_export_changes_no_partner() -> None:
    partners_only = pl.DataFrame({"Id": ["A", "B"], "Name": ["Acme", "Beta"],
        "Type": ["Technology Partner", "Channel Partner / Reseller"],
        "IsPartner": ["1", "1"]})  # fmt: skip
    customers = pl.DataFrame({"Id": ["X", "Y"], "Name": ["Cust", "Pro"],
        "Type": ["Customer - Direct", "Prospect"], "IsPartner": ["0", "0"]})  # fmt: skip
    mixed = pl.concat([customers.head(1), partners_only, customers.tail(1)])
    assert_frame_equal(sf_read(mixed), sf_read(partners_only))


def test_hubspot_companies_keep_partner_types_only() -> None:
    companies = pl.DataFrame({"Record ID": ["1", "2", "3", "4"],
        "Company name": ["Acme", "Beta", "Cust", "Lead Co"],
        "Type": ["Reseller", "Partner", "Customer", "Prospect"]})  # fmt: skip
    deals = pl.DataFrame({"Record ID": ["9"], "Deal Stage": ["Closed Won"], "Amount": ["1"],
        "Create Date": ["2025-01-01"], "Close Date": ["2025-02-01"],
        "Associated Partner Client IDs": ["2"]})  # fmt: skip
    p = read_portfolio({"partners": companies, "deals": deals}, preset="hubspot")
    assert p.partners.collect()["partner_id"].to_list() == ["1", "2"]


# --- a partner name several partners share ---------------------------------------------


def test_a_shared_partner_name_is_its_own_rule() -> None:
    partners = pl.DataFrame({"Id": ["A1", "A2", "B"], "Name": ["Acme", " ACME", "Beta"]})
    deals = pl.DataFrame({"Id": ["O1", "O2", "O3"], "Partner Account": ["acme", "Beta", "Zed"],
        "Created Date": ["1/5/2025"] * 3, "Close Date": ["3/1/2025"] * 3,
        "Stage": ["Closed Won"] * 3, "Amount": ["1"] * 3})  # fmt: skip
    loaded = load({"partners": partners, "deals": deals}, preset="salesforce")
    got = {p.rule: (p.rows, p.records) for p in loaded.report.problems}
    assert got == {
        "duplicate_partner_name": ([(0, "acme (partners A1, A2)")], ["O1"]),
        "unknown_partner": ([(2, "Zed")], ["O3"]),
    }


def test_the_module_docstring_example_reads_an_order_file(tmp_path: Path) -> None:
    doc = sys.modules[Shape.__module__].__doc__ or ""
    example = doc.split("no outcome and no partner file::\n", 1)[1].split("\n``credit", 1)[0]
    toml = tmp_path / "orders.toml"
    toml.write_text("\n".join(line[4:] for line in example.splitlines()), encoding="utf-8")
    orders = pl.DataFrame({"Order No": ["A", "A", "B", "C"],
        "Reseller": ["Alpine", "Alpine", "Baltic", "Alpine"],
        "Order Date": ["2024-01-02", "2024-01-01", "2024-02-01", "2024-03-01"],
        "Line Amount": ["10", "", "5", "7"],
        "Status": ["Paid", "Paid", "Invoiced", "Draft"]})  # fmt: skip
    p = read_portfolio({"deals": orders}, mapping=read_mapping_file(toml))
    # A = 10 + 0 (empty line defaulted), B = 5, C is a draft: left out
    got = p.deals.sort("deal_id").collect().select("deal_id", "partner_id", "outcome", "amount")
    assert got.rows() == [("A", "Alpine", "won", 10.0), ("B", "Baltic", "won", 5.0)]
    assert sorted(p.partners.collect()["name"]) == ["Alpine", "Baltic"]


def test_a_column_sent_to_two_fields_wins_over_a_recognised_name_and_says_so() -> None:
    deals = pl.DataFrame({"deal_id": ["d1"], "partner_id": ["p1"], "Order Date": ["2024-01-05"],
        "closed_on": ["2024-09-09"], "outcome": ["won"], "amount": ["1"]})  # fmt: skip
    loaded = load(
        {"partners": PARTNERS, "deals": deals},
        mapping={"deals": {"Order Date": ["created_on", "closed_on"]}},
    )
    assert loaded.portfolio is not None
    row = loaded.portfolio.deals.collect().row(0, named=True)
    assert (str(row["created_on"]), str(row["closed_on"])) == ("2024-01-05", "2024-01-05")
    notes = next(t for t in loaded.report.tables if t.table == "deals").notes
    assert "closed_on: read from the same column as created_on, as mapped" in notes


def test_deleted_and_reordered_partner_rows_change_nothing() -> None:
    base = credited("primary")
    shuffled = SF_OP.reverse()
    deleted_extra = pl.concat([SF_OP, pl.DataFrame({"OpportunityId": ["O1"],
        "AccountToId": ["C"], "IsPrimary": ["true"], "IsDeleted": ["true"], "Role": ["SI"],
        "CreatedDate": ["2023-12-01"]})])  # fmt: skip
    for op in (shuffled, deleted_extra):
        p = read_portfolio(
            {"partners": SF_PARTNERS, "deals": SF_DEALS, "opportunity_partners": op},
            preset="salesforce",
        )
        got = p.deals.select("deal_id", "partner_id", "amount", "partner_engaged_on").collect()
        assert_frame_equal(got, base)


def aside(loaded: object) -> list[tuple[str, str]]:
    quarantined = loaded.report.quarantined  # type: ignore[attr-defined]
    return quarantined.select("rule", "record").rows() if quarantined is not None else []


@pytest.mark.parametrize("credit", ["split", "full"])
def test_a_repeated_deal_id_is_set_aside_before_its_partners_are_credited(credit: str) -> None:
    # HubSpot: deal 9 is given twice; the second row (partner 3) is a duplicate set aside,
    # so deal 9 is shared by its first row's partners 1 and 2 only
    companies = pl.DataFrame({"Record ID": ["1", "2", "3"], "Company name": ["A", "B", "C"]})
    deals = pl.DataFrame({"Record ID": ["9", "9", "8"], "Deal Stage": ["Closed Won"] * 3,
        "Amount": ["900", "600", "50"], "Create Date": ["2025-01-01"] * 3,
        "Close Date": ["2025-02-01"] * 3,
        "Associated Partner Client IDs": ["1;2", "3", "3"]})  # fmt: skip
    share = {"split": 450.0, "full": 900.0}[credit]
    loaded = load(
        {"partners": companies, "deals": deals},
        preset="hubspot",
        shape=Shape(credit=credit),
        quarantine=True,
    )
    assert loaded.portfolio is not None
    got = loaded.portfolio.deals.select("deal_id", "partner_id", "amount").collect().rows()
    assert got == [("9", "1", share), ("9~2", "2", share), ("8", "3", 50.0)]
    assert aside(loaded) == [("duplicate", "9")]
    # Salesforce: the partner rows are keyed by deal id; only the deal's first row is shared
    twice = pl.concat([SF_DEALS, SF_DEALS.head(1).with_columns(pl.lit("5").alias("Amount"))])
    loaded = load(
        {"partners": SF_PARTNERS, "deals": twice, "opportunity_partners": SF_OP},
        preset="salesforce",
        shape=Shape(credit=credit),
        quarantine=True,
    )
    assert loaded.portfolio is not None
    expected = credited(credit).select("deal_id", "partner_id", "amount")
    got_sf = loaded.portfolio.deals.select("deal_id", "partner_id", "amount").collect()
    assert_frame_equal(got_sf, expected)
    assert aside(loaded) == [("duplicate", "O1")]


def test_a_salesforce_report_without_ids_is_keyed_by_opportunity_name() -> None:
    partners = pl.DataFrame({"Account ID": ["A"], "Account Name": ["Acme"]})
    deals = pl.DataFrame({"Opportunity Name": ["Big deal", "Small deal", "Big deal"],
        "Partner Account": ["Acme"] * 3, "Stage": ["Closed Won", "Prospecting", "Closed Lost"],
        "Amount": ["5,000.00", "100.00", "1.00"], "Created Date": ["1/2/2024"] * 3,
        "Close Date": ["2/1/2024"] * 3})  # fmt: skip
    loaded = load({"partners": partners, "deals": deals.head(2)}, preset="salesforce")
    assert loaded.portfolio is not None
    assert loaded.portfolio.deals.collect()["deal_id"].to_list() == ["Big deal", "Small deal"]
    repeated = load({"partners": partners, "deals": deals}, preset="salesforce").report
    assert [(p.rule, p.records) for p in repeated.problems] == [("duplicate", ["Big deal"])]


def test_hubspot_partner_names_listed_are_split_too() -> None:
    companies = pl.DataFrame({"Record ID": ["1", "2"], "Company name": ["Acme", "Beta"],
        "Type": ["Partner", "Reseller"]})  # fmt: skip
    deals = pl.DataFrame({"Record ID": ["9", "8"], "Deal Stage": ["Closed Won"] * 2,
        "Amount": ["600", "50"], "Create Date": ["2025-01-01"] * 2,
        "Close Date": ["2025-02-01"] * 2,
        "Associated Partner Client IDs": ["", "2"],
        "Associated Partner Client": ["Acme; Beta", "Beta"]})  # fmt: skip
    p = read_portfolio(
        {"partners": companies, "deals": deals}, preset="hubspot", shape=Shape(credit="split")
    )
    got = p.deals.select("deal_id", "partner_id", "amount").collect().rows()
    # deal 9 names two partners (no ids): 300 each, names read as ids; deal 8 keeps its id
    assert got == [("9", "1", 300.0), ("9~Beta", "2", 300.0), ("8", "2", 50.0)]


def european_lines() -> pl.DataFrame:
    rows = [
        ("SO1", "p1", "03/01/2024", "1.000,50"),
        ("SO1", "p1", "25/01/2024", "20,25"),
        ("SO2", "p2", "04/02/2024", "€ 3.000,00"),
    ]
    return pl.DataFrame(rows, schema=["Order", "Reseller", "Date", "Amt"], orient="row")


def test_order_lines_honour_day_first_and_decimal() -> None:
    p = read_portfolio(
        {"partners": PARTNERS, "deals": european_lines()},
        mapping=ORDERS,
        shape=ORDER_SHAPE,
        day_first=True,
        decimal=",",
        currency="EUR",
    )
    got = p.deals.sort("deal_id").collect()
    # SO1 = 1000.50 + 20.25, from 3 Jan (day first) to 25 Jan; SO2 = 3000 on 4 Feb
    assert got["amount"].to_list() == [1020.75, 3000.0]
    assert [str(d) for d in got["created_on"]] == ["2024-01-03", "2024-02-04"]
    assert [str(d) for d in got["closed_on"]] == ["2024-01-25", "2024-02-04"]


def test_order_lines_with_ambiguous_dates_are_refused_not_read_two_ways() -> None:
    with pytest.raises(PortfolioError) as info:
        read_portfolio(
            {"partners": PARTNERS, "deals": european_lines()},
            mapping=ORDERS,
            shape=ORDER_SHAPE,
            decimal=",",
            currency="EUR",
        )
    rules = {(p.column, p.rule) for p in info.value.problems}
    assert ("created_on", "ambiguous_date") in rules, rules


def test_partner_names_resolve_beside_ids_and_a_name_that_also_reads_as_an_id() -> None:
    # Acme and Beta are unique names; "Gamma" is the name of G but also the id of another
    # partner: a value that is an id stays that id (ids first, names second).
    partners = pl.DataFrame({"Id": ["A1", "B", "G", "Gamma"],
        "Name": ["Acme", "Beta", "Gamma", "Other"]})  # fmt: skip
    deals = pl.DataFrame({"Id": ["O1", "O2", "O3", "O4", "O5"],
        "Partner Account": ["A1", " beta", "BETA ", "Gamma", "acme"],
        "Created Date": ["1/5/2025"] * 5, "Close Date": ["3/1/2025"] * 5,
        "Stage": ["Closed Won"] * 5, "Amount": ["1"] * 5})  # fmt: skip
    loaded = load({"partners": partners, "deals": deals}, preset="salesforce")
    assert loaded.portfolio is not None, loaded.report.problems
    got = loaded.portfolio.deals.sort("deal_id").collect()["partner_id"].to_list()
    assert got == ["A1", "B", "B", "Gamma", "A1"]
    deals_report = next(t for t in loaded.report.tables if t.table == "deals")
    named = [n for n in deals_report.notes if "partner given by name" in n]
    assert len(named) == 1
    assert named[0].startswith("Partner Account: 3 rows:")


def _open_deal_without_amount(folder: Path, empty: str) -> Path:
    (folder / "partners.csv").write_text("partner_id,name\np1,One\n")
    (folder / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "d1,p1,2025-01-02,2025-02-01,won,10\n"
        f"d2,p1,2025-01-03,,open,{empty}\n"
    )
    return folder


@pytest.mark.parametrize("empty", ["", "NULL", " null "])
def test_an_empty_amount_says_how_to_read_it_as_zero_and_that_works(
    tmp_path: Path, empty: str
) -> None:
    """The fix an empty amount's problem names reads the file, whatever spells it empty."""
    folder = _open_deal_without_amount(tmp_path, empty)
    with pytest.raises(PortfolioError, match=r"shape=Shape\(defaults=\{'deals': \{'amount': 0\}"):
        read_portfolio(folder)
    assert "add [defaults.deals] amount = 0 to a --mapping file" in str(
        load(folder, hint_style="cli").report
    )
    p = read_portfolio(folder, shape=Shape(defaults={"deals": {"amount": 0}}))
    assert p.deals.collect().sort("deal_id")["amount"].to_list() == [10.0, 0.0]
