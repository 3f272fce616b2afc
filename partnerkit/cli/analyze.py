"""``partnerkit analyze SOURCE``: run every analysis and print the concentration summary.

Options: ``--as-of DATE`` (default: the latest event in the data), ``--policy FILE.toml``,
the source options (``--preset``, ``--mapping``, ``--currency``, ``--quarantine``, ... as for
``partnerkit validate``; the rows set aside are listed on stderr with their line and record
id), ``--out FILE`` (write the scorecard as CSV, Parquet or Excel, chosen by the suffix;
text cells are neutralised against spreadsheet formulas), ``--core`` (only the core
scorecard and the vital few, :func:`partnerkit.analysis.quick_scorecard`: the fast path for
large portfolios) and ``--no-validate`` (read canonical Parquet tables as they are, without
row checks; see :func:`partnerkit.load.read.read_portfolio`; a source that must be parsed,
CSV files among them, is read with every check, and a warning says so).

``--engine duckdb`` or ``--engine spark`` (with ``--spark-remote sc://...`` or
``--spark-master local[4]``) reads the canonical Parquet or CSV files of SOURCE with that
engine and builds the facts there (stage 1); the small facts come back to polars for the
rest (stage 2), so the summary and scorecard are those of the default. SOURCE may also be a
facts folder written by ``partnerkit facts``: then only stage 2 runs. Exit code: 0 done, 1
the portfolio breaks the data contract, 2 usage or input error (bad date, unreadable
policy, no such folder, an engine that cannot run here).

Examples
--------
>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(command, ["data/samples", "--as-of", "2026-06-30"])
>>> result.exit_code, result.output.splitlines()[0]
(0, 'as of 2026-06-30 (window 2025-07-01 to 2026-06-30, 12 months)')
"""

from __future__ import annotations

import sys
from typing import Any

import click
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.analysis import Analysis, analyze, quick_scorecard
from partnerkit.cli.options import (
    Args,
    ExportFile,
    as_of_option,
    complain,
    engine_options,
    finish,
    policy_option,
    source_options,
)
from partnerkit.cli.source import read_source
from partnerkit.facts import latest_date
from partnerkit.metrics.pareto import vital_few_sentence, vital_needed
from partnerkit.policy import Policy

__all__ = ["command", "core_summary", "run", "summary"]


@click.command(
    "analyze",
    short_help="analyse a portfolio and print the concentration summary",
    help="Read a portfolio folder (or a facts folder written by partnerkit facts), run every "
    "analysis for the window ending on --as-of and print the concentration summary (vital "
    "few, Gini, benchmark). Exit code: 0 done, 1 invalid portfolio, 2 usage error.",
)
@click.argument("source")
@as_of_option
@policy_option
@source_options
@click.option(
    "--out",
    type=ExportFile(),
    metavar="FILE",
    help="write the scorecard (.csv, .parquet, .xlsx)",
)
@click.option(
    "--core",
    is_flag=True,
    help="compute only the core scorecard and the vital few (fast on large portfolios)",
)
@click.option(
    "--no-validate",
    "validate",
    flag_value=False,
    default=True,
    help="read canonical Parquet tables as they are, without checking their rows (CSV "
    "files are always parsed and checked)",
)
@engine_options
def command(**options: Any) -> None:  # noqa: ANN401  (click passes each option by name)
    """Analyse the portfolio named on the command line."""
    finish(run(Args(**options)))


def summary(analysis: Analysis, /) -> str:
    """Return the concentration summary as a few lines of plain text.

    >>> import polars as pl
    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "b"],
    ...         "created_on": ["2025-01-05", "2025-01-09"],
    ...         "closed_on": ["2025-03-01", "2025-02-01"],
    ...         "outcome": ["won", "won"], "amount": [900.0, 100.0]}))
    >>> print(summary(analyze(p)).splitlines()[2])
    vital few: 1 of 2 partners (50%) produces 90% of won revenue (threshold 80%)
    """
    c = analysis.concentration.row(0, named=True)
    card = analysis.scorecard
    counted = int(card["counted"].sum())
    what = str(c["value_column"]).replace("_", " ")
    lines = [
        (
            f"as of {analysis.as_of} (window {fmt.window(analysis.window_start, analysis.as_of)}, "
            f"{analysis.policy.lookback_months} months)"
        ),
        (
            f"partners: {fmt.count(card.height)} listed, {fmt.count(counted)} counted, "
            f"{fmt.count(c['partners'])} in the denominator ({c['denominator']})"
        ),
        "vital few: "
        + vital_few_sentence(
            partners=c["partners"],
            vital_count=c["vital_count"],
            vital_value_share=c["vital_value_share"],
            value=c["value_column"],
            threshold=c["threshold"],
            needed=c["vital_needed"],
        ),
        f"total {what}: {fmt.number(c['total_value'], digits=2)}; " + _shares(c),
        (
            f"Gini {fmt.number(c['gini'], digits=2)}; HHI {fmt.number(c['hhi'], digits=3)}; "
            f"benchmark: {fmt.benchmark(c)}"
        ),
    ]
    lines += [f"note: {n}" for n in analysis.notes]
    return "\n".join(lines)


def _shares(c: dict[str, Any], /) -> str:
    """Write the zero-value and top-20% shares, or why there are none (no partner to share)."""
    if not c["partners"]:
        return f"no partner in the denominator ({c['denominator']}) to share it"
    return (
        f"zero value: {fmt.percent(c['zero_value_share'])} of partners; "
        f"top 20%: {fmt.top_share(c['top20_share'], c['partners'])}"
    )


def core_summary(card: pl.DataFrame, /, *, policy: Policy) -> str:
    """Return the vital-few line of a core scorecard (:func:`quick_scorecard`).

    >>> card = pl.DataFrame({"in_denominator": [True, True, False], "vital": [True, False, False],
    ...     "won_revenue": [900.0, 100.0, 0.0]})
    >>> core_summary(card, policy=Policy())
    'vital few: 1 of 2 partners (50%) produces 90% of won revenue (threshold 80%)'
    """
    value = policy.pareto_value
    inside = card.filter(pl.col("in_denominator"))
    total = float(inside[value].sum())
    vital = inside.filter(pl.col("vital"))
    share = float(vital[value].sum()) / total if total else None
    needed = None
    if {"rank", "cum_share"} <= set(card.columns):
        needed = inside.select(vital_needed(policy.vital_threshold)).item()
    return "vital few: " + vital_few_sentence(
        partners=inside.height,
        vital_count=vital.height,
        vital_value_share=share,
        value=value,
        threshold=policy.vital_threshold,
        needed=needed if isinstance(needed, int) else None,
    )


def run(args: Args) -> int:
    """Analyse ``args.source``, print the summary, write the scorecard; return the exit code."""
    from partnerkit.cli.stages import StageError, data_problem, stage_two_of  # noqa: PLC0415
    from partnerkit.facts.engines import EngineUnavailable, data_errors  # noqa: PLC0415
    from partnerkit.facts.store import is_facts_folder  # noqa: PLC0415
    from partnerkit.io import export_frame  # noqa: PLC0415
    from partnerkit.load import PortfolioError  # noqa: PLC0415
    from partnerkit.load.read import SourceError  # noqa: PLC0415

    policy = args.policy or Policy()
    try:
        if args.engine != "polars" or is_facts_folder(args.source):
            if args.core:
                return complain(
                    "analyze",
                    "--core is the polars fast path over raw rows: it does not apply to "
                    "--engine duckdb or spark, nor to a facts folder",
                )
            result = stage_two_of(args, policy=policy)
            card, text = result.scorecard, summary(result)
        else:
            portfolio = read_source(args, validate=args.validate)
            if args.core:
                day = args.as_of or latest_date(portfolio)
                card = quick_scorecard(portfolio, as_of=day, policy=policy)
                text = f"as of {day} ({policy.lookback_months} months)\n"
                text += core_summary(card, policy=policy)
            else:
                result = analyze(portfolio, as_of=args.as_of, policy=policy)
                card, text = result.scorecard, summary(result)
    except (SourceError, StageError, EngineUnavailable) as exc:
        return complain("analyze", str(exc))
    except PortfolioError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    except data_errors() as exc:  # a value the engine cannot convert: the data's fault
        return complain("analyze", data_problem(args, exc), code=1)
    except ValueError as exc:
        return complain("analyze", str(exc))
    sys.stdout.write(f"{text}\n")
    if args.out is not None:
        written = export_frame(card, args.out)
        sys.stdout.write(f"scorecard: {written}\n")
    return 0
