"""``partnerkit sample OUT``: write a generated sample portfolio with planted patterns.

Examples
--------
>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(command, ["out", "--partners", "5"])
>>> result.exit_code, result.output.startswith("partnerkit sample:")
(2, True)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from partnerkit.cli.options import Args, IsoDate, complain, finish
from partnerkit.samples import DEFAULT_END, SampleSpec, write_sample

__all__ = ["command", "run"]

_DEFAULTS = SampleSpec()


@click.command(
    "sample",
    short_help="write a generated sample portfolio with planted patterns",
    help="Write partners, deals, activities, investments and overlaps tables plus truth "
    "(the planted pattern of each partner) to OUT. The same arguments always give "
    "byte-identical files.",
)
@click.argument("out", type=click.Path(path_type=Path), metavar="OUT")
@click.option("--seed", type=int, default=_DEFAULTS.seed, show_default=True, help="random seed")
@click.option(
    "--partners",
    type=int,
    default=_DEFAULTS.partners,
    show_default=True,
    help="number of partners",
)
@click.option(
    "--years",
    type=int,
    default=_DEFAULTS.years,
    show_default=True,
    help="years of history (at least 2)",
)
@click.option(
    "--end",
    type=IsoDate(),
    default=DEFAULT_END.isoformat(),
    show_default=True,
    help="last day of the data",
)
@click.option("--format", type=click.Choice(("csv", "parquet")), default="csv", show_default=True)
@click.option(
    "--deals-per-partner",
    type=float,
    default=_DEFAULTS.deals_per_partner,
    show_default=True,
    help="average deals per partner, direct deals included",
)
@click.option(
    "--activities-per-partner",
    type=float,
    default=_DEFAULTS.activities_per_partner,
    show_default=True,
    help="average activities per partner",
)
def command(**options: Any) -> None:  # noqa: ANN401  (click passes each option by name)
    """Write the sample named on the command line."""
    finish(run(Args(**options)))


def run(args: Args) -> int:
    """Write the sample and print one line per file; return the exit code."""
    started = time.perf_counter()
    try:
        written = write_sample(
            args.out,
            seed=args.seed,
            partners=args.partners,
            years=args.years,
            end=args.end,
            format=args.format,
            deals_per_partner=args.deals_per_partner,
            activities_per_partner=args.activities_per_partner,
        )
    except ValueError as exc:
        return complain("sample", exc)
    elapsed = time.perf_counter() - started
    for table, info in written.items():
        size = info.path.stat().st_size
        sys.stdout.write(f"{table:<12} {info.rows:>12,} rows {size / 1e6:>10.2f} MB  {info.path}\n")
    sys.stdout.write(f"generated in {elapsed:.1f} s\n")
    return 0
