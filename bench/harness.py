"""The benchmark harness: data, fresh processes taken in turn, result checks, medians.

- **Data** (:func:`generate`): a Parquet portfolio per data set and scale, made once and
  reused while its stamp (the generator's arguments) matches: ``base`` with ``partnerkit
  sample`` under ``bench/data/<scale>``, ``alt`` with ``bench/gen_alt.py`` (shaped
  independently of the package) under ``bench/data/alt-<scale>``.
- **Runs** (:func:`run_one`): each measured thing (see ``measures.py``) in a fresh
  subprocess; the child times its computation after its imports (``compute``) and reports
  its peak resident memory (``VmHWM``, read just before it exits; ``ru_maxrss`` from
  ``wait4`` is kept too, but on Linux it also counts the parent's pages copied at fork); the
  parent times the whole process (``wall``) and stops a child that passes a memory or time
  limit. Spark's JVM is a process of its own: its peak is added to the driver's.
- **Rounds** (:func:`bench_scale`): every measure once per round, in turn (A B C A B C ...),
  so that machine drift cancels in the ratios taken pair by pair (:func:`paired`).
- **Checks** (:func:`compare`): the first run of every core implementation saves its
  result; all must equal the DuckDB peer's (``polars.testing.assert_frame_equal``).

This file is not part of the test suite.
"""

from __future__ import annotations

import argparse
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

from measures import CORE, MEASURES, RUNS_OF, SCALES_OF

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


# --- data ---


def generate(scale: str, data_root: Path, dataset: str = "base") -> tuple[Path, dict[str, Any]]:
    """Make the portfolio of ``scale`` unless a folder stamped with the same arguments exists."""
    partners, deals_per, acts_per = SCALES[scale]
    folder = data_root / (scale if dataset == "base" else f"{dataset}-{scale}")
    generator = DATASETS["alt"] if dataset == "alt" else "partnerkit sample"
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
    else:
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


# --- processes ---


def rss_kib(pid: int) -> int:
    """A running process' resident memory now (``VmRSS``), KiB; 0 once it is gone."""
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
    cmd = [sys.executable, str(HERE / "measures.py"), kind_, "--dir", str(folder)]
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
            if not killed and rss_kib(proc.pid) > max_kib:
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


# --- checks and summaries ---


def compare(a: Any, b: Any) -> list[str]:
    """Differences between two core results, by ``polars.testing.assert_frame_equal``.

    The result columns both have, rows sorted by ``partner_id``; integer and float widths
    may differ between engines (``check_dtypes=False``), values may not: ids, counts, ranks,
    flags and nulls exactly, floats within 1e-9 relative.
    """
    from polars.testing import assert_frame_equal  # noqa: PLC0415

    common = [c for c in b.columns if c in a.columns]
    try:
        assert_frame_equal(
            a.select(common).sort("partner_id"),
            b.select(common).sort("partner_id"),
            check_dtypes=False,
            rel_tol=1e-9,
            abs_tol=0.0,
        )
    except AssertionError as e:
        return [" ".join(str(e).split())]
    return []


def peak_of(rec: dict[str, Any]) -> int:
    """A run's peak memory, KiB: the process', plus its JVM's when Spark ran one."""
    return int(rec["vmhwm_kib"]) + int(rec.get("jvm_vmhwm_kib", 0))


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def paired(raw: dict[str, list[dict[str, Any]]], a: str, b: str, field: str) -> float | None:
    """Median over the runs of ``a``'s figure over ``b``'s in the same round (taken in turn)."""
    pairs = [
        x[field] / y[field]
        for x, y in zip(raw.get(a, []), raw.get(b, []), strict=False)
        if "error" not in x and "error" not in y and y.get(field)
    ]
    return statistics.median(pairs) if pairs else None


def bench_scale(
    scale: str, args: argparse.Namespace, names: list[str], dataset: str = "base"
) -> dict[str, Any]:
    """Every measure of ``names`` that runs at ``scale``, ``args.runs`` rounds, then checks."""
    import polars as pl  # noqa: PLC0415

    names = [n for n in names if scale in SCALES_OF.get(n, SCALES)]
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
                if i >= RUNS_OF.get(name, args.runs):
                    continue
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
        vital = 0
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
            "peak_mib": median([peak_of(r) / 1024 for r in ok]),
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


def machine() -> dict[str, Any]:
    """The machine and the versions of every engine measured."""
    import duckdb  # noqa: PLC0415
    import narwhals  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    import polars as pl  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415
    import pyspark  # noqa: PLC0415

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
        "narwhals": narwhals.__version__,
        "pyspark": pyspark.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "platform": platform.platform(),
    }
