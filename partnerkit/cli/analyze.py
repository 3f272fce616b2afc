"""``partnerkit analyze SOURCE``: run every analysis and print the concentration summary.

Options: ``--as-of DATE`` (default: the latest date in the data), ``--policy FILE.toml``,
``--preset``, ``--mapping``, ``--currency`` and ``--quarantine`` (as for ``partnerkit
validate``; the rows set aside are listed on stderr with their line and record id),
``--out FILE`` (write the scorecard as CSV, Parquet or Excel, chosen by the suffix; text
cells are neutralised against spreadsheet formulas), ``--core`` (only the core scorecard
and the vital few, :func:`partnerkit.analysis.quick_scorecard`: the fast path for large
portfolios) and ``--no-validate`` (read canonical Parquet tables as they are, without row
checks; see :func:`partnerkit.load.read.read_portfolio`). Exit code: 0 done, 1 the
portfolio breaks the data contract, 2 usage error (bad date, unreadable policy, no such
folder).

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="partnerkit")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["analyze", "data", "--as-of", "2026-06-30", "--out", "s.csv"])
>>> args.source, args.as_of, args.out.name
('data', '2026-06-30', 's.csv')
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tomllib
from pathlib import Path

import polars as pl

from partnerkit.analysis import Analysis, analyze, quick_scorecard
from partnerkit.cli.source import add_source_options, read_source
from partnerkit.policy import Policy

__all__ = ["core_summary", "register", "run", "summary"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``analyze`` sub-command."""
    parser = subparsers.add_parser(
        "analyze",
        help="analyse a portfolio and print the concentration summary",
        description="Read a portfolio folder, run every analysis for the window ending on "
        "--as-of and print the concentration summary (vital few, Gini, benchmark). Exit "
        "code: 0 done, 1 invalid portfolio, 2 usage error.",
    )
    parser.add_argument("source", help="folder holding partners.csv, deals.csv, ...")
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="last day of the window (default: latest date)"
    )
    parser.add_argument("--policy", type=Path, metavar="FILE.toml", help="policy file")
    add_source_options(parser)
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write the scorecard (.csv, .parquet, .xlsx)"
    )
    parser.add_argument(
        "--core",
        action="store_true",
        help="compute only the core scorecard and the vital few (fast on large portfolios)",
    )
    parser.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        help="read canonical Parquet tables as they are, without checking their rows",
    )
    parser.set_defaults(func=run)


def _usage(message: str) -> int:
    sys.stderr.write(f"partnerkit analyze: {message}\n")
    return 2


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


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
    vital few: 1 of 2 partners (50.0%) produce 90.0% of won_revenue (threshold 80%)
    """
    c = analysis.concentration.row(0, named=True)
    card = analysis.scorecard
    counted = int(card["counted"].sum())
    lines = [
        (
            f"as of {analysis.as_of} (window {analysis.window_start} .. {analysis.as_of}, "
            f"{analysis.policy.lookback_months} months)"
        ),
        (
            f"partners: {card.height} listed, {counted} counted, {c['partners']} in the "
            f"denominator ({c['denominator']})"
        ),
        (
            f"vital few: {c['vital_count']} of {c['partners']} partners ({_pct(c['vital_share'])})"
            f" produce {_pct(c['vital_value_share'])} of {c['value_column']} "
            f"(threshold {c['threshold']:.0%})"
        ),
        (
            f"total {c['value_column']}: {_num(c['total_value'])}; zero value: "
            f"{_pct(c['zero_value_share'])} of partners; top 20%: {_pct(c['top20_share'])}"
        ),
        (
            f"Gini {_num(c['gini'])}; HHI {_num(c['hhi'], 3)}; benchmark: "
            f"{c['benchmark_position'] or 'n/a'}"
        ),
    ]
    lines += [f"note: {n}" for n in analysis.notes]
    return "\n".join(lines)


def core_summary(card: pl.DataFrame, /, *, policy: Policy) -> str:
    """Return the vital-few line of a core scorecard (:func:`quick_scorecard`).

    >>> card = pl.DataFrame({"in_denominator": [True, True, False], "vital": [True, False, False],
    ...     "won_revenue": [900.0, 100.0, 0.0]})
    >>> core_summary(card, policy=Policy())
    'vital few: 1 of 2 partners (50.0%) produce 90.0% of won_revenue (threshold 80%)'
    """
    value = policy.pareto_value
    inside = card.filter(pl.col("in_denominator"))
    total = float(inside[value].sum())
    vital = inside.filter(pl.col("vital"))
    share = float(vital[value].sum()) / total if total else None
    return (
        f"vital few: {vital.height} of {inside.height} partners "
        f"({_pct(vital.height / inside.height if inside.height else None)}) produce "
        f"{_pct(share)} of {value} (threshold {policy.vital_threshold:.0%})"
    )


def run(args: argparse.Namespace) -> int:
    """Analyse ``args.source``, print the summary, write the scorecard; return the exit code."""
    from partnerkit.decisions.export import export_frame  # noqa: PLC0415
    from partnerkit.load import PortfolioError  # noqa: PLC0415
    from partnerkit.load.read import SourceError  # noqa: PLC0415

    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            return _usage(f"--as-of must be a date like 2026-06-30, not {args.as_of!r}")
    policy = Policy()
    if args.policy is not None:
        try:
            policy = Policy.from_toml(args.policy)
        except (OSError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
            return _usage(f"cannot read policy file: {exc}")
    try:
        portfolio = read_source(args, validate=args.validate)
    except SourceError as exc:
        return _usage(str(exc))
    except PortfolioError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    try:
        if args.core:
            day = as_of or portfolio.latest_date()
            card = quick_scorecard(portfolio, as_of=day, policy=policy)
            text = f"as of {day} ({policy.lookback_months} months)\n"
            text += core_summary(card, policy=policy)
        else:
            result = analyze(portfolio, as_of=as_of, policy=policy)
            card, text = result.scorecard, summary(result)
    except ValueError as exc:
        return _usage(str(exc))
    sys.stdout.write(f"{text}\n")
    if args.out is not None:
        written = export_frame(card, args.out)
        sys.stdout.write(f"scorecard: {written}\n")
    return 0
