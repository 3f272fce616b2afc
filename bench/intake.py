"""Read + validate time of real-export-shaped deals files: a benchmark, not a test.

Generates, in a temporary folder, a partners file and deals files shaped like CRM exports:

- ``csv``: a 1M-row deals CSV in canonical spelling (ISO dates, plain amounts);
- ``csv-money``: the same rows as a spreadsheet-touched export writes them (US dates,
  ``$1,234.50`` amounts, CRLF line ends, a report footer);
- ``xlsx``: a 100k-row deals workbook (date and number cells, a report footer).

Each is read and validated with :func:`partnerkit.load` (the work of ``read_portfolio``
without raising), ``--runs`` times after one warm-up, and the median, minimum and maximum
wall time are reported with the row counts, in Markdown on stdout and, with
``--write``, in ``bench/results/intake-<UTC timestamp>.md``.

Usage::

    python bench/intake.py [--rows 1000000] [--xlsx-rows 100000] [--runs 3] [--write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

import partnerkit as pk
from partnerkit.load.read import DroppedRowsWarning, load

PARTNERS = 2_000


def partners_frame() -> pl.DataFrame:
    ids = [f"P{i:05d}" for i in range(PARTNERS)]
    return pl.DataFrame({"partner_id": ids, "name": [f"Partner {i}" for i in range(PARTNERS)]})


def deals_frame(rows: int, seed: int = 7) -> pl.DataFrame:
    """Deals with open ones carrying expected close dates, as CRM exports give them."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-01")
    created_days = rng.integers(0, 1000, rows)
    cycle = rng.integers(1, 200, rows)
    outcome = rng.choice(np.array(["won", "lost", "open"]), rows, p=[0.35, 0.35, 0.30])
    partner = rng.integers(0, PARTNERS, rows)
    cents = rng.integers(100, 50_000_000, rows)
    return pl.DataFrame(
        {
            "deal_id": [f"D{i:08d}" for i in range(rows)],
            "partner_id": [f"P{p:05d}" for p in partner],
            "created_on": (start + created_days.astype("timedelta64[D]")).astype("datetime64[D]"),
            "closed_on": (start + (created_days + cycle).astype("timedelta64[D]")).astype(
                "datetime64[D]"
            ),
            "outcome": outcome,
            "amount": cents / 100,
        }
    ).with_columns(pl.col("created_on", "closed_on").cast(pl.Date))


def money_text(frame: pl.DataFrame) -> pl.DataFrame:
    """US dates and ``$1,234.50`` amounts, as a spreadsheet-touched export writes them."""
    whole = (pl.col("amount") * 100).round().cast(pl.Int64)
    units, cents = whole // 100, whole % 100
    grouped = (
        units.cast(pl.String)
        .str.reverse()
        .str.replace_all(r"(\d{3})", "$1,")
        .str.reverse()
        .str.strip_chars_start(",")
    )
    return frame.with_columns(
        pl.col("created_on").dt.strftime("%m/%d/%Y"),
        pl.col("closed_on").dt.strftime("%m/%d/%Y"),
        pl.format("${}.{}", grouped, cents.cast(pl.String).str.zfill(2)).alias("amount"),
    )


def write_inputs(root: Path, rows: int, xlsx_rows: int) -> dict[str, Path]:
    partners = partners_frame()
    deals = deals_frame(rows)
    footer = (
        b'\r\n"Grand Totals (%d records)"\r\n"Confidential Information - Do Not Distribute"\r\n'
    )
    folders = {}
    for name in ("csv", "csv-money", "xlsx"):
        folder = root / name
        folder.mkdir()
        partners.write_csv(folder / "partners.csv")
        folders[name] = folder
    deals.write_csv(folders["csv"] / "deals.csv")
    money = money_text(deals).write_csv(line_terminator="\r\n").encode()
    (folders["csv-money"] / "deals.csv").write_bytes(money + footer % rows)
    deals.head(xlsx_rows).write_excel(folders["xlsx"] / "deals.xlsx", worksheet="Deals")
    return folders


def time_load(folder: Path, runs: int) -> tuple[list[float], int, int]:
    """Wall times of ``runs`` loads after a warm-up; rows read and problems found."""
    times = []
    rows = problems = 0
    for i in range(runs + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DroppedRowsWarning)
            t = time.perf_counter()
            loaded = load(folder, currency="USD")
            elapsed = time.perf_counter() - t
        if i:
            times.append(elapsed)
        table = next(r for r in loaded.report.tables if r.table == "deals")
        rows, problems = table.rows_read or 0, len(loaded.report.problems)
    return times, rows, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="save under bench/results")
    args = parser.parse_args(argv)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        f"# Intake benchmark {stamp}",
        "",
        (
            f"Command: `python bench/intake.py --rows {args.rows} --xlsx-rows "
            f"{args.xlsx_rows} --runs {args.runs}{' --write' if args.write else ''}`"
        ),
        "",
        (
            f"partnerkit {pk.__version__}, polars {pl.__version__}, Python "
            f"{platform.python_version()}, {os.cpu_count()} CPUs. The machine was shared "
            "with other work while this ran: read the medians, and the spread as a sign of "
            "noise."
        ),
        "",
        (
            "Read + validate = `partnerkit.load.load(folder, currency='USD')` (partners: "
            f"{PARTNERS} rows), wall seconds over {args.runs} runs after one warm-up."
        ),
        "",
        "| input | deals rows | problems | median s | min s | max s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        folders = write_inputs(Path(tmp), args.rows, args.xlsx_rows)
        made = time.perf_counter() - t
        sizes = {
            name: sum(f.stat().st_size for f in folder.iterdir())
            for name, folder in folders.items()
        }
        labels = {
            "csv": "deals.csv (ISO dates, plain amounts)",
            "csv-money": "deals.csv (US dates, $1,234.50, CRLF, footer)",
            "xlsx": "deals.xlsx (date and number cells)",
        }
        for name, folder in folders.items():
            times, rows, problems = time_load(folder, args.runs)
            lines.append(
                f"| {labels[name]} ({sizes[name] / 1e6:.0f} MB) | {rows:,} | {problems} | "
                f"{statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |"
            )
            print(lines[-1], file=sys.stderr)
    lines += ["", f"Generating the inputs took {made:.1f} s (not timed above)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        out = Path(__file__).parent / "results" / f"intake-{stamp}.md"
        out.write_text(text, encoding="utf-8")
        print(f"written {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
