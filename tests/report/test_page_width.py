"""The report never scrolls sideways: a table wider than the page scrolls inside its own box."""

from __future__ import annotations

import dataclasses
import re
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from partnerkit.report.build import build_report
from partnerkit.report.render import stylesheet

from ..charts import browser

LONG = "Wide" * 60  # a partner name with no place to break: 240 characters


@pytest.fixture(scope="module")
def wide(analysis: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report whose scorecard and recommendation tables are wider than any page."""
    top = analysis.scorecard.sort("rank")["partner_id"][0]
    card = analysis.scorecard.with_columns(
        name=pl.when(pl.col("partner_id") == top).then(pl.lit(LONG)).otherwise(pl.col("name"))
    )
    out = tmp_path_factory.mktemp("wide")
    return build_report(dataclasses.replace(analysis, scorecard=card), out, partners=[])


def test_every_table_sits_in_a_box_that_scrolls(wide: Path) -> None:
    page = wide.read_text(encoding="utf-8")
    tables = re.findall(r"<table", page)
    boxed = re.findall(r'<div class="table-box"[^>]*>\s*<table', page)
    assert len(tables) >= 2  # the scorecard and at least one recommendation group
    assert len(boxed) == len(tables)
    assert re.search(r"\.table-box \{[^}]*overflow-x: auto", stylesheet())


@pytest.mark.browser
@pytest.mark.skipif(not browser.CHROMIUM.exists(), reason=browser.SKIP_REASON)
@pytest.mark.skipif(find_spec("playwright") is None, reason="playwright is not installed")
@pytest.mark.parametrize("width", [1280, 1024])
def test_the_page_is_never_wider_than_the_window(wide: Path, width: int) -> None:
    from playwright.sync_api import Route, sync_playwright  # noqa: PLC0415

    def file_only(route: Route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort("internetdisconnected")

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(browser.CHROMIUM), headless=True, args=browser.PLAYWRIGHT_FLAGS
        )
        try:
            page = chromium.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", file_only)
            page.goto(wide.resolve().as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # the scorecard is wider than the page: it scrolls inside its box
            box = page.locator("#scorecard .table-box")
            assert box.evaluate("b => b.scrollWidth > b.clientWidth")
            assert box.evaluate("b => b.getBoundingClientRect().right") <= width
        finally:
            chromium.close()
