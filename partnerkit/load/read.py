"""Read a portfolio from files or frames into a validated :class:`~partnerkit.Portfolio`.

``source`` is a folder holding one file per table (``partners.csv`` or
``partners.parquet``, ``deals.csv``, and optionally ``activities``, ``investments``,
``overlaps``), or a mapping from table name to a path or a polars DataFrame/LazyFrame.
Presets add the inputs and file names of a CRM's exports (see
:mod:`partnerkit.load.presets`); column and value mappings rename the rest (see
:mod:`partnerkit.load.mapping`).

The steps: read each input (:mod:`~partnerkit.load.files`), map its columns, run the
presets' prepare steps, map values, parse every column to its canonical dtype
(:mod:`~partnerkit.load.conform`), then check the whole contract in one lazy pass
(:func:`partnerkit.validate.summarise`). Any problem raises one
:class:`~partnerkit.validate.PortfolioError` listing them all. With ``quarantine=True``
the rows breaking row rules are set aside into ``Portfolio.quarantine`` instead (table
problems such as a missing column still raise). Nothing is dropped silently: blank rows
and report footers are listed in the load report and announced with a
:class:`DroppedRowsWarning`.

Open deals may carry a close date: CRMs keep the *expected* close date on open deals.
It is kept as it is; analyses only read ``closed_on`` for won and lost deals.

CSV files are read into memory and the portfolio keeps their parsed tables; Parquet files
and LazyFrames stay lazy (validation aggregates them without materialising them), so use
Parquet for data that does not fit comfortably in memory.

Examples
--------
>>> import polars as pl
>>> p = read_portfolio({
...     "partners": pl.DataFrame({"partner_id": ["p1"], "name": ["Acme"]}),
...     "deals": pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["p1", None],
...         "created_on": ["2025-01-05", "01/20/25"], "closed_on": ["2025-03-01", None],
...         "outcome": ["Won", "open"], "amount": [1200, 300]}),
... })
>>> p.deals.select("deal_id", "created_on", "outcome", "amount").collect().rows()
... # doctest: +NORMALIZE_WHITESPACE
[('d1', datetime.date(2025, 1, 5), 'won', 1200.0),
 ('d2', datetime.date(2025, 1, 20), 'open', 300.0)]
>>> p.supplied["partners"]
('partner_id', 'name')
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import polars as pl

from partnerkit.load.conform import conform
from partnerkit.load.files import TableItem, find_files, read_table
from partnerkit.load.mapping import ColumnMap, Input, ValueMap, plan_columns
from partnerkit.load.presets import Preset, resolve_partner_names, resolve_presets
from partnerkit.load.text import normalise_name
from partnerkit.portfolio import Portfolio
from partnerkit.schema import TABLE_ORDER, TABLES, empty_frame
from partnerkit.validate import (
    ROW,
    Check,
    CheckedTable,
    Findings,
    LoadReport,
    PortfolioError,
    Problem,
    TableReport,
    contract_checks,
    currency_check,
    partner_reference,
    suggest,
    summarise,
)

__all__ = [
    "DroppedRowsWarning",
    "Loaded",
    "SourceError",
    "folder_inputs",
    "load",
    "read_portfolio",
]

Source = str | Path | Mapping[str, TableItem]
PresetArg = str | Preset | Sequence[str | Preset] | None

PARTNERS, DEALS = "partners", "deals"
PARTNER_ID = TABLES[PARTNERS].column("partner_id").name
CURRENCY = TABLES[DEALS].column("currency").name


class SourceError(ValueError):
    """The call itself is wrong: no such folder, an unknown preset, a bad source type."""


class DroppedRowsWarning(UserWarning):
    """Rows holding no data (blank rows, report footers) were dropped while loading."""


@dataclass(frozen=True)
class Loaded:
    """The result of :func:`load`: the portfolio (None when there are problems) and report."""

    portfolio: Portfolio | None
    report: LoadReport


def read_portfolio(
    source: Source,
    *,
    mapping: ColumnMap | None = None,
    values: ValueMap | None = None,
    preset: PresetArg = None,
    quarantine: bool = False,
    currency: str | None = None,
) -> Portfolio:
    """Read and validate a portfolio; raise :class:`PortfolioError` listing every problem.

    Requires: ``partners`` (``partner_id``, ``name``) and ``deals`` (``deal_id``,
    ``partner_id``, ``created_on``, ``closed_on``, ``outcome``, ``amount``), after any
    mapping; ``activities``, ``investments``, ``overlaps`` are optional.

    Parameters
    ----------
    source
        A folder of table files, or a mapping of table (or preset input) name to a file
        path or a polars frame.
    mapping
        Per table, source column -> canonical column (``""`` or None ignores a column).
    values
        Per table and column, source value -> canonical value; ``"*"`` maps any other.
    preset
        A preset name (``"salesforce"``, ``"hubspot"``, ``"crossbeam"``), several (a list
        or ``"salesforce,crossbeam"``), or a :class:`~partnerkit.load.presets.Preset`.
    quarantine
        Set rows that break row rules aside into ``Portfolio.quarantine`` instead of
        failing.
    currency
        The portfolio's currency: deals without one take it, deals in another one break
        the rule ``other_currency``.

    Examples
    --------
    >>> import polars as pl
    >>> read_portfolio({"partners": pl.DataFrame({"partner_id": ["p1"], "name": ["A"]})})
    Traceback (most recent call last):
    ...
    partnerkit.validate.PortfolioError: The portfolio has 1 problem (source: frames):
    1. deals [missing_table]: the deals table is required (deals.csv or deals.parquet)
    """
    loaded = load(
        source,
        mapping=mapping,
        values=values,
        preset=preset,
        quarantine=quarantine,
        currency=currency,
    )
    report = loaded.report
    if loaded.portfolio is None:
        raise PortfolioError(report.problems, report=report, source=report.source)
    if report.dropped:
        listed = "; ".join(f"{t} {n}: {why}" for t, n, why in report.dropped[:6])
        more = f" (and {len(report.dropped) - 6} more)" if len(report.dropped) > 6 else ""
        warnings.warn(
            DroppedRowsWarning(
                f"dropped {len(report.dropped)} rows holding no data: {listed}{more}"
            ),
            stacklevel=2,
        )
    return loaded.portfolio


def _input_names(presets: Sequence[Preset]) -> dict[str, tuple[str, ...]]:
    """Input name -> file-name patterns: the canonical tables plus the presets' inputs."""
    names: dict[str, tuple[str, ...]] = dict.fromkeys(TABLE_ORDER, ())
    for p in presets:
        for n in (*p.inputs, *p.files):
            names[n] = (*names.get(n, ()), *p.files.get(n, ()))
    return names


def folder_inputs(
    folder: str | Path,
    /,
    *,
    preset: PresetArg = None,
    files: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Return the file of each input found in ``folder``, with ``files`` overriding.

    Requires: a folder. ``files`` maps an input name to a file name inside the folder
    (the ``[files]`` table of a mapping file); the others are found as
    :func:`read_portfolio` finds them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for f in ("partners.csv", "Opps 2024.csv"):
    ...         _ = pathlib.Path(d, f).write_text("x")
    ...     found = folder_inputs(d, files={"deals": "Opps 2024.csv"})
    >>> {k: v.name for k, v in found.items()}
    {'partners': 'partners.csv', 'deals': 'Opps 2024.csv'}
    """
    root = Path(folder)
    if not root.is_dir():
        raise SourceError(f"{root} is not a folder")
    try:
        names = _input_names(resolve_presets(preset))
    except KeyError as exc:
        raise SourceError(exc.args[0]) from None
    found, _, _ = find_files(root, names)
    chosen = {k: v for k, v in found.items() if v.name not in (files or {}).values()}
    for name, file in (files or {}).items():
        chosen[name] = root / file
    return chosen


def _inputs_of(
    source: Source, names: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, TableItem], list[Problem], list[str], str]:
    if isinstance(source, str | Path):
        folder = Path(source)
        if not folder.is_dir():
            raise SourceError(f"{folder} is not a folder (give a folder or a mapping of tables)")
        found, trouble, notes = find_files(folder, names)
        return dict(found), trouble, notes, str(folder)
    if not isinstance(source, Mapping):
        raise SourceError(
            f"source must be a folder or a mapping of table name to path or frame, "
            f"not {type(source).__name__}"
        )
    items: dict[str, TableItem] = {}
    problems: list[Problem] = []
    for key, item in source.items():
        if not isinstance(item, str | Path | pl.DataFrame | pl.LazyFrame):
            raise SourceError(
                f"{key}: expected a path or a polars DataFrame/LazyFrame, not {type(item).__name__}"
            )
        if key not in names:
            near = suggest(normalise_name(key), names)
            hint = f"; did you mean {near!r}?" if near else ""
            problems.append(
                Problem(
                    key,
                    None,
                    "unknown_table",
                    0,
                    message=f"{key!r} is not a table{hint} (tables: {', '.join(names)})",
                )
            )
            continue
        items[key] = item
    frames = all(isinstance(i, pl.DataFrame | pl.LazyFrame) for i in source.values())
    described = "frames" if frames else ", ".join(f"{k}={_name(i)}" for k, i in source.items())
    return items, problems, [], described


def _name(item: TableItem) -> str:
    return type(item).__name__ if isinstance(item, pl.DataFrame | pl.LazyFrame) else str(item)


def _missing_columns(inp: Input) -> list[Problem]:
    spec = TABLES[inp.name]
    problems = []
    for column in spec.required_names:
        if column in inp.present:
            continue
        candidates = [c for c in inp.plan.ignored if c]
        near = suggest(column, {normalise_name(c): c for c in candidates})
        source = {normalise_name(c): c for c in candidates}.get(near or "")
        if source is not None:
            hint = (
                f"; {source!r} looks like it: rename it or pass "
                f"mapping={{{inp.name!r}: {{{source!r}: {column!r}}}}}"
            )
        elif candidates:
            hint = f"; the source has {', '.join(repr(c) for c in candidates[:12])}"
        else:
            hint = ""
        problems.append(
            Problem(
                inp.name,
                column,
                "missing_column",
                0,
                message=f"required column {column!r} is missing{hint}",
                origin=inp.origin,
            )
        )
    return problems


def _describe_notice(p: Problem) -> str:
    numbers = ", ".join(str(n) for n, _ in p.rows)
    more = ", ..." if p.count > len(p.rows) else ""
    rows = f"{p.count} row{'s' if p.count != 1 else ''}"
    return f"{p.column}: {rows}: {p.message} ({p.row_kind} {numbers}{more})"


def _row_failing(checks: Sequence[Check]) -> pl.Expr:
    row = [c.failing.fill_null(value=False) for c in checks if c.scope == "row"]
    return pl.any_horizontal(row) if row else pl.lit(value=False)


def load(
    source: Source,
    *,
    mapping: ColumnMap | None = None,
    values: ValueMap | None = None,
    preset: PresetArg = None,
    quarantine: bool = False,
    currency: str | None = None,
) -> Loaded:
    """Read and validate like :func:`read_portfolio`, returning the report instead of raising.

    Requires: the same inputs as :func:`read_portfolio`. Raises :class:`SourceError` only
    for a wrong call (no such folder, unknown preset); data problems are in
    ``report.problems`` and then ``portfolio`` is None.

    Examples
    --------
    >>> import polars as pl
    >>> loaded = load({"partners": pl.DataFrame({"partner_id": ["p1", "p1"], "name": ["A", "B"]}),
    ...                "deals": pl.DataFrame({"deal_id": ["d1"], "partner_id": ["p1"],
    ...                    "created_on": ["2025-01-05"], "closed_on": [None],
    ...                    "outcome": ["open"], "amount": [10.0]})})
    >>> loaded.portfolio is None, [(p.table, p.rule, p.rows) for p in loaded.report.problems]
    (True, [('partners', 'duplicate', [(1, 'p1 (first on row 0)')])])
    """
    try:
        presets = resolve_presets(preset)
    except KeyError as exc:
        raise SourceError(exc.args[0]) from None
    currency = currency.strip().upper() if currency else None
    names = _input_names(presets)
    items, problems, source_notes, described = _inputs_of(source, names)
    problems += _unknown_mapping_tables(names, mapping=mapping, values=values)
    inputs, found = _mapped_inputs(items, presets, mapping)
    problems += found
    problems += _missing_tables(inputs, failed={p.table for p in problems})

    maps = [*(p.values for p in presets), values]
    checked, frames, found = _checked_tables(
        inputs, maps=maps, currency=currency, quarantine=quarantine
    )
    problems += found
    eager = [n for n in frames if inputs[n].source.eager]
    shaped = {n: frames[n].select(TABLES[n].names) for n in frames}
    findings = summarise(
        checked, quarantine=quarantine, also=[] if quarantine else [shaped[n] for n in eager]
    )
    problems += _empty_parquet(inputs, findings.heights)
    problems += findings.problems
    set_aside = findings.set_aside
    collected = findings.extra
    if quarantine:
        for name, frame in frames.items():
            rows = (
                set_aside.filter(pl.col("table") == name)
                .select(pl.col("row_number").alias(ROW))
                .unique()
            )
            shaped[name] = frame.join(
                rows.lazy(), on=ROW, how="anti", maintain_order="left"
            ).select(TABLES[name].names)
        collected = pl.collect_all([shaped[n] for n in eager]) if eager and not problems else []
    report = LoadReport(
        described,
        _table_reports(inputs, findings),
        tuple(problems),
        set_aside if quarantine else None,
        tuple(source_notes),
    )
    if problems:
        return Loaded(None, report)

    materialised = dict(zip(eager, collected, strict=True))
    tables = {n: materialised[n].lazy() if n in materialised else shaped[n] for n in frames}
    supplied = {
        n: tuple(c for c in TABLES[n].names if c in inputs[n].present) if n in inputs else ()
        for n in TABLE_ORDER
    }
    portfolio = Portfolio(
        partners=tables[PARTNERS],
        deals=tables[DEALS],
        activities=tables.get("activities", empty_frame("activities")),
        investments=tables.get("investments", empty_frame("investments")),
        overlaps=tables.get("overlaps", empty_frame("overlaps")),
        supplied=MappingProxyType(supplied),
        quarantine=set_aside if quarantine and set_aside.height else None,
        source=described,
    )
    return Loaded(portfolio, report)


def _unknown_mapping_tables(
    names: Mapping[str, tuple[str, ...]],
    *,
    mapping: ColumnMap | None,
    values: ValueMap | None,
) -> list[Problem]:
    problems = []
    for kind, given in (("mapping", mapping), ("values", values)):
        for key in given or {}:
            if key not in names:
                near = suggest(key, names)
                hint = f"; did you mean {near!r}?" if near else ""
                message = f"{kind} names table {key!r}, which is not a table{hint}"
                problems.append(Problem(key, None, "unknown_table", 0, message=message))
    return problems


def _mapped_inputs(
    items: Mapping[str, TableItem], presets: Sequence[Preset], mapping: ColumnMap | None
) -> tuple[dict[str, Input], list[Problem]]:
    """Read every input, map its columns, run the presets' prepare steps."""
    problems: list[Problem] = []
    inputs: dict[str, Input] = {}
    for name, item in items.items():
        table, found = read_table(name, item)
        problems += found
        if table is None:
            continue
        known: dict[str, tuple[str, ...]] = {}
        for p in presets:
            for target, aliases in p.columns.get(name, {}).items():
                known[target] = (*known.get(target, ()), *aliases)
        plan = plan_columns(
            name, table.columns, user=(mapping or {}).get(name), known=known, origin=table.origin
        )
        problems += plan.problems
        frame = table.frame.select(pl.col(ROW), *[pl.col(s).alias(t) for s, t in plan.renamed])
        inputs[name] = Input(name, frame, plan.targets, table, plan)
    for p in presets:
        if p.prepare is not None:
            inputs = p.prepare(inputs)
    if presets:
        inputs = resolve_partner_names(inputs)
    return inputs, problems


def _missing_tables(inputs: Mapping[str, Input], *, failed: set[str]) -> list[Problem]:
    return [
        Problem(
            spec.name,
            None,
            "missing_table",
            0,
            message=f"the {spec.name} table is required ({spec.name}.csv or {spec.name}.parquet)",
        )
        for spec in TABLES.values()
        if spec.required and spec.name not in inputs and spec.name not in failed
    ]


def _checked_tables(
    inputs: Mapping[str, Input],
    *,
    maps: Sequence[ValueMap | None],
    currency: str | None,
    quarantine: bool,
) -> tuple[list[CheckedTable], dict[str, pl.LazyFrame], list[Problem]]:
    """Conform each canonical table and gather its checks (and the helper inputs' checks)."""
    problems: list[Problem] = []
    checked: list[CheckedTable] = []
    frames: dict[str, pl.LazyFrame] = {}
    partner_ids: pl.LazyFrame | None = None
    for name in TABLE_ORDER:
        inp = inputs.get(name)
        if inp is None:
            continue
        problems += [*inp.problems, *_missing_columns(inp)]
        out = conform(
            inp.frame,
            table=name,
            present=inp.present,
            values=maps,
            currency=currency,
            origin=inp.origin,
        )
        problems += out.problems
        # In-memory sources are parsed once here; lazy ones (Parquet, LazyFrames) stay lazy.
        frame = out.frame.collect().lazy() if inp.source.eager and not out.problems else out.frame
        checks = [
            *out.checks,
            *contract_checks(name, present=inp.present, row_kind=inp.row_kind),
            *inp.checks,
        ]
        if name == PARTNERS and PARTNER_ID in inp.present:
            # With quarantine, rows pointing at a partner that is set aside go too.
            kept = frame.filter(~_row_failing(checks)) if quarantine else frame
            partner_ids = kept.select(PARTNER_ID)
        elif PARTNER_ID in inp.present and partner_ids is not None:
            frame, reference = partner_reference(frame, partner_ids)
            checks.append(reference)
        if name == DEALS and CURRENCY in inp.present:
            checks.append(currency_check(currency))
        frames[name] = frame
        checked.append(CheckedTable(name, frame, (*checks, *inp.notices), inp.row_kind, inp.origin))
    for name, inp in inputs.items():
        if name not in TABLES:
            problems += inp.problems
            checked.append(
                CheckedTable(name, inp.frame, (*inp.checks, *inp.notices), inp.row_kind, inp.origin)
            )
    return checked, frames, problems


def _empty_parquet(inputs: Mapping[str, Input], heights: Mapping[str, int]) -> list[Problem]:
    return [
        Problem(name, None, "no_rows", 0, message=f"{inp.origin} has no rows", origin=inp.origin)
        for name, inp in inputs.items()
        if heights.get(name) == 0
        and not inp.source.eager
        and inp.source.origin.endswith((".parquet", ".pq"))
    ]


def _table_reports(inputs: Mapping[str, Input], findings: Findings) -> tuple[TableReport, ...]:
    notices: dict[str, list[str]] = {}
    for notice in findings.notices:
        notices.setdefault(notice.table, []).append(_describe_notice(notice))
    reports = []
    for name in [*TABLE_ORDER, *[n for n in inputs if n not in TABLES]]:
        inp = inputs.get(name)
        canonical = TABLES[name].names if name in TABLES else ()
        if inp is None:
            reports.append(TableReport(name, "not supplied", "row", None, None, (), canonical))
            continue
        aside = findings.set_aside.filter(pl.col("table") == name)["row_number"].n_unique()
        rows_read = findings.heights.get(name)
        reports.append(
            TableReport(
                name,
                inp.origin,
                inp.row_kind,
                rows_read,
                None if rows_read is None else rows_read - aside,
                tuple(c for c in canonical if c in inp.present) if canonical else inp.present,
                tuple(c for c in canonical if c not in inp.present),
                inp.plan.renamed,
                inp.plan.ignored,
                inp.source.dropped,
                (*inp.source.notes, *inp.plan.notes, *inp.notes, *notices.get(name, [])),
            )
        )
    return tuple(reports)
