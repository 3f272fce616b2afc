"""Benchmark: partnerkit against pandas, DuckDB and a hand-written polars query on one portfolio.

Usage::

    python bench/run.py [--data base|alt|both] [--scales S,M,L] [--runs 5] [--measures ...]

For each data set and scale the harness makes (or reuses) a Parquet portfolio: ``base`` with
``partnerkit sample`` under ``bench/data/<scale>``, ``alt`` with ``bench/gen_alt.py`` (shaped
independently of the package) under ``bench/data/alt-<scale>``. It then runs every measured
thing in a fresh subprocess, in turn (A B C A B C ...), ``--runs`` times; the ratios to
DuckDB are also taken pair by pair (run i of A against run i of DuckDB) and their median
reported. Each subprocess times the computation after its imports
(``compute``), the parent times the whole subprocess (``wall``); the subprocess reports its
peak resident memory (``VmHWM``, read just before it exits; ``ru_maxrss`` from ``wait4`` is kept
too, but on Linux it also counts the parent's pages copied at fork). The first run of each core
implementation saves its result, and all of them must agree exactly (see ``compare``). Results
go to ``--out`` as JSON and a markdown table.

This file is not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TABLE_NAMES = ("partners", "deals", "activities", "investments", "overlaps")

# partners, deals per partner, activities per partner
SCALES: dict[str, tuple[int, int, int]] = {
    "S": (2_000, 100, 250),
    "M": (20_000, 100, 250),
    "L": (100_000, 200, 500),
}
SEED = 20250101
ALT_SEED = 20260101
DATASETS = {
    "base": "partnerkit sample",
    "alt": "bench/gen_alt.py (independent of partnerkit.samples)",
}
INTERACTIVE_PARTNERS = 100_000

# measured things: name -> (worker kind, engine)
MEASURES: dict[str, tuple[str, str | None]] = {
    "pk-core": ("pk-core", "streaming"),
    "pk-core-inmem": ("pk-core", "in-memory"),
    "pk-core-validated": ("pk-core-validated", "streaming"),
    "polars-hand": ("hand", "in-memory"),
    "polars-hand-stream": ("hand", "streaming"),
    "duckdb": ("duckdb", None),
    "duckdb-onescan": ("duckdb", "one-scan"),
    "duckdb-onepass": ("duckdb", "one-pass"),
    "pandas": ("pandas", None),
    "floor": ("floor", "in-memory"),
    "floor-stream": ("floor", "streaming"),
    "pk-load": ("pk-load", None),
    "pk-analyze": ("pk-analyze", None),
}
CORE = (
    "pk-core",
    "pk-core-inmem",
    "pk-core-validated",
    "polars-hand",
    "polars-hand-stream",
    "duckdb",
    "duckdb-onescan",
    "duckdb-onepass",
    "pandas",
)
DUCKDB_SHAPES = ("duckdb", "duckdb-onescan", "duckdb-onepass")
"""The DuckDB peer's shapes; on each data set and scale the fastest is the reference."""
RATIO_ROWS = ("pk-core", "pk-core-inmem", "pk-core-validated", "polars-hand", "polars-hand-stream")
"""The measures whose ratios to DuckDB, pandas and the scan floor are reported."""
ENGINE_PAIRS = (
    ("pk-core", "pk-core", "pk-core-inmem"),
    ("polars-hand", "polars-hand-stream", "polars-hand"),
    ("floor", "floor-stream", "floor"),
)
"""(what, streaming measure, in-memory measure): the same query on both polars engines."""


# --- data ---


def have_generator() -> bool:
    return importlib.util.find_spec("partnerkit.cli.sample") is not None


def generate(scale: str, data_root: Path, dataset: str = "base") -> tuple[Path, dict[str, Any]]:
    """Make the portfolio of ``scale`` unless a folder stamped with the same arguments exists."""
    partners, deals_per, acts_per = SCALES[scale]
    folder = data_root / (scale if dataset == "base" else f"{dataset}-{scale}")
    if dataset == "alt":
        generator = DATASETS["alt"]
    elif have_generator():
        generator = "partnerkit sample"
    else:
        generator = "bench/devdata.py (dev fallback)"
    stamp = {
        "generator": generator,
        "seed": ALT_SEED if dataset == "alt" else SEED,
        "partners": partners,
        "deals_per_partner": deals_per,
        "activities_per_partner": acts_per,
        "format": "parquet",
    }
    stamp_file = folder / ".bench-stamp.json"
    if stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        return folder, stamp
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    if dataset == "alt":
        import gen_alt  # noqa: PLC0415

        gen_alt.write(
            folder,
            partners=partners,
            deals=partners * deals_per,
            activities=partners * acts_per,
            seed=ALT_SEED,
        )
    elif generator == "partnerkit sample":
        cmd = [
            sys.executable,
            "-c",
            "import sys; from partnerkit.cli import main; sys.exit(main())",
            "sample",
            str(folder),
            "--seed",
            str(SEED),
            "--partners",
            str(partners),
            "--format",
            "parquet",
            "--deals-per-partner",
            str(deals_per),
            "--activities-per-partner",
            str(acts_per),
        ]
        subprocess.run(cmd, check=True)
    else:
        import devdata  # noqa: PLC0415

        devdata.write(
            folder, seed=SEED, partners=partners, deals_per=deals_per, activities_per=acts_per
        )
    print(f"[{scale}] generated in {time.perf_counter() - t0:.1f}s with {generator}", flush=True)
    stamp_file.write_text(json.dumps(stamp, indent=2))
    return folder, stamp


def table_paths(folder: Path) -> dict[str, str]:
    """Map each table to its Parquet file, or to a glob over its folder of part files."""
    out: dict[str, str] = {}
    for name in TABLE_NAMES:
        single = folder / f"{name}.parquet"
        if single.exists():
            out[name] = str(single)
        elif (folder / name).is_dir():
            out[name] = str(folder / name / "*.parquet")
    return out


def row_counts(paths: dict[str, str]) -> dict[str, int]:
    import polars as pl  # noqa: PLC0415

    return {k: pl.scan_parquet(v).select(pl.len()).collect().item() for k, v in paths.items()}


# --- worker side ---


def peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def worker(kind: str, engine: str | None, folder: Path, save: str | None, reps: int) -> None:
    """Run one measured thing in this (fresh) process and print its timings as JSON."""
    import impl_polars as ip  # noqa: PLC0415
    import polars as pl  # noqa: PLC0415

    paths = table_paths(folder)
    info: dict[str, Any] = {}
    result: Any = None
    if kind == "pk-core":
        # validate=False: the files are canonical Parquet written by partnerkit sample
        t0 = time.perf_counter()
        result = ip.core_package(ip.package_portfolio(folder, validate=False), engine=engine)
        info["api"] = ip.PACKAGE_API + ", validate=False"
    elif kind == "pk-core-validated":
        t0 = time.perf_counter()
        result = ip.core_package(ip.package_portfolio(folder), engine=engine)
        info["api"] = ip.PACKAGE_API + ", validate=True"
    elif kind == "hand":
        t0 = time.perf_counter()
        result = ip.core_hand(paths, engine=engine)
    elif kind == "duckdb":
        import impl_duckdb  # noqa: PLC0415

        t0 = time.perf_counter()
        result = impl_duckdb.core(paths, activities=engine or "two-part")
    elif kind == "pandas":
        import impl_pandas  # noqa: PLC0415

        t0 = time.perf_counter()
        result = impl_pandas.core(paths)
    elif kind == "floor":
        t0 = time.perf_counter()
        ip.floor(paths, engine=engine)
    elif kind == "pk-load":
        t0 = time.perf_counter()
        ip.package_portfolio(folder)
    elif kind == "pk-analyze":
        from partnerkit.analysis import analyze  # noqa: PLC0415
        from partnerkit.load.read import read_portfolio  # noqa: PLC0415

        t0 = time.perf_counter()
        analysis = analyze(read_portfolio(folder))
        info["result_type"] = type(analysis).__name__
    elif kind == "interactive":
        t0 = time.perf_counter()
        info.update(ip.interactive(folder, reps=reps))
    elif kind == "profile":
        import impl_duckdb  # noqa: PLC0415

        t0 = time.perf_counter()
        info["polars"] = ip.profile_package(folder, reps=max(reps, 1))
        info["duckdb"] = impl_duckdb.profile(paths)
    else:
        raise SystemExit(f"unknown worker kind {kind!r}")
    elapsed = time.perf_counter() - t0
    if save and result is not None:
        frame = result if isinstance(result, pl.DataFrame) else pl.from_pandas(result)
        frame.write_parquet(save)
    print("BENCH " + json.dumps({"compute_s": elapsed, "vmhwm_kib": peak_kib(), **info}))


# --- parent side ---


def available(name: str) -> bool:
    kind = MEASURES[name][0]
    if kind == "pk-load":
        return importlib.util.find_spec("partnerkit.load.read") is not None
    if kind == "pk-analyze":
        return (
            importlib.util.find_spec("partnerkit.analysis") is not None
            and importlib.util.find_spec("partnerkit.load.read") is not None
        )
    return True


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_one(
    name: str,
    folder: Path,
    save: str | None = None,
    reps: int = 0,
    kind: str | None = None,
    limits: tuple[float, float] = (12.0, 1800.0),
) -> dict[str, Any]:
    """Run one measured thing in a subprocess; return compute, wall and peak memory.

    The child is killed (and the run recorded as an error) when its resident memory passes
    ``limits[0]`` GiB or it runs longer than ``limits[1]`` seconds, so a runaway measure
    cannot take the machine down.
    """
    kind_, engine = MEASURES[name] if kind is None else (kind, None)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind_, "--dir", str(folder)]
    if engine:
        cmd += ["--engine", engine]
    if save:
        cmd += ["--save", save]
    if reps:
        cmd += ["--reps", str(reps)]
    max_kib, max_s = limits[0] * 1024**2, limits[1]
    killed = ""
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, text=True)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)  # per-child rusage
            if pid:
                break
            if not killed and _rss_kib(proc.pid) > max_kib:
                killed = f"killed: resident memory above {limits[0]:g} GiB"
            elif not killed and time.perf_counter() - t0 > max_s:
                killed = f"killed: ran longer than {max_s:g} s"
            if killed:
                proc.kill()
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    if killed or proc.returncode:
        tail = err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"
        return {"error": killed or tail}
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    rec: dict[str, Any] = json.loads(line[len("BENCH ") :])
    rec["wall_s"] = wall
    rec["maxrss_kib"] = usage.ru_maxrss
    return rec


def compare(a: Any, b: Any) -> list[str]:
    """Differences between two core results, by ``polars.testing.assert_frame_equal``.

    Both are put in one shape first (the result columns both have, sorted by ``partner_id``,
    integers as Int64, floats as Float64): ids, counts, ranks, flags and nulls must be equal
    exactly, floats within 1e-9 relative.
    """
    import impl_polars as ip  # noqa: PLC0415
    import polars as pl  # noqa: PLC0415
    from polars.testing import assert_frame_equal  # noqa: PLC0415

    common = [c for c in ip.RESULT_COLUMNS if c in a.columns and c in b.columns]
    ints = [c for c in ip.INT_COLUMNS if c in common]
    floats = [c for c in ip.FLOAT_COLUMNS if c in common]

    def norm(f: pl.DataFrame) -> pl.DataFrame:
        return (
            f.select(common)
            .with_columns(
                pl.col(ints).cast(pl.Int64),
                pl.col(floats).cast(pl.Float64),
                pl.col("vital").cast(pl.Boolean),
            )
            .sort("partner_id")
        )

    try:
        assert_frame_equal(norm(a), norm(b), rel_tol=1e-9, abs_tol=0.0)
    except AssertionError as e:
        return [" ".join(str(e).split())]
    return []


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def bench_scale(
    scale: str, args: argparse.Namespace, names: list[str], dataset: str = "base"
) -> dict[str, Any]:
    import polars as pl  # noqa: PLC0415

    folder, stamp = generate(scale, Path(args.data_dir), dataset)
    tag = f"{dataset} {scale}"
    paths = table_paths(folder)
    counts = row_counts(paths)
    runs: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    saved: dict[str, str] = {}
    tmp = Path(tempfile.mkdtemp(prefix="pk-bench-"))
    load = [os.getloadavg()[0]]
    limits = (args.max_rss_gib, args.timeout_s)
    try:
        for i in range(args.runs):
            for name in names:
                save = str(tmp / f"{name}.parquet") if i == 0 and name in CORE else None
                rec = run_one(name, folder, save, limits=limits)
                runs[name].append(rec)
                if save and "error" not in rec:
                    saved[name] = save
                shown = rec.get("error") or f"{rec['compute_s']:.3f}s / {rec['wall_s']:.3f}s"
                print(f"[{tag}] run {i + 1} {name:20s} {shown}", flush=True)
            load.append(os.getloadavg()[0])
        # correctness: every core result against DuckDB (or the first one available)
        checks: dict[str, Any] = {}
        ref_name = "duckdb" if "duckdb" in saved else next(iter(saved), None)
        if ref_name:
            ref = pl.read_parquet(saved[ref_name])
            for name, file in saved.items():
                if name != ref_name:
                    other = pl.read_parquet(file)
                    problems = compare(other, ref)
                    checks[name] = {
                        "ok": not problems,
                        "problems": problems,
                        "not_compared": [c for c in ref.columns if c not in other.columns],
                    }
            vital = int(ref["vital"].sum())
        else:
            vital = 0
        interactive = None
        if args.interactive_reps:
            interactive = run_one(
                "pk-core", folder, reps=args.interactive_reps, kind="interactive", limits=limits
            )
        profile = None
        if args.profile:
            profile = run_one("pk-core", folder, reps=3, kind="profile", limits=limits)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    summary = {}
    for name, recs in runs.items():
        ok = [r for r in recs if "error" not in r]
        summary[name] = {
            "compute_s": median([r["compute_s"] for r in ok]),
            "wall_s": median([r["wall_s"] for r in ok]),
            "peak_mib": median([r["vmhwm_kib"] / 1024 for r in ok]),
            "runs": len(ok),
            "errors": sorted({r["error"] for r in recs if "error" in r}),
            **({"api": ok[0]["api"]} if ok and "api" in ok[0] else {}),
        }
    return {
        "scale": scale,
        "dataset": dataset,
        "data": stamp,
        "rows": counts,
        "reference": ref_name,
        "vital_count": vital,
        "correctness": checks,
        "loadavg_1min": load,
        "raw": runs,
        "median": summary,
        "interactive": interactive,
        "profile": profile,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def derive(result: dict[str, Any]) -> None:
    """Add ratios, the engine choice per scale and growth per row to the results."""
    for sc in result["scales"]:
        med = sc["median"]

        def get(name: str, field: str, med: dict[str, Any] = med) -> float | None:
            v = med.get(name, {}).get(field)
            return v if isinstance(v, float) else None

        out: dict[str, Any] = {}
        # the strongest peer: the fastest DuckDB shape on this data set and scale
        shapes = [n for n in DUCKDB_SHAPES if get(n, "compute_s")]
        peer = min(shapes, key=lambda n: get(n, "compute_s") or 0.0, default="duckdb")
        sc["duckdb_peer"] = peer
        for field in ("compute_s", "wall_s"):
            floor = min(
                (v for v in (get("floor", field), get("floor-stream", field)) if v), default=None
            )
            for pk in RATIO_ROWS:
                out[f"{pk}/duckdb paired {field}"] = paired(sc["raw"], pk, peer, field)
                out[f"{pk}/duckdb {field}"] = ratio(get(pk, field), get(peer, field))
                out[f"{pk}/pandas {field}"] = ratio(get(pk, field), get("pandas", field))
                out[f"{pk}/floor {field}"] = ratio(get(pk, field), floor)
        for pk in RATIO_ROWS:
            out[f"{pk}/duckdb peak"] = ratio(get(pk, "peak_mib"), get(peer, "peak_mib"))
        sc["ratios"] = out
        winners = {}
        for base, streaming, in_memory in ENGINE_PAIRS:
            mem, stream = get(in_memory, "compute_s"), get(streaming, "compute_s")
            if mem and stream:
                winners[base] = {
                    "winner": "streaming" if stream < mem else "in-memory",
                    "streaming/in-memory": stream / mem,
                }
        sc["engine_winner"] = winners
    result["growth"], result["row_growth"] = {}, {}
    for dataset in dict.fromkeys(sc.get("dataset", "base") for sc in result["scales"]):
        growth, row_growth = _growth(
            [sc for sc in result["scales"] if sc.get("dataset", "base") == dataset]
        )
        result["growth"][dataset], result["row_growth"][dataset] = growth, row_growth


def paired(raw: dict[str, list[dict[str, Any]]], a: str, b: str, field: str) -> float | None:
    """Median over the runs of ``a``'s figure over ``b``'s in the same round (taken in turn)."""
    pairs = [
        x[field] / y[field]
        for x, y in zip(raw.get(a, []), raw.get(b, []), strict=False)
        if "error" not in x and "error" not in y and y.get(field)
    ]
    return statistics.median(pairs) if pairs else None


def _growth(scales: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, float]]:
    """Compute time per raw row and its growth between the scales of one data set."""
    growth: dict[str, Any] = {}
    raw_rows = {
        sc["scale"]: sc["rows"].get("deals", 0) + sc["rows"].get("activities", 0) for sc in scales
    }
    for name in MEASURES:
        per_row, seconds = {}, {}
        for sc in scales:
            v = sc["median"].get(name, {}).get("compute_s")
            rows = raw_rows[sc["scale"]]
            if v and rows:
                per_row[sc["scale"]] = v / rows * 1e9
                seconds[sc["scale"]] = v
        steps = list(seconds)
        times = {f"{a}->{b}": seconds[b] / seconds[a] for a, b in itertools.pairwise(steps)}
        if per_row:
            growth[name] = {"ns_per_row": per_row, "time_growth": times}
    names = list(raw_rows)
    row_growth = {f"{a}->{b}": raw_rows[b] / raw_rows[a] for a, b in itertools.pairwise(names)}
    return growth, row_growth


def machine() -> dict[str, Any]:
    import duckdb  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    import polars as pl  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415

    mem = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "polars": pl.__version__,
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "platform": platform.platform(),
    }


def fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}{unit}" if v < 10 else f"{v:.1f}{unit}"
    return f"{v}{unit}"


PROFILE_PARTS = {
    "as_of": "as_of (latest event date)",
    "deals": "deals: one filtered pass, per-partner sums",
    "last_activity": "activities: last date per partner (every row up to as_of)",
    "activities_in_w": "activities in W: per (partner, kind), then per partner",
    "whole": "the whole core query",
}


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"Benchmark of {result['started_utc']} — {m['nproc']} cores, {m['memory']}, "
        f"Python {m['python']}, polars {m['polars']}, DuckDB {m['duckdb']}, "
        f"pandas {m['pandas']}; medians of {result['runs']} runs taken in turn."
        + (f" **{result['note']}**" if result.get("note") else ""),
        "",
    ]
    for sc in result["scales"]:
        rows = sc["rows"]
        lines += [
            (
                f"### {sc.get('dataset', 'base')} {sc['scale']}: "
                f"{rows.get('partners', 0):,} partners, "
                f"{rows.get('deals', 0):,} deals, {rows.get('activities', 0):,} activities "
                f"(data: {sc['data']['generator']})"
            ),
            "",
            "| measure | compute s | whole process s | peak MiB | runs |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, s in sc["median"].items():
            label = name
            err = f" error: {s['errors'][0]}" if s["errors"] else ""
            lines.append(
                f"| {label} | {fmt(s['compute_s'])} | {fmt(s['wall_s'])} | "
                f"{fmt(s['peak_mib'])} | {s['runs']}{err} |"
            )
        r = sc["ratios"]
        lines += [
            "",
            f"DuckDB peer (the fastest DuckDB shape here): `{sc.get('duckdb_peer', 'duckdb')}`.",
            "",
            (
                "| ratio (whole process / in-process) | vs DuckDB, paired | vs DuckDB | "
                "peak vs DuckDB | vs pandas | vs scan floor |"
            ),
            "|---|---:|---:|---:|---:|---:|",
        ]
        for pk in RATIO_ROWS:
            if pk not in sc["median"]:
                continue
            pair = (
                f"{fmt(r.get(f'{pk}/duckdb paired wall_s'))} / "
                f"{fmt(r.get(f'{pk}/duckdb paired compute_s'))}"
            )
            cells = [
                f"{fmt(r.get(f'{pk}/{x} wall_s'))} / {fmt(r.get(f'{pk}/{x} compute_s'))}"
                for x in ("duckdb", "pandas", "floor")
            ]
            cells.insert(1, fmt(r.get(f"{pk}/duckdb peak")))
            lines.append(f"| {pk} | {pair} | " + " | ".join(cells) + " |")
        checks = sc["correctness"]
        if checks and all(v["ok"] for v in checks.values()):
            status = "all identical"
        else:
            status = "; ".join(
                f"{k}: {', '.join(v['problems'])}" for k, v in checks.items() if not v["ok"]
            )
        skipped = sorted({c for v in checks.values() for c in v["not_compared"]})
        if skipped:
            who = ", ".join(k for k, v in checks.items() if v["not_compared"])
            status += f" (not computed by {who}, so not compared: {', '.join(skipped)})"
        engines = "; ".join(
            f"{k} {v['winner']} ({v['streaming/in-memory']:.2f})"
            for k, v in sc["engine_winner"].items()
        )
        lines += [
            "",
            f"Correctness vs {sc['reference']}: {status}; vital few: {sc['vital_count']:,}.",
            "",
            (
                f"Faster polars engine (in-process medians, streaming / in-memory): {engines}. "
                if engines
                else ""
            )
            + "Load average (1 minute) during the runs: "
            + ", ".join(f"{x:.1f}" for x in sc["loadavg_1min"])
            + ".",
        ]
        inter = sc.get("interactive")
        if inter and "error" not in inter:
            lines += [
                "",
                f"Interactive on the collected scorecard ({inter['partners']:,} partners, "
                f"median of {inter['reps']} repetitions, source: {inter['source']}): "
                + ", ".join(f"{k} {v:.2f} ms" for k, v in inter["median_ms"].items()),
            ]
            if "tiled_100k" in inter:
                t = inter["tiled_100k"]
                lines.append(
                    f"Same on {t['partners']:,} partners (the scorecard tiled with fresh ids): "
                    + ", ".join(f"{k} {v:.2f} ms" for k, v in t["median_ms"].items())
                )
        elif inter:
            lines += ["", f"Interactive: error {inter['error']}"]
        lines += profile_lines(sc.get("profile"))
        lines.append("")
    for dataset, g in result.get("growth", {}).items():
        lines += growth_lines(
            dataset,
            g,
            [sc["scale"] for sc in result["scales"] if sc.get("dataset", "base") == dataset],
            result.get("row_growth", {}).get(dataset, {}),
        )
    return "\n".join(lines)


def growth_lines(
    dataset: str, g: dict[str, Any], scales: list[str], rows_up: dict[str, float]
) -> list[str]:
    """The growth tables of one data set."""
    lines: list[str] = []
    if g:
        lines += [
            f"### Growth ({dataset}): compute time per raw row (deals + activities), ns",
            "",
            "| measure | " + " | ".join(scales) + " |",
            "|---|" + "---:|" * len(scales),
        ]
        for name, v in g.items():
            cells = [fmt(v["ns_per_row"].get(s)) for s in scales]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        if rows_up:
            lines += [
                "",
                "Growth of the compute time between scales (linear = the growth of the rows: "
                + ", ".join(f"{k} x{v:.1f}" for k, v in rows_up.items())
                + "):",
                "",
                "| measure | " + " | ".join(rows_up) + " |",
                "|---|" + "---:|" * len(rows_up),
            ]
            for name, v in g.items():
                cells = [fmt(v.get("time_growth", {}).get(k)) for k in rows_up]
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def profile_lines(prof: dict[str, Any] | None) -> list[str]:
    """Both engines' plans and where their time goes, summarised (see ``--profile``)."""
    if not prof:
        return []
    if "error" in prof:
        return ["", f"Profile: error {prof['error']}"]
    pol, duck = prof["polars"], prof["duckdb"]
    lines = [
        "",
        (
            "Where the time goes (in-process, one process each, median of "
            f"{pol['reps']} repetitions; the parts run alone, so they add up to more than the "
            "whole query, which overlaps them):"
        ),
        "",
        "| part | partnerkit (polars streaming) s | DuckDB s |",
        "|---|---:|---:|",
    ]
    for part, label in PROFILE_PARTS.items():
        lines.append(
            f"| {label} | {fmt(pol['parts_s'].get(part))} | {fmt(duck['parts_s'].get(part))} |"
        )
    lines += [
        "",
        "partnerkit's plan (`core_scorecard(...).explain(engine='streaming')`): "
        + "; ".join(pol["scans"])
        + f". {pol['aggregates']} group-bys, {pol['joins']} joins.",
        "",
        f"DuckDB's profile (`EXPLAIN (ANALYZE, FORMAT JSON)`, {duck['cpu_s']:.3f} s CPU in "
        "operators): scans "
        + "; ".join(duck["scans"])
        + ". Busiest operators: "
        + ", ".join(f"{o['type']} {o['s']:.3f} s ({o['rows']:,} rows)" for o in duck["top"])
        + ".",
    ]
    return lines


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
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    parser.add_argument("--save", help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.engine, Path(args.dir), args.save, args.reps)
        return 0
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
    skipped = [n for n in names if not available(n)]
    names = [n for n in names if available(n)]
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result: dict[str, Any] = {
        "started_utc": started,
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "runs": args.runs,
        "note": args.note,
        "machine": machine(),
        "skipped_unavailable": skipped,
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
