"""Profile ``partnerkit report`` step by step, beside ``partnerkit analyze``.

Two measurements, each round in fresh processes (imports are part of what is measured):

1. **Steps** (``--child``): one process does what the ``report`` command does, in its order,
   timing each step with ``time.process_time`` (CPU of every thread of the process: chart
   renders run in vl-convert's threads) and ``time.perf_counter`` (wall):

   ``import partnerkit`` (polars and the package), ``import charts + report`` (altair
   without its Jupyter widget, as the command imports it; vl-convert; Jinja2), ``read``
   (read and validate the folder), ``analyze``, ``on-demand outputs`` (lift and health
   explanation, which the charts read), ``content`` (every text of the page as the report
   writes it: QoQ / YoY from the facts, figures, groups, review pages, scorecard table, and
   the two CSV files),
   ``chart specs`` (build the pack with altair and turn it into dicts), ``render`` (the SVGs,
   in the renderer process started, as the command does, right after ``import
   partnerkit``), ``template`` (Jinja2) and ``write`` (the chart files and the page). The
   command overlaps the specs, the renders and the page's text; here each waits for the
   one before.
   As in the command, Python's cycle collector is paused after ``import partnerkit``.

2. **Whole commands**: ``partnerkit report SOURCE --out DIR`` and ``partnerkit analyze
   SOURCE`` run in turn, their CPU (user + system of the process and its children, from
   ``os.wait4``), wall time and peak memory; the ratio report / analyze is taken pair by
   pair.

Usage::

    .venv/bin/python bench/profile_report.py data/samples --rounds 5
    .venv/bin/python bench/profile_report.py data/samples --rounds 5 --out bench/profile_report.md

The steps replicate :func:`partnerkit.report.build.build_report` (same functions, same order)
so that each can be timed alone; the whole-command rows time the real command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STEPS = (
    "import partnerkit",
    "import charts + report",
    "read",
    "analyze",
    "on-demand outputs",
    "content",
    "chart specs",
    "render",
    "template",
    "write",
)


def child(source: Path, out: Path) -> dict[str, list[float]]:
    """Do the report's work step by step in this process; return {step: [cpu, wall]}."""
    times: dict[str, list[float]] = {}
    last = [time.process_time(), time.perf_counter()]

    def mark(step: str) -> None:
        now = [time.process_time(), time.perf_counter()]
        times[step] = [now[0] - last[0], now[1] - last[1]]
        last[:] = [time.process_time(), time.perf_counter()]

    import partnerkit  # noqa: PLC0415

    mark("import partnerkit")
    gc.disable()  # as the report command does from here on
    partnerkit._imports.headless()  # as the report command does
    from partnerkit.charts import renderer  # noqa: PLC0415

    renderer.start()  # as the report command does: charts render in a process of their own
    from partnerkit.analysis import analyze  # noqa: PLC0415
    from partnerkit.charts import theme  # noqa: PLC0415
    from partnerkit.charts.export import render_all  # noqa: PLC0415
    from partnerkit.charts.pack import chart_pack  # noqa: PLC0415
    from partnerkit.facts import portfolio_currency  # noqa: PLC0415
    from partnerkit.io import write_atomic  # noqa: PLC0415
    from partnerkit.load.read import read_portfolio  # noqa: PLC0415
    from partnerkit.report import build, content  # noqa: PLC0415
    from partnerkit.report.render import render_report  # noqa: PLC0415

    mark("import charts + report")
    portfolio = read_portfolio(source)
    mark("read")
    analysis = analyze(portfolio)
    mark("analyze")
    _ = analysis.lift, analysis.health_explained
    mark("on-demand outputs")
    card = analysis.scorecard
    money = portfolio_currency(portfolio)
    chosen, intro, groups = build._chosen(card, None, all_partners=False, currency=money)
    # the page's text as the report writes it (quarter changes, review pages, tables, CSVs)
    text = build._page_text(analysis, card, chosen, intro=intro, folder=out, currency=money)
    mark("content")  # the quarter changes and the CSV files included
    with theme.enabled():
        pack = {name: chart.to_dict(validate=False) for name, chart in chart_pack(analysis).items()}
    mark("chart specs")
    rendered = render_all(pack, ["svg"])
    mark("render")
    html = render_report(
        {
            **text,
            "title": build.TITLE,
            "sections": content.chart_captions(build.SECTIONS, set(pack)),
            "notes": (
                *text["notes"],
                *content.charts_not_drawn(build.SECTIONS, set(pack), build.NO_DATA),
            ),
            "images": {name: build._b64(rendered[name, "svg"]) for name in pack},
            "partner_images": {},
            "colours": build.RECOMMENDATION_COLORS,
            "review_groups": groups,
            "review_more": content.review_more(groups),
            "left_out_named": content.LEFT_OUT_NAMED,
        }
    )
    mark("template")
    for (name, fmt), data in rendered.items():
        write_atomic(out / "charts" / f"{name}.{fmt}", data)
    write_atomic(out / "report.html", html.encode())
    mark("write")
    return times


def _whole(command: list[str]) -> dict[str, float]:
    """Run ``command``; return its CPU (user + sys), wall seconds and peak MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "peak": usage.ru_maxrss / 1024}


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} | {min(values):.3f} | {max(values):.3f}"


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print (and write with ``--out``) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.source, args.child)))
        return 0
    steps: dict[str, list[list[float]]] = {s: [] for s in STEPS}
    whole: dict[str, list[dict[str, float]]] = {"report": [], "analyze": []}
    with tempfile.TemporaryDirectory(prefix="pk-report-") as scratch:
        commands = {
            "report": [str(BIN / "partnerkit"), "report", str(args.source), "--out", scratch],
            "analyze": [str(BIN / "partnerkit"), "analyze", str(args.source)],
        }
        for command in commands.values():  # warm-up round, not counted
            _whole(command)
        for _ in range(args.rounds):
            out = subprocess.run(
                [sys.executable, __file__, str(args.source), "--child", scratch],
                capture_output=True,
                text=True,
                check=True,
            )
            for step, pair in json.loads(out.stdout.splitlines()[-1]).items():
                steps[step].append(pair)
            for name, command in commands.items():
                whole[name].append(_whole(command))
    lines = [
        (
            f"Source: `{args.source}`; {args.rounds} rounds after one warm-up, fresh processes, "
            f"medians (min, max). Machine: {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, 1-minute load {os.getloadavg()[0]:.1f} at the end; "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC."
        ),
        "",
        "| step | CPU s | min | max | wall s | min | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for step, pairs in steps.items():
        cpu = [p[0] for p in pairs]
        wall = [p[1] for p in pairs]
        lines.append(f"| {step} | {_spread(cpu)} | {_spread(wall)} |")
    total_cpu = [sum(steps[s][i][0] for s in STEPS) for i in range(args.rounds)]
    total_wall = [sum(steps[s][i][1] for s in STEPS) for i in range(args.rounds)]
    lines.append(f"| **sum of steps** | {_spread(total_cpu)} | {_spread(total_wall)} |")
    lines += [
        "",
        "Whole commands, in turn (CPU = user + system of the process and its threads):",
        "",
        "| command | CPU s | min | max | wall s | min | max | peak MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs in whole.items():
        lines.append(
            f"| `partnerkit {name}` | {_spread([r['cpu'] for r in runs])} | "
            f"{_spread([r['wall'] for r in runs])} | "
            f"{statistics.median(r['peak'] for r in runs):.0f} |"
        )
    lines += ["", "| report / analyze, pair by pair | median | min | max |", "|---|---:|---:|---:|"]
    for key in ("cpu", "wall"):
        ratios = [a[key] / b[key] for a, b in zip(whole["report"], whole["analyze"], strict=True)]
        lines.append(f"| {key} | {_spread(ratios)} |")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
