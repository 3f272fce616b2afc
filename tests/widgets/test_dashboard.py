"""`make dashboard` serves the explorer and the decision board on 127.0.0.1, offline, no code.

Voila runs a copy of the dashboard notebook (its ledger and exports go to the copy's
folders); Playwright drives the system Chromium with every request off the loopback aborted
and recorded.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..charts import browser as support
from ..notebooks import test_browser as harness

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


browser = harness.browser


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    reason = harness._skip_reason()
    if reason:
        pytest.skip(reason)
    if shutil.which("voila", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("voila is not installed (pip install -e '.[lab]')")
    work = tmp_path_factory.mktemp("dashboard")
    shutil.copytree(ROOT / "data" / "samples", work / "data" / "samples")
    (work / "dashboards").mkdir()
    (work / "notebooks").mkdir()
    shutil.copy2(ROOT / "dashboards" / "review.ipynb", work / "dashboards" / "review.ipynb")
    port = harness._free_port()
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
    base = f"http://127.0.0.1:{port}"
    with support.serve(
        argv,
        cwd=ROOT,
        env=env,
        log=work / "voila.log",
        status_url=f"{base}/api/status",
        what="Voila",
        any_answer=True,
    ):
        yield base


def test_dashboard_serves_widgets_without_code_offline(dashboard: str, browser) -> None:
    page = browser.page
    page.goto(dashboard + "/", wait_until="domcontentloaded", timeout=240_000)
    pareto = page.locator(".vega-embed").filter(
        has=page.locator('[aria-label^="Title text \'Pareto"]')
    )
    bars = pareto.locator("svg.marks .mark-rect path")
    bars.first.wait_for(timeout=240_000)
    assert bars.count() > 10
    page.locator(".widget-button", has_text="Record exit").first.wait_for(timeout=120_000)
    text = page.locator("body").inner_text()
    # no code on the page: neither the cells' sources nor input areas
    assert "read_portfolio" not in text
    assert "import " not in text
    assert page.locator(".jp-InputArea-editor").count() == 0
    assert "Error displaying widget" not in text
    assert "vital few" in text.lower()
    # item 1: the headline in the shared formatting, money with the portfolio's currency
    assert re.search(r"partners \(\d+%\) produce \d+% of won revenue "
                     r"\(USD [\d,]+ in total; active partners\)", text), text[:600]  # fmt: skip

    # an interaction reaches the kernel and comes back: type a threshold
    box = page.locator(".widget-text input").first
    box.fill("90%")
    box.press("Enter")
    page.get_by_text(re.compile(r"partners \(\d+%\) produce 9\d% of won revenue")).first.wait_for(
        timeout=60_000
    )
    browser.shot("dashboard", page.locator("h1").first)
    # the page made no request off the loopback, not even a failed one
    assert browser.blocked == []
