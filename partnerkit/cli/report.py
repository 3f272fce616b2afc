"""``partnerkit report SOURCE --out DIR``: analyse a portfolio and write the HTML report.

Exit code: 0 written, 1 the portfolio breaks the data contract (the problems are printed;
``--quarantine`` sets offending rows aside instead and lists them), 2 usage error (no such
folder, unreadable policy or mapping file, unknown preset).

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="partnerkit")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["report", "data", "--out", "out", "--partners", "P1, P2"])
>>> args.partners, args.all_partners, args.as_of
(['P1', 'P2'], False, None)
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import date
from pathlib import Path

from partnerkit.cli.source import add_source_options, read_source

__all__ = ["register", "run"]


def _ids(text: str) -> list[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids:
        raise argparse.ArgumentTypeError("give at least one partner id")
    return ids


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` sub-command."""
    parser = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report, the chart pack and the scorecard",
        description=(
            "Read the portfolio in SOURCE, analyse it and write report.html (offline, "
            "self-contained), the chart pack (charts/) and scorecard.csv and "
            "recommendations.csv to DIR. Review pages go to the partners needing a decision "
            "(recommended exits, then investments) unless --partners or --all-partners says "
            "otherwise; --pdf also prints the pack to report.pdf through headless Chromium."
        ),
    )
    parser.add_argument("source", type=Path, metavar="SOURCE", help="portfolio folder")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        metavar="DATE",
        help="end of the analysis window, YYYY-MM-DD (default: latest date in the data)",
    )
    parser.add_argument("--policy", type=Path, default=None, metavar="FILE", help="policy TOML")
    add_source_options(parser)
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--partners",
        type=_ids,
        default=None,
        metavar="ID,ID,...",
        help="review pages, with their chart one-pagers, for these partners",
    )
    chosen.add_argument(
        "--all-partners", action="store_true", help="a review page for every partner"
    )
    parser.add_argument(
        "--partner-charts",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="draw each reviewed partner's chart one-pager (default: only with --partners)",
    )
    parser.add_argument(
        "--pdf", action="store_true", help="also print the pack to report.pdf (needs Chromium)"
    )
    parser.add_argument(
        "--formats",
        type=lambda text: [f.strip() for f in text.split(",") if f.strip()],
        default=["svg"],
        metavar="FMT,FMT",
        help="chart-pack formats among png, svg, pdf, html, json (default svg)",
    )
    parser.set_defaults(func=run)


def _skip_slow_optional_imports() -> None:
    """Keep jsonschema from loading its optional IRI checker in this process.

    jsonschema (under altair) imports ``rfc3987_syntax`` when it is installed, which builds
    a grammar at import: about a second of CPU, the largest single cost of starting the
    report. Chart validation never checks the ``iri`` format, so nothing is lost.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _start_renderer() -> threading.Thread:
    """Start the chart renderer in the background while the portfolio is read and analysed.

    vl-convert's first render starts its JavaScript engine (about a second of wall time,
    outside Python's lock); doing it now overlaps that with reading and analysing.
    """
    import vl_convert as vlc  # noqa: PLC0415  (light; the renderer the report uses)

    thread = threading.Thread(
        target=vlc.vegalite_to_svg, args=({"mark": "point"},), name="renderer-start"
    )
    thread.start()
    return thread


def run(args: argparse.Namespace) -> int:
    """Analyse, build the report and print its path; return the exit code."""
    _skip_slow_optional_imports()
    _start_renderer()
    from partnerkit.analysis import analyze  # noqa: PLC0415  (heavy imports on demand)
    from partnerkit.load import PortfolioError  # noqa: PLC0415
    from partnerkit.load.read import SourceError  # noqa: PLC0415
    from partnerkit.policy import Policy  # noqa: PLC0415
    from partnerkit.report.build import build_report  # noqa: PLC0415
    from partnerkit.report.pdf import print_pdf  # noqa: PLC0415

    started = time.perf_counter()
    try:
        policy = Policy.from_toml(args.policy) if args.policy else Policy()
        portfolio = read_source(args)
        analysis = analyze(portfolio, as_of=args.as_of, policy=policy)
        path = build_report(
            analysis,
            args.out,
            partners=args.partners,
            all_partners=args.all_partners,
            partner_charts=args.partner_charts,
            currency=portfolio.currency,
            formats=args.formats,
            progress=sys.stderr.isatty(),
        )
        if args.pdf:
            print_pdf(path, path.with_suffix(".pdf"))
    except PortfolioError as exc:  # invalid data, not a usage error (a ValueError too)
        sys.stderr.write(f"{exc}\n")
        return 1
    except (SourceError, ValueError, KeyError, OSError) as exc:
        sys.stderr.write(f"partnerkit report: {exc}\n")
        return 2
    sys.stdout.write(f"{path}\nwritten in {time.perf_counter() - started:.1f} s\n")
    return 0
