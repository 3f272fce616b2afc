"""The frames a portfolio hands out for lazy sources: plain scans plus only the work needed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from partnerkit.load import read as read_module
from partnerkit.load.conform import vocabulary
from partnerkit.load.delivery import lean_frame
from partnerkit.load.mapping import relabel
from partnerkit.load.read import read_portfolio
from partnerkit.schema import TABLE_ORDER, TABLES

CANONICAL = Path(__file__).parents[1] / "fixtures" / "crm" / "canonical"

# Words in a query plan that mean per-row work or a join; a plain scan has none of them.
PER_ROW_WORK = ("JOIN", "replace", "strip_chars", "when(", "is_in", "row_index", "__row")

PARTNERS = pl.DataFrame({"partner_id": ["p1", "p2"], "name": ["Acme", "Beta"]})


def plain_deals(n: int = 3) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "deal_id": [f"d{i}" for i in range(n)],
            "partner_id": ["p1"] * n,
            "created_on": [dt.date(2025, 1, 5)] * n,
            "closed_on": [dt.date(2025, 3, 1)] * n,
            "outcome": ["won"] * n,
            "amount": [100.0] * n,
        }
    )


def write_tables(folder: Path, **frames: pl.DataFrame) -> Path:
    for name, frame in frames.items():
        frame.write_parquet(folder / f"{name}.parquet")
    return folder


def test_clean_parquet_portfolio_hands_out_plain_scans(tmp_path):
    from_csv = read_portfolio(CANONICAL)
    for name in ("partners", "deals", "overlaps"):
        supplied = from_csv.supplied[name]
        from_csv.table(name).select(supplied).collect().write_parquet(tmp_path / f"{name}.parquet")
    p = read_portfolio(tmp_path)
    for name in ("partners", "deals", "overlaps"):
        plan = p.table(name).explain()
        assert "Parquet SCAN" in plan, name
        # At most a select of the canonical columns (absent ones as nulls) over the scan.
        assert "WITH_COLUMNS" not in plan, plan
        for word in PER_ROW_WORK:
            assert word not in plan, (name, word, plan)
        assert_frame_equal(p.table(name).collect(), from_csv.table(name).collect())


def test_parquet_with_native_types_needs_only_casts(tmp_path):
    # Integer amounts and datetimes are cast; nothing else is touched.
    deals = plain_deals().with_columns(
        pl.col("amount").cast(pl.Int32),
        pl.col("created_on").cast(pl.Datetime("us")),
    )
    p = read_portfolio(write_tables(tmp_path, partners=PARTNERS, deals=deals))
    plan = p.deals.explain()
    for word in PER_ROW_WORK:
        assert word not in plan, (word, plan)
    got = p.deals.collect()
    assert got.schema == TABLES["deals"].schema
    assert got["amount"].to_list() == [100.0] * 3
    assert got["created_on"].to_list() == [dt.date(2025, 1, 5)] * 3


def dirty_frames() -> dict[str, pl.DataFrame]:
    partners = pl.DataFrame(
        {
            "partner_id": ["p1", " p2"],  # needs trimming
            "name": ["Acme", "Beta"],
            "tier": [" Gold ", "silver"],  # free label: lower snake case
            "status": [None, "Exited"],  # null takes the default
        }
    )
    deals = pl.DataFrame(
        {
            "deal_id": ["d1", "d2", "d3", "d4"],
            "partner_id": ["p1", "p2", None, "p2"],
            "account_id": ["a1", "NULL", " a3", ""],  # null words and blanks -> null
            "created_on": ["2025-01-05", "01/20/25", "2025-02-01", "2025-02-02"],
            "closed_on": ["2025-03-01", None, "2025-04-30", None],
            "outcome": ["Won", "OPEN", " lost", "open"],
            "amount": [1200, 300, 50, 0],
            "source": ["Partner", "vendor", None, "VENDOR"],
            "currency": ["usd", "USD", "Usd ", None],
        }
    )
    activities = pl.DataFrame(
        {
            "partner_id": ["p1", "p2", "p2"],
            "occurred_on": [dt.date(2025, 1, 9)] * 3,
            "kind": ["Joint Marketing", "co-sell", "QBR"],
            "hours": [1.5, None, 2.0],
        }
    )
    return {"partners": partners, "deals": deals, "activities": activities}


def test_dirty_parquet_loads_to_canonical_values(tmp_path):
    p = read_portfolio(write_tables(tmp_path, **dirty_frames()))
    partners = p.partners.collect()
    assert partners.select("partner_id", "tier", "status").rows() == [
        ("p1", "gold", "active"),
        ("p2", "silver", "exited"),
    ]
    deals = p.deals.collect()
    assert deals.select("account_id", "outcome", "source", "currency").rows() == [
        ("a1", "won", "partner", "USD"),
        (None, "open", "vendor", "USD"),
        ("a3", "lost", None, "USD"),
        (None, "open", "vendor", None),
    ]
    assert deals["created_on"].to_list()[1] == dt.date(2025, 1, 20)
    assert deals["amount"].to_list() == [1200.0, 300.0, 50.0, 0.0]
    kinds = p.activities.collect()["kind"].to_list()
    assert kinds == ["joint_marketing", "cosell", "qbr"]
    # The reference check and row numbers stay in validation.
    for name in ("partners", "deals", "activities"):
        plan = p.table(name).explain()
        assert "JOIN" not in plan
        assert "row_index" not in plan
        assert "__row" not in plan
    # Labels are looked up, not parsed row by row.
    assert "to_lowercase" not in p.deals.explain()
    # Only the work needed: the clean partner name and hours are read as they are.
    assert 'col("name")' in p.partners.explain()
    assert 'col("hours")' in p.activities.explain()


def test_parquet_frames_and_in_memory_frames_agree(tmp_path):
    frames = dirty_frames()
    lean = read_portfolio(write_tables(tmp_path, **frames))
    eager = read_portfolio(frames)
    for name in TABLE_ORDER:
        assert_frame_equal(lean.table(name).collect(), eager.table(name).collect())
    assert lean.supplied == eager.supplied


def test_value_maps_and_currency_apply_to_parquet(tmp_path):
    deals = plain_deals(3).with_columns(
        outcome=pl.Series(["Signed", "Talking", "won"]), currency=pl.Series([None, "eur", "EUR"])
    )
    p = read_portfolio(
        write_tables(tmp_path, partners=PARTNERS, deals=deals),
        values={"deals": {"outcome": {"signed": "won", "*": "open"}}},
        currency="eur",
    )
    got = p.deals.collect()
    # "*" maps any other label that is not already canonical: Talking -> open, won stays.
    assert got["outcome"].to_list() == ["won", "open", "won"]
    assert got["currency"].to_list() == ["EUR", "EUR", "EUR"]


def test_quarantine_on_parquet_leaves_out_the_rows_set_aside(tmp_path):
    deals = plain_deals(4).with_columns(
        amount=pl.Series([100.0, -5.0, 100.0, 100.0]),
        partner_id=pl.Series(["p1", "p1", "p9", "p2"]),
    )
    p = read_portfolio(write_tables(tmp_path, partners=PARTNERS, deals=deals), quarantine=True)
    assert p.quarantine is not None
    assert p.quarantine.select("table", "row_number", "rule").rows() == [
        ("deals", 1, "negative"),
        ("deals", 2, "unknown_partner"),
    ]
    # Rows 1 and 2 (0-based) are left out; the partners frame is still a plain scan.
    assert p.deals.collect()["deal_id"].to_list() == ["d0", "d3"]
    assert "JOIN" not in p.partners.explain()


def test_lazy_frames_are_handed_out_as_selections_of_themselves():
    deals = plain_deals().lazy()
    p = read_portfolio({"partners": PARTNERS.lazy(), "deals": deals})
    plan = p.deals.explain()
    for word in PER_ROW_WORK:
        assert word not in plan, (word, plan)
    assert_frame_equal(p.deals.select(plain_deals().columns).collect(), plain_deals())


def test_too_varied_labels_keep_the_parsing_plan(tmp_path, monkeypatch):
    # With no vocabulary (the limit is 1 value), labels are parsed row by row and a dirty
    # label column sends the whole table through the parsing plan, with the same result.
    monkeypatch.setattr(read_module, "VOCABULARY_LIMIT", 1)
    frames = dirty_frames()
    p = read_portfolio(write_tables(tmp_path, **frames))
    assert p.deals.collect()["outcome"].to_list() == ["won", "open", "lost", "open"]
    assert p.activities.collect()["kind"].to_list() == ["joint_marketing", "cosell", "qbr"]
    assert "to_lowercase" in p.deals.explain()  # the label parsing, row by row
    eager = read_portfolio(frames)
    for name in TABLE_ORDER:
        assert_frame_equal(p.table(name).collect(), eager.table(name).collect())


def test_relabel_changes_only_what_differs():
    pairs = {"Won": "won", "won": "won", None: "open", " lost": "lost"}
    df = pl.DataFrame({"x": ["Won", "won", None, " lost", "other"]})
    assert df.select(relabel(pl.col("x"), pairs)).to_series().to_list() == [
        "won",
        "won",
        "open",
        "lost",
        "other",  # not in the pairs: left as it is
    ]
    # Identity pairs give the column itself: no per-row work at all.
    assert relabel(pl.col("x"), {"won": "won", None: None}).meta.eq(pl.col("x"))


def test_vocabulary_is_what_parsing_gives():
    got = vocabulary(
        pl.Series(["Joint Marketing", "co-sell", " QBR", "NULL", None]),
        table="activities",
        column="kind",
    )
    assert got.rows() == [
        ("Joint Marketing", "Joint Marketing", "joint_marketing"),
        ("co-sell", "co-sell", "cosell"),  # near spelling of an allowed value
        (" QBR", "QBR", "qbr"),  # kept text is trimmed; canonical is normalised
        ("NULL", None, None),  # a null word
        (None, None, None),
    ]


def test_lean_frame_drops_rows_and_fills_absent_columns():
    base = pl.LazyFrame({"Id": ["p1", "p2", "p3"], "Name": ["A", "B", "C"]})
    out = lean_frame(
        base,
        table="partners",
        renamed=(("Id", "partner_id"), ("Name", "name")),
        drop_rows=pl.DataFrame({"__row": [1]}),
    ).collect()
    assert out.schema == TABLES["partners"].schema
    assert out.select("partner_id", "status").rows() == [("p1", "active"), ("p3", "active")]


SOURCE_SPELLINGS = {"partner": "partner", "Partner": "partner", " VENDOR": "vendor", None: None}
ACCOUNT_SPELLINGS = {"a1": "a1", " a1": "a1", "a2 ": "a2", "NULL": None, "": None, None: None}
CURRENCY_SPELLINGS = {"usd": "USD", "USD": "USD", " Usd": "USD", None: None}


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(SOURCE_SPELLINGS)),
            st.sampled_from(list(ACCOUNT_SPELLINGS)),
            st.sampled_from(list(CURRENCY_SPELLINGS)),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_parquet_labels_and_text_match_the_spelling_rules(tmp_path_factory, cells):
    sources, accounts, currencies = (list(c) for c in zip(*cells, strict=True))
    deals = plain_deals(len(cells)).with_columns(
        source=pl.Series(sources, dtype=pl.String),
        account_id=pl.Series(accounts, dtype=pl.String),
        currency=pl.Series(currencies, dtype=pl.String),
    )
    folder = write_tables(tmp_path_factory.mktemp("p"), partners=PARTNERS, deals=deals)
    got = read_portfolio(folder).deals.collect()
    assert got["source"].to_list() == [SOURCE_SPELLINGS[s] for s in sources]
    assert got["account_id"].to_list() == [ACCOUNT_SPELLINGS[a] for a in accounts]
    assert got["currency"].to_list() == [CURRENCY_SPELLINGS[c] for c in currencies]
    assert_frame_equal(got, read_portfolio({"partners": PARTNERS, "deals": deals}).deals.collect())


@pytest.mark.parametrize("bad", ["Closed Won", "maybe"])
def test_unknown_labels_in_parquet_are_still_errors(tmp_path, bad):
    deals = plain_deals(2).with_columns(outcome=pl.Series(["won", bad]))
    with pytest.raises(ValueError, match="not_allowed"):
        read_portfolio(write_tables(tmp_path, partners=PARTNERS, deals=deals))


def test_quarantine_with_labels_assumed_canonical(tmp_path):
    # outcome is read as it is until counted: "Won" is an allowed value spelt otherwise
    # (kept, as won), "maybe" is not allowed (set aside).
    deals = plain_deals(3).with_columns(outcome=pl.Series(["Won", "maybe", "lost"]))
    p = read_portfolio(write_tables(tmp_path, partners=PARTNERS, deals=deals), quarantine=True)
    assert p.quarantine is not None
    assert p.quarantine.select("row_number", "rule", "value").rows() == [
        (1, "not_allowed", "maybe")
    ]
    assert p.deals.collect().select("deal_id", "outcome").rows() == [("d0", "won"), ("d2", "lost")]
