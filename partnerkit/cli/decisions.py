"""``partnerkit decisions``: record, list and export keep / invest / watch / exit decisions.

Sub-actions::

    partnerkit decisions list    [--ledger PATH]
    partnerkit decisions history [--ledger PATH] [--partner ID]
    partnerkit decisions record  [--ledger PATH] --partner ID --decision exit
                                 --rationale "..." --who NAME [--as-of DATE]
                                 [--policy FILE.toml] SOURCE
    partnerkit decisions export  [--ledger PATH] --out FILE.(csv|parquet|xlsx) [--history]

``record`` analyses the portfolio at SOURCE first, so the ledger keeps the ``as_of`` date,
the policy fingerprint and a snapshot of the partner's metrics (with the recommendation and
its reasons) the decision was made on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from partnerkit.decisions.export import export_decisions
from partnerkit.decisions.ledger import DECISIONS, DEFAULT_LEDGER, Ledger, LedgerError
from partnerkit.decisions.recommend import recommend
from partnerkit.policy import Policy

__all__ = ["register"]

_SHOWN = ("id", "partner_id", "decision", "who", "recorded_at", "as_of", "rationale")


def register(subparsers: Any) -> None:  # noqa: ANN401  (argparse's private action type)
    """Add the ``decisions`` command and its sub-actions."""
    parser = subparsers.add_parser(
        "decisions",
        help="record, list and export keep / invest / watch / exit decisions",
        description="The decision ledger: an append-only record of what was decided and why.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--ledger",
            type=Path,
            default=Path(DEFAULT_LEDGER),
            metavar="PATH",
            help=f"ledger file (default: {DEFAULT_LEDGER} in the working folder)",
        )
        return p

    p = action("list", "show the current decision per partner")
    p.set_defaults(func=_list)

    p = action("history", "show every decision in the order recorded")
    p.add_argument("--partner", metavar="ID", help="only this partner")
    p.set_defaults(func=_history)

    p = action("record", "record a decision, with a snapshot of the partner's metrics")
    p.add_argument("--partner", metavar="ID", required=True, help="partner_id")
    p.add_argument("--decision", choices=DECISIONS, required=True)
    p.add_argument("--rationale", required=True, help="why, in a sentence")
    p.add_argument("--who", required=True, help="who decided")
    p.add_argument("--as-of", metavar="DATE", type=dt.date.fromisoformat, help="analysis date")
    p.add_argument("--policy", metavar="FILE", type=Path, help="policy TOML file")
    p.add_argument("source", type=Path, metavar="SOURCE", help="portfolio folder or file")
    p.set_defaults(func=_record)

    p = action("export", "export decisions to CSV, Parquet or Excel")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="output file")
    p.add_argument("--history", action="store_true", help="every decision, not just current")
    p.set_defaults(func=_export)


def _fail(message: str) -> int:
    sys.stderr.write(f"partnerkit decisions: error: {message}\n")
    return 1


def _show(frame: pl.DataFrame, empty: str) -> None:
    if frame.is_empty():
        sys.stdout.write(empty + "\n")
        return
    shown = frame.select(_SHOWN).with_columns(pl.col("recorded_at").dt.strftime("%Y-%m-%d %H:%M"))
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


def _list(args: argparse.Namespace) -> int:
    try:
        with Ledger(args.ledger, create=False) as ledger:
            frame = ledger.current()
    except LedgerError as exc:
        return _fail(str(exc))
    _show(frame, f"no decisions recorded in {args.ledger}")
    return 0


def _history(args: argparse.Namespace) -> int:
    try:
        with Ledger(args.ledger, create=False) as ledger:
            frame = ledger.history(args.partner)
    except LedgerError as exc:
        return _fail(str(exc))
    _show(frame, f"no decisions recorded in {args.ledger}")
    return 0


def _export(args: argparse.Namespace) -> int:
    try:
        with Ledger(args.ledger, create=False) as ledger:
            out = export_decisions(ledger, args.out, history=args.history)
            rows = len(ledger) if args.history else ledger.current().height
    except (LedgerError, ValueError, OSError) as exc:
        return _fail(str(exc))
    sys.stdout.write(f"wrote {rows} decisions to {out}\n")
    return 0


def snapshot(
    source: Path, partner_id: str, *, as_of: dt.date | None, policy: Policy
) -> tuple[dt.date, Mapping[str, Any]]:
    """Analyse the portfolio at ``source``; return ``as_of`` and one partner's metrics.

    The metrics are the partner's scorecard row plus its recommendation, reasons and
    explanation. Raises ``ValueError`` when the partner is not in the portfolio.
    """
    from partnerkit.analysis import analyze  # noqa: PLC0415  (heavy; only for record)
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415

    analysis = analyze(read_portfolio(source), as_of=as_of, policy=policy)
    row = recommend(analysis.scorecard.lazy(), policy=policy).filter(
        pl.col("partner_id") == partner_id
    )
    found = row.collect()
    if found.is_empty():
        raise ValueError(f"partner {partner_id!r} is not in the portfolio at {source}")
    return analysis.as_of, found.row(0, named=True)


def _record(args: argparse.Namespace) -> int:
    from partnerkit.load.read import SourceError  # noqa: PLC0415

    try:
        policy = Policy.from_toml(args.policy) if args.policy else Policy()
        as_of, metrics = snapshot(args.source, args.partner, as_of=args.as_of, policy=policy)
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
    except (LedgerError, ValueError, OSError) as exc:  # invalid data or ledger
        return _fail(str(exc))
    sys.stdout.write(
        f"recorded decision {decision.id}: {decision.partner_id} -> {decision.decision} "
        f"(as of {decision.as_of}, policy {decision.policy_hash}) in {args.ledger}\n"
    )
    return 0
