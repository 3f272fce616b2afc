"""``partnerkit sample OUT``: write a generated sample portfolio with planted patterns.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="partnerkit")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["sample", "out", "--partners", "2000", "--format", "parquet"])
>>> args.partners, args.format, args.seed
(2000, 'parquet', 7)
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from partnerkit.samples import DEFAULT_END, SampleSpec, write_sample

__all__ = ["register", "run"]

_DEFAULTS = SampleSpec()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sample`` sub-command."""
    parser = subparsers.add_parser(
        "sample",
        help="write a generated sample portfolio with planted patterns",
        description=(
            "Write partners, deals, activities, investments and overlaps tables plus "
            "truth (the planted pattern of each partner) to OUT. The same arguments always "
            "give byte-identical files."
        ),
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="folder to write into")
    parser.add_argument("--seed", type=int, default=_DEFAULTS.seed, help="random seed")
    parser.add_argument(
        "--partners", type=int, default=_DEFAULTS.partners, help="number of partners"
    )
    parser.add_argument(
        "--years", type=int, default=_DEFAULTS.years, help="years of history (at least 2)"
    )
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=DEFAULT_END,
        help="last day of the data, YYYY-MM-DD (default %(default)s)",
    )
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument(
        "--deals-per-partner",
        type=float,
        default=_DEFAULTS.deals_per_partner,
        help="average deals per partner, direct deals included",
    )
    parser.add_argument(
        "--activities-per-partner",
        type=float,
        default=_DEFAULTS.activities_per_partner,
        help="average activities per partner",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
        sys.stderr.write(f"partnerkit sample: {exc}\n")
        return 2
    elapsed = time.perf_counter() - started
    for table, info in written.items():
        size = info.path.stat().st_size
        sys.stdout.write(f"{table:<12} {info.rows:>12,} rows {size / 1e6:>10.2f} MB  {info.path}\n")
    sys.stdout.write(f"generated in {elapsed:.1f} s\n")
    return 0
