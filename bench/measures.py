"""The measured things: what each benchmark subprocess runs, and how it reports.

Run by the harness as ``python bench/measures.py KIND --dir FOLDER [--engine E] [--save
FILE] [--reps N]`` in a fresh process: it imports what the measure needs, starts the clock,
computes, stops the clock, optionally saves the result (Parquet) for the correctness check,
and prints one line ``BENCH {"compute_s": ..., "vmhwm_kib": ...}``.

Measures (name -> kind and engine, see :data:`MEASURES`):

- ``pk-core`` / ``pk-core-inmem`` / ``pk-core-validated``: partnerkit's core scorecard as a
  user calls it (``read_portfolio`` then ``quick_scorecard``), on polars' streaming or
  in-memory engine, with or without every row rule checked;
- ``pk-engine-polars`` / ``pk-engine-duckdb`` / ``pk-engine-spark``: partnerkit's stage 1
  run by that engine (the folder read by the engine, ``partnerkit.facts.build_facts`` on
  its native frames, the small facts collected to polars), then stage 2's core scorecard on
  the facts. Spark runs ``local[2]`` at S and M only (:data:`SCALES_OF`): a correctness
  check and a time, not a race on two cores;
- ``polars-hand`` / ``polars-hand-stream``: the best hand-written polars query;
- ``duckdb`` / ``duckdb-onescan`` / ``duckdb-onepass``: the DuckDB peer in its three
  activity shapes (``impl_duckdb.py``);
- ``pandas``; ``floor`` / ``floor-stream`` (reading every needed column once);
- ``pk-load`` (read and validate), ``pk-analyze`` (read, validate, every analysis).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# measured things: name -> (worker kind, engine)
MEASURES: dict[str, tuple[str, str | None]] = {
    "pk-core": ("pk-core", "streaming"),
    "pk-core-inmem": ("pk-core", "in-memory"),
    "pk-core-validated": ("pk-core-validated", "streaming"),
    "pk-engine-polars": ("pk-engine", "polars"),
    "pk-engine-duckdb": ("pk-engine", "duckdb"),
    "pk-engine-spark": ("pk-engine", "spark"),
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
    "pk-engine-polars",
    "pk-engine-duckdb",
    "pk-engine-spark",
    "polars-hand",
    "polars-hand-stream",
    "duckdb",
    "duckdb-onescan",
    "duckdb-onepass",
    "pandas",
)
"""Measures that compute the core scorecard: their results must all be equal."""
SCALES_OF: dict[str, tuple[str, ...]] = {"pk-engine-spark": ("S", "M")}
"""Measures run at some scales only (default: every scale)."""
DUCKDB_SHAPES = ("duckdb", "duckdb-onescan", "duckdb-onepass")
"""The DuckDB peer's shapes; on each data set and scale the fastest is the reference."""
RATIO_ROWS = (
    "pk-core",
    "pk-core-inmem",
    "pk-core-validated",
    "pk-engine-polars",
    "pk-engine-duckdb",
    "pk-engine-spark",
    "polars-hand",
    "polars-hand-stream",
)
"""The measures whose ratios to DuckDB, pandas and the scan floor are reported."""
ENGINE_PAIRS = (
    ("pk-core", "pk-core", "pk-core-inmem"),
    ("polars-hand", "polars-hand-stream", "polars-hand"),
    ("floor", "floor-stream", "floor"),
)
"""(what, streaming measure, in-memory measure): the same query on both polars engines."""
ENGINE_API = (
    "partnerkit.facts.engines.read_tables(folder, engine=E) -> partnerkit.facts.latest_event "
    "-> partnerkit.facts.build_facts(...).collect() -> stage 2 core scorecard on the facts"
)


def peak_kib() -> int:
    """This process' peak resident memory so far (``VmHWM``), KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def engine_core(folder: Path, engine: str) -> tuple[Any, dict[str, Any]]:
    """Stage 1 on ``engine`` (read by it, facts built on its frames), stage 2's core on them.

    Returns the core scorecard (polars) and what to report beside the time: the stage-1
    time (reading included) and, for Spark, the session start (inside the clock too).
    """
    from partnerkit.analysis import core_from_facts  # noqa: PLC0415
    from partnerkit.facts import FactSettings, build_facts, latest_event  # noqa: PLC0415
    from partnerkit.facts.engines import read_tables, spark_session  # noqa: PLC0415
    from partnerkit.policy import Policy  # noqa: PLC0415
    from partnerkit.window import Window  # noqa: PLC0415

    info: dict[str, Any] = {"api": ENGINE_API}
    t0 = time.perf_counter()
    spark = spark_session() if engine == "spark" else None
    info["session_s"] = time.perf_counter() - t0
    tables, supplied = read_tables(folder, engine=engine, spark=spark)
    policy = Policy()
    as_of = latest_event(tables)
    window = Window.ending(as_of, months=policy.lookback_months)
    settings = FactSettings.from_policy(policy, window)
    stage = build_facts(tables, window=window, settings=settings, supplied=supplied)
    assert stage.engine == engine, (stage.engine, engine)
    facts = stage.collect()
    info["stage_one_s"] = time.perf_counter() - t0
    card = core_from_facts(facts, policy=policy)
    if spark is not None:
        spark.stop()
    return card, info


def worker(kind: str, engine: str | None, folder: Path, save: str | None, reps: int) -> None:
    """Run one measured thing in this (fresh) process and print its timings as JSON."""
    import impl_polars as ip  # noqa: PLC0415
    import polars as pl  # noqa: PLC0415
    from harness import table_paths  # noqa: PLC0415

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
    elif kind == "pk-engine":
        t0 = time.perf_counter()
        result, more = engine_core(folder, engine or "polars")
        info.update(more)
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
    print(
        "BENCH "
        + json.dumps({"compute_s": elapsed, "vmhwm_kib": peak_kib(), **info}, default=_json)
    )


def _json(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def main() -> int:
    parser = argparse.ArgumentParser(description="Run one measured thing (see the docstring).")
    parser.add_argument("kind")
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--engine")
    parser.add_argument("--save")
    parser.add_argument("--reps", type=int, default=0)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    worker(args.kind, args.engine, args.dir, args.save, args.reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
