"""``partnerkit validate SOURCE``: check a portfolio against the data contract.

Prints the load report (tables, rows, columns supplied and missing, ignored columns,
dropped rows, problems) and exits 0 when the portfolio is valid, 1 when it has problems
and 2 when the command itself is wrong (no such folder, unknown preset, bad mapping file,
a facts folder written by ``partnerkit facts``: its rows were read when it was written).

Examples
--------
>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(command, ["data/samples"])
>>> result.exit_code, result.output.splitlines()[-2]
(0, 'No problems: the portfolio is valid.')
"""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from partnerkit import formatting as fmt
from partnerkit.cli.options import Args, complain, finish, source_options
from partnerkit.cli.source import source_call
from partnerkit.facts import latest_date, open_past_expected
from partnerkit.load.read import SourceError, load

__all__ = ["command", "run"]


@click.command(
    "validate",
    short_help="check a portfolio folder against the data contract",
    help="Read a portfolio folder (partners, deals, activities, investments, overlaps as "
    "CSV or Parquet), check every rule of the data contract and print the load report. "
    "Exit code: 0 valid, 1 problems found, 2 usage error.",
)
@click.argument("source")
@source_options
def command(**options: Any) -> None:  # noqa: ANN401  (click passes each option by name)
    """Validate the portfolio named on the command line."""
    finish(run(Args(**options)))


def run(args: Args) -> int:
    """Validate ``args.source`` and print the report; return the exit code."""
    from partnerkit.cli.stages import facts_folder_source  # noqa: PLC0415

    refused = facts_folder_source(args.source, command="validate")
    if refused is not None:
        return complain("validate", refused)
    started = time.perf_counter()
    try:
        source, options = source_call(args)
        loaded = load(source, **options)
    except SourceError as exc:
        return complain("validate", exc)
    elapsed = time.perf_counter() - started
    sys.stdout.write(f"{loaded.report.describe()}\n")
    if loaded.portfolio is not None:
        late = open_past_expected(loaded.portfolio)
        if late:
            sys.stdout.write(
                f"note: {fmt.count(late)} open deal(s) past the expected close date (on or "
                f"before {latest_date(loaded.portfolio)}, the latest actual event): read as open, "
                "their close date as expected, not as a close\n"
            )
    sys.stdout.write(f"(checked in {elapsed:.2f} s)\n")
    return 0 if loaded.report.ok else 1
