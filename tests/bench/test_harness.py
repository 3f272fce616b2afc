"""The benchmark harness' bookkeeping, with the measured processes replaced by stand-ins.

Which measures run at which scale and how many times, how memory is added up when Spark runs
a JVM beside the driver, that a result differing from the DuckDB peer's marks the run as
failed, and that the report shows the engine rows with their checks.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.bench_modules import bench_module

harness = bench_module("harness")
report = bench_module("report")

CARD = pl.DataFrame(
    {
        "partner_id": ["a", "b"],
        "won_revenue": [10.0, 0.0],
        "win_rate": [1.0, None],
        "rank": [1, None],
        "vital": [True, False],
    }
)


@pytest.fixture
def staged(tmp_path, monkeypatch):
    """bench_scale with a two-row data folder and processes that only report figures."""
    folder = tmp_path / "data"
    folder.mkdir()
    CARD.select("partner_id").write_parquet(folder / "partners.parquet")
    calls: list[str] = []
    wrong: set[str] = set()

    def generate(scale: str, root: Path, dataset: str = "base") -> tuple[Path, dict[str, Any]]:
        return folder, {"generator": "stand-in", "scale": scale}

    def run_one(name: str, where: Path, save: str | None = None, **_: Any) -> dict[str, Any]:
        calls.append(name)
        if save:
            card = CARD.with_columns(pl.col("won_revenue") + 0.01) if name in wrong else CARD
            card.write_parquet(save)
        rec = {"compute_s": 1.0, "wall_s": 2.0, "vmhwm_kib": 1024}
        if name == "pk-engine-spark":
            rec |= {"jvm_vmhwm_kib": 3 * 1024, "stage_one_s": 0.5, "session_s": 0.25}
        return rec

    monkeypatch.setattr(harness, "generate", generate)
    monkeypatch.setattr(harness, "run_one", run_one)
    args = argparse.Namespace(
        runs=3,
        data_dir=str(tmp_path),
        max_rss_gib=1.0,
        timeout_s=1.0,
        interactive_reps=0,
        profile=False,
    )
    return args, calls, wrong


NAMES = ["duckdb", "pk-core", "pk-engine-duckdb", "pk-engine-spark"]


def test_spark_runs_once_and_only_at_s_and_m(staged):
    args, calls, _ = staged
    at_m = harness.bench_scale("M", args, NAMES)
    assert calls.count("pk-engine-spark") == 1
    assert calls.count("duckdb") == calls.count("pk-engine-duckdb") == 3
    assert at_m["median"]["pk-engine-spark"]["runs"] == 1
    calls.clear()
    at_l = harness.bench_scale("L", args, NAMES)
    assert "pk-engine-spark" not in calls
    assert "pk-engine-spark" not in at_l["median"]
    assert calls.count("pk-core") == 3


def test_spark_peak_counts_its_jvm(staged):
    args, _, _ = staged
    med = harness.bench_scale("S", args, NAMES)["median"]
    assert med["pk-engine-spark"]["peak_mib"] == 4.0  # 1 MiB driver + 3 MiB JVM
    assert med["duckdb"]["peak_mib"] == 1.0


def test_every_core_result_is_checked_against_the_peer(staged):
    args, _, wrong = staged
    wrong.add("pk-engine-duckdb")
    sc = harness.bench_scale("S", args, NAMES)
    assert sc["reference"] == "duckdb"
    assert {k: v["ok"] for k, v in sc["correctness"].items()} == {
        "pk-core": True,
        "pk-engine-duckdb": False,
        "pk-engine-spark": True,
    }
    assert "won_revenue" in sc["correctness"]["pk-engine-duckdb"]["problems"][0]
    assert sc["vital_count"] == 1


def test_report_shows_engine_rows_with_their_check(staged):
    args, _, wrong = staged
    wrong.add("pk-engine-duckdb")
    result = {
        "started_utc": "2026-01-01T00:00:00Z",
        "runs": 3,
        "machine": {
            "nproc": 2,
            "memory": "1 GiB",
            "python": "3",
            "polars": "x",
            "duckdb": "y",
            "pandas": "z",
        },
        "scales": [harness.bench_scale("S", args, NAMES)],
    }
    report.derive(result)
    text = report.markdown(result)
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.count("|") > 8}
    assert rows["duckdb"].rstrip().endswith("| DIFFERS |")
    assert rows["spark"].rstrip().endswith("| identical |")
    assert "| 0.500 | 0.250 |" in rows["spark"]  # stage 1 and the session start


def test_compare_ignores_widths_and_order_but_not_values():
    wider = CARD.with_columns(pl.col("rank").cast(pl.Int32)).reverse()
    assert harness.compare(wider, CARD) == []
    assert harness.compare(CARD.with_columns(pl.lit(value=False).alias("vital")), CARD)
