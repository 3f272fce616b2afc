"""Reading the portfolio a command names, with the shared source options.

:func:`source_call` turns the options of :func:`partnerkit.cli.options.source_options`
into the arguments of :func:`partnerkit.load.read.read_portfolio` /
:func:`~partnerkit.load.read.load`, with fix hints worded for the command line.
:func:`read_source` reads the portfolio for ``analyze``, ``report`` and ``facts``: it writes
to stderr, as plain lines, the rows dropped as holding no data and the rows quarantine set
aside (line and record id of each).

Examples
--------
>>> from partnerkit.cli.options import Args
>>> args = Args(source="data", preset=("hubspot",), mapping=None, currency="eur",
...             credit=None, sheet=None, day_first=None, decimal=None, rates=None,
...             quarantine=False)
>>> source, options = source_call(args)
>>> source, options["preset"], options["currency"], options["quarantine"]
('data', ['hubspot'], 'eur', False)
"""

from __future__ import annotations

import dataclasses
import sys
import tomllib
from collections.abc import Sequence
from typing import Any

from partnerkit import formatting as fmt
from partnerkit.cli.options import Args
from partnerkit.load import LoadReport, PortfolioError, Problem, set_aside_lines
from partnerkit.load.mapping import MappingFile, Shape, read_mapping_file
from partnerkit.load.read import SourceError, folder_inputs, load
from partnerkit.portfolio import Portfolio

__all__ = ["parsed_anyway", "read_source", "set_aside_report", "source_call"]


def source_call(args: Args, /) -> tuple[Any, dict[str, Any]]:
    """Return the source and the keyword arguments of the loader for ``args``.

    Requires: ``args.source`` and the options of ``source_options``. Raises
    :class:`~partnerkit.load.read.SourceError` for an unreadable mapping file or folder.
    """
    spec = MappingFile()
    if getattr(args, "mapping", None) is not None:
        try:
            spec = read_mapping_file(args.mapping)
        except tomllib.TOMLDecodeError as exc:  # says where, not which file
            raise SourceError(f"cannot read mapping file {args.mapping}: {exc}") from None
        except (OSError, ValueError) as exc:  # these name the file already
            raise SourceError(f"cannot read mapping file: {exc}") from None
    presets = [*spec.preset, *(getattr(args, "preset", None) or [])]
    source = (
        folder_inputs(args.source, preset=presets, files=spec.files) if spec.files else args.source
    )
    options = {
        "mapping": spec.columns,
        "values": spec.values,
        "preset": presets or None,
        "currency": getattr(args, "currency", None) or spec.currency,
        "shape": _shape(spec.shape, getattr(args, "credit", None)),
        "quarantine": bool(getattr(args, "quarantine", False)),
        "sheet": _either(_sheet(getattr(args, "sheet", None)), spec.sheet),
        "day_first": _either(getattr(args, "day_first", None), spec.day_first),
        "decimal": _either(getattr(args, "decimal", None), spec.decimal),
        "rates": getattr(args, "rates", None),
        "hint_style": "cli",
    }
    return source, options


def _either(given: object, fallback: object) -> object:
    """Return the command-line value when given, else the mapping file's."""
    return fallback if given is None else given


def _sheet(text: str | None) -> str | int | None:
    return int(text) if text is not None and text.isdigit() else text


def _shape(shape: Shape | None, credit: str | None) -> Shape | None:
    if credit is None:
        return shape
    return dataclasses.replace(shape or Shape(), credit=credit)


def set_aside_report(report: LoadReport, /) -> list[str]:
    r"""Return plain lines on the rows left out (dropped, set aside) and the load warnings.

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load.read import load
    >>> loaded = load({"partners": pl.DataFrame({"partner_id": ["a"], "name": ["A"]}),
    ...     "deals": pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "zz"],
    ...         "created_on": ["2025-01-05"] * 2, "closed_on": [None] * 2,
    ...         "outcome": ["open"] * 2, "amount": [1.0, 2.0]})}, quarantine=True)
    >>> print("\n".join(set_aside_report(loaded.report)))
    Set aside (quarantine): 1 row (1 rule break)
      deals row 1 (id d2): partner_id [unknown_partner] 'zz'
    """
    lines = []
    for t in report.tables:
        if t.dropped:
            listed = "; ".join(f"{t.row_kind} {n}: {why}" for n, why in t.dropped[:6])
            more = f" (and {len(t.dropped) - 6} more)" if len(t.dropped) > 6 else ""
            lines.append(
                f"warning: {t.table}: dropped {len(t.dropped)} "
                f"row{'' if len(t.dropped) == 1 else 's'} holding no data: {listed}{more}"
            )
    lines += [f"warning: {w}" for w in report.warnings]
    aside = report.quarantined
    if aside is not None and aside.height:
        kinds = {t.table: t.row_kind for t in report.tables}
        lines += set_aside_lines(aside, row_kinds=kinds)
    return lines


def parsed_anyway(problems: Sequence[Problem], /) -> str | None:
    """Say why a read without validation (``--no-validate``) reads with every check instead.

    ``--no-validate`` reads canonical Parquet tables as they are; a CSV file, a table read
    through a preset or a value map, or a Parquet column not of its canonical type must be
    parsed, and parsing checks every row (the loader's rule ``needs_validation``). Returns
    the warning naming those inputs, or ``None`` when ``problems`` has none of them.

    Examples
    --------
    >>> from partnerkit.load import Problem
    >>> print(parsed_anyway([
    ...     Problem("partners", None, "needs_validation", 0, origin="partners.csv"),
    ...     Problem("deals", "amount", "needs_validation", 0, origin="deals.parquet"),
    ...     Problem("deals", "outcome", "needs_validation", 0, origin="deals.parquet")]))
    --no-validate reads canonical Parquet tables as they are, and partners.csv and \
deals.parquet (amount, outcome) must be parsed (as CSV files, presets, value maps and columns \
of another type always are): the portfolio was read with every check
    >>> parsed_anyway([]) is None
    True
    """
    inputs: dict[str, list[str]] = {}
    for problem in problems:
        if problem.rule == "needs_validation":
            columns = inputs.setdefault(problem.origin or problem.table, [])
            if problem.column:
                columns.append(problem.column)
    if not inputs:
        return None
    named = [f"{what} ({', '.join(cols)})" if cols else what for what, cols in inputs.items()]
    listed = fmt.and_list(named)
    return (
        f"--no-validate reads canonical Parquet tables as they are, and {listed} must be "
        "parsed (as CSV files, presets, value maps and columns of another type always are): "
        "the portfolio was read with every check"
    )


def read_source(args: Args, /, *, validate: bool = True) -> Portfolio:
    """Read the portfolio the options name; write what was left out to stderr.

    ``validate=False`` (``--no-validate``) reads canonical Parquet tables without row
    checks; a source that must be parsed (CSV files, presets, value maps) is read with every
    check instead, as CSV files always are, and a warning says so (:func:`parsed_anyway`).

    Requires: ``args.source`` and the options of ``source_options``. Raises
    :class:`~partnerkit.load.read.SourceError` for a wrong call and
    :class:`~partnerkit.load.PortfolioError` for invalid data.
    """
    source, options = source_call(args)
    loaded = load(source, validate=validate, lone_latest=False, **options)  # analysis notes it
    anyway = None if validate or loaded.portfolio else parsed_anyway(loaded.report.problems)
    if anyway is not None:
        sys.stderr.write(f"warning: {anyway}\n")
        loaded = load(source, validate=True, lone_latest=False, **options)
    report = loaded.report
    if loaded.portfolio is None:
        raise PortfolioError(report.problems, report=report, source=report.source)
    for line in set_aside_report(report):
        sys.stderr.write(f"{line}\n")
    return loaded.portfolio
