from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from partnerkit.report.build import REPORT_FILE, build_report, default_partners

from .conftest import EVIL

IMAGE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def built(analysis, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    path = build_report(analysis, out, formats=("png", "svg", "html"))
    return out, path, path.read_text(encoding="utf-8")


def test_report_files(built):
    out, path, _ = built
    assert path == out / REPORT_FILE
    charts = {p.name for p in (out / "charts").iterdir()}
    for name in ("pareto", "lorenz", "quadrant", "health_drivers", "tier_audit", "lift"):
        assert {f"{name}.png", f"{name}.svg", f"{name}.html"} <= charts
    assert not [n for n in charts if n.startswith(".")]  # no temporary files left
    card = pl.read_csv(out / "scorecard.csv")
    assert card.height == 16
    recs = pl.read_csv(out / "recommendations.csv")
    assert recs.columns[:4] == ["partner_id", "name", "rank", "recommendation"]


def test_partner_text_is_escaped_everywhere(built):
    out, _, page = built
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()  # the report runs no script at all
    assert "Note with &lt;b&gt;markup&lt;/b&gt;." in page
    # CSV exports cannot carry formulas
    names = pl.read_csv(out / "scorecard.csv")["name"].to_list()
    assert '\'=HYPERLINK("http://x")' in names


def test_report_is_self_contained(built):
    _, _, page = built
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert "url(" not in page
    images = IMAGE.findall(page)
    # 11 pack charts + one one-pager per default partner
    assert len(images) >= 11
    for data in images:
        root = ET.fromstring(base64.b64decode(data))
        assert root.tag.endswith("svg")


def test_report_sections_and_figures(built, analysis):
    _, _, page = built
    for anchor in (
        "summary",
        "concentration",
        "portfolio",
        "relationships",
        "recommendations",
        "scorecard",
        "partners",
    ):
        assert f'id="{anchor}"' in page
    vital = int(analysis.scorecard["vital"].sum())
    assert f"{vital:,} partners (" in page
    assert page.count('class="onepager"') == len(default_partners(analysis.scorecard))


def test_default_one_pagers_are_vital_few_and_exits():
    card = pl.DataFrame(
        {
            "partner_id": ["v1", "v2", "v3", "x1", "x2", "k"],
            "rank": [1, 2, 3, 5, 4, 6],
            "vital": [True, True, True, False, False, False],
            "recommendation": ["keep", "watch", "keep", "exit", "exit", "keep"],
        }
    )
    assert default_partners(card) == ["v1", "v2", "v3", "x2", "x1"]
    # limit 4: two places each; limit 3 with one exit: the vital few take the spare place
    assert default_partners(card, limit=4) == ["v1", "v2", "x2", "x1"]
    one_exit = card.filter(pl.col("partner_id") != "x1")
    assert default_partners(one_exit, limit=3) == ["v1", "v2", "x2"]


def test_chosen_partners_in_order_and_quietly(analysis, tmp_path, capsys):
    ids = analysis.scorecard.sort("rank", descending=True)["partner_id"][:2].to_list()
    page = build_report(analysis, tmp_path / "a", partners=ids, formats=()).read_text()
    assert page.count('class="onepager"') == 2
    first, second = (page.index(f"({pid})") for pid in ids)
    assert first < second
    assert not (tmp_path / "a" / "charts").exists()
    assert capsys.readouterr().err == ""


def test_all_partners_with_a_progress_bar(syn, tmp_path, capsys):
    tiny = syn.analysis(5, seed=3)
    page = build_report(tiny, tmp_path, all_partners=True, formats=(), progress=True)
    assert page.read_text().count('class="onepager"') == 5
    assert "report" in capsys.readouterr().err


def test_unknown_partner_or_format_writes_nothing(analysis, tmp_path):
    with pytest.raises(KeyError, match="nobody"):
        build_report(analysis, tmp_path / "x", partners=["nobody"])
    with pytest.raises(ValueError, match="gif"):
        build_report(analysis, tmp_path / "y", formats=("gif",))
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "y").exists()
