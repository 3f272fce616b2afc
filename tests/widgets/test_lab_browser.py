"""The explorer, reopen after save and loading errors, driven in JupyterLab as a user would.

JupyterLab runs on the loopback interface; Playwright drives the system Chromium with every
request off the loopback aborted (the harness of ``tests/notebooks/test_browser.py``). Each
test runs a copy of a notebook, never the committed one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnerkit.widgets.display import WIDGET_PLACEHOLDER

from ..charts import browser as support
from ..notebooks import test_browser as harness

ROOT = Path(__file__).resolve().parents[2]
EXPLORER_NOTEBOOK = "02-vital-few-and-pruning.ipynb"
ERROR_NOTEBOOK = "mistyped-folder.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


browser = harness.browser  # the offline Chromium fixture (asserts nothing left the machine)
TOKEN = harness.TOKEN


def _error_notebook(path: Path) -> None:
    cells = [
        (
            "from partnerkit.load.read import read_portfolio\n"
            "from partnerkit.widgets.display import setup_notebook\n\nsetup_notebook()"
        ),
        'portfolio = read_portfolio("../data/sampels")',
        'print("not reached")',
    ]
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "id": f"c{i}"}
            for i, src in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for cell in nb["cells"]:
        cell["execution_count"] = None
    path.write_text(json.dumps(nb))


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    reason = harness._skip_reason()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "data" / "samples", work / "data" / "samples")
    (work / "notebooks").mkdir()
    shutil.copy2(ROOT / "notebooks" / EXPLORER_NOTEBOOK, work / "notebooks" / EXPLORER_NOTEBOOK)
    _error_notebook(work / "notebooks" / ERROR_NOTEBOOK)
    runtime, config = work / "runtime", work / "config"
    harness._quiet_lab_settings(config)
    port = harness._free_port()
    # its own data folder too: the notebook signatures database (written on every save) is
    # not shared with other JupyterLab servers on the machine
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(work / "data-dir"),
    }
    with support.jupyter_lab(
        work / "notebooks", env, work / "lab.log", port=port, token=TOKEN
    ) as base:
        yield base


def _shut_down_kernels(lab: str) -> None:
    with urllib.request.urlopen(f"{lab}/api/kernels?token={TOKEN}", timeout=10) as resp:
        kernels = json.load(resp)
    for kernel in kernels:
        req = urllib.request.Request(
            f"{lab}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE"
        )
        urllib.request.urlopen(req, timeout=30).close()


def _wait_until_saved(lab: str, name: str, browser) -> None:
    """Wait until the file on disk holds this session's outputs (the set-up cell's style)."""
    # the status bar says when the save is done; the file is then read once to check it
    done = browser.page.get_by_text("Saving completed")
    done.first.wait_for(timeout=240_000)
    url = f"{lab}/api/contents/{name}?token={TOKEN}&content=1"
    with urllib.request.urlopen(url, timeout=30) as resp:
        body = resp.read().decode()
    if WIDGET_PLACEHOLDER not in body:
        browser.shot("not-saved")
        (browser.shots / "not-saved.json").write_text(body)
        pytest.fail("the saved notebook does not hold the set-up cell's output")


def test_explorer_controls_then_reopen_after_save(lab: str, browser) -> None:
    page = browser.page
    browser.run_all(lab, EXPLORER_NOTEBOOK)
    bars = browser.chart("Pareto").locator("svg.marks .mark-rect path")
    bars.first.wait_for(timeout=240_000)
    notebook = page.locator(".jp-NotebookPanel")

    # weight sliders show their values and full labels
    page.get_by_text("Health weights").first.click()
    page.get_by_text("partner initiated share", exact=True).first.wait_for(timeout=30_000)
    assert page.locator(".widget-readout").filter(has_text="1.00").count() >= 3
    # a weight moved with the keyboard shows its new value; Reset weights puts it back
    ones = page.locator(".widget-readout").filter(has_text="1.00").count()
    weight = page.locator(".widget-slider").filter(
        has=page.locator(".widget-readout", has_text="1.00")
    )
    weight.first.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.locator(".widget-readout").filter(has_text="1.25").first.wait_for(timeout=30_000)
    page.locator(".widget-button", has_text="Reset weights").first.click()
    page.locator(".widget-readout").filter(has_text="1.25").first.wait_for(
        state="detached", timeout=30_000
    )
    assert page.locator(".widget-readout").filter(has_text="1.00").count() == ones

    # typing 80% sets 80%, not 99%: the chart's subtitle follows the typed share (the vital
    # few produce at least the threshold and less than the next ten points on the sample)
    box = page.locator(".widget-text input").first
    box.fill("90%")
    box.press("Enter")
    page.get_by_text(re.compile(r"partners \(\d+%\) produce 9\d% of won revenue")).first.wait_for(
        timeout=60_000
    )
    box.fill("80%")
    box.press("Enter")
    page.get_by_text(re.compile(r"partners \(\d+%\) produce 8\d% of won revenue")).first.wait_for(
        timeout=60_000
    )
    assert box.input_value() == "80%"
    assert notebook.get_by_text("produce 99%").count() == 0

    # one click per filter value; an empty result says so; Clear filters brings all back
    for value in ("LATAM", "platinum", "dormant"):
        page.locator(".widget-checkbox", has_text=value).first.locator("input").check()
    page.get_by_text("No partner matches these filters").first.wait_for(timeout=60_000)
    assert notebook.get_by_text("0 of 0").count() == 0
    page.locator(".widget-button", has_text="Clear filters").first.click()
    empty = notebook.get_by_text("No partner matches these filters")
    empty.first.wait_for(state="detached", timeout=60_000)
    assert empty.count() == 0
    summary = re.compile(r"Vital few: \d+ of \d+ partners")
    assert notebook.locator(".widget-html", has_text=summary).count() == 1
    browser.shot("explorer-controls", page.locator(".widget-checkbox").first)

    # save (as JupyterLab's autosave would), stop the kernel, reopen the page
    page.locator('.jp-NotebookPanel-toolbar [data-command="docmanager:save"]').first.click()
    _wait_until_saved(lab, EXPLORER_NOTEBOOK, browser)
    _shut_down_kernels(lab)
    page.goto(f"{lab}/lab/tree/{EXPLORER_NOTEBOOK}?token={TOKEN}", wait_until="domcontentloaded")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
    placeholders = page.locator(".jp-OutputArea-output.jupyter-widgets")
    placeholders.first.wait_for(state="attached", timeout=120_000)
    time.sleep(3)  # let every widget output settle
    assert placeholders.count() >= 1  # the explorer (its chart is inside it)
    shown = placeholders.first.evaluate("el => getComputedStyle(el, '::before').content")
    assert "run this cell to show it" in shown
    error = page.get_by_text("Error displaying widget")
    assert all(not error.nth(i).is_visible() for i in range(error.count()))
    text = page.locator(".jp-NotebookPanel").inner_text()
    assert "model not found" not in text
    browser.shot("reopened", placeholders.first)


def test_mistyped_folder_shows_a_problem_list(lab: str, browser) -> None:
    page = browser.page
    browser.run_all(lab, ERROR_NOTEBOOK)
    heading = page.get_by_text("The data has 1 problem: nothing was loaded.")
    heading.first.wait_for(timeout=120_000)
    problems = page.locator(".pk-problems table")
    assert "is not a folder" in problems.inner_text()
    assert "did you mean" in problems.inner_text()
    text = page.locator(".jp-NotebookPanel").inner_text()
    assert "Traceback" not in text
    assert "most recent call last" not in text
    outputs = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "not reached" not in outputs  # Run All stopped at the failing cell
    browser.shot("problem-list", problems)
