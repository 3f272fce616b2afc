"""The test doubles speak the real analysis' language.

Chart, report, widget and decision tests run on stand-ins: the synthetic analysis of
``tests/charts/synthetic.py``, the small analyses and scorecards of ``tests/widgets/conftest.py``
and the scorecard rows of ``tests/decisions/conftest.py``. A stand-in that carries a column,
an attribute, a reason code or a category the real code never produces tests code paths no
real analysis reaches. Here every double is held against a real analysis of a generated
sample with every table supplied (so every optional column is there).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import polars as pl
import pytest

from partnerkit.analysis import Analysis, analyze
from partnerkit.decisions.recommend import ACTIONS, DECISIONS, REASONS
from partnerkit.metrics.lifecycle import STAGES, STATES
from partnerkit.policy import Policy
from partnerkit.results import MEMBERS
from partnerkit.samples import generate

from .charts import synthetic
from .decisions import conftest as decision_doubles
from .widgets import conftest as widget_doubles

CODES = {r.code for r in REASONS}
FRAMES = ("scorecard", "concentration", "health_explained", "lift", "vital_quarters")


@pytest.fixture(scope="module")
def real() -> Analysis:
    """A real analysis of a generated sample: every table and optional column supplied."""
    return analyze(generate(partners=80, seed=11).portfolio())


@pytest.fixture(scope="module")
def fake() -> Any:
    return synthetic.analysis(60)


def attributes(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def unknown_columns(double: pl.DataFrame, real: pl.DataFrame) -> set[str]:
    return set(double.columns) - set(real.columns)


def values(frame: pl.DataFrame, column: str) -> set[Any]:
    return set(frame[column].drop_nulls().unique().to_list())


def codes(frame: pl.DataFrame, column: str = "reasons") -> set[str]:
    return set(frame[column].explode().drop_nulls().unique().to_list())


def test_the_real_analysis_has_what_the_checks_read(real: Analysis) -> None:
    # Guards against a vacuous comparison: the real frames are there and not empty.
    for name in FRAMES:
        assert getattr(real, name).height > 0, name
    assert {"recommendation", "reasons", "actions", "state", "stage"} <= set(real.scorecard.columns)
    assert codes(real.scorecard) <= CODES


@pytest.mark.parametrize(
    "double", [synthetic.FakeAnalysis, widget_doubles.StubAnalysis], ids=lambda c: c.__name__
)
def test_analysis_doubles_have_only_real_attributes(double: type) -> None:
    assert attributes(double) - set(MEMBERS) == set()
    assert all(hasattr(Analysis, name) or name in attributes(Analysis) for name in MEMBERS)


@pytest.mark.parametrize("name", FRAMES)
def test_synthetic_frames_have_only_real_columns(real: Analysis, fake: Any, name: str) -> None:
    assert unknown_columns(getattr(fake, name), getattr(real, name)) == set()


def test_synthetic_scorecard_speaks_the_real_vocabulary(fake: Any) -> None:
    card = fake.scorecard
    assert codes(card) <= CODES, "a reason code the recommender never emits"
    assert values(card, "recommendation") <= set(DECISIONS)
    assert values(card, "state") <= set(STATES)
    assert values(card, "stage") <= set(STAGES)
    assert values(card, "tier") <= set(Policy().tier_ladder)
    assert values(card, "implied_tier") <= set(Policy().tier_ladder)
    assert set(synthetic.RECOMMENDATION_REASONS) == set(DECISIONS)


@pytest.mark.parametrize(
    "card",
    [widget_doubles.five_partners(), widget_doubles.synthetic_scorecard(30)],
    ids=["five_partners", "synthetic_scorecard"],
)
def test_widget_scorecards_have_only_real_columns_and_values(
    real: Analysis, card: pl.DataFrame
) -> None:
    assert unknown_columns(card, real.scorecard) == set()
    for column, allowed in (("state", STATES), ("stage", STAGES)):
        if column in card.columns:
            assert values(card, column) <= set(allowed)


def test_decision_scorecard_rows_have_only_real_columns(real: Analysis) -> None:
    assert set(decision_doubles.SCHEMA) - set(real.scorecard.columns) == set()
    for name, dtype in decision_doubles.SCHEMA.items():
        assert real.scorecard.schema[name] == dtype, name


def test_action_codes_are_apart_from_reason_codes() -> None:
    assert {a.code for a in ACTIONS}.isdisjoint(CODES)


def test_the_checks_catch_a_made_up_code_and_column(real: Analysis) -> None:
    made_up = pl.DataFrame({"partner_id": ["p"], "reasons": [["VITAL", "UNDER_TIERED"]]})
    assert codes(made_up) - CODES == {"UNDER_TIERED"}
    assert unknown_columns(made_up.with_columns(magic=1), real.scorecard) == {"magic"}
