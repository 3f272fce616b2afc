"""partnerkit: partner portfolio analytics on polars.

Load a portfolio, validate it, find the vital few partners, explain the rest and decide
per partner to keep, invest, watch or exit.
"""

from __future__ import annotations

from partnerkit.policy import HealthDimension, HealthMetric, Policy
from partnerkit.portfolio import Portfolio

__all__ = [
    "HealthDimension",
    "HealthMetric",
    "Policy",
    "Portfolio",
]

__version__ = "0.1.0"
