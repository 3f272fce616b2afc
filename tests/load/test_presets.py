"""CRM-shaped exports load through their presets into the same canonical portfolio.

The fixtures under ``tests/fixtures/crm/`` were written for these tests in the shapes of
real exports (BOMs, CRLF, NULL spelt out, US dates, ISO datetimes with offsets, report
footers). ``canonical/`` (and ``canonical_hubspot/``) hold the same portfolio written by
hand in canonical columns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from partnerkit.load.presets import PRESETS, Preset, resolve_presets
from partnerkit.load.read import (
    DroppedRowsWarning,
    LoadWarning,
    SourceError,
    load,
    read_portfolio,
)

CRM = Path(__file__).parents[1] / "fixtures" / "crm"
SF_API = CRM / "salesforce_api"
SF_REPORT = CRM / "salesforce_report"


def assert_same(got, expected, tables):
    for table in tables:
        assert_frame_equal(got.table(table).collect(), expected.table(table).collect())
        assert got.supplied[table] == expected.supplied[table], table


@pytest.fixture(scope="module")
def canonical():
    return read_portfolio(CRM / "canonical")


def test_salesforce_api_export_with_opportunity_partners(canonical):
    got = read_portfolio(SF_API, preset="salesforce")
    assert_same(got, canonical, ["partners", "deals"])
    deals = {r["deal_id"]: r for r in got.deals.collect().iter_rows(named=True)}
    # OP001: the primary OpportunityPartner, not the non-primary distributor row.
    assert deals["0065g00000OP001AAA"]["partner_id"] == "0015g00000PA001AAA"
    # OP003: its only primary row is deleted and Partner__c is NULL -> a direct deal.
    assert deals["0065g00000OP003AAA"]["partner_id"] is None
    # OP004: no OpportunityPartner row, so the custom field Partner__c.
    assert deals["0065g00000OP004AAA"]["partner_id"] == "0015g00000PA001AAA"
    # OP008: stage "Closed - Disqualified" with IsClosed TRUE / IsWon FALSE -> lost.
    assert deals["0065g00000OP008AAA"]["outcome"] == "lost"


def test_salesforce_report_export_with_footers(canonical):
    source = {
        "partners": SF_REPORT / "partner accounts report.csv",
        "deals": SF_REPORT / "opportunities report.csv",
    }
    # A custom lost stage needs a value mapping here: report exports carry no IsClosed.
    values = {"deals": {"outcome": {"Closed - Disqualified": "lost"}}}
    with pytest.warns(DroppedRowsWarning, match="Grand Totals"):
        got = read_portfolio(source, preset="salesforce", values=values)
    assert_same(got, canonical, ["partners", "deals"])


def test_report_footer_rows_are_listed(canonical):
    loaded = load(
        {
            "deals": SF_REPORT / "opportunities report.csv",
            "partners": SF_REPORT / "partner accounts report.csv",
        },
        preset="salesforce",
        values={"deals": {"outcome": {"Closed - Disqualified": "lost"}}},
    )
    deals = next(t for t in loaded.report.tables if t.table == "deals")
    assert deals.dropped == (
        (10, "blank row"),
        (11, "blank row"),
        (12, "report footer: 'Grand Totals (8 records)'"),
        (13, "blank row"),
        (14, "report footer: 'Confidential Information - Do Not Distribute'"),
        (15, "report footer: 'Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved.'"),
    )
    # Partner Account holds names; six of the seven partner deals are matched by name.
    assert any("Partner Account: 6 rows: partner given by name" in n for n in deals.notes)


def test_without_the_value_mapping_a_custom_stage_is_open():
    source = {
        "partners": SF_REPORT / "partner accounts report.csv",
        "deals": SF_REPORT / "opportunities report.csv",
    }
    with pytest.warns(DroppedRowsWarning), pytest.warns(LoadWarning, match="Closed - Disq"):
        got = read_portfolio(source, preset="salesforce")
    outcome = got.deals.collect().filter(deal_id="0065g00000OP008AAA")["outcome"].item()
    assert outcome == "open"


def test_crossbeam_overlaps_with_salesforce(canonical):
    source = {
        "partners": SF_API / "Account.csv",
        "deals": SF_API / "Opportunity.csv",
        "opportunity_partners": SF_API / "OpportunityPartner.csv",
        "overlaps": CRM / "crossbeam" / "crossbeam-overlaps-export.csv",
    }
    loaded = load(source, preset=["salesforce", "crossbeam"])
    assert loaded.report.ok, loaded.report.describe()
    assert_same(loaded.portfolio, canonical, ["partners", "deals", "overlaps"])
    overlaps = next(t for t in loaded.report.tables if t.table == "overlaps")
    assert any("Our Populations: 1 row: populations naming neither" in n for n in overlaps.notes)


def test_crossbeam_file_found_in_a_folder(tmp_path, canonical):
    for src in (*SF_API.iterdir(), CRM / "crossbeam" / "crossbeam-overlaps-export.csv"):
        (tmp_path / src.name).write_bytes(src.read_bytes())
    got = read_portfolio(tmp_path, preset="salesforce,crossbeam")
    assert_same(got, canonical, ["partners", "deals", "overlaps"])


def test_hubspot_exports():
    expected = read_portfolio(CRM / "canonical_hubspot")
    loaded = load(CRM / "hubspot", preset="hubspot")
    assert loaded.report.ok, loaded.report.describe()
    assert_same(loaded.portfolio, expected, ["partners", "deals"])
    deals = next(t for t in loaded.report.tables if t.table == "deals")
    notes = "\n".join(deals.notes)
    assert "Associated Partner Client IDs: 1 row: lists several partners" in notes
    assert "partner given by name" in notes  # deal 9004 has only the partner's name


def test_registry_and_resolution():
    assert set(PRESETS) == {"salesforce", "hubspot", "crossbeam"}
    for preset in PRESETS.values():
        assert preset.summary
        assert preset.columns
    custom = Preset("mine", "my CRM", columns={"deals": {"amount": ("Value",)}})
    assert resolve_presets(["hubspot", custom])[1] is custom
    assert resolve_presets(None) == ()
    with pytest.raises(KeyError, match="did you mean 'salesforce'"):
        resolve_presets("salesfroce")
    with pytest.raises(SourceError, match="unknown preset"):
        load(CRM / "canonical", preset="nope")


def test_custom_preset_object(tmp_path):
    (tmp_path / "partners.csv").write_text("Key,Title\nP1,Acme\n", encoding="utf-8")
    (tmp_path / "deals.csv").write_text(
        "Ref,Who,Opened,Closed,Result,Value\nD1,P1,2024-01-01,2024-02-01,Signed,10\n",
        encoding="utf-8",
    )
    mine = Preset(
        "mine",
        "an in-house CRM",
        columns={
            "partners": {"partner_id": ("Key",), "name": ("Title",)},
            "deals": {
                "deal_id": ("Ref",),
                "partner_id": ("Who",),
                "created_on": ("Opened",),
                "closed_on": ("Closed",),
                "outcome": ("Result",),
                "amount": ("Value",),
            },
        },
        values={"deals": {"outcome": {"Signed": "won", "*": "open"}}},
    )
    deals = read_portfolio(tmp_path, preset=mine).deals.collect()
    assert deals.select("deal_id", "partner_id", "outcome", "amount").row(0) == (
        "D1",
        "P1",
        "won",
        10.0,
    )


def test_bad_flag_in_opportunity_partner_is_reported(tmp_path):
    for src in SF_API.iterdir():
        (tmp_path / src.name).write_bytes(src.read_bytes())
    op = tmp_path / "OpportunityPartner.csv"
    op.write_bytes(op.read_bytes().replace(b'"Reseller","1"', b'"Reseller","sure"', 1))
    problems = load(tmp_path, preset="salesforce").report.problems
    assert [(p.table, p.column, p.rule, p.rows) for p in problems] == [
        ("opportunity_partners", "IsPrimary", "bad_flag", [(2, "sure")])
    ]


def test_opportunity_partner_without_its_columns(tmp_path):
    (tmp_path / "Account.csv").write_bytes((SF_API / "Account.csv").read_bytes())
    (tmp_path / "Opportunity.csv").write_bytes((SF_API / "Opportunity.csv").read_bytes())
    (tmp_path / "OpportunityPartner.csv").write_text("Id,Role\nX1,Reseller\n", encoding="utf-8")
    problems = load(tmp_path, preset="salesforce").report.problems
    assert [(p.table, p.column, p.rule) for p in problems] == [
        ("opportunity_partners", "opportunity_id", "missing_column"),
        ("opportunity_partners", "partner_id", "missing_column"),
    ]


def _without_column(path: Path, column: str, out: Path) -> Path:
    """Write ``path`` (a report CSV with footers) to ``out`` without ``column``."""
    import csv  # noqa: PLC0415

    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    at = rows[0].index(column)
    with out.open("w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows(
            [r[:at] + r[at + 1 :] if len(r) > at else r for r in rows]
        )
    return out


def test_account_report_without_ids_keys_partners_by_name(tmp_path):
    """An account report without 'Account ID' (its default columns) reads as with ids.

    Every partner keeps its name, the deals naming them find them, and each partner's
    figures are those of the same report with ids: only the key changes.
    """
    import partnerkit as pk  # noqa: PLC0415

    values = {"deals": {"outcome": {"Closed - Disqualified": "lost"}}}
    # one deal names its partner by id, which a report without ids cannot know: by name here
    deals = tmp_path / "deals.csv"
    text = (SF_REPORT / "opportunities report.csv").read_text(encoding="utf-8-sig")
    deals.write_text(text.replace('"0015g00000PA004AAA"', '"Delta Distribution"'))
    partners = _without_column(
        SF_REPORT / "partner accounts report.csv", "Account ID", tmp_path / "accounts.csv"
    )
    loaded = load({"partners": partners, "deals": deals}, preset="salesforce", values=values)
    assert loaded.portfolio is not None, loaded.report.describe()
    notes = next(t for t in loaded.report.tables if t.table == "partners").notes
    assert any("keyed by its 'Account Name'" in n for n in notes)
    by_name = pk.analyze(loaded.portfolio).scorecard
    with pytest.warns(DroppedRowsWarning):
        with_ids = read_portfolio(
            {"partners": SF_REPORT / "partner accounts report.csv", "deals": deals},
            preset="salesforce",
            values=values,
        )
    by_id = pk.analyze(with_ids).scorecard
    figures = ["name", "won_revenue", "won_deals", "lost_deals", "open_pipeline", "state"]
    assert by_name["partner_id"].to_list() == by_name["name"].to_list()
    assert_frame_equal(by_name.select(figures).sort("name"), by_id.select(figures).sort("name"))
    assert by_name["won_revenue"].sum() > 0


def test_account_report_without_ids_reports_a_repeated_name(tmp_path):
    text = (
        '"Account Name","Type"\n"Northwind Cloud","Partner"\n"Bluebird Systems","Partner"\n'
        '"Northwind Cloud","Reseller"\n'
    )
    (tmp_path / "partner accounts report.csv").write_text(text)
    (tmp_path / "opportunities report.csv").write_text(
        '"Opportunity Name","Partner Account","Stage","Amount","Close Date","Created Date"\n'
        '"Big","Bluebird Systems","Closed Won","10","3/15/2024","1/2/2024"\n'
    )
    loaded = load(tmp_path, preset="salesforce")
    assert loaded.portfolio is None
    problem = next(p for p in loaded.report.problems if p.rule == "duplicate")
    assert (problem.table, problem.column, problem.count) == ("partners", "partner_id", 1)
    assert problem.rows[0][0] == 4  # the second 'Northwind Cloud', by line


def test_problems_end_with_how_to_go_on_in_the_callers_words(tmp_path):
    """Row problems close with the fix in the interface in use; table problems do not."""
    from partnerkit.load import PortfolioError  # noqa: PLC0415

    (tmp_path / "partners.csv").write_text("partner_id,name\np1,One\n")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "d1,p1,2025-01-02,2025-02-01,won,10\nd2,p9,2025-01-03,,open,5\n"
    )
    with pytest.raises(PortfolioError) as raised:
        read_portfolio(tmp_path)
    assert str(raised.value).endswith("(pass quarantine=True; the rows set aside are listed).")
    cli = load(tmp_path, hint_style="cli").report.describe()
    assert cli.splitlines()[-1].startswith("To go on:")
    assert "pass --quarantine" in cli
    assert "To go on" not in load(tmp_path, quarantine=True).report.describe()
    (tmp_path / "deals.csv").write_text("deal_id,partner_id\nd1,p1\n")
    assert "To go on" not in load(tmp_path).report.describe()


@pytest.mark.parametrize(("partner_len", "reference_len"), [(18, 15), (15, 18)])
def test_a_partner_id_of_the_other_salesforce_length_is_that_partner(
    partner_len: int, reference_len: int
) -> None:
    """15- and 18-character ids of one record name one partner; the figures do not move."""
    import polars as pl  # noqa: PLC0415

    import partnerkit as pk  # noqa: PLC0415

    ids = ["0015g00000PA001AAA", "0015g00000PA002AAC"]
    accounts = pl.DataFrame({"Id": [i[:partner_len] for i in ids], "Name": ["North", "Blue"]})
    deals = pl.DataFrame(
        {
            "Id": ["006A", "006B", "006C"],
            "Partner__c": [ids[0][:reference_len], ids[1][:reference_len], ids[0][:partner_len]],
            "StageName": ["Closed Won", "Closed Won", "Closed Lost"],
            "Amount": ["10", "20", "5"],
            "CreatedDate": ["2025-01-02"] * 3,
            "CloseDate": ["2025-02-01"] * 3,
        }
    )
    loaded = load({"partners": accounts, "deals": deals}, preset="salesforce")
    assert loaded.portfolio is not None, loaded.report.describe()
    got = loaded.portfolio.deals.collect().sort("deal_id")["partner_id"].to_list()
    assert got == [ids[0][:partner_len], ids[1][:partner_len], ids[0][:partner_len]]
    notes = next(t for t in loaded.report.tables if t.table == "deals").notes
    assert any("Partner__c: 2 rows: partner id of the other Salesforce length" in n for n in notes)
    same = deals.with_columns(pl.col("Partner__c").str.slice(0, partner_len))
    expected = read_portfolio({"partners": accounts, "deals": same}, preset="salesforce")
    columns = ["partner_id", "won_revenue", "won_deals", "lost_deals"]
    assert_frame_equal(
        pk.analyze(loaded.portfolio).scorecard.select(columns).sort("partner_id"),
        pk.analyze(expected).scorecard.select(columns).sort("partner_id"),
    )


def test_a_fifteen_letter_partner_name_is_still_a_name() -> None:
    """A name that looks like a 15-character id but begins no partner id stays a name."""
    import polars as pl  # noqa: PLC0415

    accounts = pl.DataFrame({"Id": ["0015g00000PA001AAA"], "Name": ["AcmeCorporation"]})
    deals = pl.DataFrame(
        {
            "Id": ["006A"],
            "Partner Account": ["AcmeCorporation"],
            "StageName": ["Closed Won"],
            "Amount": ["10"],
            "CreatedDate": ["2025-01-02"],
            "CloseDate": ["2025-02-01"],
        }
    )
    p = read_portfolio({"partners": accounts, "deals": deals}, preset="salesforce")
    assert p.deals.collect()["partner_id"].to_list() == ["0015g00000PA001AAA"]


@pytest.mark.parametrize(
    ("folder", "preset"), [("hubspot", "hubspot"), ("salesforce_api", "salesforce")]
)
def test_exports_read_without_their_preset_are_told_which_preset(folder: str, preset: str) -> None:
    """A folder of CRM exports read as canonical tables names the preset that reads it."""
    problems = load(CRM / folder).report.problems
    missing = [p for p in problems if p.rule == "missing_table"]
    assert {p.table for p in missing} == {"partners", "deals"}
    assert all(p.message.endswith(f"pass preset={preset!r}") for p in missing), missing
    cli = load(CRM / folder, hint_style="cli").report.problems
    assert all(f"pass --preset {preset}" in p.message for p in cli if p.rule == "missing_table")
    assert load(CRM / folder, preset=preset).report.ok


def test_a_canonical_folder_missing_a_table_gets_no_preset_hint(tmp_path: Path) -> None:
    (tmp_path / "partners.csv").write_text("partner_id,name\np1,One\n")
    (problem,) = load(tmp_path).report.problems
    assert problem.message == "the deals table is required (deals.csv or deals.parquet)"
