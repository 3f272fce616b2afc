"""Generate a whole sample portfolio, in memory or streamed to CSV / Parquet files.

Rows are generated per chunk of :data:`CHUNK` partners with numpy (one independent random
stream per table and chunk, all derived from the seed), so the output depends only on the
arguments, and files of tens of millions of rows are streamed to disk one chunk at a time.

Examples
--------
>>> sample = generate(seed=3, partners=40, deals_per_partner=10, activities_per_partner=10)
>>> sample.partners.height, sample.truth.height
(40, 40)
>>> sample.deals.equals(generate(seed=3, partners=40, deals_per_partner=10,
...                              activities_per_partner=10).deals)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import polars as pl
from polars.io.plugins import register_io_source

from partnerkit.load.read import from_frames
from partnerkit.samples.activities import activity_chunk, activity_scale
from partnerkit.samples.deals import deal_chunk, deal_scale
from partnerkit.samples.investments import investment_chunk
from partnerkit.samples.overlaps import overlap_chunk
from partnerkit.samples.partners import PartnerPlan, plan_partners
from partnerkit.samples.patterns import MIN_PARTNERS
from partnerkit.samples.timeline import DEFAULT_END, DEFAULT_YEARS, Timeline
from partnerkit.schema import TABLE_ORDER, schema_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from partnerkit.portfolio import Portfolio

__all__ = [
    "CHUNK",
    "DEFAULT_END",
    "SamplePortfolio",
    "SampleSpec",
    "WrittenTable",
    "generate",
    "write_sample",
]

CHUNK = 4096
"""Partners generated together; fixed, because the random streams are drawn per chunk."""
TRUTH = "truth"
"""Name of the planted-truth table (``truth.csv`` beside the data)."""
TRUTH_SCHEMA = pl.Schema({"partner_id": pl.String(), "pattern": pl.String(), "notes": pl.String()})
FLOAT_DIGITS = 2
"""Decimals written for floats in CSV (amounts are cents, hours quarter hours)."""
Format = Literal["csv", "parquet"]


@dataclass(frozen=True)
class SampleSpec:
    """The arguments that fully determine a generated sample.

    ``deals_per_partner`` and ``activities_per_partner`` are portfolio averages; deals include
    the direct ones (no partner). Patterns show reliably from about 20 deals per partner up.
    """

    seed: int = 7
    partners: int = 150
    years: int = DEFAULT_YEARS
    end: date = DEFAULT_END
    deals_per_partner: float = 40.0
    activities_per_partner: float = 60.0

    def check(self) -> None:
        """Raise ``ValueError`` when an argument is out of range."""
        if self.partners < MIN_PARTNERS:
            raise ValueError(f"partners must be at least {MIN_PARTNERS}, got {self.partners}")
        if self.years < 2:
            raise ValueError(f"years must be at least 2, got {self.years}")
        if self.deals_per_partner <= 0 or self.activities_per_partner <= 0:
            raise ValueError("deals_per_partner and activities_per_partner must be positive")


@dataclass(frozen=True)
class SamplePortfolio:
    """A generated portfolio: the five canonical tables and the planted truth.

    Every table holds exactly the canonical columns and dtypes of :mod:`partnerkit.schema`;
    ``truth`` has one row per partner: ``partner_id``, ``pattern``, ``notes``.
    """

    partners: pl.DataFrame
    deals: pl.DataFrame
    activities: pl.DataFrame
    investments: pl.DataFrame
    overlaps: pl.DataFrame
    truth: pl.DataFrame
    spec: SampleSpec

    def tables(self) -> dict[str, pl.DataFrame]:
        """Return the five canonical tables by name, in canonical order."""
        return {name: getattr(self, name) for name in TABLE_ORDER}

    def portfolio(self) -> Portfolio:
        """Return the sample as a validated :class:`~partnerkit.portfolio.Portfolio`."""
        return from_frames(
            partners=self.partners,
            deals=self.deals,
            activities=self.activities,
            investments=self.investments,
            overlaps=self.overlaps,
        )


@dataclass(frozen=True)
class WrittenTable:
    """A table written by :func:`write_sample`."""

    path: Path
    rows: int


def _chunks(plan: PartnerPlan, spec: SampleSpec, table: str) -> Iterator[pl.DataFrame]:
    """Yield the rows of ``table`` chunk by chunk, in file order."""
    starts = range(0, plan.size, CHUNK)
    if table == "partners":
        yield plan.frame
    elif table == TRUTH:
        yield plan.truth
    elif table == "deals":
        scale = deal_scale(plan, spec.deals_per_partner)
        offset = 0
        for start in starts:
            frame = deal_chunk(
                plan,
                start,
                min(start + CHUNK, plan.size),
                scale=scale,
                per_partner=spec.deals_per_partner,
                offset=offset,
            )
            offset += frame.height
            yield frame
    elif table == "activities":
        scale = activity_scale(plan, spec.activities_per_partner)
        for start in starts:
            yield activity_chunk(plan, start, min(start + CHUNK, plan.size), scale=scale)
    elif table == "investments":
        for start in starts:
            yield investment_chunk(plan, start, min(start + CHUNK, plan.size))
    elif table == "overlaps":
        for start in starts:
            yield overlap_chunk(plan, start, min(start + CHUNK, plan.size))
    else:
        raise KeyError(f"unknown sample table {table!r}")


def _plan(spec: SampleSpec) -> PartnerPlan:
    spec.check()
    return plan_partners(
        seed=spec.seed, partners=spec.partners, timeline=Timeline(spec.end, spec.years)
    )


def generate(
    *,
    seed: int = 7,
    partners: int = 150,
    years: int = DEFAULT_YEARS,
    end: date = DEFAULT_END,
    deals_per_partner: float = 40.0,
    activities_per_partner: float = 60.0,
) -> SamplePortfolio:
    """Generate a sample portfolio in memory, with planted patterns and their truth.

    The same arguments always give the same frames. Data runs from ``years`` years before
    ``end`` up to ``end``, which is also the latest event date. See
    :mod:`partnerkit.samples.patterns` for what is planted.

    Examples
    --------
    >>> s = generate(partners=40, deals_per_partner=20)
    >>> s.deals["created_on"].max() <= s.spec.end, s.truth["pattern"].n_unique()
    (True, 14)
    """
    spec = SampleSpec(seed, partners, years, end, deals_per_partner, activities_per_partner)
    plan = _plan(spec)
    frames = {
        name: pl.concat(list(_chunks(plan, spec, name)), how="vertical")
        for name in (*TABLE_ORDER, TRUTH)
    }
    return SamplePortfolio(**frames, spec=spec)


def _streamed(make: Callable[[], Iterator[pl.DataFrame]], schema: pl.Schema) -> pl.LazyFrame:
    """Return a LazyFrame whose rows come from ``make()`` one chunk at a time."""

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        _batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        left = n_rows
        for chunk in make():
            frame = chunk if with_columns is None else chunk.select(with_columns)
            if predicate is not None:
                frame = frame.filter(predicate)
            if left is not None:
                frame = frame.head(left)
                left -= frame.height
            yield frame
            if left is not None and left <= 0:
                return

    return register_io_source(source, schema=schema)


def write_sample(
    out_dir: str | Path,
    *,
    seed: int = 7,
    partners: int = 150,
    years: int = DEFAULT_YEARS,
    end: date = DEFAULT_END,
    format: Format = "csv",
    deals_per_partner: float = 40.0,
    activities_per_partner: float = 60.0,
) -> dict[str, WrittenTable]:
    """Write a sample portfolio to ``out_dir`` as ``<table>.csv`` or ``.parquet`` plus truth.

    Tables are streamed chunk by chunk, so large samples need little memory. CSV is written
    by polars with ISO dates and two decimals; rows are sorted by each table's key. The same
    arguments give byte-identical files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = write_sample(tmp, partners=40, deals_per_partner=5)
    ...     sorted(written), written["partners"].rows
    (['activities', 'deals', 'investments', 'overlaps', 'partners', 'truth'], 40)
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, got {format!r}")
    spec = SampleSpec(seed, partners, years, end, deals_per_partner, activities_per_partner)
    plan = _plan(spec)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in (*TABLE_ORDER, TRUTH):
        rows = [0]

        def make(name: str = name, rows: list[int] = rows) -> Iterator[pl.DataFrame]:
            for chunk in _chunks(plan, spec, name):
                rows[0] += chunk.height
                yield chunk

        schema = TRUTH_SCHEMA if name == TRUTH else schema_of(name)
        lazy = _streamed(make, schema)
        path = out / f"{name}.{format}"
        if format == "csv":
            lazy.sink_csv(path, float_precision=FLOAT_DIGITS)
        else:
            lazy.sink_parquet(path)
        written[name] = WrittenTable(path, rows[0])
    return written
