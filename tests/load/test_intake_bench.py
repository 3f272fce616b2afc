"""The intake benchmark script runs and reads its generated exports without a problem."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench" / "intake.py"


def test_intake_bench_runs_small(capsys):
    spec = importlib.util.spec_from_file_location("bench_intake", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--rows", "3000", "--xlsx-rows", "300", "--runs", "1"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| deals")]
    assert len(rows) == 3
    # every generated export reads with no problem: the row counts are those written
    assert [r.split("|")[2].strip() for r in rows] == ["3,000", "3,000", "300"]
    assert [r.split("|")[3].strip() for r in rows] == ["0", "0", "0"]
