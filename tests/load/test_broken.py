"""Every broken input of the corpus gives its specific, readable error.

Each folder under ``tests/fixtures/broken/`` holds a small CSV portfolio with one kind of
damage and an ``expected.toml`` listing the problems it must produce (table, column,
rule, count, row numbers = CSV line numbers, header = line 1, and text the message must
contain). Optional ``[load]`` keys are passed to ``read_portfolio``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from partnerkit.load import PortfolioError
from partnerkit.load.read import read_portfolio

CORPUS = Path(__file__).parents[1] / "fixtures" / "broken"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def test_corpus_is_large_enough():
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_every_case_has_an_expectation(case):
    expected = CORPUS / case / "expected.toml"
    assert expected.is_file(), f"{case} has no expected.toml"
    spec = tomllib.loads(expected.read_text(encoding="utf-8"))
    assert spec.get("problem"), f"{case}: expected.toml lists no problem"


def _expectation(case: str) -> dict[str, Any]:
    path = CORPUS / case / "expected.toml"
    if not path.is_file():
        pytest.fail(f"{case} has no expected.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_case_gives_its_error(case):
    spec = _expectation(case)
    with pytest.raises(PortfolioError) as info:
        read_portfolio(CORPUS / case, **spec.get("load", {}))
    err = info.value
    text = str(err)
    got = [(p.table, p.column, p.rule) for p in err.problems]
    want = [(e["table"], e.get("column"), e["rule"]) for e in spec["problem"]]
    assert got == want, text
    for expected, problem in zip(spec["problem"], err.problems, strict=True):
        assert problem.count == expected.get("count", 0), text
        if "rows" in expected:
            assert [n for n, _ in problem.rows] == expected["rows"], text
            assert problem.row_kind == "line"
            for n in expected["rows"]:
                assert f"line {n}: " in text or f"line {n} (id " in text
        if "values" in expected:
            assert [v for _, v in problem.rows] == expected["values"], text
        # The readable report names where and which rule, then any expected wording.
        assert f"{problem.where} [{problem.rule}]" in text
        for snippet in expected.get("text", []):
            assert snippet in text, f"{snippet!r} not in:\n{text}"


@pytest.mark.parametrize("case", CASES)
def test_structured_frame_matches_problems(case):
    spec = _expectation(case)
    with pytest.raises(PortfolioError) as info:
        read_portfolio(CORPUS / case, **spec.get("load", {}))
    frame = info.value.to_frame()
    assert frame["rule"].to_list() == [e["rule"] for e in spec["problem"]]
    assert frame["count"].to_list() == [e.get("count", 0) for e in spec["problem"]]
