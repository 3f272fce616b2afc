"""The Policy is the only source of thresholds and weights.

No function of the package repeats a Policy value as the default of a parameter that stands
for that setting: it takes the Policy, or the value with no default (keyword-required), so
that a caller with another policy cannot silently get the default policy's number.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Any

import pytest

import partnerkit
from partnerkit.policy import DEFAULT_HEALTH, Policy

PACKAGE = Path(partnerkit.__file__).parent
POLICY = Policy()
FIELDS = {f.name: getattr(POLICY, f.name) for f in dataclasses.fields(Policy)}

# Parameter names that stand for a Policy setting under a shorter name.
ALIASES = {
    "threshold": "vital_threshold",
    "value": "pareto_value",
    "ladder": "tier_ladder",
    "tiers": "tier_ladder",
    "model": "health",
    "min_share": "productive_min_share",
    "min_revenue": "productive_min_revenue",
    "max_n": "bootstrap_max_n",
    "categories": "incentive_categories",
    "min_lift": "incentive_min_lift",
    "min_retention": "incentive_min_retention",
    "cuts": "timing_cuts",
    "months": "lookback_months",
}

NAMED = {"DEFAULT_HEALTH": DEFAULT_HEALTH}


def _default(node: ast.expr) -> Any:
    """The default's value when it is a literal or a named policy constant, else a marker."""
    if isinstance(node, ast.Name) and node.id in NAMED:
        return NAMED[node.id]
    try:
        return ast.literal_eval(node)
    except ValueError:
        return _default  # an expression (e.g. Policy().vital_threshold): read from the policy


def repeated_defaults(source: str) -> list[str]:
    """``function(parameter=value)`` for each default that repeats a Policy value."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        pairs = list(zip(positional[len(positional) - len(a.defaults) :], a.defaults, strict=True))
        pairs += [(p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d]
        for param, default in pairs:
            setting = param.arg if param.arg in FIELDS else ALIASES.get(param.arg)
            if setting is None:
                continue
            value = _default(default)
            if isinstance(value, list):
                value = tuple(value)
            if value is not _default and value == FIELDS[setting] and value is not None:
                found.append(f"{node.name}({param.arg}={ast.unparse(default)})")
    return found


def test_no_function_repeats_a_policy_value_as_a_default() -> None:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if hits := repeated_defaults(path.read_text()):
            found[name] = hits
    assert found == {}


@pytest.mark.parametrize(
    "source",
    [
        "def f(x, /, *, threshold: float = 0.8): ...",
        "def f(x, ramp_days=270): ...",
        "def f(x, *, ladder=('platinum', 'gold', 'silver', 'registered')): ...",
        "def f(x, *, model=DEFAULT_HEALTH): ...",
        "def f(x, *, value='won_revenue'): ...",
        "async def f(x, *, one_sided_share=0.7): ...",
    ],
)
def test_the_scan_finds_a_repeated_default(source: str) -> None:
    assert len(repeated_defaults(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "def f(x, /, *, threshold: float): ...",  # keyword-required
        "def f(x, /, *, policy: Policy): ...",  # takes the policy
        "def f(x, *, threshold=Policy().vital_threshold): ...",  # read from it
        "def f(x, *, threshold=0.5): ...",  # another value: a choice of its own
        "def f(x, *, limit=270): ...",  # a number that is no setting
    ],
)
def test_the_scan_leaves_alone_what_is_not_a_repeat(source: str) -> None:
    assert repeated_defaults(source) == []
