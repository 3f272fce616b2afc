"""Exported HTML charts render in headless Chromium with the network cut."""

from __future__ import annotations

import pytest

from partnerkit.charts import theme
from partnerkit.charts.concentration import pareto_chart
from partnerkit.charts.export import export_chart

from . import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.CHROMIUM.exists(), reason=browser.SKIP_REASON),
]


def test_exported_html_chart_renders_offline(sample, tmp_path):
    with theme.enabled():
        page = export_chart(pareto_chart(sample.scorecard), tmp_path / "pareto.html")
    dom = browser.dump_dom(page, tmp_path / "profile")
    assert "<svg" in dom
    assert dom.count("role-mark") >= 5  # bars, line, rules, points and texts were drawn
    assert "Pareto: who produces the value" in dom
    shot = browser.screenshot(page, tmp_path / "profile", tmp_path / "shot.png", size="900,520")
    colours, inked = browser.colour_stats(shot.read_bytes())
    assert colours > 20
    assert inked > 0.05


def test_a_page_needing_the_network_stays_blank(tmp_path):
    """The flags really cut the network: a chart page loading vega from a URL draws nothing."""
    page = tmp_path / "online.html"
    page.write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.jsdelivr.net/npm/vega@6">'
        '</script></head><body><div id="c"></div><script>'
        "document.getElementById('c').textContent = typeof vega;</script></body></html>"
    )
    dom = browser.dump_dom(page, tmp_path / "profile", budget_ms=3_000)
    assert '<div id="c">undefined</div>' in dom
