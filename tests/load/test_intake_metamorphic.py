"""Metamorphic tests of intake: changes that must not move a result.

- Giving open deals expected close dates (past or future) changes no deal fact but the
  count of open deals past their expected date, and not the as-of date.
- Adding open deals expected to close after as-of changes no closed-deal figure and not
  the as-of date.
- The same table written as plain CSV, Excel, CR-only CSV, CRLF CSV with a BOM and a
  report footer, and money-formatted CSV (``$1,234.50``, ``USD 1,234.50``) reads to
  identical frames, equal to the truth it was written from.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from pathlib import Path

import narwhals.stable.v2 as nw
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from partnerkit.facts import latest_date, open_past_expected
from partnerkit.facts.deals import deal_facts as stage_one_deals
from partnerkit.load import from_frames
from partnerkit.load.read import DroppedRowsWarning, read_portfolio
from partnerkit.policy import Policy
from partnerkit.window import Window

from . import intake_corpus as corpus

COLUMNS = [*corpus.HEADER, "currency"]
START = dt.date(2023, 1, 1)
PARTNERS = pl.DataFrame({"partner_id": ["P1", "P2", "P3"], "name": ["A", "B", "C"]})
CLOSED_FIGURES = (
    "won_revenue",
    "won_deals",
    "lost_deals",
    "sourced_revenue",
    "influenced_revenue",
    "avg_days_to_close",
    "first_win_on",
    "revenue_prior",
    "revenue_recent",
)


@st.composite
def deal_rows(draw, *, min_size=1, max_size=12):
    n = draw(st.integers(min_size, max_size))
    deals = []
    for i in range(n):
        created = START + dt.timedelta(days=draw(st.integers(0, 700)))
        outcome = draw(st.sampled_from(["won", "lost", "open"]))
        closed = (
            None if outcome == "open" else created + dt.timedelta(days=draw(st.integers(0, 200)))
        )
        cents = draw(st.integers(0, 10**9))
        deals.append(
            corpus.Deal(
                f"D{i}",
                draw(st.sampled_from(["P1", "P2", "P3", None])),
                created,
                closed,
                outcome,
                cents / 100,
            )
        )
    return deals


def portfolio_of(deals):
    return from_frames(
        partners=PARTNERS, deals=corpus.expected_deals(deals, currency=None).drop("currency")
    )


def facts(portfolio, as_of):
    w = Window.ending(as_of, months=12)
    facts = stage_one_deals(
        nw.from_native(portfolio.deals),
        window=w,
        engine="polars",
        timing_cuts=Policy().timing_cuts,
    )
    return facts.to_native().sort("partner_id", nulls_last=True).collect()


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(deals=deal_rows(), data=st.data())
def test_expected_close_dates_on_open_deals_move_nothing(deals, data):
    base = portfolio_of(deals)
    moved = [
        d
        if d.outcome != "open"
        else corpus.Deal(
            d.deal_id,
            d.partner_id,
            d.created,
            # past or future, even before its creation: an expectation, never a close
            d.created + dt.timedelta(days=data.draw(st.integers(-200, 900))),
            d.outcome,
            d.amount,
        )
        for d in deals
    ]
    other = portfolio_of(moved)
    as_of = latest_date(base)
    assert latest_date(other) == as_of
    # the two facts that read expected dates on purpose: how many slipped, and until when
    # the partner's open deals are due (a stale one is no sign of life)
    before = facts(base, as_of).drop("open_past_expected", "open_until")
    after = facts(other, as_of).drop("open_past_expected", "open_until")
    assert_frame_equal(before, after)
    slipped = sum(1 for d in moved if d.outcome == "open" and d.closed <= as_of)
    assert open_past_expected(other) == slipped


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(deals=deal_rows(), extra=deal_rows(max_size=5), data=st.data())
def test_open_deals_expected_after_as_of_move_no_closed_figure(deals, extra, data):
    base = portfolio_of(deals)
    as_of = latest_date(base)
    added = [
        corpus.Deal(
            f"X{i}",
            d.partner_id,
            min(d.created, as_of),  # created by as-of: a real event, not after it
            as_of + dt.timedelta(days=data.draw(st.integers(1, 400))),
            "open",
            d.amount,
        )
        for i, d in enumerate(extra)
    ]
    other = portfolio_of([*deals, *added])
    assert latest_date(other) == as_of
    before = facts(base, as_of)
    after = facts(other, as_of)
    partners = before.join(after, on="partner_id", how="inner", suffix="_after", nulls_equal=True)
    for column in CLOSED_FIGURES:
        assert partners[column].equals(partners[f"{column}_after"]), column
    # open pipeline grows by exactly the added amounts
    grown = round(after["open_pipeline"].sum() - before["open_pipeline"].sum(), 2)
    assert grown == round(sum(round(d.amount, 2) for d in added), 2)


def _read(root, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedRowsWarning)
        p = read_portfolio(root, currency="USD", **options)
    return p.deals.select(COLUMNS).collect()


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(deals=deal_rows(max_size=8))
def test_same_table_in_every_format_reads_the_same(deals):
    truth = corpus.expected_deals(deals)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        writers = {
            "plain": lambda r: corpus.folder(r, "deals.csv", corpus.deals_csv(deals)),
            "cr": lambda r: corpus.folder(r, "deals.csv", corpus.deals_csv(deals, line_end="\r")),
            "crlf_bom_footer": lambda r: corpus.folder(
                r,
                "deals.csv",
                corpus.deals_csv(deals, line_end="\r\n", bom=True, footer=True),
            ),
            "usd": lambda r: corpus.folder(r, "deals.csv", corpus.deals_csv(deals, money="usd")),
            "code": lambda r: corpus.folder(
                r, "deals.csv", corpus.deals_csv(deals, money="code", dates="us")
            ),
            "salesforce_dates": lambda r: corpus.folder(
                r, "deals.csv", corpus.deals_csv(deals, dates="salesforce")
            ),
            "xlsx": lambda r: (
                corpus.deals_xlsx(
                    corpus.folder(r, "deals.xlsx") / "deals.xlsx", deals, footer=True
                ).parent
            ),
            "xlsx_money_text": lambda r: (
                corpus.deals_xlsx(
                    corpus.folder(r, "deals.xlsx") / "deals.xlsx", deals, text_amounts="usd"
                ).parent
            ),
        }
        frames = {}
        for name, write in writers.items():
            frames[name] = _read(write(root / name))
        for frame in frames.values():
            assert_frame_equal(frame, truth, check_exact=True)


@settings(max_examples=12, deadline=None)
@given(deals=deal_rows(max_size=8))
def test_european_money_reads_the_same_with_or_without_the_decimal_option(deals):
    truth = corpus.expected_deals(deals, currency="EUR")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = corpus.deals_csv(deals, money="eur_plain", dates="dayfirst")
        folder = corpus.folder(root / "eu", "deals.csv", data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DroppedRowsWarning)
            told = read_portfolio(folder, currency="EUR", decimal=",", day_first=True)
        assert_frame_equal(told.deals.select(COLUMNS).collect(), truth, check_exact=True)
        symbols = corpus.deals_csv(deals, money="eur", dates="dayfirst")
        folder = corpus.folder(root / "eu_symbols", "deals.csv", symbols)
        p = read_portfolio(folder, decimal=",", day_first=True)
        assert_frame_equal(p.deals.select(COLUMNS).collect(), truth, check_exact=True)
