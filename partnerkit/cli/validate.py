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

from partnerkit.cli.source import add_source_options, source_call
from partnerkit.load.read import SourceError, load

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
    add_source_options(parser)
    parser.set_defaults(func=run)


def _usage(message: str) -> int:
    sys.stderr.write(f"partnerkit validate: {message}\n")
    return 2


def run(args: argparse.Namespace) -> int:
    """Validate ``args.source`` and print the report; return the exit code."""
    started = time.perf_counter()
    try:
        source, options = source_call(args)
        loaded = load(source, **options)
    except SourceError as exc:
        return _usage(str(exc))
    elapsed = time.perf_counter() - started
    sys.stdout.write(f"{loaded.report.describe()}\n")
    if loaded.portfolio is not None:
        late = loaded.portfolio.open_past_expected()
        if late:
            sys.stdout.write(
                f"note: {late} open deal(s) past the expected close date (on or before "
                f"{loaded.portfolio.latest_date()}, the latest actual event): read as open, "
                "their close date as expected, not as a close\n"
            )
    sys.stdout.write(f"(checked in {elapsed:.2f} s)\n")
    return 0 if loaded.report.ok else 1
