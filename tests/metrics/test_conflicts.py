import datetime as dt
import itertools

import narwhals.stable.v2 as nw
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.facts.deals import deal_accounts as stage_one_accounts
from partnerkit.metrics.conflicts import conflicts
from partnerkit.window import Window

W = Window.ending(dt.date(2025, 12, 31), months=12)
D = dt.date.fromisoformat


def deal_accounts(deals, *, window):
    """Stage 1's (partner, account) reduction of polars ``deals``."""
    return stage_one_accounts(nw.from_native(deals), window=window).to_native()


def test_no_conflict_on_the_tiny_portfolio(tiny):
    # A (crm) worked x1 from 2025-01-10 to 2025-04-01 (d1, d3); B (crm) came to x1 on
    # 2025-07-01 (d5): B succeeded A, they never competed. D (crm) works x6 alone.
    accounts = deal_accounts(tiny.deals, window=W)
    spans = accounts.filter(pl.col("account_id") == "x1").sort("partner_id", nulls_last=True)
    assert spans.select("partner_id", "active_from", "active_to").collect().rows() == [
        ("A", D("2025-01-10"), D("2025-04-01")),
        ("B", D("2025-07-01"), D("2025-12-31")),
        (None, D("2025-03-01"), D("2025-05-01")),
    ]
    assert conflicts(accounts, partners=tiny.partners).collect().height == 0


def deals_of(rows):
    """Deals from (partner, account, created, closed) tuples; closed None = still open."""
    return pl.LazyFrame(
        {
            "partner_id": [r[0] for r in rows],
            "account_id": [r[1] for r in rows],
            "created_on": [D(r[2]) for r in rows],
            "closed_on": [None if r[3] is None else D(r[3]) for r in rows],
            "outcome": ["open" if r[3] is None else "won" for r in rows],
            "amount": [1.0] * len(rows),
        },
        schema_overrides={"closed_on": pl.Date},
    )


CRM = pl.LazyFrame({"partner_id": ["a", "b", "c"], "category": ["crm"] * 3})


def pairs(rows, partners=CRM):
    out = conflicts(deal_accounts(deals_of(rows), window=W), partners=partners).collect()
    return out.select("partner_a", "partner_b", "shared_accounts", "accounts", "deals").rows()


def test_three_partners_and_deals_outside_the_window():
    rows = [
        ("a", "x", "2025-02-01", None), ("b", "x", "2025-02-01", None),
        ("c", "x", "2025-02-01", None), ("a", "y", "2025-02-01", None),
        ("b", "y", "2025-02-01", None), ("c", "z", "2025-02-01", None),
        ("a", "z", "2024-01-01", "2024-06-01"),  # a's deal on z ended before W
    ]  # fmt: skip
    assert pairs(rows) == [
        ("a", "b", 2, ["x", "y"], 4),
        ("a", "c", 1, ["x"], 2),
        ("b", "c", 1, ["x"], 2),
    ]


def test_one_closed_before_the_other_was_created_is_no_conflict():
    # a closed on May 31; b created on June 1: a successor. Sharing a single day is enough
    # to compete: c created on a's closing day.
    assert pairs([("a", "x", "2025-02-01", "2025-05-31"), ("b", "x", "2025-06-01", None)]) == []
    assert pairs([("a", "x", "2025-02-01", "2025-05-31"), ("c", "x", "2025-05-31", None)]) == [
        ("a", "c", 1, ["x"], 2)
    ]


def test_an_open_deal_runs_to_as_of_and_a_deal_closed_after_as_of_is_open():
    # a's deal is still open at as_of; b's closes in 2026 (after as_of): both live at as_of
    rows = [("a", "x", "2025-03-01", None), ("b", "x", "2025-12-31", "2026-03-01")]
    assert pairs(rows) == [("a", "b", 1, ["x"], 2)]
    # b created after as_of: not live in W at all
    assert pairs([("a", "x", "2025-03-01", None), ("b", "x", "2026-01-02", None)]) == []


def test_no_category_no_conflict():
    acc = deal_accounts(
        deals_of([("a", "x", "2025-02-01", None), ("b", "x", "2025-02-01", None)]), window=W
    )
    partners = pl.LazyFrame(
        {"partner_id": ["a", "b"], "category": [None, None]},
        schema_overrides={"category": pl.String},
    )
    assert conflicts(acc, partners=partners).collect().height == 0


def test_shifting_every_date_together_changes_nothing():
    rows = [
        ("a", "x", "2025-02-01", "2025-05-31"), ("b", "x", "2025-05-01", None),
        ("c", "x", "2025-06-01", "2025-07-01"), ("a", "y", "2025-03-01", "2025-04-01"),
        ("c", "y", "2025-04-02", None),
    ]  # fmt: skip
    before = pairs(rows)
    assert before == [("a", "b", 1, ["x"], 2), ("b", "c", 1, ["x"], 2)]
    shift = dt.timedelta(days=-90)
    later = Window(W.start + shift, W.end + shift)
    moved = deals_of(rows).with_columns(pl.col("created_on", "closed_on") + shift)
    out = conflicts(deal_accounts(moved, window=later), partners=CRM).collect()
    assert out.select("partner_a", "partner_b", "shared_accounts", "accounts", "deals").rows() == (
        before
    )


DAY0 = dt.date(2025, 1, 1)
deal = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["x", "y"]),
    st.integers(0, 330),
    st.one_of(st.none(), st.integers(0, 60)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(deal, min_size=1, max_size=12))
def test_every_pair_of_deals_open_together_is_a_conflict(generated):
    """Against a per-deal check written apart from the code: deal lives are day ranges."""
    rows = [
        (p, a, (DAY0 + dt.timedelta(days=s)).isoformat(),
         None if n is None else (DAY0 + dt.timedelta(days=s + n)).isoformat())
        for p, a, s, n in generated
    ]  # fmt: skip
    found = {(r[0], r[1]): set(r[3]) for r in pairs(rows)}
    lives: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
    for p, a, created, closed in rows:
        end = min(D(closed), W.end) if closed else W.end
        lives.setdefault((p, a), []).append((D(created), end))
    for (p, a), (q, b) in itertools.combinations(sorted(lives), 2):
        if a != b or p == q:
            continue
        together = any(s1 <= e2 and s2 <= e1 for s1, e1 in lives[p, a] for s2, e2 in lives[q, b])
        one_each = len(lives[p, a]) == 1 and len(lives[q, b]) == 1
        reported = a in found.get((p, q), set())
        if together:
            assert reported, (p, q, a)
        elif one_each:
            assert not reported, (p, q, a)


def test_categories_spelt_differently_are_one_category():
    # free-text categories: "CRM", "crm " and "Crm" are the same solution category
    partners = pl.LazyFrame({"partner_id": ["a", "b", "c"], "category": ["CRM", "crm ", "ERP"]})
    rows = [("a", "x", "2025-02-01", None), ("b", "x", "2025-03-01", None)]
    out = conflicts(deal_accounts(deals_of(rows), window=W), partners=partners).collect()
    assert out.select("partner_a", "partner_b", "category").rows() == [("a", "b", "CRM")]
    # a blank category competes with nobody
    blank = pl.LazyFrame({"partner_id": ["a", "b"], "category": [" ", ""]})
    assert pairs(rows, partners=blank) == []
