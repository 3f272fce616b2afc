"""The report renders in headless Chromium with the network cut, and runs no script."""

from __future__ import annotations

import re

import pytest

from partnerkit.report.build import build_report
from partnerkit.report.pdf import print_pdf

from ..charts import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.CHROMIUM.exists(), reason=browser.SKIP_REASON),
]


@pytest.fixture(scope="module")
def page(analysis, tmp_path_factory):
    top = analysis.scorecard.sort("rank")["partner_id"][0]
    out = tmp_path_factory.mktemp("browser")
    return build_report(analysis, out, partners=[top], formats=("html",))


def test_report_renders_offline_with_partner_text_as_text(page, tmp_path):
    dom = browser.dump_dom(page, tmp_path / "profile", budget_ms=5_000)
    assert "<script" not in dom.lower()  # the hostile name did not become an element
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert dom.count("data:image/svg+xml;base64,") >= 12
    shot = browser.screenshot(page, tmp_path / "profile", tmp_path / "shot.png", size="1100,1500")
    colours, inked = browser.colour_stats(shot.read_bytes())
    assert colours > 50  # charts drew, not just text on white
    assert inked > 0.03
    # the pack's interactive page for the same data renders offline too
    chart_dom = browser.dump_dom(page.parent / "charts" / "quadrant.html", tmp_path / "p2")
    assert chart_dom.count("role-mark") >= 3
    # names reach the page only as escaped JSON data: the bundle and the embed call are the
    # only script elements
    assert chart_dom.lower().count("<script") == 2


def test_report_prints_to_pdf_page_by_page(analysis, tmp_path):
    ids = analysis.scorecard.sort("rank")["partner_id"][:3].to_list()
    html = build_report(analysis, tmp_path, partners=ids, partner_charts=False)
    pdf = print_pdf(html, tmp_path / "report.pdf", browser=str(browser.CHROMIUM))
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    # summary, three chart sections, recommendations, the index, three partners, scorecard:
    # each starts a printed page and, at 16 partners, fits on it
    assert pages == 10
