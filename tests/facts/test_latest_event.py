"""The default as-of date against a plain reading of its definition, on random tables.

:func:`partnerkit.facts.latest_event` reads the creation and activity dates first and then
only the won and lost closes after them; whatever the tables, the result must be the
largest of every creation date, every activity date and every close of a deal that is not
open, as a plain Python loop over the rows finds it.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.facts import latest_event

DAY = st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2024, 3, 31)))
DEAL = st.tuples(DAY, DAY, st.sampled_from(["won", "lost", "open", None]))


def plain_latest(
    deals: list[tuple[dt.date | None, dt.date | None, str | None]],
    activities: list[dt.date | None],
) -> dt.date | None:
    events = [created for created, _, _ in deals]
    events += [closed for _, closed, outcome in deals if outcome in ("won", "lost")]
    events += activities
    found = [day for day in events if day is not None]
    return max(found) if found else None


def tables(
    deals: list[tuple[dt.date | None, dt.date | None, str | None]],
    activities: list[dt.date | None],
) -> dict[str, pl.LazyFrame]:
    return {
        "deals": pl.LazyFrame(
            {
                "created_on": [d[0] for d in deals],
                "closed_on": [d[1] for d in deals],
                "outcome": [d[2] for d in deals],
            },
            schema={"created_on": pl.Date, "closed_on": pl.Date, "outcome": pl.String},
        ),
        "activities": pl.LazyFrame({"occurred_on": activities}, schema={"occurred_on": pl.Date}),
    }


@given(deals=st.lists(DEAL, max_size=8), activities=st.lists(DAY, max_size=4))
def test_latest_event_is_the_plain_maximum(deals, activities):
    assert latest_event(tables(deals, activities)) == plain_latest(deals, activities)


def test_a_close_after_every_other_event_is_read():
    deals = [(dt.date(2024, 1, 1), dt.date(2024, 3, 1), "won"), (None, dt.date(2024, 3, 9), "open")]
    assert latest_event(tables(deals, [dt.date(2024, 2, 1)])) == dt.date(2024, 3, 1)


def test_a_close_on_the_latest_activity_day_changes_nothing():
    deals = [(dt.date(2024, 1, 1), dt.date(2024, 2, 1), "lost")]
    assert latest_event(tables(deals, [dt.date(2024, 2, 1)])) == dt.date(2024, 2, 1)
