import polars as pl

from partnerkit.load import RULES, LoadReport, PortfolioError, Problem, TableReport, suggest
from partnerkit.load.checks import Check, CheckedTable, summarise
from partnerkit.load.contract import contract_checks, currency_check, partner_reference

ROW = "__row"


def test_problem_text_lists_rows_and_the_rest():
    p = Problem(
        "deals",
        "amount",
        "negative",
        7,
        [(3, "-1"), (9, None)],
        "amount must be >= 0",
        origin="deals.csv",
    )
    assert p.describe() == (
        "deals.amount [negative] 7 rows in deals.csv: amount must be >= 0\n"
        "     line 3: '-1'\n"
        "     line 9: null\n"
        "     ... and 5 more"
    )
    table_level = Problem("deals", None, "empty_file", 0, message="deals.csv is empty")
    assert table_level.describe() == "deals [empty_file]: deals.csv is empty"
    assert Problem("deals", None, "no_rows", 0).describe() == (
        "deals [no_rows]: the file has a header but no rows"
    )


def test_error_is_a_value_error_with_structure():
    problems = [
        Problem("deals", "amount", "negative", 1, [(3, "-1")], "x"),
        Problem("partners", None, "missing_table", 0, message="y"),
    ]
    err = PortfolioError(problems, source="here")
    assert isinstance(err, ValueError)
    assert str(err).splitlines()[0] == "The portfolio has 2 problems (source: here):"
    assert err.problems == problems
    frame = err.to_frame()
    assert frame.schema["rows"] == pl.List(pl.Int64)
    assert frame["rows"].to_list() == [[3], []]


def test_every_rule_has_a_scope_and_summary():
    assert {r.scope for r in RULES.values()} == {"row", "table", "note"}
    assert all(r.summary for r in RULES.values())


def test_suggest():
    assert suggest("ammount", ["amount", "outcome"]) == "amount"
    assert suggest("Outcome", ["outcome"]) == "outcome"
    assert suggest("xyz", ["amount"]) is None


def frame(**columns):
    n = len(next(iter(columns.values())))
    return pl.LazyFrame({ROW: list(range(2, 2 + n)), **columns})


def test_contract_checks_on_deals():
    lf = frame(
        deal_id=["d1", "d1", None],
        __raw_deal_id=["d1", "d1", None],
        amount=[1.0, -1.0, 2.0],
        __raw_amount=["1", "-1", "2"],
    )
    checks = contract_checks("deals", present=["deal_id", "amount"])
    found = summarise([CheckedTable("deals", lf, checks, "line", "d.csv")])
    assert [(p.rule, p.rows) for p in found.problems] == [
        ("missing_value", [(4, None)]),
        ("duplicate", [(3, "d1 (first on line 2)")]),
        ("negative", [(3, "-1")]),
    ]


def test_cross_column_rules():
    lf = frame(
        created_on=["2024-03-01", "2024-03-01", "2024-03-01"],
        closed_on=["2024-02-01", None, "2024-04-01"],
        outcome=["won", "lost", "open"],
    ).with_columns(
        pl.col("created_on", "closed_on").str.to_date(),
        pl.col("closed_on").alias("__raw_closed_on"),
        pl.col("outcome").alias("__raw_outcome"),
        pl.col("created_on").alias("__raw_created_on"),
    )
    checks = contract_checks("deals", present=["created_on", "closed_on", "outcome"])
    found = summarise([CheckedTable("deals", lf, checks, "line", "d.csv")])
    assert [(p.rule, p.rows) for p in found.problems] == [
        ("closed_without_date", [(3, "lost")]),
        ("close_before_create", [(2, "closed 2024-02-01 < created 2024-03-01")]),
    ]


def test_partner_reference_allows_null():
    deals = frame(partner_id=["p1", None, "p2", "p2"])
    joined, check = partner_reference(deals, pl.LazyFrame({"partner_id": ["p1"]}))
    found = summarise([CheckedTable("deals", joined, (check,), "line", "")])
    (p,) = found.problems
    assert (p.rule, p.count, p.rows) == ("unknown_partner", 2, [(4, "p2"), (5, "p2")])


def test_currency_checks():
    deals = frame(currency=["USD", "EUR", None, "USD"], __raw_currency=["USD", "EUR", None, "USD"])
    (mixed,) = summarise(
        [CheckedTable("deals", deals, (currency_check(None),), "line", "")]
    ).problems
    assert (mixed.rule, mixed.rows) == ("mixed_currency", [(3, "EUR")])
    assert "found EUR, USD; most rows are in USD" in mixed.message
    (other,) = summarise(
        [CheckedTable("deals", deals, (currency_check("EUR"),), "line", "")]
    ).problems
    assert (other.rule, other.count) == ("other_currency", 2)


def test_summarise_quarantine_and_notes():
    lf = frame(amount=[1.0, -1.0, -2.0])
    checks = (
        Check("amount", "negative", pl.col("amount") < 0, pl.col("amount"), "negative"),
        Check(
            "amount", "several_values", pl.col("amount") > 0, pl.col("amount"), "note", scope="note"
        ),
    )
    found = summarise([CheckedTable("deals", lf, checks, "line", "")], quarantine=True)
    assert found.problems == []
    assert [(n.rule, n.rows) for n in found.notices] == [("several_values", [(2, "1.0")])]
    assert found.set_aside.rows() == [
        ("deals", 3, "negative", "amount", "-1.0", None),
        ("deals", 4, "negative", "amount", "-2.0", None),
    ]
    assert found.heights == {"deals": 3}


def test_load_report_text():
    report = LoadReport(
        "somewhere",
        (
            TableReport(
                "deals",
                "deals.csv",
                "line",
                3,
                3,
                ("deal_id",),
                ("amount",),
                dropped=((5, "blank row"),),
                notes=("hello",),
            ),
        ),
        notes=("ignored file x.csv",),
    )
    text = report.describe()
    assert report.ok
    assert report.dropped == (("deals", 5, "blank row"),)
    for line in (
        "Portfolio source: somewhere",
        "  note: ignored file x.csv",
        "deals  (deals.csv: 3 rows)",
        "  supplied: deal_id",
        "  missing:  amount",
        "  dropped 1 row that holds no data:",
        "     line 5: blank row",
        "  note: hello",
        "No problems: the portfolio is valid.",
    ):
        assert line in text.splitlines(), line
