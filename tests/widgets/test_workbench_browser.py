"""The decision board, the tables and the drill-through, driven in JupyterLab as a user would.

One JupyterLab serves copies of notebooks 05 and 06 and the sample data; Playwright drives
the system Chromium with every request off the loopback aborted (the harness of
``tests/notebooks/test_browser.py``). The tests type, click, tick and record, then read what
the page shows. Set ``PARTNERKIT_SCREENSHOTS`` to a folder to keep the screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from ..charts import browser as support
from ..notebooks import test_browser as harness

ROOT = Path(__file__).resolve().parents[2]
REVIEW = "05-partner-review.ipynb"
DECIDE = "06-decide.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


browser = harness.browser  # offline Chromium; asserts that no request left the machine
TOKEN = harness.TOKEN


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workbench")
    shutil.copytree(ROOT / "data" / "samples", folder / "data" / "samples")
    (folder / "notebooks").mkdir()
    for name in (REVIEW, DECIDE):
        shutil.copy2(ROOT / "notebooks" / name, folder / "notebooks" / name)
    return folder


@pytest.fixture(scope="module")
def lab(work: Path) -> Iterator[str]:
    reason = harness._skip_reason()
    if reason:
        pytest.skip(reason)
    runtime, config = work / "runtime", work / "config"
    harness._quiet_lab_settings(config)
    port = harness._free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(config)}
    with support.jupyter_lab(
        work / "notebooks", env, work / "lab.log", port=port, token=TOKEN
    ) as base:
        yield base


def _wait_text(locator, pattern: str, timeout: float = 60) -> str:
    """Wait until ``locator``'s text matches ``pattern``; return the text."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = locator.inner_text()
        if re.search(pattern, text):
            return text
        time.sleep(0.25)
    raise AssertionError(f"{pattern!r} never appeared; last text: {text!r}")


def test_decide_queue_table_bulk_ledger_and_change(lab: str, work: Path, browser) -> None:
    page = browser.page
    browser.run_all(lab, DECIDE)
    exit_button = page.locator(".pk-decide-exit")
    exit_button.first.wait_for(timeout=240_000)
    # the four decisions look different: four distinct button styles
    styles = {
        page.locator(f".pk-decide-{d}").first.evaluate("el => getComputedStyle(el).backgroundColor")
        for d in ("keep", "invest", "watch", "exit")
    }
    assert len(styles) == 4

    queue, ledger = page.locator(".pk-grid").nth(0), page.locator(".pk-grid").nth(1)
    queue_info, ledger_info = queue.locator(".pk-grid-info"), ledger.locator(".pk-grid-info")
    _wait_text(queue_info, r"Rows 1\u201310 of \d+ \u00b7 page 1 of")
    assert "No decision recorded yet." in ledger.inner_text()
    position = page.locator(".pk-position").first
    _wait_text(position, r"^1 of \d+ in the queue")
    detail = page.locator(".widget-html", has_text="recommended:").first
    first_name = detail.locator("b").first.inner_text()
    assert "quarter on quarter" in detail.inner_text()  # item 6: change over time
    browser.shot("nb06-board", page.locator(".pk-position").first)

    # item 3: search, sort, page and export the queue table
    queue.locator(".pk-grid-search").fill(first_name)
    _wait_text(queue_info, "matching")
    assert queue.locator("tbody tr").count() == 1
    queue.locator(".pk-grid-clear").click()
    _wait_text(queue_info, r"^Rows 1\u201310 of \d+ \u00b7")
    queue.locator("th[data-column='won_revenue']").click()  # numbers sort high to low first
    _wait_text(queue.locator("th[data-column='won_revenue']"), "\u25bc")
    cells = queue.locator("tbody tr td.num").all_inner_texts()
    queue.locator(".pk-grid-next").click()
    _wait_text(queue_info, "page 2 of")
    queue.locator(".pk-grid-export").click()
    _wait_text(queue.locator(".pk-grid-message"), r"Exported \d+ rows")
    exported = pl.read_csv(work / "notebooks" / "out" / "decision-queue.csv")
    revenue = exported["won_revenue"].to_list()
    assert revenue == sorted(revenue, reverse=True)  # the view as sorted on screen
    assert cells  # the page showed numbers

    # item 5: next, record with who and why, the ledger view updates at once
    page.locator(".widget-button", has_text="Next").first.click()
    _wait_text(position, r"^2 of ")
    page.locator(".widget-button", has_text="Previous").first.click()
    _wait_text(position, r"^1 of ")
    page.get_by_placeholder("your name").fill("Ana")
    page.get_by_placeholder("the reason for this decision").fill("No deal in a year.")
    page.get_by_placeholder("the reason for this decision").press("Tab")
    exit_button.first.click()
    _wait_text(page.locator(".pk-message").first, f"Recorded: exit for {re.escape(first_name)}")
    _wait_text(ledger_info, r"Rows 1\u20131 of 1 \u00b7")
    assert first_name in ledger.locator("tbody").inner_text()
    _wait_text(position, r"^2 of .* 1 decided")  # moved on to the next partner

    # item 6: back on the decided partner, the detail compares with that decision
    page.locator(".widget-button", has_text="Previous").first.click()
    _wait_text(detail, "Since the last review")

    # item 5: tick two rows, the what-if follows; a bulk decision records both
    boxes = queue.locator("tbody input[type=checkbox]")
    boxes.nth(0).check()
    whatif = page.locator(".pk-whatif").first
    _wait_text(whatif, "What if the 1 selected partner were exited")
    boxes.nth(1).check()
    _wait_text(whatif, "What if the 2 selected partners were exited")
    assert "won revenue at risk" in whatif.inner_text()
    page.get_by_placeholder("the reason for this decision").fill("Both quiet; review in Q1.")
    page.get_by_placeholder("the reason for this decision").press("Tab")
    page.locator(".pk-bulk-watch").first.click()
    _wait_text(page.locator(".pk-message").first, "Recorded: watch for 2 selected partners")
    _wait_text(ledger_info, r"Rows 1\u20133 of 3 \u00b7")
    assert "watch" in ledger.locator("tbody tr").first.inner_text()
    browser.shot("nb06-ledger", ledger)

    # a bar clicked on the Pareto chart selects that partner for the what-if
    bars = browser.chart("Pareto").locator("svg.marks .mark-rect path")
    bars.first.wait_for(timeout=120_000)
    bars.first.click()
    _wait_text(whatif, "What if the 1 selected partner were exited")
    _wait_text(page.locator(".pk-bulk-note").first, "1 selected")
    browser.shot("nb06-whatif", whatif)

    # a click on a queue row opens that partner on the board
    row = queue.locator("tbody tr").nth(3)
    key = row.get_attribute("data-key")
    row.locator("td").nth(2).click()
    _wait_text(detail, rf"\({key}\)")


def test_review_pick_by_search_and_trace(lab: str, browser) -> None:
    page = browser.page
    browser.run_all(lab, REVIEW)
    header = page.locator(".widget-html", has_text="each figure of the scorecard").first
    header.wait_for(timeout=240_000)
    trace = page.locator(".pk-trace").first
    _wait_text(trace, "won revenue")
    assert "differs" not in trace.inner_text()
    browser.shot("nb05-drill", header)

    # item 4: pick another partner by typing in the search box
    search = page.get_by_placeholder("Type a partner's name or id")
    search.fill("P00113")
    search.press("Enter")
    _wait_text(header, r"\(P00113\)")
    _wait_text(trace, "won revenue")
    assert "differs" not in trace.inner_text()
    page.get_by_role("tab", name=re.compile(r"^Deals \(\d+\)")).first.click()
    deals = page.locator(".pk-grid").first
    _wait_text(deals.locator(".pk-grid-info"), r"Rows 1\u2013")
    # each deal says which figure it feeds; search the label of the last row shown
    label = deals.locator("tbody tr").last.locator("td").last.inner_text()
    assert label in {
        "won in window",
        "lost in window",
        "open at as-of",
        "closed before the window",
        "after as-of",
    }
    deals.locator(".pk-grid-search").fill(label)
    _wait_text(deals.locator(".pk-grid-info"), "matching")
    shown = deals.locator("tbody tr td:last-child").all_inner_texts()
    assert shown
    assert set(shown) == {label}
    # the one-pager follows the partner picked
    name = header.locator("h4").inner_text().rsplit(" (P00113)", 1)[0]
    title = page.locator(f'[aria-label^="Title text \'{name}"]')
    title.first.wait_for(timeout=120_000)
    onepager = page.locator(".vega-embed").filter(has=title.first)
    # item 1: the page says when and in what its figures are
    subtitle = onepager.locator('[aria-label^="Subtitle text"]').first.get_attribute("aria-label")
    assert subtitle is not None
    assert re.search(r"as of \d{4}-\d{2}-\d{2} · amounts in USD", subtitle), subtitle
    # item 1: every health metric adding points is drawn with a width (none at 0 px)
    bars = onepager.locator('path[aria-label^="score (points of 100)"]')
    assert bars.count() >= 5
    for i in range(bars.count()):
        label = bars.nth(i).get_attribute("aria-label") or ""
        points = float(re.search(r"points: ([\d.]+)", label).group(1))
        box = bars.nth(i).bounding_box()
        assert box is not None
        if points >= 1:
            assert box["width"] >= 2, label
    # item 6: the change over time -- the latest complete quarter against the one before
    # and the same quarter a year earlier, for revenue, deals, win rate and activities
    change = onepager.locator('[aria-label^="Title text \'Change over time"]')
    change.first.wait_for(timeout=30_000)
    labels = onepager.locator('text[aria-label^="x: "]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    cells = [label.split("; text: ", 1)[1] for label in labels]
    for measure in ("Won revenue", "Won deals", "Win rate", "Activities"):
        assert measure in cells, cells
    quarters = [re.fullmatch(r"(vs )?Q(\d) (\d{4})", c) for c in cells]
    (q, year), *others = [(int(m[2]), int(m[3])) for m in quarters if m]
    previous = (q - 1, year) if q > 1 else (4, year - 1)
    assert others == [previous, (q, year - 1)], cells
    browser.shot("nb05-onepager", change.first)
