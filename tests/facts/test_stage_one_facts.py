"""Stage 1 on polars, function by function, on the tiny hand-worked portfolio.

The expected figures are worked out by hand from ``tests/fixtures`` (see the comments); the
activity reduction is also checked against a row-by-row reference on random logs.
"""

import datetime as dt

import narwhals.stable.v2 as nw
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.facts import FACT_ORDER, HOURS_COLUMNS, from_portfolio, hours_column
from partnerkit.facts.activities import activity_facts, activity_quarters
from partnerkit.facts.deals import deal_accounts, deal_facts, deal_quarters
from partnerkit.facts.investments import investment_facts, prorated_amount
from partnerkit.policy import Policy
from partnerkit.schema import ACTIVITY_KINDS, FACT_SCHEMAS
from partnerkit.window import Window

D = dt.date.fromisoformat
W = Window.ending(D("2025-12-31"), months=12)


def deals_of(portfolio):
    cuts = Policy().timing_cuts
    facts = deal_facts(nw.from_native(portfolio.deals), window=W, engine="polars", timing_cuts=cuts)
    return facts.to_native()


def acts_of(frame):
    return activity_facts(nw.from_native(frame), window=W).to_native()


def test_direct_deals_are_the_null_partner_row(tiny):
    f = deals_of(tiny).filter(pl.col("partner_id").is_null()).collect()
    # direct: won 400 (d7), lost 100 (d8), open 250 (d11, created 2025-12-01)
    assert f.select("won_revenue", "won_deals", "lost_deals", "open_pipeline", "deals_created").row(
        0
    ) == (400.0, 1, 1, 250.0, 3)


def test_spread_of_won_deals(tiny):
    f = deals_of(tiny).filter(pl.col("partner_id") == "A").collect()
    # won amounts 1000 and 3000: population sd 1000; days 50 and 92: sd 21
    assert f["sd_won_amount"].item() == pytest.approx(1000.0)
    assert f["sd_days_to_close"].item() == pytest.approx(21.0)


def test_quarter_values_long(tiny):
    quarters = W.quarters(4)  # 2025-01-01 .. 2025-10-01
    facts = deal_quarters(nw.from_native(tiny.deals), window=W, quarters=quarters)
    long = facts.to_native().sort("partner_id", "quarter").collect()
    # C's win of 2024-12-31 is before the first tracked quarter; E's after as_of; A's open
    # deal closes nothing; A's lost deal of 2025-04-01 gives Q2 a row with no revenue;
    # quarters that closed nothing (A's fourth) have no row
    assert long.columns == ["partner_id", "quarter", "won_revenue", "won_deals", "lost_deals"]
    assert long.rows() == [
        ("A", D("2025-01-01"), 1000.0, 1, 0),
        ("A", D("2025-04-01"), 0.0, 0, 1),
        ("A", D("2025-07-01"), 3000.0, 1, 0),
        ("B", D("2025-10-01"), 2000.0, 1, 0),
        ("D", D("2025-04-01"), 800.0, 1, 0),
    ]


def test_activity_quarters_long(tiny):
    quarters = W.quarters(4)
    facts = activity_quarters(nw.from_native(tiny.activities), window=W, quarters=quarters)
    long = facts.to_native().sort("partner_id", "quarter").collect()
    # A: Feb and Mar in Q1, Apr and May in Q2, Oct in Q4, Nov 2024 before the first tracked
    # quarter; B: Aug and Sep in Q3; C: Oct 2024 only, no row
    assert long.rows() == [
        ("A", D("2025-01-01"), 2),
        ("A", D("2025-04-01"), 2),
        ("A", D("2025-10-01"), 1),
        ("B", D("2025-07-01"), 2),
    ]
    assert (
        activity_quarters(nw.from_native(tiny.activities), window=W, quarters=())
        .to_native()
        .collect()
        .height
        == 0
    )


def test_no_tracked_quarters_no_rows(tiny):
    facts = deal_quarters(nw.from_native(tiny.deals), window=W, quarters=())
    assert facts.to_native().collect().height == 0


def test_deal_accounts_live_in_window(tiny):
    out = (
        deal_accounts(nw.from_native(tiny.deals), window=W)
        .to_native()
        .sort("partner_id", "account_id", nulls_last=True)
    )
    out = out.select("partner_id", "account_id", "deals", "open_amount")
    # C's deal closed on the window start and E's was created after as_of: both absent
    assert out.collect().rows() == [
        ("A", "x1", 2, 0.0), ("A", "x2", 1, 0.0), ("A", "x3", 1, 700.0), ("B", "x1", 1, 0.0),
        ("D", "x6", 1, 0.0), (None, "x1", 1, 0.0), (None, "x5", 1, 0.0), (None, "x9", 1, 250.0),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("starts", "ends", "expected"),
    [
        ("2025-01-01", "2025-12-31", 365.0),  # all 365 days in W
        ("2024-01-01", "2024-12-31", 0.0),  # ends on the window start: out
        ("2024-12-31", "2025-01-01", 182.5),  # 2 days, the second in W
        ("2025-12-01", None, 365.0),  # ongoing: runs until as_of, all in W
        ("2025-12-01", "2026-01-30", 365 * 31 / 61),  # 31 of 61 days by as_of
        ("2026-01-01", None, 0.0),  # starts after as_of
    ],
)
def test_prorated_investment(starts, ends, expected):
    f = pl.DataFrame(
        {"starts_on": [D(starts)], "ends_on": [D(ends) if ends else None], "amount": [365.0]},
        schema_overrides={"ends_on": pl.Date},
    )
    for engine in ("polars", "duckdb"):  # the day numbers of both branches
        got = nw.from_native(f).select(prorated_amount(W, engine=engine)).item()
        assert got == pytest.approx(expected), engine


def test_investment_facts_on_the_tiny_portfolio(tiny):
    inv = nw.from_native(tiny.investments)
    programs = Policy().program_categories
    out = investment_facts(inv, window=W, engine="polars", program_categories=programs)
    out = out.to_native().sort("partner_id").collect()
    assert out.rows() == [("A", 5460.0, 1810.0), ("B", 920.0, 920.0)]


def test_activity_facts_on_the_tiny_portfolio(tiny):
    out = acts_of(tiny.activities).sort("partner_id").collect()
    c = out.filter(pl.col("partner_id") == "C").row(0, named=True)
    assert (c["activities"], c["last_activity_on"], c["last_qbr_on"]) == (0, D("2024-10-01"), None)
    a = out.filter(pl.col("partner_id") == "A").row(0, named=True)
    assert a["last_qbr_on"] == D("2025-05-01")
    assert (a["our_hours"], a["partner_hours"]) == (6.0, 3.0)


def test_hours_per_activity_kind_on_the_tiny_portfolio(tiny):
    out = acts_of(tiny.activities).sort("partner_id").collect()
    assert out.columns[-3:] == ["last_activity_on", "last_qbr_on", "last_partner_activity_on"]
    hours = {r["partner_id"]: r for r in out.select("partner_id", *HOURS_COLUMNS).to_dicts()}
    # A in W: enablement 2h, referral 1h, intro 1h, qbr 3h, joint marketing 2h; its training
    # of 2024-11-01 (5h) is before W
    assert {k: v for k, v in hours["A"].items() if v and k != "partner_id"} == {
        "hours_enablement": 2.0,
        "hours_referral": 1.0,
        "hours_intro": 1.0,
        "hours_qbr": 3.0,
        "hours_joint_marketing": 2.0,
    }
    # B: two co-selling activities, 8h by us and 1h by the partner: 9h whoever initiated
    assert hours["B"]["hours_cosell"] == 9.0
    # C: only a training before W: listed (it has history), every figure in W is 0
    c = out.filter(pl.col("partner_id") == "C").row(0, named=True)
    assert all(c[h] == 0.0 for h in HOURS_COLUMNS)
    assert (c["activities"], c["activity_breadth"], c["last_activity_on"]) == (
        0,
        0,
        D("2024-10-01"),
    )


# one activity: partner, day offset from 2024-12-01 (W starts 2024-12-31), kind, initiator,
# hours in quarters (None = not recorded)
ACTIVITY = st.tuples(
    st.sampled_from(["p", "q", "r"]),
    st.integers(0, 420),
    st.sampled_from([*ACTIVITY_KINDS, None]),
    st.sampled_from(["us", "partner", None]),
    st.one_of(st.none(), st.integers(0, 40)),
)


def reference_activity_facts(rows):
    """The activity facts of ``rows`` (tuples as ACTIVITY draws) computed row by row."""
    start, end = W.start, W.end
    out = {}
    for pid, offset, kind, by, quarters in rows:
        day = D("2024-12-01") + dt.timedelta(days=offset)
        if day > end:
            continue
        f = out.setdefault(pid, {"activities": 0, "partner_initiated": 0, "initiated_known": 0,
                                 "enablement_activities": 0, "kinds": set(), "referrals_given": 0,
                                 "referrals_received": 0, "our_hours": 0.0, "partner_hours": 0.0,
                                 **dict.fromkeys(HOURS_COLUMNS, 0.0), "last_activity_on": day,
                                 "last_qbr_on": None,
                                 "last_partner_activity_on": None})  # fmt: skip
        f["last_activity_on"] = max(f["last_activity_on"], day)
        if kind == "qbr":
            f["last_qbr_on"] = day if f["last_qbr_on"] is None else max(f["last_qbr_on"], day)
        if by == "partner":
            last = f["last_partner_activity_on"]
            f["last_partner_activity_on"] = day if last is None else max(last, day)
        if not start < day <= end:
            continue
        hours = 0.0 if quarters is None else quarters / 4
        f["activities"] += 1
        f["kinds"].add(kind)
        f["partner_initiated"] += by == "partner"
        f["initiated_known"] += by is not None
        f["enablement_activities"] += kind in ("enablement", "training", "certification")
        if kind in ("referral", "intro"):
            f["referrals_given"] += by == "us"
            f["referrals_received"] += by == "partner"
        f["our_hours"] += hours if by == "us" else 0.0
        f["partner_hours"] += hours if by == "partner" else 0.0
        if kind is not None:
            f[hours_column(kind)] += hours
    for f in out.values():
        f["activity_breadth"] = len(f.pop("kinds"))
    return out


@given(st.lists(ACTIVITY, max_size=40))
@settings(max_examples=60, deadline=None)
def test_activity_facts_match_a_row_by_row_reference(rows):
    frame = pl.LazyFrame(
        {
            "partner_id": [r[0] for r in rows],
            "occurred_on": [D("2024-12-01") + dt.timedelta(days=r[1]) for r in rows],
            "kind": [r[2] for r in rows],
            "initiated_by": [r[3] for r in rows],
            "hours": [None if r[4] is None else r[4] / 4 for r in rows],
        },
        schema={"partner_id": pl.String, "occurred_on": pl.Date, "kind": pl.String,
                "initiated_by": pl.String, "hours": pl.Float64},
    )  # fmt: skip
    got = {r["partner_id"]: r for r in acts_of(frame).collect().to_dicts()}
    expected = reference_activity_facts(rows)
    assert set(got) == set(expected)
    for pid, want in expected.items():
        row = got[pid]
        for name, value in want.items():
            assert row[name] == value, (pid, name)  # quarter hours add up exactly


def test_build_facts_collects_every_table_in_its_declared_schema(tiny):
    stage = from_portfolio(tiny, window=W, policy=Policy())
    assert stage.engine == "polars"
    assert list(stage.tables) == list(FACT_ORDER) == list(FACT_SCHEMAS)
    done = stage.collect()
    for name, frame in done.frames().items():
        got = frame.collect()
        assert got.schema == FACT_SCHEMAS[name], name
        # group_by output order is arbitrary: compare sorted with the uncollected table
        again = stage.tables[name].collect()
        assert got.sort(got.columns, nulls_last=True).equals(
            again.select(got.columns).cast(got.schema).sort(got.columns, nulls_last=True)
        ), name
    assert done.has("deals", "source")
