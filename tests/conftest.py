"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session (``local[2]``, UTC, few shuffle partitions) for the whole run.

    Tests that use it are marked ``slow``: starting Spark takes seconds.
    """
    from partnerkit.facts.engines import spark_session  # noqa: PLC0415  (starts Java)

    session = spark_session(master="local[2]")
    yield session
    session.stop()
