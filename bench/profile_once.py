"""One measured run in this (fresh) process: DuckDB's core, or partnerkit's full analysis.

For scales where repeating a run is too costly (L): prints CPU time (every thread), wall
time and the peak resident memory of the process (VmHWM). ``pk`` times
``read_portfolio(folder)`` (every row validated), then ``analyze`` of it, then
``.compute()`` of the outputs ``analyze`` leaves to first access.

Usage::

    .venv/bin/python bench/profile_once.py duckdb bench/data/L
    .venv/bin/python bench/profile_once.py pk bench/data/L
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    mode, folder = sys.argv[1], Path(sys.argv[2])
    c0, t0 = time.process_time(), time.perf_counter()
    if mode == "duckdb":
        import harness  # noqa: PLC0415
        import impl_duckdb  # noqa: PLC0415

        impl_duckdb.core(harness.table_paths(folder))
    elif mode == "pk":
        from partnerkit.analysis import analyze  # noqa: PLC0415
        from partnerkit.load.read import read_portfolio  # noqa: PLC0415

        portfolio = read_portfolio(folder)
        c1, t1 = time.process_time(), time.perf_counter()
        print(f"read+validate (imports included): cpu {c1 - c0:.2f} s, wall {t1 - t0:.2f} s")
        a = analyze(portfolio)
        print(
            f"analyze alone: cpu {time.process_time() - c1:.2f} s, "
            f"wall {time.perf_counter() - t1:.2f} s"
        )
        print(
            f"read+validate+analyze: cpu {time.process_time() - c0:.2f} s, "
            f"wall {time.perf_counter() - t0:.2f} s"
        )
        a.compute()
    else:
        raise SystemExit(f"unknown mode {mode!r} (duckdb or pk)")
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next((line.split()[1] for line in status if line.startswith("VmHWM:")), "?")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{mode}: cpu {time.process_time() - c0:.2f} s, wall {time.perf_counter() - t0:.2f} s, "
        f"peak {peak} kB, load average {load}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
