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
(:func:`partnerkit.load.checks.summarise`). Any problem raises one
:class:`~partnerkit.load.report.PortfolioError` listing them all. With ``quarantine=True``
the rows breaking row rules are set aside into ``Portfolio.quarantine`` instead (table
problems such as a missing column still raise). Nothing is dropped silently: blank rows
and report footers are listed in the load report and announced with a
:class:`DroppedRowsWarning`.

Open deals may carry a close date: CRMs keep the *expected* close date on open deals.
It is kept as it is; analyses only read ``closed_on`` for won and lost deals.

CSV files are parsed into memory and the portfolio keeps their parsed tables (so a CSV
source needs memory for its whole data). Parquet files and LazyFrames stay lazy: validation
streams them, counting the offending rows of every rule, and quotes offending rows in a
second, small query only for the rules broken. Once they are valid, their frames are
plain scans with only the work their data needs (see :mod:`partnerkit.load.delivery`):
a Parquet file already in canonical form is handed out as ``pl.scan_parquet(path)``
selecting the canonical columns. Use Parquet for data that does not fit comfortably in
memory. (Lazy sources read through a preset keep the preset's parsing plan.)

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

import dataclasses
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import polars as pl

from partnerkit.load import events
from partnerkit.load.checks import (
    ENGINE,
    ROW,
    Check,
    CheckedTable,
    Counts,
    Findings,
    collect_queries,
    count_checks,
    raw,
    summarise,
)
from partnerkit.load.conform import (
    REPLANNED,
    VOCABULARY_LIMIT,
    conform,
    conversion_probes,
    convert_amounts,
    currency_rule,
    rate_table,
    source_text,
    vocabulary,
)
from partnerkit.load.contract import (
    blank_currency_check,
    contract_checks,
    partner_reference,
)
from partnerkit.load.delivery import (
    assumable,
    assumption_probe,
    is_label,
    lean_frame,
    text_columns,
)
from partnerkit.load.files import Sheet, TableItem, find_files, read_table, sheet_survey
from partnerkit.load.mapping import (
    ColumnMap,
    Input,
    MappingFile,
    Shape,
    ValueMap,
    aggregate_lines,
    caught_labels,
    derive_partners,
    fill_defaults,
    filter_rows,
    maps_values,
    plan_columns,
    shaped_columns,
    split_targets,
)
from partnerkit.load.presets import (
    PRESETS,
    Preset,
    credit_partners,
    resolve_partner_names,
    resolve_presets,
)
from partnerkit.load.problems import HintStyle, Problem, did_you_mean, fix_hint, suggest
from partnerkit.load.report import LoadReport, PortfolioError, TableReport
from partnerkit.load.text import DECIMALS, key_of, normalise_name
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.schema import TABLE_ORDER, TABLES, empty_frame

__all__ = [
    "DroppedRowsWarning",
    "LoadWarning",
    "Loaded",
    "SourceError",
    "folder_inputs",
    "from_frames",
    "load",
    "read_portfolio",
]

Source = str | Path | Mapping[str, TableItem]
PresetArg = str | Preset | Sequence[str | Preset] | None

PARTNERS, DEALS, OVERLAPS = "partners", "deals", "overlaps"
PARTNER_ID = TABLES[PARTNERS].column("partner_id").name
CURRENCY = TABLES[DEALS].column("currency").name


class SourceError(ValueError):
    """The call itself is wrong: no such folder, an unknown preset, a bad source type."""


class DroppedRowsWarning(UserWarning):
    """Rows holding no data (blank rows, report footers) were dropped while loading."""


class LoadWarning(UserWarning):
    """A value read as the rules say but perhaps not as the source meant (see the report)."""


@dataclass(frozen=True)
class Loaded:
    """The result of :func:`load`: the portfolio (None when there are problems) and report."""

    portfolio: Portfolio | None
    report: LoadReport


def read_portfolio(
    source: Source,
    *,
    mapping: ColumnMap | MappingFile | None = None,
    values: ValueMap | None = None,
    preset: PresetArg = None,
    quarantine: bool = False,
    currency: str | None = None,
    validate: bool = True,
    hint_style: HintStyle = "python",
    shape: Shape | None = None,
    sheet: Sheet | Mapping[str, Sheet] | None = None,
    day_first: bool | None = None,
    decimal: str | None = None,
    rates: pl.DataFrame | str | Path | None = None,
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
        Per table, source column -> canonical column (``""`` or None ignores a column; a
        list sends one column to several fields), or a whole mapping file
        (:func:`~partnerkit.load.mapping.read_mapping_file`: its preset, currency, files,
        values and shape apply unless given here).
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
    validate
        False reads tables already in canonical form (Parquet files or LazyFrames, no
        preset or value map, every column in its canonical type) as they are, without
        checking a single row: only the tables and columns are checked. For data validated
        before (for example re-read after ``partnerkit validate`` passed), where the row
        checks would cost more than the analysis; a table that needs parsing is a problem
        with rule ``needs_validation``.
    hint_style
        ``"python"`` (fix hints name keyword arguments, ``mapping={...}``) or ``"cli"``
        (they name command-line flags and mapping-file lines).
    shape
        Mapping v2 (:class:`~partnerkit.load.mapping.Shape`): constants, defaults for
        empty cells, row filters, order lines added up into deals, partners derived from
        the deals, and the credit policy for deals with several partners.
    sheet
        The worksheet of Excel inputs (name or 0-based position; default the first), or
        a mapping of input name to worksheet.
    day_first
        Read slash dates as ``DD/MM/YYYY`` (True) or ``MM/DD/YYYY`` (False). Without it
        they are read month-first, and a column that also holds a date only valid
        day-first (``25/01/2024``) is refused (rule ``ambiguous_date``), never mixed.
    decimal
        The decimal separator of number text, ``"."`` or ``","``. Without it each column's
        unambiguous values decide, and a value such as ``1.234`` in a column that does
        not say is refused (rule ``ambiguous_number``).
    rates
        A currency rate table (frame or CSV/Excel path; columns ``currency``, ``date``,
        ``rate`` = value of one unit in ``currency``, which is then required): deals in
        other currencies are converted at the latest rate on or before their close date
        (created date for open deals); without a rate, rule ``no_rate``.

    Examples
    --------
    >>> import polars as pl
    >>> read_portfolio({"partners": pl.DataFrame({"partner_id": ["p1"], "name": ["A"]})})
    Traceback (most recent call last):
    ...
    partnerkit.load.report.PortfolioError: The portfolio has 1 problem (source: frames):
    1. deals [missing_table]: the deals table is required (deals.csv or deals.parquet)
    """
    loaded = load(
        source,
        mapping=mapping,
        values=values,
        preset=preset,
        quarantine=quarantine,
        currency=currency,
        validate=validate,
        hint_style=hint_style,
        shape=shape,
        sheet=sheet,
        day_first=day_first,
        decimal=decimal,
        rates=rates,
        lone_latest=False,
    )
    report = loaded.report
    if loaded.portfolio is None:
        raise PortfolioError(report.problems, report=report, source=report.source)
    if report.dropped:
        listed = "; ".join(f"{t} {n}: {why}" for t, n, why in report.dropped[:6])
        more = f" (and {len(report.dropped) - 6} more)" if len(report.dropped) > 6 else ""
        warnings.warn(
            DroppedRowsWarning(
                f"dropped {_rows(len(report.dropped))} holding no data: {listed}{more}"
            ),
            stacklevel=2,
        )
    for said in report.warnings:
        warnings.warn(LoadWarning(said), stacklevel=2)
    return loaded.portfolio


def from_frames(
    *,
    partners: pl.DataFrame | pl.LazyFrame,
    deals: pl.DataFrame | pl.LazyFrame,
    activities: pl.DataFrame | pl.LazyFrame | None = None,
    investments: pl.DataFrame | pl.LazyFrame | None = None,
    overlaps: pl.DataFrame | pl.LazyFrame | None = None,
    quarantine: bool = False,
) -> Portfolio:
    """Validate in-memory frames, one per canonical table, and return a portfolio.

    Requires: the columns :func:`read_portfolio` requires. Columns may arrive as strings
    (dates as ISO text, amounts as numbers or text); they are parsed and checked exactly
    as file input is. A shorthand for ``read_portfolio({"partners": ..., ...})``.

    Examples
    --------
    >>> import polars as pl
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["p1"], "name": ["Acme"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1"], "partner_id": ["p1"],
    ...         "created_on": ["2025-01-05"], "closed_on": ["03/01/2025"],
    ...         "outcome": ["Won"], "amount": ["1,200.00"]}),
    ... )
    >>> p.deals.select("closed_on", "outcome", "amount").collect().row(0)
    (datetime.date(2025, 3, 1), 'won', 1200.0)
    >>> p.has("activities")
    False
    """
    frames = {
        PARTNERS: partners,
        DEALS: deals,
        "activities": activities,
        "investments": investments,
        "overlaps": overlaps,
    }
    supplied = {name: frame for name, frame in frames.items() if frame is not None}
    return read_portfolio(supplied, quarantine=quarantine)


def _rates(rates: pl.DataFrame | str | Path | None, *, currency: str | None) -> pl.DataFrame | None:
    """Read and check the currency rate table; a wrong one is a :class:`SourceError`.

    The table is read with its own separators, never with the ``decimal`` option of the
    deals; its problems quote the lines of its file.
    """
    if rates is None:
        return None
    if currency is None:
        raise SourceError("a rate table needs the portfolio currency (currency='...')")
    frame, origin = rates, "rates"
    if not isinstance(frame, pl.DataFrame):
        read, trouble = read_table("rates", frame)
        if read is None:
            raise SourceError("; ".join(p.message for p in trouble))
        frame, origin = read.frame.collect(), read.origin
    table, wrong = rate_table(frame, origin=origin)
    if wrong:
        said = "\n".join(f"  {w}" for w in wrong)
        raise SourceError(f"the rate table {origin} cannot be used:\n{said}")
    return table


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
    source: Source, names: Mapping[str, tuple[str, ...]], *, style: HintStyle = "python"
) -> tuple[dict[str, TableItem], list[Problem], list[str], str]:
    if isinstance(source, str | Path):
        folder = Path(source)
        if not folder.is_dir():
            raise SourceError(f"{folder} is not a folder (give a folder or a mapping of tables)")
        found, trouble, notes = find_files(folder, names, style=style)
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
            hint = did_you_mean(normalise_name(key), names)
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


def _missing_columns(inp: Input, *, style: HintStyle = "python") -> list[Problem]:
    spec = TABLES[inp.name]
    problems = []
    for column in spec.required_names:
        if column in inp.present:
            continue
        candidates = [c for c in inp.plan.ignored if c]
        near = suggest(column, {normalise_name(c): c for c in candidates})
        source = {normalise_name(c): c for c in candidates}.get(near or "")
        if source is not None:
            fix = fix_hint("map_column", style=style, table=inp.name, source=source, target=column)
            hint = f"; {source!r} looks like it: rename it or {fix}"
        elif candidates:
            hint = f"; the source has {', '.join(repr(c) for c in candidates[:12])}"
        else:
            hint = ""
        if source is None and (inp.name, column) == (OVERLAPS, PARTNER_ID):
            fix = fix_hint(
                "constant", style=style, table=OVERLAPS, column=column, value="PARTNER ID OR NAME"
            )
            hint += (
                "; an account-mapping export of one partner's overlaps has no partner "
                f"column: name the partner of every row, {fix}"
            )
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
    if problems and inp.source.workbook is not None:
        first = problems[0]
        problems[0] = dataclasses.replace(first, message=first.message + _sheet_hint(inp, style))
    return problems


def _sheet_hint(inp: Input, style: HintStyle) -> str:
    """Name the sheets of the workbook a table lacking columns was read from, and how to pick.

    '' for a workbook of one sheet. The sheet suggested is the other sheet whose header
    names the most of the column names the table is known by.
    """
    source = inp.source
    if source.workbook is None:
        return ""
    survey = sheet_survey(source.workbook, source.labels)
    if len(survey) < 2:
        return ""
    read = source.sheet if source.sheet is not None else 0
    current = read if isinstance(read, str) else survey[read][0] if read < len(survey) else None
    which = "its first sheet" if source.sheet is None else "the sheet"
    listed = ", ".join(repr(name) for name, _ in survey)
    others = sorted(
        ((named, -i, name) for i, (name, named) in enumerate(survey) if name != current),
        reverse=True,
    )
    named, _, best = others[0]
    where = f"; the header of {best!r} names {named} known {inp.name} columns" if named else ""
    fix = fix_hint("sheet", style=style, table=inp.name, sheet=best if named else "SHEET")
    return (
        f"; {source.workbook.name} was read from {which}, {current!r}, of the sheets "
        f"{listed}{where}: to read {'it' if named else 'another'}, {fix}"
    )


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
    mapping: ColumnMap | MappingFile | None = None,
    values: ValueMap | None = None,
    preset: PresetArg = None,
    quarantine: bool = False,
    currency: str | None = None,
    validate: bool = True,
    hint_style: HintStyle = "python",
    shape: Shape | None = None,
    sheet: Sheet | Mapping[str, Sheet] | None = None,
    day_first: bool | None = None,
    decimal: str | None = None,
    rates: pl.DataFrame | str | Path | None = None,
    lone_latest: bool = True,
) -> Loaded:
    """Read and validate like :func:`read_portfolio`, returning the report instead of raising.

    Requires: the same inputs as :func:`read_portfolio`. Raises :class:`SourceError` only
    for a wrong call (no such folder, unknown preset); data problems are in
    ``report.problems`` and then ``portfolio`` is None. With ``lone_latest`` (the default),
    a latest event far after every other one, which would set the default as_of, is
    quoted in a note by line and id (one more pass over the date columns; the analysis
    notes it too, so :func:`read_portfolio` leaves it out).

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
    columns: ColumnMap | None
    if isinstance(mapping, MappingFile):
        spec, columns = mapping, mapping.columns
        values = spec.values if values is None else values
        preset = spec.preset or None if preset is None else preset
        currency = spec.currency if currency is None else currency
        shape = spec.shape if shape is None else shape
        sheet = spec.sheet if sheet is None else sheet
        day_first = spec.day_first if day_first is None else day_first
        decimal = spec.decimal if decimal is None else decimal
        if spec.files and isinstance(source, str | Path):
            source = folder_inputs(source, preset=preset, files=spec.files)
    else:
        columns = mapping
    try:
        presets = resolve_presets(preset)
    except KeyError as exc:
        raise SourceError(exc.args[0]) from None
    currency = currency.strip().upper() if currency else None
    if decimal not in (None, *DECIMALS):
        raise SourceError(f"decimal must be '.' or ',', not {decimal!r}")
    table_of_rates = _rates(rates, currency=currency)
    names = _input_names(presets)
    items, problems, source_notes, described = _inputs_of(source, names, style=hint_style)
    problems += _unknown_mapping_tables(names, mapping=columns, values=values)
    inputs, plain, found = _mapped_inputs(
        items,
        presets,
        columns,
        style=hint_style,
        shape=shape,
        sheet=sheet,
        day_first=day_first,
        decimal=decimal,
    )
    if day_first is not None or decimal is not None or table_of_rates is not None:
        plain = set()  # the options apply to the parsing plan: no lean re-read of sources
    problems += found
    missing = _missing_tables(inputs, failed={p.table for p in problems})
    hint = _preset_hint(source, style=hint_style) if missing and not presets else ""
    problems += [dataclasses.replace(p, message=p.message + hint) for p in missing]

    maps = [*(p.values for p in presets), values]
    inputs = {n: caught_labels(inp, maps, style=hint_style) for n, inp in inputs.items()}
    how = _How(
        plain=frozenset(plain),
        maps=maps,
        currency=currency,
        quarantine=quarantine,
        style=hint_style,
        day_first=day_first,
        decimal=decimal,
        rates=table_of_rates,
    )
    if not validate:
        return _unvalidated(inputs, how, problems, described, tuple(source_notes))
    checked, checking, found = _checked_tables(inputs, how)
    problems += found
    findings = summarise(checked, quarantine=quarantine, counts=checking.counts)
    problems += _empty_tables(inputs, findings.heights)
    problems += _left_out_partners(findings.problems, inputs.get(PARTNERS))
    set_aside = findings.set_aside
    lone = _lone_latest(inputs, checking.tables, set_aside, style=hint_style) if lone_latest else {}
    if table_of_rates is not None and currency is not None:
        probes = findings.probes.get(DEALS, {})
        kept = _kept_conversions(probes, checking.tables.get(DEALS), set_aside, currency=currency)
        said = _converted(kept, currency=currency, rates=rates, aside=_count(probes) - _count(kept))
        lone.setdefault(DEALS, []).extend(said)
        source_notes = _rates_not_ignored(source_notes, source=source, rates=rates)
    report = LoadReport(
        described,
        _table_reports(inputs, findings, also=lone, unread=_unread(problems)),
        tuple(problems),
        set_aside if quarantine else None,
        tuple(source_notes),
        _advice(problems, quarantine=quarantine, style=hint_style),
    )
    if problems:
        return Loaded(None, report)

    tables = _handed_out(inputs, checking.tables, findings, how)
    aside = set_aside if quarantine and set_aside.height else None
    return Loaded(_portfolio(tables, inputs, source=described, quarantine=aside), report)


def _rates_name(rates: pl.DataFrame | str | Path | None, /) -> str:
    return Path(rates).name if isinstance(rates, str | Path) else "the rate table"


def _count(probes: Mapping[str, Any], /) -> int:
    """Return the number of deals converted, as :func:`conversion_probes` counted them."""
    return int(probes.get("__converted") or 0)


def _kept_conversions(
    probes: Mapping[str, Any],
    staged: _Staged | None,
    set_aside: pl.DataFrame,
    /,
    *,
    currency: str,
) -> Mapping[str, Any]:
    """Return the conversion probes over the deals kept: without the rows set aside.

    ``probes`` were counted over every deal read; when deals were set aside (quarantine),
    they are counted again over the others, so that the report names only currencies the
    portfolio holds deals from.
    """
    aside = set_aside.filter(pl.col("table") == DEALS).select(pl.col("row_number").alias(ROW))
    if staged is None or not aside.height or not _count(probes):
        return probes
    frame = staged.frame
    kept = frame.join(aside.lazy().cast({ROW: frame.collect_schema()[ROW]}), on=ROW, how="anti")
    return kept.select(conversion_probes(currency)).collect(engine=ENGINE).row(0, named=True)


def _converted(
    probes: Mapping[str, Any],
    /,
    *,
    currency: str,
    rates: pl.DataFrame | str | Path | None,
    aside: int = 0,
) -> list[str]:
    """Say how many deals were converted into ``currency``, from which, at whose rates.

    ``probes`` count the deals kept; ``aside`` more converted deals were set aside.

    >>> print(*_converted({"__converted": 2, "__converted_from": "EUR, GBP"}, currency="USD",
    ...     rates="fx/rates.csv"))  # doctest: +NORMALIZE_WHITESPACE
    converted 2 deals (EUR, GBP) to USD at the rates of rates.csv: each at the latest rate
    on or before its close date (its created date when open)
    >>> _converted({"__converted": 0, "__converted_from": ""}, currency="USD", rates=None)
    ['no deal needed converting: every amount is in USD already']
    >>> _converted({"__converted": 0, "__converted_from": ""}, currency="USD", rates=None,
    ...     aside=1)
    ['no deal kept needed converting: the 1 deal converted to USD was set aside']
    """
    n = _count(probes)
    if not n and aside:
        deals, were = ("deal", "was") if aside == 1 else ("deals", "were")
        said = f"the {aside:,} {deals} converted to {currency} {were} set aside"
        return [f"no deal kept needed converting: {said}"]
    if not n:
        return [f"no deal needed converting: every amount is in {currency} already"]
    deals = "deal" if n == 1 else "deals"
    said = (
        f"converted {n:,} {deals} ({probes.get('__converted_from')}) to {currency} at the "
        f"rates of {_rates_name(rates)}: each at the latest rate on or before its close "
        "date (its created date when open)"
    )
    if aside:
        said += f"; {aside:,} more converted, then set aside"
    return [said]


def _rates_not_ignored(
    notes: Sequence[str], /, *, source: Source, rates: pl.DataFrame | str | Path | None
) -> list[str]:
    """Drop the "ignored file" note of a rate table kept in the source folder: it is read."""
    if not isinstance(rates, str | Path) or not isinstance(source, str | Path):
        return list(notes)
    kept_in = Path(rates).resolve().parent == Path(source).resolve()
    return [n for n in notes if not (kept_in and n == f"ignored file {Path(rates).name}")]


def _rows(n: int, /) -> str:
    """``"1 row"``, ``"2 rows"``."""
    return f"{n} row{'' if n == 1 else 's'}"


def _advice(problems: Sequence[Problem], *, quarantine: bool, style: HintStyle) -> str:
    """How to go on from ``problems`` that break row rules: fix the rows or set them aside.

    Empty when no problem is of a single row, or when quarantine already sets them aside
    (what remains then is of whole tables).

    >>> p = Problem("deals", "amount", "negative", 1, [(7, "-5")])
    >>> _advice([p], quarantine=False, style="cli").endswith("(pass --quarantine; the rows set "
    ...     "aside are listed).")
    True
    >>> _advice([p], quarantine=True, style="cli")
    ''
    """
    if quarantine or not any(p.scope == "row" for p in problems):
        return ""
    return (
        "To go on: correct the rows quoted above in the source, or set every row that "
        f"breaks a row rule aside and analyse the rest ({fix_hint('quarantine', style=style)}"
        "; the rows set aside are listed)."
    )


def _portfolio(
    tables: Mapping[str, pl.LazyFrame],
    inputs: Mapping[str, Input],
    *,
    source: str,
    quarantine: pl.DataFrame | None = None,
) -> Portfolio:
    """Assemble the portfolio from its handed-out frames (absent tables are empty)."""
    supplied = {
        n: tuple(c for c in TABLES[n].names if c in inputs[n].present) if n in inputs else ()
        for n in TABLE_ORDER
    }
    return Portfolio(
        partners=tables[PARTNERS],
        deals=tables[DEALS],
        activities=tables.get("activities", empty_frame("activities")),
        investments=tables.get("investments", empty_frame("investments")),
        overlaps=tables.get("overlaps", empty_frame("overlaps")),
        supplied=MappingProxyType(supplied),
        quarantine=quarantine,
        source=source,
    )


UNVALIDATED = "rows not validated (validate=False): only tables, columns and types checked"
"""The load-report note of a portfolio read with ``validate=False``."""


def _type_fits(canonical: pl.DataType, source: pl.DataType, /) -> bool:
    """Whether a source column can be read as it is into its canonical type."""
    if canonical == pl.String:
        return source in (pl.String, pl.Categorical, pl.Null) or isinstance(source, pl.Enum)
    if canonical == pl.Date:
        return source in (pl.Date, pl.Null) or isinstance(source, pl.Datetime)
    return source.is_numeric() or source == pl.Null


def _needs_validation(inp: Input, how: _How) -> list[Problem]:
    """Why ``inp`` cannot be read as it is (rule ``needs_validation``); empty when it can."""

    def problem(column: str | None, why: str) -> Problem:
        message = f"{why}; read it with validation (validate=True)"
        return Problem(inp.name, column, "needs_validation", 0, message=message, origin=inp.origin)

    if inp.name not in how.plain:
        why = (
            f"{inp.origin} is parsed in memory (CSV files and DataFrames always are)"
            if inp.source.eager
            else f"{inp.origin} is read through a preset"
        )
        return [problem(None, why)]
    mapped = [c for c in inp.present if maps_values(inp.name, c, how.maps)]
    if mapped:
        return [problem(c, f"{c} has a value map") for c in mapped]
    base = inp.source.base
    assert base is not None  # plain inputs are lazy
    schema = base.collect_schema()
    spec = TABLES[inp.name]
    found = []
    for column in inp.present:
        dtype = schema[inp.plan.source_of(column)]
        want = spec.column(column).dtype
        if not _type_fits(want, dtype):
            found.append(problem(column, f"{column} is {dtype}, not {want}"))
    return found


def _unvalidated(
    inputs: Mapping[str, Input],
    how: _How,
    problems: list[Problem],
    described: str,
    notes: tuple[str, ...],
) -> Loaded:
    """Load with ``validate=False``: tables, columns and types are checked, rows are not."""
    for name in TABLE_ORDER:
        inp = inputs.get(name)
        if inp is not None:
            problems += [*inp.problems, *_missing_columns(inp), *_needs_validation(inp, how)]
    reports = []
    for name in TABLE_ORDER:
        inp = inputs.get(name)
        if inp is None:
            reports.append(
                TableReport(name, "not supplied", "row", None, None, (), TABLES[name].names)
            )
            continue
        present = tuple(c for c in TABLES[name].names if c in inp.present)
        missing = tuple(c for c in TABLES[name].names if c not in inp.present)
        rows = inp.source.rows
        reports.append(
            TableReport(
                name, inp.origin, inp.row_kind, rows, rows, present, missing,
                inp.plan.renamed, inp.plan.ignored, notes=(*inp.source.notes, *inp.plan.notes),
            )
        )  # fmt: skip
    report = LoadReport(described, tuple(reports), tuple(problems), None, (*notes, UNVALIDATED))
    if problems:
        return Loaded(None, report)
    tables = {}
    for name in TABLE_ORDER:
        inp = inputs.get(name)
        if inp is not None:
            base = inp.source.base
            assert base is not None  # checked by _needs_validation
            tables[name] = lean_frame(
                base, table=name, renamed=inp.plan.renamed, currency=how.currency
            )
    portfolio = _portfolio(tables, inputs, source=f"{described} (not validated)")
    return Loaded(portfolio, report)


@dataclass(frozen=True)
class _Staged:
    """A canonical table after parsing: the frame checked, less the reference check.

    ``frame`` is held in memory for in-memory sources; ``lean`` says the table is a lazy
    source read as it is; ``vocabularies`` holds the vocabulary of each text column read
    through one (empty for a column read as it is); ``verified`` maps each column read as
    it is to the check whose count verifies that (None: its own probe).
    """

    frame: pl.LazyFrame
    lean: bool
    vocabularies: Mapping[str, pl.DataFrame]
    verified: Mapping[str, int | None]


def _handed_out(
    inputs: Mapping[str, Input],
    staged: Mapping[str, _Staged],
    findings: Findings,
    how: _How,
) -> dict[str, pl.LazyFrame]:
    """Return the portfolio's frames: in memory, lean scans, or the parsing plan."""
    dropped: dict[str, pl.DataFrame | None] = dict.fromkeys(staged)
    for name in staged if how.quarantine else ():
        rows = findings.set_aside.filter(pl.col("table") == name)
        if rows.height:
            dropped[name] = rows.select(pl.col("row_number").alias(ROW)).unique()
    tables: dict[str, pl.LazyFrame] = {}
    for name, st in staged.items():
        inp = inputs[name]
        parsed = [c for c in text_columns(name, present=inp.present) if c not in st.vocabularies]
        # A label too varied for a vocabulary and not canonical keeps the parsing plan, as
        # does a table holding values only the plan reads (see Conformed.replanned).
        replanned = bool(findings.probes.get(name, {}).get(REPLANNED))
        if st.lean and not replanned and not any(is_label(name, c, maps=how.maps) for c in parsed):
            base = inp.source.base
            assert base is not None  # only lazy sources are lean
            tables[name] = lean_frame(
                base,
                table=name,
                renamed=inp.plan.renamed,
                clean=parsed,
                labels=st.vocabularies,
                currency=how.currency,
                drop_rows=dropped[name],
            )
            continue
        frame, drop = st.frame, dropped[name]
        if drop is not None:
            frame = frame.join(drop.lazy(), on=ROW, how="anti", maintain_order="left")
        tables[name] = frame.select(TABLES[name].names)
    eager = [n for n in tables if inputs[n].source.eager]
    collected = pl.collect_all([tables[n] for n in eager]) if eager else []
    tables.update({n: df.lazy() for n, df in zip(eager, collected, strict=True)})
    return tables


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
                hint = did_you_mean(key, names)
                message = f"{kind} names table {key!r}, which is not a table{hint}"
                problems.append(Problem(key, None, "unknown_table", 0, message=message))
    return problems


def _mapped_inputs(
    items: Mapping[str, TableItem],
    presets: Sequence[Preset],
    mapping: ColumnMap | None,
    *,
    style: HintStyle = "python",
    shape: Shape | None = None,
    sheet: Sheet | Mapping[str, Sheet] | None = None,
    day_first: bool | None = None,
    decimal: str | None = None,
) -> tuple[dict[str, Input], set[str], list[Problem]]:
    """Read every input, map its columns, run the presets' prepare steps and the shape.

    Also returns the lazy inputs that are the source as it is, only renamed (no prepare
    step or shape touched them): their frames can be rebuilt from the source once valid.
    """
    shape = shape or Shape()
    problems: list[Problem] = []
    inputs: dict[str, Input] = {}
    for name, item in items.items():
        user, extra = split_targets((mapping or {}).get(name))
        known: dict[str, tuple[str, ...]] = {}
        for p in presets:
            for target, aliases in p.columns.get(name, {}).items():
                known[target] = (*known.get(target, ()), *aliases)
        labels = {*user, *known, *(a for aliases in known.values() for a in aliases)}
        if name in TABLES:
            labels.update(TABLES[name].names)
        table, found = read_table(
            name,
            item,
            sheet=sheet.get(name) if isinstance(sheet, Mapping) else sheet,
            labels=labels,
        )
        problems += found
        if table is None:
            continue
        filter_notes: tuple[str, ...] = ()
        if name in shape.filters:
            kept, filter_notes, filter_problems = filter_rows(
                table.frame,
                table=name,
                filters=shape.filters[name],
                columns=table.columns,
                row_kind=table.row_kind,
                origin=table.origin,
            )
            problems += filter_problems
            table = dataclasses.replace(table, frame=kept)
        if name == "deals" and shape.derive_partners:
            known.setdefault("partner_name", ())  # the derived partners' names
        plan = plan_columns(
            name,
            table.columns,
            user=user,
            known=known,
            origin=table.origin,
            style=style,
            repeats=dict(table.repeats),
        )
        problems += plan.problems
        frame = table.frame.select(pl.col(ROW), *[pl.col(s).alias(t) for s, t in plan.renamed])
        frame, present, shape_notes = shaped_columns(
            frame,
            table=name,
            present=plan.targets,
            extra=extra,
            constants=shape.constants.get(name, {}),
        )
        notes = (*filter_notes, *shape_notes)
        inputs[name] = Input(name, frame, present, table, plan, notes=notes)
    mapped = {name: inp.frame for name, inp in inputs.items()}
    for p in presets:
        if p.prepare is not None:
            inputs = p.prepare(inputs)
    inputs = credit_partners(inputs, shape.credit)
    if presets:
        inputs = resolve_partner_names(inputs)
    for name in list(inputs):  # lines add up first; defaults fill what stays empty
        if name in shape.aggregate:
            inputs[name] = aggregate_lines(
                inputs[name],
                shape.aggregate[name],
                day_first=day_first,
                decimal=decimal,
                style=style,
            )
        if name in shape.defaults:
            inputs[name] = fill_defaults(inputs[name], shape.defaults[name])
    if shape.derive_partners:
        inputs = derive_partners(inputs)
    plain = {
        name
        for name, inp in inputs.items()
        if inp.frame is mapped.get(name)
        and inp.source.base is not None
        and name in TABLES
        and not shape.touches(name)
    }
    return inputs, plain, problems


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


def _preset_hint(source: object, /, *, style: HintStyle) -> str:
    """Name the presets whose export files a folder read without one holds, or ''.

    A folder of CRM exports read without ``preset`` finds no canonical table; when the
    files are named as a preset expects (``Opportunity.csv``, ``hubspot-crm-exports-...``),
    the missing-table problem says which preset reads them.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "hubspot-crm-exports-all-deals-2026-01-02.csv").write_text("x")
    ...     _preset_hint(d, style="cli")
    '; the folder holds files named as hubspot exports: pass --preset hubspot'
    """
    if not isinstance(source, str | Path) or not Path(source).is_dir():
        return ""
    found = [
        name
        for name, preset in sorted(PRESETS.items())
        if any(
            n not in TABLE_ORDER or path.stem.lower() != n
            for n, path in find_files(Path(source), _input_names([preset]))[0].items()
        )
    ]
    if not found:
        return ""
    named = " and ".join(found)
    fix = fix_hint("preset", style=style, names=",".join(found))
    return f"; the folder holds files named as {named} exports: {fix}"


@dataclass(frozen=True)
class _How:
    """How the loader was asked to check: plain lazy inputs, value maps, currency, ..."""

    plain: frozenset[str]
    maps: Sequence[ValueMap | None]
    currency: str | None
    quarantine: bool
    style: HintStyle = "python"
    day_first: bool | None = None
    decimal: str | None = None
    rates: pl.DataFrame | None = None


@dataclass(frozen=True)
class _Checking:
    """The checked tables with their first-pass counts, and the staged canonical tables."""

    counts: list[Counts]
    tables: dict[str, _Staged]


_AS_IT_IS = pl.DataFrame(schema={"source": pl.String, "raw": pl.String, "canonical": pl.String})
"""The empty vocabulary: the column is read as it is (an assumption its probe verifies)."""


def _vocabularies(
    inputs: Mapping[str, Input],
    how: _How,
    *,
    only: Mapping[str, Collection[str]] | None = None,
) -> dict[str, dict[str, pl.DataFrame]]:
    """Per table, the vocabulary of each text column read through one.

    Text columns of lazy inputs that are :func:`~partnerkit.load.delivery.assumable`
    are read as they are (:data:`_AS_IT_IS`); other labels get their vocabulary from one pass
    over those columns, unless they hold more than
    :data:`~partnerkit.load.conform.VOCABULARY_LIMIT` distinct values (then they are
    parsed row by row, like free text of in-memory inputs). ``only`` restricts the pass to
    the columns it names, and assumes nothing.
    """
    vocabularies: dict[str, dict[str, pl.DataFrame]] = {n: {} for n in inputs}
    wanted: list[tuple[str, str, pl.LazyFrame]] = []
    for name in TABLE_ORDER:
        inp = inputs.get(name)
        if inp is None:
            continue
        schema = inp.frame.collect_schema()
        for column in text_columns(name, present=inp.present):
            if only is not None and column not in only.get(name, ()):
                continue
            if only is None and not inp.source.eager and assumable(name, column, maps=how.maps):
                vocabularies[name][column] = _AS_IT_IS
            elif is_label(name, column, maps=how.maps):
                query = inp.frame.select(source_text(pl.col(column), schema[column])).unique()
                wanted.append((name, column, query.head(VOCABULARY_LIMIT + 1)))
    found = collect_queries([q for *_, q in wanted])
    for (name, column, _), distinct in zip(wanted, found, strict=True):
        if distinct.height <= VOCABULARY_LIMIT:
            vocabularies[name][column] = vocabulary(
                distinct.to_series(),
                table=name,
                column=column,
                values_maps=how.maps,
                currency=how.currency,
            )
    return vocabularies


def _checked_tables(
    inputs: Mapping[str, Input], how: _How
) -> tuple[list[CheckedTable], _Checking, list[Problem]]:
    """Conform each canonical table, gather its checks (and the helper inputs'), count them.

    Text columns are read through their vocabularies (see :func:`_vocabularies`). The
    partners are checked and counted first: their ids are collected for the other
    tables' reference checks, a membership test. Then the other tables are counted
    together.
    """
    problems: list[Problem] = []
    checked: list[CheckedTable] = []
    counts: list[Counts] = []
    staged: dict[str, _Staged] = {}
    vocabularies = _vocabularies(inputs, how)
    partner_ids: pl.Series | None = None
    for name in TABLE_ORDER:
        inp = inputs.get(name)
        if inp is None:
            continue
        problems += [*inp.problems, *_missing_columns(inp, style=how.style)]
        table, staged[name], found = _checked_table(inp, vocabularies[name], partner_ids, how)
        problems += found
        checked.append(table)
        if name == PARTNERS:
            counts += _settled(
                checked,
                inputs,
                how,
                vocabularies=vocabularies,
                staged=staged,
                partner_ids=partner_ids,
            )
            table = checked[0]
            if PARTNER_ID in inp.present:
                # With quarantine, rows pointing at a partner that is set aside go too.
                kept = table.frame
                if how.quarantine:
                    kept = kept.filter(~_row_failing(table.checks))
                partner_ids = kept.select(pl.col(PARTNER_ID).drop_nulls().unique()).collect(
                    engine=ENGINE
                )[PARTNER_ID]
    for name, inp in inputs.items():
        if name not in TABLES:
            problems += inp.problems
            checked.append(
                CheckedTable(name, inp.frame, (*inp.checks, *inp.notices), inp.row_kind, inp.origin)
            )
    rest = checked[len(counts) :]
    counts += _settled(
        rest, inputs, how, vocabularies=vocabularies, staged=staged, partner_ids=partner_ids
    )
    checked[len(checked) - len(rest) :] = rest
    return checked, _Checking(counts, staged), problems


def _settled(
    checked: list[CheckedTable],
    inputs: Mapping[str, Input],
    how: _How,
    *,
    vocabularies: dict[str, dict[str, pl.DataFrame]],
    staged: dict[str, _Staged],
    partner_ids: pl.Series | None,
) -> list[Counts]:
    """Count the ``checked`` tables; check again those read on a wrong assumption.

    When the counts find that a column read as it is needs parsing after all (a name to
    trim, an allowed value spelt otherwise), its table is checked and counted again with
    the column parsed (through a vocabulary when it is a label). ``checked``,
    ``vocabularies`` and ``staged`` are updated in place.
    """
    counts = count_checks(checked)
    wrong: dict[str, tuple[str, ...]] = {}
    for table, counted in zip(checked, counts, strict=True):
        verified = staged[table.name].verified if table.name in staged else {}
        columns = tuple(
            c
            for c, i in verified.items()
            if (counted.probes[c] if i is None else counted.failing[i])
        )
        if columns:
            wrong[table.name] = columns
    if not wrong:
        return counts
    found = _vocabularies(inputs, how, only=wrong)
    again = [k for k, t in enumerate(checked) if t.name in wrong]
    for k in again:
        name = checked[k].name
        for column in wrong[name]:  # parsed row by row unless it now has a vocabulary
            del vocabularies[name][column]
        vocabularies[name].update(found[name])
        checked[k], staged[name], _ = _checked_table(
            inputs[name], vocabularies[name], partner_ids, how
        )
    for k, recounted in zip(again, count_checks([checked[k] for k in again]), strict=True):
        counts[k] = recounted
    return counts


def _checked_table(
    inp: Input,
    vocabularies: Mapping[str, pl.DataFrame],
    partner_ids: pl.Series | None,
    how: _How,
) -> tuple[CheckedTable, _Staged, list[Problem]]:
    """Conform one canonical table and gather its checks, with a probe per assumption."""
    name = inp.name
    out = conform(
        inp.frame,
        table=name,
        present=inp.present,
        values=how.maps,
        currency=how.currency,
        origin=inp.origin,
        vocabularies=vocabularies,
        day_first=how.day_first,
        decimal=how.decimal,
        style=how.style,
    )
    converted = out.frame
    more: list[Check] = []
    if name == DEALS and how.rates is not None and how.currency is not None:
        converted, rule = convert_amounts(out.frame, rates=how.rates, currency=how.currency)
        more.append(rule)
    # In-memory sources are parsed once here; lazy ones (Parquet, LazyFrames) stay lazy.
    frame = converted.collect().lazy() if inp.source.eager and not out.problems else converted
    checks = [
        *more,
        *out.checks,
        *contract_checks(name, present=inp.present, row_kind=inp.row_kind, style=how.style),
        *inp.checks,
    ]
    if name != PARTNERS and PARTNER_ID in inp.present and partner_ids is not None:
        frame, reference = partner_reference(frame, partner_ids)
        checks.append(reference)
    if name == DEALS and CURRENCY in inp.present:
        checks.append(currency_rule(how.currency, style=how.style))
        if how.currency is not None:
            checks.append(blank_currency_check(how.currency))
    checks += inp.notices
    verified = _verified_by(name, vocabularies, checks)
    probes = tuple(assumption_probe(name, c) for c, i in verified.items() if i is None)
    if more and how.currency is not None:  # amounts converted at the rate table
        probes += conversion_probes(how.currency)
    if name in how.plain and out.replanned is not None:  # a lean reading would differ
        probes += (out.replanned,)
    checked = CheckedTable(
        name, frame, tuple(checks), inp.row_kind, inp.origin, probes, _record_id(inp)
    )
    staged = _Staged(frame, name in how.plain, vocabularies, verified)
    return checked, staged, list(out.problems)


_RECORD_OF = {"overlaps": "account_id", "activities": "partner_id", "investments": "partner_id"}
"""The column naming the record a row is about, for tables without an id of their own: an
overlap row is about one account (as the account-mapping export's ``Record`` says), an
activity or an investment about one partner."""


def _record_id(inp: Input) -> pl.Expr | None:
    """Return the record id of each row: the table's id column, as the source wrote it.

    A table without an id column quotes the record its rows are about (:data:`_RECORD_OF`).
    """
    ids = [c.name for c in TABLES[inp.name].columns if c.unique]
    column = ids[0] if ids else _RECORD_OF.get(inp.name)
    return pl.col(raw(column)) if column is not None and column in inp.present else None


def _verified_by(
    table: str, vocabularies: Mapping[str, pl.DataFrame], checks: Sequence[Check]
) -> dict[str, int | None]:
    """Map each column read as it is to the check whose count verifies it, or None.

    A label with an allowed set is canonical when its ``not_allowed`` count is zero; a
    partner reference when its ``unknown_partner`` count is (every value then equals a
    partner's id, which has no space to trim and is no null word). Other columns need a
    probe of their own (None).
    """
    verified: dict[str, int | None] = {}
    for column, vocab in vocabularies.items():
        if vocab is not _AS_IT_IS:
            continue
        rule = "not_allowed" if TABLES[table].column(column).allowed else "unknown_partner"
        verified[column] = next(
            (i for i, c in enumerate(checks) if c.column == column and c.rule == rule), None
        )
    return verified


def _left_out_partners(problems: Sequence[Problem], partners: Input | None) -> list[Problem]:
    """Say, of an unknown partner, that it is an account the partners export left out.

    An Account / Companies export holding customers keeps only the partner accounts
    (:func:`~partnerkit.load.presets.partner_accounts`); a deal naming one of the others as
    its partner breaks ``unknown_partner``, and the message then names that account, its
    line and why it was left out.

    >>> import polars as pl
    >>> loaded = load({"partners": pl.DataFrame({"Id": ["001P", "001C"],
    ...         "Name": ["Partner Co", "Customer Co"], "Type": ["Reseller", "Customer"]}),
    ...     "deals": pl.DataFrame({"Id": ["006A"], "Partner__c": ["001C"],
    ...         "StageName": ["Closed Won"], "Amount": ["10"], "CreatedDate": ["2025-01-02"],
    ...         "CloseDate": ["2025-02-01"]})}, preset="salesforce")
    >>> print(loaded.report.problems[0].message)  # doctest: +NORMALIZE_WHITESPACE
    partner_id is not in the partners table (add the partner there, or correct the id);
    '001C' is the account 'Customer Co' (row 1 of DataFrame), left out of the partners as
    a customer (Type 'Customer')
    """
    left = partners.left_out if partners is not None else ()
    if not left or partners is None:
        return list(problems)
    by_key: dict[str, tuple[str | None, str | None, int, str]] = {}
    for entry in left:
        ident, name, _, _ = entry
        for key in (ident, name and key_of(name)):
            if key:
                by_key.setdefault(key, entry)
    out = []
    for problem in problems:
        said = []
        if problem.rule == "unknown_partner":
            for value in dict.fromkeys(v for _, v in problem.rows if v):
                found = by_key.get(value) or by_key.get(key_of(value))
                if found is not None:
                    _, name, row, why = found
                    what = f"the account {name!r}" if name else "an account"
                    said.append(
                        f"{value!r} is {what} ({partners.row_kind} {row} of "
                        f"{partners.origin}), left out of the partners as a customer ({why})"
                    )
        if said:
            told = f"{problem.message}; {'; '.join(said)}"
            problem = dataclasses.replace(problem, message=told)  # noqa: PLW2901
        out.append(problem)
    return out


def _empty_tables(inputs: Mapping[str, Input], heights: Mapping[str, int]) -> list[Problem]:
    """List the tables supplied without a row, whatever their source (CSV says so as read).

    An empty deals table in a DataFrame or a Parquet file is refused as a header-only CSV
    file is: an analysis of it would call every partner dormant, from an export gone wrong.
    """
    return [
        Problem(name, None, "no_rows", 0, message=f"{inp.origin} has no rows", origin=inp.origin)
        for name, inp in inputs.items()
        if heights.get(name) == 0
    ]


def _lone_latest(
    inputs: Mapping[str, Input],
    staged: Mapping[str, _Staged],
    set_aside: pl.DataFrame,
    *,
    style: HintStyle,
) -> dict[str, list[str]]:
    """Note the row whose date, far after every other event, would set the default as_of.

    Rows set aside do not count. Returns ``{table: [note]}`` (empty when no event stands
    alone; see :func:`partnerkit.load.events.lone_latest`).
    """
    frames = {}
    for name in ("deals", "activities"):
        if name not in staged:
            continue
        frame = staged[name].frame
        aside = set_aside.filter(pl.col("table") == name).select(pl.col("row_number").alias(ROW))
        if aside.height:
            frame = frame.join(
                aside.lazy().cast({ROW: frame.collect_schema()[ROW]}), on=ROW, how="anti"
            )
        frames[name] = frame
    ids = {name: _record_id(inputs[name]) for name in frames}
    record = {n: e.meta.output_name() for n, e in ids.items() if e is not None}
    lone = events.lone_latest(frames, days=Policy().active_days, row=ROW, record=record)
    if lone is None:
        return {}
    kind = inputs[lone.table].row_kind
    where = ", ".join(f"{kind} {n}" + (f" (id {i})" if i else "") for n, i in lone.rows)
    more = f" and {lone.count - len(lone.rows):,} more" if lone.count > len(lone.rows) else ""
    note = (
        f"{lone.column}: {where}{more}: {lone.on} is the latest event in the data, "
        f"{lone.gap:,} days after every other one (the latest on {lone.before}); being the "
        "latest, it sets the default as_of and leaves the rest of the data out of the recent "
        f"window. Check the date, or {fix_hint('as_of', style=style, day=str(lone.before))}"
    )
    return {lone.table: [note]}


_UNREAD_RULES = frozenset({"empty_file", "no_rows", "delimiter", "unreadable", "ambiguous_file"})
"""Rules that leave a supplied file unread: its table is said to be there, and empty."""


def _unread(problems: Sequence[Problem], /) -> dict[str, str]:
    """Map each table whose file was found but not read to that file."""
    return {p.table: p.origin for p in problems if p.rule in _UNREAD_RULES and p.origin}


def _table_reports(
    inputs: Mapping[str, Input],
    findings: Findings,
    *,
    also: Mapping[str, list[str]],
    unread: Mapping[str, str] | None = None,
) -> tuple[TableReport, ...]:
    notices: dict[str, list[str]] = {n: list(notes) for n, notes in also.items()}
    for notice in findings.notices:
        notices.setdefault(notice.table, []).append(_describe_notice(notice))
    reports = []
    for name in [*TABLE_ORDER, *[n for n in inputs if n not in TABLES]]:
        inp = inputs.get(name)
        canonical = TABLES[name].names if name in TABLES else ()
        if inp is None:
            origin = (unread or {}).get(name)
            said = "not supplied" if origin is None else f"{origin}, not read: see the problems"
            reports.append(TableReport(name, said, "row", None, None, (), canonical))
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
                inp.warnings,
            )
        )
    return tuple(reports)
