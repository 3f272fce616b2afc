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
  run by that engine (the folder read by the engine, the core facts,
  ``partnerkit.facts.core_facts``, built on its native frames and collected to polars), then
  stage 2's core scorecard on the facts. Spark runs ``local[2]`` at S and M only
  (:data:`SCALES_OF`): a correctness check and a time, not a race on two cores;
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
RUNS_OF: dict[str, int] = {"pk-engine-spark": 1}
"""Measures run fewer times than the other (Spark on two cores: a minute or more a run)."""
DUCKDB_SHAPES = ("duckdb", "duckdb-onescan", "duckdb-onepass")
"""The DuckDB peer's shapes; on each data set and scale the fastest is the reference."""
RATIO_ROWS = tuple(m for m in CORE if m not in (*DUCKDB_SHAPES, "pandas"))
"""The measures whose ratios to DuckDB, pandas and the scan floor are reported."""
ENGINE_PAIRS = (
    ("pk-core", "pk-core", "pk-core-inmem"),
    ("polars-hand", "polars-hand-stream", "polars-hand"),
    ("floor", "floor-stream", "floor"),
)
"""(what, streaming measure, in-memory measure): the same query on both polars engines."""
ENGINE_API = (
    "partnerkit.facts.engines.read_tables(folder, engine=E) -> partnerkit.facts.latest_event "
    "-> partnerkit.facts.core_facts(...).collect() -> metrics.scorecard.core_scorecard(facts)"
)


def peak_kib(pid: int | str = "self") -> int:
    """A process' peak resident memory so far (``VmHWM``), KiB; -1 when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def descendants(pid: int | str = "self") -> list[int]:
    """Every live process started by ``pid``, its children's children included."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            out += [child, *descendants(child)]
    return out


def children_peak_kib() -> int:
    """Summed peak resident memory of this process' live descendants (Spark's JVM), KiB."""
    return sum(max(peak_kib(pid), 0) for pid in descendants())


def engine_imports(engine: str) -> None:
    """Import what :func:`engine_core` runs, so that the clock starts after the imports."""
    import partnerkit.facts  # noqa: PLC0415
    import partnerkit.facts.engines  # noqa: PLC0415
    import partnerkit.metrics.scorecard  # noqa: F401, PLC0415

    if engine == "duckdb":
        import duckdb  # noqa: F401, PLC0415
    elif engine == "spark":
        import pyspark.sql  # noqa: F401, PLC0415


def engine_core(folder: Path, engine: str) -> tuple[Any, dict[str, Any]]:
    """Stage 1's core on ``engine`` (read by it, facts built on its frames), then stage 2.

    The same calls as :func:`partnerkit.analysis.quick_scorecard` but with the tables read
    by ``engine`` and the facts collected to polars before stage 2 (on polars,
    ``quick_scorecard`` hands stage 2 the lazy facts instead, one fused query). Returns the
    core scorecard and what to report beside the time: the stage-1 time (reading and, for
    Spark, the session start included) and the session start alone.
    """
    from partnerkit.facts import FactSettings, core_facts, latest_event  # noqa: PLC0415
    from partnerkit.facts.engines import read_tables, spark_session  # noqa: PLC0415
    from partnerkit.metrics.scorecard import core_scorecard  # noqa: PLC0415
    from partnerkit.policy import Policy  # noqa: PLC0415
    from partnerkit.window import Window  # noqa: PLC0415

    info: dict[str, Any] = {"api": ENGINE_API}
    t0 = time.perf_counter()
    spark = spark_session() if engine == "spark" else None
    info["session_s"] = time.perf_counter() - t0
    tables, supplied = read_tables(folder, engine=engine, spark=spark)
    policy = Policy()
    as_of = latest_event(tables)
    assert as_of is not None, "no event in the data"
    window = Window.ending(as_of, months=policy.lookback_months)
    settings = FactSettings.from_policy(policy, window)
    stage = core_facts(tables, window=window, settings=settings, supplied=supplied)
    assert stage.engine == engine, (stage.engine, engine)
    facts = stage.collect()
    info["stage_one_s"] = time.perf_counter() - t0
    card = core_scorecard(facts, policy=policy).collect()
    if spark is not None:
        info["jvm_vmhwm_kib"] = children_peak_kib()  # the JVM is a process of its own
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
        engine_imports(engine or "polars")
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
