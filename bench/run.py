"""Benchmark: partnerkit against pandas, DuckDB and a hand-written polars query on one portfolio.

Usage::

    python bench/run.py [--data base|alt|both] [--scales S,M,L] [--runs 5] [--measures ...]

The harness (``harness.py``: data, fresh processes taken in turn, result checks), the
measured things (``measures.py``: what each process runs) and the report (``report.py``:
ratios and markdown) are apart; this file only reads the command line and writes the
results: ``--out`` gets ``bench-<UTC time>.json`` and ``.md``, copied to ``latest.json`` /
``latest.md``. The run exits with status 1 when the core implementations disagree.

This file is not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from harness import HERE, bench_scale, machine
from measures import MEASURES
from report import derive, markdown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        default="both",
        choices=("base", "alt", "both"),
        help="base: partnerkit sample; alt: bench/gen_alt.py; both (default)",
    )
    parser.add_argument("--scales", default="S,M,L")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(HERE / "results"))
    parser.add_argument("--data-dir", default=str(HERE / "data"))
    parser.add_argument(
        "--measures", default=",".join(MEASURES), help="comma-separated subset of measures"
    )
    parser.add_argument("--interactive-reps", type=int, default=50)
    parser.add_argument("--note", default="", help="free text stored with the results")
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time the parts of both engines' queries and summarise their plans (default on)",
    )
    parser.add_argument(
        "--max-rss-gib", type=float, default=12.0, help="kill a measure above this memory"
    )
    parser.add_argument(
        "--timeout-s", type=float, default=1800.0, help="kill a measure running longer"
    )
    parser.add_argument("--render", help="re-render the markdown of a results JSON file")
    args = parser.parse_args()
    if args.render:
        saved = json.loads(Path(args.render).read_text())
        derive(saved)
        Path(args.render).write_text(json.dumps(saved, indent=1, default=str))
        Path(args.render).with_suffix(".md").write_text(markdown(saved))
        print(markdown(saved))
        return 0

    names = [n for n in args.measures.split(",") if n]
    unknown = [n for n in names if n not in MEASURES]
    if unknown:
        parser.error(f"unknown measures {unknown}; known: {', '.join(MEASURES)}")
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result: dict[str, Any] = {
        "started_utc": started,
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "runs": args.runs,
        "note": args.note,
        "machine": machine(),
        "scales": [],
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "bench-" + started.replace(":", "").replace("-", "")
    failed = False
    datasets = ["base", "alt"] if args.data == "both" else [args.data]
    for dataset, scale in itertools.product(datasets, args.scales.split(",")):
        result["scales"].append(bench_scale(scale, args, names, dataset))
        derive(result)
        (out / f"{stem}.json").write_text(json.dumps(result, indent=1, default=str))
        (out / f"{stem}.md").write_text(markdown(result))
        checks = result["scales"][-1]["correctness"]
        failed |= not all(v["ok"] for v in checks.values())
    shutil.copyfile(out / f"{stem}.json", out / "latest.json")
    shutil.copyfile(out / f"{stem}.md", out / "latest.md")
    print(markdown(result))
    if failed:
        print("CORRECTNESS FAILURE: implementations disagree (see above)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
