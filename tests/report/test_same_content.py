"""The fast report path writes exactly what a plain, one-at-a-time path writes.

The reference renders every chart of the page one after the other, straight through
vl-convert's own functions (PNG by ``vegalite_to_png``, not from the SVG), from specs
validated by altair; the report under test renders concurrently, shares each SVG with its
PNG and skips the second validation. Page, chart files and CSV exports must be identical,
byte for byte, once the reference's gradient ids are numbered per file (vl-convert numbers
them with a counter shared by the whole process; the report numbers them from 0 in each
file, so that a chart's SVG does not depend on what was rendered before it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import vl_convert as vlc

import partnerkit as pk
from partnerkit.charts.export import vegalite_version
from partnerkit.report import build


def _per_file_ids(svg: str) -> str:
    seen: list[str] = []
    for number in re.findall(r'id="gradient_(\d+)"', svg):
        if number not in seen:
            seen.append(number)
    for new, old in enumerate(seen):
        svg = svg.replace(f'id="gradient_{old}"', f'id="@{new}"')
        svg = svg.replace(f"url(#gradient_{old})", f"url(#@{new})")
    return svg.replace('id="@', 'id="gradient_').replace("url(#@", "url(#gradient_")


def _reference(
    specs: Mapping[str, dict[str, Any]],
    formats: Sequence[str],
    /,
    *,
    scale: float = 2.0,
    progress: Any = None,
) -> dict[tuple[str, str], bytes]:
    version = vegalite_version()
    out: dict[tuple[str, str], bytes] = {}
    for name, spec in specs.items():
        for fmt in dict.fromkeys(formats):
            if fmt == "svg":
                svg = vlc.vegalite_to_svg(spec, vl_version=version)
                out[name, fmt] = _per_file_ids(svg).encode()
            elif fmt == "png":
                out[name, fmt] = vlc.vegalite_to_png(spec, vl_version=version, scale=scale)
            else:
                raise AssertionError(f"not used here: {fmt}")
            if progress is not None:
                progress(len(out), len(specs) * len(formats))
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def analysis() -> Any:
    return pk.analyze(pk.samples.generate(partners=60, seed=5).portfolio())


@pytest.mark.slow
def test_report_identical_to_the_plain_path(
    analysis: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = analysis.scorecard.sort("rank")["partner_id"][:2].to_list()
    options: dict[str, Any] = {"formats": ("svg", "png"), "partners": ids, "currency": "EUR"}
    build.build_report(analysis, tmp_path / "fast", **options)
    monkeypatch.setattr(build, "render_all", _reference)
    build.build_report(analysis, tmp_path / "plain", **options)
    fast, plain = _files(tmp_path / "fast"), _files(tmp_path / "plain")
    assert sorted(fast) == sorted(plain)
    assert any(name.endswith(".png") for name in fast)
    assert "report.html" in fast
    for name in fast:
        assert fast[name] == plain[name], name


@pytest.mark.slow
def test_a_charts_svg_does_not_depend_on_what_was_rendered_before(analysis: Any) -> None:
    from partnerkit.charts import theme  # noqa: PLC0415
    from partnerkit.charts.export import render_all  # noqa: PLC0415
    from partnerkit.charts.pack import chart_pack  # noqa: PLC0415

    with theme.enabled():
        specs = {n: c.to_dict() for n, c in chart_pack(analysis).items()}
    first = render_all(specs, ["svg"])
    again = render_all(dict(reversed(specs.items())), ["svg"])
    assert any(b"gradient_" in svg for svg in first.values())  # the case that mattered
    assert first == again
