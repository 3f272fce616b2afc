"""``partnerkit facts SOURCE --out DIR``: build stage 1 on an engine and write a facts folder.

Stage 1 (reducing raw deals, activities, investments and overlaps to per-partner and
per-partner-quarter facts) is the only stage whose cost grows with the raw rows. Run it
where the data lives (``--engine duckdb``, or ``--engine spark`` on a cluster through
``--spark-remote sc://...``), then ``partnerkit analyze DIR`` runs stage 2 from the folder
anywhere. Exit code: 0 written, 1 the source breaks the data contract, 2 usage or input
error (no such folder, an engine that cannot run here).

Examples
--------
>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(command, ["data/samples", "--out", "o", "--engine", "pandas"])
>>> result.exit_code
2
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.cli.options import (
    Args,
    as_of_option,
    complain,
    engine_options,
    finish,
    policy_option,
    source_options,
)

__all__ = ["command", "run"]


@click.command(
    "facts",
    short_help="build the facts (stage 1) on an engine and write them to a folder",
    help="Read the portfolio in SOURCE with --engine, build the facts of the window ending on "
    "--as-of (stage 1) and write them to DIR as Parquet with facts.json; partnerkit analyze "
    "DIR then runs the rest. Exit code: 0 written, 1 invalid portfolio, 2 usage error.",
)
@click.argument("source")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    metavar="DIR",
    help="output folder (created when missing)",
)
@as_of_option
@policy_option
@source_options
@engine_options
def command(**options: Any) -> None:  # noqa: ANN401  (click passes each option by name)
    """Write the facts folder the command line asks for."""
    finish(run(Args(**options)))


def run(args: Args) -> int:
    """Build stage 1, write the facts folder and list its tables; return the exit code."""
    from partnerkit.cli.stages import (  # noqa: PLC0415
        StageError,
        data_problem,
        facts_folder_source,
        stage_one_of,
    )
    from partnerkit.facts.engines import EngineUnavailable, data_errors  # noqa: PLC0415
    from partnerkit.facts.store import check_facts_out, write_facts  # noqa: PLC0415
    from partnerkit.load import PortfolioError  # noqa: PLC0415
    from partnerkit.load.read import SourceError  # noqa: PLC0415

    started = time.perf_counter()
    refused = facts_folder_source(args.source, command="facts")
    if refused is not None:
        return complain("facts", refused)
    try:
        check_facts_out(args.out, source=args.source)  # before any work is done
    except ValueError as exc:
        return complain("facts", exc)
    try:
        built = stage_one_of(args)
        facts = built.stage.collect()
        currency = built.currency() or args.currency  # the deals', as analyze and report read it
        path = write_facts(
            facts, args.out, currency=currency, engine=args.engine, settings=built.settings
        )
    except PortfolioError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    except data_errors() as exc:  # a value the engine cannot convert: the data's fault
        return complain("facts", data_problem(args, exc), code=1)
    except (SourceError, StageError, EngineUnavailable, ValueError, OSError) as exc:
        return complain("facts", exc)
    for name, frame in facts.frames().items():
        rows = frame.select(pl.len()).collect().item()
        sys.stdout.write(f"{name:<24} {rows:>12,} rows\n")
    sys.stdout.write(
        f"facts of {fmt.window(facts.window.start, facts.window.end)} by {args.engine}: {path}\n"
        f"built in {time.perf_counter() - started:.1f} s\n"
    )
    return 0
