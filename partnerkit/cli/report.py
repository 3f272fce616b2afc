"""``partnerkit report SOURCE --out DIR``: analyse a portfolio and write the HTML report.

SOURCE may be a facts folder written by ``partnerkit facts``, as for ``analyze``: then only
stage 2 runs, for the window and with the stage-1 settings the facts were built with.
Exit code: 0 written, 1 the portfolio breaks the data contract (the problems are printed;
``--quarantine`` sets offending rows aside instead and lists them), 2 usage error (no such
folder, unreadable policy or mapping file, unknown preset, options a facts folder does not
fit).

Examples
--------
>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(command, ["data", "--out", "o", "--partners", " , "])
>>> result.exit_code, "give at least one partner id" in result.output
(2, True)
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path
from typing import Any

import click

from partnerkit.cli.options import (
    Args,
    as_of_option,
    finish,
    policy_option,
    source_options,
)
from partnerkit.cli.source import read_source
from partnerkit.facts import portfolio_currency

__all__ = ["command", "run"]


def _ids(ctx: click.Context, param: click.Parameter, text: str | None) -> list[str] | None:
    del ctx, param
    if text is None:
        return None
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids:
        raise click.BadParameter("give at least one partner id")
    return ids


def _formats(ctx: click.Context, param: click.Parameter, text: str) -> list[str]:
    del ctx, param
    return [f.strip() for f in text.split(",") if f.strip()]


@click.command(
    "report",
    short_help="write a self-contained HTML report, the chart pack and the scorecard",
    help="Read the portfolio in SOURCE (or a facts folder written by partnerkit facts), "
    "analyse it and write report.html (offline, "
    "self-contained), the chart pack (charts/) and scorecard.csv and recommendations.csv to "
    "DIR. Review pages go to the partners needing a decision (recommended exits, vital "
    "partners on watch and recommended investments share 40 pages, most money at stake first "
    "within each) unless --partners or --all-partners says otherwise; --pdf also prints the "
    "pack to report.pdf through headless Chromium.",
)
@click.argument("source", type=click.Path(path_type=Path), metavar="SOURCE")
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
@click.option(
    "--partners",
    callback=_ids,
    metavar="ID,ID,...",
    help="review pages, with their chart one-pagers, for these partners",
)
@click.option("--all-partners", is_flag=True, help="a review page for every partner")
@click.option(
    "--partner-charts/--no-partner-charts",
    default=None,
    help="draw each reviewed partner's chart one-pager (default: only with --partners)",
)
@click.option("--pdf", is_flag=True, help="also print the pack to report.pdf (needs Chromium)")
@click.option(
    "--formats",
    callback=_formats,
    default="svg",
    metavar="FMT,FMT",
    help="chart-pack formats among png, svg, pdf, html, json (default svg)",
)
def command(**options: Any) -> None:  # noqa: ANN401  (click passes each option by name)
    """Write the report the command line asks for."""
    if options["partners"] is not None and options["all_partners"]:
        raise click.UsageError("--partners and --all-partners exclude each other")
    finish(run(Args(**options)))


def _skip_slow_optional_imports() -> None:
    """Import altair without its Jupyter widget in this process, which never shows one.

    :func:`partnerkit._imports.headless` (importing partnerkit already skips jsonschema's
    IRI grammar everywhere); call it before anything imports altair.
    """
    from partnerkit import _imports  # noqa: PLC0415

    _imports.headless()


def _start_renderer() -> None:
    """Start the chart renderer's own process while the portfolio is read and analysed.

    vl-convert's first render starts its JavaScript engine (about a third of a second) and
    every render holds Python's lock: in a process of their own
    (:mod:`partnerkit.charts.renderer`), the engine starts while this one reads and
    analyses, and the charts render while this one builds the next.
    """
    from partnerkit.charts import renderer  # noqa: PLC0415  (light: no altair, no vl-convert)

    renderer.start()


def run(args: Args) -> int:
    """Analyse, build the report and print its path; return the exit code.

    Python's cycle collector is paused while the report is made: importing altair and
    building the chart specs allocate hundreds of thousands of objects that live until the
    command ends, so the collections they trigger scan them again and again and free
    almost nothing (about 0.05 s of CPU in altair's import alone). The collector is
    restored after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if enabled:
            gc.enable()


def _run(args: Args) -> int:
    _skip_slow_optional_imports()
    _start_renderer()
    from partnerkit.analysis import analyze  # noqa: PLC0415  (heavy: on demand)
    from partnerkit.cli.stages import stage_two_of  # noqa: PLC0415
    from partnerkit.facts.store import facts_currency, is_facts_folder  # noqa: PLC0415
    from partnerkit.load import PortfolioError  # noqa: PLC0415
    from partnerkit.load.read import SourceError  # noqa: PLC0415
    from partnerkit.report.build import build_report  # noqa: PLC0415
    from partnerkit.report.pdf import print_pdf  # noqa: PLC0415

    started = time.perf_counter()
    try:
        if is_facts_folder(args.source):  # stage 1 done: only stage 2 runs, as for analyze
            analysis = stage_two_of(args, policy=args.policy)
            currency = facts_currency(args.source)
        else:
            portfolio = read_source(args)
            analysis = analyze(portfolio, as_of=args.as_of, policy=args.policy)
            currency = portfolio_currency(portfolio)
        path = build_report(
            analysis,
            args.out,
            partners=args.partners,
            all_partners=args.all_partners,
            partner_charts=args.partner_charts,
            currency=currency,
            formats=args.formats,
            progress=sys.stderr.isatty(),
        )
        if args.pdf:
            print_pdf(path, path.with_suffix(".pdf"))
    except PortfolioError as exc:  # invalid data, not a usage error (a ValueError too)
        sys.stderr.write(f"{exc}\n")
        return 1
    except (SourceError, ValueError, KeyError, OSError) as exc:
        # a KeyError's str() is its message quoted: show the message itself
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        sys.stderr.write(f"partnerkit report: {text}\n")
        return 2
    sys.stdout.write(f"{path}\nwritten in {time.perf_counter() - started:.1f} s\n")
    return 0
