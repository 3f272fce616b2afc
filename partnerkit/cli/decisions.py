"""``partnerkit decisions``: record, list and export keep / invest / watch / exit decisions.

Sub-actions::

    partnerkit decisions list    [--ledger PATH]
    partnerkit decisions history [--ledger PATH] [--partner ID]
    partnerkit decisions record  [--ledger PATH] --partner ID --decision exit
                                 --rationale "..." --who NAME [--as-of DATE]
                                 [--policy FILE.toml] [--preset NAME] [--mapping FILE]
                                 [...source options] SOURCE
    partnerkit decisions export  [--ledger PATH] --out FILE.(csv|parquet|xlsx) [--history]

``record`` reads the portfolio at SOURCE as ``analyze`` does (the same ``--preset``,
``--mapping``, ``--quarantine``, ... options) and analyses it first, so the ledger keeps the
``as_of`` date, the policy fingerprint and a snapshot of the partner's metrics (with the
recommendation and its reasons) the decision was made on. SOURCE may be a facts folder
written by ``partnerkit facts``, as for ``analyze``: then only stage 2 runs, for the window
and with the stage-1 settings the facts were built with.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click
import polars as pl

from partnerkit import formatting as fmt
from partnerkit.cli.options import (
    Args,
    ExportFile,
    as_of_option,
    complain,
    finish,
    policy_option,
    source_options,
)
from partnerkit.decisions.export import export_decisions
from partnerkit.decisions.ledger import (
    DECISIONS,
    DEFAULT_LEDGER,
    Ledger,
    LedgerError,
    LedgerPathError,
    check_ledger_path,
)
from partnerkit.decisions.recommend import require_recommendations
from partnerkit.policy import Policy

__all__ = ["UnknownPartnerError", "command", "snapshot"]

_SHOWN = ("id", "partner_id", "name", "decision", "who", "recorded_at", "as_of", "rationale")


@click.group(
    "decisions",
    short_help="record, list and export keep / invest / watch / exit decisions",
    help="The decision ledger: an append-only record of what was decided and why.",
)
def command() -> None:
    """Group the decision ledger's actions."""


class UnknownPartnerError(ValueError):
    """A ``--partner`` id the portfolio does not hold: an unknown value, a usage error (exit 2).

    >>> str(UnknownPartnerError("zz", "data/samples")).startswith("partner 'zz' is not in")
    True
    """

    def __init__(self, partner_id: str, where: object, /) -> None:
        """Name the id and the portfolio it was looked up in."""
        super().__init__(
            f"partner {partner_id!r} is not in the portfolio at {where}: give a partner_id "
            "of its partners table (as the scorecard lists them)"
        )


ledger_option = click.option(
    "--ledger",
    type=click.Path(path_type=Path),
    default=DEFAULT_LEDGER,
    metavar="PATH",
    help=f"ledger file (default: {DEFAULT_LEDGER} in the working folder; record creates it, "
    "and its folder, when missing)",
)
"""``--ledger PATH``, shared by every action."""


def _show(frame: pl.DataFrame, empty: str) -> None:
    if frame.is_empty():
        sys.stdout.write(empty + "\n")
        return
    shown = frame.with_columns(
        # the partner's name as it was when decided: from the snapshot stored with the decision
        pl.col("metrics").str.json_path_match("$.name").fill_null("").alias("name"),
        pl.col("recorded_at").dt.strftime("%Y-%m-%d %H:%M"),
    ).select(_SHOWN)
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        fmt_str_lengths=80,
        tbl_width_chars=200,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        tbl_formatting="ASCII_MARKDOWN",
    ):
        sys.stdout.write(f"{shown}\n")


def _list(args: Args) -> int:
    return _read_and_show(args, lambda ledger: ledger.current())


def _history(args: Args) -> int:
    return _read_and_show(args, lambda ledger: ledger.history(args.partner))


def _read_and_show(args: Args, read: Callable[[Ledger], pl.DataFrame], /) -> int:
    """Print what ``read`` takes from the ledger named by ``args``; return the exit code."""
    try:
        with Ledger(args.ledger, create=False) as ledger:
            frame = read(ledger)
    except LedgerPathError as exc:  # no ledger there: a wrong --ledger, or none recorded yet
        return complain("decisions", exc)
    except LedgerError as exc:
        return complain("decisions", exc, code=1)
    who = f" for partner {args.partner!r}" if getattr(args, "partner", None) else ""
    _show(frame, f"no decisions recorded{who} in {args.ledger}")
    return 0


def _export(args: Args) -> int:
    try:
        with Ledger(args.ledger, create=False) as ledger:
            out = export_decisions(ledger, args.out, history=args.history)
            rows = len(ledger) if args.history else ledger.current().height
    except LedgerPathError as exc:
        return complain("decisions", exc)
    except (LedgerError, ValueError, OSError) as exc:
        return complain("decisions", exc, code=1)
    sys.stdout.write(f"wrote {fmt.counted(rows, 'decision')} to {out}\n")
    return 0


def snapshot(
    source: Any,  # noqa: ANN401  (a folder, file or table mapping, as read_portfolio takes)
    partner_id: str,
    *,
    as_of: dt.date | None,
    policy: Policy,
    reading: Mapping[str, Any] | None = None,
) -> tuple[dt.date, Mapping[str, Any]]:
    """Analyse the portfolio at ``source``; return ``as_of`` and one partner's metrics.

    ``reading`` holds the keyword arguments of :func:`partnerkit.read_portfolio` (a preset, a
    mapping, quarantine, ...). The metrics are the partner's scorecard row plus its
    recommendation, reasons and explanation. Raises :class:`UnknownPartnerError` (a
    ``ValueError``) when the partner is not in the portfolio.
    """
    from partnerkit.analysis import analyze  # noqa: PLC0415  (heavy; only for record)
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415

    portfolio = read_portfolio(source, **(reading or {}))
    analysis = analyze(portfolio, as_of=as_of, policy=policy)
    return analysis.as_of, _partner_metrics(analysis.scorecard, partner_id, portfolio.source)


def _partner_metrics(card: pl.DataFrame, partner_id: str, where: object) -> Mapping[str, Any]:
    """Return the row of ``partner_id`` in the scorecard, with its recommendation."""
    card = require_recommendations(card)  # the analysis made them under its policy
    found = card.filter(pl.col("partner_id") == partner_id)
    if found.is_empty():
        raise UnknownPartnerError(partner_id, where)
    return found.row(0, named=True)


def _facts_snapshot(args: Args, policy: Policy) -> tuple[dt.date, Mapping[str, Any]]:
    """Run stage 2 on the facts folder ``args.source``; return as_of and the partner's metrics.

    The folder is checked as ``analyze`` checks it (its window, its stage-1 settings).
    """
    from partnerkit.cli.stages import stage_two_of  # noqa: PLC0415  (heavy; only for record)

    analysis = stage_two_of(args, policy=policy)
    return analysis.as_of, _partner_metrics(analysis.scorecard, args.partner, args.source)


def _record(args: Args) -> int:
    from partnerkit.cli.source import source_call  # noqa: PLC0415  (the readers: only for record)
    from partnerkit.cli.stages import StageError  # noqa: PLC0415
    from partnerkit.facts.store import FactsFolderError, is_facts_folder  # noqa: PLC0415
    from partnerkit.load.read import SourceError  # noqa: PLC0415

    try:
        check_ledger_path(args.ledger)  # before the analysis, whose result it records
        policy = args.policy or Policy()
        if is_facts_folder(args.source):  # stage 1 done: the scorecard comes from the facts
            as_of, metrics = _facts_snapshot(args, policy)
        else:
            source, reading = source_call(args)
            as_of, metrics = snapshot(
                source, args.partner, as_of=args.as_of, policy=policy, reading=reading
            )
        with Ledger(args.ledger) as ledger:
            decision = ledger.record(
                args.partner,
                args.decision,
                args.rationale,
                who=args.who,
                as_of=as_of,
                policy=policy,
                metrics=metrics,
            )
    except SourceError as exc:  # no such folder, unknown preset: a usage error
        sys.stderr.write(f"partnerkit decisions: error: {exc}\n")
        return 2
    except (StageError, FactsFolderError, LedgerPathError, UnknownPartnerError) as exc:  # usage
        return complain("decisions", exc)
    except (LedgerError, ValueError, OSError) as exc:  # invalid data or ledger
        return complain("decisions", exc, code=1)
    sys.stdout.write(
        f"recorded decision {decision.id}: {decision.partner_id} -> {decision.decision} "
        f"(as of {decision.as_of}, policy {decision.policy_hash}) in {args.ledger}\n"
    )
    return 0


@command.command("list", help="show the current decision per partner")
@ledger_option
def _list_command(**options: Any) -> None:  # noqa: ANN401  (click passes options by name)
    finish(_list(Args(**options)))


@command.command("history", help="show every decision in the order recorded")
@ledger_option
@click.option("--partner", metavar="ID", help="only this partner")
def _history_command(**options: Any) -> None:  # noqa: ANN401  (click passes options by name)
    finish(_history(Args(**options)))


@command.command(
    "record",
    help="record a decision, with a snapshot of the partner's metrics; SOURCE is a portfolio "
    "or a facts folder written by partnerkit facts",
)
@ledger_option
@click.option("--partner", metavar="ID", required=True, help="partner_id")
@click.option("--decision", type=click.Choice(DECISIONS), required=True)
@click.option("--rationale", required=True, help="why, in a sentence")
@click.option("--who", required=True, help="who decided")
@as_of_option
@policy_option
@source_options
@click.argument("source", type=click.Path(path_type=Path), metavar="SOURCE")
def _record_command(**options: Any) -> None:  # noqa: ANN401  (click passes options by name)
    finish(_record(Args(**options)))


@command.command("export", help="export decisions to CSV, Parquet or Excel")
@ledger_option
@click.option(
    "--out",
    type=ExportFile(),
    required=True,
    metavar="FILE",
    help="output file (.csv, .parquet, .xlsx)",
)
@click.option("--history", is_flag=True, help="every decision, not just current")
def _export_command(**options: Any) -> None:  # noqa: ANN401  (click passes options by name)
    finish(_export(Args(**options)))
