"""How `read_portfolio` scales: load time, peak memory, and what its frames cost to read.

For each scale (a folder of Parquet tables written by `partnerkit sample --format parquet`,
see `bench/README.md`), in fresh subprocesses:

- `load`: `read_portfolio(folder)` alone; wall time in the process and peak resident
  memory (`VmHWM`) right after it returns (`--runs` fresh processes: best and median);
- `collect`: `read_portfolio(folder)`, then for each table the time to collect the
  portfolio's frame and the time to collect a plain `pl.scan_parquet` of the same file,
  taken in turn (plain, portfolio, plain, portfolio, ...; best of `--reps`), with the
  peak memory of the whole process.

The parent stops a child whose resident memory passes `--max-rss-gib` and records the
1-minute load average before and after each child (the figures are only comparable on a
quiet machine).

    .venv/bin/python bench/load_scaling.py --scales S,M,L
    .venv/bin/python bench/load_scaling.py --scales L --skip-collect
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import TABLE_NAMES as TABLES
from harness import rss_kib
from measures import peak_kib

DATA = Path(__file__).resolve().parent / "data"


def worker(kind: str, folder: Path, reps: int, engine: str) -> None:
    import polars as pl  # noqa: PLC0415

    import partnerkit  # noqa: PLC0415
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415

    out: dict[str, Any] = {"package": str(Path(partnerkit.__file__).parent)}
    t0 = time.perf_counter()
    portfolio = read_portfolio(folder)
    out["read_s"] = time.perf_counter() - t0
    out["read_vmhwm_kib"] = peak_kib()
    if kind == "collect":
        tables: dict[str, Any] = {}
        for name in TABLES:
            path = folder / f"{name}.parquet"
            if not path.exists():
                continue
            plain_s: list[float] = []
            pk_s: list[float] = []
            rows = 0
            for _ in range(reps):
                t = time.perf_counter()
                df = pl.scan_parquet(path).collect(engine=engine)  # type: ignore[call-overload]
                plain_s.append(time.perf_counter() - t)
                rows = df.height
                del df
                t = time.perf_counter()
                df = portfolio.table(name).collect(engine=engine)  # type: ignore[call-overload]
                pk_s.append(time.perf_counter() - t)
                assert df.height == rows, (name, df.height, rows)
                del df
            tables[name] = {"rows": rows, "plain_s": min(plain_s), "portfolio_s": min(pk_s)}
        out["tables"] = tables
        out["vmhwm_kib"] = peak_kib()
    print("LOAD " + json.dumps(out))


def run_child(kind: str, folder: Path, reps: int, engine: str, max_gib: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--dir", str(folder)]
    cmd += ["--reps", str(reps), "--engine", engine]
    load_before = os.getloadavg()[0]
    killed = ""
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, text=True)
        while proc.poll() is None:
            if not killed and rss_kib(proc.pid) > max_gib * 1024**2:
                killed = f"killed: resident memory above {max_gib:g} GiB"
                proc.kill()
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        fo.seek(0)
        fe.seek(0)
        stdout, stderr = fo.read(), fe.read()
    rec: dict[str, Any] = {"load_avg_before": load_before, "load_avg_after": os.getloadavg()[0]}
    if killed or proc.returncode:
        tail = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"
        rec["error"] = killed or tail
        return rec
    line = next(x for x in stdout.splitlines() if x.startswith("LOAD "))
    rec.update(json.loads(line[len("LOAD ") :]))
    rec["wall_s"] = wall
    return rec


def rows_of(folder: Path) -> int:
    import polars as pl  # noqa: PLC0415

    total = 0
    for name in ("deals", "activities"):
        path = folder / f"{name}.parquet"
        if path.exists():
            total += pl.scan_parquet(path).select(pl.len()).collect().item()
    return int(total)


def report(
    scale: str, folder: Path, loads: list[dict[str, Any]], coll: dict[str, Any] | None
) -> str:
    gib = 1024**2
    lines = [f"## {scale} ({folder.name})"]
    failed = [r for r in loads if "error" in r]
    ok = [r for r in loads if "error" not in r]
    lines += [f"read_portfolio: {r['error']} (load avg {r['load_avg_before']:.1f})" for r in failed]
    if ok:
        times = sorted(r["read_s"] for r in ok)
        best, median = times[0], statistics.median(times)
        peak = max(r["read_vmhwm_kib"] for r in ok) / gib
        per_row = best / max(rows_of(folder), 1) * 1e9
        averages = [r["load_avg_before"] for r in ok] + [ok[-1]["load_avg_after"]]
        lines.append(
            f"read_portfolio: best {best:.2f} s, median {median:.2f} s of {len(ok)} runs,"
            f" peak {peak:.2f} GiB, {per_row:.0f} ns per deal+activity row (best);"
            f" load avg {min(averages):.1f}-{max(averages):.1f}"
        )
    if coll is None:
        return "\n".join(lines)
    if "error" in coll:
        lines.append(f"collect: {coll['error']}")
        return "\n".join(lines)
    lines.append(
        f"collect run: read {coll['read_s']:.2f} s, process peak {coll['vmhwm_kib'] / gib:.2f} GiB"
        f" (load avg {coll['load_avg_before']:.1f} -> {coll['load_avg_after']:.1f})"
    )
    lines.append("| table | rows | plain scan s | portfolio s | ratio |")
    lines.append("|---|---:|---:|---:|---:|")
    for name, t in coll["tables"].items():
        ratio = t["portfolio_s"] / t["plain_s"] if t["plain_s"] else float("nan")
        lines.append(
            f"| {name} | {t['rows']:,} | {t['plain_s']:.3f} | {t['portfolio_s']:.3f} "
            f"| {ratio:.2f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="S,M")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes for `load`")
    parser.add_argument("--reps", type=int, default=3, help="collects per table")
    parser.add_argument("--engine", default="auto", choices=("auto", "in-memory", "streaming"))
    parser.add_argument("--max-rss-gib", type=float, default=12.0)
    parser.add_argument("--skip-collect", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the records here")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.dir, args.reps, args.engine)
        return 0
    records: dict[str, Any] = {}
    for scale in args.scales.split(","):
        folder = DATA / scale
        if not folder.is_dir():
            print(f"## {scale}: no data in {folder.name}; generate it with bench/run.py first")
            continue
        loads = []
        for _ in range(args.runs):
            loads.append(run_child("load", folder, args.reps, args.engine, args.max_rss_gib))
            if "error" in loads[-1]:
                break
        coll = None
        if not args.skip_collect and "error" not in loads[-1]:
            coll = run_child("collect", folder, args.reps, args.engine, args.max_rss_gib)
        records[scale] = {"load": loads, "collect": coll}
        print(report(scale, folder, loads, coll), flush=True)
    if args.json:
        args.json.write_text(json.dumps(records, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
