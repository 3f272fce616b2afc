"""Fixtures shared by every test folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from hypothesis import settings

from partnerkit.portfolio import Portfolio

from .charts import synthetic
from .tiny import make_portfolio, tiny_portfolio

# Property tests check results, not speed: on a shared two-core machine (or two test workers)
# one example can take longer than Hypothesis's default 200 ms without anything being wrong.
# Speed is measured by the benchmarks in bench/.
settings.register_profile("partnerkit", deadline=None)
settings.load_profile("partnerkit")


@pytest.fixture(autouse=True)
def _clock_far_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Results never read the clock; the one warning that does (events dated after today)
    sees a day far ahead, so no test depends on the day it runs. Tests of that warning set
    their own day."""
    monkeypatch.setattr("partnerkit.load.events.clock_date", lambda: dt.date(2100, 1, 1))


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
