from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from partnerkit.load import PortfolioError, from_frames
from partnerkit.load.read import SourceError, load, read_portfolio
from partnerkit.schema import TABLE_ORDER, TABLES

FIXTURES = Path(__file__).parents[1] / "fixtures"
CANONICAL = FIXTURES / "crm" / "canonical"
BROKEN = FIXTURES / "broken"

PARTNERS = pl.DataFrame({"partner_id": ["p1", "p2"], "name": ["Acme", "Beta"]})
DEALS = pl.DataFrame(
    {
        "deal_id": ["d1", "d2", "d3"],
        "partner_id": ["p1", None, "p2"],
        "created_on": ["2025-01-05", "2025-02-01", "2025-02-10"],
        "closed_on": ["2025-03-01", None, "2025-04-30"],
        "outcome": ["won", "open", "lost"],
        "amount": [1200.0, 300.0, 50.0],
    }
)


def problems_of(**frames):
    with pytest.raises(PortfolioError) as info:
        read_portfolio({"partners": PARTNERS, "deals": DEALS, **frames})
    return info.value


def test_every_table_has_canonical_columns_and_dtypes():
    p = read_portfolio({"partners": PARTNERS, "deals": DEALS})
    for name in TABLE_ORDER:
        assert p.table(name).collect_schema() == TABLES[name].schema, name
    assert p.activities.collect().height == 0
    partners = p.partners.collect()
    assert partners["status"].to_list() == ["active", "active"]  # the schema default
    assert partners["tier"].to_list() == [None, None]
    assert p.supplied["deals"] == (
        "deal_id",
        "partner_id",
        "created_on",
        "closed_on",
        "outcome",
        "amount",
    )
    assert p.supplied["activities"] == ()
    assert not p.has("deals", "currency")
    assert p.quarantine is None


def test_folder_and_mapping_of_paths_agree():
    by_folder = read_portfolio(CANONICAL)
    by_paths = read_portfolio(
        {t: CANONICAL / f"{t}.csv" for t in ("partners", "deals", "overlaps")}
    )
    for name in TABLE_ORDER:
        assert_frame_equal(by_folder.table(name).collect(), by_paths.table(name).collect())
    assert by_folder.source == str(CANONICAL)


def test_parquet_round_trip_gives_the_same_portfolio(tmp_path):
    from_csv = read_portfolio(CANONICAL)
    for name in ("partners", "deals", "overlaps"):
        supplied = from_csv.supplied[name]
        from_csv.table(name).select(supplied).collect().write_parquet(tmp_path / f"{name}.parquet")
    from_parquet = read_portfolio(tmp_path)
    for name in TABLE_ORDER:
        assert_frame_equal(from_parquet.table(name).collect(), from_csv.table(name).collect())
    assert from_parquet.supplied == from_csv.supplied
    # Parquet tables stay lazy scans; CSV tables are held parsed in memory.
    assert "PARQUET" in from_parquet.deals.explain().upper()
    assert "PARQUET" not in from_csv.deals.explain().upper()


def test_parquet_of_raw_text_round_trips_too(tmp_path):
    # The same source files as Parquet of strings (dates as text) parse the same way.
    for name in ("partners", "deals", "overlaps"):
        pl.read_csv(CANONICAL / f"{name}.csv", infer_schema=False).write_parquet(
            tmp_path / f"{name}.parquet"
        )
    from_csv, from_parquet = read_portfolio(CANONICAL), read_portfolio(tmp_path)
    for name in TABLE_ORDER:
        assert_frame_equal(from_parquet.table(name).collect(), from_csv.table(name).collect())


def test_lazy_frames_stay_lazy():
    p = read_portfolio({"partners": PARTNERS.lazy(), "deals": DEALS.lazy()})
    assert p.deals.collect()["amount"].sum() == 1550.0


def test_native_dtypes_from_frames():
    deals = DEALS.with_columns(
        pl.col("created_on").str.to_datetime("%Y-%m-%d", time_zone="UTC"),
        pl.col("amount").cast(pl.Int32),
        pl.col("deal_id").str.slice(1).cast(pl.Int64),
    )
    got = read_portfolio({"partners": PARTNERS, "deals": deals}).deals.collect()
    assert got["created_on"].to_list()[0] == dt.date(2025, 1, 5)
    assert got["deal_id"].to_list() == ["1", "2", "3"]
    assert got["amount"].dtype == pl.Float64


def test_categorical_labels_are_normalised():
    deals = DEALS.with_columns(pl.Series("outcome", ["Won", "OPEN", "lost"], pl.Categorical))
    got = read_portfolio({"partners": PARTNERS, "deals": deals}).deals.collect()
    assert got["outcome"].to_list() == ["won", "open", "lost"]


def test_frame_rows_are_zero_based_and_say_so():
    err = problems_of(deals=DEALS.with_columns(amount=pl.Series([1.0, -2.0, float("nan")])))
    assert [(p.rule, p.row_kind, p.rows) for p in err.problems] == [
        ("bad_number", "row", [(2, "NaN")]),
        ("negative", "row", [(1, "-2.0")]),
    ]
    assert "row 1 (id d2): '-2.0'  (0-based row index)" in str(err)


def test_wrong_type_is_a_column_problem():
    err = problems_of(deals=DEALS.with_columns(amount=pl.Series([True, False, True])))
    assert [(p.column, p.rule) for p in err.problems] == [("amount", "wrong_type")]
    assert "Boolean" in err.problems[0].message


def test_all_problems_at_once():
    err = read_problems(BROKEN / "three_problems")
    assert [(p.table, p.rule) for p in err.problems] == [
        ("partners", "duplicate"),
        ("deals", "bad_date"),
        ("deals", "negative"),
    ]
    frame = err.to_frame()
    assert frame.columns == [
        "table",
        "column",
        "rule",
        "count",
        "row_kind",
        "rows",
        "values",
        "message",
    ]
    assert frame["rows"].to_list() == [[4], [4], [5]]


def read_problems(source, **kwargs):
    with pytest.raises(PortfolioError) as info:
        read_portfolio(source, **kwargs)
    return info.value


def test_quarantine_sets_rows_aside():
    source = BROKEN / "three_problems"
    read_problems(source)  # without quarantine the same input fails
    p = read_portfolio(source, quarantine=True)
    assert p.quarantine is not None
    assert p.quarantine.rows() == [
        ("partners", 4, "duplicate", "partner_id", "P2 (first on line 3)", "P2"),
        ("deals", 4, "bad_date", "created_on", "2024-02-30", "D3"),
        ("deals", 5, "negative", "amount", "-2500", "D4"),
    ]
    # 3 partners - 1 duplicate = 2; 5 deals - 2 set aside = 3 (D1, D2, D5).
    assert p.partners.collect()["partner_id"].to_list() == ["P1", "P2"]
    assert p.deals.collect()["deal_id"].to_list() == ["D1", "D2", "D5"]


def test_quarantine_cascades_to_rows_of_set_aside_partners():
    partners = PARTNERS.with_columns(name=pl.Series(["Acme", None]))
    p = read_portfolio({"partners": partners, "deals": DEALS}, quarantine=True)
    assert p.quarantine is not None
    assert p.quarantine.select("table", "row_number", "rule").rows() == [
        ("partners", 1, "missing_value"),
        ("deals", 2, "unknown_partner"),  # d3 belongs to the set-aside partner p2
    ]
    assert p.deals.collect()["deal_id"].to_list() == ["d1", "d2"]


def test_quarantine_does_not_hide_table_problems():
    err = read_problems(BROKEN / "missing_column", quarantine=True)
    assert [p.rule for p in err.problems] == ["missing_column"]
    err = read_problems(BROKEN / "mixed_currency", quarantine=True)
    assert [p.rule for p in err.problems] == ["mixed_currency"]


def test_quarantine_with_a_declared_currency():
    p = read_portfolio(BROKEN / "mixed_currency", quarantine=True, currency="usd")
    assert p.quarantine is not None
    assert p.quarantine.select("row_number", "rule", "value").rows() == [
        (4, "other_currency", "EUR"),
        (6, "other_currency", "gbp"),
    ]
    assert p.deals.collect()["currency"].to_list() == ["USD", "USD", "USD"]


def test_declared_currency_fills_missing_ones():
    p = read_portfolio({"partners": PARTNERS, "deals": DEALS}, currency="eur")
    assert p.deals.collect()["currency"].to_list() == ["EUR"] * 3


def test_open_deals_keep_their_expected_close_date():
    deals = DEALS.with_columns(closed_on=pl.Series(["2025-03-01", "2025-09-30", "2025-04-30"]))
    got = read_portfolio({"partners": PARTNERS, "deals": deals}).deals.collect()
    assert got.filter(outcome="open")["closed_on"].to_list() == [dt.date(2025, 9, 30)]


def test_mapping_and_values():
    deals = DEALS.rename({"amount": "Value", "outcome": "Stage"}).with_columns(
        Stage=pl.Series(["Signed", "Talking", "Dropped"]), Junk=pl.lit(1)
    )
    loaded = load(
        {"partners": PARTNERS, "deals": deals},
        mapping={"deals": {"Value": "amount", "Stage": "outcome", "Junk": None}},
        values={"deals": {"outcome": {"signed": "won", "dropped": "lost", "*": "open"}}},
    )
    assert loaded.portfolio is not None
    assert loaded.portfolio.deals.collect()["outcome"].to_list() == ["won", "open", "lost"]
    deals_report = loaded.report.tables[1]
    assert deals_report.ignored == ("Junk",)
    assert ("Value", "amount") in deals_report.renamed


def test_unknown_tables_are_problems_with_suggestions():
    loaded = load(
        {"partners": PARTNERS, "deals": DEALS, "deal": DEALS}, mapping={"partner": {"a": "b"}}
    )
    assert [(p.table, p.rule) for p in loaded.report.problems] == [
        ("deal", "unknown_table"),
        ("partner", "unknown_table"),
    ]
    assert "did you mean 'deals'?" in loaded.report.problems[0].message


def test_missing_required_table():
    err = read_problems({"partners": PARTNERS})
    assert [(p.table, p.rule) for p in err.problems] == [("deals", "missing_table")]


def test_usage_errors():
    with pytest.raises(SourceError, match="not a folder"):
        read_portfolio(FIXTURES / "no-such-folder")
    with pytest.raises(SourceError, match="expected a path or a polars"):
        read_portfolio({"partners": [1, 2]})  # type: ignore[dict-item]
    with pytest.raises(SourceError, match="source must be"):
        read_portfolio(42)  # type: ignore[arg-type]


def test_from_frames_goes_through_the_loader():
    p = from_frames(partners=PARTNERS, deals=DEALS)
    assert p.deals.collect().height == 3
    with pytest.raises(PortfolioError, match="unknown_partner"):
        from_frames(partners=PARTNERS.head(1), deals=DEALS)
    q = from_frames(partners=PARTNERS.head(1), deals=DEALS, quarantine=True)
    assert q.quarantine is not None
    assert q.quarantine["rule"].to_list() == ["unknown_partner"]


def test_report_counts_rows():
    loaded = load(BROKEN / "three_problems", quarantine=True)
    by_table = {t.table: t for t in loaded.report.tables}
    assert (by_table["deals"].rows_read, by_table["deals"].rows_loaded) == (5, 3)
    assert by_table["activities"].origin == "not supplied"
    text = loaded.report.describe()
    assert "Set aside (quarantine): 3 rows (3 rule breaks)" in text
    assert "No problems" not in text
    assert "deals  (deals.csv: 5 rows, 3 loaded)" in text


@st.composite
def portfolios(draw):
    n_partners = draw(st.integers(1, 5))
    n_deals = draw(st.integers(1, 12))
    partners = pl.DataFrame(
        {
            "partner_id": [f"p{i}" for i in range(n_partners)],
            "name": [f"Partner {i}" for i in range(n_partners)],
        }
    )
    amounts = draw(st.lists(st.floats(0, 1e7, allow_nan=False), min_size=n_deals, max_size=n_deals))
    owners = draw(
        st.lists(
            st.one_of(st.none(), st.integers(0, n_partners - 1)), min_size=n_deals, max_size=n_deals
        )
    )
    deals = pl.DataFrame(
        {
            "deal_id": [f"d{i}" for i in range(n_deals)],
            "partner_id": [None if o is None else f"p{o}" for o in owners],
            "created_on": ["2025-01-01"] * n_deals,
            "closed_on": ["2025-02-01"] * n_deals,
            "outcome": ["won"] * n_deals,
            "amount": amounts,
        }
    )
    return partners, deals


@settings(max_examples=25, deadline=None)
@given(portfolios(), st.data())
def test_valid_input_keeps_every_row_and_a_broken_row_is_named(frames, data):
    partners, deals = frames
    p = read_portfolio({"partners": partners, "deals": deals})
    got = p.deals.collect()
    assert got.height == deals.height
    assert got["amount"].to_list() == deals["amount"].to_list()
    # Make one amount negative: exactly that row is reported, by its 0-based index.
    row = data.draw(st.integers(0, deals.height - 1))
    broken = deals.with_columns(
        amount=pl.when(pl.int_range(pl.len()) == row).then(-1.0).otherwise(pl.col("amount"))
    )
    with pytest.raises(PortfolioError) as info:
        read_portfolio({"partners": partners, "deals": broken})
    assert [(p.rule, p.rows) for p in info.value.problems] == [("negative", [(row, "-1.0")])]
