"""Explorer response times: in the kernel at 20,000 and 100,000 partners, and in a browser.

Kernel side: the sample portfolio is analysed once (``analyze(read_portfolio(...))``), then its
scorecard and health percentiles are tiled with fresh partner ids to 20,000 and 100,000
partners (the explorer reads nothing else). For each size a ``PortfolioExplorer`` is built and
each control is changed as a user would change it (``control.value = ...``); the clock runs
from the assignment until the observers have returned, by which time the explorer has a new
view, new key figures, a new table and a new chart spec assigned to its chart widget. Every
change is a setting not seen before (the explorer keeps the chart spec of recent settings;
that cache is emptied before each change), so no change is served from it. Outside a kernel
the widgets have no comm, so the time to send the spec to the page is not included.

Browser side: ``make dashboard`` (Voila) on a copy of the dashboard notebook and the sample,
started and stopped by the browser tests' harness (``tests/charts/browser.py``: its server
helper and its Chromium flags, every request off the loopback refused); headless Chromium
types a new threshold in the explorer's box and presses Enter; the clock runs until the
chart's subtitle shows the new threshold (kernel round trip, spec sent, Vega re-render;
Playwright polls the page once per animation frame, about 16 ms).

Usage: ``.venv/bin/python bench/interactive.py [--reps 15] [--no-browser] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples"
SIZES = (20_000, 100_000)
TARGET_MS = 50.0


@dataclass(frozen=True)
class Tiled:
    """The parts of an analysis the explorer reads, tiled to ``n`` partners."""

    scorecard: pl.DataFrame
    health_percentiles: pl.DataFrame
    health_explained: pl.DataFrame
    policy: object
    as_of: dt.date


def tiled(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    copies = -(-n // frame.height)
    fresh = [frame.with_columns(pl.col("partner_id") + f"~{i}") for i in range(copies)]
    return pl.concat(fresh, rechunk=True).head(n)


def timed(change: Callable[[], None]) -> tuple[float, float]:
    """Run ``change``; return its wall time and this process's CPU time (all threads), in ms."""
    start, cpu = time.perf_counter(), time.process_time()
    change()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def kernel_side(reps: int) -> list[dict[str, object]]:
    from partnerkit.analysis import analyze  # noqa: PLC0415
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415
    from partnerkit.widgets.explorer import PortfolioExplorer  # noqa: PLC0415

    analysis = analyze(read_portfolio(SAMPLE))
    rows: list[dict[str, object]] = []
    for n in SIZES:
        stub = Tiled(
            tiled(analysis.scorecard, n),
            tiled(analysis.health_percentiles, n),
            analysis.health_explained.head(0),
            analysis.policy,
            analysis.as_of,
        )
        ex = PortfolioExplorer(stub)  # type: ignore[arg-type]
        region = ex.filter_controls["region"]
        weight = next(iter(ex.weight_controls.values()))
        values = [v for _, v in ex.value_control.options]

        def fresh(change: Callable[[], None], ex: PortfolioExplorer = ex) -> tuple[float, float]:
            ex._kept.clear()
            return timed(change)

        measures: dict[str, list[tuple[float, float]]] = {
            "threshold (slider or typed)": [],
            "filter (tick a region)": [],
            "health weight": [],
            "value to rank by": [],
        }
        for i in range(reps):
            share = 0.55 + 0.4 * (i + 1) / (reps + 1)
            measures["threshold (slider or typed)"].append(
                fresh(partial(setattr, ex.threshold_control, "value", share))
            )
            box = region.boxes[i % len(region.boxes)]
            measures["filter (tick a region)"].append(
                fresh(partial(setattr, box, "value", not box.value))
            )
            measures["health weight"].append(
                fresh(partial(setattr, weight, "value", 0.25 * (i % 12)))
            )
            value = values[(i + 1) % len(values)]
            measures["value to rank by"].append(
                fresh(partial(setattr, ex.value_control, "value", value))
            )
        for control, times in measures.items():
            rows.append(
                {
                    "partners": n,
                    "control": control,
                    "median_ms": statistics.median(wall for wall, _ in times),
                    "max_ms": max(wall for wall, _ in times),
                    "cpu_ms": statistics.median(cpu for _, cpu in times),
                    "reps": len(times),
                }
            )
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def browser_side(reps: int) -> dict[str, object]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    sys.path.insert(0, str(ROOT))
    from tests.charts import browser as harness  # noqa: PLC0415

    port = _free_port()
    work = Path(tempfile.mkdtemp(prefix="pk-bench-"))
    # a copy of the notebook and the sample, so that the ledger and exports stay out of the tree
    shutil.copytree(SAMPLE, work / "data" / "samples")
    (work / "dashboards").mkdir()
    (work / "notebooks").mkdir()
    shutil.copy2(ROOT / "dashboards" / "review.ipynb", work / "dashboards" / "review.ipynb")
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
        "JUPYTER_CONFIG_DIR": str(work / "config"),
    }
    argv = [
        "make",
        "--no-print-directory",
        "dashboard",
        f"DASHBOARD={work / 'dashboards' / 'review.ipynb'}",
        f"DASHBOARD_PORT={port}",
    ]
    base = f"http://127.0.0.1:{port}/"
    times: list[float] = []
    with (
        harness.serve(
            argv,
            cwd=ROOT,
            env=env,
            log=work / "voila.log",
            status_url=base + "api/status",
            what="Voila",
            any_answer=True,
        ),
        sync_playwright() as pw,
    ):
        chromium = pw.chromium.launch(
            executable_path=str(harness.CHROMIUM), headless=True, args=harness.PLAYWRIGHT_FLAGS
        )
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                else route.abort()
            ),
        )
        page.goto(base, wait_until="domcontentloaded", timeout=240_000)
        page.locator(".vega-embed svg.marks").first.wait_for(timeout=240_000)
        box = page.locator(".widget-text input").first
        for i in range(reps):
            share = 60 + (i * 3) % 38
            box.fill(f"{share}%")
            start = time.perf_counter()
            box.press("Enter")
            page.wait_for_function(
                f"() => document.body.innerText.includes('produce {share}% of')",
                polling="raf",
                timeout=60_000,
            )
            times.append((time.perf_counter() - start) * 1000)
        chromium.close()
    return {
        "partners": "sample (150)",
        "median_ms": statistics.median(times),
        "max_ms": max(times),
        "reps": reps,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "interactive.md")
    args = parser.parse_args()

    load = os.getloadavg()
    kernel = kernel_side(args.reps)
    browser = None if args.no_browser else browser_side(max(5, args.reps // 3))
    shown = [f"--reps {args.reps}"] + (["--no-browser"] if args.no_browser else [])
    command = "python bench/interactive.py " + " ".join(shown)
    lines = [
        "# Explorer response times",
        "",
        (
            f"Command: `{command}` ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
            f"{platform.python_implementation()} {platform.python_version()}, polars "
            f"{pl.__version__}, {os.cpu_count()} cores; load average at the start "
            f"{load[0]:.1f}, at the end {os.getloadavg()[0]:.1f})."
        ),
        "",
        "## In the kernel: a control change to a new chart spec",
        "",
        (
            f"Target: under {TARGET_MS:.0f} ms at 100,000 partners. Medians of {args.reps} "
            "changes per control, each to a setting not seen before (see the script's "
            "docstring). Median ms is wall time, what the analyst waits; CPU ms is the "
            "kernel process's CPU time over all its threads, which other work on the machine "
            "does not inflate (it can exceed the wall time when polars runs in parallel)."
        ),
        "",
        "| partners | control | median ms | max ms | CPU ms (median) | target met |",
        "|---:|---|---:|---:|---:|:--:|",
    ]
    for row in kernel:
        met = "yes" if float(row["median_ms"]) < TARGET_MS else "no"  # type: ignore[arg-type]
        lines.append(
            f"| {row['partners']:,} | {row['control']} | {row['median_ms']:.1f} | "
            f"{row['max_ms']:.1f} | {row['cpu_ms']:.1f} | {met} |"
        )
    if browser is not None:
        lines += [
            "",
            "## In the browser: typed threshold to redrawn chart (Voila, headless Chromium)",
            "",
            "| portfolio | median ms | max ms | changes |",
            "|---|---:|---:|---:|",
            (
                f"| {browser['partners']} | {browser['median_ms']:.0f} | "
                f"{browser['max_ms']:.0f} | {browser['reps']} |"
            ),
        ]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
