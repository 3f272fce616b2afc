"""Profile ``partnerkit.analysis.analyze`` step by step, beside DuckDB's core, in one process.

After one round left out (imports, first reads of the files), each round (rounds are taken
in turn so that machine drift cancels in the ratios):

1. ``duckdb-core``: the hand-written DuckDB core scorecard (``bench/impl_duckdb.py``) on
   the same Parquet files;
2. ``pipeline``: ``analyze(read_portfolio(folder))`` as a user calls it (read, every row
   rule validated, every analysis but those computed on first access), timed as a whole,
   then again with ``.compute()`` (the on-demand outputs too: lift, conflicts, coverage,
   health explanation);
3. the same work split into its steps, each timed alone: ``read+validate``,
   ``stage 1 collect`` (every fact frame, one ``collect_all``), ``conflicts`` (collected
   before the scorecard, which reads them), ``scorecard`` (collected without
   recommendations), ``recommend`` (on the collected scorecard), one line per
   stage-2 output (each collected alone from the collected scorecard, so their sum is more
   than the shared ``collect_all`` of :func:`partnerkit.analysis.analyze`) and one per
   on-demand output (``lift (bootstrap)`` is :func:`partnerkit.metrics.lift.lift`).

``--only floors`` times, paired with DuckDB's core in each round, the two parts no
read + validate + analyze can do without: reading every row with its checks
(``read+validate``) and the core scorecard of the rows already read
(:func:`partnerkit.analysis.quick_scorecard`, the least an analysis computes), and
``analyze`` of the files read without row checks (``validate=False``), beside the pipeline;
their ratios to DuckDB's core bound from below what the pipeline can reach.

``--dump`` accepts an old checkout too (``PYTHONPATH=<checkout>``), whose analysis may
still compute the conflicts on demand: the frames are read by name either way.

The table printed (and written with ``--out``) holds the median and the spread of every
step. ``--dump DIR`` writes every frame of one ``analyze`` to ``DIR/<name>.parquet``, and
``--compare A B`` reports, frame by frame, whether two dumps are equal (before/after
checks of a change that must not move results).

Usage::

    .venv/bin/python bench/profile_analyze.py bench/data/M --rounds 5 --out bench/profile-M.md
    .venv/bin/python bench/profile_analyze.py bench/data/M --dump /tmp/after-M
    .venv/bin/python bench/profile_analyze.py --compare /tmp/before-M /tmp/after-M
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

FRAMES = (
    "scorecard",
    "concentration",
    "vital_quarters",
    "lift",
    "timing",
    "conflicts",
    "incentives",
    "health_explained",
    "health_percentiles",
    "coverage",
    "tiers",
)


def peak_mib() -> float:
    """Peak resident memory of this process so far (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


CPU = "cpu: "
"""Prefix of the keys holding the CPU time (every thread of this process) of a step."""


def _timed(times: dict[str, list[float]], name: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; record its wall time under ``name`` and its CPU time under CPU + name."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    times.setdefault(name, []).append(time.perf_counter() - t0)
    times.setdefault(CPU + name, []).append(time.process_time() - c0)
    return out


def steps(folder: Path, times: dict[str, list[float]]) -> None:
    """Time every step of ``analyze`` alone (see the module docstring)."""
    from partnerkit.analysis import _derived, _on_demand, _settings  # noqa: PLC0415
    from partnerkit.decisions.recommend import recommend  # noqa: PLC0415
    from partnerkit.facts import from_portfolio  # noqa: PLC0415
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415
    from partnerkit.metrics.conflicts import conflicts  # noqa: PLC0415
    from partnerkit.metrics.scorecard import scorecard  # noqa: PLC0415

    portfolio = _timed(times, "read+validate", lambda: read_portfolio(folder))
    policy, window = _timed(
        times, "window (latest date)", lambda: _settings(portfolio, as_of=None, policy=None)
    )
    facts = _timed(
        times,
        "stage 1 collect",
        lambda: from_portfolio(portfolio, window=window, policy=policy).collect(),
    )
    pairs = _timed(
        times,
        "conflicts",
        lambda: conflicts(facts.accounts, partners=facts.partners).collect(engine="in-memory"),
    )
    bare = _timed(
        times,
        "scorecard",
        lambda: scorecard(
            facts.partners, facts=facts, policy=policy, conflict_pairs=pairs.lazy()
        ).collect(engine="in-memory"),
    )
    card = _timed(
        times,
        "recommend",
        lambda: recommend(bare.lazy(), policy=policy).collect(engine="in-memory"),
    )
    for name, frame in _derived(card.lazy(), facts, policy).items():
        _timed(times, f"stage 2: {name}", lambda f=frame: f.collect(engine="in-memory"))
    for name, compute in _on_demand(card, facts, policy).items():
        label = "lift (bootstrap)" if name == "lift" else name
        _timed(times, f"on demand: {label}", compute)


def pipeline(folder: Path, *, everything: bool = False) -> Any:
    """``analyze(read_portfolio(folder))``: the whole user-facing pipeline.

    ``everything``: also compute the outputs ``analyze`` leaves to first access.
    """
    from partnerkit.analysis import analyze  # noqa: PLC0415
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415

    a = analyze(read_portfolio(folder))
    return a.compute() if everything and hasattr(a, "compute") else a


def floors(folder: Path, times: dict[str, list[float]]) -> None:
    """Time the parts of the pipeline that bound it from below (see the module docstring)."""
    from partnerkit.analysis import analyze, quick_scorecard  # noqa: PLC0415
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415

    _timed(times, "read+validate", lambda: read_portfolio(folder))
    unchecked = read_portfolio(folder, validate=False)
    _timed(times, "core scorecard (rows read, unchecked)", lambda: quick_scorecard(unchecked))
    _timed(
        times,
        "read without row checks + analyze",
        lambda: analyze(read_portfolio(folder, validate=False)),
    )


FLOOR = ("read+validate", "core scorecard (rows read, unchecked)")
"""The two parts whose sum bounds read + validate + analyze from below."""


def duckdb_core(folder: Path) -> Any:
    """The hand-written DuckDB core scorecard on the same files."""
    import harness  # noqa: PLC0415
    import impl_duckdb  # noqa: PLC0415

    return impl_duckdb.core(harness.table_paths(folder))


def profile(folder: Path, rounds: int, only: str | None) -> dict[str, list[float]]:
    """Time ``rounds`` rounds, after one round left out (imports, first reads of the files)."""
    warm: dict[str, list[float]] = {}
    if only in (None, "duckdb", "paired"):
        _timed(warm, "duckdb-core", lambda: duckdb_core(folder))
    if only in (None, "pipeline", "paired"):
        _timed(warm, "pipeline", lambda: pipeline(folder, everything=True))
    if only is None:
        steps(folder, warm)
    if only == "floors":
        floors(folder, warm)
    times: dict[str, list[float]] = {}
    for r in range(rounds):
        if only in (None, "duckdb", "paired", "floors"):
            _timed(times, "duckdb-core", lambda: duckdb_core(folder))
        if only == "floors":
            floors(folder, times)
        if only in (None, "pipeline", "paired", "floors"):
            _timed(times, "pipeline: read+validate+analyze", lambda: pipeline(folder))
            _timed(
                times,
                "pipeline, on-demand outputs too",
                lambda: pipeline(folder, everything=True),
            )
        if only is None:
            steps(folder, times)
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    return times


def render(folder: Path, times: dict[str, list[float]], command: str) -> str:
    if all(times.get(n) for n in FLOOR):
        for prefix in ("", CPU):
            parts = [times[prefix + n] for n in FLOOR]
            times[prefix + "floor: read+validate + core scorecard"] = [
                sum(x) for x in zip(*parts, strict=True)
            ]
    load = os.getloadavg()
    lines = [
        f"Command: `{command}`",
        "",
        (
            f"Data: `{folder.name}` ({', '.join(_rows(folder))}); "
            f"Python {platform.python_version()}, polars {pl.__version__}, "
            f"{os.cpu_count()} cores; load average after the run "
            f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min); peak memory "
            f"of the process {peak_mib():,.0f} MiB. The machine is shared: medians of the "
            "rounds, with the smallest and largest."
        ),
        "",
        "Wall time, and CPU time of every thread of the process (less disturbed than wall",
        "time by other work on the machine, though not immune to it).",
        "",
        "| step | wall median s | min | max | CPU median s | min | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ts in times.items():
        if name.startswith(CPU):
            continue
        cs = times[CPU + name]
        lines.append(
            f"| {name} | {statistics.median(ts):.3f} | {min(ts):.3f} | {max(ts):.3f} "
            f"| {statistics.median(cs):.3f} | {min(cs):.3f} | {max(cs):.3f} |"
        )
    lines.append("")
    for kind, prefix in (("wall", ""), ("CPU", CPU)):
        for name in (
            "pipeline: read+validate+analyze",
            "pipeline, on-demand outputs too",
            *FLOOR,
            "floor: read+validate + core scorecard",
            "read without row checks + analyze",
        ):
            ours, duck = times.get(prefix + name), times.get(prefix + "duckdb-core")
            if not ours or not duck or len(ours) != len(duck):
                continue
            ratios = [p / d for p, d in zip(ours, duck, strict=True)]
            lines.append(
                f"- {kind} time, {name} / DuckDB's core, paired per round: median "
                f"{statistics.median(ratios):.2f}x "
                f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)})."
            )
    return "\n".join(lines) + "\n"


def _rows(folder: Path) -> list[str]:
    out = []
    for name in ("partners", "deals", "activities"):
        path = folder / f"{name}.parquet"
        if path.exists():
            out.append(f"{pl.scan_parquet(path).select(pl.len()).collect().item():,} {name}")
    return out


def dump(folder: Path, out: Path) -> None:
    """Write every frame of one ``analyze`` to ``out/<name>.parquet``."""
    a = pipeline(folder, everything=True)
    out.mkdir(parents=True, exist_ok=True)
    for name in FRAMES:
        getattr(a, name).write_parquet(out / f"{name}.parquet")
    (out / "notes.txt").write_text("\n".join(a.notes) + "\n")


def _differing(left: pl.DataFrame, right: pl.DataFrame, column: str) -> int:
    """Rows (by position) whose ``column`` differs beyond a 1e-9 relative tolerance."""
    both = pl.DataFrame({"a": left[column], "b": right[column]}, strict=False)
    same_null = pl.col("a").is_null() & pl.col("b").is_null()
    if both["a"].dtype.is_float() and both["b"].dtype.is_float():
        scale = pl.max_horizontal(pl.col("a").abs(), pl.col("b").abs(), pl.lit(1.0))
        equal = (pl.col("a") - pl.col("b")).abs() <= 1e-9 * scale
    else:
        equal = pl.col("a") == pl.col("b")
    return int(both.select((~(equal.fill_null(value=False) | same_null)).sum()).item())


def compare(a: Path, b: Path) -> int:
    """Print, per frame, whether two dumps are equal and which columns differ; return the
    number of frames that differ in the columns both have."""
    bad = 0
    for name in FRAMES:
        left, right = pl.read_parquet(a / f"{name}.parquet"), pl.read_parquet(b / f"{name}.parquet")
        added = [c for c in right.columns if c not in left.columns]
        dropped = [c for c in left.columns if c not in right.columns]
        extra = (f"; new columns {added}" if added else "") + (
            f"; dropped columns {dropped}" if dropped else ""
        )
        if left.height != right.height:
            bad += 1
            print(f"{name}: DIFFERS: {left.height} -> {right.height} rows{extra}")
            continue
        diffs = {
            c: n for c in left.columns if c in right.columns and (n := _differing(left, right, c))
        }
        if diffs:
            bad += 1
            cols = ", ".join(f"{c} ({n} rows)" for c, n in diffs.items())
            print(f"{name}: DIFFERS in {cols}{extra}")
        else:
            print(f"{name}: equal in every shared column ({left.height} rows){extra}")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, nargs="?")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--only",
        choices=("duckdb", "pipeline", "paired", "floors"),
        help=(
            "time only DuckDB's core, only the pipeline, or both (paired) without the steps; "
            "floors: both, with the parts that bound the pipeline from below"
        ),
    )
    ap.add_argument("--out", type=Path, help="write the markdown table here")
    ap.add_argument("--dump", type=Path, help="write the frames of one analyze here and stop")
    ap.add_argument("--compare", type=Path, nargs=2, metavar=("A", "B"))
    args = ap.parse_args()
    if args.compare:
        return 1 if compare(*args.compare) else 0
    if args.folder is None:
        ap.error("folder is required")
    if args.dump:
        dump(args.folder, args.dump)
        return 0
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    times = profile(args.folder, args.rounds, args.only)
    command = "python bench/profile_analyze.py " + " ".join(
        a if not a.startswith("/") else Path(a).name for a in sys.argv[1:]
    )
    text = render(args.folder, times, command) + f"\nStarted {started}.\n"
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
