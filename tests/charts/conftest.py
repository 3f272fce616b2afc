"""Fixtures for chart tests: synthetic analysis frames with the analysis' column names."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def load_helper(stem: str) -> ModuleType:
    """Import a helper module next to this file (tests are imported by path, not package)."""
    name = f"partnerkit_test_{stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / f"{stem}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


synthetic = load_helper("synthetic")


@pytest.fixture(scope="session")
def syn() -> ModuleType:
    return synthetic


@pytest.fixture(scope="session")
def small() -> Any:
    return synthetic.analysis(40)


@pytest.fixture(scope="session")
def sample() -> Any:
    return synthetic.analysis(150)


@pytest.fixture(scope="session")
def huge() -> Any:
    return synthetic.analysis(100_000)
