"""Reciprocity and effort balance.

- Referrals and introductions (activity kinds ``referral`` and ``intro`` in W) flow both
  ways: one *initiated by the partner* is business the partner gave us, so we *received* it;
  one initiated by us is one we *gave*.
- ``reciprocity = (received - given) / (received + given)`` in [-1, 1]: +1 the partner only
  gives, -1 we only give, 0 balanced; null when neither happened.
- ``our_effort_share = our_hours / (our_hours + partner_hours)``, the hours of activities in
  W initiated by each side; null when no hours were recorded.
- ``one_sided`` when ``our_effort_share > policy.one_sided_share`` (null when unknown).

Examples
--------
>>> f = pl.LazyFrame({"referrals_given": [1, 0], "referrals_received": [3, 0],
...     "our_hours": [80.0, 0.0], "partner_hours": [20.0, 0.0]})
>>> reciprocity(f, one_sided_share=0.7).collect().rows()
[(1, 3, 80.0, 20.0, 0.5, 0.8, True), (0, 0, 0.0, 0.0, None, None, None)]
"""

from __future__ import annotations

import polars as pl

__all__ = ["reciprocity"]


def reciprocity(frame: pl.LazyFrame, /, *, one_sided_share: float) -> pl.LazyFrame:
    """Add ``reciprocity``, ``our_effort_share`` and ``one_sided`` (module docstring).

    Requires columns: ``referrals_given``, ``referrals_received``, ``our_hours``,
    ``partner_hours``.
    """
    given, received = pl.col("referrals_given"), pl.col("referrals_received")
    ours, theirs = pl.col("our_hours"), pl.col("partner_hours")
    return frame.with_columns(
        reciprocity=pl.when(given + received > 0).then((received - given) / (received + given)),
        our_effort_share=pl.when(ours + theirs > 0).then(ours / (ours + theirs)),
    ).with_columns(one_sided=pl.col("our_effort_share") > one_sided_share)
