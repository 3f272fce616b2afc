import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.load.text import (
    clean_text,
    key_of,
    label_key,
    normalise_label,
    normalise_name,
    parse_flags,
    parse_numbers,
)


def run(expr_fn, values):
    df = pl.DataFrame({"x": values}, schema={"x": pl.String})
    return df.select(expr_fn(pl.col("x"))).to_series().to_list()


def test_clean_text_nulls():
    assert run(clean_text, [" a ", "", "   ", "NULL", "null", "Null", None, "nullable"]) == [
        "a",
        None,
        None,
        None,
        None,
        None,
        None,
        "nullable",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1200", 1200.0),
        ("-3.5", -3.5),
        ("25000.0", 25000.0),
        ("1,234.50", 1234.5),
        ("1,234,567", 1234567.0),
        ("1.2E+05", 120000.0),
        (".5", 0.5),
        ("+7", 7.0),
        # money as exports write it (issue 11): symbols, codes, decimal commas, parentheses
        ("$900", 900.0),
        ("1,23", 1.23),
        ("1 000", 1000.0),
        ("(1,200.00)", -1200.0),
        ("€ 3.000,00", 3000.0),
    ],
)
def test_numbers(text, expected):
    assert run(parse_numbers, [text]) == [expected]


@pytest.mark.parametrize(
    "text",
    ["12k", "n/a", "12,34.5", "-", ".", "1.2.3", "NaN", "inf", "(5", "-(5)", "$5$", "12 34"],
)
def test_not_numbers(text):
    assert run(parse_numbers, [text]) == [None]


@pytest.mark.slow
@settings(deadline=None)  # the money reading is a whole-column expression: slow to plan
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_numbers_round_trip_with_separators(x):
    plain, grouped = f"{x:.2f}", f"{x:,.2f}"
    assert run(parse_numbers, [plain, grouped]) == [float(plain), float(plain)]


def test_flags():
    assert run(parse_flags, ["1", "0", "", None, "TRUE", "False", "true", "yes", "N", "maybe"]) == [
        True,
        False,
        False,
        False,
        True,
        False,
        True,
        True,
        False,
        None,
    ]


def test_labels():
    assert run(normalise_label, [" WON ", "Joint Marketing", "exec-meeting", "QBR"]) == [
        "won",
        "joint_marketing",
        "exec_meeting",
        "qbr",
    ]
    assert run(label_key, ["  Closed   Won "]) == ["closed won"]
    assert key_of("  Closed   Won ") == "closed won"


@given(st.text(alphabet="abcXYZ/- \t", max_size=20))
def test_label_key_matches_key_of(text):
    # The expression and the Python helper agree, so value-map keys find their cells.
    assert run(label_key, [text]) == [key_of(text)]


def test_normalise_name():
    assert normalise_name(" Partner ID ") == "partner_id"
    assert normalise_name("hubspot-crm-exports-all-deals-2025-11-28") == (
        "hubspot_crm_exports_all_deals_2025_11_28"
    )
