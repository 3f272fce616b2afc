"""Generated tables follow the canonical schema and hold together (ids, dates, amounts)."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerkit.facts import latest_date
from partnerkit.load import read_portfolio
from partnerkit.samples import PATTERNS, generate
from partnerkit.schema import TABLE_ORDER, TABLES

from .conftest import SAMPLES, read_sample


def check_schema(tables: dict[str, pl.DataFrame]) -> None:
    for name in TABLE_ORDER:
        frame = tables[name]
        assert frame.schema == TABLES[name].schema, name
        assert frame.height > 0, name
        for column in TABLES[name].columns:
            values = frame[column.name]
            if not column.nullable:
                assert values.null_count() == 0, (name, column.name)
            if column.allowed is not None:
                assert set(values.drop_nulls()) <= set(column.allowed), (name, column.name)
            if column.unique:
                assert values.is_unique().all(), (name, column.name)
            if column.non_negative:
                assert (values.drop_nulls() >= 0).all(), (name, column.name)


def check_integrity(tables: dict[str, pl.DataFrame], truth: pl.DataFrame, end: date) -> None:
    partners, deals = tables["partners"], tables["deals"]
    known = set(partners["partner_id"])
    for name in ("deals", "activities", "investments", "overlaps"):
        assert set(tables[name]["partner_id"].drop_nulls()) <= known, name

    closed = deals.filter(pl.col("outcome") != "open")
    assert closed["closed_on"].null_count() == 0
    assert (closed["closed_on"] >= closed["created_on"]).all()
    assert (
        deals.filter(pl.col("outcome") == "open")["closed_on"].null_count()
        == deals.filter(pl.col("outcome") == "open").height
    )
    engaged = deals.filter(pl.col("partner_id").is_not_null())
    assert engaged["partner_engaged_on"].null_count() == 0
    assert (engaged["partner_engaged_on"] >= engaged["created_on"]).all()
    assert (engaged["partner_engaged_on"] <= engaged["closed_on"].fill_null(end)).all()
    direct = deals.filter(pl.col("partner_id").is_null())
    assert direct["partner_engaged_on"].null_count() == direct.height
    assert (direct["source"] == "vendor").all()
    # amounts are whole cents, one currency
    assert ((deals["amount"] * 100).round(6) % 1 == 0).all()
    assert set(deals["currency"]) == {"USD"}
    # deals sorted by id, ids follow creation within the file
    assert deals["deal_id"].is_sorted()

    investments = tables["investments"]
    assert (investments["ends_on"].fill_null(end) >= investments["starts_on"]).all()
    overlaps = tables["overlaps"]
    assert overlaps.select("partner_id", "account_id").is_unique().all()
    # our status is a property of the account, whoever maps it
    assert (
        overlaps.group_by("account_id").agg(pl.col("our_status").n_unique())["our_status"].max()
        == 1
    )

    for name in TABLE_ORDER:
        for column in TABLES[name].event_dates:
            latest = tables[name][column].max()
            assert latest is None or latest <= end, (name, column)
    assert tables["activities"]["occurred_on"].max() == end

    assert truth["partner_id"].to_list() == partners["partner_id"].to_list()
    assert set(truth["pattern"]) <= set(PATTERNS)
    assert partners["partner_id"].is_sorted()
    keys = ["partner_id", "occurred_on"]
    assert tables["activities"].select(keys).equals(tables["activities"].select(keys).sort(keys))


def test_committed_sample_reads_back_in_canonical_dtypes(committed):
    check_schema(committed)


def test_committed_sample_holds_together(committed, end):
    check_integrity(committed, committed["truth"], end)


def test_committed_sample_covers_every_value_an_analyst_meets(committed):
    partners = committed["partners"]
    assert set(partners["type"]) == {
        "reseller",
        "referral",
        "technology",
        "services",
        "distributor",
        "marketplace",
    }
    assert set(partners["tier"].drop_nulls()) == {"platinum", "gold", "silver", "registered"}
    assert set(partners["region"]) == {"NA", "EMEA", "APAC", "LATAM"}
    assert set(partners["status"]) == {"active", "prospect", "exited"}
    assert partners["executive_sponsor"].null_count() > 0
    assert partners["category"].null_count() > 0
    # signed over the three years, plus some older
    signed = partners["signed_on"].drop_nulls()
    assert signed.min() < date(2023, 10, 1) < date(2025, 10, 1) < signed.max()
    deals = committed["deals"]
    assert set(deals["outcome"]) == {"open", "won", "lost"}
    assert set(deals["source"]) == {"partner", "vendor"}
    assert deals["partner_id"].null_count() > 0
    activities = committed["activities"]
    assert set(activities["kind"]) == set(TABLES["activities"].column("kind").allowed or ())
    assert set(activities["initiated_by"]) == {"us", "partner"}
    assert activities["hours"].null_count() > 0
    investments = committed["investments"]
    assert set(investments["category"]) == set(
        TABLES["investments"].column("category").allowed or ()
    )
    assert investments["ends_on"].null_count() > 0
    overlaps = committed["overlaps"]
    assert (
        set(overlaps["our_status"])
        == set(overlaps["partner_status"])
        == {
            "customer",
            "prospect",
            "none",
        }
    )


def test_committed_sample_stays_small(samples_dir):
    assert sum(p.stat().st_size for p in samples_dir.iterdir()) < 3_000_000


def test_loader_accepts_the_committed_sample(end):
    portfolio = read_portfolio(SAMPLES)
    assert latest_date(portfolio) == end
    assert portfolio.quarantine is None or portfolio.quarantine.height == 0
    expected = read_sample(SAMPLES)
    for name in TABLE_ORDER:
        assert portfolio.table(name).collect().equals(expected[name]), name


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    partners=st.integers(30, 70),
    deals=st.floats(2.0, 40.0),
    activities=st.floats(2.0, 60.0),
    years=st.integers(2, 4),
    end=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
)
def test_any_sample_follows_the_schema_and_holds_together(
    seed, partners, deals, activities, years, end
):
    sample = generate(
        seed=seed,
        partners=partners,
        years=years,
        end=end,
        deals_per_partner=deals,
        activities_per_partner=activities,
    )
    tables = sample.tables()
    for name in TABLE_ORDER:
        assert tables[name].schema == TABLES[name].schema
    check_integrity(tables, sample.truth, end)
    assert sample.truth["pattern"].value_counts().height == len(PATTERNS)


def test_generated_sample_becomes_a_validated_portfolio():
    sample = generate(seed=9, partners=40, deals_per_partner=10, end=date(2025, 6, 30))
    portfolio = sample.portfolio()
    assert latest_date(portfolio) == date(2025, 6, 30)
    assert portfolio.deals.collect().equals(sample.deals)
