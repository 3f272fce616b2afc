"""Metrics: stage 2, pure polars transforms from the stage-1 facts to per-partner results.

Stage 1 (:mod:`partnerkit.facts`) reduces raw rows to per-partner facts; every module here
works on those facts: :mod:`~partnerkit.metrics.scorecard`,
:mod:`~partnerkit.metrics.pareto`, :mod:`~partnerkit.metrics.health`,
:mod:`~partnerkit.metrics.tiers`, :mod:`~partnerkit.metrics.lifecycle`,
:mod:`~partnerkit.metrics.reciprocity`, :mod:`~partnerkit.metrics.overlap`,
:mod:`~partnerkit.metrics.lift`, :mod:`~partnerkit.metrics.timing`,
:mod:`~partnerkit.metrics.conflicts`, :mod:`~partnerkit.metrics.incentives`, all over the
window of :mod:`~partnerkit.window`. :func:`partnerkit.analysis.analyze` runs them.
"""
