"""measure_changes: revenue, deals, win rate and activities, quarter on quarter and year on year.

The raw deals and activities go through stage 1 (:func:`partnerkit.facts.build_facts`: the
``deal_quarters`` and ``activity_quarters`` facts) and the change is read from those facts
only (:func:`measure_changes_of`). Expected figures are worked out by hand in the
comments; the property test compares with a plain-Python reading of the definitions on deals
drawn at random.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from partnerkit.facts import FactSettings, build_facts
from partnerkit.metrics.change import CHANGE_MEASURES, MEASURE_COLUMNS, measure_changes_of
from partnerkit.policy import Policy
from partnerkit.window import Window

D = dt.date
AS_OF = D(2025, 9, 30)  # a quarter's last day: Q3 2025 is compared with Q2 2025 and Q3 2024


CREATED = D(2024, 1, 5)


def deals(rows: list[tuple[str, dt.date | None, str, float]], created: dt.date = CREATED):
    """(partner_id, closed_on, outcome, amount)."""
    return pl.LazyFrame(
        {
            "partner_id": [r[0] for r in rows],
            "created_on": [created] * len(rows),
            "closed_on": [r[1] for r in rows],
            "outcome": [r[2] for r in rows],
            "amount": [r[3] for r in rows],
        },
        schema={
            "partner_id": pl.String,
            "created_on": pl.Date,
            "closed_on": pl.Date,
            "outcome": pl.String,
            "amount": pl.Float64,
        },
    )


def activities(rows: list[tuple[str, dt.date]]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {"partner_id": [r[0] for r in rows], "occurred_on": [r[1] for r in rows]},
        schema={"partner_id": pl.String, "occurred_on": pl.Date},
    )


PARTNERS = pl.LazyFrame({"partner_id": ["b", "a"]})

DEALS = [
    # a, Q3 2025: won 1,000 and 500, lost one -> revenue 1,500, 2 won, win rate 2/3
    ("a", D(2025, 7, 1), "won", 1000.0),
    ("a", D(2025, 9, 30), "won", 500.0),
    ("a", D(2025, 8, 15), "lost", 900.0),
    # a, Q2 2025: won 2,000, lost two -> 2,000, 1 won, win rate 1/3
    ("a", D(2025, 6, 30), "won", 2000.0),
    ("a", D(2025, 4, 1), "lost", 10.0),
    ("a", D(2025, 5, 1), "lost", 10.0),
    # a, Q3 2024: won 750 -> 750, 1 won, win rate 1
    ("a", D(2024, 8, 8), "won", 750.0),
    # a, Q1 2025 (not compared) and an open deal: they move nothing
    ("a", D(2025, 2, 1), "won", 99999.0),
    ("a", None, "open", 5000.0),
    # b: only a lost deal in Q3 2025
    ("b", D(2025, 7, 20), "lost", 300.0),
    # a direct deal (no partner)
    (None, D(2025, 7, 20), "won", 123.0),
]

ACTIVITIES = [
    ("a", D(2025, 7, 3)),
    ("a", D(2025, 9, 1)),
    ("a", D(2025, 9, 2)),  # 3 in Q3 2025
    ("a", D(2025, 5, 5)),  # 1 in Q2 2025
    ("b", D(2024, 9, 30)),  # b: 1 in Q3 2024
]


def measure_changes(
    deals: pl.LazyFrame,
    *,
    partners: pl.LazyFrame,
    as_of: dt.date,
    activities: pl.LazyFrame | None = None,
    since: dt.date | None = None,
    policy: Policy | None = None,
) -> pl.LazyFrame:
    """Stage 1 on the raw rows (a 12-month window ending at as_of), then the change."""
    tables = {"partners": partners, "deals": deals}
    if activities is not None:  # not given: not supplied, the measure is unknown
        tables["activities"] = activities
    window = Window.ending(as_of, months=12)
    settings = FactSettings.from_policy(policy or Policy(), window)
    facts = build_facts(tables, window=window, settings=settings).collect()
    return measure_changes_of(facts, partners=partners, since=since)


def table(frame: pl.LazyFrame) -> dict[tuple[str, str], dict]:
    out = frame.collect()
    assert out.columns == ["partner_id", *MEASURE_COLUMNS]
    return {(r["partner_id"], r["measure"]): r for r in out.iter_rows(named=True)}


def test_hand_worked_partner_a_and_b() -> None:
    got = table(
        measure_changes(
            deals(DEALS), partners=PARTNERS, as_of=AS_OF, activities=activities(ACTIVITIES)
        )
    )
    a = {m: got["a", m] for m in CHANGE_MEASURES}
    assert {r["quarter"] for r in got.values()} == {D(2025, 7, 1)}
    rev = a["won_revenue"]
    assert (rev["value"], rev["prior_value"], rev["year_ago_value"]) == (1500.0, 2000.0, 750.0)
    # -500 / 2000 = -25%; +750 / 750 = +100%
    assert (rev["qoq_change"], rev["qoq_change_pct"]) == (-500.0, -0.25)
    assert (rev["yoy_change"], rev["yoy_change_pct"]) == (750.0, 1.0)
    won = a["won_deals"]
    assert (won["value"], won["prior_value"], won["year_ago_value"]) == (2.0, 1.0, 1.0)
    assert (won["qoq_change"], won["qoq_change_pct"], won["yoy_change_pct"]) == (1.0, 1.0, 1.0)
    rate = a["win_rate"]
    assert rate["value"] == pytest.approx(2 / 3)
    assert rate["prior_value"] == pytest.approx(1 / 3)
    assert rate["year_ago_value"] == 1.0
    assert rate["qoq_change"] == pytest.approx(1 / 3)  # points of a fraction, not relative
    assert rate["yoy_change"] == pytest.approx(-1 / 3)
    assert (rate["qoq_change_pct"], rate["yoy_change_pct"]) == (None, None)
    acts = a["activities"]
    assert (acts["value"], acts["prior_value"], acts["year_ago_value"]) == (3.0, 1.0, 0.0)
    assert (acts["qoq_change"], acts["qoq_change_pct"]) == (2.0, 2.0)
    assert (acts["yoy_change"], acts["yoy_change_pct"]) == (3.0, None)  # from 0: no ratio
    b = {m: got["b", m] for m in CHANGE_MEASURES}
    assert (b["won_revenue"]["value"], b["won_revenue"]["qoq_change_pct"]) == (0.0, None)
    # b closed one deal (lost) in Q3 2025: win rate 0; nothing closed before: null
    assert (b["win_rate"]["value"], b["win_rate"]["prior_value"]) == (0.0, None)
    assert b["win_rate"]["qoq_change"] is None
    assert (b["activities"]["value"], b["activities"]["yoy_change"]) == (0.0, -1.0)


def test_rows_follow_the_partners_then_the_measures() -> None:
    out = measure_changes(deals(DEALS), partners=PARTNERS, as_of=AS_OF).collect()
    assert out.select("partner_id", "measure").rows() == [
        (p, m) for p in ("b", "a") for m in CHANGE_MEASURES
    ]
    # no activities given: that measure is unknown, not zero
    assert out.filter(pl.col("measure") == "activities")["value"].to_list() == [None, None]


def test_a_quarter_before_the_data_is_null_not_zero() -> None:
    # data from 2025-01-05 on: the year-ago quarter (Q3 2024) is not covered
    late = deals([("a", D(2025, 7, 1), "won", 10.0)], created=D(2025, 1, 5))
    got = table(measure_changes(late, partners=PARTNERS, as_of=AS_OF))
    assert got["a", "won_revenue"]["prior_value"] == 0.0  # Q2 2025 covered: nothing won
    assert got["a", "won_revenue"]["year_ago_value"] is None
    assert got["a", "won_revenue"]["yoy_change"] is None
    # told the data starts earlier, the same quarter reads as zero
    told = table(measure_changes(late, partners=PARTNERS, as_of=AS_OF, since=D(2024, 1, 1)))
    assert told["a", "won_revenue"]["yoy_change"] == 10.0


def test_as_of_inside_a_quarter_compares_the_quarter_before() -> None:
    # as_of 2025-11-15: Q4 2025 is not complete, so Q3 2025 is still the one compared
    got = table(measure_changes(deals(DEALS), partners=PARTNERS, as_of=D(2025, 11, 15)))
    assert got["a", "won_revenue"]["value"] == 1500.0


def test_other_partners_deals_and_open_deals_move_nothing() -> None:
    # metamorphic: adding another partner's deals, open deals or deals closed in a quarter
    # not compared leaves partner a's rows as they were
    base = measure_changes(deals(DEALS), partners=PARTNERS, as_of=AS_OF).collect()
    more = [
        *DEALS,
        ("zz", D(2025, 8, 1), "won", 1e6),
        ("a", None, "open", 1e6),
        ("a", D(2023, 12, 31), "won", 1e6),
        ("a", D(2025, 10, 1), "won", 1e6),  # after as_of's complete quarter
    ]
    again = measure_changes(deals(more), partners=PARTNERS, as_of=AS_OF).collect()
    assert again.equals(base)


def _plain(rows, partner, start):
    """Won revenue, won deals and win rate of ``partner`` for the quarter from ``start``."""
    end = D(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    closed = [r for r in rows if r[0] == partner and r[1] is not None and start <= r[1] < end]
    won = [r for r in closed if r[2] == "won"]
    decided = [r for r in closed if r[2] in ("won", "lost")]
    rate = len(won) / len(decided) if decided else None
    return round(sum(r[3] for r in won), 2), float(len(won)), rate


@pytest.mark.parametrize("seed", range(20))
def test_equals_a_plain_reading_on_random_deals(seed: int) -> None:
    rng = random.Random(seed)
    start = D(2023, 6, 1)
    rows = [
        (
            rng.choice(["a", "b", "c"]),
            None if rng.random() < 0.1 else start + dt.timedelta(days=rng.randrange(0, 900)),
            rng.choice(["won", "won", "lost", "open"]),
            round(rng.uniform(0, 5000), 2),
        )
        for _ in range(rng.randrange(0, 60))
    ]
    rows = [(p, None if o == "open" else c, o, a) for p, c, o, a in rows]
    got = table(
        measure_changes(
            deals(rows, created=start),
            partners=pl.LazyFrame({"partner_id": ["a", "b", "c"]}),
            as_of=D(2025, 9, 30),
        )
    )
    for partner in ("a", "b", "c"):
        now = _plain(rows, partner, D(2025, 7, 1))
        then = _plain(rows, partner, D(2024, 7, 1))
        for i, measure in enumerate(("won_revenue", "won_deals", "win_rate")):
            row = got[partner, measure]
            assert row["value"] == pytest.approx(now[i]), (partner, measure)
            assert row["year_ago_value"] == pytest.approx(then[i]), (partner, measure)
            if now[i] is None or then[i] is None:
                assert row["yoy_change"] is None
            else:
                assert row["yoy_change"] == pytest.approx(now[i] - then[i], abs=0.01)


def _shifted(rows, years: int):
    def move(day):
        return None if day is None else day.replace(year=day.year + years)

    return [(p, move(c), o, a) for p, c, o, a in rows]


def test_moving_everything_a_year_later_moves_only_the_quarter() -> None:
    # metamorphic: deals, activities, creation dates and as-of all a year later -> the same
    # figures, for the quarter a year later
    base = measure_changes(
        deals(DEALS), partners=PARTNERS, as_of=AS_OF, activities=activities(ACTIVITIES)
    ).collect()
    later = measure_changes(
        deals(_shifted(DEALS, 1), created=CREATED.replace(year=CREATED.year + 1)),
        partners=PARTNERS,
        as_of=AS_OF.replace(year=AS_OF.year + 1),
        activities=activities([(p, d.replace(year=d.year + 1)) for p, d in ACTIVITIES]),
    ).collect()
    assert later["quarter"].unique().to_list() == [D(2026, 7, 1)]
    assert later.drop("quarter").equals(base.drop("quarter"))


def test_doubling_every_amount_doubles_revenue_and_nothing_else() -> None:
    base = measure_changes(deals(DEALS), partners=PARTNERS, as_of=AS_OF).collect()
    double = measure_changes(
        deals([(p, c, o, a * 2) for p, c, o, a in DEALS]), partners=PARTNERS, as_of=AS_OF
    ).collect()
    revenue = pl.col("measure") == "won_revenue"
    money = ["value", "prior_value", "qoq_change", "year_ago_value", "yoy_change"]
    assert (
        double.filter(revenue).select(money).equals(base.filter(revenue).select(pl.col(money) * 2))
    )
    # relative changes, deals, win rate and activities do not move
    assert (
        double.filter(revenue)
        .select("qoq_change_pct", "yoy_change_pct")
        .equals(base.filter(revenue).select("qoq_change_pct", "yoy_change_pct"))
    )
    assert double.filter(~revenue).equals(base.filter(~revenue))


def test_a_quarter_the_facts_do_not_track_is_null_not_zero() -> None:
    # two tracked quarters (Q2 and Q3 2025): the year-ago quarter Q3 2024 is not in the
    # facts, so nothing is known of it, although the data (from 2024-01-05) covers it
    short = Policy(stability_quarters=2)
    got = table(
        measure_changes(
            deals(DEALS),
            partners=PARTNERS,
            as_of=AS_OF,
            activities=activities(ACTIVITIES),
            policy=short,
        )
    )
    rev = got["a", "won_revenue"]
    assert (rev["value"], rev["prior_value"], rev["year_ago_value"]) == (1500.0, 2000.0, None)
    assert (rev["qoq_change"], rev["yoy_change"]) == (-500.0, None)
    assert got["a", "activities"]["year_ago_value"] is None
    assert got["a", "activities"]["prior_value"] == 1.0


def test_lost_deals_alone_give_a_win_rate_of_zero_not_null() -> None:
    # metamorphic: a partner whose only closed deals in a quarter are lost has a win rate
    # of 0 there (closed, none won); removing the lost deal makes it unknown (none closed)
    lost = [("b", D(2025, 7, 20), "lost", 300.0), ("b", D(2025, 8, 2), "lost", 0.0)]
    got = table(measure_changes(deals([*DEALS, *lost]), partners=PARTNERS, as_of=AS_OF))
    assert got["b", "win_rate"]["value"] == 0.0
    assert got["b", "won_deals"]["value"] == 0.0
    fewer = [r for r in DEALS if r[0] != "b"]
    none = table(measure_changes(deals(fewer), partners=PARTNERS, as_of=AS_OF))
    assert none["b", "win_rate"]["value"] is None


def test_a_deal_and_an_activity_moved_across_a_quarter_end_move_one_count() -> None:
    # metamorphic, worked by hand: partner a gets one more won deal (40) and one more
    # activity on 2025-06-30 (Q2's last day), then the same two on 2025-07-01 (Q3's first).
    # On June 30: Q3 1,500 / 2 won / 2 of 3 / 3 activities; Q2 2,040 / 2 won / 2 of 4 / 2.
    # On July 1:  Q3 1,540 / 3 won / 3 of 4 / 4 activities; Q2 2,000 / 1 won / 1 of 3 / 1.
    # An activity on as_of counts in Q3; one the day after, or another partner's, nowhere.
    def run(day: dt.date) -> dict[tuple[str, str], dict]:
        extra_activities = [("a", day), ("a", D(2025, 10, 1)), ("zz", D(2025, 9, 30))]
        return table(
            measure_changes(
                deals([*DEALS, ("a", day, "won", 40.0)]),
                partners=PARTNERS,
                as_of=AS_OF,
                activities=activities([*ACTIVITIES, *extra_activities]),
            )
        )

    def figures(got: dict[tuple[str, str], dict]) -> dict[str, tuple[object, object]]:
        return {m: (got["a", m]["value"], got["a", m]["prior_value"]) for m in CHANGE_MEASURES}

    assert figures(run(D(2025, 6, 30))) == {
        "won_revenue": (1500.0, 2040.0),
        "won_deals": (2.0, 2.0),
        "win_rate": (pytest.approx(2 / 3), 0.5),
        "activities": (3.0, 2.0),
    }
    assert figures(run(D(2025, 7, 1))) == {
        "won_revenue": (1540.0, 2000.0),
        "won_deals": (3.0, 1.0),
        "win_rate": (0.75, pytest.approx(1 / 3)),
        "activities": (4.0, 1.0),
    }
    on_as_of = run(D(2025, 9, 30))
    assert on_as_of["a", "activities"]["value"] == 4.0
    assert on_as_of["b", "activities"]["value"] == 0.0
