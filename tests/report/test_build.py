from __future__ import annotations

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET
from importlib.resources import files

import polars as pl
import pytest

import partnerkit.charts.export as export
from partnerkit.decisions.recommend import REASONS
from partnerkit.report.build import ONEPAGER_LIMIT, REPORT_FILE, build_report, with_recommendations

from .conftest import EVIL

IMAGE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
SECTION = re.compile(r'<section class="page[^"]*" id="([^"]+)">(.*?)</section>', re.DOTALL)
PACK = ("pareto", "lorenz", "quadrant", "health_drivers", "tier_audit", "lift")


@pytest.fixture
def renders(monkeypatch):
    """Count every chart render the report asks for, through the exporter's one seam."""
    calls: list[tuple[str, str]] = []
    real = export.render

    def counting(chart, fmt, /, *, scale=2.0):
        spec = chart if isinstance(chart, dict) else chart.to_dict()
        title = spec.get("title")
        calls.append((str(title.get("text") if isinstance(title, dict) else title), fmt))
        return real(chart, fmt, scale=scale)

    monkeypatch.setattr(export, "render", counting)
    return calls


@pytest.fixture(scope="module")
def built(analysis, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    path = build_report(analysis, out, formats=("png", "svg", "html"), currency="EUR")
    return out, path, path.read_text(encoding="utf-8")


def sections(page: str) -> dict[str, str]:
    return dict(SECTION.findall(page))


def test_report_files(built):
    out, path, _ = built
    assert path == out / REPORT_FILE
    charts = {p.name for p in (out / "charts").iterdir()}
    for name in PACK:
        assert {f"{name}.png", f"{name}.svg", f"{name}.html"} <= charts
    assert not [n for n in charts if n.startswith(".")]  # no temporary files left
    card = pl.read_csv(out / "scorecard.csv")
    assert card.height == 16
    recs = pl.read_csv(out / "recommendations.csv")
    assert recs.columns[:4] == ["partner_id", "name", "rank", "recommendation"]


@pytest.mark.slow
def test_default_pack_is_the_svg_the_page_shows(analysis, tmp_path, renders):
    path = build_report(analysis, tmp_path)
    page = path.read_text()
    files = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert files
    assert all(name.endswith(".svg") for name in files)
    # every render is a chart the page shows, rendered once: as many renders as images
    assert len(renders) == len(IMAGE.findall(page)) == len(files)
    assert {fmt for _, fmt in renders} == {"svg"}
    # the files are the very renders the page embeds
    embedded = {base64.b64decode(data) for data in IMAGE.findall(page)}
    assert {(tmp_path / "charts" / name).read_bytes() for name in files} == embedded


@pytest.mark.slow
def test_each_format_rendered_once_and_partner_charts_only_when_asked(analysis, tmp_path, renders):
    ids = analysis.scorecard.sort("rank")["partner_id"][:2].to_list()
    build_report(analysis, tmp_path, formats=("png", "svg"), partners=ids)
    pack = len(list((tmp_path / "charts").glob("*.svg")))
    assert len(list((tmp_path / "charts").glob("*.png"))) == pack
    # one svg per chart of the pack (its png is the raster of that svg), one per named partner
    assert len(renders) == pack + 2
    assert {fmt for _, fmt in renders} == {"svg"}
    renders.clear()
    build_report(analysis, tmp_path / "b", partners=ids, partner_charts=False)
    assert len(renders) == pack


def test_partner_text_is_escaped_everywhere(built):
    out, _, page = built
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()  # the report runs no script at all
    assert "Note with &lt;b&gt;markup&lt;/b&gt;." in page
    # CSV exports cannot carry formulas
    names = pl.read_csv(out / "scorecard.csv")["name"].to_list()
    assert '\'=HYPERLINK("http://x")' in names


@pytest.mark.slow
def test_hostile_name_in_every_place_it_appears(analysis, tmp_path):
    top = analysis.scorecard.sort("rank")["partner_id"][0]
    page = build_report(analysis, tmp_path, partners=[top], partner_charts=False).read_text()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    parts = sections(page)
    assert escaped in parts["partner-1"]  # the review page
    assert escaped in parts["scorecard"]  # the table
    assert escaped in parts["partners"]  # the index


def test_report_is_self_contained(built):
    _, _, page = built
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert "url(" not in page
    images = IMAGE.findall(page)
    assert len(images) >= 11  # the pack's charts
    for data in images:
        root = ET.fromstring(base64.b64decode(data))
        assert root.tag.endswith("svg")


def test_every_page_carries_as_of_window_and_currency(built, analysis):
    _, _, page = built
    as_of = analysis.as_of
    first = analysis.window_start + dt.timedelta(days=1)  # W = (window_start, as_of]
    line = f"As of {as_of:%Y-%m-%d} · window {first:%Y-%m-%d} to {as_of:%Y-%m-%d} · amounts in EUR"
    parts = sections(page)
    for anchor in ("summary", "concentration", "recommendations", "partners", "scorecard"):
        assert anchor in parts
    for anchor, body in parts.items():
        assert line in body, anchor
    # and on every printed page: the running line in the page margin (as a CSS string)
    assert "@top-left" in page
    assert "USD" not in IMAGE.sub("", page)  # one currency, the one given


def test_summary_counts_add_up(built, analysis):
    _, _, page = built
    card = with_recommendations(analysis.scorecard, policy=analysis.policy)
    rated = card["recommendation"].is_not_null().sum()
    summary = sections(page)["summary"]
    assert f"Recommendations for the {rated:,} rated partners" in summary
    counts = re.findall(r'class="badge"[^>]*>(\w+)</span> <span class="count">([\d,]+)<', summary)
    assert sum(int(n.replace(",", "")) for _, n in counts) == rated
    vital = int(analysis.scorecard["vital"].sum())
    assert f"{vital:,} partners (" in summary


def test_groups_list_the_right_partners_and_say_each_reason_once(built, analysis):
    _, _, page = built
    card = with_recommendations(analysis.scorecard, policy=analysis.policy)
    recs = sections(page)["recommendations"]
    for rec in ("keep", "invest", "watch", "exit"):
        expected = card.filter(pl.col("recommendation") == rec).height
        noun = "partner" if expected == 1 else "partners"
        assert f">{rec}</span> {expected:,} {noun}</h3>" in recs
    # a reason's meaning is written once per group, never once per partner
    for reason in REASONS:
        assert recs.count(reason.meaning) <= 4, reason.code


@pytest.mark.slow
def test_no_sentence_repeats_in_the_tables(syn, tmp_path):
    big = syn.analysis(120, seed=11)
    recs = sections(build_report(big, tmp_path).read_text())["recommendations"]
    cells = re.findall(r"<t[dt]>([^<]{40,})</t[dt]>", recs)
    repeated = {text for text in cells if cells.count(text) > 4}
    assert not repeated


def test_default_review_pages_are_the_partners_needing_a_decision(built, analysis):
    _, _, page = built
    card = with_recommendations(analysis.scorecard, policy=analysis.policy)
    stake = pl.sum_horizontal(
        pl.col(c).fill_null(0.0) for c in ("won_revenue", "open_pipeline", "investment")
    )
    ordered = card.sort([stake, pl.col("partner_id")], descending=[True, False])
    exits = ordered.filter(pl.col("recommendation") == "exit")["partner_id"].to_list()
    watched = ordered.filter(pl.col("recommendation") == "watch", pl.col("vital"))
    invests = ordered.filter(pl.col("recommendation") == "invest")["partner_id"].to_list()
    expected = (exits + watched["partner_id"].to_list() + invests)[:ONEPAGER_LIMIT]
    shown = re.findall(
        r'class="page onepager" id="partner-\d+">.*?\(([^)]+)\)</span>', page, re.DOTALL
    )
    assert shown == expected


@pytest.mark.slow
def test_currency_changes_only_the_currency(analysis, tmp_path):
    eur = build_report(analysis, tmp_path / "eur", currency="EUR").read_text()
    jpy = build_report(analysis, tmp_path / "jpy", currency="JPY").read_text()
    assert eur != jpy
    # the charts carry no currency (their SVG differs only in generated element ids)
    assert len(IMAGE.findall(eur)) == len(IMAGE.findall(jpy))
    assert IMAGE.sub("", eur).replace("EUR", "JPY") == IMAGE.sub("", jpy)


@pytest.mark.slow
def test_chosen_partners_in_order_and_quietly(analysis, tmp_path, capsys):
    ids = analysis.scorecard.sort("rank", descending=True)["partner_id"][:2].to_list()
    page = build_report(analysis, tmp_path / "a", partners=ids, formats=()).read_text()
    assert page.count('class="page onepager"') == 2
    first, second = (page.index(f"({pid})") for pid in ids)
    assert first < second
    assert not (tmp_path / "a" / "charts").exists()
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_all_partners_with_a_progress_bar_and_callback(syn, tmp_path, capsys):
    tiny = syn.analysis(5, seed=3)
    page = build_report(tiny, tmp_path, all_partners=True, formats=(), progress=True)
    assert page.read_text().count('class="page onepager"') == 5
    assert "report" in capsys.readouterr().err
    seen: list[tuple[int, int]] = []
    build_report(tiny, tmp_path / "b", progress=lambda done, total: seen.append((done, total)))
    assert seen
    assert [d for d, _ in seen] == list(range(1, len(seen) + 1))
    assert seen[-1][0] == seen[-1][1]
    assert capsys.readouterr().err == ""


def test_unknown_partner_or_format_writes_nothing(analysis, tmp_path):
    with pytest.raises(KeyError, match="nobody"):
        build_report(analysis, tmp_path / "x", partners=["nobody"])
    with pytest.raises(ValueError, match="gif"):
        build_report(analysis, tmp_path / "y", formats=("gif",))
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "y").exists()


@pytest.mark.slow
def test_partner_chart_one_pagers_name_as_of_and_currency(analysis, tmp_path):
    top = analysis.scorecard.sort("rank")["partner_id"][1]
    page = build_report(analysis, tmp_path, partners=[top], currency="EUR").read_text()
    review = sections(page)["partner-1"]
    (image,) = IMAGE.findall(review)
    svg = base64.b64decode(image).decode()
    assert f"as of {analysis.as_of:%Y-%m-%d}" in svg
    assert "amounts in EUR" in svg
    assert "EUR " in svg  # its money figures carry the currency too


@pytest.mark.slow
def test_hostile_currency_cannot_break_out_of_the_page_or_its_style(analysis, tmp_path):
    page = build_report(analysis, tmp_path, currency="</style><script>x()</script>").read_text()
    assert "<script" not in page.lower()
    assert page.lower().count("</style") == 1  # only the stylesheet's own end tag
    assert "amounts in &lt;/style&gt;&lt;script&gt;" in page


def test_the_shipped_stylesheet_is_inlined(built):
    css = files("partnerkit.report").joinpath("templates", "report.css").read_text()
    _, _, page = built
    assert css.strip() in page
    assert "@media print" in css
    assert "break-before: page" in css
