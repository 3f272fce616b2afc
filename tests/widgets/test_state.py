"""The widgets' recomputation, without any widget: filters, picks, re-flagging."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.metrics.health import health_percentiles
from partnerkit.policy import HealthDimension, HealthMetric, Policy
from partnerkit.widgets.state import (
    apply_filters,
    candidates,
    explore,
    ranks_of,
    reflag,
    reweight,
    reweighted_model,
    summary,
    summary_line,
)

REGIONS = ["EU", "US", "APAC"]

cards = st.lists(
    st.tuples(st.sampled_from([*REGIONS, None]), st.integers(0, 10_000)), max_size=30
).map(
    lambda rows: pl.DataFrame(
        {
            "partner_id": [f"p{i}" for i in range(len(rows))],
            "region": [r for r, _ in rows],
            "won_revenue": [v / 100 for _, v in rows],
            "counted": [True] * len(rows),
            "state": ["active"] * len(rows),
        },
        schema={
            "partner_id": pl.String,
            "region": pl.String,
            "won_revenue": pl.Float64,
            "counted": pl.Boolean,
            "state": pl.String,
        },
    )
)


@given(cards, st.lists(st.sampled_from(REGIONS), unique=True))
def test_filters_keep_exactly_the_chosen_rows(card: pl.DataFrame, chosen: list[str]) -> None:
    out = apply_filters(card, filters={"region": chosen})
    if not chosen:
        assert out.equals(card)  # no choice, no filter
    else:
        assert sorted(out["partner_id"]) == sorted(
            card.filter(pl.col("region").is_in(chosen))["partner_id"]
        )
        assert out["region"].null_count() == 0  # a partner without region is left out


@given(cards, st.lists(st.sampled_from(REGIONS), unique=True))
def test_each_region_is_its_own_portfolio(card: pl.DataFrame, chosen: list[str]) -> None:
    # The vital few of a filtered view are computed among its partners only: every
    # partner of the view has a rank from 1 to the view's size.
    view = explore(
        card, filters={"region": chosen}, value="won_revenue", threshold=0.8, denominator="enrolled"
    )
    assert sorted(view["rank"]) == list(range(1, view.height + 1))
    figures = summary(view, value="won_revenue", threshold=0.8, denominator="enrolled")
    assert figures["partners"] == view.height
    assert figures["vital_count"] == view["vital"].sum()
    if figures["vital_value_share"] is not None:
        assert 0.8 - 1e-9 <= figures["vital_value_share"] <= 1 + 1e-9


@given(st.lists(st.tuples(st.integers(1, 50), st.integers(1, 5)), max_size=8))
def test_ranks_of_expands_bars(bars: list[tuple[int, int]]) -> None:
    picked = ranks_of([{"rank": r, "partners": n} for r, n in bars])
    expected = sorted({r + k for r, n in bars for k in range(n)})
    assert picked == expected


def test_reweighted_model_leaves_unnamed_weights() -> None:
    model = Policy().health
    out = reweighted_model(model, weights={"interest: sourced_pipeline": 0.0})
    assert out[0].metrics[1].column == "sourced_pipeline"
    assert out[0].metrics[1].weight == 0.0
    assert [m.weight for m in out[1].metrics] == [m.weight for m in model[1].metrics]


def test_candidates_leave_out_partners_not_counted() -> None:
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b"],
            "state": ["dormant", "dormant"],
            "stage": ["mature", "mature"],
            "counted": [True, False],  # b is a prospect or has exited
            "recommendation": ["exit", None],  # as the analysis recommends them
        }
    )
    assert candidates(card, policy=Policy())["partner_id"].to_list() == ["a"]


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.8, "80%"), (0.055, "5.5%"), (None, "n/a")],
)
def test_summary_line_shares(share: float | None, text: str) -> None:
    line = summary_line(
        {
            "partners": 5,
            "vital_count": 2,
            "vital_share": 0.4,
            "total_value": 1000.0,
            "vital_value_share": share,
        },
        value="won_revenue",
    )
    assert f"2 of 5 partners (40%) produce {text} of won revenue" in line


# -- re-flagging and re-weighting against a plain computation ------------------------------


def plain_pareto(
    rows: list[tuple[str, int, bool, str]], *, percent: int, denominator: str
) -> dict[str, tuple[int | None, float | None, bool]]:
    """Rank, cumulative share and vital flag of each partner, worked out row by row.

    ``rows`` are (partner_id, value in cents, counted, state); ``percent`` the threshold in
    whole percent, so the vital test is exact in integers: vital when
    100 * (value of the partners ranked before its tie) < percent * total.
    """

    def takes_part(cents: int, counted: bool, state: str) -> bool:
        if denominator == "active":
            return counted and state != "dormant"
        if denominator == "positive":
            return counted and cents > 0
        return counted

    inside = sorted(
        ((pid, cents) for pid, cents, counted, state in rows if takes_part(cents, counted, state)),
        key=lambda row: (-row[1], row[0]),
    )
    total = sum(cents for _, cents in inside)
    out: dict[str, tuple[int | None, float | None, bool]] = {
        pid: (None, None, False) for pid, *_ in rows
    }
    before = 0
    tie_before: dict[int, int] = {}  # value -> value of the partners ranked before its tie
    for rank, (pid, cents) in enumerate(inside, start=1):
        cum = before + cents
        first = tie_before.setdefault(cents, before)
        out[pid] = (
            rank,
            cum / total if total else None,
            total > 0 and 100 * first < percent * total,
        )
        before = cum
    return out


scorecards = st.lists(
    st.tuples(
        st.integers(0, 5_000),  # won revenue in cents; small, so ties are common
        st.booleans(),
        st.sampled_from(["productive", "active", "dormant"]),
    ),
    max_size=25,
).map(
    lambda rows: [
        (f"p{i:02d}", cents, counted, state) for i, (cents, counted, state) in enumerate(rows)
    ]
)


def as_scorecard(rows: list[tuple[str, int, bool, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "partner_id": [r[0] for r in rows],
            "won_revenue": [r[1] / 100 for r in rows],
            "counted": [r[2] for r in rows],
            "state": [r[3] for r in rows],
        },
        schema={
            "partner_id": pl.String,
            "won_revenue": pl.Float64,
            "counted": pl.Boolean,
            "state": pl.String,
        },
    )


@given(
    scorecards,
    st.integers(50, 99),
    st.sampled_from(["enrolled", "active", "positive"]),
)
def test_reflag_matches_a_plain_computation(
    rows: list[tuple[str, int, bool, str]], percent: int, denominator: str
) -> None:
    card = as_scorecard(rows)
    out = reflag(card, value="won_revenue", threshold=percent / 100, denominator=denominator)
    assert out["partner_id"].to_list() == card["partner_id"].to_list()  # rows stay in place
    expected = plain_pareto(rows, percent=percent, denominator=denominator)
    for pid, rank, cum_share, vital in out.select(
        "partner_id", "rank", "cum_share", "vital"
    ).iter_rows():
        want_rank, want_cum, want_vital = expected[pid]
        assert (rank, vital) == (want_rank, want_vital)
        assert cum_share == (None if want_cum is None else pytest.approx(want_cum, abs=1e-12))


def test_reflag_hand_example_keeps_row_order() -> None:
    # won revenue c 30, a 10, d 0, b 60 (total 100), all counted and active.
    # Ranked b 60, c 30, a 10, d 0 -> cumulative 0.6, 0.9, 1.0, 1.0; shares before each
    # 0, 0.6, 0.9, 1.0: at 0.9 the vital few are b and c (0.9 before a is not below 0.9).
    card = pl.DataFrame(
        {
            "partner_id": ["c", "a", "d", "b"],
            "won_revenue": [30.0, 10.0, 0.0, 60.0],
            "counted": [True] * 4,
            "state": ["active"] * 4,
        }
    )
    out = reflag(card, value="won_revenue", threshold=0.9, denominator="enrolled")
    assert out.select("partner_id", "rank", "cum_share", "vital").rows() == [
        ("c", 2, 0.9, True),
        ("a", 3, 1.0, False),
        ("d", 4, 1.0, False),
        ("b", 1, 0.6, True),
    ]


@pytest.mark.slow
@given(scorecards, st.randoms(use_true_random=False))
def test_summary_does_not_depend_on_row_order(rows: list[tuple[str, int, bool, str]], rnd) -> None:
    view = reflag(as_scorecard(rows), value="won_revenue", threshold=0.8, denominator="active")
    shuffled = view[rnd.sample(range(view.height), view.height)]
    kwargs = {"value": "won_revenue", "threshold": 0.8, "denominator": "active"}
    assert summary(shuffled, **kwargs) == summary(view, **kwargs)


# A model with a lower-is-better metric, so the flip is exercised too.
MODEL = (
    # y is left out where missing (not scored lowest), as the hand examples below work it
    HealthDimension(
        "reach", (HealthMetric("x", 2.0), HealthMetric("y", 1.0, False, missing="absent"))
    ),
    HealthDimension("depth", (HealthMetric("z", 1.0),)),
)


def hand_card() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "partner_id": ["a", "b", "c", "d", "e"],
            "counted": [True, True, True, True, False],  # e is not counted
            "x": [1.0, 2.0, 2.0, 4.0, 9.0],
            "y": [3.0, None, 1.0, 2.0, 0.0],
            "z": [5, 5, 5, 5, 1],
            "health": [0.0] * 5,  # stale scores, replaced where they stand
            "reach": [0.0] * 5,
        }
    )


def plain_health(card: pl.DataFrame, weights: dict[str, float]) -> dict[str, float | None]:
    """Health of each partner, worked out with plain Python (the module docstring's rules)."""
    rows = card.to_dicts()
    counted = [r for r in rows if r["counted"]]

    def percentile(column: str, value: float | None, higher_is_better: bool) -> float | None:
        values = [r[column] for r in counted if r[column] is not None]
        if value is None:
            return None
        if len(values) == 1:
            p = 50.0
        else:
            below = sum(v < value for v in values)
            ties = sum(v == value for v in values)
            average_rank = below + (ties + 1) / 2
            p = 100 * (average_rank - 1) / (len(values) - 1)
        return p if higher_is_better else 100 - p

    out: dict[str, float | None] = {}
    for r in rows:
        if not r["counted"]:
            out[r["partner_id"]] = None
            continue
        dims = []
        for dim in MODEL:
            parts = []
            for m in dim.metrics:
                w = weights.get(f"{dim.name}: {m.column}", m.weight)
                p = percentile(m.column, r[m.column], m.higher_is_better)
                if p is not None:
                    parts.append((p, w))
            total = sum(w for _, w in parts)
            if total > 0:
                dims.append(sum(p * w for p, w in parts) / total)
        out[r["partner_id"]] = sum(dims) / len(dims) if dims else None
    return out


def test_reweight_hand_example() -> None:
    # Among a-d (e is not counted): x 1, 2, 2, 4 -> percentiles 0, 50, 50, 100 (the tie at
    # average rank 2.5); y (lower is better) 3, -, 1, 2 -> 0, -, 100, 50; z all 5 -> 50.
    # reach = (2 x + 1 y) / 3 over the metrics present: a 0, b 50 (y null), c 200/3,
    # d 250/3; health = (reach + 50) / 2.
    out = reweight(hand_card(), model=MODEL, weights={})
    assert out.columns == [*hand_card().columns, "depth"]  # replaced in place, depth added
    assert out["health"].to_list() == pytest.approx([25.0, 50.0, 175 / 3, 200 / 3, None])
    # With y weighing 4: c (2 * 50 + 4 * 100) / 6 = 250 / 3 -> health (250/3 + 50) / 2.
    heavy = reweight(hand_card(), model=MODEL, weights={"reach: y": 4.0})
    assert heavy["health"][2] == pytest.approx(200 / 3)


@given(
    st.dictionaries(
        st.sampled_from(["reach: x", "reach: y", "depth: z"]),
        st.sampled_from([0.0, 0.25, 1.0, 2.5, 3.0]),
    )
)
def test_reweight_matches_a_plain_computation(weights: dict[str, float]) -> None:
    card = hand_card()
    expected = plain_health(card, weights)
    pct = health_percentiles(card, model=MODEL)
    for out in (
        reweight(card, model=MODEL, weights=weights, percentiles=pct),
        reweight(card, model=MODEL, weights=weights),  # percentiles computed here
    ):
        got = dict(out.select("partner_id", "health").iter_rows())
        assert got.keys() == expected.keys()
        for pid, value in expected.items():
            assert got[pid] == (None if value is None else pytest.approx(value, abs=1e-9))


def test_reweight_at_the_model_weights_gives_the_analysis_scores(small) -> None:
    out = reweight(
        small.scorecard,
        model=small.policy.health,
        weights={},
        percentiles=small.health_percentiles,
    )
    for column in ("interest", "awareness", "health"):
        assert out[column].to_list() == pytest.approx(small.scorecard[column].to_list())


def test_reweight_needs_percentiles_row_for_row() -> None:
    card = hand_card()
    pct = health_percentiles(card, model=MODEL)
    with pytest.raises(ValueError, match="same order"):
        reweight(card, model=MODEL, weights={}, percentiles=pct.reverse())
    with pytest.raises(ValueError, match="same order"):
        reweight(card.head(3), model=MODEL, weights={}, percentiles=pct)


def test_reweight_without_usable_metrics_returns_the_scorecard() -> None:
    card = hand_card().drop("x", "y", "z")
    assert reweight(card, model=MODEL, weights={}) is card
    no_pct = pl.DataFrame({"partner_id": card["partner_id"]})
    assert reweight(card, model=MODEL, weights={}, percentiles=no_pct) is card
