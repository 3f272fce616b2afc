"""Profile Run All of each notebook: kernel time per cell and per notebook.

Each notebook is executed from top to bottom in a fresh kernel (the project's ``python3``
kernel, as nbval runs it) through nbclient, in a scratch copy of the ``notebooks/`` folder
next to a link to the repository's ``data/`` folder, so that the relative sample path of the
settings cell resolves and nothing the notebooks write (exports, the decision ledger) lands
in the repository. Starting the kernel is not counted: the figure is what an analyst waits
for after pressing Run All in an open notebook.

For every cell, nbclient records when the kernel started executing it and when it replied
(``metadata.execution``): the difference is the cell's **kernel time** (wall time in the
kernel, including waiting for the chart renderer or a thread). Run All is the time from the
first cell's start to the last cell's reply. The kernel process' **CPU seconds** over Run All
(``/proc/<pid>/stat``, all its threads) are given beside it, since the machine is shared.

Usage::

    .venv/bin/python bench/profile_notebooks.py                      # every notebook, 3 rounds
    .venv/bin/python bench/profile_notebooks.py notebooks/01-*.ipynb --rounds 1
    .venv/bin/python bench/profile_notebooks.py --rounds 3 --out bench/profile_notebooks.md

The table printed (and written with ``--out``) holds, per notebook, the median Run All, its
range over the rounds and the kernel CPU, then the cells that took longest (median of the
rounds, first line of their code).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 3.0
"""Issue 15: Run All of each notebook on the sample in under 3 s of kernel time."""
SLOWEST = 4
"""Cells listed per notebook in the table of the slowest cells."""


@dataclass
class Run:
    """One Run All of one notebook."""

    run_all: float
    cpu: float
    cells: dict[int, float] = field(default_factory=dict)
    cells_cpu: dict[int, float] = field(default_factory=dict)


def _ticks(pid: int) -> float:
    """CPU seconds (user + system, every thread) used so far by process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def workspace() -> Path:
    """A scratch copy of ``notebooks/`` beside a link to ``data/``; return its notebook folder."""
    base = Path(tempfile.mkdtemp(prefix="pk-notebooks-"))
    (base / "data").symlink_to(ROOT / "data", target_is_directory=True)
    folder = base / "notebooks"
    folder.mkdir()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    return folder


def run_once(path: Path, folder: Path) -> Run:
    """Execute the copy of ``path`` in ``folder`` in a fresh kernel; time each cell."""
    nb = nbformat.read(folder / path.name, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid  # type: ignore[union-attr]
        cpu0 = _ticks(pid)
        cells_cpu: dict[int, float] = {}
        for index, cell in enumerate(nb.cells):
            before = _ticks(pid)
            client.execute_cell(cell, index)
            if cell.cell_type == "code":
                cells_cpu[index] = _ticks(pid) - before
        cpu = _ticks(pid) - cpu0
    cells: dict[int, float] = {}
    starts, ends = [], []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type != "code" or "shell.execute_reply" not in timing:
            continue
        start = _stamp(timing["iopub.execute_input"])
        end = _stamp(timing["shell.execute_reply"])
        cells[index] = (end - start).total_seconds()
        starts.append(start)
        ends.append(end)
    run_all = (max(ends) - min(starts)).total_seconds() if starts else 0.0
    return Run(run_all=run_all, cpu=cpu, cells=cells, cells_cpu=cells_cpu)


def _first_line(path: Path, index: int) -> str:
    source = nbformat.read(path, as_version=4).cells[index].source
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.startswith("#")]
    text = lines[0] if lines else source.splitlines()[0]
    return text.replace("|", "\\|")[:60]


def report(results: dict[Path, list[Run]], rounds: int, *, load_before: float) -> str:
    """Return the Markdown tables of ``results`` (``load_before``: 1-minute load at the start)."""
    out = [
        f"Rounds: {rounds} per notebook, each in a fresh kernel; medians, range in brackets.",
        (
            f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"1-minute load {load_before:.1f} at the start and "
            f"{os.getloadavg()[0]:.1f} at the end; "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC."
        ),
        "",
        "| notebook | Run All kernel s | min | max | kernel CPU s | under 3 s |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for path, runs in results.items():
        times = [r.run_all for r in runs]
        median = statistics.median(times)
        out.append(
            f"| {path.name} | {median:.2f} | {min(times):.2f} | {max(times):.2f} | "
            f"{statistics.median(r.cpu for r in runs):.2f} | "
            f"{'yes' if median < TARGET_S else 'NO'} |"
        )
    out += ["", "Slowest cells (medians: kernel seconds, kernel CPU seconds):", ""]
    out += ["| notebook | cell | s | CPU s | code |", "|---|---:|---:|---:|---|"]
    for path, runs in results.items():
        medians = {
            index: statistics.median(r.cells.get(index, 0.0) for r in runs)
            for index in runs[0].cells
        }
        for index, seconds in sorted(medians.items(), key=lambda kv: -kv[1])[:SLOWEST]:
            cpu = statistics.median(r.cells_cpu.get(index, 0.0) for r in runs)
            code = _first_line(path, index)
            out.append(f"| {path.name} | {index} | {seconds:.2f} | {cpu:.2f} | `{code}` |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Profile the notebooks named (default: every notebook) and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    load_before = os.getloadavg()[0]
    folder = workspace()
    results: dict[Path, list[Run]] = {p: [] for p in paths}
    try:
        for _ in range(args.rounds):  # rounds in turn, so that machine drift spreads evenly
            for path in paths:
                results[path].append(run_once(path, folder))
                sys.stderr.write(f"{path.name}: {results[path][-1].run_all:.2f} s\n")
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    text = report(results, args.rounds, load_before=load_before)
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
