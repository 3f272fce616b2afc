"""The widgets' recomputation, without any widget: filters, picks, re-flagging."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.policy import Policy
from partnerkit.widgets.state import (
    apply_filters,
    candidates,
    explore,
    ranks_of,
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
        }
    )
    assert candidates(card, policy=Policy())["partner_id"].to_list() == ["a"]


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.8, "80.0%"), (None, "n/a")],
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
    assert f"producing {text} of won revenue" in line
