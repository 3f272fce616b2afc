"""Charts drawn once per spec, and JavaScript bundles built once per machine.

PNG files are the raster of the SVG render (checked byte for byte against vl-convert's own
PNG path); the bundle cache gives what vl-convert builds, across processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import altair as alt
import polars as pl
import pytest
import vl_convert as vlc

from partnerkit.charts import export
from partnerkit.charts.export import javascript_bundle, render_all, vegalite_version


def _specs() -> dict[str, dict[str, object]]:
    frame = pl.DataFrame({"x": [1.0, 2.0, 3.5], "y": [3.0, 1.0, 2.0], "k": ["a", "b", "<c>"]})
    points = alt.Chart(frame).mark_point().encode(x="x:Q", y="y:Q", color="k:N")
    bars = alt.Chart(frame).mark_bar().encode(x="k:N", y="sum(y):Q").properties(title="Bars")
    return {"points": points.to_dict(), "bars": (bars + bars.mark_rule()).to_dict()}


def test_png_and_svg_equal_vl_converts_own_renders() -> None:
    specs = _specs()
    version = vegalite_version()
    calls: list[tuple[int, int]] = []
    out = render_all(
        specs, ["png", "svg", "json"], scale=2.0, progress=lambda d, t: calls.append((d, t))
    )
    for name, spec in specs.items():
        assert out[name, "png"] == vlc.vegalite_to_png(spec, vl_version=version, scale=2.0)
        assert out[name, "svg"].decode() == vlc.vegalite_to_svg(spec, vl_version=version)
        assert json.loads(out[name, "json"]) == spec
    assert calls == [(i, 6) for i in range(1, 7)]  # one call per file, in order


def test_png_alone_and_at_another_scale() -> None:
    spec = _specs()["points"]
    out = render_all({"p": spec}, ["png"], scale=1.0)
    assert list(out) == [("p", "png")]
    assert out["p", "png"] == vlc.vegalite_to_png(spec, vl_version=vegalite_version(), scale=1.0)


def _fresh(code: str, cache: str) -> str:
    env = {**os.environ, export.CACHE_ENV: cache}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )
    return done.stdout.strip().splitlines()[-1]


BUNDLE_HASH = (
    "import hashlib\nfrom partnerkit.charts.export import javascript_bundle\n"
    "print(hashlib.sha256(javascript_bundle().encode()).hexdigest())"
)


@pytest.mark.slow
def test_bundle_cache_is_written_then_read_by_the_next_process(tmp_path: Path) -> None:
    first = _fresh(BUNDLE_HASH, str(tmp_path))
    files = list(tmp_path.glob("bundle-*.js"))
    assert len(files) == 1
    built = vlc.javascript_bundle(None, vl_version=vegalite_version())
    assert first == hashlib.sha256(built.encode()).hexdigest()  # what vl-convert builds
    files[0].write_text("planted")  # the next process must read the file, not build again
    assert _fresh(BUNDLE_HASH, str(tmp_path)) == hashlib.sha256(b"planted").hexdigest()


@pytest.mark.slow
def test_empty_cache_setting_keeps_nothing(tmp_path: Path) -> None:
    _fresh(BUNDLE_HASH, "")
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    code = BUNDLE_HASH.replace("print(hashlib", "print(len(javascript_bundle()) > 0, hashlib")
    assert _fresh(code, str(blocked / "cache")).startswith("True ")


@pytest.mark.slow
@pytest.mark.skipif(alt.JupyterChart.__module__ == "altair.jupyter", reason="no anywidget")
def test_offline_widget_script_equals_altairs_own(tmp_path: Path) -> None:
    probe = (
        "import hashlib, altair as alt\n{setup}\n"
        "esm = alt.JupyterChart._esm\n"
        "print(alt.JupyterChart._is_offline, hashlib.sha256(esm.encode()).hexdigest())"
    )
    theirs = _fresh(probe.format(setup="alt.JupyterChart.enable_offline()"), "")
    setup = "from partnerkit.charts.export import enable_offline_widgets\nenable_offline_widgets()"
    cold = _fresh(probe.format(setup=setup), str(tmp_path))
    warm = _fresh(probe.format(setup=setup), str(tmp_path))
    assert theirs.startswith("True ")
    assert cold == theirs
    assert warm == theirs
    assert len(list(tmp_path.glob("bundle-*.js"))) == 1
    assert javascript_bundle is export.javascript_bundle
