"""Fixtures for chart tests: synthetic analyses with the analysis' column names.

The synthetic frames live in ``tests/charts/synthetic.py`` (the ``syn`` fixture of
``tests/conftest.py``); ``tests/test_doubles.py`` checks them against the real analysis.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import synthetic


@pytest.fixture(scope="session")
def small() -> Any:
    return synthetic.analysis(40)


@pytest.fixture(scope="session")
def sample() -> Any:
    return synthetic.analysis(150)


@pytest.fixture(scope="session")
def huge() -> Any:
    return synthetic.analysis(100_000)
