from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import altair as alt
import polars as pl
import pytest

import partnerkit.charts.export as export
from partnerkit.charts import theme
from partnerkit.charts.export import FORMATS, export_chart, export_charts, html_page
from partnerkit.charts.onepager import partner_onepager

EVIL = "</script><script>alert(1)</script>"
EXTERNAL = re.compile(
    r"<script[^>]+src\s*=\s*[\"']?(https?:)?//|<link[^>]+href\s*=\s*[\"']?(https?:)?//"
    r"|@import\s+url\(\s*[\"']?(https?:)?//",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def chart() -> alt.Chart:
    frame = pl.DataFrame({"partner": [EVIL, "Plain & Co"], "revenue": [3.0, 5.0]})
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(x="revenue:Q", y="partner:N", tooltip=["partner:N"])
        .properties(title="Escaping test")
    )


def check(path: Path) -> None:
    """Check a written file is a valid instance of its format."""
    data = path.read_bytes()
    fmt = path.suffix.lstrip(".")
    if fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    elif fmt == "pdf":
        assert data[:4] == b"%PDF"
    elif fmt == "svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
    elif fmt == "html":
        text = data.decode()
        assert text.startswith("<!DOCTYPE html>")
        assert not EXTERNAL.search(text)
        assert "vegaEmbed(" in text
    elif fmt == "json":
        assert "$schema" in json.loads(data)
    else:  # pragma: no cover
        raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_written_and_valid(chart, tmp_path, fmt):
    path = export_chart(chart, tmp_path / f"chart.{fmt}")
    assert path == tmp_path / f"chart.{fmt}"
    check(path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_png_scale(chart, tmp_path):
    def width(path: Path) -> int:
        return int.from_bytes(path.read_bytes()[16:20], "big")  # IHDR width

    one = export_chart(chart, tmp_path / "one.png", scale=1.0)
    two = export_chart(chart, tmp_path / "two.png", scale=2.0)
    assert width(two) == 2 * width(one)


def test_html_cannot_be_broken_out_of(chart, tmp_path):
    text = export_chart(chart, tmp_path / "chart.html").read_text()
    assert EVIL not in text
    assert "alert(1)" in text  # the data is there, escaped inside the JSON
    assert text.count("</script>") == 2  # the bundle's and the embed call's, nothing more
    page = html_page({"title": EVIL, "mark": "point"}, title=EVIL)
    assert f"<title>{EVIL}" not in page
    assert "&lt;/script&gt;" in page


def test_svg_escapes_partner_text(tmp_path):
    card = pl.DataFrame({"partner_id": ["p"], "name": [EVIL]})
    path = export_chart(partner_onepager(card, "p"), tmp_path / "one.svg")
    root = ET.fromstring(path.read_bytes())
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "script"]
    assert EVIL in "".join(root.itertext())


def test_replacing_a_file_is_atomic(chart, tmp_path):
    target = tmp_path / "chart.svg"
    target.write_text("old")
    export_chart(chart, target)
    check(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.svg"]


def test_unknown_suffix(chart, tmp_path):
    with pytest.raises(ValueError, match="suffix"):
        export_chart(chart, tmp_path / "chart.gif")
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_export_charts_writes_the_pack_with_the_theme(small, tmp_path):
    before = alt.theme.active
    paths = export_charts(small, tmp_path, formats=("svg", "json"))
    assert alt.theme.active == before
    names = {p.stem for p in paths}
    assert {"pareto", "lorenz", "quadrant", "tier_audit", "trend", "lift"} <= names
    assert len(paths) == 2 * len(names)
    for path in paths:
        check(path)
    spec = json.loads((tmp_path / "pareto.json").read_text())
    assert spec["config"]["font"] == theme.FONT


@pytest.mark.slow
def test_export_charts_reports_progress_once_per_file(small, tmp_path):
    seen: list[tuple[int, int]] = []
    paths = export_charts(
        small, tmp_path, formats=("svg", "json"), progress=lambda d, t: seen.append((d, t))
    )
    total = len(paths)
    assert seen == [(done, total) for done in range(1, total + 1)]


def test_render_all_renders_each_pair_once_whatever_the_order(chart, monkeypatch):
    calls: list[str] = []
    real = export.render

    def counting(spec, fmt, /, *, scale=2.0):
        calls.append(fmt)
        return real(spec, fmt, scale=scale)

    monkeypatch.setattr(export, "render", counting)
    spec = chart.to_dict()
    out = export.render_all({"a": spec, "b": spec}, ["svg", "json", "svg"])
    assert sorted(calls) == ["json", "json", "svg", "svg"]
    assert set(out) == {("a", "svg"), ("a", "json"), ("b", "svg"), ("b", "json")}
    # concurrent renders give the same bytes as one at a time
    assert out["a", "json"] == real(spec, "json")
    with pytest.raises(ValueError, match="gif"):
        export.render_all({"a": spec}, ["gif"])
