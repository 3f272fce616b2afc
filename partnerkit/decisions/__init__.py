"""Decisions: recommendations, what-if pruning, the decision ledger and its exports.

The last stage of the flow before charts and reports: per-partner facts in, a
keep / invest / watch / exit recommendation with reasons out, the effect of exiting a set
of partners, and an append-only record of what was decided and why.
"""

from __future__ import annotations

from partnerkit.decisions.export import export_decisions
from partnerkit.decisions.ledger import Decision, Ledger, LedgerError
from partnerkit.decisions.recommend import (
    DECISIONS,
    REASONS,
    Reason,
    reasons_frame,
    reasons_markdown,
    recommend,
    require_recommendations,
)
from partnerkit.decisions.whatif import WhatIf, recommended_exits, what_if

__all__ = [
    "DECISIONS",
    "REASONS",
    "Decision",
    "Ledger",
    "LedgerError",
    "Reason",
    "WhatIf",
    "export_decisions",
    "reasons_frame",
    "reasons_markdown",
    "recommend",
    "recommended_exits",
    "require_recommendations",
    "what_if",
]
