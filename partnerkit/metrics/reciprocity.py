"""Reciprocity and effort balance.

- Referrals and introductions (activity kinds ``referral`` and ``intro`` in W) flow both
  ways: one *initiated by the partner* is business the partner gave us, so we *received* it;
  one initiated by us is one we *gave*.
- ``reciprocity = (received - given) / (received + given)`` in [-1, 1]: +1 the partner only
  gives, -1 we only give, 0 balanced; null when neither happened.
- ``our_effort_share = our_hours / (our_hours + partner_hours)``, the hours of activities in
  W initiated by each side; null when no hours were recorded, and null when a side that
  initiated activities in W has no hours recorded (when the frame has the counts
  ``partner_initiated`` and ``initiated_known``): the partner's meetings logged without
  hours beside ours logged with them would read as all our effort.
- ``one_sided`` when ``our_effort_share > policy.one_sided_share``. Where the hours cannot
  compare the two sides (``our_effort_share`` null), the activities do: our share of the
  activities with a known initiator (:func:`activity_effort_share`, when the frame has
  ``partner_initiated_share``) is held to the same threshold. Null when neither is known.
  A blank hours column thus never hides effort that is plainly ours alone.

Examples
--------
>>> f = pl.LazyFrame({"referrals_given": [1, 0], "referrals_received": [3, 0],
...     "our_hours": [80.0, 0.0], "partner_hours": [20.0, 0.0]})
>>> reciprocity(f, one_sided_share=0.7).collect().rows()
[(1, 3, 80.0, 20.0, 0.5, 0.8, True), (0, 0, 0.0, 0.0, None, None, None)]

Without hours, the initiators of the activities decide:

>>> g = f.with_columns(our_hours=pl.lit(0.0), partner_hours=pl.lit(0.0),
...     partner_initiated_share=pl.Series([0.0, 0.5]))
>>> reciprocity(g, one_sided_share=0.7).collect()["one_sided"].to_list()
[True, False]

Hours on our side only, while the partner initiated most activities: the hours cannot
compare, the activities do (2 of 12 ours):

>>> h = pl.LazyFrame({"referrals_given": [0], "referrals_received": [0], "our_hours": [5.0],
...     "partner_hours": [0.0], "partner_initiated": [10], "initiated_known": [12],
...     "partner_initiated_share": [10 / 12]})
>>> reciprocity(h, one_sided_share=0.7).select("our_effort_share", "one_sided").collect().row(0)
(None, False)
"""

from __future__ import annotations

import polars as pl

__all__ = ["activity_effort_share", "judged_effort_share", "reciprocity"]


def activity_effort_share() -> pl.Expr:
    """Our share of the activities with a known initiator: ``1 - partner_initiated_share``.

    What judges the effort where the hours cannot compare the two sides (``one_sided``, the
    sentences of the recommendations, the reciprocity chart).

    >>> pl.DataFrame({"partner_initiated_share": [0.25, None]}).select(
    ...     activity_effort_share()).to_series().to_list()
    [0.75, None]
    """
    return (1 - pl.col("partner_initiated_share")).alias("activity_effort_share")


def judged_effort_share() -> pl.Expr:
    """Our share of the effort as ``one_sided`` judges it: of the hours, else of the activities.

    ``our_effort_share`` where the hours compare the two sides, else
    :func:`activity_effort_share` (the table of one-sided partners and the reciprocity chart
    read it). Requires columns: ``our_effort_share``, ``partner_initiated_share``.

    >>> pl.DataFrame({"our_effort_share": [0.8, None], "partner_initiated_share": [0.5, 0.1]}
    ...     ).select(judged_effort_share()).to_series().to_list()
    [0.8, 0.9]
    """
    return pl.coalesce(pl.col("our_effort_share"), activity_effort_share()).alias(
        "judged_effort_share"
    )


def reciprocity(frame: pl.LazyFrame, /, *, one_sided_share: float) -> pl.LazyFrame:
    """Add ``reciprocity``, ``our_effort_share`` and ``one_sided`` (module docstring).

    Requires columns: ``referrals_given``, ``referrals_received``, ``our_hours``,
    ``partner_hours``; reads ``partner_initiated_share`` when present.
    """
    given, received = pl.col("referrals_given"), pl.col("referrals_received")
    ours, theirs = pl.col("our_hours"), pl.col("partner_hours")
    names = frame.collect_schema().names()
    hours = ours + theirs > 0
    if "partner_initiated" in names and "initiated_known" in names:
        by_them = pl.col("partner_initiated")
        by_us = pl.col("initiated_known") - by_them
        # a side that initiated activities but has no hours: the hours cannot compare
        hours &= ~((ours == 0) & (by_us > 0)) & ~((theirs == 0) & (by_them > 0))
    frame = frame.with_columns(
        reciprocity=pl.when(given + received > 0).then((received - given) / (received + given)),
        our_effort_share=pl.when(hours).then(ours / (ours + theirs)),
    )
    share = (
        judged_effort_share() if "partner_initiated_share" in names else pl.col("our_effort_share")
    )
    return frame.with_columns(one_sided=share > one_sided_share)
