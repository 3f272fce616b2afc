"""End to end in a real browser: JupyterLab runs the overview notebook with the network cut.

JupyterLab is started headless on the loopback interface with a token; Playwright drives the
system Chromium (``/usr/bin/chromium``). Every browser request to a host other than the
loopback is aborted (and Chromium is pointed at a dead proxy for good measure), so the
charts can only render if nothing is fetched from a CDN. Each test runs all cells of a copy of
a notebook (the committed ones are never touched) and checks what was drawn; every test
also checks that no request left the machine.

Set ``PARTNERKIT_SCREENSHOTS`` to a folder to keep the screenshots.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..charts import browser as support

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = "01-portfolio-overview.ipynb"
EXPLORER_NOTEBOOK = "02-vital-few-and-pruning.ipynb"
BOARD_NOTEBOOK = "06-decide.ipynb"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
TOKEN = "partnerkit-browser-test"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "playwright for Python is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _is_loopback(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return (parsed.hostname or "") in LOOPBACK


def _quiet_lab_settings(config_dir: Path) -> None:
    """No news or update checks; render every cell (no windowing) so the test sees them."""
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    files = {
        "apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, values in files.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server on a copy of the notebooks and sample data; yields its base URL."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "data" / "samples", work / "data" / "samples")
    (work / "notebooks").mkdir()
    for name in (NOTEBOOK, EXPLORER_NOTEBOOK, BOARD_NOTEBOOK):
        shutil.copy2(ROOT / "notebooks" / name, work / "notebooks" / name)
    runtime, config = work / "runtime", work / "config"
    _quiet_lab_settings(config)
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(config)}
    with support.jupyter_lab(
        work / "notebooks", env, work / "lab.log", port=port, token=TOKEN
    ) as base:
        yield base


@dataclass
class Browser:
    """A page with the network cut, the folder for screenshots and what tried to leave."""

    page: Page
    shots: Path
    blocked: list[str] = field(default_factory=list)
    escaped: list[str] = field(default_factory=list)

    def run_all(self, lab: str, notebook: str) -> None:
        """Open ``notebook`` and run all its cells (choosing the Python kernel if asked)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: PLC0415

        page = self.page
        # ``reset`` opens a fresh workspace: only this notebook, not the previous test's.
        page.goto(f"{lab}/lab/tree/{notebook}?reset&token={TOKEN}", wait_until="domcontentloaded")
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
        choose = page.locator(".jp-Dialog").get_by_role("button", name="Select")
        with contextlib.suppress(PlaywrightTimeout):
            choose.wait_for(timeout=10_000)
            choose.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        with contextlib.suppress(PlaywrightTimeout):
            choose.wait_for(timeout=5_000)
            choose.click()

    def chart(self, title: str) -> Locator:
        """The chart widget whose title starts with ``title``.

        Chart widgets render straight into the output (no ``data-mime-type``, unlike HTML
        outputs); the title's ARIA label names the chart.
        """
        label = self.page.locator(f'[aria-label^="Title text \'{title}"]')
        widget = ".jp-OutputArea-output:not([data-mime-type]) .vega-embed"
        return self.page.locator(widget).filter(has=label)

    def shot(self, name: str, target: Locator | None = None) -> None:
        """Screenshot the window, scrolled to ``target`` (default: the first cell)."""
        first = self.page.locator(".jp-NotebookPanel .jp-Cell").first
        (target or first).scroll_into_view_if_needed()
        self.page.screenshot(path=str(self.shots / f"{name}.png"))


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    """Headless Chromium that can reach the loopback interface only."""
    from playwright.sync_api import Request, Route, sync_playwright  # noqa: PLC0415

    shots = Path(os.environ.get("PARTNERKIT_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=support.PLAYWRIGHT_FLAGS,
        )
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        result = Browser(context.new_page(), shots)

        def only_loopback(route: Route) -> None:
            if _is_loopback(route.request.url):
                route.continue_()
            else:
                result.blocked.append(route.request.url)
                route.abort("internetdisconnected")

        def finished(request: Request) -> None:
            if not _is_loopback(request.url):
                result.escaped.append(request.url)

        context.route("**/*", only_loopback)
        context.on("requestfinished", finished)
        try:
            yield result
        except Exception:
            result.page.screenshot(path=str(shots / "failure.png"))
            (shots / "failure.html").write_text(result.page.content())
            raise
        finally:
            context.close()
            chromium.close()
    # No request to a host off the loopback succeeded: whatever was drawn needed no CDN.
    assert result.escaped == []


def test_overview_notebook_renders_offline(lab: str, browser: Browser) -> None:
    browser.run_all(lab, NOTEBOOK)
    pareto = browser.chart("Pareto").locator("svg.marks, canvas").first
    pareto.wait_for(timeout=180_000)
    browser.chart("Lorenz").locator("svg.marks, canvas").first.wait_for(timeout=60_000)
    box = pareto.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 200  # a real chart, not a stub
    assert browser.chart("Pareto").locator("svg.marks .mark-rect path").count() > 10
    text = browser.page.locator(".jp-NotebookPanel").inner_text()
    assert "Error loading script" not in text
    assert "Error displaying widget" not in text
    assert "vital few" in text  # the key figures were printed
    browser.shot("overview-top")
    browser.shot("overview-pareto", pareto)


def test_explorer_widget_picks_partners_on_click(lab: str, browser: Browser) -> None:
    browser.run_all(lab, EXPLORER_NOTEBOOK)
    page = browser.page
    chart = browser.chart("Pareto")
    bars = chart.locator("svg.marks .mark-rect path")
    bars.first.wait_for(timeout=180_000)
    assert page.locator(".widget-slider").first.is_visible()  # ipywidgets rendered
    picked = page.get_by_text("Picked on the chart:")
    assert picked.count() == 0
    bars.first.click()  # the best-ranked partner
    picked.first.wait_for(timeout=30_000)  # the kernel got the selection and answered
    assert "Picked on the chart: P" in picked.first.inner_text()
    browser.shot("explorer", chart)


def test_decision_board_renders(lab: str, browser: Browser) -> None:
    browser.run_all(lab, BOARD_NOTEBOOK)
    page = browser.page
    exit_button = page.locator(".widget-button", has_text="Record exit")
    exit_button.first.wait_for(timeout=180_000)
    assert page.get_by_text("Current decision:").first.is_visible()
    browser.shot("decide", exit_button.first)
    # the chart pack is exported by the board's button: disabled, with a progress bar, while
    # it renders (seconds in three formats), given back once the files are written
    export = page.locator(".widget-button", has_text="Export charts").first
    progress = page.locator(".widget-hprogress").first
    assert not progress.is_visible()
    export.click()
    page.locator(".widget-button:disabled", has_text="Export charts").first.wait_for(timeout=30_000)
    progress.wait_for(state="visible", timeout=30_000)
    page.get_by_text("Exported charts:").first.wait_for(timeout=180_000)
    # the panel's widget updates reach the page as separate messages: allow them a moment
    enabled = page.locator(".widget-button:not(:disabled)", has_text="Export charts")
    enabled.first.wait_for(timeout=10_000)
    progress.wait_for(state="hidden", timeout=10_000)


def test_loopback_check() -> None:
    assert _is_loopback("http://127.0.0.1:8888/lab")
    assert _is_loopback("http://localhost/x")
    assert _is_loopback("data:image/png;base64,xx")
    assert not _is_loopback("https://cdn.jsdelivr.net/npm/vega@6")
    assert not _is_loopback("http://10.0.0.1/")
