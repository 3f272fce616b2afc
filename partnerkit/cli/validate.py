"""``partnerkit validate SOURCE``: check a portfolio against the data contract.

Prints the load report (tables, rows, columns supplied and missing, ignored columns,
dropped rows, problems) and exits 0 when the portfolio is valid, 1 when it has problems
and 2 when the command itself is wrong (no such folder, unknown preset, bad mapping file).

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="partnerkit")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["validate", "data", "--preset", "salesforce", "--quarantine"])
>>> args.source, args.preset, args.quarantine
('data', ['salesforce'], True)
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from pathlib import Path

from partnerkit.load.mapping import MappingFile, read_mapping_file
from partnerkit.load.presets import PRESETS
from partnerkit.load.read import SourceError, folder_inputs, load

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate",
        help="check a portfolio folder against the data contract",
        description="Read a portfolio folder (partners, deals, activities, investments, "
        "overlaps as CSV or Parquet), check every rule of the data contract and print "
        "the load report. Exit code: 0 valid, 1 problems found, 2 usage error.",
    )
    parser.add_argument("source", help="folder holding partners.csv, deals.csv, ...")
    parser.add_argument(
        "--preset",
        action="append",
        metavar="NAME",
        help=f"CRM export preset ({', '.join(sorted(PRESETS))}); repeat to combine",
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE.toml",
        help="column/value mapping file (keys: preset, currency, files, columns, values)",
    )
    parser.add_argument(
        "--quarantine",
        action="store_true",
        help="set rows breaking row rules aside instead of failing",
    )
    parser.add_argument("--currency", metavar="CODE", help="the portfolio's currency")
    parser.set_defaults(func=run)


def _usage(message: str) -> int:
    sys.stderr.write(f"partnerkit validate: {message}\n")
    return 2


def run(args: argparse.Namespace) -> int:
    """Validate ``args.source`` and print the report; return the exit code."""
    spec = MappingFile()
    if args.mapping is not None:
        try:
            spec = read_mapping_file(args.mapping)
        except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
            return _usage(f"cannot read mapping file: {exc}")
    presets = [*spec.preset, *(args.preset or [])]
    currency = args.currency or spec.currency
    started = time.perf_counter()
    try:
        source = (
            folder_inputs(args.source, preset=presets, files=spec.files)
            if spec.files
            else args.source
        )
        loaded = load(
            source,
            mapping=spec.columns,
            values=spec.values,
            preset=presets or None,
            quarantine=args.quarantine,
            currency=currency,
        )
    except SourceError as exc:
        return _usage(str(exc))
    elapsed = time.perf_counter() - started
    sys.stdout.write(f"{loaded.report.describe()}\n(checked in {elapsed:.2f} s)\n")
    return 0 if loaded.report.ok else 1
