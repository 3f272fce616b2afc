"""Money and dates as real exports write them: read one way per column, or refused."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from partnerkit.load.dates import parse_dates
from partnerkit.load.read import SourceError, load, read_portfolio
from partnerkit.load.text import ambiguous_numbers, currency_marks, parse_numbers

from . import intake_corpus as corpus

COLUMNS = [*corpus.HEADER, "currency"]
D = dt.date
PARTNERS = pl.DataFrame({"partner_id": ["P1", "P2", "P3"], "name": ["A", "B", "C"]})


def column(values, **kw):
    return pl.DataFrame({"x": values}).select(parse_numbers(pl.col("x"), **kw))["x"].to_list()


def rules(loaded):
    return [(p.column, p.rule, p.count) for p in loaded.report.problems]


def deals_frame(amounts, **extra):
    n = len(amounts)
    return pl.DataFrame(
        {
            "deal_id": [f"d{i}" for i in range(n)],
            "partner_id": ["P1"] * n,
            "created_on": ["2024-01-02"] * n,
            "closed_on": ["2024-02-01"] * n,
            "outcome": ["won"] * n,
            "amount": amounts,
            **extra,
        }
    )


# --- money --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # the issue's own examples, each worked by hand
        (["$1,234.50"], [1234.5]),
        (["€ 3.000,00"], [3000.0]),
        (["USD 1,200"], [None]),  # 1,200 alone: thousands or decimals? refused
        (["USD 1,200", "USD 1,234.50"], [1200.0, 1234.5]),  # the column says: comma groups
        (["(1,200.00)"], [-1200.0]),
        (["1.234,50", "1.234"], [1234.5, 1234.0]),  # the column says: dot groups
        (["3 000,00", "250 EUR", "£12.5"], [3000.0, 250.0, 12.5]),
        (["1'234.50"], [1234.5]),
        (["-$5.00", "$-5.00", "($5.00)"], [-5.0, -5.0, -5.0]),
    ],
)
def test_money_text(texts, expected):
    assert column(texts) == expected


@pytest.mark.parametrize("text", ["$$5", "5 $ $", "(5", "--5", "-(5.00)", "$ 1.2.3", "USD"])
def test_not_money(text):
    assert column([text]) == [None]


def test_decimal_option_reads_the_ambiguous_one_way():
    assert column(["1.234", "1,234"], decimal=".") == [1.234, 1234.0]
    assert column(["1.234", "1,234"], decimal=",") == [1234.0, 1.234]
    # the option also overrides what the column seems to say
    assert column(["12,5"], decimal=".") == [None]  # 12,5 is no number with decimal '.'


def test_mixed_decimal_styles_are_refused_not_guessed():
    values = ["1,234.50", "1.234,50", "7"]
    assert column(values) == [None, None, 7.0]
    flagged = pl.DataFrame({"x": values}).select(ambiguous_numbers(pl.col("x")))["x"]
    assert flagged.to_list() == [True, True, False]


def test_currency_marks():
    marks = pl.DataFrame({"x": ["$1", "1 €", "JPY 5", "¥5", "5"]}).select(
        currency_marks(pl.col("x"))
    )["x"]
    assert marks.to_list() == ["USD", "EUR", "JPY", "JPY", None]


def test_ambiguous_amount_is_a_rule_naming_the_option():
    loaded = load({"partners": PARTNERS, "deals": deals_frame(["1.234", "500"])})
    assert rules(loaded) == [("amount", "ambiguous_number", 1)]
    problem = loaded.report.problems[0]
    assert "decimal" in problem.message
    assert [v for _, v in problem.rows] == ["1.234"]
    p = read_portfolio({"partners": PARTNERS, "deals": deals_frame(["1.234", "500"])}, decimal=",")
    assert p.deals.select("amount").collect()["amount"].to_list() == [1234.0, 500.0]


def test_symbols_of_two_currencies_are_never_summed_raw():
    two = deals_frame(["$1,000.00", "EUR 2,500.00", "$7.00"])
    loaded = load({"partners": PARTNERS, "deals": two})
    assert [r for _, r, _ in rules(loaded)] == ["mixed_currency"]
    # ...with the portfolio currency named, the other one is a row error
    loaded = load({"partners": PARTNERS, "deals": two}, currency="USD")
    assert rules(loaded) == [("currency", "other_currency", 1)]
    # two currencies written in two locales: both the styles and the currencies are refused
    loaded = load({"partners": PARTNERS, "deals": deals_frame(["$1,000.00", "€ 2.000,00"])})
    assert [r for _, r, _ in rules(loaded)] == ["ambiguous_number", "mixed_currency"]


def test_symbols_agree_with_the_portfolio_currency():
    p = read_portfolio(
        {"partners": PARTNERS, "deals": deals_frame(["$1,000.00", "$ 2,500.25", "7"])},
        currency="USD",
    )
    got = p.deals.select("amount", "currency").collect().rows()
    assert got == [(1000.0, "USD"), (2500.25, "USD"), (7.0, "USD")]


# --- rates ----------------------------------------------------------------------------------

RATES = pl.DataFrame(
    {
        "currency": ["EUR", "EUR", "GBP"],
        "date": ["2024-01-01", "2024-03-01", "2024-01-01"],
        "rate": ["1.10", "1.20", "1.25"],
    }
)


def test_rates_convert_at_the_close_date_or_created_date_of_open_deals():
    deals = pl.DataFrame(
        {
            "deal_id": ["w1", "w2", "o1", "u1", "g1"],
            "partner_id": ["P1"] * 5,
            "created_on": ["2024-01-10", "2024-01-10", "2024-02-01", "2024-01-10", "2024-01-10"],
            # w1 closes in February (rate 1.10), w2 in March (1.20); o1 is open: its
            # expected close in April must not pick the March rate, its creation does (1.10)
            "closed_on": ["2024-02-15", "2024-03-01", "2024-04-30", "2024-02-01", "2024-02-01"],
            "outcome": ["won", "won", "open", "lost", "won"],
            "amount": [100.0, 100.0, 100.0, 40.0, 80.0],
            "currency": ["EUR", "EUR", "EUR", "USD", "GBP"],
        }
    )
    p = read_portfolio({"partners": PARTNERS, "deals": deals}, currency="USD", rates=RATES)
    got = p.deals.select("deal_id", "amount", "currency").collect().rows()
    # hand-worked: 100 * 1.10, 100 * 1.20, 100 * 1.10, USD as is, 80 * 1.25
    assert got == [
        ("w1", 110.0, "USD"),
        ("w2", 120.0, "USD"),
        ("o1", 110.0, "USD"),
        ("u1", 40.0, "USD"),
        ("g1", 100.0, "USD"),
    ]


def test_a_deal_before_the_first_rate_breaks_no_rate(tmp_path):
    deals = deals_frame([100.0, 5.0], currency=["EUR", "CHF"]).with_columns(
        pl.Series("created_on", ["2023-12-01", "2023-12-01"]),
        pl.Series("closed_on", ["2023-12-31", "2024-02-01"]),
    )
    loaded = load({"partners": PARTNERS, "deals": deals}, currency="USD", rates=RATES)
    assert rules(loaded) == [("currency", "no_rate", 2)]
    rates_file = tmp_path / "rates.csv"
    RATES.write_csv(rates_file)
    loaded = load({"partners": PARTNERS, "deals": deals.head(1)}, currency="USD", rates=rates_file)
    assert rules(loaded) == [("currency", "no_rate", 1)]


def _folder(tmp_path, currencies):
    """A folder as exported: partners, deals in ``currencies`` (None: a blank cell), rates."""
    pl.DataFrame({"partner_id": ["P1", "P2"], "name": ["A", "B"]}).write_csv(
        tmp_path / "partners.csv"
    )
    n = len(currencies)
    pl.DataFrame(
        {
            "deal_id": [f"D{i}" for i in range(n)],
            "partner_id": ["P1", "P2"] * (n // 2) + ["P1"] * (n % 2),
            "created_on": ["2024-03-05"] * n,
            "closed_on": ["2024-04-01"] * n,
            "outcome": ["won"] * n,
            "amount": [100.0] * n,
            "currency": currencies,
        },
        schema_overrides={"currency": pl.String},
    ).write_csv(tmp_path / "deals.csv")
    RATES.write_csv(tmp_path / "rates.csv")
    return tmp_path


def test_a_blank_currency_among_several_is_a_row_problem_not_a_guess(tmp_path):
    """USD, EUR and a blank: the blank deal cannot be taken for USD, converted or not."""
    folder = _folder(tmp_path, ["USD", "EUR", None, "GBP"])
    for rates in (folder / "rates.csv", None):
        loaded = load(folder, currency="USD", rates=rates)
        found = [p for p in loaded.report.problems if p.rule == "blank_currency"]
        assert [(p.count, p.rows) for p in found] == [(1, [(4, "(blank)")])], rates
        assert "(id D2)" in loaded.report.describe(), rates
    kept = load(folder, currency="USD", rates=folder / "rates.csv", quarantine=True)
    assert kept.portfolio is not None
    assert kept.portfolio.deals.collect()["deal_id"].to_list() == ["D0", "D1", "D3"]


def test_a_blank_currency_among_one_is_that_currency(tmp_path):
    folder = _folder(tmp_path, ["USD", None, "usd"])
    loaded = load(folder, currency="USD", rates=folder / "rates.csv")
    assert loaded.report.problems == ()
    assert loaded.portfolio is not None
    assert loaded.portfolio.deals.collect()["currency"].to_list() == ["USD"] * 3


def test_the_load_report_counts_the_deals_converted_and_reads_the_rates_it_uses(tmp_path):
    folder = _folder(tmp_path, ["USD", "EUR", "GBP", "EUR"])
    text = load(folder, currency="USD", rates=folder / "rates.csv").report.describe()
    assert "ignored file rates.csv" not in text  # it is read, as the rate table
    assert "converted 3 deals (EUR, GBP) to USD at the rates of rates.csv" in text
    alone = load(folder, currency="USD").report.describe()
    assert "ignored file rates.csv" in alone  # not passed: not read


EXPORT_WITH_BAD_ROWS = """\
"deal_id","partner_id","created_on","closed_on","outcome","amount","currency"
"D-1001","P1","2024-03-05","2024-04-01","Won","1,000.00","USD"
"D-1002","P2","2024-03-05","2024-04-01","Won","2,000.00","EUR"
"D-1003","P9","2024-03-05","2024-04-01","Won","3,000.00","EUR"
"D-1004","P1","2024-03-05","2024-04-01","Won","-400.00","GBP"
"""


def test_the_conversion_count_leaves_out_the_deals_set_aside(tmp_path):
    """Quarantined rows are not in the portfolio: the report names no currency they alone had.

    D-1003 (EUR, unknown partner) and D-1004 (GBP, negative amount) are converted and then
    set aside: the portfolio holds one converted deal, from EUR; none from GBP.
    """
    folder = _folder(tmp_path, ["USD"])
    (folder / "deals.csv").write_text(EXPORT_WITH_BAD_ROWS)
    kept = load(folder, currency="USD", rates=folder / "rates.csv", quarantine=True)
    assert kept.portfolio is not None
    assert kept.portfolio.deals.collect()["deal_id"].to_list() == ["D-1001", "D-1002"]
    text = kept.report.describe()
    assert "converted 1 deal (EUR) to USD at the rates of rates.csv" in text
    assert "; 2 more converted, then set aside" in text
    refused = load(folder, currency="USD", rates=folder / "rates.csv")
    assert refused.portfolio is None  # no quarantine: the count is over every deal read
    assert "converted 3 deals (EUR, GBP) to USD" in refused.report.describe()


def test_no_deal_kept_needed_converting_when_every_converted_one_is_set_aside(tmp_path):
    folder = _folder(tmp_path, ["USD"])
    (folder / "deals.csv").write_text(
        '"deal_id","partner_id","created_on","closed_on","outcome","amount","currency"\n'
        '"D-1","P1","2024-03-05","2024-04-01","Won","100","USD"\n'
        '"D-2","P9","2024-03-05","2024-04-01","Won","200","EUR"\n'
    )
    loaded = load(folder, currency="USD", rates=folder / "rates.csv", quarantine=True)
    assert loaded.portfolio is not None
    assert (
        "no deal kept needed converting: the 1 deal converted to USD was set aside"
        in loaded.report.describe()
    )


def test_several_currencies_without_rates_name_the_rate_table_in_each_interface(tmp_path):
    folder = _folder(tmp_path, ["USD", "EUR", "EUR"])
    (problem,) = load(folder).report.problems
    assert problem.rule == "mixed_currency"
    assert "pass currency='...' and rates='rates.csv'" in problem.message
    (other,) = load(folder, currency="USD").report.problems
    assert other.rule == "other_currency"
    assert "rates='rates.csv'" in other.message


def test_several_currencies_on_the_command_line_point_to_rates(tmp_path, capsys):
    from partnerkit.cli import main  # noqa: PLC0415

    folder = _folder(tmp_path, ["USD", "EUR", "EUR"])
    assert main(["validate", str(folder)]) == 1
    assert "pass --currency CODE --rates FILE" in capsys.readouterr().out


def test_rates_need_a_currency_and_a_sound_table():
    with pytest.raises(SourceError, match="portfolio currency"):
        load({"partners": PARTNERS, "deals": deals_frame([1.0])}, rates=RATES)
    with pytest.raises(SourceError, match="needs columns rate"):
        load(
            {"partners": PARTNERS, "deals": deals_frame([1.0])},
            currency="USD",
            rates=RATES.drop("rate"),
        )
    with pytest.raises(SourceError, match="rate above 0"):
        load(
            {"partners": PARTNERS, "deals": deals_frame([1.0])},
            currency="USD",
            rates=RATES.with_columns(pl.lit("0").alias("rate")),
        )


# --- dates ----------------------------------------------------------------------------------


def test_day_first_column_is_refused_without_the_option():
    deals = deals_frame([1.0, 2.0]).with_columns(
        pl.Series("created_on", ["03/01/2024", "25/01/2024"]),
        pl.Series("closed_on", ["2024-06-01", "2024-06-01"]),
    )
    loaded = load({"partners": PARTNERS, "deals": deals})
    assert rules(loaded) == [("created_on", "ambiguous_date", 2)]
    assert "day_first" in loaded.report.problems[0].message


def test_day_first_option_reads_the_whole_column_one_way():
    deals = deals_frame([1.0, 2.0]).with_columns(
        pl.Series("created_on", ["03/01/2024", "25/01/2024"]),
        pl.Series("closed_on", ["2024-06-01", "2024-06-01"]),
    )
    p = read_portfolio({"partners": PARTNERS, "deals": deals}, day_first=True)
    assert p.deals.select("created_on").collect()["created_on"].to_list() == [
        D(2024, 1, 3),
        D(2024, 1, 25),
    ]
    loaded = load({"partners": PARTNERS, "deals": deals}, day_first=False)
    assert rules(loaded) == [("created_on", "bad_date", 1)]  # 25/01 is no MM/DD date


def test_month_first_column_with_small_days_reads_month_first_for_every_row():
    deals = deals_frame([1.0, 2.0]).with_columns(
        pl.Series("created_on", ["01/12/2024", "01/13/2024"])
    )
    p = read_portfolio({"partners": PARTNERS, "deals": deals})
    assert p.deals.select("created_on").collect()["created_on"].to_list() == [
        D(2024, 1, 12),
        D(2024, 1, 13),
    ]


@pytest.mark.parametrize(("style", "day_first"), [("us", None), ("us", False), ("dayfirst", True)])
def test_documented_date_styles_read_to_the_truth(tmp_path, style, day_first):
    data = corpus.deals_csv(corpus.truth(), dates=style)
    root = corpus.folder(tmp_path / "p", "deals.csv", data)
    p = read_portfolio(root, currency="USD", day_first=day_first)
    assert_frame_equal(p.deals.select(COLUMNS).collect(), corpus.expected_deals(corpus.truth()))


def test_dayfirst_export_without_the_option_is_refused_whole(tmp_path):
    # the truth holds 25/02 and 31/12 and also 03/01 style dates: without day_first every
    # slash date of the column is refused, none is read month-first
    data = corpus.deals_csv(corpus.truth(), dates="dayfirst")
    root = corpus.folder(tmp_path / "p", "deals.csv", data)
    loaded = load(root)
    got = {(c, r) for c, r, _ in rules(loaded)}
    assert got == {("created_on", "ambiguous_date"), ("closed_on", "ambiguous_date")}
    counts = {c: n for c, _, n in rules(loaded)}
    assert counts == {"created_on": 6, "closed_on": 6}


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    cents=st.lists(st.integers(-(10**11), 10**11), min_size=1, max_size=6),
    style=st.sampled_from(["usd", "code", "eur", "eur_plain", "parens"]),
)
def test_money_written_in_any_style_reads_back(cents, style):
    values = [c / 100 for c in cents]
    texts = [corpus.money_text(v, style) for v in values]
    # every value is written with two decimals, so the column always says which separator
    # is the decimal one
    assert column(texts) == values


@settings(max_examples=150, deadline=None)
@given(days=st.lists(st.dates(D(1990, 1, 1), D(2060, 12, 31)), min_size=1, max_size=8))
def test_a_slash_date_column_is_read_one_way_or_refused_whole(days):
    texts = [corpus.date_text(d, "dayfirst") for d in days]
    lf = pl.LazyFrame({"t": texts})
    told = parse_dates(lf, {"d": "t"}, day_first=True).collect()["d"].to_list()
    assert told == days  # with the option, every row is right
    out = parse_dates(lf, {"d": "t"}, flag_ambiguous=True).collect()
    flagged = out["d__ambiguous"].to_list()
    if any(d.day > 12 for d in days):
        # the column proves day-first: every row refused, none read month-first
        assert all(flagged)
        assert out["d"].to_list() == [None] * len(days)
    else:
        # nothing proves day-first: the whole column is read month-first, the documented
        # default, one way for every row
        assert not any(flagged)
        assert out["d"].to_list() == [D(d.year, d.day, d.month) for d in days]


def test_a_wrong_decimal_option_is_a_usage_error():
    with pytest.raises(SourceError, match="decimal must be"):
        load({"partners": PARTNERS, "deals": deals_frame(["1"])}, decimal=";")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.01.2024", D(2024, 1, 25)),
        ("03.01.2024", D(2024, 1, 3)),  # dotted is always day-first: 3 January
        ("3.1.24", D(2024, 1, 3)),
        ("31.12.1999 23:59", D(1999, 12, 31)),
        ("31.02.2024", None),  # no 31 February
        ("01.13.2024", None),  # no month 13: dots are never month-first
    ],
)
def test_dotted_european_dates(text, expected):
    got = parse_dates(pl.LazyFrame({"t": [text]}), {"d": "t"}).collect()["d"].to_list()
    assert got == [expected]


def test_dotted_dates_read_the_same_whatever_the_day_first_option():
    deals = deals_frame([1.0, 2.0]).with_columns(
        pl.Series("created_on", ["03.01.2024", "25.01.2024"]),
        pl.Series("closed_on", ["2024-06-01", "2024-06-01"]),
    )
    for day_first in (None, True, False):
        p = read_portfolio({"partners": PARTNERS, "deals": deals}, day_first=day_first)
        assert p.deals.select("created_on").collect()["created_on"].to_list() == [
            D(2024, 1, 3),
            D(2024, 1, 25),
        ]


def test_rate_table_from_a_workbook(tmp_path):
    book = tmp_path / "rates.xlsx"
    pl.DataFrame(
        {
            "Currency": ["EUR", "EUR"],
            "Date": [D(2024, 1, 1), D(2024, 3, 1)],
            "Rate": [1.1, 1.2],
        }
    ).write_excel(book)
    deals = deals_frame([100.0], currency=["EUR"])  # won, closed 2024-02-01: rate 1.10
    p = read_portfolio({"partners": PARTNERS, "deals": deals}, currency="USD", rates=book)
    assert p.deals.select("amount", "currency").collect().rows() == [(110.0, "USD")]
