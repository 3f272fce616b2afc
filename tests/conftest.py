"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from partnerkit.portfolio import Portfolio

from .charts import synthetic
from .tiny import make_portfolio, tiny_portfolio


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session (``local[2]``, UTC, few shuffle partitions) for the whole run.

    Tests that use it are marked ``slow``: starting Spark takes seconds.
    """
    from partnerkit.facts.engines import spark_session  # noqa: PLC0415  (starts Java)

    session = spark_session(master="local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def tiny() -> Portfolio:
    """The hand-worked five-partner portfolio (see :func:`tests.tiny.tiny_portfolio`)."""
    return tiny_portfolio()


@pytest.fixture(scope="session")
def build() -> Callable[..., Portfolio]:
    """:func:`tests.tiny.make_portfolio`: a portfolio from dict literals, without the loader."""
    return make_portfolio


@pytest.fixture(scope="session")
def syn() -> ModuleType:
    """The synthetic analysis frames of the chart and report tests (``tests/charts/synthetic``)."""
    return synthetic
