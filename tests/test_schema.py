from __future__ import annotations

import polars as pl

from partnerkit.schema import TABLES, empty_frame


def test_required_tables_and_columns_follow_the_data_model():
    assert {t.name for t in TABLES.values() if t.required} == {"partners", "deals"}
    assert TABLES["partners"].required_names == ("partner_id", "name")
    assert TABLES["deals"].required_names == (
        "deal_id",
        "partner_id",
        "created_on",
        "closed_on",
        "outcome",
        "amount",
    )


def test_references_point_at_partner_ids():
    refs = {
        (t.name, c.name): c.references for t in TABLES.values() for c in t.columns if c.references
    }
    assert set(refs.values()) == {"partners.partner_id"}
    assert ("deals", "partner_id") in refs


def test_date_columns_are_dates_and_event_dates_are_among_them():
    for table in TABLES.values():
        for name in table.date_columns:
            assert table.column(name).dtype == pl.Date()
        assert set(table.event_dates) <= set(table.date_columns)


def test_empty_frames_carry_the_canonical_schema():
    for name, table in TABLES.items():
        assert empty_frame(name).collect_schema() == table.schema
